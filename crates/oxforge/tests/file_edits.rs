//! Editing files through the API: each edit a real commit (checked with the real git
//! client), compare-and-swap on the branch, the push events, permissions and bad input.

mod common;

use base64::Engine;
use common::gitcli::{git, ok};
use common::{Auth, TestServer};
use serde_json::{json, Value};
use std::path::Path;

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn git_dir(s: &TestServer, owner: &str, repo: &str, args: &[&str]) -> String {
    let dir = s.repo_dir(owner, repo);
    let mut all = vec!["--git-dir", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    ok(git(Path::new("/"), &all))
}

async fn event_kinds(s: &TestServer) -> Vec<(String, String)> {
    s.svc
        .store
        .events_after(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.kind, e.payload))
        .collect()
}

async fn create(s: &TestServer, auth: &Auth, path: &str, text: &str, extra: Value) -> common::Resp {
    let mut body = json!({"content": b64(text)});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    s.post(&format!("/api/v1/repos/foo/p/contents/{path}"), auth, body)
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn create_update_delete_are_commits_with_push_events() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    s.repo(&foo, "p", false).await;

    // The first file of an empty repository makes the default branch.
    let r = create(&s, &foo, "docs/a.md", "hello\n", json!({}))
        .await
        .expect(201);
    assert_eq!(r.body["content"]["path"], "docs/a.md");
    assert_eq!(r.body["content"]["type"], "file");
    assert_eq!(r.body["content"]["content"], b64("hello\n"));
    assert_eq!(r.body["commit"]["message"], "Add docs/a.md\n");
    assert_eq!(r.body["commit"]["author"]["name"], "foo");
    assert_eq!(r.body["verification"]["verified"], false);
    let first = r.body["commit"]["sha"].as_str().unwrap().to_string();
    let sha = r.body["content"]["sha"].as_str().unwrap().to_string();
    let repo = s.get("/api/v1/repos/foo/p", &foo).await.expect(200);
    assert_eq!(repo.body["empty"], false);
    assert_eq!(repo.body["default_branch"], "main");
    assert_eq!(
        git_dir(&s, "foo", "p", &["rev-parse", "refs/heads/main"]),
        first
    );
    assert_eq!(
        git_dir(&s, "foo", "p", &["show", "main:docs/a.md"]),
        "hello"
    );

    // Creating it again: Gitea's 422.
    let r = create(&s, &foo, "docs/a.md", "x", json!({}))
        .await
        .expect(422);
    assert!(
        r.message().contains("repository file already exists"),
        "{}",
        r.message()
    );

    // Update with author, committer, dates, message and signoff.
    let r = s
        .put(
            "/api/v1/repos/foo/p/contents/docs/a.md",
            &foo,
            Some(json!({
                "content": b64("changed\n"), "sha": sha, "message": "Edit it",
                "author": {"name": "Ann", "email": "ann@example.com"},
                "committer": {"name": "Cid", "email": "cid@example.com"},
                "dates": {"author": "2020-01-02T03:04:05Z", "committer": "2021-01-02T03:04:05Z"},
                "signoff": true,
            })),
        )
        .await
        .expect(200);
    assert_eq!(r.body["commit"]["author"]["name"], "Ann");
    assert_eq!(r.body["commit"]["committer"]["email"], "cid@example.com");
    assert_eq!(r.body["commit"]["author"]["date"], "2020-01-02T03:04:05Z");
    assert_eq!(r.body["commit"]["parents"][0]["sha"], first.as_str());
    let log = git_dir(
        &s,
        "foo",
        "p",
        &["log", "-1", "--format=%an|%ae|%cn|%at|%ct|%B", "main"],
    );
    assert_eq!(
        log,
        "Ann|ann@example.com|Cid|1577934245|1609556645|Edit it\n\nSigned-off-by: Cid <cid@example.com>"
    );
    let new_sha = r.body["content"]["sha"].as_str().unwrap().to_string();

    // A stale sha: 409; a missing one: 422; a missing file: 404.
    let stale = s
        .put(
            "/api/v1/repos/foo/p/contents/docs/a.md",
            &foo,
            Some(json!({"content": b64("late"), "sha": sha})),
        )
        .await
        .expect(409);
    assert!(
        stale.message().contains("sha does not match"),
        "{}",
        stale.message()
    );
    s.put(
        "/api/v1/repos/foo/p/contents/docs/a.md",
        &foo,
        Some(json!({"content": b64("late")})),
    )
    .await
    .expect(422);
    s.send(
        reqwest::Method::DELETE,
        "/api/v1/repos/foo/p/contents/nope.txt",
        &foo,
        Some(json!({"sha": sha})),
    )
    .await
    .expect(404);

    // Deleting the last file: an empty tree commit.
    let r = s
        .send(
            reqwest::Method::DELETE,
            "/api/v1/repos/foo/p/contents/docs/a.md",
            &foo,
            Some(json!({"sha": new_sha})),
        )
        .await
        .expect(200);
    assert!(r.body["content"].is_null());
    assert_eq!(r.body["commit"]["message"], "Delete docs/a.md\n");
    assert_eq!(git_dir(&s, "foo", "p", &["ls-tree", "-r", "main"]), "");
    assert_eq!(
        git_dir(&s, "foo", "p", &["rev-list", "--count", "main"]),
        "3"
    );
    ok(git(
        Path::new("/"),
        &[
            "--git-dir",
            s.repo_dir("foo", "p").to_str().unwrap(),
            "fsck",
            "--strict",
        ],
    ));

    // A new branch from main.
    let r = create(&s, &foo, "b.txt", "b", json!({"new_branch": "feature/x"}))
        .await
        .expect(201);
    assert!(r.body["content"]["url"]
        .as_str()
        .unwrap()
        .ends_with("?ref=feature%2Fx"));
    assert_eq!(git_dir(&s, "foo", "p", &["show", "feature/x:b.txt"]), "b");
    create(&s, &foo, "c.txt", "c", json!({"new_branch": "feature/x"}))
        .await
        .expect(422);
    create(&s, &foo, "c.txt", "c", json!({"branch": "nope"}))
        .await
        .expect(404);

    // The events: one push per edit, the branches created.
    let ev = event_kinds(&s).await;
    let pushes = ev.iter().filter(|(k, _)| k == "pushed").count();
    assert_eq!(pushes, 4, "{ev:?}");
    let created: Vec<&String> = ev
        .iter()
        .filter(|(k, _)| k == "branch_created")
        .map(|(_, p)| p)
        .collect();
    assert_eq!(created.len(), 2, "{ev:?}");
    assert!(created[1].contains("feature/x"));
    s.stop().await;
}

/// POSTs a file creation with the request target exactly as given.
async fn raw_post(s: &TestServer, target: &str, token: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = json!({"content": b64("x")}).to_string();
    let mut conn = tokio::net::TcpStream::connect(s.base.trim_start_matches("http://"))
        .await
        .unwrap();
    let req = format!(
        "POST {target} HTTP/1.1\r\nHost: localhost\r\nAuthorization: token {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    conn.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    conn.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out);
    text.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_paths_and_places_are_refused() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    s.repo(&foo, "p", false).await;
    create(&s, &foo, "dir/file.txt", "x", json!({}))
        .await
        .expect(201);
    for bad in [
        "%2Fetc%2Fpasswd",
        "a%5Cb.txt",
        "a%00b.txt",
        ".git/config",
        "x/.git/hooks/pre-receive",
        "a//b.txt",
    ] {
        let r = create(&s, &foo, bad, "x", json!({})).await;
        assert!(
            r.status == 422 || r.status == 400 || r.status == 404,
            "{bad}: {} {}",
            r.status,
            r.text
        );
        assert_ne!(r.status, 201, "{bad}");
    }
    // The plain ones are 422 as Gitea.
    for bad in [".git/config", "a%5Cb.txt", "%2Fetc%2Fpasswd"] {
        create(&s, &foo, bad, "x", json!({})).await.expect(422);
    }
    // Dot segments, sent as they are (HTTP clients would resolve them first).
    let Auth::Token(token) = &foo else {
        unreachable!()
    };
    for bad in ["a/../b.txt", "../b.txt", "a/./b.txt", "a/%2E%2E/b.txt"] {
        let status = raw_post(&s, &format!("/api/v1/repos/foo/p/contents/{bad}"), token).await;
        assert_eq!(status, 422, "{bad}");
    }
    // A file where a directory is, and a directory under a file.
    let r = create(&s, &foo, "dir", "x", json!({})).await.expect(422);
    assert!(r.message().contains("path is invalid"), "{}", r.message());
    create(&s, &foo, "dir/file.txt/under", "x", json!({}))
        .await
        .expect(422);
    assert_eq!(
        git_dir(&s, "foo", "p", &["rev-list", "--count", "main"]),
        "1"
    );
    assert_eq!(
        git_dir(&s, "foo", "p", &["ls-tree", "-r", "--name-only", "main"]),
        "dir/file.txt"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn edits_need_write_access_and_a_writable_repository() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    let (bar, _) = s.user("bar").await;
    s.repo(&foo, "p", false).await;
    s.repo(&foo, "secret", true).await;
    // No write access: 403 on a public repository, 404 on a private one.
    create(&s, &bar, "a.txt", "x", json!({})).await.expect(403);
    s.post(
        "/api/v1/repos/foo/secret/contents/a.txt",
        &bar,
        json!({"content": b64("x")}),
    )
    .await
    .expect(404);
    create(&s, &Auth::None, "a.txt", "x", json!({})).await;
    // A read-only token may not write.
    let ro = s.token("foo", &["read:repository"]).await;
    create(&s, &Auth::token(&ro), "a.txt", "x", json!({}))
        .await
        .expect(403);
    let rw = s.token("foo", &["write:repository"]).await;
    create(&s, &Auth::token(&rw), "a.txt", "x", json!({}))
        .await
        .expect(201);
    // Archived: 423.
    s.patch("/api/v1/repos/foo/p", &foo, json!({"archived": true}))
        .await
        .expect(200);
    create(&s, &foo, "b.txt", "x", json!({})).await.expect(423);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_concurrent_edits_land_or_get_409_and_none_is_lost() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    s.repo(&foo, "p", false).await;
    create(&s, &foo, "seed.txt", "seed", json!({}))
        .await
        .expect(201);
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (client, url, auth) = (
            s.client.clone(),
            s.url(&format!("/api/v1/repos/foo/p/contents/f{i}.txt")),
            match &foo {
                Auth::Token(t) => t.clone(),
                _ => unreachable!(),
            },
        );
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .header("Authorization", format!("token {auth}"))
                .json(&json!({"content": b64(&format!("n{i}")), "message": format!("edit {i}")}))
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap_or(Value::Null);
            (i, status, body["commit"]["sha"].as_str().map(String::from))
        }));
    }
    let mut landed = Vec::new();
    for t in tasks {
        let (i, status, sha) = t.await.unwrap();
        assert!(status == 201 || status == 409, "edit {i}: {status}");
        if status == 201 {
            landed.push((i, sha.unwrap()));
        }
    }
    assert!(!landed.is_empty());
    let history = git_dir(&s, "foo", "p", &["log", "--format=%H %s", "main"]);
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(lines.len(), landed.len() + 1, "{history}");
    for (i, sha) in &landed {
        assert!(
            history.contains(&format!("{sha} edit {i}")),
            "edit {i} lost: {history}"
        );
    }
    let files = git_dir(&s, "foo", "p", &["ls-tree", "--name-only", "main"]);
    assert_eq!(files.lines().count(), landed.len() + 1);
    let ev = event_kinds(&s).await;
    assert_eq!(
        ev.iter().filter(|(k, _)| k == "pushed").count(),
        landed.len() + 1
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn change_files_makes_one_commit() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    s.repo(&foo, "p", false).await;
    let a = create(&s, &foo, "a.txt", "a", json!({})).await.expect(201);
    let a_sha = a.body["content"]["sha"].as_str().unwrap().to_string();
    create(&s, &foo, "old.txt", "o", json!({}))
        .await
        .expect(201);
    let r = s
        .post(
            "/api/v1/repos/foo/p/contents",
            &foo,
            json!({"files": [
                {"operation": "create", "path": "new/n.txt", "content": b64("n")},
                {"operation": "update", "path": "a.txt", "content": b64("A"), "sha": a_sha},
                {"operation": "rename", "path": "moved.txt", "from_path": "old.txt"},
            ]}),
        )
        .await
        .expect(201);
    assert_eq!(r.body["files"].as_array().unwrap().len(), 3);
    assert_eq!(
        r.body["commit"]["message"],
        "Add new/n.txt\nUpdate a.txt, moved.txt\n"
    );
    let tree = git_dir(&s, "foo", "p", &["ls-tree", "-r", "--name-only", "main"]);
    assert_eq!(tree, "a.txt\nmoved.txt\nnew/n.txt");
    assert_eq!(git_dir(&s, "foo", "p", &["show", "main:moved.txt"]), "o");
    assert_eq!(
        git_dir(&s, "foo", "p", &["rev-list", "--count", "main"]),
        "3"
    );
    // One bad operation refuses them all.
    s.post(
        "/api/v1/repos/foo/p/contents",
        &foo,
        json!({"files": [
            {"operation": "create", "path": "z.txt", "content": b64("z")},
            {"operation": "delete", "path": "a.txt", "sha": a_sha},
        ]}),
    )
    .await
    .expect(409);
    assert_eq!(
        git_dir(&s, "foo", "p", &["rev-list", "--count", "main"]),
        "3"
    );
    s.stop().await;
}
