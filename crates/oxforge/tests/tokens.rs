//! Access tokens: the contract's section b, scopes enforced per route family.

mod common;

use common::shapes::assert_shape;
use common::{Auth, TestServer, PASSWORD};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn seed_recipe_create_list_delete() {
    let s = TestServer::start().await;
    s.user("foo").await;
    let basic = Auth::basic("foo");
    // The seed: only a name, no scopes → a token with every scope.
    let r = s
        .post("/api/v1/users/foo/tokens", &basic, json!({"name": "111"}))
        .await
        .expect(201);
    assert_shape("AccessToken", &r.body);
    let sha1 = r.body["sha1"].as_str().unwrap().to_string();
    assert_eq!(sha1.len(), 40);
    assert!(sha1
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_eq!(r.body["token_last_eight"], sha1[32..]);
    assert_eq!(r.body["scopes"], json!(["all"]));
    assert_eq!(r.body["name"], "111");

    // The token works, and is never shown again.
    s.get("/api/v1/user", &Auth::token(&sha1)).await.expect(200);
    let list = s.get("/api/v1/users/foo/tokens", &basic).await.expect(200);
    let items = list.body.as_array().unwrap();
    assert_eq!(list.total(), items.len() as i64);
    let mine = items.iter().find(|t| t["name"] == "111").unwrap();
    assert_shape("AccessToken", mine);
    assert_eq!(mine["sha1"], "");
    assert_eq!(mine["token_last_eight"], sha1[32..]);
    // `last_used_at` is recorded off the request path; give it a moment.
    let mut used = false;
    for _ in 0..50 {
        let l = s.get("/api/v1/users/foo/tokens", &basic).await.expect(200);
        let t = l
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "111")
            .cloned()
            .unwrap();
        if t["last_used_at"] != "0001-01-01T00:00:00Z" {
            used = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(used, "last_used_at never recorded");
    assert!(!list.text.contains(&sha1));
    // Stored hashed: the plaintext is nowhere in the database file (SQLite).
    if common::backend_name() == "sqlite" {
        let db = std::fs::read(&s.cfg.database.path).unwrap_or_default();
        let wal = std::fs::read(s.cfg.database.path.with_extension("db-wal")).unwrap_or_default();
        let hay = [db, wal].concat();
        assert!(!hay.windows(40).any(|w| w == sha1.as_bytes()));
    }

    // Duplicate name → 400.
    let r = s
        .post("/api/v1/users/foo/tokens", &basic, json!({"name": "111"}))
        .await
        .expect(400);
    assert_eq!(r.message(), "access token name has been used already");

    // Delete by name, then the token stops working.
    s.delete("/api/v1/users/foo/tokens/111", &basic)
        .await
        .expect(204);
    s.get("/api/v1/user", &Auth::token(&sha1)).await.expect(401);
    s.delete("/api/v1/users/foo/tokens/111", &basic)
        .await
        .expect(404);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_by_id_only_own_tokens() {
    let s = TestServer::start().await;
    s.user("foo").await;
    s.user("bar").await;
    let r = s
        .post(
            "/api/v1/users/bar/tokens",
            &Auth::basic("bar"),
            json!({"name": "b"}),
        )
        .await
        .expect(201);
    let bar_id = r.body["id"].as_i64().unwrap();
    s.delete(
        &format!("/api/v1/users/foo/tokens/{bar_id}"),
        &Auth::basic("foo"),
    )
    .await
    .expect(404);
    s.delete(
        &format!("/api/v1/users/bar/tokens/{bar_id}"),
        &Auth::basic("bar"),
    )
    .await
    .expect(204);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn token_routes_need_basic_auth_and_self_or_admin() {
    let s = TestServer::start().await;
    let (foo, tok) = s.user("foo").await;
    s.user("bar").await;
    // A header token cannot manage tokens.
    let r = s.get("/api/v1/users/foo/tokens", &foo).await.expect(401);
    assert_eq!(r.message(), "auth required");
    // Basic with a token as password counts as basic.
    s.get("/api/v1/users/foo/tokens", &Auth::Basic("foo".into(), tok))
        .await
        .expect(200);
    // Someone else's tokens: 403, also for anonymous callers.
    s.get("/api/v1/users/bar/tokens", &Auth::basic("foo"))
        .await
        .expect(403);
    s.get("/api/v1/users/bar/tokens", &Auth::None)
        .await
        .expect(403);
    s.get("/api/v1/users/nobody/tokens", &Auth::basic("foo"))
        .await
        .expect(404);
    // Admins may manage anyone's.
    s.post(
        "/api/v1/users/bar/tokens",
        &Auth::Basic(common::ADMIN.into(), PASSWORD.into()),
        json!({"name": "by-admin"}),
    )
    .await
    .expect(201);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn scopes_are_validated_and_normalised() {
    let s = TestServer::start().await;
    s.user("foo").await;
    let basic = Auth::basic("foo");
    let r = s
        .post(
            "/api/v1/users/foo/tokens",
            &basic,
            json!({"name": "n1", "scopes": ["read:user", "write:repository", "read:repository"]}),
        )
        .await
        .expect(201);
    assert_eq!(r.body["scopes"], json!(["write:repository", "read:user"]));
    let r = s
        .post(
            "/api/v1/users/foo/tokens",
            &basic,
            json!({"name": "n2", "scopes": ["write:everything"]}),
        )
        .await
        .expect(400);
    assert_eq!(
        r.message(),
        "invalid access token scope provided: invalid access token scope: write:everything"
    );
    let r = s
        .post(
            "/api/v1/users/foo/tokens",
            &basic,
            json!({"scopes": ["all"]}),
        )
        .await
        .expect(422);
    assert_eq!(r.message(), "[Name]: Required");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn scopes_are_enforced_per_route_family() {
    let s = TestServer::start().await;
    s.user("foo").await;
    let foo_auth = Auth::basic("foo");
    s.post("/api/v1/user/repos", &foo_auth, json!({"name": "pub"}))
        .await
        .expect(201);
    s.post(
        "/api/v1/user/repos",
        &foo_auth,
        json!({"name": "priv", "private": true}),
    )
    .await
    .expect(201);

    let read_repo = Auth::token(&s.token("foo", &["read:repository", "read:user"]).await);
    s.get("/api/v1/repos/foo/priv", &read_repo)
        .await
        .expect(200);
    s.get("/api/v1/user/repos", &read_repo).await.expect(200);
    let r = s
        .post("/api/v1/user/repos", &read_repo, json!({"name": "nope"}))
        .await
        .expect(403);
    assert_eq!(
        r.message(),
        "token does not have at least one of required scope(s), required=[write:user write:repository], token scope=read:repository,read:user"
    );
    s.patch(
        "/api/v1/repos/foo/pub",
        &read_repo,
        json!({"description": "x"}),
    )
    .await
    .expect(403);
    s.delete("/api/v1/repos/foo/pub", &read_repo)
        .await
        .expect(403);
    assert!(!s.repo_dir("foo", "nope").exists());

    let user_only = Auth::token(&s.token("foo", &["read:user"]).await);
    s.get("/api/v1/user", &user_only).await.expect(200);
    s.get("/api/v1/repos/foo/pub", &user_only).await.expect(403);
    s.get("/api/v1/repos/search", &user_only).await.expect(403);

    // Passwords are not scope-limited.
    s.get("/api/v1/repos/foo/priv", &foo_auth).await.expect(200);

    // Admin routes need the admin scope even for an admin's token.
    let admin_repo = Auth::token(
        &s.token(common::ADMIN, &["write:repository", "write:user"])
            .await,
    );
    s.get("/api/v1/admin/users", &admin_repo).await.expect(403);

    // public-only: private repositories are refused, listings show public ones only.
    let public_only = Auth::token(
        &s.token("foo", &["public-only", "read:repository", "read:user"])
            .await,
    );
    let r = s
        .get("/api/v1/repos/foo/priv", &public_only)
        .await
        .expect(403);
    assert_eq!(r.message(), "token scope is limited to public repos");
    s.get("/api/v1/repos/foo/pub", &public_only)
        .await
        .expect(200);
    let r = s
        .get("/api/v1/repos/search", &public_only)
        .await
        .expect(200);
    let names: Vec<&str> = r.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["pub"]);
    assert_eq!(r.total(), 1);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deleted_users_tokens_stop_working() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    s.get("/api/v1/user", &foo).await.expect(200);
    s.delete("/api/v1/admin/users/foo", &s.admin())
        .await
        .expect(204);
    let r = s.get("/api/v1/user", &foo).await.expect(401);
    assert_eq!(r.message(), "invalid username, password or token");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_tokens_are_refused() {
    let s = TestServer::start().await;
    s.user("foo").await;
    let soon = chrono_like_in(2);
    let r = s
        .post(
            "/api/v1/users/foo/tokens",
            &Auth::basic("foo"),
            json!({"name": "short", "expires_at": soon}),
        )
        .await
        .expect(201);
    assert_eq!(r.body["expires_at"], soon);
    let tok = r.body["sha1"].as_str().unwrap().to_string();
    s.get("/api/v1/user", &Auth::token(&tok)).await.expect(200);
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    s.get("/api/v1/user", &Auth::token(&tok)).await.expect(401);
    let r = s
        .post(
            "/api/v1/users/foo/tokens",
            &Auth::basic("foo"),
            json!({"name": "past", "expires_at": "2001-01-01T00:00:00Z"}),
        )
        .await
        .expect(400);
    assert!(r.message().contains("future"));
    s.stop().await;
}

/// RFC 3339 UTC time `secs` from now.
fn chrono_like_in(secs: u64) -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + secs;
    oxforge_core::time::rfc3339(t as i64)
}

/// Gitea's TestAPIDeniesPermissionBasedOnTokenScope: for each route, a token holding every
/// scope except the level the route needs is refused with 403.
#[tokio::test(flavor = "multi_thread")]
async fn each_route_denies_a_token_lacking_its_scope() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    s.repo(&foo, "r", false).await;
    let categories = [
        "activitypub",
        "admin",
        "misc",
        "notification",
        "organization",
        "package",
        "issue",
        "repository",
        "user",
    ];
    // (method, path, the scope it needs)
    let cases = [
        ("GET", "/api/v1/user", "read:user"),
        ("GET", "/api/v1/users/search", "read:user"),
        ("GET", "/api/v1/users/foo", "read:user"),
        ("GET", "/api/v1/user/repos", "read:repository"),
        ("GET", "/api/v1/user/repos", "read:user"),
        ("POST", "/api/v1/user/repos", "write:repository"),
        ("POST", "/api/v1/user/repos", "write:user"),
        ("GET", "/api/v1/users/foo/repos", "read:repository"),
        ("GET", "/api/v1/repos/search", "read:repository"),
        ("GET", "/api/v1/repos/foo/r", "read:repository"),
        ("PATCH", "/api/v1/repos/foo/r", "write:repository"),
        ("DELETE", "/api/v1/repos/foo/r", "write:repository"),
        ("GET", "/api/v1/repos/foo/r/branches", "read:repository"),
        ("GET", "/api/v1/repositories/1", "read:repository"),
        ("POST", "/api/v1/repos/migrate", "write:repository"),
        (
            "POST",
            "/api/v1/repos/foo/r/mirror-sync",
            "write:repository",
        ),
        ("GET", "/api/v1/admin/users", "read:admin"),
        ("POST", "/api/v1/admin/users", "write:admin"),
        ("PATCH", "/api/v1/admin/users/foo", "write:admin"),
        ("DELETE", "/api/v1/admin/users/foo", "write:admin"),
        ("POST", "/api/v1/admin/users/foo/repos", "write:admin"),
    ];
    for (method, path, needed) in cases {
        let (level, cat) = needed.split_once(':').unwrap();
        // Everything else at write level; the needed category at most one level short.
        let mut scopes: Vec<String> = categories
            .iter()
            .filter(|c| **c != cat)
            .map(|c| format!("write:{c}"))
            .collect();
        if level == "write" {
            scopes.push(format!("read:{cat}"));
        }
        let refs: Vec<&str> = scopes.iter().map(String::as_str).collect();
        let tok = s.token(common::ADMIN, &refs).await;
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let body = (method != "GET" && method != "DELETE").then(|| json!({}));
        let r = s.send(m, path, &Auth::token(&tok), body).await;
        assert_eq!(
            r.status, 403,
            "{method} {path} without {needed}: {}",
            r.text
        );
        assert!(
            r.message().contains(needed),
            "{method} {path}: {}",
            r.message()
        );
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_password_creates_tokens() {
    let s = TestServer::start().await;
    s.user("foo").await;
    s.user("bar").await;
    let limited = s.token("foo", &["write:user"]).await;
    let create = |auth: Auth, owner: &'static str| {
        let s = &s;
        async move {
            s.post(
                &format!("/api/v1/users/{owner}/tokens"),
                &auth,
                json!({"name": format!("n{}", rand::random::<u32>()), "scopes": ["all"]}),
            )
            .await
        }
    };
    // A token as the Basic password (or user name) cannot mint a wider, longer-lived one.
    let r = create(Auth::Basic("foo".into(), limited.clone()), "foo")
        .await
        .expect(401);
    assert_eq!(r.message(), "auth required");
    create(Auth::Basic(limited.clone(), String::new()), "foo")
        .await
        .expect(401);
    // Nor an admin's token through sudo.
    let admin_tok = s.admin_token.clone();
    create(Auth::Basic(common::ADMIN.into(), admin_tok), "bar")
        .await
        .expect(401);
    let r = s
        .post(
            "/api/v1/users/bar/tokens?sudo=bar",
            &Auth::Basic(common::ADMIN.into(), s.admin_token.clone()),
            json!({"name": "via-sudo", "scopes": ["all"]}),
        )
        .await
        .expect(401);
    assert_eq!(r.message(), "auth required");
    // The password does, and nothing was made by the refused attempts.
    create(Auth::basic("foo"), "foo").await.expect(201);
    let list = s
        .get("/api/v1/users/foo/tokens", &Auth::basic("foo"))
        .await
        .expect(200);
    let names: Vec<&str> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    s.stop().await;
}
