//! Stars and watches: counters, lists, privacy.

mod common;

use common::shapes::assert_shape;
use common::{Auth, TestServer};

fn names(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["full_name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn stars_and_counters() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    let (bar, _) = s.user("bar").await;
    s.repo(&foo, "pub", false).await;
    s.repo(&foo, "secret", true).await;
    s.get("/api/v1/user/starred/foo/pub", &bar)
        .await
        .expect(404);
    s.put("/api/v1/user/starred/foo/pub", &bar, None)
        .await
        .expect(204);
    s.put("/api/v1/user/starred/foo/pub", &bar, None)
        .await
        .expect(204);
    s.put("/api/v1/user/starred/foo/pub", &foo, None)
        .await
        .expect(204);
    s.get("/api/v1/user/starred/foo/pub", &bar)
        .await
        .expect(204);
    let r = s
        .get("/api/v1/repos/foo/pub", &Auth::None)
        .await
        .expect(200);
    assert_eq!(r.body["stars_count"], 2);
    let r = s
        .get("/api/v1/repos/foo/pub/stargazers", &Auth::None)
        .await
        .expect(200);
    assert_eq!(r.total(), 2);
    let r = s.get("/api/v1/user/starred", &bar).await.expect(200);
    assert_eq!(names(&r.body), vec!["foo/pub"]);
    let r = s
        .get("/api/v1/users/bar/starred", &Auth::None)
        .await
        .expect(200);
    assert_eq!(names(&r.body), vec!["foo/pub"]);
    let bar_id = s.get("/api/v1/users/bar", &Auth::None).await.body["id"]
        .as_i64()
        .unwrap();
    let r = s
        .get(
            &format!("/api/v1/repos/search?starredBy={bar_id}"),
            &Auth::None,
        )
        .await
        .expect(200);
    assert_eq!(names(&r.body["data"]), vec!["foo/pub"]);
    // A private repository cannot be starred by those who cannot see it, and stays hidden in lists.
    s.put("/api/v1/user/starred/foo/secret", &bar, None)
        .await
        .expect(404);
    s.put("/api/v1/user/starred/foo/secret", &foo, None)
        .await
        .expect(204);
    let r = s
        .get("/api/v1/users/foo/starred", &Auth::None)
        .await
        .expect(200);
    assert_eq!(names(&r.body), vec!["foo/pub"]);
    assert_eq!(r.total(), 1);
    let r = s.get("/api/v1/users/foo/starred", &foo).await.expect(200);
    assert_eq!(r.total(), 2);
    s.delete("/api/v1/user/starred/foo/pub", &bar)
        .await
        .expect(204);
    let r = s
        .get("/api/v1/repos/foo/pub", &Auth::None)
        .await
        .expect(200);
    assert_eq!(r.body["stars_count"], 1);
    s.put("/api/v1/user/starred/foo/pub", &Auth::None, None)
        .await
        .expect(401);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn watches_and_the_owner_watching_new_repositories() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    let (bar, _) = s.user("bar").await;
    s.repo(&foo, "w", false).await;
    // The owner watches a new repository, as in the seed.
    let r = s
        .get("/api/v1/repos/foo/w/subscription", &foo)
        .await
        .expect(200);
    assert_shape("WatchInfo", &r.body);
    assert_eq!(r.body["subscribed"], true);
    let r = s
        .get("/api/v1/repos/foo/w/subscribers", &Auth::None)
        .await
        .expect(200);
    assert_eq!(r.body[0]["login"], "foo");
    s.get("/api/v1/repos/foo/w/subscription", &bar)
        .await
        .expect(404);
    let r = s
        .put("/api/v1/repos/foo/w/subscription", &bar, None)
        .await
        .expect(200);
    assert_eq!(
        r.body["repository_url"],
        format!("{}/api/v1/repos/foo/w", s.base)
    );
    let r = s.get("/api/v1/repos/foo/w", &Auth::None).await.expect(200);
    assert_eq!(r.body["watchers_count"], 2);
    let r = s.get("/api/v1/user/subscriptions", &bar).await.expect(200);
    assert_eq!(names(&r.body), vec!["foo/w"]);
    let r = s
        .get("/api/v1/users/foo/subscriptions", &Auth::None)
        .await
        .expect(200);
    assert_eq!(names(&r.body), vec!["foo/w"]);
    s.delete("/api/v1/repos/foo/w/subscription", &foo)
        .await
        .expect(204);
    let r = s.get("/api/v1/repos/foo/w", &Auth::None).await.expect(200);
    assert_eq!(r.body["watchers_count"], 1);
    // Deleting the repository takes its stars and watches with it.
    s.put("/api/v1/user/starred/foo/w", &bar, None)
        .await
        .expect(204);
    s.delete("/api/v1/repos/foo/w", &foo).await.expect(204);
    let r = s.get("/api/v1/user/starred", &bar).await.expect(200);
    assert_eq!(r.total(), 0);
    s.stop().await;
}
