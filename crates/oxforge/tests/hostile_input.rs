//! Bytes a careless or hostile client sends get the documented error shape under
//! `/api/v1`, whatever layer refuses them.

mod common;

use common::TestServer;

#[tokio::test(flavor = "multi_thread")]
async fn rejections_below_the_handlers_are_json_errors() {
    let s = TestServer::start().await;
    let admin = s.admin();
    for path in [
        // An id beyond i64 in the path.
        "/api/v1/teams/99999999999999999999999",
        "/api/v1/teams/not-a-number/members",
        // A path segment that is not UTF-8.
        "/api/v1/users/%ff",
        "/api/v1/repos/%ff/%fe",
    ] {
        let r = s.get(path, &admin).await;
        assert!(r.status >= 400 && r.status < 500, "{path}: {}", r.status);
        assert!(
            r.header("content-type")
                .is_some_and(|c| c.starts_with("application/json")),
            "{path}: {:?} {}",
            r.header("content-type"),
            r.text
        );
        assert!(!r.message().is_empty(), "{path}: {}", r.text);
        assert!(
            r.body["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("api/swagger")),
            "{path}: {}",
            r.text
        );
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn nul_matches_nothing_in_lookups_and_is_refused_in_text() {
    use common::Auth;
    use serde_json::json;
    let s = TestServer::start().await;
    let (bob, _) = s.user("bob").await;
    s.post(
        "/api/v1/user/repos",
        &bob,
        json!({"name": "r", "auto_init": true}),
    )
    .await
    .expect(201);
    // Lookups and filters: nothing has NUL in it, on either database.
    s.get("/api/v1/users/b%00ob", &Auth::None).await.expect(404);
    s.get("/api/v1/repos/bob/r%00", &bob).await.expect(404);
    let r = s.get("/api/v1/repos/search?q=%00", &bob).await.expect(200);
    assert_eq!(r.total(), 0);
    assert_eq!(r.body["data"].as_array().map(Vec::len), Some(0));
    let r = s.get("/api/v1/users/search?q=b%00", &bob).await.expect(200);
    assert_eq!(r.body["data"].as_array().map(Vec::len), Some(0));
    s.get("/api/v1/repos/bob/r/issues?created_by=%00", &bob)
        .await
        .expect(404);
    s.get("/api/v1/user?sudo=b%00ob", &s.admin())
        .await
        .expect(404);
    s.get(
        "/api/v1/user",
        &Auth::Basic("b\0ob".into(), common::PASSWORD.into()),
    )
    .await
    .expect(401);
    // Text: refused with 422, and nothing is made.
    let refused = s
        .post(
            "/api/v1/user/repos",
            &bob,
            json!({"name": "x", "description": "a\u{0}b"}),
        )
        .await
        .expect(422);
    assert!(refused.message().contains("NUL"), "{}", refused.text);
    s.post(
        "/api/v1/repos/bob/r/issues",
        &bob,
        json!({"title": "t\u{0}"}),
    )
    .await
    .expect(422);
    s.post(
        "/api/v1/users/bob/tokens",
        &Auth::basic("bob"),
        json!({"name": "n\u{0}"}),
    )
    .await
    .expect(422);
    let r = s.get("/api/v1/user/repos", &bob).await.expect(200);
    assert_eq!(r.body.as_array().map(Vec::len), Some(1));
    let r = s
        .get("/api/v1/repos/bob/r/issues?state=all", &bob)
        .await
        .expect(200);
    assert_eq!(r.body.as_array().map(Vec::len), Some(0));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicate_json_keys_keep_the_last_value_everywhere() {
    let s = TestServer::start().await;
    let (_, tok) = s.user("dup").await;
    let post = |path: &str, raw: &'static str| {
        s.client
            .post(format!("{}{path}", s.base))
            .header("authorization", format!("token {tok}"))
            .header("content-type", "application/json")
            .body(raw)
            .send()
    };
    let r = post("/api/v1/user/repos", r#"{"name":"first","name":"second"}"#)
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["name"], "second");
    let r = post(
        "/api/v1/repos/dup/second/issues",
        r#"{"title":"a","title":"b"}"#,
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["title"], "b");
    s.stop().await;
}
