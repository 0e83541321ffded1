//! Git over HTTP with the real `git` client: clone, fetch, push, privacy, scopes, and bad input.

mod common;

use common::gitcli::{git, ok};

use common::shapes::assert_shape;
use common::{Auth, TestServer, PASSWORD};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// `http://user:secret@127.0.0.1:port/owner/repo.git`
fn url(s: &TestServer, user: Option<(&str, &str)>, path: &str) -> String {
    let base = s.base.trim_start_matches("http://");
    match user {
        Some((u, p)) => format!("http://{u}:{p}@{base}/{path}"),
        None => format!("http://{base}/{path}"),
    }
}

fn work() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn commit(dir: &Path, file: &str, text: &str) -> String {
    std::fs::write(dir.join(file), text).unwrap();
    ok(git(dir, &["add", file]));
    ok(git(dir, &["commit", "-q", "-m", &format!("change {file}")]));
    ok(git(dir, &["rev-parse", "HEAD"]))
}

fn remote_head(s: &TestServer, owner: &str, repo: &str, branch: &str) -> Option<String> {
    let out = git(
        Path::new("/"),
        &[
            "--git-dir",
            s.repo_dir(owner, repo).to_str().unwrap(),
            "rev-parse",
            "--verify",
            "-q",
            &format!("refs/heads/{branch}"),
        ],
    );
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn clone_empty_push_first_commit_clone_again() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    let before = s.repo(&foo, "proj", false).await;
    assert_eq!(before["empty"], true);
    let w = work();
    let out = git(w.path(), &["clone", &url(&s, None, "foo/proj.git"), "a"]);
    assert!(
        stderr(&out).contains("empty repository"),
        "{}",
        stderr(&out)
    );
    let a = w.path().join("a");
    ok(git(&a, &["checkout", "-q", "-b", "trunk"]));
    let sha = commit(&a, "README.md", "hello\n");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    ok(git(
        &a,
        &[
            "push",
            "-q",
            &url(&s, Some(("foo", PASSWORD)), "foo/proj.git"),
            "trunk",
        ],
    ));

    let r = s
        .get("/api/v1/repos/foo/proj", &Auth::None)
        .await
        .expect(200);
    assert_eq!(r.body["empty"], false);
    assert_eq!(r.body["default_branch"], "trunk");
    assert!(r.body["size"].as_i64().unwrap() > 0);
    assert_ne!(r.body["updated_at"], before["updated_at"]);

    // Again, without .git, into a fresh directory.
    ok(git(
        w.path(),
        &["clone", "-q", &url(&s, None, "foo/proj"), "b"],
    ));
    assert_eq!(ok(git(&w.path().join("b"), &["rev-parse", "HEAD"])), sha);
    assert_eq!(
        std::fs::read_to_string(w.path().join("b/README.md")).unwrap(),
        "hello\n"
    );

    let r = s
        .get("/api/v1/repos/foo/proj/branches", &Auth::None)
        .await
        .expect(200);
    assert_eq!(r.total(), 1);
    let b = &r.body[0];
    assert_shape("Branch", b);
    assert_eq!(b["name"], "trunk");
    assert_eq!(b["commit"]["id"], sha.as_str());
    assert_eq!(b["commit"]["author"]["email"], "tester@example.com");
    assert_eq!(b["user_can_push"], false);
    let r = s
        .get("/api/v1/repos/foo/proj/branches/trunk", &foo)
        .await
        .expect(200);
    assert_shape("Branch", &r.body);
    assert_eq!(r.body["user_can_push"], true);
    s.get("/api/v1/repos/foo/proj/branches/nope", &foo)
        .await
        .expect(404);
    let r = s
        .get("/api/v1/repos/foo/proj/git/refs", &Auth::None)
        .await
        .expect(200);
    assert_shape("Reference", &r.body[0]);
    assert_eq!(r.body[0]["ref"], "refs/heads/trunk");
    assert_eq!(r.body[0]["object"]["sha"], sha.as_str());
    assert_eq!(r.body[0]["object"]["type"], "commit");
    s.get("/api/v1/repos/foo/proj/git/refs/heads/trunk", &Auth::None)
        .await
        .expect(200);
    s.get("/api/v1/repos/foo/proj/git/refs/tags", &Auth::None)
        .await
        .expect(404);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_push_and_fetch_v2_shallow_and_partial() {
    let s = TestServer::start().await;
    let (foo, tok) = s.user("foo").await;
    s.repo(&foo, "data", false).await;
    let w = work();
    let src = w.path().join("src");
    ok(git(w.path(), &["init", "-q", "src"]));
    for i in 0..5 {
        commit(&src, &format!("f{i}.txt"), &format!("content {i}\n"));
    }
    // A token as the password, then as the user name with x-oauth-basic.
    ok(git(
        &src,
        &[
            "push",
            "-q",
            &url(&s, Some(("foo", &tok)), "foo/data.git"),
            "trunk",
        ],
    ));
    commit(&src, "more.txt", "more\n");
    ok(git(
        &src,
        &[
            "push",
            "-q",
            &url(&s, Some((&tok, "x-oauth-basic")), "foo/data.git"),
            "trunk",
        ],
    ));
    let head = ok(git(&src, &["rev-parse", "HEAD"]));

    ok(git(
        w.path(),
        &["clone", "-q", &url(&s, None, "foo/data.git"), "v2"],
    ));
    let v2 = w.path().join("v2");
    let out = git(&v2, &["-c", "protocol.version=2", "fetch", "-v", "origin"]);
    ok(out);
    assert_eq!(ok(git(&v2, &["rev-parse", "origin/trunk"])), head);
    // The server did speak v2.
    let out = Command::new("git")
        .current_dir(&v2)
        .args(["-c", "protocol.version=2", "ls-remote", "origin"])
        .env("GIT_TRACE_PACKET", "1")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("version 2"));

    ok(git(
        w.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            &url(&s, None, "foo/data.git"),
            "shallow",
        ],
    ));
    assert_eq!(
        ok(git(
            &w.path().join("shallow"),
            &["rev-list", "--count", "HEAD"]
        )),
        "1"
    );
    ok(git(
        w.path(),
        &[
            "clone",
            "-q",
            "--filter=blob:none",
            &url(&s, None, "foo/data.git"),
            "partial",
        ],
    ));
    assert_eq!(
        ok(git(&w.path().join("partial"), &["rev-parse", "HEAD"])),
        head
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pushes_that_must_be_refused() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    s.user("bar").await;
    s.repo(&foo, "code", false).await;
    let w = work();
    let src = w.path().join("src");
    ok(git(w.path(), &["init", "-q", "src"]));
    let first = commit(&src, "a.txt", "a\n");
    ok(git(
        &src,
        &[
            "push",
            "-q",
            &url(&s, Some(("foo", PASSWORD)), "foo/code.git"),
            "trunk",
        ],
    ));
    commit(&src, "b.txt", "b\n");

    // A read-only token: a clear refusal, refs untouched.
    let ro = s.token("foo", &["read:repository"]).await;
    let out = git(
        &src,
        &[
            "push",
            &url(&s, Some(("foo", &ro)), "foo/code.git"),
            "trunk",
        ],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("write:repository"),
        "{}",
        stderr(&out)
    );
    assert_eq!(remote_head(&s, "foo", "code", "trunk").unwrap(), first);
    // Still fine for fetching.
    ok(git(
        w.path(),
        &[
            "clone",
            "-q",
            &url(&s, Some(("foo", &ro)), "foo/code.git"),
            "ro",
        ],
    ));

    // Another user may read a public repository but not push to it.
    let out = git(
        &src,
        &[
            "push",
            &url(&s, Some(("bar", PASSWORD)), "foo/code.git"),
            "trunk",
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("permission"), "{}", stderr(&out));
    // Anonymous pushes are asked for credentials.
    let out = git(&src, &["push", &url(&s, None, "foo/code.git"), "trunk"]);
    assert!(!out.status.success());
    // A wrong password.
    let out = git(
        &src,
        &[
            "push",
            &url(&s, Some(("foo", "wrong-password")), "foo/code.git"),
            "trunk",
        ],
    );
    assert!(
        stderr(&out).contains("Authentication failed"),
        "{}",
        stderr(&out)
    );

    // Pull mirrors are read-only.
    let id = s.get("/api/v1/repos/foo/code", &foo).await.body["id"]
        .as_i64()
        .unwrap();
    s.svc
        .store
        .update_repo(
            id,
            &oxforge_store::RepoUpdate {
                is_mirror: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let out = git(
        &src,
        &[
            "push",
            &url(&s, Some(("foo", PASSWORD)), "foo/code.git"),
            "trunk",
        ],
    );
    assert!(
        stderr(&out).contains("mirror repository is read-only"),
        "{}",
        stderr(&out)
    );
    assert_eq!(remote_head(&s, "foo", "code", "trunk").unwrap(), first);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn private_repositories_need_credentials_and_access() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    s.user("bar").await;
    s.repo(&foo, "secret", true).await;
    // Anonymous: 401 with a Basic challenge, exactly as for a missing repository.
    for path in ["foo/secret.git", "foo/missing.git", "nobody/x.git"] {
        let r = s
            .client
            .get(s.url(&format!("/{path}/info/refs?service=git-upload-pack")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{path}");
        assert!(r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic realm="));
    }
    // Signed in without access: 404, the same as missing.
    for path in ["foo/secret.git", "foo/missing.git"] {
        let r = s
            .client
            .get(s.url(&format!("/{path}/info/refs?service=git-upload-pack")))
            .basic_auth("bar", Some(PASSWORD))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    let w = work();
    let out = git(w.path(), &["clone", &url(&s, None, "foo/secret.git"), "x"]);
    assert!(!out.status.success());
    let out = git(
        w.path(),
        &[
            "clone",
            &url(&s, Some(("bar", PASSWORD)), "foo/secret.git"),
            "y",
        ],
    );
    assert!(stderr(&out).contains("not found"), "{}", stderr(&out));
    ok(git(
        w.path(),
        &[
            "clone",
            "-q",
            &url(&s, Some(("foo", PASSWORD)), "foo/secret.git"),
            "z",
        ],
    ));
    ok(git(
        w.path(),
        &[
            "clone",
            "-q",
            &url(&s, Some(("root", PASSWORD)), "foo/secret.git"),
            "admin",
        ],
    ));
    // A public-only token cannot reach it either.
    let po = s.token("foo", &["public-only", "write:repository"]).await;
    let out = git(
        w.path(),
        &[
            "clone",
            &url(&s, Some(("foo", &po)), "foo/secret.git"),
            "po",
        ],
    );
    assert!(stderr(&out).contains("public repos"), "{}", stderr(&out));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_pushes_and_clones() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    s.repo(&foo, "busy", false).await;
    let w = work();
    let base = w.path().join("base");
    ok(git(w.path(), &["init", "-q", "base"]));
    commit(&base, "base.txt", "base\n");
    let push_url = url(&s, Some(("foo", PASSWORD)), "foo/busy.git");
    ok(git(&base, &["push", "-q", &push_url, "trunk"]));
    // Two diverging clones push at once.
    let mut heads = Vec::new();
    for name in ["one", "two"] {
        ok(git(w.path(), &["clone", "-q", &push_url, name]));
        heads.push(commit(&w.path().join(name), &format!("{name}.txt"), name));
    }
    let mut tasks = Vec::new();
    for name in ["one", "two"] {
        let dir = w.path().join(name);
        let u = push_url.clone();
        tasks.push(std::thread::spawn(move || {
            git(&dir, &["push", &u, "trunk"])
        }));
    }
    let results: Vec<Output> = tasks.into_iter().map(|t| t.join().unwrap()).collect();
    let wins = results.iter().filter(|o| o.status.success()).count();
    assert!(wins >= 1, "no push succeeded");
    for o in results.iter().filter(|o| !o.status.success()) {
        let e = stderr(o);
        assert!(
            e.contains("rejected")
                || e.contains("fetch first")
                || e.contains("failed to update ref")
                || e.contains("lock"),
            "{e}"
        );
    }
    let final_head = remote_head(&s, "foo", "busy", "trunk").unwrap();
    assert!(heads.contains(&final_head));
    ok(git(
        Path::new("/"),
        &[
            "--git-dir",
            s.repo_dir("foo", "busy").to_str().unwrap(),
            "fsck",
            "--no-progress",
        ],
    ));

    // Many clones at once all succeed.
    let clone_url = url(&s, None, "foo/busy.git");
    let handles: Vec<_> = (0..12)
        .map(|i| {
            let dir = w.path().to_path_buf();
            let u = clone_url.clone();
            std::thread::spawn(move || git(&dir, &["clone", "-q", &u, &format!("c{i}")]))
        })
        .collect();
    for h in handles {
        ok(h.join().unwrap());
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn push_to_create_when_enabled() {
    let s = TestServer::start().await;
    s.user("foo").await;
    let w = work();
    let src = w.path().join("src");
    ok(git(w.path(), &["init", "-q", "src"]));
    commit(&src, "a.txt", "a\n");
    let out = git(
        &src,
        &[
            "push",
            &url(&s, Some(("foo", PASSWORD)), "foo/fresh.git"),
            "trunk",
        ],
    );
    assert!(
        stderr(&out).contains("Push to create is not enabled"),
        "{}",
        stderr(&out)
    );
    s.stop().await;

    let s = TestServer::start_with(&[("repository", "ENABLE_PUSH_CREATE_USER", "true")]).await;
    let (foo, _) = s.user("foo").await;
    s.user("bar").await;
    ok(git(
        &src,
        &[
            "push",
            "-q",
            &url(&s, Some(("foo", PASSWORD)), "foo/fresh.git"),
            "trunk",
        ],
    ));
    let r = s.get("/api/v1/repos/foo/fresh", &foo).await.expect(200);
    assert_eq!(r.body["private"], true);
    assert_eq!(r.body["empty"], false);
    assert_eq!(r.body["default_branch"], "trunk");
    // Not into someone else's name.
    let out = git(
        &src,
        &[
            "push",
            &url(&s, Some(("bar", PASSWORD)), "foo/other.git"),
            "trunk",
        ],
    );
    assert!(!out.status.success());
    s.get("/api/v1/repos/foo/other", &s.admin())
        .await
        .expect(404);
    s.stop().await;
}

async fn raw(
    s: &TestServer,
    method: reqwest::Method,
    path: &str,
    ctype: Option<&str>,
    body: Vec<u8>,
    auth: bool,
) -> (u16, String) {
    let mut req = s.client.request(method, s.url(path)).body(body);
    if let Some(c) = ctype {
        req = req.header("Content-Type", c);
    }
    if auth {
        req = req.basic_auth("foo", Some(PASSWORD));
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_transport_input() {
    let s = TestServer::start_with(&[("git.timeout", "DEFAULT", "2")]).await;
    let (foo, _) = s.user("foo").await;
    s.repo(&foo, "target", false).await;
    let w = work();
    let src = w.path().join("src");
    ok(git(w.path(), &["init", "-q", "src"]));
    let head = commit(&src, "a.txt", "a\n");
    ok(git(
        &src,
        &[
            "push",
            "-q",
            &url(&s, Some(("foo", PASSWORD)), "foo/target.git"),
            "trunk",
        ],
    ));
    use reqwest::Method;

    // Path traversal and odd names never reach the disk.
    for path in [
        "/foo/..%2F..%2Fetc/info/refs?service=git-upload-pack",
        "/foo/%2E%2E/info/refs?service=git-upload-pack",
        "/..%2Ffoo/target.git/info/refs?service=git-upload-pack",
        "/foo/target.git%2F..%2F..%2F/info/refs?service=git-upload-pack",
        "/%2Fetc/passwd/info/refs?service=git-upload-pack",
        "/foo/target.git.git/info/refs?service=git-upload-pack",
    ] {
        let (status, _) = raw(&s, Method::GET, path, None, vec![], true).await;
        assert_eq!(status, 404, "{path}");
    }
    // Unknown services and wrong methods.
    for (method, path, ctype, body, want) in [
        (
            Method::GET,
            "/foo/target.git/info/refs?service=git-upload-archive",
            None,
            vec![],
            403,
        ),
        (Method::GET, "/foo/target.git/info/refs", None, vec![], 403),
        (
            Method::GET,
            "/foo/target.git/git-upload-pack",
            None,
            vec![],
            405,
        ),
        (
            Method::PUT,
            "/foo/target.git/info/refs?service=git-upload-pack",
            None,
            vec![],
            405,
        ),
        (
            Method::POST,
            "/foo/target.git/git-upload-pack",
            Some("text/plain"),
            b"0000".to_vec(),
            415,
        ),
    ] {
        let (status, _) = raw(&s, method.clone(), path, ctype, body, true).await;
        assert_eq!(status, want, "{method} {path}");
    }

    // A garbage pack: the push fails, refs stay as they were.
    let zero = "0".repeat(40);
    let fake = "1".repeat(40);
    let mut body =
        oxforge_git::smart::pkt_line(&format!("{head} {fake} refs/heads/trunk\0report-status\n"));
    body.extend_from_slice(b"0000PACK\x00\x00\x00\x02\x00\x00\x00\x01garbage-garbage-garbage");
    let (status, text) = raw(
        &s,
        Method::POST,
        "/foo/target.git/git-receive-pack",
        Some("application/x-git-receive-pack-request"),
        body,
        true,
    )
    .await;
    assert_eq!(status, 200);
    assert!(text.contains("unpack") || text.is_empty(), "{text}");
    let mut body =
        oxforge_git::smart::pkt_line(&format!("{zero} {fake} refs/heads/evil\0report-status\n"));
    body.extend_from_slice(b"0000PACK");
    raw(
        &s,
        Method::POST,
        "/foo/target.git/git-receive-pack",
        Some("application/x-git-receive-pack-request"),
        body,
        true,
    )
    .await;
    assert_eq!(remote_head(&s, "foo", "target", "trunk").unwrap(), head);
    assert!(remote_head(&s, "foo", "target", "evil").is_none());
    ok(git(
        Path::new("/"),
        &[
            "--git-dir",
            s.repo_dir("foo", "target").to_str().unwrap(),
            "fsck",
            "--no-progress",
        ],
    ));

    // A gzip bomb: inflation stops at the limit and the server stays well.
    let bomb = Command::new("sh")
        .args(["-c", "head -c 200000000 /dev/zero | gzip -1"])
        .output()
        .unwrap()
        .stdout;
    assert!(bomb.len() < 1_000_000);
    let started = Instant::now();
    let r = s
        .client
        .post(s.url("/foo/target.git/git-upload-pack"))
        .header("Content-Type", "application/x-git-upload-pack-request")
        .header("Content-Encoding", "gzip")
        .body(bomb)
        .send()
        .await
        .unwrap();
    let _ = r.bytes().await;
    assert!(started.elapsed() < Duration::from_secs(30));
    s.get("/api/v1/version", &Auth::None).await.expect(200);

    // A client that stalls mid-upload: its git process is ended after the idle timeout.
    let repo_path = s.repo_dir("foo", "target");
    let addr = s.base.trim_start_matches("http://").to_string();
    let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
    use tokio::io::AsyncWriteExt;
    let auth = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("foo:{PASSWORD}"),
    );
    conn.write_all(
        format!(
            "POST /foo/target.git/git-receive-pack HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Basic {auth}\r\n\
             Content-Type: application/x-git-receive-pack-request\r\nContent-Length: 100000\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    // One command, then silence: git waits for the rest.
    let cmd =
        oxforge_git::smart::pkt_line(&format!("{head} {fake} refs/heads/trunk\0report-status\n"));
    conn.write_all(&cmd).await.unwrap();
    let running = || {
        let out = Command::new("pgrep")
            .args([
                "-f",
                &format!("receive-pack --stateless-rpc {}", repo_path.display()),
            ])
            .output()
            .unwrap();
        !out.stdout.is_empty()
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(running(), "git should be running while the client sends");
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(!running(), "git still running after the client stalled");
    drop(conn);
    assert_eq!(remote_head(&s, "foo", "target", "trunk").unwrap(), head);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn repeated_wrong_passwords_are_slowed_down() {
    let s = TestServer::start().await;
    s.user("foo").await;
    let bad = Auth::Basic("foo".into(), "not-the-password".into());
    let mut last = Duration::ZERO;
    for _ in 0..6 {
        let t = Instant::now();
        s.get("/api/v1/user", &bad).await.expect(401);
        last = t.elapsed();
    }
    assert!(
        last >= Duration::from_millis(400),
        "sixth failure took {last:?}"
    );
    // Right password still works (after its own wait) and clears the record.
    s.get("/api/v1/user", &Auth::basic("foo")).await.expect(200);
    let t = Instant::now();
    s.get("/api/v1/user", &Auth::basic("foo")).await.expect(200);
    assert!(t.elapsed() < Duration::from_millis(400));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_disconnects_takes_its_git_process_with_it() {
    // A long idle timeout: only the disconnect can end the process quickly.
    let s = TestServer::start_with(&[("git.timeout", "DEFAULT", "300")]).await;
    let (foo, _) = s.user("foo").await;
    s.repo(&foo, "gone", false).await;
    let w = work();
    let src = w.path().join("src");
    ok(git(w.path(), &["init", "-q", "src"]));
    let head = commit(&src, "a.txt", "a\n");
    ok(git(
        &src,
        &[
            "push",
            "-q",
            &url(&s, Some(("foo", PASSWORD)), "foo/gone.git"),
            "trunk",
        ],
    ));
    let repo_path = s.repo_dir("foo", "gone");
    let running = || {
        let pattern = format!("receive-pack --stateless-rpc {}", repo_path.display());
        !Command::new("pgrep")
            .args(["-f", &pattern])
            .output()
            .unwrap()
            .stdout
            .is_empty()
    };
    let addr = s.base.trim_start_matches("http://").to_string();
    let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
    use tokio::io::AsyncWriteExt;
    let auth = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("foo:{PASSWORD}"),
    );
    conn.write_all(
        format!(
            "POST /foo/gone.git/git-receive-pack HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Basic {auth}\r\n\
             Content-Type: application/x-git-receive-pack-request\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let cmd = oxforge_git::smart::pkt_line(&format!(
        "{head} {} refs/heads/trunk\0report-status\n",
        "2".repeat(40)
    ));
    conn.write_all(format!("{:x}\r\n", cmd.len()).as_bytes())
        .await
        .unwrap();
    conn.write_all(&cmd).await.unwrap();
    conn.write_all(b"\r\n").await.unwrap();
    let mut seen = false;
    for _ in 0..50 {
        if running() {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(seen, "git never started");
    drop(conn);
    let mut gone = false;
    for _ in 0..60 {
        if !running() {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(gone, "git outlived its client");
    assert_eq!(remote_head(&s, "foo", "gone", "trunk").unwrap(), head);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn graceful_shutdown_lets_a_push_in_flight_finish() {
    let mut s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    s.repo(&foo, "big", false).await;
    let w = work();
    let src = w.path().join("src");
    ok(git(w.path(), &["init", "-q", "src"]));
    // Incompressible content, so the push takes a moment.
    let noise: Vec<u8> = (0..24_000_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(src.join("noise.bin"), noise).unwrap();
    ok(git(&src, &["add", "noise.bin"]));
    ok(git(&src, &["commit", "-q", "-m", "noise"]));
    let head = ok(git(&src, &["rev-parse", "HEAD"]));
    let push_url = url(&s, Some(("foo", PASSWORD)), "foo/big.git");
    let dir = src.clone();
    let push = std::thread::spawn(move || git(&dir, &["push", "-q", &push_url, "trunk"]));
    let repo_path = s.repo_dir("foo", "big");
    let pattern = format!("receive-pack --stateless-rpc {}", repo_path.display());
    for _ in 0..400 {
        if !Command::new("pgrep")
            .args(["-f", &pattern])
            .output()
            .unwrap()
            .stdout
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Keep the data directory past the server's end.
    let data = std::mem::replace(&mut s.dir, tempfile::tempdir().unwrap());
    s.stop().await;
    ok(push.join().unwrap());
    let out = git(
        Path::new("/"),
        &[
            "--git-dir",
            repo_path.to_str().unwrap(),
            "rev-parse",
            "refs/heads/trunk",
        ],
    );
    assert_eq!(ok(out), head);
    drop(data);
}

#[tokio::test(flavor = "multi_thread")]
async fn gzip_encoded_requests_are_inflated() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    s.repo(&foo, "zipped", false).await;
    let w = work();
    let src = w.path().join("src");
    ok(git(w.path(), &["init", "-q", "src"]));
    let head = commit(&src, "a.txt", "zipped content\n");
    ok(git(
        &src,
        &[
            "push",
            "-q",
            &url(&s, Some(("foo", PASSWORD)), "foo/zipped.git"),
            "trunk",
        ],
    ));
    // A v0 upload-pack request, as git sends it when it compresses: want, flush, done.
    let mut req = oxforge_git::smart::pkt_line(&format!("want {head} ofs-delta\n"));
    req.extend_from_slice(b"0000");
    req.extend_from_slice(&oxforge_git::smart::pkt_line("done\n"));
    let mut gz = Command::new("gzip")
        .arg("-c")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    gz.stdin.take().unwrap().write_all(&req).unwrap();
    let body = gz.wait_with_output().unwrap().stdout;
    let r = s
        .client
        .post(s.url("/foo/zipped.git/git-upload-pack"))
        .header("Content-Type", "application/x-git-upload-pack-request")
        .header("Content-Encoding", "gzip")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/x-git-upload-pack-result"
    );
    let bytes = r.bytes().await.unwrap();
    assert!(
        bytes.starts_with(b"0008NAK\n"),
        "{:?}",
        &bytes[..bytes.len().min(40)]
    );
    assert!(bytes.windows(4).any(|w| w == b"PACK"));
    s.stop().await;
}

/// Gitea's TestGitPush: many branches in one push all show in the branch list.
#[tokio::test(flavor = "multi_thread")]
async fn a_push_of_many_branches_updates_the_branch_list() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    s.repo(&foo, "many", false).await;
    let w = work();
    let src = w.path().join("src");
    ok(git(w.path(), &["init", "-q", "src"]));
    commit(&src, "a.txt", "a\n");
    for i in 0..100 {
        ok(git(&src, &["branch", &format!("b{i:03}")]));
    }
    ok(git(
        &src,
        &[
            "push",
            "-q",
            &url(&s, Some(("foo", PASSWORD)), "foo/many.git"),
            "--all",
        ],
    ));
    let r = s
        .get("/api/v1/repos/foo/many/branches?limit=50", &Auth::None)
        .await
        .expect(200);
    assert_eq!(r.total(), 101);
    assert_eq!(r.body.as_array().unwrap().len(), 50);
    let r = s
        .get("/api/v1/repos/foo/many", &Auth::None)
        .await
        .expect(200);
    // `--all` sends refs in name order; the first one named becomes the default, as in Gitea.
    assert_eq!(r.body["default_branch"], "b000");
    // Deleting some in one push.
    let mut args = vec![
        "push".to_string(),
        "-q".into(),
        url(&s, Some(("foo", PASSWORD)), "foo/many.git"),
    ];
    args.extend((50..60).map(|i| format!(":b{i:03}")));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(git(&src, &refs));
    let r = s
        .get("/api/v1/repos/foo/many/branches", &Auth::None)
        .await
        .expect(200);
    assert_eq!(r.total(), 91);
    s.stop().await;
}
