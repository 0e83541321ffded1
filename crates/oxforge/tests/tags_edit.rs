//! Tags through the API: lightweight and annotated, listed, read, deleted, with the push
//! events they emit, checked with the real git client.

mod common;

use base64::Engine;
use common::gitcli::{git, ok};
use common::{Auth, TestServer};
use serde_json::json;
use std::path::Path;

#[tokio::test(flavor = "multi_thread")]
async fn create_list_read_and_delete_tags() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    let (bar, _) = s.user("bar").await;
    s.repo(&foo, "p", false).await;
    s.repo(&foo, "secret", true).await;
    let content = base64::engine::general_purpose::STANDARD.encode("x");
    let c = s
        .post(
            "/api/v1/repos/foo/p/contents/a.txt",
            &foo,
            json!({"content": content}),
        )
        .await
        .expect(201);
    let commit = c.body["commit"]["sha"].as_str().unwrap().to_string();

    // Lightweight: the ref names the commit.
    let r = s
        .post("/api/v1/repos/foo/p/tags", &foo, json!({"tag_name": "v1"}))
        .await
        .expect(200);
    assert_eq!(r.body["id"], commit.as_str());
    assert_eq!(r.body["commit"]["sha"], commit.as_str());
    assert!(r.body["zipball_url"]
        .as_str()
        .unwrap()
        .ends_with("/foo/p/archive/v1.zip"));
    // Annotated, on a branch given as target.
    let r = s
        .post(
            "/api/v1/repos/foo/p/tags",
            &foo,
            json!({"tag_name": "rel/v2", "message": "Release 2", "target": "main"}),
        )
        .await
        .expect(200);
    let tag_sha = r.body["id"].as_str().unwrap().to_string();
    assert_ne!(tag_sha, commit);
    assert_eq!(r.body["message"], "Release 2\n");
    let dir = s.repo_dir("foo", "p");
    let gd = dir.to_str().unwrap();
    assert_eq!(
        ok(git(
            Path::new("/"),
            &["--git-dir", gd, "cat-file", "-t", "rel/v2"]
        )),
        "tag"
    );
    assert_eq!(
        ok(git(
            Path::new("/"),
            &["--git-dir", gd, "rev-parse", "rel/v2^{commit}"]
        )),
        commit
    );
    ok(git(Path::new("/"), &["--git-dir", gd, "fsck", "--strict"]));

    s.post("/api/v1/repos/foo/p/tags", &foo, json!({"tag_name": "v1"}))
        .await
        .expect(409);
    s.post(
        "/api/v1/repos/foo/p/tags",
        &foo,
        json!({"tag_name": "v3", "target": "nope"}),
    )
    .await
    .expect(404);
    s.post("/api/v1/repos/foo/p/tags", &bar, json!({"tag_name": "v3"}))
        .await
        .expect(403);

    let list = s
        .get("/api/v1/repos/foo/p/tags", &Auth::None)
        .await
        .expect(200);
    assert_eq!(list.total(), 2);
    let one = s
        .get("/api/v1/repos/foo/p/tags/rel/v2", &Auth::None)
        .await
        .expect(200);
    assert_eq!(one.body["id"], tag_sha.as_str());
    s.get("/api/v1/repos/foo/p/tags/nope", &Auth::None)
        .await
        .expect(404);
    let a = s
        .get(
            &format!("/api/v1/repos/foo/p/git/tags/{tag_sha}"),
            &Auth::None,
        )
        .await
        .expect(200);
    assert_eq!(a.body["tag"], "rel/v2");
    assert_eq!(a.body["object"]["sha"], commit.as_str());
    assert_eq!(a.body["object"]["type"], "commit");
    assert_eq!(a.body["tagger"]["name"], "foo");
    s.get(
        &format!("/api/v1/repos/foo/p/git/tags/{commit}"),
        &Auth::None,
    )
    .await
    .expect(404);
    // Private repositories stay hidden.
    s.get("/api/v1/repos/foo/secret/tags", &bar)
        .await
        .expect(404);

    s.delete("/api/v1/repos/foo/p/tags/v1", &bar)
        .await
        .expect(403);
    s.delete("/api/v1/repos/foo/p/tags/v1", &foo)
        .await
        .expect(204);
    s.delete("/api/v1/repos/foo/p/tags/v1", &foo)
        .await
        .expect(404);
    let list = s
        .get("/api/v1/repos/foo/p/tags", &Auth::None)
        .await
        .expect(200);
    assert_eq!(list.total(), 1);

    let kinds: Vec<String> = s
        .svc
        .store
        .events_after(0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    let count = |k: &str| kinds.iter().filter(|x| *x == k).count();
    assert_eq!(count("tag_created"), 2, "{kinds:?}");
    assert_eq!(count("tag_deleted"), 1, "{kinds:?}");
    s.stop().await;
}
