//! Authentication forms, account checks, sudo, users and admin user management.

mod common;

use common::shapes::assert_shape;
use common::{Auth, TestServer, ADMIN, PASSWORD};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn version_and_settings_need_no_auth() {
    let s = TestServer::start().await;
    let v = s.get("/api/v1/version", &Auth::None).await.expect(200);
    assert_shape("ServerVersion", &v.body);
    let parts: Vec<u64> = v.body["version"]
        .as_str()
        .unwrap()
        .split('.')
        .map(|p| p.parse().unwrap())
        .collect();
    assert!(parts[0] > 1 || parts[1] >= 11, "Gitea SDKs need >= 1.11");
    let st = s.get("/api/v1/settings/api", &Auth::None).await.expect(200);
    assert_shape("GeneralAPISettings", &st.body);
    assert_eq!(st.body["max_response_items"], 50);
    assert_eq!(st.body["default_paging_num"], 30);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_credential_form_of_the_seeds_works() {
    let s = TestServer::start().await;
    let (_, tok) = s.user("foo").await;
    let forms = [
        Auth::Token(tok.clone()),
        Auth::Bearer(tok.clone()),
        Auth::Query(tok.clone()),
        Auth::AccessTokenQuery(tok.clone()),
        Auth::basic("foo"),
        Auth::Basic("foo".into(), tok.clone()),
        Auth::Basic(tok.clone(), String::new()),
        Auth::Basic(tok.clone(), "x-oauth-basic".into()),
        Auth::Basic("foo@example.com".into(), PASSWORD.into()),
    ];
    for auth in forms {
        let r = s.get("/api/v1/user", &auth).await;
        assert_eq!(r.status, 200, "{auth:?}: {}", r.text);
        assert_eq!(r.body["login"], "foo");
        assert_eq!(r.body["username"], "foo");
        assert_shape("User", &r.body);
    }
    // The seed's header has two spaces after the colon and a lower-case scheme.
    let r = s
        .client
        .get(s.url("/api/v1/user/repos"))
        .header("Authorization", format!(" token  {tok}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn query_tokens_warn_and_can_be_disabled() {
    let s = TestServer::start().await;
    let r = s
        .get("/api/v1/user", &Auth::Query(s.admin_token.clone()))
        .await
        .expect(200);
    assert!(r.header("x-gitea-warning").unwrap().contains("deprecated"));
    let r = s.get("/api/v1/user", &s.admin()).await.expect(200);
    assert!(r.header("x-gitea-warning").is_none());
    s.stop().await;

    let s = TestServer::start_with(&[("security", "DISABLE_QUERY_AUTH_TOKEN", "true")]).await;
    let r = s
        .get("/api/v1/user", &Auth::Query(s.admin_token.clone()))
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.message(), "token is required");
    s.get("/api/v1/user", &s.admin()).await.expect(200);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_credentials_are_401_json() {
    let s = TestServer::start().await;
    s.user("foo").await;
    for auth in [
        Auth::Token("0".repeat(40)),
        Auth::Token("not-a-token".into()),
        Auth::Query("f".repeat(40)),
        Auth::Basic("foo".into(), "wrong-password".into()),
        Auth::Basic("nobody".into(), "whatever1".into()),
    ] {
        let r = s.get("/api/v1/repos/search", &auth).await;
        assert_eq!(r.status, 401, "{auth:?}");
        assert_eq!(r.message(), "invalid username, password or token");
        assert!(r.body["url"].as_str().unwrap().ends_with("/api/swagger"));
    }
    let r = s.get("/api/v1/user", &Auth::None).await.expect(401);
    assert_eq!(r.message(), "token is required");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sudo_is_for_admins_only() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    s.user("bar").await;
    let r = s.get("/api/v1/user?sudo=foo", &s.admin()).await.expect(200);
    assert_eq!(r.body["login"], "foo");
    let r = s
        .client
        .get(s.url("/api/v1/user"))
        .header("Authorization", format!("token {}", s.admin_token))
        .header("Sudo", "bar")
        .send()
        .await
        .unwrap();
    let r = TestServer::read(r).await.expect(200);
    assert_eq!(r.body["login"], "bar");
    // Creating as the sudo target makes the target the owner.
    let r = s
        .post(
            "/api/v1/user/repos?sudo=foo",
            &s.admin(),
            json!({"name": "via-sudo"}),
        )
        .await
        .expect(201);
    assert_eq!(r.body["owner"]["login"], "foo");
    let r = s.get("/api/v1/user?sudo=bar", &foo).await.expect(403);
    assert_eq!(r.message(), "Only administrators allowed to sudo.");
    assert!(
        r.body["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("api/swagger")),
        "{}",
        r.text
    );
    s.get("/api/v1/user?sudo=bar", &Auth::None)
        .await
        .expect(403);
    s.get("/api/v1/user?sudo=ghost-user", &s.admin())
        .await
        .expect(404);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_user_lifecycle_and_must_change_password() {
    let s = TestServer::start().await;
    let r = s
        .post(
            "/api/v1/admin/users",
            &s.admin(),
            json!({"username": "alice", "email": "alice@example.com", "password": PASSWORD, "full_name": "Alice"}),
        )
        .await
        .expect(201);
    assert_shape("User", &r.body);
    assert_eq!(r.body["email"], "alice@example.com");
    // Gitea's default for admin-created users: must change the password first.
    let r = s
        .get("/api/v1/user", &Auth::basic("alice"))
        .await
        .expect(403);
    assert!(r.message().starts_with("You must change your password."));
    // Every error body carries `url` (decisions.md), this one too.
    assert!(
        r.body["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("api/swagger")),
        "{}",
        r.text
    );
    s.patch(
        "/api/v1/admin/users/alice",
        &s.admin(),
        json!({"must_change_password": false, "location": "Paris", "website": "https://a.example"}),
    )
    .await
    .expect(200);
    let r = s
        .get("/api/v1/user", &Auth::basic("alice"))
        .await
        .expect(200);
    assert_eq!(r.body["location"], "Paris");
    assert_eq!(r.body["full_name"], "Alice");

    // Prohibited accounts are refused everywhere.
    s.patch(
        "/api/v1/admin/users/alice",
        &s.admin(),
        json!({"prohibit_login": true}),
    )
    .await
    .expect(200);
    let r = s
        .get("/api/v1/user", &Auth::basic("alice"))
        .await
        .expect(403);
    assert!(r.message().contains("prohibited"));
    s.patch(
        "/api/v1/admin/users/alice",
        &s.admin(),
        json!({"prohibit_login": false, "password": "new-password-1"}),
    )
    .await
    .expect(200);
    s.get("/api/v1/user", &Auth::basic("alice"))
        .await
        .expect(401);
    s.get(
        "/api/v1/user",
        &Auth::Basic("alice".into(), "new-password-1".into()),
    )
    .await
    .expect(200);

    let list = s.get("/api/v1/admin/users", &s.admin()).await.expect(200);
    assert_eq!(list.total(), 2);
    let names: Vec<&str> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["login"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["alice", ADMIN]);

    s.delete("/api/v1/admin/users/alice", &s.admin())
        .await
        .expect(204);
    s.get("/api/v1/users/alice", &s.admin()).await.expect(404);
    s.delete("/api/v1/admin/users/alice", &s.admin())
        .await
        .expect(404);
    s.stop().await;
}

/// No user value carries the password hash: the store hands it to the password check alone.
#[tokio::test(flavor = "multi_thread")]
async fn user_values_carry_no_password_hash() {
    let s = TestServer::start().await;
    let created = s
        .svc
        .create_user(oxforge_service::accounts::CreateUser {
            username: "hashless".into(),
            email: "hashless@example.com".into(),
            password: PASSWORD.into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let phc = s
        .svc
        .store
        .password_hash(created.id)
        .await
        .unwrap()
        .expect("a hash is stored");
    assert!(phc.as_str().starts_with("$argon2"));
    assert!(!format!("{phc:?}").contains("argon2"));
    let loaded = s.svc.store.user_by_name("hashless").await.unwrap().unwrap();
    let signed_in = s
        .svc
        .authenticate_password("hashless", PASSWORD, None)
        .await
        .unwrap()
        .expect("the password matches");
    for u in [&created, &loaded, &signed_in] {
        let shown = format!("{u:?}");
        assert!(!shown.contains(phc.as_str()), "{shown}");
        assert!(
            !shown.contains("argon2") && !shown.contains("passwd"),
            "{shown}"
        );
    }
    // Organisations have no password to check.
    assert!(s.svc.store.password_hash(-1).await.unwrap().is_none());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_routes_refuse_others() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    let body = json!({"username": "x1", "email": "x1@example.com", "password": PASSWORD});
    let r = s
        .post("/api/v1/admin/users", &foo, body.clone())
        .await
        .expect(403);
    assert_eq!(r.message(), "user should be the site admin");
    let r = s
        .post("/api/v1/admin/users", &Auth::None, body)
        .await
        .expect(401);
    assert_eq!(r.message(), "token is required");
    s.get("/api/v1/admin/users", &foo).await.expect(403);
    s.patch("/api/v1/admin/users/foo", &foo, json!({"admin": true}))
        .await
        .expect(403);
    s.delete("/api/v1/admin/users/foo", &foo).await.expect(403);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_user_input_is_refused() {
    let s = TestServer::start().await;
    s.user("taken").await;
    let cases = [
        (
            json!({"username": "..", "email": "a@x.io", "password": PASSWORD}),
            422,
        ),
        (
            json!({"username": "a/b", "email": "a@x.io", "password": PASSWORD}),
            422,
        ),
        (
            json!({"username": "api", "email": "a@x.io", "password": PASSWORD}),
            422,
        ),
        (
            json!({"username": "x".repeat(41), "email": "a@x.io", "password": PASSWORD}),
            422,
        ),
        (
            json!({"username": "taken", "email": "a@x.io", "password": PASSWORD}),
            422,
        ),
        (
            json!({"username": "fresh", "email": "taken@example.com", "password": PASSWORD}),
            422,
        ),
        (
            json!({"username": "fresh", "email": "not-an-email", "password": PASSWORD}),
            422,
        ),
        (
            json!({"username": "fresh", "email": "a@x.io", "password": "short"}),
            400,
        ),
        (json!({"email": "a@x.io", "password": PASSWORD}), 422),
        (
            json!({"username": "fresh", "email": "a@x.io", "password": PASSWORD, "visibility": "secret"}),
            422,
        ),
    ];
    for (body, status) in cases {
        let r = s
            .post("/api/v1/admin/users", &s.admin(), body.clone())
            .await;
        assert_eq!(r.status, status, "{body}: {}", r.text);
        assert!(!r.message().is_empty());
    }
    // Malformed JSON and an unsupported content type.
    let r = s
        .client
        .post(s.url("/api/v1/admin/users"))
        .header("Authorization", format!("token {}", s.admin_token))
        .header("Content-Type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    let r = TestServer::read(r).await.expect(422);
    assert!(r.message().contains("JSON"));
    let r = s
        .client
        .post(s.url("/api/v1/admin/users"))
        .header("Authorization", format!("token {}", s.admin_token))
        .header("Content-Type", "text/xml")
        .body("<user/>")
        .send()
        .await
        .unwrap();
    TestServer::read(r).await.expect(415);
    // Form-encoded bodies work like JSON.
    let r = s
        .client
        .post(s.url("/api/v1/admin/users"))
        .header("Authorization", format!("token {}", s.admin_token))
        .form(&[
            ("username", "formuser"),
            ("email", "f@example.com"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    TestServer::read(r).await.expect(201);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_bodies_get_413() {
    // A small limit, so the whole body is on the wire before the answer comes back.
    let s = TestServer::start_with(&[("server", "MAX_REQUEST_BODY_BYTES", "1024")]).await;
    let big = format!("{{\"username\": \"{}\"}}", "x".repeat(4096));
    let r = s
        .client
        .post(s.url("/api/v1/admin/users"))
        .header("Authorization", format!("token {}", s.admin_token))
        .header("Content-Type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    let r = TestServer::read(r).await.expect(413);
    assert!(r.message().contains("larger than"));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn users_and_their_visibility() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    s.user("hidden").await;
    s.user("members").await;
    s.patch(
        "/api/v1/admin/users/hidden",
        &s.admin(),
        json!({"visibility": "private"}),
    )
    .await
    .expect(200);
    s.patch(
        "/api/v1/admin/users/members",
        &s.admin(),
        json!({"visibility": "limited"}),
    )
    .await
    .expect(200);

    // Anonymous: public users only, e-mail replaced by a placeholder.
    let r = s.get("/api/v1/users/foo", &Auth::None).await.expect(200);
    assert_shape("User", &r.body);
    assert_eq!(r.body["email"], "foo@noreply.localhost");
    assert_eq!(r.body["is_admin"], false);
    s.get("/api/v1/users/members", &Auth::None)
        .await
        .expect(404);
    let missing = s.get("/api/v1/users/hidden", &Auth::None).await.expect(404);
    let absent = s
        .get("/api/v1/users/nobody-here", &Auth::None)
        .await
        .expect(404);
    // Hidden and absent users look alike.
    assert_eq!(
        missing.message().replace("hidden", "X"),
        absent.message().replace("nobody-here", "X")
    );

    // Signed in: limited users too, private ones only for themselves and admins.
    s.get("/api/v1/users/members", &foo).await.expect(200);
    s.get("/api/v1/users/hidden", &foo).await.expect(404);
    s.get("/api/v1/users/hidden", &s.admin()).await.expect(200);
    s.get("/api/v1/users/HIDDEN", &Auth::basic("hidden"))
        .await
        .expect(200);

    let search = |auth: Auth| {
        let s = &s;
        async move {
            let r = s.get("/api/v1/users/search", &auth).await.expect(200);
            assert_eq!(r.body["ok"], true);
            let mut names: Vec<String> = r.body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["login"].as_str().unwrap().to_string())
                .collect();
            names.sort();
            assert_eq!(r.total() as usize, names.len());
            names
        }
    };
    assert_eq!(search(Auth::None).await, vec!["foo", ADMIN]);
    assert_eq!(search(foo.clone()).await, vec!["foo", "members", ADMIN]);
    assert_eq!(
        search(s.admin()).await,
        vec!["foo", "hidden", "members", ADMIN]
    );
    let r = s
        .get("/api/v1/users/search?q=FO&limit=1&page=1", &Auth::None)
        .await
        .expect(200);
    assert_eq!(r.body["data"][0]["login"], "foo");
    assert_eq!(r.total(), 1);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_routes_are_json_404() {
    let s = TestServer::start().await;
    let r = s
        .get("/api/v1/does/not/exist", &Auth::None)
        .await
        .expect(404);
    assert_eq!(r.message(), "not found");
    assert!(r.body["url"].is_string());
    let r = s
        .send(reqwest::Method::PUT, "/api/v1/version", &Auth::None, None)
        .await;
    assert_eq!(r.status, 405);
    assert!(r.body["message"].is_string());
    s.stop().await;
}
