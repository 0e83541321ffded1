//! Concurrent changes of one repository name answer cleanly: each request wins or gets the
//! status Gitea gives the loser (404, 409 or 422), never 500, and the final state is
//! consistent (the row and the directory agree).

mod common;

use common::{Auth, TestServer};
use reqwest::Method;
use serde_json::json;
use std::collections::BTreeMap;

/// Runs `n` copies of each request at once; returns how often each status came back.
async fn storm(
    s: &TestServer,
    token: &str,
    reqs: &[(Method, String, serde_json::Value)],
    n: usize,
) -> BTreeMap<u16, usize> {
    let mut tasks = Vec::new();
    for _ in 0..n {
        for (method, path, body) in reqs {
            let mut rb = s
                .client
                .request(method.clone(), s.url(path))
                .header("Authorization", format!("token {token}"));
            if !body.is_null() {
                rb = rb.json(body);
            }
            tasks.push(tokio::spawn(async move {
                rb.send().await.unwrap().status().as_u16()
            }));
        }
    }
    let mut counts = BTreeMap::new();
    for t in tasks {
        *counts.entry(t.await.unwrap()).or_insert(0) += 1;
    }
    counts
}

fn assert_clean(counts: &BTreeMap<u16, usize>, allowed: &[u16]) {
    for status in counts.keys() {
        assert!(
            allowed.contains(status),
            "unexpected status {status}: {counts:?}"
        );
    }
}

/// The row and the directory of `foo/name` agree.
async fn assert_agrees(s: &TestServer, owner: &Auth, name: &str) {
    let r = s.get(&format!("/api/v1/repos/foo/{name}"), owner).await;
    let dir = s.repo_dir("foo", name).exists();
    match r.status {
        200 => {
            assert!(dir, "{name}: a row without a directory");
            s.get(&format!("/api/v1/repos/foo/{name}/branches"), owner)
                .await
                .expect(200);
        }
        404 => assert!(!dir, "{name}: a directory without a row"),
        other => panic!("{name}: {other}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn creates_and_deletes_of_one_name_race_cleanly() {
    let s = TestServer::start().await;
    let (foo, token) = s.user("foo").await;
    let reqs = [
        (
            Method::POST,
            "/api/v1/user/repos".to_string(),
            json!({"name": "contested", "auto_init": true}),
        ),
        (
            Method::DELETE,
            "/api/v1/repos/foo/contested".to_string(),
            serde_json::Value::Null,
        ),
    ];
    let counts = storm(&s, &token, &reqs, 60).await;
    assert_clean(&counts, &[201, 204, 404, 409]);
    assert!(counts.contains_key(&201), "{counts:?}");
    assert_agrees(&s, &foo, "contested").await;
    // Nothing is held afterwards: the name can be deleted and made again.
    if s.get("/api/v1/repos/foo/contested", &foo).await.status == 200 {
        s.delete("/api/v1/repos/foo/contested", &foo)
            .await
            .expect(204);
    }
    s.post("/api/v1/user/repos", &foo, json!({"name": "contested"}))
        .await
        .expect(201);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_deletes_have_one_winner() {
    let s = TestServer::start().await;
    let (foo, token) = s.user("foo").await;
    s.post(
        "/api/v1/user/repos",
        &foo,
        json!({"name": "doomed", "auto_init": true}),
    )
    .await
    .expect(201);
    let reqs = [(
        Method::DELETE,
        "/api/v1/repos/foo/doomed".to_string(),
        serde_json::Value::Null,
    )];
    let counts = storm(&s, &token, &reqs, 30).await;
    assert_clean(&counts, &[204, 404, 409]);
    assert_eq!(counts.get(&204), Some(&1), "{counts:?}");
    assert_agrees(&s, &foo, "doomed").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_renames_have_one_winner() {
    let s = TestServer::start().await;
    let (foo, token) = s.user("foo").await;
    s.post(
        "/api/v1/user/repos",
        &foo,
        json!({"name": "moving", "auto_init": true}),
    )
    .await
    .expect(201);
    let reqs: Vec<_> = (0..40)
        .map(|i| {
            (
                Method::PATCH,
                "/api/v1/repos/foo/moving".to_string(),
                json!({"name": format!("moved{i}")}),
            )
        })
        .chain(std::iter::once((
            Method::PATCH,
            "/api/v1/repos/foo/moving".to_string(),
            json!({"name": "moved0"}),
        )))
        .collect();
    let counts = storm(&s, &token, &reqs, 1).await;
    assert_clean(&counts, &[200, 404, 409, 422]);
    assert_eq!(counts.get(&200), Some(&1), "{counts:?}");
    // Exactly one name holds it, with its directory.
    let mut found = Vec::new();
    for i in 0..40 {
        let name = format!("moved{i}");
        if s.get(&format!("/api/v1/repos/foo/{name}"), &foo)
            .await
            .status
            == 200
        {
            found.push(name.clone());
        }
        assert_agrees(&s, &foo, &name).await;
    }
    assert_eq!(found.len(), 1, "{found:?}");
    assert_agrees(&s, &foo, "moving").await;
    s.stop().await;
}
