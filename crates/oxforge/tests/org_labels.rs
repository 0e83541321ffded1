//! Organization labels over HTTP: their CRUD, who may read and write them, scopes, bad
//! input, and their use on the issues of the organization's repositories, on SQLite and
//! PostgreSQL.

mod common;

use common::shapes::assert_shape;
use common::{Auth, TestServer};
use serde_json::{json, Value};

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_string())
        .collect()
}

async fn org(s: &TestServer, owner: &Auth, name: &str, visibility: &str) {
    s.post(
        "/api/v1/orgs",
        owner,
        json!({"username": name, "visibility": visibility}),
    )
    .await
    .expect(201);
}

async fn label(s: &TestServer, auth: &Auth, org: &str, name: &str) -> i64 {
    s.post(
        &format!("/api/v1/orgs/{org}/labels"),
        auth,
        json!({"name": name, "color": "#00aabb"}),
    )
    .await
    .expect(201)
    .body["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn owners_create_edit_list_and_delete_labels() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    org(&s, &alice, "acme", "public").await;

    let r = s
        .post(
            "/api/v1/orgs/acme/labels",
            &alice,
            json!({"name": " kind/bug ", "color": "#EE0701", "description": "Something is broken", "exclusive": true}),
        )
        .await
        .expect(201);
    assert_shape("Label", &r.body);
    let bug = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["name"], "kind/bug");
    assert_eq!(r.body["color"], "ee0701");
    assert_eq!(r.body["exclusive"], true);
    assert_eq!(r.body["is_archived"], false);
    assert!(r.body["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/api/v1/orgs/acme/labels/{bug}")));
    label(&s, &alice, "acme", "area/api").await;
    label(&s, &alice, "acme", "zeta").await;

    let l = s
        .get("/api/v1/orgs/acme/labels", &Auth::None)
        .await
        .expect(200);
    assert_eq!(l.total(), 3);
    assert_eq!(names(&l.body), ["area/api", "kind/bug", "zeta"]);
    let page = s
        .get("/api/v1/orgs/acme/labels?limit=1&page=2", &Auth::None)
        .await
        .expect(200);
    assert_eq!(page.total(), 3);
    assert_eq!(names(&page.body), ["kind/bug"]);
    assert!(page.header("link").unwrap().contains("rel=\"next\""));

    let g = s
        .get(&format!("/api/v1/orgs/acme/labels/{bug}"), &alice)
        .await
        .expect(200);
    assert_eq!(g.body["description"], "Something is broken");
    let e = s
        .patch(
            &format!("/api/v1/orgs/acme/labels/{bug}"),
            &alice,
            json!({"name": "bug", "color": "abc", "is_archived": true, "exclusive": false}),
        )
        .await
        .expect(200);
    assert_shape("Label", &e.body);
    assert_eq!(e.body["name"], "bug");
    assert_eq!(e.body["color"], "aabbcc");
    assert_eq!(e.body["is_archived"], true);
    assert_eq!(e.body["exclusive"], false);
    assert_eq!(e.body["description"], "Something is broken");

    s.delete(&format!("/api/v1/orgs/acme/labels/{bug}"), &alice)
        .await
        .expect(204);
    s.get(&format!("/api/v1/orgs/acme/labels/{bug}"), &alice)
        .await
        .expect(404);
    s.delete(&format!("/api/v1/orgs/acme/labels/{bug}"), &alice)
        .await
        .expect(404);
    let l = s.get("/api/v1/orgs/acme/labels", &alice).await.expect(200);
    assert_eq!(l.total(), 2);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_refused() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    org(&s, &alice, "acme", "public").await;
    for body in [
        json!({"name": "x"}),
        json!({"name": "x", "color": "red"}),
        json!({"name": "  ", "color": "#fff"}),
        json!({"color": "#fff"}),
        json!({"name": "a\u{0}b", "color": "#fff"}),
        json!({"name": "x", "color": "#fff", "description": "\u{0}"}),
        json!({"name": "x".repeat(51), "color": "#fff"}),
    ] {
        let r = s
            .post("/api/v1/orgs/acme/labels", &alice, body.clone())
            .await
            .expect(422);
        assert!(!r.message().is_empty(), "{body}");
        assert!(r.body["url"].is_string());
    }
    let id = label(&s, &alice, "acme", "ok").await;
    for body in [json!({"color": "nope"}), json!({"name": ""})] {
        s.patch(&format!("/api/v1/orgs/acme/labels/{id}"), &alice, body)
            .await
            .expect(422);
    }
    for bad in ["abc", "0", "-1", "999999"] {
        s.get(&format!("/api/v1/orgs/acme/labels/{bad}"), &alice)
            .await
            .expect(404);
        s.patch(
            &format!("/api/v1/orgs/acme/labels/{bad}"),
            &alice,
            json!({"name": "n"}),
        )
        .await
        .expect(404);
    }
    // A repository label is not the organization's.
    s.post("/api/v1/orgs/acme/repos", &alice, json!({"name": "app"}))
        .await
        .expect(201);
    let repo_label = s
        .post(
            "/api/v1/repos/acme/app/labels",
            &alice,
            json!({"name": "r", "color": "#123456"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_i64()
        .unwrap();
    s.get(&format!("/api/v1/orgs/acme/labels/{repo_label}"), &alice)
        .await
        .expect(404);
    s.delete(&format!("/api/v1/orgs/acme/labels/{repo_label}"), &alice)
        .await
        .expect(404);
    // Nor is an organization label the repository's.
    s.get(&format!("/api/v1/repos/acme/app/labels/{id}"), &alice)
        .await
        .expect(404);
    // Not an organization: 404.
    s.get("/api/v1/orgs/alice/labels", &alice).await.expect(404);
    s.get("/api/v1/orgs/nobody/labels", &alice)
        .await
        .expect(404);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn owners_write_visibility_governs_reading() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let (bob, _) = s.user("bob").await;
    let (carol, _) = s.user("carol").await;
    org(&s, &alice, "acme", "public").await;
    org(&s, &alice, "secret", "private").await;
    let id = label(&s, &alice, "acme", "bug").await;
    let hidden = label(&s, &alice, "secret", "bug").await;
    // bob is a member with write access, not an owner.
    let t = s
        .post(
            "/api/v1/orgs/acme/teams",
            &alice,
            json!({"name": "devs", "permission": "write"}),
        )
        .await
        .expect(201);
    let devs = t.body["id"].as_i64().unwrap();
    s.put(&format!("/api/v1/teams/{devs}/members/bob"), &alice, None)
        .await
        .expect(204);

    let new = json!({"name": "n", "color": "#fff"});
    for auth in [&bob, &carol] {
        s.get("/api/v1/orgs/acme/labels", auth).await.expect(200);
        s.get(&format!("/api/v1/orgs/acme/labels/{id}"), auth)
            .await
            .expect(200);
        let r = s
            .post("/api/v1/orgs/acme/labels", auth, new.clone())
            .await
            .expect(403);
        assert!(!r.message().is_empty());
        s.patch(
            &format!("/api/v1/orgs/acme/labels/{id}"),
            auth,
            json!({"name": "x"}),
        )
        .await
        .expect(403);
        s.delete(&format!("/api/v1/orgs/acme/labels/{id}"), auth)
            .await
            .expect(403);
    }
    // Anonymous callers list a public organization's labels; the rest needs sign-in.
    s.get("/api/v1/orgs/acme/labels", &Auth::None)
        .await
        .expect(200);
    s.get(&format!("/api/v1/orgs/acme/labels/{id}"), &Auth::None)
        .await
        .expect(401);
    s.post("/api/v1/orgs/acme/labels", &Auth::None, new.clone())
        .await
        .expect(401);
    // A private organization is 404 to those outside it.
    for auth in [&Auth::None, &carol] {
        s.get("/api/v1/orgs/secret/labels", auth).await.expect(404);
    }
    s.get(&format!("/api/v1/orgs/secret/labels/{hidden}"), &carol)
        .await
        .expect(404);
    s.post("/api/v1/orgs/secret/labels", &carol, new.clone())
        .await
        .expect(404);
    // The site admin writes.
    s.post("/api/v1/orgs/acme/labels", &s.admin(), new.clone())
        .await
        .expect(201);

    // Scopes: organization.
    let read = Auth::token(&s.token("alice", &["read:organization"]).await);
    let write = Auth::token(&s.token("alice", &["write:organization"]).await);
    let other = Auth::token(&s.token("alice", &["write:repository", "write:issue"]).await);
    s.get("/api/v1/orgs/acme/labels", &read).await.expect(200);
    s.get("/api/v1/orgs/acme/labels", &other).await.expect(403);
    s.post("/api/v1/orgs/acme/labels", &read, new.clone())
        .await
        .expect(403);
    s.post("/api/v1/orgs/acme/labels", &other, new.clone())
        .await
        .expect(403);
    s.post(
        "/api/v1/orgs/acme/labels",
        &write,
        json!({"name": "w", "color": "#fff"}),
    )
    .await
    .expect(201);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn issues_of_the_organizations_repositories_carry_them() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    org(&s, &alice, "acme", "public").await;
    org(&s, &alice, "other", "public").await;
    s.post("/api/v1/orgs/acme/repos", &alice, json!({"name": "app"}))
        .await
        .expect(201);
    s.repo(&alice, "mine", false).await;
    let bug = label(&s, &alice, "acme", "bug").await;
    let theirs = label(&s, &alice, "other", "theirs").await;
    let own = s
        .post(
            "/api/v1/repos/acme/app/labels",
            &alice,
            json!({"name": "local", "color": "#123456"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_i64()
        .unwrap();

    // On create, by id.
    let i = s
        .post(
            "/api/v1/repos/acme/app/issues",
            &alice,
            json!({"title": "t", "labels": [bug, own]}),
        )
        .await
        .expect(201);
    assert_shape("Issue", &i.body);
    let mut got = names(&i.body["labels"]);
    got.sort();
    assert_eq!(got, ["bug", "local"]);
    let org_label = i.body["labels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == bug)
        .unwrap();
    assert!(org_label["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/api/v1/orgs/acme/labels/{bug}")));

    // Replace, remove, add: by id and by name.
    s.put(
        "/api/v1/repos/acme/app/issues/1/labels",
        &alice,
        Some(json!({"labels": [own]})),
    )
    .await
    .expect(200);
    let r = s
        .post(
            "/api/v1/repos/acme/app/issues/1/labels",
            &alice,
            json!({"labels": [bug]}),
        )
        .await
        .expect(200);
    let mut got = names(&r.body);
    got.sort();
    assert_eq!(got, ["bug", "local"]);
    s.delete(
        &format!("/api/v1/repos/acme/app/issues/1/labels/{bug}"),
        &alice,
    )
    .await
    .expect(204);
    let r = s
        .post(
            "/api/v1/repos/acme/app/issues/1/labels",
            &alice,
            json!({"labels": ["bug"]}),
        )
        .await
        .expect(200);
    assert_eq!(r.body.as_array().unwrap().len(), 2);

    // Another organization's label, or an organization label on a user's repository: 422.
    let r = s
        .post(
            "/api/v1/repos/acme/app/issues/1/labels",
            &alice,
            json!({"labels": [theirs]}),
        )
        .await
        .expect(422);
    assert!(r.message().contains(&theirs.to_string()), "{}", r.text);
    s.post(
        "/api/v1/repos/alice/mine/issues",
        &alice,
        json!({"title": "t"}),
    )
    .await
    .expect(201);
    s.post(
        "/api/v1/repos/alice/mine/issues/1/labels",
        &alice,
        json!({"labels": [bug]}),
    )
    .await
    .expect(422);
    s.post(
        "/api/v1/repos/alice/mine/issues",
        &alice,
        json!({"title": "t", "labels": [bug]}),
    )
    .await
    .expect(422);

    // The repository's own list stays its own, as Gitea.
    let l = s
        .get("/api/v1/repos/acme/app/labels", &alice)
        .await
        .expect(200);
    assert_eq!(names(&l.body), ["local"]);
    // Deleting the organization label takes it off the issue.
    s.delete(&format!("/api/v1/orgs/acme/labels/{bug}"), &alice)
        .await
        .expect(204);
    let r = s
        .get("/api/v1/repos/acme/app/issues/1/labels", &alice)
        .await
        .expect(200);
    assert_eq!(names(&r.body), ["local"]);
    s.stop().await;
}
