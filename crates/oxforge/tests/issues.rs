//! The issue tracker over HTTP: issues, comments, labels, milestones, search, permissions
//! and bad input, on SQLite and PostgreSQL.

mod common;

use common::shapes::assert_shape;
use common::{Auth, TestServer};
use serde_json::{json, Value};

fn numbers(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_i64().unwrap())
        .collect()
}

async fn issue(s: &TestServer, auth: &Auth, repo: &str, body: Value) -> Value {
    s.post(&format!("/api/v1/repos/{repo}/issues"), auth, body)
        .await
        .expect(201)
        .body
}

#[tokio::test(flavor = "multi_thread")]
async fn issues_are_numbered_listed_closed_and_reopened() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    s.repo(&alice, "proj", false).await;
    let first = issue(
        &s,
        &alice,
        "alice/proj",
        json!({"title": "First", "body": "It **breaks**"}),
    )
    .await;
    assert_shape("Issue", &first);
    assert_eq!(first["number"], 1);
    assert_eq!(first["state"], "open");
    assert_eq!(first["user"]["login"], "alice");
    assert_eq!(first["closed_at"], Value::Null);
    assert_eq!(first["assignees"], Value::Null);
    assert_eq!(first["pull_request"], Value::Null);
    assert_eq!(first["repository"]["full_name"], "alice/proj");
    assert!(first["url"]
        .as_str()
        .unwrap()
        .ends_with("/api/v1/repos/alice/proj/issues/1"));
    assert!(first["html_url"]
        .as_str()
        .unwrap()
        .ends_with("/alice/proj/issues/1"));
    for n in 2..=3 {
        let i = issue(
            &s,
            &alice,
            "alice/proj",
            json!({"title": format!("Issue {n}")}),
        )
        .await;
        assert_eq!(i["number"], n);
    }
    let repo = s.get("/api/v1/repos/alice/proj", &alice).await.expect(200);
    assert_eq!(repo.body["open_issues_count"], 3);

    let got = s
        .get("/api/v1/repos/alice/proj/issues/1", &Auth::None)
        .await
        .expect(200);
    assert_eq!(got.body["body"], "It **breaks**");
    s.get("/api/v1/repos/alice/proj/issues/99", &alice)
        .await
        .expect(404);
    s.get("/api/v1/repos/alice/proj/issues/abc", &alice)
        .await
        .expect(404);

    // Close #2 (Gitea answers an edit with 201), then the lists by state.
    let closed = s
        .patch(
            "/api/v1/repos/alice/proj/issues/2",
            &alice,
            json!({"state": "closed"}),
        )
        .await
        .expect(201);
    assert_eq!(closed.body["state"], "closed");
    assert!(closed.body["closed_at"].is_string());
    let open = s
        .get("/api/v1/repos/alice/proj/issues", &alice)
        .await
        .expect(200);
    assert_eq!(numbers(&open.body), vec![3, 1]);
    assert_eq!(open.total(), 2);
    let closed = s
        .get("/api/v1/repos/alice/proj/issues?state=closed", &alice)
        .await
        .expect(200);
    assert_eq!(numbers(&closed.body), vec![2]);
    let all = s
        .get("/api/v1/repos/alice/proj/issues?state=all&limit=2", &alice)
        .await
        .expect(200);
    assert_eq!(numbers(&all.body), vec![3, 2]);
    assert_eq!(all.total(), 3);
    assert!(all.header("link").unwrap().contains("rel=\"next\""));
    let repo = s.get("/api/v1/repos/alice/proj", &alice).await.expect(200);
    assert_eq!(repo.body["open_issues_count"], 2);

    // Reopen; a state that is neither is refused and changes nothing.
    s.patch(
        "/api/v1/repos/alice/proj/issues/2",
        &alice,
        json!({"state": "open"}),
    )
    .await
    .expect(201);
    let bad = s
        .patch(
            "/api/v1/repos/alice/proj/issues/2",
            &alice,
            json!({"state": "shut", "title": "Changed"}),
        )
        .await
        .expect(412);
    assert_eq!(bad.message(), "unknown state: shut");
    let two = s
        .get("/api/v1/repos/alice/proj/issues/2", &alice)
        .await
        .expect(200);
    assert_eq!(two.body["title"], "Issue 2");
    assert_eq!(two.body["state"], "open");
    let repo = s.get("/api/v1/repos/alice/proj", &alice).await.expect(200);
    assert_eq!(repo.body["open_issues_count"], 3);

    // Numbers are never reused, even after a deletion; created closed is closed.
    s.delete("/api/v1/repos/alice/proj/issues/3", &alice)
        .await
        .expect(204);
    let next = issue(
        &s,
        &alice,
        "alice/proj",
        json!({"title": "After", "closed": true}),
    )
    .await;
    assert_eq!(next["number"], 4);
    assert_eq!(next["state"], "closed");
    let repo = s.get("/api/v1/repos/alice/proj", &alice).await.expect(200);
    assert_eq!(repo.body["open_issues_count"], 2);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_creation_gives_distinct_numbers() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    s.repo(&alice, "busy", false).await;
    let mut tasks = Vec::new();
    for i in 0..16 {
        let (client, url, auth) = (
            s.client.clone(),
            s.url("/api/v1/repos/alice/busy/issues"),
            alice.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let Auth::Token(t) = auth else { unreachable!() };
            let r = client
                .post(url)
                .header("Authorization", format!("token {t}"))
                .json(&json!({"title": format!("t{i}")}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
            r.json::<Value>().await.unwrap()["number"].as_i64().unwrap()
        }));
    }
    let mut got = Vec::new();
    for t in tasks {
        got.push(t.await.unwrap());
    }
    got.sort_unstable();
    assert_eq!(got, (1..=16).collect::<Vec<i64>>());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn labels_milestones_and_filters() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let (bob, _) = s.user("bob").await;
    s.repo(&alice, "proj", false).await;
    let bug = s
        .post(
            "/api/v1/repos/alice/proj/labels",
            &alice,
            json!({"name": "bug", "color": "#FF0000"}),
        )
        .await
        .expect(201);
    assert_shape("Label", &bug.body);
    assert_eq!(bug.body["color"], "ff0000");
    let bug = bug.body["id"].as_i64().unwrap();
    let ui = s
        .post(
            "/api/v1/repos/alice/proj/labels",
            &alice,
            json!({"name": "ui", "color": "0f0"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_i64()
        .unwrap();
    s.post(
        "/api/v1/repos/alice/proj/labels",
        &alice,
        json!({"name": "x", "color": "red"}),
    )
    .await
    .expect(422);
    s.post(
        "/api/v1/repos/alice/proj/labels",
        &alice,
        json!({"color": "#000000"}),
    )
    .await
    .expect(422);
    // Only issue writers make labels and milestones.
    s.post(
        "/api/v1/repos/alice/proj/labels",
        &bob,
        json!({"name": "b", "color": "#000000"}),
    )
    .await
    .expect(403);
    let m = s
        .post(
            "/api/v1/repos/alice/proj/milestones",
            &alice,
            json!({"title": "v1", "due_on": "2030-01-02T03:04:05Z"}),
        )
        .await
        .expect(201);
    assert_shape("Milestone", &m.body);
    assert_eq!(m.body["due_on"], "2030-01-02T03:04:05Z");
    let mid = m.body["id"].as_i64().unwrap();
    s.post(
        "/api/v1/repos/alice/proj/milestones",
        &bob,
        json!({"title": "no"}),
    )
    .await
    .expect(403);

    let one = issue(
        &s,
        &alice,
        "alice/proj",
        json!({"title": "Crash", "labels": [bug], "milestone": mid, "assignees": ["alice"]}),
    )
    .await;
    assert_eq!(one["labels"][0]["name"], "bug");
    assert_eq!(one["milestone"]["title"], "v1");
    assert_eq!(one["assignee"]["login"], "alice");
    assert_eq!(one["assignees"][0]["login"], "alice");
    let two = issue(
        &s,
        &alice,
        "alice/proj",
        json!({"title": "Ugly", "labels": [ui]}),
    )
    .await;
    assert_eq!(two["number"], 2);
    issue(&s, &alice, "alice/proj", json!({"title": "Plain"})).await;
    // A reader's labels, milestone and assignees are dropped, as Gitea does.
    let bobs = issue(
        &s,
        &bob,
        "alice/proj",
        json!({"title": "By bob", "labels": [bug], "milestone": mid}),
    )
    .await;
    assert_eq!(bobs["labels"], json!([]));
    assert_eq!(bobs["milestone"], Value::Null);

    let by_label = s
        .get("/api/v1/repos/alice/proj/issues?labels=bug", &alice)
        .await
        .expect(200);
    assert_eq!(numbers(&by_label.body), vec![1]);
    let any = s
        .get(
            "/api/v1/repos/alice/proj/issues?labels=bug,UI,nosuch",
            &alice,
        )
        .await
        .expect(200);
    assert_eq!(numbers(&any.body), vec![2, 1]);
    assert_eq!(any.total(), 2);
    let by_ms = s
        .get("/api/v1/repos/alice/proj/issues?milestones=v1", &alice)
        .await
        .expect(200);
    assert_eq!(numbers(&by_ms.body), vec![1]);
    let by_ms = s
        .get(
            &format!("/api/v1/repos/alice/proj/issues?milestones={mid}"),
            &alice,
        )
        .await
        .expect(200);
    assert_eq!(numbers(&by_ms.body), vec![1]);
    let by_poster = s
        .get("/api/v1/repos/alice/proj/issues?created_by=bob", &alice)
        .await
        .expect(200);
    assert_eq!(numbers(&by_poster.body), vec![4]);
    let assigned = s
        .get("/api/v1/repos/alice/proj/issues?assigned_by=alice", &alice)
        .await
        .expect(200);
    assert_eq!(numbers(&assigned.body), vec![1]);
    s.get("/api/v1/repos/alice/proj/issues?created_by=nobody", &alice)
        .await
        .expect(404);
    let q = s
        .get("/api/v1/repos/alice/proj/issues?q=UGL", &alice)
        .await
        .expect(200);
    assert_eq!(numbers(&q.body), vec![2]);
    // Labels with another filter take the general path; the same answers.
    let q = s
        .get("/api/v1/repos/alice/proj/issues?q=u&labels=bug,ui", &alice)
        .await
        .expect(200);
    assert_eq!(numbers(&q.body), vec![2]);
    let q = s
        .get(
            "/api/v1/repos/alice/proj/issues?labels=bug&created_by=alice&state=all",
            &alice,
        )
        .await
        .expect(200);
    assert_eq!(numbers(&q.body), vec![1]);
    let pulls = s
        .get("/api/v1/repos/alice/proj/issues?type=pulls", &alice)
        .await
        .expect(200);
    assert_eq!(pulls.total(), 0);
    s.get("/api/v1/repos/alice/proj/issues?since=yesterday", &alice)
        .await
        .expect(422);

    // Closing the labelled issue moves it between the state-and-label lists.
    s.patch(
        "/api/v1/repos/alice/proj/issues/1",
        &alice,
        json!({"state": "closed"}),
    )
    .await
    .expect(201);
    let open_bugs = s
        .get("/api/v1/repos/alice/proj/issues?labels=bug", &alice)
        .await
        .expect(200);
    assert_eq!(open_bugs.total(), 0);
    let closed_bugs = s
        .get(
            "/api/v1/repos/alice/proj/issues?labels=bug&state=closed",
            &alice,
        )
        .await
        .expect(200);
    assert_eq!(numbers(&closed_bugs.body), vec![1]);
    let m = s
        .get(
            &format!("/api/v1/repos/alice/proj/milestones/{mid}"),
            &alice,
        )
        .await
        .expect(200);
    assert_eq!(
        (
            m.body["open_issues"].as_i64(),
            m.body["closed_issues"].as_i64()
        ),
        (Some(0), Some(1))
    );
    let m = s
        .get("/api/v1/repos/alice/proj/milestones/v1", &alice)
        .await
        .expect(200);
    assert_eq!(m.body["id"], mid);

    // An issue's labels: add, replace (by name too), remove, clear.
    let labels = s
        .post(
            "/api/v1/repos/alice/proj/issues/2/labels",
            &alice,
            json!({"labels": [bug]}),
        )
        .await
        .expect(200);
    assert_eq!(labels.body.as_array().unwrap().len(), 2);
    let labels = s
        .put(
            "/api/v1/repos/alice/proj/issues/2/labels",
            &alice,
            Some(json!({"labels": ["bug"]})),
        )
        .await
        .expect(200);
    assert_eq!(labels.body[0]["id"], bug);
    assert_eq!(labels.body.as_array().unwrap().len(), 1);
    s.post(
        "/api/v1/repos/alice/proj/issues/2/labels",
        &alice,
        json!({"labels": [9999]}),
    )
    .await
    .expect(422);
    s.post(
        "/api/v1/repos/alice/proj/issues/2/labels",
        &bob,
        json!({"labels": [ui]}),
    )
    .await
    .expect(403);
    s.delete(
        &format!("/api/v1/repos/alice/proj/issues/2/labels/{bug}"),
        &alice,
    )
    .await
    .expect(204);
    let now = s
        .get("/api/v1/repos/alice/proj/issues/2/labels", &alice)
        .await
        .expect(200);
    assert_eq!(now.body, json!([]));
    s.post(
        "/api/v1/repos/alice/proj/issues/2/labels",
        &alice,
        json!({"labels": [ui, bug]}),
    )
    .await
    .expect(200);
    s.delete("/api/v1/repos/alice/proj/issues/2/labels", &alice)
        .await
        .expect(204);
    let now = s
        .get("/api/v1/repos/alice/proj/issues/2/labels", &alice)
        .await
        .expect(200);
    assert_eq!(now.body, json!([]));

    // Label and milestone edits and deletions.
    let l = s
        .patch(
            &format!("/api/v1/repos/alice/proj/labels/{ui}"),
            &alice,
            json!({"name": "frontend", "is_archived": true}),
        )
        .await
        .expect(200);
    assert_eq!(l.body["name"], "frontend");
    assert_eq!(l.body["is_archived"], true);
    let list = s
        .get("/api/v1/repos/alice/proj/labels", &alice)
        .await
        .expect(200);
    assert_eq!(list.total(), 2);
    s.delete(&format!("/api/v1/repos/alice/proj/labels/{ui}"), &alice)
        .await
        .expect(204);
    s.get(&format!("/api/v1/repos/alice/proj/labels/{ui}"), &alice)
        .await
        .expect(404);
    let m = s
        .patch(
            &format!("/api/v1/repos/alice/proj/milestones/{mid}"),
            &alice,
            json!({"state": "closed"}),
        )
        .await
        .expect(200);
    assert_eq!(m.body["state"], "closed");
    let open_ms = s
        .get("/api/v1/repos/alice/proj/milestones?state=open", &alice)
        .await
        .expect(200);
    assert_eq!(open_ms.total(), 0);
    s.delete(
        &format!("/api/v1/repos/alice/proj/milestones/{mid}"),
        &alice,
    )
    .await
    .expect(204);
    let one = s
        .get("/api/v1/repos/alice/proj/issues/1", &alice)
        .await
        .expect(200);
    assert_eq!(one.body["milestone"], Value::Null);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn comments_are_added_edited_listed_and_deleted() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let (bob, _) = s.user("bob").await;
    let (carl, _) = s.user("carl").await;
    s.repo(&alice, "proj", false).await;
    issue(&s, &alice, "alice/proj", json!({"title": "Talk"})).await;
    issue(&s, &alice, "alice/proj", json!({"title": "Other"})).await;
    // Stored verbatim: what was sent comes back, HTML and all.
    let raw = "<script>alert(1)</script> & **bold** @carl";
    let c = s
        .post(
            "/api/v1/repos/alice/proj/issues/1/comments",
            &bob,
            json!({"body": raw}),
        )
        .await
        .expect(201);
    assert_shape("Comment", &c.body);
    assert_eq!(c.body["body"], raw);
    assert_eq!(c.body["user"]["login"], "bob");
    let id = c.body["id"].as_i64().unwrap();
    assert!(c.body["html_url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/alice/proj/issues/1#issuecomment-{id}")));
    s.post(
        "/api/v1/repos/alice/proj/issues/2/comments",
        &alice,
        json!({"body": "elsewhere"}),
    )
    .await
    .expect(201);
    s.post(
        "/api/v1/repos/alice/proj/issues/1/comments",
        &bob,
        json!({"body": "  "}),
    )
    .await
    .expect(422);
    s.post(
        "/api/v1/repos/alice/proj/issues/9/comments",
        &bob,
        json!({"body": "x"}),
    )
    .await
    .expect(404);

    let one = s
        .get("/api/v1/repos/alice/proj/issues/1", &alice)
        .await
        .expect(200);
    assert_eq!(one.body["comments"], 1);
    let list = s
        .get("/api/v1/repos/alice/proj/issues/1/comments", &Auth::None)
        .await
        .expect(200);
    assert_eq!(list.total(), 1);
    assert_eq!(list.body[0]["body"], raw);
    let all = s
        .get("/api/v1/repos/alice/proj/issues/comments", &alice)
        .await
        .expect(200);
    assert_eq!(all.total(), 2);
    // Mentions are recorded for `mentioned_by`.
    let mentioned = s
        .get("/api/v1/repos/alice/proj/issues?mentioned_by=carl", &alice)
        .await
        .expect(200);
    assert_eq!(numbers(&mentioned.body), vec![1]);

    // Only the poster or a writer edits or deletes.
    s.patch(
        &format!("/api/v1/repos/alice/proj/issues/comments/{id}"),
        &carl,
        json!({"body": "hijack"}),
    )
    .await
    .expect(403);
    s.delete(
        &format!("/api/v1/repos/alice/proj/issues/comments/{id}"),
        &carl,
    )
    .await
    .expect(403);
    let edited = s
        .patch(
            &format!("/api/v1/repos/alice/proj/issues/comments/{id}"),
            &bob,
            json!({"body": "better"}),
        )
        .await
        .expect(200);
    assert_eq!(edited.body["body"], "better");
    // Gogs' path for the same comment.
    s.patch(
        &format!("/api/v1/repos/alice/proj/issues/1/comments/{id}"),
        &alice,
        json!({"body": "by owner"}),
    )
    .await
    .expect(200);
    let got = s
        .get(
            &format!("/api/v1/repos/alice/proj/issues/comments/{id}"),
            &alice,
        )
        .await
        .expect(200);
    assert_eq!(got.body["body"], "by owner");
    s.delete(
        &format!("/api/v1/repos/alice/proj/issues/comments/{id}"),
        &bob,
    )
    .await
    .expect(204);
    s.get(
        &format!("/api/v1/repos/alice/proj/issues/comments/{id}"),
        &alice,
    )
    .await
    .expect(404);
    let one = s
        .get("/api/v1/repos/alice/proj/issues/1", &alice)
        .await
        .expect(200);
    assert_eq!(one.body["comments"], 0);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn who_may_read_open_and_edit() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let (bob, _) = s.user("bob").await;
    let (eve, _) = s.user("eve").await;
    s.repo(&alice, "secret", true).await;
    s.put(
        "/api/v1/repos/alice/secret/collaborators/bob",
        &alice,
        Some(json!({"permission": "read"})),
    )
    .await
    .expect(204);
    let mine = issue(&s, &alice, "alice/secret", json!({"title": "Alice's"})).await;
    assert_eq!(mine["number"], 1);

    // Outsiders and anonymous callers see nothing, and cannot comment: 404 everywhere.
    for who in [&eve, &Auth::None] {
        s.get("/api/v1/repos/alice/secret/issues", who)
            .await
            .expect(404);
        s.get("/api/v1/repos/alice/secret/issues/1", who)
            .await
            .expect(404);
        s.get("/api/v1/repos/alice/secret/issues/1/comments", who)
            .await
            .expect(404);
        s.get("/api/v1/repos/alice/secret/labels", who)
            .await
            .expect(404);
    }
    s.post(
        "/api/v1/repos/alice/secret/issues/1/comments",
        &eve,
        json!({"body": "hi"}),
    )
    .await
    .expect(404);
    s.post(
        "/api/v1/repos/alice/secret/issues",
        &eve,
        json!({"title": "x"}),
    )
    .await
    .expect(404);
    s.post(
        "/api/v1/repos/alice/secret/issues",
        &Auth::None,
        json!({"title": "x"}),
    )
    .await
    .expect(401);
    let found = s
        .get("/api/v1/repos/issues/search?state=all", &eve)
        .await
        .expect(200);
    assert_eq!(found.total(), 0);
    assert_eq!(found.body, json!([]));

    // A reader opens issues and comments, edits their own, not others'.
    let bobs = issue(&s, &bob, "alice/secret", json!({"title": "Bob's"})).await;
    assert_eq!(bobs["number"], 2);
    s.post(
        "/api/v1/repos/alice/secret/issues/1/comments",
        &bob,
        json!({"body": "me too"}),
    )
    .await
    .expect(201);
    s.patch(
        "/api/v1/repos/alice/secret/issues/1",
        &bob,
        json!({"title": "Bob was here"}),
    )
    .await
    .expect(403);
    s.patch(
        "/api/v1/repos/alice/secret/issues/2",
        &bob,
        json!({"title": "Bob's, clearer", "state": "closed"}),
    )
    .await
    .expect(201);
    // The owner (a writer) edits anyone's; only admins delete.
    s.patch(
        "/api/v1/repos/alice/secret/issues/2",
        &alice,
        json!({"state": "open"}),
    )
    .await
    .expect(201);
    s.delete("/api/v1/repos/alice/secret/issues/2", &bob)
        .await
        .expect(403);
    let found = s.get("/api/v1/repos/issues/search", &bob).await.expect(200);
    assert_eq!(numbers(&found.body), vec![2, 1]);
    assert_eq!(found.total(), 2);
    let created = s
        .get("/api/v1/repos/issues/search?created=true", &bob)
        .await
        .expect(200);
    assert_eq!(numbers(&created.body), vec![2]);

    // Assignees must be able to write.
    s.patch(
        "/api/v1/repos/alice/secret/issues/1",
        &alice,
        json!({"assignees": ["bob"]}),
    )
    .await
    .expect(422);
    s.patch(
        "/api/v1/repos/alice/secret/issues/1",
        &alice,
        json!({"assignees": ["ghost"]}),
    )
    .await
    .expect(422);

    // Token scopes: `read:issue` reads but does not write; a token without the issue
    // category does neither.
    let read_only = Auth::token(&s.token("bob", &["read:issue", "read:repository"]).await);
    s.get("/api/v1/repos/alice/secret/issues/1", &read_only)
        .await
        .expect(200);
    s.post(
        "/api/v1/repos/alice/secret/issues/1/comments",
        &read_only,
        json!({"body": "x"}),
    )
    .await
    .expect(403);
    let repo_only = Auth::token(&s.token("bob", &["write:repository"]).await);
    s.get("/api/v1/repos/alice/secret/issues/1", &repo_only)
        .await
        .expect(403);
    let writer = Auth::token(&s.token("bob", &["write:issue"]).await);
    s.post(
        "/api/v1/repos/alice/secret/issues/1/comments",
        &writer,
        json!({"body": "ok"}),
    )
    .await
    .expect(201);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_changes_nothing() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    s.repo(&alice, "proj", false).await;
    let l = s
        .post(
            "/api/v1/repos/alice/proj/labels",
            &alice,
            json!({"name": "bug", "color": "#ff0000"}),
        )
        .await
        .expect(201);
    let bug = l.body["id"].as_i64().unwrap();
    // Another repository's label is as unknown as a made-up one.
    s.repo(&alice, "other", false).await;
    let foreign = s
        .post(
            "/api/v1/repos/alice/other/labels",
            &alice,
            json!({"name": "x", "color": "#000000"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_i64()
        .unwrap();
    let cases = [
        (json!({"title": ""}), 422),
        (json!({"title": "   "}), 422),
        (json!({"body": "no title"}), 422),
        (json!({"title": "x".repeat(256)}), 422),
        (json!({"title": "t", "labels": [bug, 4242]}), 422),
        (json!({"title": "t", "labels": [foreign]}), 422),
        (json!({"title": "t", "milestone": 77}), 422),
        (json!({"title": "t", "assignees": ["nobody"]}), 422),
        (json!({"title": "t", "due_date": "soon"}), 422),
        (json!({"title": "t", "body": "x".repeat(2 << 20)}), 413),
    ];
    for (body, status) in cases {
        s.post("/api/v1/repos/alice/proj/issues", &alice, body.clone())
            .await
            .expect(status);
    }
    let list = s
        .get("/api/v1/repos/alice/proj/issues?state=all", &alice)
        .await
        .expect(200);
    assert_eq!(list.total(), 0, "a refused issue left something behind");
    // And the next good one is still number 1.
    let one = issue(&s, &alice, "alice/proj", json!({"title": "ok"})).await;
    assert_eq!(one["number"], 1);
    s.post(
        "/api/v1/repos/alice/proj/issues/1/comments",
        &alice,
        json!({"body": "y".repeat(2 << 20)}),
    )
    .await
    .expect(413);
    s.patch(
        "/api/v1/repos/alice/proj/issues/1",
        &alice,
        json!({"milestone": 5}),
    )
    .await
    .expect(422);
    let one = s
        .get("/api/v1/repos/alice/proj/issues/1", &alice)
        .await
        .expect(200);
    assert_eq!(one.body["comments"], 0);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_posters_issues_show_the_ghost() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let (bob, _) = s.user("bob").await;
    s.repo(&alice, "proj", false).await;
    issue(&s, &bob, "alice/proj", json!({"title": "From bob"})).await;
    s.post(
        "/api/v1/repos/alice/proj/issues/1/comments",
        &bob,
        json!({"body": "bye"}),
    )
    .await
    .expect(201);
    s.delete("/api/v1/admin/users/bob", &s.admin())
        .await
        .expect(204);
    let one = s
        .get("/api/v1/repos/alice/proj/issues/1", &alice)
        .await
        .expect(200);
    assert_eq!(one.body["user"]["id"], -1);
    assert_eq!(one.body["user"]["login"], "Ghost");
    let c = s
        .get("/api/v1/repos/alice/proj/issues/1/comments", &alice)
        .await
        .expect(200);
    assert_eq!(c.body[0]["user"]["login"], "Ghost");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_text_limit_is_configurable() {
    let s = TestServer::start_with(&[("repository.issue", "MAX_BODY_BYTES", "64")]).await;
    let (bob, _) = s.user("bob").await;
    s.post("/api/v1/user/repos", &bob, json!({"name": "r"}))
        .await
        .expect(201);
    let url = "/api/v1/repos/bob/r/issues";
    let fits = "x".repeat(64);
    let r = s
        .post(url, &bob, json!({"title": "fits", "body": fits}))
        .await
        .expect(201);
    let n = r.body["number"].as_i64().unwrap();
    let over = "x".repeat(65);
    s.post(url, &bob, json!({"title": "over", "body": over}))
        .await
        .expect(413);
    s.post(&format!("{url}/{n}/comments"), &bob, json!({"body": over}))
        .await
        .expect(413);
    s.post(&format!("{url}/{n}/comments"), &bob, json!({"body": fits}))
        .await
        .expect(201);
    let r = s.get(&format!("{url}?state=all"), &bob).await.expect(200);
    assert_eq!(r.body.as_array().map(Vec::len), Some(1));
    s.stop().await;
}
