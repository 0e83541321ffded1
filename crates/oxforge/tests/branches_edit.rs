//! Creating, deleting and renaming branches through the API, checked with the real git
//! client, with the push events they emit.

mod common;

use base64::Engine;
use common::gitcli::{git, ok};
use common::TestServer;
use serde_json::json;
use std::path::Path;

fn refs(s: &TestServer) -> String {
    let dir = s.repo_dir("foo", "p");
    ok(git(
        Path::new("/"),
        &[
            "--git-dir",
            dir.to_str().unwrap(),
            "for-each-ref",
            "--format=%(refname)",
            "refs/heads/",
        ],
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn create_delete_and_rename_branches() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    let (bar, _) = s.user("bar").await;
    s.repo(&foo, "p", false).await;
    let content = base64::engine::general_purpose::STANDARD.encode("x");
    s.post(
        "/api/v1/repos/foo/p/contents/a.txt",
        &foo,
        json!({"content": content}),
    )
    .await
    .expect(201);

    let r = s
        .post(
            "/api/v1/repos/foo/p/branches",
            &foo,
            json!({"new_branch_name": "feat/one"}),
        )
        .await
        .expect(201);
    assert_eq!(r.body["name"], "feat/one");
    s.post(
        "/api/v1/repos/foo/p/branches",
        &foo,
        json!({"new_branch_name": "feat/one"}),
    )
    .await
    .expect(409);
    s.post(
        "/api/v1/repos/foo/p/branches",
        &foo,
        json!({"new_branch_name": "two", "old_ref_name": "nope"}),
    )
    .await
    .expect(404);
    s.post(
        "/api/v1/repos/foo/p/branches",
        &bar,
        json!({"new_branch_name": "three"}),
    )
    .await
    .expect(403);
    s.post(
        "/api/v1/repos/foo/p/branches",
        &foo,
        json!({"new_branch_name": "two", "old_branch_name": "feat/one"}),
    )
    .await
    .expect(201);
    assert_eq!(
        refs(&s),
        "refs/heads/feat/one\nrefs/heads/main\nrefs/heads/two"
    );

    // The default branch stays.
    s.delete("/api/v1/repos/foo/p/branches/main", &foo)
        .await
        .expect(403);
    s.delete("/api/v1/repos/foo/p/branches/feat/one", &foo)
        .await
        .expect(204);
    s.delete("/api/v1/repos/foo/p/branches/feat/one", &foo)
        .await
        .expect(404);

    // Rename; the default branch takes HEAD and the row with it.
    s.patch(
        "/api/v1/repos/foo/p/branches/two",
        &foo,
        json!({"name": "main"}),
    )
    .await
    .expect(422);
    s.patch(
        "/api/v1/repos/foo/p/branches/nope",
        &foo,
        json!({"name": "x"}),
    )
    .await
    .expect(404);
    s.patch(
        "/api/v1/repos/foo/p/branches/main",
        &foo,
        json!({"name": "trunk"}),
    )
    .await
    .expect(204);
    assert_eq!(refs(&s), "refs/heads/trunk\nrefs/heads/two");
    let dir = s.repo_dir("foo", "p");
    assert_eq!(
        ok(git(
            Path::new("/"),
            &["--git-dir", dir.to_str().unwrap(), "symbolic-ref", "HEAD"]
        )),
        "refs/heads/trunk"
    );
    let repo = s.get("/api/v1/repos/foo/p", &foo).await.expect(200);
    assert_eq!(repo.body["default_branch"], "trunk");
    s.get("/api/v1/repos/foo/p/branches/trunk", &foo)
        .await
        .expect(200);

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
    // main (first file), feat/one, two, trunk created; feat/one and main deleted.
    assert_eq!(count("branch_created"), 4, "{kinds:?}");
    assert_eq!(count("branch_deleted"), 2, "{kinds:?}");
    s.stop().await;
}
