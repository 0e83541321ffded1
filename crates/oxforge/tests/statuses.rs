//! Commit statuses over HTTP: posting, listing by commit and by ref, the combined state,
//! paging, permissions, scopes and bad input, on SQLite and PostgreSQL.

mod common;

use common::gitcli::{git, ok};
use common::shapes::assert_shape;
use common::{Auth, TestServer};
use oxforge_core::events::Event;
use serde_json::{json, Value};

/// A public or private repository of `owner` with one commit on `main`; its id.
async fn repo_with_commit(
    s: &TestServer,
    auth: &Auth,
    owner: &str,
    name: &str,
    private: bool,
) -> String {
    s.post(
        "/api/v1/user/repos",
        auth,
        json!({"name": name, "private": private, "auto_init": true, "default_branch": "main"}),
    )
    .await
    .expect(201);
    let b = s
        .get(&format!("/api/v1/repos/{owner}/{name}/branches/main"), auth)
        .await
        .expect(200);
    b.body["commit"]["id"].as_str().unwrap().to_string()
}

fn contexts(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}:{}",
                s["context"].as_str().unwrap(),
                s["status"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn statuses_are_posted_listed_and_combined() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let sha = repo_with_commit(&s, &alice, "alice", "ci", false).await;
    let post = |body: Value| {
        let (s, alice, sha) = (&s, &alice, &sha);
        async move {
            s.post(
                &format!("/api/v1/repos/alice/ci/statuses/{sha}"),
                alice,
                body,
            )
            .await
        }
    };

    // No status yet: pending, nothing listed.
    let c = s
        .get("/api/v1/repos/alice/ci/commits/main/status", &Auth::None)
        .await
        .expect(200);
    assert_shape("CombinedStatus", &c.body);
    assert_eq!(c.body["state"], "pending");
    assert_eq!(c.body["total_count"], 0);
    assert_eq!(c.body["sha"], sha.as_str());
    assert_eq!(c.body["statuses"], json!([]));

    let first = post(json!({"state": "pending", "context": " ci/build ", "target_url": "https://ci.example.com/1", "description": " building "}))
        .await
        .expect(201);
    assert_shape("CommitStatus", &first.body);
    assert_eq!(first.body["status"], "pending");
    assert_eq!(first.body["context"], "ci/build");
    assert_eq!(first.body["description"], "building");
    assert_eq!(first.body["target_url"], "https://ci.example.com/1");
    assert_eq!(first.body["creator"]["login"], "alice");
    assert!(first.body["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/api/v1/repos/alice/ci/statuses/{sha}")));
    // No context: "default". An abbreviated id is completed.
    let short = &sha[..10];
    let d = s
        .post(
            &format!("/api/v1/repos/alice/ci/statuses/{short}"),
            &alice,
            json!({"state": "warning"}),
        )
        .await
        .expect(201);
    assert_eq!(d.body["context"], "default");
    assert!(d.body["url"].as_str().unwrap().ends_with(&sha));
    post(json!({"state": "failure", "context": "lint"}))
        .await
        .expect(201);
    post(json!({"state": "success", "context": "ci/build"}))
        .await
        .expect(201);

    // Combined: the latest of each context; a failure wins.
    let c = s
        .get("/api/v1/repos/alice/ci/commits/main/status", &Auth::None)
        .await
        .expect(200);
    assert_shape("CombinedStatus", &c.body);
    assert_eq!(c.body["state"], "failure");
    assert_eq!(c.body["total_count"], 3);
    assert_eq!(
        contexts(&c.body["statuses"]),
        ["ci/build:success", "lint:failure", "default:warning"]
    );
    assert_eq!(c.body["repository"]["full_name"], "alice/ci");
    assert!(c.body["commit_url"].as_str().unwrap().contains(&sha));
    // Success, warning and success: success.
    post(json!({"state": "success", "context": "lint"}))
        .await
        .expect(201);
    let c = s
        .get(
            &format!("/api/v1/repos/alice/ci/commits/{sha}/status"),
            &alice,
        )
        .await
        .expect(200);
    assert_eq!(c.body["state"], "success");
    // One pending context: pending.
    post(json!({"state": "pending", "context": "deploy"}))
        .await
        .expect(201);
    let c = s
        .get("/api/v1/repos/alice/ci/commits/main/status", &alice)
        .await
        .expect(200);
    assert_eq!(c.body["state"], "pending");
    assert_eq!(c.body["total_count"], 4);

    // Every status, newest first, by commit and by ref.
    let all = s
        .get(
            &format!("/api/v1/repos/alice/ci/statuses/{sha}"),
            &Auth::None,
        )
        .await
        .expect(200);
    assert_eq!(all.total(), 6);
    assert_eq!(
        contexts(&all.body),
        [
            "deploy:pending",
            "lint:success",
            "ci/build:success",
            "lint:failure",
            "default:warning",
            "ci/build:pending"
        ]
    );
    for v in all.body.as_array().unwrap() {
        assert_shape("CommitStatus", v);
    }
    let by_ref = s
        .get("/api/v1/repos/alice/ci/commits/main/statuses", &Auth::None)
        .await
        .expect(200);
    assert_eq!(by_ref.body, all.body);
    // Paging, with X-Total-Count and Link.
    let page = s
        .get(
            &format!("/api/v1/repos/alice/ci/statuses/{sha}?limit=2&page=2"),
            &Auth::None,
        )
        .await
        .expect(200);
    assert_eq!(page.total(), 6);
    assert_eq!(contexts(&page.body), ["ci/build:success", "lint:failure"]);
    let link = page.header("link").unwrap();
    assert!(
        link.contains("rel=\"next\"") && link.contains("rel=\"prev\""),
        "{link}"
    );
    // Gitea's sort and state filters.
    let oldest = s
        .get(
            &format!("/api/v1/repos/alice/ci/statuses/{sha}?sort=highestindex&limit=1"),
            &Auth::None,
        )
        .await
        .expect(200);
    assert_eq!(contexts(&oldest.body), ["ci/build:pending"]);
    let success = s
        .get(
            "/api/v1/repos/alice/ci/commits/main/statuses?state=success",
            &Auth::None,
        )
        .await
        .expect(200);
    assert_eq!(success.total(), 2);
    assert_eq!(
        contexts(&success.body),
        ["lint:success", "ci/build:success"]
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refs_resolve_as_gitea_and_unknown_commits_are_404() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let main = repo_with_commit(&s, &alice, "alice", "refs", false).await;
    let dir = s.repo_dir("alice", "refs");
    let d = dir.to_str().unwrap();
    // A second commit on `feature/x`, a lightweight tag on main, an annotated tag on the
    // second commit, and a branch named like the tag (branches win, as in Gitea).
    let tree = ok(git(
        &dir,
        &["--git-dir", d, "rev-parse", &format!("{main}^{{tree}}")],
    ));
    let second = ok(git(
        &dir,
        &[
            "--git-dir",
            d,
            "commit-tree",
            &tree,
            "-p",
            &main,
            "-m",
            "second",
        ],
    ));
    ok(git(
        &dir,
        &[
            "--git-dir",
            d,
            "update-ref",
            "refs/heads/feature/x",
            &second,
        ],
    ));
    ok(git(&dir, &["--git-dir", d, "tag", "v1", &main]));
    ok(git(
        &dir,
        &["--git-dir", d, "tag", "-a", "-m", "two", "v2", &second],
    ));
    ok(git(
        &dir,
        &["--git-dir", d, "update-ref", "refs/heads/same", &second],
    ));
    ok(git(&dir, &["--git-dir", d, "tag", "same", &main]));

    s.post(
        &format!("/api/v1/repos/alice/refs/statuses/{second}"),
        &alice,
        json!({"state": "success", "context": "c"}),
    )
    .await
    .expect(201);
    for (r, expected) in [
        ("feature%2Fx", &second),
        ("v1", &main),
        ("v2", &second),
        ("same", &second),
        (main.as_str(), &main),
        (&second[..7], &second),
    ] {
        let c = s
            .get(
                &format!("/api/v1/repos/alice/refs/commits/{r}/status"),
                &Auth::None,
            )
            .await
            .expect(200);
        assert_eq!(&c.body["sha"], expected.as_str(), "{r}");
    }
    let l = s
        .get("/api/v1/repos/alice/refs/commits/v2/statuses", &Auth::None)
        .await
        .expect(200);
    assert_eq!(l.total(), 1);

    // Unknown refs and commits, and revision syntax, name nothing: 404.
    let missing = "0123456789abcdef0123456789abcdef01234567";
    for r in ["nope", missing, "main~1", "HEAD", "main%5E"] {
        let r404 = s
            .get(
                &format!("/api/v1/repos/alice/refs/commits/{r}/status"),
                &Auth::None,
            )
            .await
            .expect(404);
        assert!(r404.body["message"].is_string(), "{r}");
        s.get(
            &format!("/api/v1/repos/alice/refs/commits/{r}/statuses"),
            &Auth::None,
        )
        .await
        .expect(404);
    }
    // By sha, only commit ids: a branch name is not one.
    s.get("/api/v1/repos/alice/refs/statuses/main", &Auth::None)
        .await
        .expect(404);
    for bad in [missing, "main", "zzzz", "HEAD"] {
        let r = s
            .post(
                &format!("/api/v1/repos/alice/refs/statuses/{bad}"),
                &alice,
                json!({"state": "success"}),
            )
            .await
            .expect(404);
        assert_eq!(
            r.body["url"].as_str().map(|u| u.ends_with("/api/swagger")),
            Some(true)
        );
    }
    // The tree of a commit is not a commit.
    s.post(
        &format!("/api/v1/repos/alice/refs/statuses/{tree}"),
        &alice,
        json!({"state": "success"}),
    )
    .await
    .expect(404);
    // An empty repository has no commits.
    s.repo(&alice, "empty", false).await;
    s.get("/api/v1/repos/alice/empty/commits/main/status", &Auth::None)
        .await
        .expect(404);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_refused() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let sha = repo_with_commit(&s, &alice, "alice", "ci", false).await;
    let path = format!("/api/v1/repos/alice/ci/statuses/{sha}");
    for body in [
        json!({}),
        json!({"state": ""}),
        json!({"state": "running"}),
        json!({"state": "SUCCESS"}),
        json!({"state": "success", "context": "a\u{0}b"}),
        json!({"state": "success", "description": "x\u{0}"}),
        json!({"state": "success", "target_url": "\u{0}"}),
    ] {
        let r = s.post(&path, &alice, body.clone()).await.expect(422);
        assert!(!r.message().is_empty(), "{body}");
    }
    let r = s
        .post(&path, &alice, json!({"state": "success", "context": 5}))
        .await;
    assert_eq!(r.status, 422);
    // Nothing was recorded.
    let l = s.get(&path, &alice).await.expect(200);
    assert_eq!(l.total(), 0);
    assert_eq!(l.body, json!([]));
    // Every state of Gitea's list is taken.
    for st in [
        "pending", "success", "error", "failure", "warning", "skipped",
    ] {
        let r = s
            .post(&path, &alice, json!({"state": st, "context": st}))
            .await
            .expect(201);
        assert_eq!(r.body["status"], st);
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn permissions_visibility_and_scopes() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let (bob, _) = s.user("bob").await;
    let public = repo_with_commit(&s, &alice, "alice", "pub", false).await;
    let private = repo_with_commit(&s, &alice, "alice", "priv", true).await;
    let body = json!({"state": "success"});

    // A private repository is 404 to those who may not read it, for every operation.
    for auth in [&Auth::None, &bob] {
        s.get(
            &format!("/api/v1/repos/alice/priv/statuses/{private}"),
            auth,
        )
        .await
        .expect(404);
        s.get("/api/v1/repos/alice/priv/commits/main/status", auth)
            .await
            .expect(404);
        s.get("/api/v1/repos/alice/priv/commits/main/statuses", auth)
            .await
            .expect(404);
    }
    s.post(
        &format!("/api/v1/repos/alice/priv/statuses/{private}"),
        &bob,
        body.clone(),
    )
    .await
    .expect(404);
    // Readers read; only writers post. Anonymous posts are 401.
    s.get(&format!("/api/v1/repos/alice/pub/statuses/{public}"), &bob)
        .await
        .expect(200);
    let r = s
        .post(
            &format!("/api/v1/repos/alice/pub/statuses/{public}"),
            &bob,
            body.clone(),
        )
        .await
        .expect(403);
    assert!(!r.message().is_empty());
    s.post(
        &format!("/api/v1/repos/alice/pub/statuses/{public}"),
        &Auth::None,
        body.clone(),
    )
    .await
    .expect(401);
    // A collaborator with write access posts.
    s.put(
        "/api/v1/repos/alice/priv/collaborators/bob",
        &alice,
        Some(json!({"permission": "write"})),
    )
    .await
    .expect(204);
    let r = s
        .post(
            &format!("/api/v1/repos/alice/priv/statuses/{private}"),
            &bob,
            body.clone(),
        )
        .await
        .expect(201);
    assert_eq!(r.body["creator"]["login"], "bob");
    // A read-only collaborator reads but may not post.
    s.put(
        "/api/v1/repos/alice/priv/collaborators/bob",
        &alice,
        Some(json!({"permission": "read"})),
    )
    .await
    .expect(204);
    s.get("/api/v1/repos/alice/priv/commits/main/status", &bob)
        .await
        .expect(200);
    s.post(
        &format!("/api/v1/repos/alice/priv/statuses/{private}"),
        &bob,
        body.clone(),
    )
    .await
    .expect(403);

    // Scopes: reading needs read:repository, posting write:repository.
    let read = Auth::token(&s.token("alice", &["read:repository"]).await);
    let write = Auth::token(&s.token("alice", &["write:repository"]).await);
    let other = Auth::token(&s.token("alice", &["write:issue"]).await);
    let path = format!("/api/v1/repos/alice/priv/statuses/{private}");
    s.get(&path, &read).await.expect(200);
    s.get(&path, &other).await.expect(403);
    s.post(&path, &read, body.clone()).await.expect(403);
    s.post(&path, &other, body.clone()).await.expect(403);
    s.post(&path, &write, body.clone()).await.expect(201);
    let public_only = Auth::token(&s.token("alice", &["write:repository", "public-only"]).await);
    s.post(&path, &public_only, body.clone()).await.expect(403);
    s.post(
        &format!("/api/v1/repos/alice/pub/statuses/{public}"),
        &public_only,
        body,
    )
    .await
    .expect(201);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn posting_emits_an_event() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let sha = repo_with_commit(&s, &alice, "alice", "ev", false).await;
    s.post(
        &format!("/api/v1/repos/alice/ev/statuses/{sha}"),
        &alice,
        json!({"state": "error", "context": "ci"}),
    )
    .await
    .expect(201);
    let events = s.svc.events_after(0, 1000).await.unwrap();
    let e = events
        .iter()
        .find_map(|e| match &e.event {
            Event::CommitStatusCreated {
                sha,
                context,
                state,
                ..
            } => Some((sha.clone(), context.clone(), state.clone())),
            _ => None,
        })
        .expect("a commit_status_created event");
    assert_eq!(e, (sha, "ci".to_string(), "error".to_string()));
    s.stop().await;
}
