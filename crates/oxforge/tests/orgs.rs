//! Organizations, teams, members and collaborators through the API (Gitea's and Gogs'
//! paths), with their status codes and error bodies.

mod common;

use common::{Auth, TestServer};
use serde_json::json;

fn logins(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|u| {
            u.get("login")
                .or_else(|| u.get("name"))
                .and_then(|x| x.as_str())
                .unwrap()
                .to_string()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn create_read_edit_delete_organizations() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let (bob, _) = s.user("bob").await;

    let r = s
        .post(
            "/api/v1/orgs",
            &alice,
            json!({"username": "acme", "full_name": "Acme Inc", "description": "tools",
                   "website": "https://acme.example", "location": "Earth", "visibility": "limited"}),
        )
        .await
        .expect(201);
    assert_eq!(r.body["name"], "acme");
    assert_eq!(r.body["username"], "acme");
    assert_eq!(r.body["full_name"], "Acme Inc");
    assert_eq!(r.body["visibility"], "limited");
    assert_eq!(r.body["website"], "https://acme.example");

    // Bad input: taken name, bad visibility, bad website, invalid name, missing name.
    for (body, msg) in [
        (
            json!({"username": "acme"}),
            "user already exists [name: acme]",
        ),
        (
            json!({"username": "alice"}),
            "user already exists [name: alice]",
        ),
        (
            json!({"username": "x1", "visibility": "secret"}),
            "[Visibility]: In",
        ),
        (
            json!({"username": "x2", "website": "not a url"}),
            "[Website]: ValidUrl",
        ),
        (json!({"username": "../etc"}), ""),
        (json!({}), "[UserName]: Required"),
    ] {
        let r = s.post("/api/v1/orgs", &bob, body.clone()).await.expect(422);
        assert!(r.message().contains(msg), "{body}: {}", r.text);
        assert!(r.body["url"].is_string());
    }
    s.get("/api/v1/orgs/x1", &bob).await.expect(404);

    // Gogs' path and the admin path create organizations too.
    s.post("/api/v1/user/orgs", &bob, json!({"username": "bobs"}))
        .await
        .expect(201);
    s.post(
        "/api/v1/admin/users/bob/orgs",
        &alice,
        json!({"username": "nope"}),
    )
    .await
    .expect(403);
    let r = s
        .post(
            "/api/v1/admin/users/bob/orgs",
            &s.admin(),
            json!({"username": "bobs2", "visibility": "private"}),
        )
        .await
        .expect(201);
    assert_eq!(r.body["visibility"], "private");
    s.post(
        "/api/v1/admin/users/bob/orgs",
        &s.admin(),
        json!({"username": "bad", "visibility": "x"}),
    )
    .await
    .expect(422);

    // Who sees what: limited → signed-in users; private → members and admins.
    s.get("/api/v1/orgs/acme", &Auth::None).await.expect(404);
    s.get("/api/v1/orgs/acme", &bob).await.expect(200);
    s.get("/api/v1/orgs/bobs2", &alice).await.expect(404);
    s.get("/api/v1/orgs/bobs2", &bob).await.expect(200);
    s.get("/api/v1/users/bobs2", &alice).await.expect(404);
    s.get("/api/v1/users/bobs2", &bob).await.expect(200);
    // A plain user is not an organization.
    s.get("/api/v1/orgs/alice", &bob).await.expect(404);
    let r = s.get("/api/v1/orgs/bobs", &Auth::None).await.expect(200);
    assert_eq!(r.body["email"], "", "e-mail hidden from anonymous callers");

    // GET /orgs: public for anonymous, + limited signed in, + private for admins.
    let r = s.get("/api/v1/orgs", &Auth::None).await.expect(200);
    assert_eq!(logins(&r.body), ["bobs"]);
    assert_eq!(r.total(), 1);
    let r = s.get("/api/v1/orgs", &alice).await.expect(200);
    assert_eq!(logins(&r.body), ["acme", "bobs"]);
    let r = s.get("/api/v1/orgs?limit=2", &s.admin()).await.expect(200);
    assert_eq!(logins(&r.body), ["acme", "bobs"]);
    assert_eq!(r.total(), 3);
    assert!(r.header("link").unwrap().contains("rel=\"next\""));
    s.get("/api/v1/admin/orgs", &alice).await.expect(403);
    let r = s.get("/api/v1/admin/orgs", &s.admin()).await.expect(200);
    assert_eq!(r.total(), 3);

    // Edit: owners only.
    s.patch("/api/v1/orgs/acme", &bob, json!({"description": "x"}))
        .await
        .expect(403);
    let r = s
        .patch(
            "/api/v1/orgs/acme",
            &alice,
            json!({"description": "new", "visibility": "public"}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["description"], "new");
    assert_eq!(r.body["visibility"], "public");
    s.patch("/api/v1/orgs/acme", &alice, json!({"visibility": "hidden"}))
        .await
        .expect(422);
    s.get("/api/v1/orgs/acme", &Auth::None).await.expect(200);

    // Delete: refused while it owns repositories; nothing is lost.
    s.post("/api/v1/orgs/acme/repos", &alice, json!({"name": "tool"}))
        .await
        .expect(201);
    s.delete("/api/v1/orgs/acme", &bob).await.expect(403);
    let r = s.delete("/api/v1/orgs/acme", &alice).await.expect(422);
    assert!(r.message().contains("still has ownership of repositories"));
    s.get("/api/v1/repos/acme/tool", &alice).await.expect(200);
    s.delete("/api/v1/repos/acme/tool", &alice)
        .await
        .expect(204);
    s.delete("/api/v1/orgs/acme", &alice).await.expect(204);
    s.get("/api/v1/orgs/acme", &alice).await.expect(404);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn memberships_and_their_visibility() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let (bob, _) = s.user("bob").await;
    let (carol, _) = s.user("carol").await;
    s.post("/api/v1/orgs", &alice, json!({"username": "pub"}))
        .await
        .expect(201);
    s.post(
        "/api/v1/orgs",
        &alice,
        json!({"username": "hidden", "visibility": "private"}),
    )
    .await
    .expect(201);

    // /user/orgs and /users/{u}/orgs: own memberships in full; others see public ones.
    s.get("/api/v1/user/orgs", &Auth::None).await.expect(401);
    let r = s.get("/api/v1/user/orgs", &alice).await.expect(200);
    assert_eq!(logins(&r.body), ["hidden", "pub"]);
    assert_eq!(r.total(), 2);
    s.get("/api/v1/users/alice/orgs", &Auth::None)
        .await
        .expect(401);
    let r = s.get("/api/v1/users/alice/orgs", &bob).await.expect(200);
    assert!(logins(&r.body).is_empty(), "memberships start concealed");
    let r = s
        .get("/api/v1/users/alice/orgs", &s.admin())
        .await
        .expect(200);
    assert_eq!(logins(&r.body), ["hidden", "pub"]);

    // Publicize: only the member themself.
    s.put("/api/v1/orgs/pub/public_members/alice", &bob, None)
        .await
        .expect(403);
    s.get("/api/v1/orgs/pub/public_members/alice", &bob)
        .await
        .expect(404);
    s.put("/api/v1/orgs/pub/public_members/alice", &alice, None)
        .await
        .expect(204);
    s.get("/api/v1/orgs/pub/public_members/alice", &bob)
        .await
        .expect(204);
    let r = s.get("/api/v1/users/alice/orgs", &bob).await.expect(200);
    assert_eq!(logins(&r.body), ["pub"]);
    let r = s
        .get("/api/v1/orgs/pub/public_members", &Auth::None)
        .await
        .expect(200);
    assert_eq!(logins(&r.body), ["alice"]);

    // Teams bring members in; the members list shows all to members, public ones to others.
    let t = s
        .post(
            "/api/v1/orgs/pub/teams",
            &alice,
            json!({"name": "devs", "permission": "write"}),
        )
        .await
        .expect(201);
    let devs = t.body["id"].as_i64().unwrap();
    assert_eq!(t.body["permission"], "write");
    assert_eq!(t.body["organization"]["name"], "pub");
    s.put(&format!("/api/v1/teams/{devs}/members/bob"), &alice, None)
        .await
        .expect(204);
    let r = s.get("/api/v1/orgs/pub/members", &bob).await.expect(200);
    assert_eq!(logins(&r.body), ["alice", "bob"]);
    assert_eq!(r.total(), 2);
    let r = s.get("/api/v1/orgs/pub/members", &carol).await.expect(200);
    assert_eq!(logins(&r.body), ["alice"]);
    s.get("/api/v1/orgs/pub/members/bob", &alice)
        .await
        .expect(204);
    s.get("/api/v1/orgs/pub/members/carol", &alice)
        .await
        .expect(404);
    // Outsiders are sent (303) to the public check: bob's membership is concealed,
    // alice's public (the client follows the redirect).
    s.get("/api/v1/orgs/pub/members/bob", &carol)
        .await
        .expect(404);
    s.get("/api/v1/orgs/pub/members/alice", &carol)
        .await
        .expect(204);
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(s.url("/api/v1/orgs/pub/members/bob"))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 303);
    assert!(raw.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("/api/v1/orgs/pub/public_members/bob"));

    // Org permissions of a user.
    let r = s
        .get("/api/v1/users/bob/orgs/pub/permissions", &bob)
        .await
        .expect(200);
    assert_eq!(r.body["is_owner"], false);
    assert_eq!(r.body["can_write"], true);
    assert_eq!(r.body["is_admin"], false);
    let r = s
        .get("/api/v1/users/alice/orgs/pub/permissions", &bob)
        .await
        .expect(200);
    assert_eq!(r.body["is_owner"], true);
    assert_eq!(r.body["can_create_repository"], true);
    s.get("/api/v1/users/bob/orgs/pub/permissions", &Auth::None)
        .await
        .expect(401);
    s.get("/api/v1/users/bob/orgs/nope/permissions", &bob)
        .await
        .expect(404);

    // Removing a member takes them out of every team; the last owner cannot leave.
    s.delete("/api/v1/orgs/pub/members/bob", &bob)
        .await
        .expect(403);
    s.delete("/api/v1/orgs/pub/members/bob", &alice)
        .await
        .expect(204);
    s.get("/api/v1/orgs/pub/members/bob", &alice)
        .await
        .expect(404);
    let r = s
        .get(&format!("/api/v1/teams/{devs}/members"), &alice)
        .await
        .expect(200);
    assert!(logins(&r.body).is_empty());
    let r = s
        .delete("/api/v1/orgs/pub/members/alice", &alice)
        .await
        .expect(422);
    assert!(r.message().contains("last member of owner team"));
    // Nor can the account be deleted while it is the last owner.
    let r = s
        .delete("/api/v1/admin/users/alice", &s.admin())
        .await
        .expect(422);
    assert!(r.message().contains("last member of owner team"));
    s.get("/api/v1/orgs/pub/members/alice", &alice)
        .await
        .expect(204);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn teams_their_members_and_repositories() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let (bob, _) = s.user("bob").await;
    let (carol, _) = s.user("carol").await;
    s.post("/api/v1/orgs", &alice, json!({"username": "acme"}))
        .await
        .expect(201);
    s.post(
        "/api/v1/orgs/acme/repos",
        &alice,
        json!({"name": "app", "private": true}),
    )
    .await
    .expect(201);

    // The Owners team exists, with owner permission on every unit.
    let r = s.get("/api/v1/orgs/acme/teams", &alice).await.expect(200);
    assert_eq!(r.total(), 1);
    let owners = &r.body[0];
    assert_eq!(owners["name"], "Owners");
    assert_eq!(owners["permission"], "owner");
    assert_eq!(owners["includes_all_repositories"], true);
    assert_eq!(owners["units_map"]["repo.code"], "owner");
    assert_eq!(owners["units_map"]["repo.ext_wiki"], "read");
    let owners_id = owners["id"].as_i64().unwrap();

    // Bad team input.
    for (body, status) in [
        (json!({}), 422),
        (json!({"name": "bad name"}), 422),
        (json!({"name": "x", "permission": "owner"}), 422),
        (json!({"name": "x", "units": ["repo.nothing"]}), 422),
        (json!({"name": "owners"}), 422),
    ] {
        s.post("/api/v1/orgs/acme/teams", &alice, body.clone())
            .await
            .expect(status);
    }
    // Only owners create teams; non-members do not see the org's teams.
    s.post("/api/v1/orgs/acme/teams", &bob, json!({"name": "x"}))
        .await
        .expect(403);
    s.get("/api/v1/orgs/acme/teams", &bob).await.expect(403);

    // A team with a units map: code read, issues write.
    let t = s
        .post(
            "/api/v1/orgs/acme/teams",
            &alice,
            json!({"name": "triage", "units_map": {"repo.code": "read", "repo.issues": "write"}}),
        )
        .await
        .expect(201);
    assert_eq!(t.body["permission"], "write");
    assert_eq!(t.body["units"], json!(["repo.code", "repo.issues"]));
    let triage = t.body["id"].as_i64().unwrap();
    s.put(&format!("/api/v1/teams/{triage}/members/bob"), &alice, None)
        .await
        .expect(204);
    // bob is in the team but it has no repositories yet.
    s.get("/api/v1/repos/acme/app", &bob).await.expect(404);
    s.put(
        &format!("/api/v1/teams/{triage}/repos/acme/app"),
        &alice,
        None,
    )
    .await
    .expect(204);
    let r = s.get("/api/v1/repos/acme/app", &bob).await.expect(200);
    assert_eq!(
        r.body["permissions"],
        json!({"admin": false, "push": false, "pull": true})
    );
    let r = s
        .get(&format!("/api/v1/teams/{triage}/repos"), &bob)
        .await
        .expect(200);
    assert_eq!(r.total(), 1);
    s.get(&format!("/api/v1/teams/{triage}/repos/acme/app"), &bob)
        .await
        .expect(200);
    // A team member cannot add repositories they do not administer.
    s.post("/api/v1/orgs/acme/repos", &alice, json!({"name": "lib"}))
        .await
        .expect(201);
    s.put(
        &format!("/api/v1/teams/{triage}/repos/acme/lib"),
        &bob,
        None,
    )
    .await
    .expect(403);
    s.get(&format!("/api/v1/teams/{triage}/repos/acme/lib"), &bob)
        .await
        .expect(404);

    // Team pages: members and owners yes, other members 403, outsiders 404.
    s.get(&format!("/api/v1/teams/{triage}"), &bob)
        .await
        .expect(200);
    s.get(&format!("/api/v1/teams/{owners_id}"), &bob)
        .await
        .expect(403);
    s.get(&format!("/api/v1/teams/{triage}"), &carol)
        .await
        .expect(404);
    s.get("/api/v1/teams/999999", &alice).await.expect(404);
    let r = s
        .get(&format!("/api/v1/teams/{triage}/members/bob"), &alice)
        .await
        .expect(200);
    assert_eq!(r.body["login"], "bob");
    s.get(&format!("/api/v1/teams/{triage}/members/carol"), &alice)
        .await
        .expect(404);

    // Edit: permission upgrade is effective at once.
    let r = s
        .patch(
            &format!("/api/v1/teams/{triage}"),
            &alice,
            json!({"name": "triage", "permission": "write"}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["permission"], "write");
    let r = s.get("/api/v1/repos/acme/app", &bob).await.expect(200);
    assert_eq!(r.body["permissions"]["push"], true);
    s.patch(
        &format!("/api/v1/teams/{triage}"),
        &bob,
        json!({"description": "x"}),
    )
    .await
    .expect(403);
    // The Owners team keeps its powers.
    let r = s
        .patch(
            &format!("/api/v1/teams/{owners_id}"),
            &alice,
            json!({"name": "Owners", "permission": "read", "description": "the bosses"}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["permission"], "owner");
    assert_eq!(r.body["description"], "the bosses");
    s.delete(&format!("/api/v1/teams/{owners_id}"), &alice)
        .await
        .expect(422);
    let r = s
        .delete(&format!("/api/v1/teams/{owners_id}/members/alice"), &alice)
        .await
        .expect(422);
    assert!(r.message().contains("last member of owner team"));

    // Search teams.
    let r = s
        .get("/api/v1/orgs/acme/teams/search?q=tri", &alice)
        .await
        .expect(200);
    assert_eq!(r.body["ok"], true);
    assert_eq!(r.body["data"][0]["name"], "triage");

    // Deleting the team removes the access and bob's membership.
    s.delete(&format!("/api/v1/teams/{triage}"), &alice)
        .await
        .expect(204);
    s.get("/api/v1/repos/acme/app", &bob).await.expect(404);
    s.get("/api/v1/orgs/acme/members/bob", &alice)
        .await
        .expect(404);

    // Gogs' admin paths do the same things.
    let r = s
        .post(
            "/api/v1/admin/orgs/acme/teams",
            &s.admin(),
            json!({"name": "ops", "permission": "read"}),
        )
        .await
        .expect(201);
    let ops = r.body["id"].as_i64().unwrap();
    s.post(
        "/api/v1/admin/orgs/acme/teams",
        &alice,
        json!({"name": "ops2"}),
    )
    .await
    .expect(403);
    s.put(
        &format!("/api/v1/admin/teams/{ops}/members/carol"),
        &s.admin(),
        None,
    )
    .await
    .expect(204);
    let r = s
        .get(&format!("/api/v1/admin/teams/{ops}/members"), &s.admin())
        .await
        .expect(200);
    assert_eq!(logins(&r.body), ["carol"]);
    s.put(
        &format!("/api/v1/admin/teams/{ops}/repos/app"),
        &s.admin(),
        None,
    )
    .await
    .expect(204);
    s.get("/api/v1/repos/acme/app", &carol).await.expect(200);
    s.delete(&format!("/api/v1/admin/teams/{ops}/repos/app"), &s.admin())
        .await
        .expect(204);
    s.get("/api/v1/repos/acme/app", &carol).await.expect(404);
    s.delete(
        &format!("/api/v1/admin/teams/{ops}/members/carol"),
        &s.admin(),
    )
    .await
    .expect(204);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn organization_repositories_and_who_may_create_them() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let (bob, _) = s.user("bob").await;
    let (carol, _) = s.user("carol").await;
    s.post("/api/v1/orgs", &alice, json!({"username": "acme"}))
        .await
        .expect(201);
    let t = s
        .post(
            "/api/v1/orgs/acme/teams",
            &alice,
            json!({"name": "makers", "permission": "read", "can_create_org_repo": true}),
        )
        .await
        .expect(201);
    let makers = t.body["id"].as_i64().unwrap();
    s.put(&format!("/api/v1/teams/{makers}/members/bob"), &alice, None)
        .await
        .expect(204);

    // Owner (Gitea path), team member allowed to create (Gogs path), outsider refused.
    s.post(
        "/api/v1/orgs/acme/repos",
        &alice,
        json!({"name": "one", "private": true}),
    )
    .await
    .expect(201);
    let r = s
        .post(
            "/api/v1/org/acme/repos",
            &bob,
            json!({"name": "two", "private": true}),
        )
        .await
        .expect(201);
    assert_eq!(r.body["owner"]["login"], "acme");
    let r = s
        .post("/api/v1/orgs/acme/repos", &carol, json!({"name": "three"}))
        .await
        .expect(403);
    assert!(r.message().contains("not allowed to create repository"));
    s.post("/api/v1/orgs/nope/repos", &alice, json!({"name": "x"}))
        .await
        .expect(404);
    s.post("/api/v1/orgs/acme/repos", &alice, json!({"name": "one"}))
        .await
        .expect(409);

    // bob reaches what he created (through his team), not the owner's private one.
    s.get("/api/v1/repos/acme/two", &bob).await.expect(200);
    s.get("/api/v1/repos/acme/one", &bob).await.expect(404);
    let r = s.get("/api/v1/orgs/acme/repos", &bob).await.expect(200);
    assert_eq!(r.total(), 1);
    let r = s.get("/api/v1/orgs/acme/repos", &alice).await.expect(200);
    assert_eq!(r.total(), 2);
    let r = s
        .get("/api/v1/orgs/acme/repos", &Auth::None)
        .await
        .expect(200);
    assert_eq!(r.total(), 0);

    // team_id search parameter.
    let r = s
        .get(&format!("/api/v1/repos/search?team_id={makers}"), &alice)
        .await
        .expect(200);
    assert_eq!(r.body["data"][0]["full_name"], "acme/two");
    assert_eq!(r.total(), 1);

    // A token without the repository scope cannot create organization repositories.
    let tok = s.token("alice", &["write:organization"]).await;
    s.post(
        "/api/v1/orgs/acme/repos",
        &Auth::token(&tok),
        json!({"name": "four"}),
    )
    .await
    .expect(403);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn collaborators_api() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let (bob, _) = s.user("bob").await;
    let (carol, _) = s.user("carol").await;
    s.repo(&alice, "proj", true).await;
    let base = "/api/v1/repos/alice/proj/collaborators";

    // Unknown users are 422; non-admins may not add; invalid permission is 422.
    s.put(&format!("{base}/nobody"), &alice, None)
        .await
        .expect(422);
    s.put(&format!("{base}/carol"), &bob, None)
        .await
        .expect(404);
    s.put(
        &format!("{base}/bob"),
        &alice,
        Some(json!({"permission": "owner"})),
    )
    .await
    .expect(422);
    s.get(&format!("{base}/bob"), &alice).await.expect(404);
    // Default permission is write.
    s.put(&format!("{base}/bob"), &alice, Some(json!({})))
        .await
        .expect(204);
    s.get(&format!("{base}/bob"), &alice).await.expect(204);
    s.get(&format!("{base}/nobody"), &alice).await.expect(422);
    let r = s.get(base, &bob).await.expect(200);
    assert_eq!(logins(&r.body), ["bob"]);
    assert_eq!(r.body[0]["permissions"]["push"], true);
    assert_eq!(r.total(), 1);
    s.get(base, &Auth::None).await.expect(401);
    s.get(base, &carol).await.expect(404);

    // A write collaborator cannot add others; an admin collaborator can.
    s.put(
        &format!("{base}/carol"),
        &bob,
        Some(json!({"permission": "read"})),
    )
    .await
    .expect(403);
    s.put(
        &format!("{base}/bob"),
        &alice,
        Some(json!({"permission": "admin"})),
    )
    .await
    .expect(204);
    s.put(
        &format!("{base}/carol"),
        &bob,
        Some(json!({"permission": "read"})),
    )
    .await
    .expect(204);

    // Permission endpoint: self, repo admins and site admins.
    let r = s
        .get(&format!("{base}/carol/permission"), &carol)
        .await
        .expect(200);
    assert_eq!(r.body["permission"], "read");
    assert_eq!(r.body["role_name"], "read");
    assert_eq!(r.body["user"]["login"], "carol");
    let r = s
        .get(&format!("{base}/alice/permission"), &bob)
        .await
        .expect(200);
    assert_eq!(r.body["permission"], "owner");
    let r = s
        .get(&format!("{base}/bob/permission"), &s.admin())
        .await
        .expect(200);
    assert_eq!(r.body["permission"], "admin");
    s.get(&format!("{base}/bob/permission"), &carol)
        .await
        .expect(403);
    s.get(&format!("{base}/nobody/permission"), &alice)
        .await
        .expect(404);

    // Remove: idempotent, effective at once.
    s.delete(&format!("{base}/carol"), &alice).await.expect(204);
    s.delete(&format!("{base}/carol"), &alice).await.expect(204);
    s.get("/api/v1/repos/alice/proj", &carol).await.expect(404);
    s.delete(&format!("{base}/nobody"), &alice)
        .await
        .expect(422);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn organization_scopes_are_enforced() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    s.post("/api/v1/orgs", &alice, json!({"username": "acme"}))
        .await
        .expect(201);
    let repo_only = Auth::token(&s.token("alice", &["write:repository", "write:user"]).await);
    let r = s.get("/api/v1/orgs/acme", &repo_only).await.expect(403);
    assert!(r.message().contains("read:organization"));
    s.post("/api/v1/orgs", &repo_only, json!({"username": "x"}))
        .await
        .expect(403);
    let read_org = Auth::token(&s.token("alice", &["read:organization", "read:user"]).await);
    s.get("/api/v1/orgs/acme", &read_org).await.expect(200);
    s.get("/api/v1/user/orgs", &read_org).await.expect(200);
    s.patch("/api/v1/orgs/acme", &read_org, json!({"description": "x"}))
        .await
        .expect(403);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn teams_are_as_visible_as_their_organization_to_public_only_tokens() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let public_only = Auth::token(
        &s.token("alice", &["public-only", "read:organization"])
            .await,
    );
    for (org, visibility) in [("hidden", "private"), ("open", "public")] {
        s.post(
            "/api/v1/orgs",
            &alice,
            json!({"username": org, "visibility": visibility}),
        )
        .await
        .expect(201);
        let r = s
            .post(
                &format!("/api/v1/orgs/{org}/teams"),
                &alice,
                json!({"name": "devs"}),
            )
            .await
            .expect(201);
        let id = r.body["id"].as_i64().unwrap();
        let (team, members) = (
            format!("/api/v1/teams/{id}"),
            format!("/api/v1/teams/{id}/members"),
        );
        // The owner's full token reaches both.
        s.get(&team, &alice).await.expect(200);
        s.get(&members, &alice).await.expect(200);
        // The public-only token: what `/orgs/{org}` answers, the team answers too.
        let org_status = s
            .get(&format!("/api/v1/orgs/{org}"), &public_only)
            .await
            .status;
        let expected = if visibility == "public" { 200 } else { 404 };
        assert_eq!(org_status, expected, "{org}");
        s.get(&team, &public_only).await.expect(expected);
        s.get(&members, &public_only).await.expect(expected);
    }
    s.stop().await;
}
