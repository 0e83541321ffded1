//! The permissions matrix: every kind of caller against every kind of repository, through
//! every door (search, `/user/repos`, the owner's list, the single answer and its
//! `permissions`, `git clone`, `git push`), all checked against one table written here.

mod common;

use common::gitcli::{git, ok};
use common::{Auth, TestServer, ADMIN, PASSWORD};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

/// The repositories, in the table's column order.
const REPOS: [&str; 8] = [
    "alice/pub",
    "alice/priv",
    "puborg/pub",
    "puborg/priv",
    "limorg/pub",
    "limorg/priv",
    "privorg/pub",
    "privorg/priv",
];

/// Access per caller and repository: `-` none (404), `r` read, `w` write, `a` admin,
/// `o` owner. Upper case: the repository is also in the caller's `GET /user/repos`.
///
/// Who is who: `alice` owns the user repositories; `olga` created the three organisations
/// (public, limited, private) and is in their Owners teams; `tr`/`tw`/`ta` are in a read /
/// write / admin team of every organisation (read and write teams are given `pub` and
/// `priv` one by one, the admin team includes all repositories); `cr`/`cw`/`ca` are
/// read / write / admin collaborators on both of alice's repositories and on
/// `limorg/priv` and `privorg/priv` (members of no organisation); `sam` is nobody.
const TABLE: &[(&str, &str)] = &[
    //                            alice     puborg    limorg    privorg
    //                            pub priv  pub priv  pub priv  pub priv
    (
        "anonymous",
        /*          */ "r   -     r   -     -   -     -   -",
    ),
    (
        "alice",
        /*              */ "O   O     r   -     r   -     -   -",
    ),
    (
        "admin",
        /*              */ "o   o     o   o     o   o     o   o",
    ),
    (
        "olga",
        /*               */ "r   -     O   O     O   O     O   O",
    ),
    (
        "tr",
        /*                 */ "r   -     R   R     R   R     R   R",
    ),
    (
        "tw",
        /*                 */ "r   -     W   W     W   W     W   W",
    ),
    (
        "ta",
        /*                 */ "r   -     A   A     A   A     A   A",
    ),
    (
        "cr",
        /*                 */ "R   R     r   -     r   R     -   R",
    ),
    (
        "cw",
        /*                 */ "W   W     r   -     r   W     -   W",
    ),
    (
        "ca",
        /*                 */ "A   A     r   -     r   A     -   A",
    ),
    (
        "sam",
        /*                */ "r   -     r   -     r   -     -   -",
    ),
    // tw's token limited to public data: public repositories of public owners only.
    (
        "tw-public-only",
        /*     */ "r   -     W   -     -   -     -   -",
    ),
    // cw's token with read:repository: cw's access, but no push (checked below).
    (
        "cw-read-token",
        /*      */ "W   W     r   -     r   W     -   W",
    ),
];

/// Owners whose account (and so `/users/{owner}/repos`) each caller may see besides the
/// public ones (`alice`, `puborg`).
fn sees_owner(caller: &str, owner: &str) -> bool {
    match owner {
        "alice" | "puborg" => true,
        "limorg" => !matches!(caller, "anonymous" | "tw-public-only"),
        "privorg" => matches!(caller, "admin" | "olga" | "tr" | "tw" | "ta"),
        _ => unreachable!(),
    }
}

fn row(caller: &str) -> Vec<char> {
    let (_, cells) = TABLE.iter().find(|(c, _)| *c == caller).unwrap();
    let v: Vec<char> = cells.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(v.len(), REPOS.len(), "row {caller}");
    v
}

fn level(c: char) -> u8 {
    match c.to_ascii_lowercase() {
        '-' => 0,
        'r' => 1,
        'w' => 2,
        'a' => 3,
        'o' => 4,
        other => panic!("bad cell {other}"),
    }
}

struct Caller {
    name: &'static str,
    api: Auth,
    /// Credentials for git (user, password or token).
    git: Option<(String, String)>,
    /// The token's scopes allow pushing.
    may_push: bool,
}

fn names(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["full_name"].as_str().unwrap().to_string())
        .collect()
}

fn git_url(s: &TestServer, creds: &Option<(String, String)>, full: &str) -> String {
    let host = s.base.trim_start_matches("http://");
    match creds {
        Some((u, p)) => format!("http://{u}:{p}@{host}/{full}.git"),
        None => format!("http://{host}/{full}.git"),
    }
}

async fn setup(s: &TestServer) -> Vec<Caller> {
    let mut users = std::collections::HashMap::new();
    for u in ["alice", "olga", "tr", "tw", "ta", "cr", "cw", "ca", "sam"] {
        let (auth, token) = s.user(u).await;
        users.insert(u, (auth, token));
    }
    let alice = users["alice"].0.clone();
    let olga = users["olga"].0.clone();
    for (name, private) in [("pub", false), ("priv", true)] {
        s.post(
            "/api/v1/user/repos",
            &alice,
            json!({"name": name, "private": private, "auto_init": true}),
        )
        .await
        .expect(201);
    }
    for (org, vis) in [
        ("puborg", "public"),
        ("limorg", "limited"),
        ("privorg", "private"),
    ] {
        s.post(
            "/api/v1/orgs",
            &olga,
            json!({"username": org, "visibility": vis}),
        )
        .await
        .expect(201);
        for (name, private) in [("pub", false), ("priv", true)] {
            s.post(
                &format!("/api/v1/orgs/{org}/repos"),
                &olga,
                json!({"name": name, "private": private, "auto_init": true}),
            )
            .await
            .expect(201);
        }
        for (team, perm, member, all) in [
            ("readers", "read", "tr", false),
            ("writers", "write", "tw", false),
            ("admins", "admin", "ta", true),
        ] {
            let t = s
                .post(
                    &format!("/api/v1/orgs/{org}/teams"),
                    &olga,
                    json!({"name": team, "permission": perm, "includes_all_repositories": all}),
                )
                .await
                .expect(201);
            let id = t.body["id"].as_i64().unwrap();
            s.put(&format!("/api/v1/teams/{id}/members/{member}"), &olga, None)
                .await
                .expect(204);
            if !all {
                for repo in ["pub", "priv"] {
                    s.put(
                        &format!("/api/v1/teams/{id}/repos/{org}/{repo}"),
                        &olga,
                        None,
                    )
                    .await
                    .expect(204);
                }
            }
        }
    }
    for (who, perm) in [("cr", "read"), ("cw", "write"), ("ca", "admin")] {
        for (full, auth) in [
            ("alice/pub", &alice),
            ("alice/priv", &alice),
            ("limorg/priv", &olga),
            ("privorg/priv", &olga),
        ] {
            s.put(
                &format!("/api/v1/repos/{full}/collaborators/{who}"),
                auth,
                Some(json!({"permission": perm})),
            )
            .await
            .expect(204);
        }
    }

    let mut callers = vec![
        Caller {
            name: "anonymous",
            api: Auth::None,
            git: None,
            may_push: false,
        },
        Caller {
            name: "admin",
            api: s.admin(),
            git: Some((ADMIN.into(), PASSWORD.into())),
            may_push: true,
        },
    ];
    for u in ["alice", "olga", "tr", "tw", "ta", "cr", "cw", "ca", "sam"] {
        let (auth, token) = users[u].clone();
        callers.push(Caller {
            name: u,
            api: auth,
            git: Some((u.into(), token)),
            may_push: true,
        });
    }
    let public_only = s
        .token("tw", &["public-only", "write:repository", "read:user"])
        .await;
    callers.push(Caller {
        name: "tw-public-only",
        api: Auth::token(&public_only),
        git: Some(("tw".into(), public_only)),
        may_push: true,
    });
    let read_only = s.token("cw", &["read:repository", "read:user"]).await;
    callers.push(Caller {
        name: "cw-read-token",
        api: Auth::token(&read_only),
        git: Some(("cw".into(), read_only)),
        may_push: false,
    });
    callers
}

#[tokio::test(flavor = "multi_thread")]
async fn every_caller_gets_what_the_table_says_everywhere() {
    let s = TestServer::start().await;
    let callers = setup(&s).await;
    let work = tempfile::tempdir().unwrap();
    // One working copy per repository to push from (cloned as the admin).
    let admin_git = Some((ADMIN.to_string(), PASSWORD.to_string()));
    for full in REPOS {
        let dir = work.path().join(full.replace('/', "_"));
        ok(git(
            work.path(),
            &[
                "clone",
                "-q",
                &git_url(&s, &admin_git, full),
                dir.to_str().unwrap(),
            ],
        ));
    }

    for c in &callers {
        let cells = row(c.name);
        let visible: BTreeSet<String> = REPOS
            .iter()
            .zip(&cells)
            .filter(|(_, cell)| **cell != '-')
            .map(|(r, _)| r.to_string())
            .collect();
        let related: BTreeSet<String> = REPOS
            .iter()
            .zip(&cells)
            .filter(|(_, cell)| cell.is_ascii_uppercase())
            .map(|(r, _)| r.to_string())
            .collect();

        // Search: the SQL half of the rule, with an exact count.
        let r = s
            .get("/api/v1/repos/search?limit=50", &c.api)
            .await
            .expect(200);
        assert_eq!(names(&r.body["data"]), visible, "search as {}", c.name);
        assert_eq!(
            r.total() as usize,
            visible.len(),
            "search count as {}",
            c.name
        );
        // With keywords (every name has a `p`; "pri" and "pub" go through the trigram
        // paths): the same set, the same count.
        for q in ["p", "pri", "pub"] {
            let r = s
                .get(&format!("/api/v1/repos/search?q={q}&limit=50"), &c.api)
                .await
                .expect(200);
            let want: BTreeSet<String> = visible
                .iter()
                .filter(|n| n.split('/').nth(1).is_some_and(|name| name.contains(q)))
                .cloned()
                .collect();
            assert_eq!(names(&r.body["data"]), want, "search q={q} as {}", c.name);
            assert_eq!(
                r.total() as usize,
                want.len(),
                "search q={q} count as {}",
                c.name
            );
        }

        // The caller's own list.
        let r = s.get("/api/v1/user/repos?limit=50", &c.api).await;
        if c.name == "anonymous" {
            assert_eq!(r.status, 401);
        } else {
            assert_eq!(r.status, 200, "/user/repos as {}: {}", c.name, r.text);
            assert_eq!(names(&r.body), related, "/user/repos as {}", c.name);
            assert_eq!(
                r.total() as usize,
                related.len(),
                "/user/repos count as {}",
                c.name
            );
            for repo in r.body.as_array().unwrap() {
                let i = REPOS
                    .iter()
                    .position(|x| *x == repo["full_name"].as_str().unwrap())
                    .unwrap();
                let l = level(cells[i]);
                let p = &repo["permissions"];
                assert_eq!(
                    (
                        p["admin"].as_bool(),
                        p["push"].as_bool(),
                        p["pull"].as_bool()
                    ),
                    (Some(l >= 3), Some(l >= 2), Some(l >= 1)),
                    "permissions in /user/repos of {} as {}",
                    repo["full_name"],
                    c.name
                );
            }
        }

        // Each owner's list shows the same subset, or the owner is hidden.
        for owner in ["alice", "puborg", "limorg", "privorg"] {
            let r = s
                .get(&format!("/api/v1/users/{owner}/repos?limit=50"), &c.api)
                .await;
            if sees_owner(c.name, owner) {
                assert_eq!(
                    r.status, 200,
                    "/users/{owner}/repos as {}: {}",
                    c.name, r.text
                );
                let mine: BTreeSet<String> = visible
                    .iter()
                    .filter(|n| n.starts_with(&format!("{owner}/")))
                    .cloned()
                    .collect();
                assert_eq!(names(&r.body), mine, "/users/{owner}/repos as {}", c.name);
                assert_eq!(r.total() as usize, mine.len());
            } else {
                assert_eq!(r.status, 404, "/users/{owner}/repos as {}", c.name);
            }
        }

        for (full, cell) in REPOS.iter().zip(&cells) {
            let l = level(*cell);
            // The single answer (the Rust half) and its permissions.
            let r = s.get(&format!("/api/v1/repos/{full}"), &c.api).await;
            if l == 0 {
                // A public-only token is refused (403) what its user could read.
                let want = if c.name == "tw-public-only"
                    && level(row("tw")[REPOS.iter().position(|x| x == full).unwrap()]) > 0
                {
                    403
                } else {
                    404
                };
                assert_eq!(r.status, want, "GET {full} as {}", c.name);
            } else {
                assert_eq!(r.status, 200, "GET {full} as {}: {}", c.name, r.text);
                let p = &r.body["permissions"];
                assert_eq!(
                    (
                        p["admin"].as_bool(),
                        p["push"].as_bool(),
                        p["pull"].as_bool()
                    ),
                    (Some(l >= 3), Some(l >= 2), Some(l >= 1)),
                    "permissions of {full} as {}",
                    c.name
                );
            }

            // Clone (ls-remote runs the same upload-pack access check as a clone).
            let out = git(
                Path::new("/"),
                &["ls-remote", "-q", &git_url(&s, &c.git, full)],
            );
            assert_eq!(
                out.status.success(),
                l >= 1,
                "clone {full} as {}: {}",
                c.name,
                String::from_utf8_lossy(&out.stderr)
            );

            // Push a branch named after the caller.
            let dir = work.path().join(full.replace('/', "_"));
            let branch = format!("refs/heads/by-{}", c.name);
            let out = git(
                &dir,
                &[
                    "push",
                    "-q",
                    &git_url(&s, &c.git, full),
                    &format!("HEAD:{branch}"),
                ],
            );
            let want = l >= 2 && c.may_push;
            assert_eq!(
                out.status.success(),
                want,
                "push to {full} as {}: {}",
                c.name,
                String::from_utf8_lossy(&out.stderr)
            );
            let (owner, name) = full.split_once('/').unwrap();
            let landed = git(
                Path::new("/"),
                &[
                    "--git-dir",
                    s.repo_dir(owner, name).to_str().unwrap(),
                    "rev-parse",
                    "--verify",
                    "-q",
                    &branch,
                ],
            )
            .status
            .success();
            assert_eq!(landed, want, "ref after push to {full} as {}", c.name);
        }
    }
    s.stop().await;
}

/// A change in membership or collaboration holds on the very next request.
#[tokio::test(flavor = "multi_thread")]
async fn changes_take_effect_on_the_next_request() {
    let s = TestServer::start().await;
    let (alice, _) = s.user("alice").await;
    let (bob, _) = s.user("bob").await;
    s.repo(&alice, "secret", true).await;
    s.get("/api/v1/repos/alice/secret", &bob).await.expect(404);
    s.put(
        "/api/v1/repos/alice/secret/collaborators/bob",
        &alice,
        Some(json!({"permission": "read"})),
    )
    .await
    .expect(204);
    let r = s.get("/api/v1/repos/alice/secret", &bob).await.expect(200);
    assert_eq!(r.body["permissions"]["push"], false);
    s.put(
        "/api/v1/repos/alice/secret/collaborators/bob",
        &alice,
        Some(json!({"permission": "write"})),
    )
    .await
    .expect(204);
    let r = s.get("/api/v1/repos/alice/secret", &bob).await.expect(200);
    assert_eq!(r.body["permissions"]["push"], true);
    s.delete("/api/v1/repos/alice/secret/collaborators/bob", &alice)
        .await
        .expect(204);
    s.get("/api/v1/repos/alice/secret", &bob).await.expect(404);
    let r = s.get("/api/v1/repos/search", &bob).await.expect(200);
    assert_eq!(r.total(), 0);

    // Team membership, the same way.
    s.post(
        "/api/v1/orgs",
        &alice,
        json!({"username": "acme", "visibility": "private"}),
    )
    .await
    .expect(201);
    s.post(
        "/api/v1/orgs/acme/repos",
        &alice,
        json!({"name": "code", "private": true}),
    )
    .await
    .expect(201);
    let t = s
        .post(
            "/api/v1/orgs/acme/teams",
            &alice,
            json!({"name": "devs", "permission": "write", "includes_all_repositories": true}),
        )
        .await
        .expect(201);
    let id = t.body["id"].as_i64().unwrap();
    s.get("/api/v1/orgs/acme", &bob).await.expect(404);
    s.put(&format!("/api/v1/teams/{id}/members/bob"), &alice, None)
        .await
        .expect(204);
    s.get("/api/v1/orgs/acme", &bob).await.expect(200);
    let r = s.get("/api/v1/user/repos", &bob).await.expect(200);
    assert_eq!(names(&r.body), BTreeSet::from(["acme/code".to_string()]));
    s.delete(&format!("/api/v1/teams/{id}/members/bob"), &alice)
        .await
        .expect(204);
    s.get("/api/v1/repos/acme/code", &bob).await.expect(404);
    s.get("/api/v1/orgs/acme", &bob).await.expect(404);
    let r = s.get("/api/v1/user/repos", &bob).await.expect(200);
    assert_eq!(r.total(), 0);
    s.stop().await;
}

/// `/user/repos` pages give the whole list's order, and every page the same count.
#[tokio::test(flavor = "multi_thread")]
async fn my_repositories_page_in_the_whole_lists_order() {
    let s = TestServer::start().await;
    let (olga, _) = s.user("olga").await;
    let (bob, _) = s.user("bob").await;
    s.post("/api/v1/orgs", &olga, json!({"username": "big"}))
        .await
        .expect(201);
    for i in 0..60 {
        s.post(
            "/api/v1/orgs/big/repos",
            &olga,
            json!({"name": format!("r{:02}", (i * 37) % 60), "private": i % 2 == 0}),
        )
        .await
        .expect(201);
    }
    s.repo(&bob, "mine", true).await;
    s.repo(&olga, "hers", false).await;
    let t = s
        .post(
            "/api/v1/orgs/big/teams",
            &olga,
            json!({"name": "all", "permission": "read", "includes_all_repositories": true}),
        )
        .await
        .expect(201);
    let id = t.body["id"].as_i64().unwrap();
    s.put(&format!("/api/v1/teams/{id}/members/bob"), &olga, None)
        .await
        .expect(204);

    // The whole list (sorted set) against the pages (name walk: 61 of 62 repositories).
    let whole = s.get("/api/v1/user/repos", &bob).await.expect(200);
    let whole: Vec<String> = whole
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["full_name"].as_str().unwrap().to_string())
        .collect();
    let mut expected: Vec<String> = (0..60).map(|i| format!("big/r{i:02}")).collect();
    expected.push("bob/mine".into());
    expected.sort_by_key(|n| n.split('/').nth(1).unwrap().to_string());
    assert_eq!(whole, expected);
    let mut paged = Vec::new();
    for page in 1..=3 {
        let r = s
            .get(&format!("/api/v1/user/repos?limit=25&page={page}"), &bob)
            .await
            .expect(200);
        assert_eq!(r.total(), 61);
        paged.extend(
            r.body
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["full_name"].as_str().unwrap().to_string()),
        );
    }
    assert_eq!(paged, expected);
    let r = s
        .get("/api/v1/user/repos?limit=25&page=9", &bob)
        .await
        .expect(200);
    assert_eq!(r.body, json!([]));
    assert_eq!(r.total(), 61);
    s.stop().await;
}

/// What each user reaches is kept as derived data (`repo_reach`, and per-owner counts of
/// public repositories); after every kind of change it must equal what the rule gives
/// from the tables it derives from.
#[tokio::test(flavor = "multi_thread")]
async fn derived_reach_stays_in_step_with_every_kind_of_change() {
    let s = TestServer::start().await;
    let (olga, _) = s.user("olga").await;
    let (bob, _) = s.user("bob").await;
    let (carl, _) = s.user("carl").await;
    let admin = s.admin();
    async fn in_step(s: &TestServer, after: &str) {
        let drift = s.svc.store.reach_drift().await.expect("drift");
        assert_eq!(drift, 0, "derived reach out of step after {after}");
    }
    in_step(&s, "start").await;
    s.repo(&olga, "pub", false).await;
    s.repo(&olga, "priv", true).await;
    in_step(&s, "creating user repositories").await;
    s.post(
        "/api/v1/orgs",
        &olga,
        json!({"username": "acme", "visibility": "limited"}),
    )
    .await
    .expect(201);
    for (name, private) in [("open", false), ("closed", true), ("other", true)] {
        s.post(
            "/api/v1/orgs/acme/repos",
            &olga,
            json!({"name": name, "private": private}),
        )
        .await
        .expect(201);
    }
    in_step(&s, "creating organisation repositories").await;
    let t = s
        .post(
            "/api/v1/orgs/acme/teams",
            &olga,
            json!({"name": "devs", "permission": "write", "includes_all_repositories": false}),
        )
        .await
        .expect(201);
    let team = t.body["id"].as_i64().unwrap();
    s.put(&format!("/api/v1/teams/{team}/members/bob"), &olga, None)
        .await
        .expect(204);
    in_step(&s, "adding a team member").await;
    // A member reaches the organisation's public repositories, not yet its private ones.
    let mine = s.get("/api/v1/user/repos", &bob).await.expect(200);
    assert_eq!(names(&mine.body), BTreeSet::from(["acme/open".to_string()]));
    s.put(
        &format!("/api/v1/teams/{team}/repos/acme/closed"),
        &olga,
        None,
    )
    .await
    .expect(204);
    in_step(&s, "giving a team a repository").await;
    s.patch(
        &format!("/api/v1/teams/{team}"),
        &olga,
        json!({"name": "devs", "includes_all_repositories": true}),
    )
    .await
    .expect(200);
    in_step(&s, "a team including all repositories").await;
    let mine = s.get("/api/v1/user/repos", &bob).await.expect(200);
    assert_eq!(mine.total(), 3);
    s.patch(
        &format!("/api/v1/teams/{team}"),
        &olga,
        json!({"name": "devs", "includes_all_repositories": false}),
    )
    .await
    .expect(200);
    in_step(&s, "a team no longer including all repositories").await;
    s.delete(&format!("/api/v1/teams/{team}/repos/acme/closed"), &olga)
        .await
        .expect(204);
    in_step(&s, "taking a repository from a team").await;
    for perm in ["read", "admin"] {
        s.put(
            "/api/v1/repos/olga/priv/collaborators/carl",
            &olga,
            Some(json!({"permission": perm})),
        )
        .await
        .expect(204);
        in_step(&s, "adding or changing a collaborator").await;
    }
    s.patch("/api/v1/repos/olga/priv", &olga, json!({"name": "renamed"}))
        .await
        .expect(200);
    in_step(&s, "renaming a repository").await;
    s.patch(
        "/api/v1/repos/olga/renamed",
        &olga,
        json!({"private": false}),
    )
    .await
    .expect(200);
    s.patch("/api/v1/repos/acme/open", &olga, json!({"private": true}))
        .await
        .expect(200);
    in_step(&s, "changing visibility").await;
    s.delete("/api/v1/repos/olga/renamed/collaborators/carl", &olga)
        .await
        .expect(204);
    in_step(&s, "removing a collaborator").await;
    s.delete("/api/v1/orgs/acme/members/bob", &olga)
        .await
        .expect(204);
    in_step(&s, "removing an organisation member").await;
    assert_eq!(
        s.get("/api/v1/user/repos", &bob).await.expect(200).total(),
        0
    );
    s.put(&format!("/api/v1/teams/{team}/members/carl"), &olga, None)
        .await
        .expect(204);
    s.delete(&format!("/api/v1/teams/{team}"), &olga)
        .await
        .expect(204);
    in_step(&s, "deleting a team").await;
    s.delete("/api/v1/repos/acme/other", &olga)
        .await
        .expect(204);
    in_step(&s, "deleting a repository").await;
    s.repo(&carl, "gone", false).await;
    s.delete("/api/v1/repos/carl/gone", &carl).await.expect(204);
    s.delete("/api/v1/admin/users/carl", &admin)
        .await
        .expect(204);
    in_step(&s, "deleting a user").await;
    s.stop().await;
}
