//! Repositories: create, read, edit, delete, list, search, privacy and pagination.

mod common;

use common::shapes::assert_shape;
use common::{Auth, TestServer};
use serde_json::{json, Value};

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r["full_name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn create_get_edit_delete() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    let r = s
        .post(
            "/api/v1/user/repos",
            &foo,
            json!({"name": "nocode", "description": "a repo", "auto_init": true, "default_branch": "master"}),
        )
        .await
        .expect(201);
    assert_shape("Repository", &r.body);
    let b = &r.body;
    assert_eq!(b["full_name"], "foo/nocode");
    assert_eq!(b["owner"]["username"], "foo");
    assert_eq!(b["owner"]["login"], "foo");
    assert_eq!(b["parent"], Value::Null);
    assert_eq!(b["empty"], false);
    assert_eq!(b["default_branch"], "master");
    assert_eq!(b["watchers_count"], 1);
    assert_eq!(
        b["permissions"],
        json!({"admin": true, "push": true, "pull": true})
    );
    assert_eq!(b["html_url"], format!("{}/foo/nocode", s.base));
    assert_eq!(b["clone_url"], format!("{}/foo/nocode.git", s.base));
    assert_eq!(b["ssh_url"], "git@localhost:foo/nocode.git");
    assert_eq!(b["url"], format!("{}/api/v1/repos/foo/nocode", s.base));
    assert!(b["size"].as_i64().unwrap() > 0);

    // A real bare repository with the README commit on the chosen branch.
    let dir = s.repo_dir("foo", "nocode");
    let out = std::process::Command::new("git")
        .args([
            "--git-dir",
            dir.to_str().unwrap(),
            "show",
            "master:README.md",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("a repo"));

    let r = s
        .get("/api/v1/repos/FOO/NoCode", &Auth::None)
        .await
        .expect(200);
    assert_eq!(
        r.body["permissions"],
        json!({"admin": false, "push": false, "pull": true})
    );
    assert_shape("Repository", &r.body);
    let id = r.body["id"].as_i64().unwrap();
    s.get(&format!("/api/v1/repositories/{id}"), &foo)
        .await
        .expect(200);
    s.get(&format!("/api/v1/repositories/{id}"), &Auth::None)
        .await
        .expect(401);
    s.get("/api/v1/repositories/99999", &foo).await.expect(404);

    let r = s
        .patch(
            "/api/v1/repos/foo/nocode",
            &foo,
            json!({"description": "changed", "website": "https://x.example", "private": true, "has_wiki": false}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["description"], "changed");
    assert_eq!(r.body["private"], true);
    assert_eq!(r.body["has_wiki"], false);
    s.get("/api/v1/repos/foo/nocode", &Auth::None)
        .await
        .expect(404);

    // Rename moves the directory.
    let r = s
        .patch("/api/v1/repos/foo/nocode", &foo, json!({"name": "renamed"}))
        .await
        .expect(200);
    assert_eq!(r.body["full_name"], "foo/renamed");
    assert!(!dir.exists());
    assert!(s.repo_dir("foo", "renamed").exists());

    s.delete("/api/v1/repos/foo/renamed", &foo)
        .await
        .expect(204);
    assert!(!s.repo_dir("foo", "renamed").exists());
    s.get("/api/v1/repos/foo/renamed", &foo).await.expect(404);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn empty_repo_and_admin_create_for_user() {
    let s = TestServer::start().await;
    s.user("foo").await;
    let r = s
        .post(
            "/api/v1/admin/users/foo/repos",
            &s.admin(),
            json!({"name": "by-admin", "private": true}),
        )
        .await
        .expect(201);
    assert_eq!(r.body["owner"]["login"], "foo");
    assert_eq!(r.body["empty"], true);
    assert_eq!(r.body["default_branch"], "main");
    let head = std::fs::read_to_string(s.repo_dir("foo", "by-admin").join("HEAD")).unwrap();
    assert_eq!(head.trim(), "ref: refs/heads/main");
    s.post(
        "/api/v1/admin/users/nobody/repos",
        &s.admin(),
        json!({"name": "x"}),
    )
    .await
    .expect(404);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_repo_input() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    s.repo(&foo, "taken", false).await;
    let long = "x".repeat(101);
    for (name, status) in [
        ("..", 422),
        (".", 422),
        ("a/b", 422),
        ("../../etc", 422),
        ("x.git", 422),
        ("x.wiki", 422),
        ("a..b", 422),
        ("with space", 422),
        ("%2e%2e", 422),
        (long.as_str(), 422),
        ("", 422),
        ("taken", 409),
        ("TAKEN", 409),
    ] {
        let r = s
            .post("/api/v1/user/repos", &foo, json!({"name": name}))
            .await;
        assert_eq!(r.status, status, "{name:?}: {}", r.text);
        assert!(!r.message().is_empty());
    }
    let r = s
        .post("/api/v1/user/repos", &foo, json!({"name": "taken"}))
        .await;
    assert_eq!(
        r.message(),
        "The repository with the same name already exists."
    );
    s.post(
        "/api/v1/user/repos",
        &foo,
        json!({"name": "b1", "default_branch": "a..b"}),
    )
    .await
    .expect(422);
    s.post(
        "/api/v1/user/repos",
        &foo,
        json!({"name": "b2", "auto_init": true, "readme": "Nope"}),
    )
    .await
    .expect(400);
    // Nothing half-made: no stray directories for refused names.
    let mut dirs: Vec<String> = std::fs::read_dir(s.cfg.repository.root.join("foo"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    dirs.sort();
    assert_eq!(dirs, vec!["taken.git"]);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_creates_of_one_name_have_one_winner() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (client, url, auth) = (s.client.clone(), s.url("/api/v1/user/repos"), foo.clone());
        tasks.push(tokio::spawn(async move {
            let Auth::Token(t) = auth else { unreachable!() };
            client
                .post(url)
                .header("Authorization", format!("token {t}"))
                .json(&json!({"name": "race", "auto_init": true}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    let r = s.get("/api/v1/repos/foo/race", &foo).await.expect(200);
    assert_eq!(r.body["empty"], false);
    let out = std::process::Command::new("git")
        .args([
            "--git-dir",
            s.repo_dir("foo", "race").to_str().unwrap(),
            "fsck",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_writes_never_fail_with_locks() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let (client, base, auth) = (s.client.clone(), s.base.clone(), foo.clone());
        tasks.push(tokio::spawn(async move {
            let Auth::Token(t) = auth else { unreachable!() };
            let res = client
                .post(format!("{base}/api/v1/user/repos"))
                .header("Authorization", format!("token {t}"))
                .json(&json!({"name": format!("r{i}")}))
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let text = res.text().await.unwrap();
            (status, text)
        }));
    }
    for t in tasks {
        let (status, text) = t.await.unwrap();
        assert_eq!(status, 201, "{text}");
        assert!(!text.contains("locked"));
    }
    let r = s.get("/api/v1/user/repos", &foo).await.expect(200);
    assert_eq!(r.total(), 40);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn private_repositories_are_invisible_everywhere() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let (bob, _) = s.user("bob").await;
    s.repo(&alice, "open", false).await;
    s.repo(&alice, "secret", true).await;
    s.repo(&bob, "bobs", false).await;

    for who in [&Auth::None, &bob] {
        let r = s.get("/api/v1/repos/alice/secret", who).await.expect(404);
        assert_eq!(r.message(), "not found");
        s.patch(
            "/api/v1/repos/alice/secret",
            who,
            json!({"description": "x"}),
        )
        .await
        .expect(404);
        s.delete("/api/v1/repos/alice/secret", who)
            .await
            .expect(404);
        let r = s
            .get("/api/v1/repos/search?q=secret", who)
            .await
            .expect(200);
        assert_eq!(r.body["data"], json!([]));
        assert_eq!(r.total(), 0);
        let r = s.get("/api/v1/users/alice/repos", who).await.expect(200);
        assert_eq!(names(&r.body), vec!["alice/open"]);
        assert_eq!(r.total(), 1);
    }
    // Others' write attempts on a public repository: 401 anonymous, 403 signed in.
    s.patch(
        "/api/v1/repos/alice/open",
        &Auth::None,
        json!({"description": "x"}),
    )
    .await
    .expect(401);
    s.patch(
        "/api/v1/repos/alice/open",
        &bob,
        json!({"description": "x"}),
    )
    .await
    .expect(403);
    s.delete("/api/v1/repos/alice/open", &bob).await.expect(403);

    // The owner and admins see everything.
    s.get("/api/v1/repos/alice/secret", &alice)
        .await
        .expect(200);
    let r = s
        .get("/api/v1/repos/alice/secret", &s.admin())
        .await
        .expect(200);
    assert_eq!(r.body["permissions"]["admin"], true);
    let r = s.get("/api/v1/repos/search", &alice).await.expect(200);
    assert_eq!(r.total(), 3);
    let r = s.get("/api/v1/repos/search", &Auth::None).await.expect(200);
    assert_eq!(r.total(), 2);
    let r = s.get("/api/v1/user/repos", &alice).await.expect(200);
    assert_eq!(names(&r.body), vec!["alice/open", "alice/secret"]);

    // A private owner's public repositories are hidden too.
    s.patch(
        "/api/v1/admin/users/alice",
        &s.admin(),
        json!({"visibility": "private"}),
    )
    .await
    .expect(200);
    s.get("/api/v1/repos/alice/open", &bob).await.expect(404);
    let r = s.get("/api/v1/repos/search", &bob).await.expect(200);
    assert_eq!(names(&r.body["data"]), vec!["bob/bobs"]);
    s.get("/api/v1/repos/alice/open", &alice).await.expect(200);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn search_parameters() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    let (bar, _) = s.user("bar").await;
    for n in ["alpha", "beta", "gamma-ray"] {
        s.repo(&foo, n, false).await;
    }
    s.post(
        "/api/v1/user/repos",
        &bar,
        json!({"name": "delta", "description": "about Alpha things"}),
    )
    .await
    .expect(201);
    let get = |q: String| {
        let s = &s;
        async move {
            s.get(&format!("/api/v1/repos/search?{q}"), &Auth::None)
                .await
        }
    };
    let r = get("q=ALP".into()).await.expect(200);
    assert_eq!(r.body["ok"], true);
    assert_eq!(names(&r.body["data"]), vec!["foo/alpha"]);
    for item in r.body["data"].as_array().unwrap() {
        assert_shape("Repository", item);
    }
    let r = get("q=alpha&includeDesc=true".into()).await;
    assert_eq!(names(&r.body["data"]), vec!["foo/alpha", "bar/delta"]);
    let r = get("q=alpha,beta".into()).await;
    assert_eq!(names(&r.body["data"]), vec!["foo/alpha", "foo/beta"]);
    let r = get("q=bar/del".into()).await;
    assert_eq!(names(&r.body["data"]), vec!["bar/delta"]);
    // Short keywords take the scan path, longer ones the trigram index: same answers.
    let r = get("q=ga".into()).await;
    assert_eq!(names(&r.body["data"]), vec!["foo/gamma-ray"]);
    let r = get("q=a-r".into()).await;
    assert_eq!(names(&r.body["data"]), vec!["foo/gamma-ray"]);
    // The index follows renames and description edits.
    s.patch(
        "/api/v1/repos/foo/beta",
        &foo,
        json!({"name": "omega", "description": "Zeta"}),
    )
    .await
    .expect(200);
    let r = get("q=omeg".into()).await;
    assert_eq!(names(&r.body["data"]), vec!["foo/omega"]);
    assert_eq!(get("q=beta".into()).await.total(), 0);
    let r = get("q=zeta&includeDesc=true".into()).await;
    assert_eq!(names(&r.body["data"]), vec!["foo/omega"]);
    s.patch(
        "/api/v1/repos/foo/omega",
        &foo,
        json!({"name": "beta", "description": ""}),
    )
    .await
    .expect(200);
    let r = get("q=100%25".into()).await;
    assert_eq!(r.total(), 0, "LIKE wildcards are literal");
    let bar_id = s.get("/api/v1/users/bar", &Auth::None).await.body["id"]
        .as_i64()
        .unwrap();
    let r = get(format!("uid={bar_id}")).await;
    assert_eq!(names(&r.body["data"]), vec!["bar/delta"]);
    let r = get(format!("uid={bar_id}&exclusive=true")).await;
    assert_eq!(names(&r.body["data"]), vec!["bar/delta"]);
    let r = get(format!("priority_owner_id={bar_id}")).await;
    assert_eq!(names(&r.body["data"])[0], "bar/delta");
    let r = get("sort=alpha&order=desc".into()).await;
    assert_eq!(
        names(&r.body["data"]),
        vec!["foo/gamma-ray", "foo/beta", "foo/alpha", "bar/delta"]
    );
    let r = get("sort=created&order=asc".into()).await;
    assert_eq!(names(&r.body["data"])[0], "foo/alpha");
    let r = get("sort=id&order=desc".into()).await;
    assert_eq!(names(&r.body["data"])[0], "bar/delta");
    let r = get("is_private=false&archived=false&template=false&mode=source".into()).await;
    assert_eq!(r.total(), 4);
    let r = get("mode=fork".into()).await;
    assert_eq!(r.total(), 0);
    let r = get("q=alpha&topic=true".into()).await;
    assert_eq!(r.total(), 0);
    for (q, msg) in [
        ("sort=bogus", "Invalid sort mode: \"bogus\""),
        ("sort=id&order=sideways", "Invalid sort order: \"sideways\""),
        ("mode=nope", "Invalid search mode: \"nope\""),
    ] {
        let r = get(q.into()).await.expect(422);
        assert_eq!(r.message(), msg);
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pagination_headers_like_gitea() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    for i in 0..5 {
        s.repo(&foo, &format!("p{i}"), false).await;
    }
    let r = s
        .get("/api/v1/repos/search?limit=2&q=p", &Auth::None)
        .await
        .expect(200);
    assert_eq!(r.total(), 5);
    assert_eq!(r.body["data"].as_array().unwrap().len(), 2);
    let b = &s.base;
    assert_eq!(
        r.header("link").unwrap(),
        format!("<{b}/api/v1/repos/search?limit=2&page=2&q=p>; rel=\"next\",<{b}/api/v1/repos/search?limit=2&page=3&q=p>; rel=\"last\"")
    );
    assert_eq!(
        r.header("access-control-expose-headers").unwrap(),
        "Link, X-Total-Count"
    );
    let r = s
        .get("/api/v1/repos/search?limit=2&page=3&q=p", &Auth::None)
        .await
        .expect(200);
    assert_eq!(names(&r.body["data"]), vec!["foo/p4"]);
    assert_eq!(
        r.header("link").unwrap(),
        format!("<{b}/api/v1/repos/search?limit=2&page=1&q=p>; rel=\"first\",<{b}/api/v1/repos/search?limit=2&page=2&q=p>; rel=\"prev\"")
    );
    // Past the end: an empty page, still 200.
    let r = s
        .get("/api/v1/repos/search?limit=2&page=9", &Auth::None)
        .await
        .expect(200);
    assert_eq!(r.body["data"], json!([]));
    // Odd values are clamped, never errors.
    for q in [
        "limit=-1&page=-5",
        "limit=100000",
        "page=99999999999999999999",
        "limit=abc&page=xyz",
    ] {
        let r = s
            .get(&format!("/api/v1/repos/search?{q}"), &Auth::None)
            .await
            .expect(200);
        assert!(r.body["data"].as_array().unwrap().len() <= 50);
    }
    // /user/repos: whole without page/limit (Gogs clients), paged with them.
    let r = s.get("/api/v1/user/repos", &foo).await.expect(200);
    assert_eq!(r.body.as_array().unwrap().len(), 5);
    let r = s
        .get("/api/v1/user/repos?limit=2&page=2", &foo)
        .await
        .expect(200);
    assert_eq!(names(&r.body), vec!["foo/p2", "foo/p3"]);
    assert_eq!(r.total(), 5);
    assert!(r.header("link").unwrap().contains("rel=\"prev\""));
    let r = s
        .get("/api/v1/users/foo/repos?limit=3", &Auth::None)
        .await
        .expect(200);
    assert_eq!(names(&r.body), vec!["foo/p0", "foo/p1", "foo/p2"]);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_user_with_repositories() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    s.repo(&foo, "keep", false).await;
    s.delete("/api/v1/admin/users/foo", &s.admin())
        .await
        .expect(422);
    s.get("/api/v1/repos/foo/keep", &Auth::None)
        .await
        .expect(200);
    s.delete("/api/v1/admin/users/foo?purge=true", &s.admin())
        .await
        .expect(204);
    s.get("/api/v1/repos/foo/keep", &Auth::None)
        .await
        .expect(404);
    assert!(!s.repo_dir("foo", "keep").exists());
    s.stop().await;
}
