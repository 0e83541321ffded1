//! Migration and pull mirrors against real local git servers (another oxforge, git daemon),
//! failure cleanup, credentials, and the server-side request forgery guard.

mod common;

use common::gitcli::{git, ok};

use common::shapes::assert_shape;
use common::{Auth, TestServer, PASSWORD};
use serde_json::json;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn commit(dir: &Path, file: &str) -> String {
    std::fs::write(dir.join(file), file).unwrap();
    ok(git(dir, &["add", file]));
    ok(git(dir, &["commit", "-q", "-m", file]));
    ok(git(dir, &["rev-parse", "HEAD"]))
}

fn authed(s: &TestServer, user: &str, path: &str) -> String {
    format!(
        "http://{user}:{PASSWORD}@{}/{path}",
        s.base.trim_start_matches("http://")
    )
}

/// A source server with `alice/src` holding `trunk`, `dev` and tag `v1`.
async fn source(private: bool) -> (TestServer, tempfile::TempDir, String) {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    s.repo(&alice, "src", private).await;
    let w = tempfile::tempdir().unwrap();
    let dir = w.path().join("work");
    ok(git(w.path(), &["init", "-q", "work"]));
    commit(&dir, "one.txt");
    ok(git(&dir, &["branch", "dev"]));
    ok(git(&dir, &["tag", "v1"]));
    let head = commit(&dir, "two.txt");
    ok(git(
        &dir,
        &[
            "push",
            "-q",
            &authed(&s, "alice", "alice/src.git"),
            "trunk",
            "dev",
            "v1",
        ],
    ));
    (s, w, head)
}

fn refs(s: &TestServer, owner: &str, name: &str) -> Vec<String> {
    let out = git(
        Path::new("/"),
        &[
            "--git-dir",
            s.repo_dir(owner, name).to_str().unwrap(),
            "for-each-ref",
            "--format=%(refname)",
        ],
    );
    ok(out).lines().map(String::from).collect()
}

fn local_target() -> [(&'static str, &'static str, &'static str); 1] {
    [("migrations", "ALLOW_LOCALNETWORKS", "true")]
}

fn nothing_left(s: &TestServer, owner: &str, name: &str) {
    assert!(!s.repo_dir(owner, name).exists(), "directory left behind");
    let scratch = s.cfg.repository.root.join(".migrating");
    let leftovers = std::fs::read_dir(&scratch).map(|d| d.count()).unwrap_or(0);
    assert_eq!(leftovers, 0, "scratch directories left behind");
}

#[tokio::test(flavor = "multi_thread")]
async fn copy_migration_brings_every_branch_and_tag() {
    let (src, _w, head) = source(false).await;
    let t = TestServer::start_with(&local_target()).await;
    let (bob, _) = t.user("bob").await;
    let clone_addr = format!("{}/alice/src.git", src.base);
    let r = t
        .post(
            "/api/v1/repos/migrate",
            &bob,
            json!({"clone_addr": clone_addr, "repo_name": "copy", "description": "copied"}),
        )
        .await
        .expect(201);
    assert_shape("Repository", &r.body);
    assert_eq!(r.body["full_name"], "bob/copy");
    assert_eq!(r.body["mirror"], false);
    assert_eq!(r.body["mirror_interval"], "");
    assert_eq!(r.body["original_url"], clone_addr);
    assert_eq!(r.body["default_branch"], "trunk");
    assert_eq!(r.body["empty"], false);
    assert!(r.body["size"].as_i64().unwrap() > 0);
    assert_eq!(r.body["permissions"]["admin"], true);
    let got = refs(&t, "bob", "copy");
    for want in ["refs/heads/trunk", "refs/heads/dev", "refs/tags/v1"] {
        assert!(got.iter().any(|r| r == want), "{want} missing from {got:?}");
    }
    let w = tempfile::tempdir().unwrap();
    ok(git(
        w.path(),
        &["clone", "-q", &format!("{}/bob/copy.git", t.base), "c"],
    ));
    assert_eq!(ok(git(&w.path().join("c"), &["rev-parse", "HEAD"])), head);
    // Gogs' uid and Gitea's repo_owner name the owner; others' accounts are refused.
    let bob_id = t.get("/api/v1/users/bob", &bob).await.body["id"]
        .as_i64()
        .unwrap();
    t.post(
        "/api/v1/repos/migrate",
        &bob,
        json!({"clone_addr": clone_addr, "repo_name": "by-uid", "uid": bob_id}),
    )
    .await
    .expect(201);
    t.post(
        "/api/v1/repos/migrate",
        &t.admin(),
        json!({"clone_addr": clone_addr, "repo_name": "by-name", "repo_owner": "bob"}),
    )
    .await
    .expect(201);
    t.user("carol").await;
    let r = t
        .post(
            "/api/v1/repos/migrate",
            &bob,
            json!({"clone_addr": clone_addr, "repo_name": "x", "repo_owner": "carol"}),
        )
        .await
        .expect(403);
    assert_eq!(r.message(), "Given user is not an organization.");
    // Into an organization: its owners may, other members and outsiders may not.
    let carol = t.user("carol2").await.0;
    t.post("/api/v1/orgs", &bob, json!({"username": "bobs-org"}))
        .await
        .expect(201);
    t.post("/api/v1/orgs", &carol, json!({"username": "carols-org"}))
        .await
        .expect(201);
    let r = t
        .post(
            "/api/v1/repos/migrate",
            &bob,
            json!({"clone_addr": clone_addr, "repo_name": "in-org", "repo_owner": "bobs-org"}),
        )
        .await
        .expect(201);
    assert_eq!(r.body["full_name"], "bobs-org/in-org");
    let r = t
        .post(
            "/api/v1/repos/migrate",
            &bob,
            json!({"clone_addr": clone_addr, "repo_name": "x", "repo_owner": "carols-org"}),
        )
        .await
        .expect(403);
    assert_eq!(r.message(), "Given user is not owner of organization.");
    t.post(
        "/api/v1/repos/migrate",
        &bob,
        json!({"clone_addr": clone_addr, "repo_name": "x", "repo_owner": "nobody"}),
    )
    .await
    .expect(422);
    let r = t
        .post(
            "/api/v1/repos/migrate",
            &bob,
            json!({"clone_addr": clone_addr, "repo_name": "copy"}),
        )
        .await
        .expect(409);
    assert_eq!(
        r.message(),
        "The repository with the same name already exists."
    );
    t.post("/api/v1/repos/migrate", &bob, json!({"repo_name": "x"}))
        .await
        .expect(422);
    t.post(
        "/api/v1/repos/migrate",
        &Auth::None,
        json!({"clone_addr": clone_addr, "repo_name": "x"}),
    )
    .await
    .expect(401);
    let ro = Auth::token(&t.token("bob", &["read:repository"]).await);
    t.post(
        "/api/v1/repos/migrate",
        &ro,
        json!({"clone_addr": clone_addr, "repo_name": "x"}),
    )
    .await
    .expect(403);
    t.stop().await;
    src.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn private_sources_and_credentials() {
    let (src, _w, _) = source(true).await;
    let t = TestServer::start_with(&local_target()).await;
    let (bob, _) = t.user("bob").await;
    let addr = format!("{}/alice/src.git", src.base);
    // No credentials: refused, nothing kept, the name stays free.
    let r = t
        .post(
            "/api/v1/repos/migrate",
            &bob,
            json!({"clone_addr": addr, "repo_name": "priv"}),
        )
        .await
        .expect(422);
    assert!(
        r.message().starts_with("Authentication failed"),
        "{}",
        r.message()
    );
    nothing_left(&t, "bob", "priv");
    t.get("/api/v1/repos/bob/priv", &bob).await.expect(404);
    // Wrong password: the same, and the password appears nowhere.
    let r = t
        .post("/api/v1/repos/migrate", &bob, json!({"clone_addr": addr, "repo_name": "priv", "auth_username": "alice", "auth_password": "wrong-secret-123"}))
        .await
        .expect(422);
    assert!(
        r.message().starts_with("Authentication failed"),
        "{}",
        r.message()
    );
    assert!(!r.text.contains("wrong-secret-123"));
    nothing_left(&t, "bob", "priv");
    // Right credentials, as fields and inside the URL.
    let r = t
        .post(
            "/api/v1/repos/migrate",
            &bob,
            json!({"clone_addr": addr, "repo_name": "priv", "auth_username": "alice", "auth_password": PASSWORD, "mirror": true, "private": true}),
        )
        .await
        .expect(201);
    assert_eq!(r.body["mirror"], true);
    assert_eq!(r.body["private"], true);
    assert!(!r.text.contains(PASSWORD));
    let in_url = authed(&src, "alice", "alice/src.git");
    let r = t
        .post(
            "/api/v1/repos/migrate",
            &bob,
            json!({"clone_addr": in_url, "repo_name": "priv2"}),
        )
        .await
        .expect(201);
    assert_eq!(
        r.body["original_url"], addr,
        "credentials are stripped from original_url"
    );
    for name in ["priv", "priv2"] {
        let config = std::fs::read_to_string(t.repo_dir("bob", name).join("config")).unwrap();
        assert!(!config.contains(PASSWORD), "{config}");
        assert!(!config.contains("alice:"), "{config}");
    }
    // Stored for the mirror's syncs, but sealed.
    if common::backend_name() == "sqlite" {
        let db = [
            std::fs::read(&t.cfg.database.path).unwrap_or_default(),
            std::fs::read(t.cfg.database.path.with_extension("db-wal")).unwrap_or_default(),
        ]
        .concat();
        assert!(!db.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()));
    }
    // And the mirror can sync the private source.
    t.post("/api/v1/repos/bob/priv/mirror-sync", &bob, json!({}))
        .await
        .expect(200);
    t.stop().await;
    src.stop().await;
}

async fn wait_for(mut check: impl AsyncFnMut() -> bool, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread")]
async fn mirrors_follow_their_source() {
    let (src, w, _) = source(false).await;
    let t = TestServer::start_with(&[
        ("migrations", "ALLOW_LOCALNETWORKS", "true"),
        ("mirror", "MIN_INTERVAL", "1s"),
        ("cron.update_mirrors", "SCHEDULE", "@every 1s"),
    ])
    .await;
    let (bob, _) = t.user("bob").await;
    let addr = format!("{}/alice/src.git", src.base);
    let r = t
        .post(
            "/api/v1/repos/migrate",
            &bob,
            json!({"clone_addr": addr, "repo_name": "m", "mirror": true, "mirror_interval": "1h"}),
        )
        .await
        .expect(201);
    assert_eq!(r.body["mirror"], true);
    assert_eq!(r.body["mirror_interval"], "1h0m0s");
    let first_sync = r.body["mirror_updated"].as_str().unwrap().to_string();
    assert_ne!(first_sync, "0001-01-01T00:00:00Z");
    // Read-only to pushes.
    let work = w.path().join("work");
    let out = git(&work, &["push", &authed(&t, "bob", "bob/m.git"), "trunk"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("mirror repository is read-only"));

    // A new commit upstream arrives with mirror-sync.
    let new_head = commit(&work, "three.txt");
    ok(git(
        &work,
        &[
            "push",
            "-q",
            &authed(&src, "alice", "alice/src.git"),
            "trunk",
        ],
    ));
    ok(git(
        &work,
        &[
            "push",
            "-q",
            "--delete",
            &authed(&src, "alice", "alice/src.git"),
            "dev",
        ],
    ));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    t.post("/api/v1/repos/bob/m/mirror-sync", &bob, json!({}))
        .await
        .expect(200);
    let head = |t: &TestServer| {
        let d = t.repo_dir("bob", "m");
        let out = git(
            Path::new("/"),
            &[
                "--git-dir",
                d.to_str().unwrap(),
                "rev-parse",
                "refs/heads/trunk",
            ],
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert!(
        wait_for(async || head(&t) == new_head, Duration::from_secs(20)).await,
        "mirror-sync did not fetch"
    );
    // Pruned: the deleted branch is gone.
    assert!(
        wait_for(
            async || !refs(&t, "bob", "m").iter().any(|r| r == "refs/heads/dev"),
            Duration::from_secs(10)
        )
        .await
    );
    // The sync's time is recorded after its refs are in place: ask until it shows.
    let updated = async || {
        let r = t.get("/api/v1/repos/bob/m", &bob).await.expect(200);
        r.body["mirror_updated"] != first_sync
    };
    assert!(wait_for(updated, Duration::from_secs(10)).await);
    let r = t
        .get("/api/v1/repos/bob/m/branches", &bob)
        .await
        .expect(200);
    assert_eq!(r.total(), 1);

    // The interval: bad values refused, then a short one picks up new commits by itself.
    for bad in ["banana", "500ms", "-1h"] {
        t.patch("/api/v1/repos/bob/m", &bob, json!({"mirror_interval": bad}))
            .await
            .expect(422);
    }
    let r = t
        .patch(
            "/api/v1/repos/bob/m",
            &bob,
            json!({"mirror_interval": "2s"}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["mirror_interval"], "2s");
    let newer = commit(&work, "four.txt");
    ok(git(
        &work,
        &[
            "push",
            "-q",
            &authed(&src, "alice", "alice/src.git"),
            "trunk",
        ],
    ));
    assert!(
        wait_for(async || head(&t) == newer, Duration::from_secs(20)).await,
        "the scheduler did not sync"
    );

    // Not a mirror, or not allowed.
    t.repo(&bob, "plain", false).await;
    let r = t
        .post("/api/v1/repos/bob/plain/mirror-sync", &bob, json!({}))
        .await
        .expect(400);
    assert_eq!(r.message(), "Repository is not a mirror");
    let (carol, _) = t.user("carol").await;
    t.post("/api/v1/repos/bob/m/mirror-sync", &carol, json!({}))
        .await
        .expect(403);
    t.stop().await;
    src.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_leave_nothing_behind() {
    let t = TestServer::start_with(&local_target()).await;
    let (bob, _) = t.user("bob").await;
    // Nothing listens on port 1.
    let r = t
        .post(
            "/api/v1/repos/migrate",
            &bob,
            json!({"clone_addr": "http://127.0.0.1:1/x/y.git", "repo_name": "gone"}),
        )
        .await
        .expect(422);
    assert!(
        r.message().starts_with("Migration failed:"),
        "{}",
        r.message()
    );
    assert!(
        r.message().contains("127.0.0.1"),
        "the cause is told: {}",
        r.message()
    );
    nothing_left(&t, "bob", "gone");
    // A missing repository on a real server.
    let r = t
        .post(
            "/api/v1/repos/migrate",
            &bob,
            json!({"clone_addr": format!("{}/nobody/nothing.git", t.base), "repo_name": "gone"}),
        )
        .await
        .expect(422);
    assert!(r.message().contains("failed"), "{}", r.message());
    nothing_left(&t, "bob", "gone");
    // The name is free again.
    t.repo(&bob, "gone", false).await;
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn disallowed_hosts_are_refused() {
    let t = TestServer::start().await;
    let (bob, _) = t.user("bob").await;
    let port = t.base.rsplit(':').next().unwrap().to_string();
    let addrs = [
        format!("http://127.0.0.1:{port}/root/x.git"),
        format!("http://localhost:{port}/root/x.git"),
        format!("http://2130706433:{port}/root/x.git"),
        format!("http://0x7f000001:{port}/root/x.git"),
        format!("http://0177.0.0.1:{port}/root/x.git"),
        format!("http://[::ffff:127.0.0.1]:{port}/root/x.git"),
        format!("http://[::1]:{port}/root/x.git"),
        "git://127.0.0.1/root/x.git".to_string(),
        "http://10.0.0.1/x.git".to_string(),
        "http://192.168.1.1/x.git".to_string(),
        "http://169.254.169.254/latest/meta-data".to_string(),
        "http://no-such-host.invalid/x.git".to_string(),
        format!("https://user:pw@localhost:{port}/x.git"),
    ];
    for addr in &addrs {
        let r = t
            .post(
                "/api/v1/repos/migrate",
                &bob,
                json!({"clone_addr": addr, "repo_name": "ssrf"}),
            )
            .await;
        assert_eq!(r.status, 422, "{addr}: {}", r.text);
        assert_eq!(
            r.message(),
            "You can not import from disallowed hosts.",
            "{addr}"
        );
    }
    for addr in [
        "ssh://git@example.com/x.git",
        "file:///etc",
        "ftp://example.com/x",
    ] {
        let r = t
            .post(
                "/api/v1/repos/migrate",
                &bob,
                json!({"clone_addr": addr, "repo_name": "ssrf"}),
            )
            .await
            .expect(422);
        assert!(
            r.message().contains("not allowed"),
            "{addr}: {}",
            r.message()
        );
    }
    let r = t
        .post(
            "/api/v1/repos/migrate",
            &bob,
            json!({"clone_addr": "/tmp", "repo_name": "ssrf"}),
        )
        .await
        .expect(422);
    assert_eq!(
        r.message(),
        "You are not allowed to import local repositories."
    );
    nothing_left(&t, "bob", "ssrf");
    t.stop().await;
}

/// An allowed host that redirects to a loopback one: git must not follow.
#[tokio::test(flavor = "multi_thread")]
async fn redirects_to_internal_addresses_are_not_followed() {
    let (src, _w, _) = source(false).await;
    let t = TestServer::start_with(&[("migrations", "ALLOWED_DOMAINS", "127.0.0.2")]).await;
    let (bob, _) = t.user("bob").await;
    let target = format!("{}/alice/src.git", src.base);
    // Loopback itself is not allowed here.
    t.post(
        "/api/v1/repos/migrate",
        &bob,
        json!({"clone_addr": target, "repo_name": "direct"}),
    )
    .await
    .expect(422);
    let listener = tokio::net::TcpListener::bind("127.0.0.2:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let hits2 = hits.clone();
    let src_base = src.base.clone();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut c, _)) = listener.accept().await {
            hits2.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let n = c.read(&mut buf).await.unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]).to_string();
            let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
            let location = format!(
                "{src_base}/alice/src.git{}",
                path.trim_start_matches("/x/y.git")
            );
            let res = format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let _ = c.write_all(res.as_bytes()).await;
        }
    });
    let r = t
        .post("/api/v1/repos/migrate", &bob, json!({"clone_addr": format!("http://127.0.0.2:{port}/x/y.git"), "repo_name": "redirected"}))
        .await
        .expect(422);
    assert!(
        r.message().starts_with("Migration failed"),
        "{}",
        r.message()
    );
    assert!(
        hits.load(std::sync::atomic::Ordering::SeqCst) >= 1,
        "the allowed host was never asked"
    );
    nothing_left(&t, "bob", "redirected");
    t.stop().await;
    src.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn git_daemon_sources() {
    let w = tempfile::tempdir().unwrap();
    let base = w.path().join("served");
    std::fs::create_dir_all(&base).unwrap();
    let work = w.path().join("work");
    ok(git(w.path(), &["init", "-q", "work"]));
    let head = commit(&work, "a.txt");
    ok(git(
        w.path(),
        &[
            "clone",
            "-q",
            "--bare",
            work.to_str().unwrap(),
            base.join("proj.git").to_str().unwrap(),
        ],
    ));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // `git daemon` runs `git-daemon` as a child that would outlive a kill of `git`: start
    // the daemon itself, so killing it ends it.
    let exec_path = Command::new("git").arg("--exec-path").output().unwrap();
    let exec_path = String::from_utf8(exec_path.stdout).unwrap();
    let mut daemon = Command::new(std::path::Path::new(exec_path.trim()).join("git-daemon"))
        .args([
            "--export-all",
            "--reuseaddr",
            "--listen=127.0.0.1",
            &format!("--port={port}"),
        ])
        .arg(format!("--base-path={}", base.display()))
        .arg(&base)
        .spawn()
        .unwrap();
    let t = TestServer::start_with(&local_target()).await;
    let (bob, _) = t.user("bob").await;
    let addr = format!("git://127.0.0.1:{port}/proj.git");
    let mut r = None;
    for _ in 0..50 {
        let res = t
            .post(
                "/api/v1/repos/migrate",
                &bob,
                json!({"clone_addr": addr, "repo_name": "daemon"}),
            )
            .await;
        if res.status == 201 {
            r = Some(res);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = daemon.kill();
    let _ = daemon.wait();
    let r = r.expect("git daemon migration never succeeded");
    assert_eq!(r.body["original_url"], addr);
    let out = git(
        Path::new("/"),
        &[
            "--git-dir",
            t.repo_dir("bob", "daemon").to_str().unwrap(),
            "rev-parse",
            "HEAD",
        ],
    );
    assert_eq!(ok(out), head);
    t.stop().await;
}

/// Two processes on one PostgreSQL database: however often both are asked, a mirror never
/// has two syncs running at once, and both take part.
#[tokio::test(flavor = "multi_thread")]
async fn two_instances_never_sync_one_mirror_at_once() {
    if common::backend_name() != "postgres" {
        return;
    }
    let (src, _w, _) = source(false).await;
    let settings = [
        ("migrations", "ALLOW_LOCALNETWORKS", "true"),
        ("mirror", "WORKERS", "3"),
    ];
    let a = TestServer::start_with(&settings).await;
    let b = TestServer::start_beside(&a, &settings).await;
    let (bob, _) = a.user("bob").await;
    let r = a
        .post("/api/v1/repos/migrate", &bob, json!({"clone_addr": format!("{}/alice/src.git", src.base), "repo_name": "shared", "mirror": true}))
        .await
        .expect(201);
    let id = r.body["id"].as_i64().unwrap();
    let key = format!("mirror-sync:{id}");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (store, stop2) = (a.svc.store.clone(), stop.clone());
    let watcher = tokio::spawn(async move {
        let mut max_running = 0;
        while !stop2.load(std::sync::atomic::Ordering::SeqCst) {
            let jobs = store.jobs_with_key(&key).await.unwrap();
            let running = jobs
                .iter()
                .filter(|j| j.state == oxforge_store::jobs::RUNNING)
                .count();
            max_running = max_running.max(running);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        max_running
    });
    let key = format!("mirror-sync:{id}");
    let instances = |jobs: &[oxforge_store::JobRecord]| -> std::collections::BTreeSet<String> {
        jobs.iter()
            .filter(|j| !j.worker.is_empty())
            .map(|j| j.worker.split('-').next().unwrap_or("").to_string())
            .collect()
    };
    // Ask both, until both have run syncs (which one claims a job is up to the race).
    for i in 0..300 {
        let s = if i % 2 == 0 { &a } else { &b };
        s.post("/api/v1/repos/bob/shared/mirror-sync", &bob, json!({}))
            .await
            .expect(200);
        tokio::time::sleep(Duration::from_millis(20)).await;
        if i >= 30
            && i % 10 == 0
            && instances(&a.svc.store.jobs_with_key(&key).await.unwrap()).len() == 2
        {
            break;
        }
    }
    let settled = wait_for(
        async || {
            let jobs = a.svc.store.jobs_with_key(&key).await.unwrap();
            jobs.iter().all(|j| j.state >= oxforge_store::jobs::DONE)
        },
        Duration::from_secs(60),
    )
    .await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let max_running = watcher.await.unwrap();
    assert!(settled, "syncs never finished");
    assert_eq!(max_running, 1, "two syncs of one mirror ran at once");
    let jobs = a.svc.store.jobs_with_key(&key).await.unwrap();
    assert!(
        jobs.iter().all(|j| j.state == oxforge_store::jobs::DONE),
        "{jobs:?}"
    );
    // Which process claims a job is a race; under load one may win every time. The claim
    // rule is the database's either way, so the check above holds for both cases.
    let workers = instances(&jobs);
    if workers.len() < 2 {
        eprintln!("note: only one instance claimed syncs this run: {workers:?}");
    }
    b.stop().await;
    a.stop().await;
    src.stop().await;
}

/// Local paths: admins only, and only with `[security] IMPORT_LOCAL_PATHS`.
#[tokio::test(flavor = "multi_thread")]
async fn local_paths_for_admins_when_allowed() {
    let w = tempfile::tempdir().unwrap();
    let work = w.path().join("work");
    ok(git(w.path(), &["init", "-q", "work"]));
    let head = commit(&work, "a.txt");
    let path = work.to_str().unwrap().to_string();
    let t = TestServer::start().await;
    let r = t
        .post(
            "/api/v1/repos/migrate",
            &t.admin(),
            json!({"clone_addr": path, "repo_name": "local"}),
        )
        .await
        .expect(422);
    assert_eq!(
        r.message(),
        "You are not allowed to import local repositories."
    );
    t.stop().await;
    let t = TestServer::start_with(&[("security", "IMPORT_LOCAL_PATHS", "true")]).await;
    let (bob, _) = t.user("bob").await;
    t.post(
        "/api/v1/repos/migrate",
        &bob,
        json!({"clone_addr": path, "repo_name": "local"}),
    )
    .await
    .expect(422);
    let r = t
        .post(
            "/api/v1/repos/migrate",
            &t.admin(),
            json!({"clone_addr": "/no/such/dir", "repo_name": "local"}),
        )
        .await
        .expect(422);
    assert_eq!(
        r.message(),
        "Invalid local path, it does not exist or not a directory."
    );
    t.post(
        "/api/v1/repos/migrate",
        &t.admin(),
        json!({"clone_addr": path, "repo_name": "local"}),
    )
    .await
    .expect(201);
    let out = git(
        Path::new("/"),
        &[
            "--git-dir",
            t.repo_dir(common::ADMIN, "local").to_str().unwrap(),
            "rev-parse",
            "HEAD",
        ],
    );
    assert_eq!(ok(out), head);
    t.stop().await;
}
