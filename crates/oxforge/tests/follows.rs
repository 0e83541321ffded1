//! Following users, and the counters a User carries: followers, following, starred
//! repositories.

mod common;

use common::shapes::assert_shape;
use common::{Auth, TestServer};
use serde_json::{json, Value};

fn logins(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|u| u["login"].as_str().unwrap().to_string())
        .collect()
}

async fn counts(s: &TestServer, name: &str) -> (i64, i64, i64) {
    let u = s
        .get(&format!("/api/v1/users/{name}"), &s.admin())
        .await
        .expect(200)
        .body;
    assert_shape("User", &u);
    (
        u["followers_count"].as_i64().unwrap(),
        u["following_count"].as_i64().unwrap(),
        u["starred_repos_count"].as_i64().unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn following_users_and_the_counters() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    let (bar, _) = s.user("bar").await;
    let (baz, _) = s.user("baz").await;

    s.put("/api/v1/user/following/foo", &bar, None)
        .await
        .expect(204);
    // Idempotent, and following oneself changes nothing (as Gitea).
    s.put("/api/v1/user/following/foo", &bar, None)
        .await
        .expect(204);
    s.put("/api/v1/user/following/foo", &foo, None)
        .await
        .expect(204);
    s.put("/api/v1/user/following/FOO", &baz, None)
        .await
        .expect(204);
    s.put("/api/v1/user/following/nobody", &baz, None)
        .await
        .expect(404);
    s.put("/api/v1/user/following/foo", &Auth::None, None)
        .await
        .expect(401);
    assert_eq!(counts(&s, "foo").await, (2, 0, 0));
    assert_eq!(counts(&s, "bar").await, (0, 1, 0));

    let r = s
        .get("/api/v1/users/foo/followers", &Auth::None)
        .await
        .expect(200);
    assert_eq!(logins(&r.body), vec!["bar", "baz"]);
    assert_eq!(r.total(), 2);
    let r = s.get("/api/v1/user/followers", &foo).await.expect(200);
    assert_eq!(logins(&r.body), vec!["bar", "baz"]);
    let r = s
        .get("/api/v1/users/foo/followers?limit=1&page=2", &Auth::None)
        .await
        .expect(200);
    assert_eq!(logins(&r.body), vec!["baz"]);
    assert_eq!(r.total(), 2);
    let r = s.get("/api/v1/user/following", &bar).await.expect(200);
    assert_eq!(logins(&r.body), vec!["foo"]);
    let r = s
        .get("/api/v1/users/bar/following", &Auth::None)
        .await
        .expect(200);
    assert_eq!(logins(&r.body), vec!["foo"]);
    let r = s.get("/api/v1/user/following", &foo).await.expect(200);
    assert_eq!(r.total(), 0);

    s.get("/api/v1/user/following/foo", &bar).await.expect(204);
    s.get("/api/v1/user/following/bar", &foo).await.expect(404);
    s.get("/api/v1/users/bar/following/foo", &Auth::None)
        .await
        .expect(204);
    s.get("/api/v1/users/foo/following/bar", &Auth::None)
        .await
        .expect(404);
    s.get("/api/v1/users/bar/following/nobody", &Auth::None)
        .await
        .expect(404);

    // Hidden accounts stay out of the lists (and their totals), but the counter is
    // Gitea's: every follower.
    s.patch(
        "/api/v1/admin/users/baz",
        &s.admin(),
        json!({"visibility": "private"}),
    )
    .await
    .expect(200);
    let r = s
        .get("/api/v1/users/foo/followers", &Auth::None)
        .await
        .expect(200);
    assert_eq!(logins(&r.body), vec!["bar"]);
    assert_eq!(r.total(), 1);
    let r = s.get("/api/v1/users/foo/followers", &baz).await.expect(200);
    assert_eq!(logins(&r.body), vec!["bar", "baz"]);
    s.get("/api/v1/users/baz/following", &Auth::None)
        .await
        .expect(404);
    s.get("/api/v1/users/baz/following/foo", &bar)
        .await
        .expect(404);
    s.put("/api/v1/user/following/baz", &bar, None)
        .await
        .expect(404);
    assert_eq!(counts(&s, "foo").await, (2, 0, 0));

    s.delete("/api/v1/user/following/foo", &bar)
        .await
        .expect(204);
    s.delete("/api/v1/user/following/foo", &bar)
        .await
        .expect(204);
    assert_eq!(counts(&s, "foo").await, (1, 0, 0));
    assert_eq!(counts(&s, "bar").await, (0, 0, 0));

    // Organisations may be followed; they show among what one follows.
    s.post("/api/v1/orgs", &foo, json!({"username": "acme"}))
        .await
        .expect(201);
    s.put("/api/v1/user/following/acme", &bar, None)
        .await
        .expect(204);
    let r = s.get("/api/v1/user/following", &bar).await.expect(200);
    assert_eq!(logins(&r.body), vec!["acme"]);

    // Deleting a follower takes the follow away from the counters too.
    s.delete("/api/v1/admin/users/baz", &s.admin())
        .await
        .expect(204);
    assert_eq!(counts(&s, "foo").await, (0, 0, 0));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn following_needs_the_user_scope() {
    let s = TestServer::start().await;
    s.user("foo").await;
    s.user("bar").await;
    let read = Auth::token(&s.token("bar", &["read:user"]).await);
    let write = Auth::token(&s.token("bar", &["write:user"]).await);
    let other = Auth::token(&s.token("bar", &["write:repository"]).await);
    s.put("/api/v1/user/following/foo", &read, None)
        .await
        .expect(403);
    s.get("/api/v1/user/following", &other).await.expect(403);
    s.put("/api/v1/user/following/foo", &write, None)
        .await
        .expect(204);
    s.get("/api/v1/user/following/foo", &read).await.expect(204);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn starred_repos_count_follows_the_stars() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    let (bar, _) = s.user("bar").await;
    s.repo(&foo, "one", false).await;
    s.repo(&foo, "two", true).await;
    s.put("/api/v1/user/starred/foo/one", &bar, None)
        .await
        .expect(204);
    s.put("/api/v1/user/starred/foo/one", &bar, None)
        .await
        .expect(204);
    s.put("/api/v1/user/starred/foo/one", &foo, None)
        .await
        .expect(204);
    s.put("/api/v1/user/starred/foo/two", &foo, None)
        .await
        .expect(204);
    assert_eq!(counts(&s, "bar").await.2, 1);
    // Gitea's count: every star, also of repositories the caller cannot see.
    assert_eq!(counts(&s, "foo").await.2, 2);
    let r = s.get("/api/v1/user", &foo).await.expect(200);
    assert_eq!(r.body["starred_repos_count"], 2);
    s.delete("/api/v1/user/starred/foo/one", &foo)
        .await
        .expect(204);
    assert_eq!(counts(&s, "foo").await.2, 1);

    // A deleted repository takes its stars off its stargazers' counts.
    s.delete("/api/v1/repos/foo/two", &foo).await.expect(204);
    assert_eq!(counts(&s, "foo").await.2, 0);
    // A deleted stargazer takes its star (and watch) off the repository's counts.
    s.put("/api/v1/repos/foo/one/subscription", &bar, None)
        .await
        .expect(200);
    s.delete("/api/v1/admin/users/bar", &s.admin())
        .await
        .expect(204);
    let r = s
        .get("/api/v1/repos/foo/one", &Auth::None)
        .await
        .expect(200);
    assert_eq!(r.body["stars_count"], 0);
    assert_eq!(r.body["watchers_count"], 1);
    s.stop().await;
}
