//! The one visibility rule, checked from the outside: for every kind of caller and every
//! kind of repository, the single-repository answer, search, the owner's list and the
//! counts all agree, and match the table written here.

mod common;

use common::{Auth, TestServer};
use serde_json::json;

/// Owner accounts by visibility, each with a public and a private repository.
const OWNERS: [(&str, &str); 3] = [
    ("pubown", "public"),
    ("limown", "limited"),
    ("privown", "private"),
];

/// Which repositories each caller may read: (caller, [(owner, repo)...]).
fn expected(caller: &str) -> Vec<&'static str> {
    let all = vec![
        "limown/priv",
        "limown/pub",
        "privown/priv",
        "privown/pub",
        "pubown/priv",
        "pubown/pub",
    ];
    match caller {
        "anonymous" => vec!["pubown/pub"],
        // Signed in: public repositories of public and limited owners.
        "stranger" => vec!["limown/pub", "pubown/pub"],
        // Restricted accounts see fully public things only.
        "restricted" => vec!["pubown/pub"],
        // Owners see their own, plus what any signed-in user sees.
        "pubown" => vec!["limown/pub", "pubown/priv", "pubown/pub"],
        "privown" => vec!["limown/pub", "privown/priv", "privown/pub", "pubown/pub"],
        // A public-only token sees what anonymous sees.
        "pubown-public-only" => vec!["pubown/pub"],
        "admin" => all,
        other => panic!("unknown caller {other}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_caller_sees_exactly_what_the_rule_allows() {
    let s = TestServer::start().await;
    let mut callers: Vec<(&str, Auth)> = vec![("anonymous", Auth::None), ("admin", s.admin())];
    for (name, vis) in OWNERS {
        let (auth, _) = s.user(name).await;
        s.repo(&auth, "pub", false).await;
        s.repo(&auth, "priv", true).await;
        s.patch(
            &format!("/api/v1/admin/users/{name}"),
            &s.admin(),
            json!({"visibility": vis}),
        )
        .await
        .expect(200);
        if name != "limown" {
            callers.push((name, auth));
        }
    }
    let (stranger, _) = s.user("stranger").await;
    callers.push(("stranger", stranger));
    let (restricted, _) = s.user("restricted").await;
    s.patch(
        "/api/v1/admin/users/restricted",
        &s.admin(),
        json!({"restricted": true}),
    )
    .await
    .expect(200);
    callers.push(("restricted", restricted));
    let public_only = s
        .token("pubown", &["public-only", "read:repository", "read:user"])
        .await;
    callers.push(("pubown-public-only", Auth::token(&public_only)));

    for (caller, auth) in &callers {
        let want = expected(caller);
        // Search (visibility filter in SQL), with its count.
        let r = s
            .get("/api/v1/repos/search?limit=50", auth)
            .await
            .expect(200);
        let mut got: Vec<String> = r.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["full_name"].as_str().unwrap().to_string())
            .filter(|n| {
                n.contains('/') && !n.starts_with("stranger") && !n.starts_with("restricted")
            })
            .collect();
        got.sort();
        assert_eq!(got, want, "search as {caller}");
        assert_eq!(r.total() as usize, want.len(), "X-Total-Count as {caller}");

        // Single lookups (the rule in Rust) agree with the listing.
        for (owner, _) in OWNERS {
            for repo in ["pub", "priv"] {
                let full = format!("{owner}/{repo}");
                let r = s.get(&format!("/api/v1/repos/{full}"), auth).await;
                let visible = want.contains(&full.as_str());
                let user_sees = expected("pubown").contains(&full.as_str());
                let ok = if *caller == "pubown-public-only" && user_sees {
                    // A public-only token is refused, with 403, what its user could read.
                    r.status == if visible { 200 } else { 403 }
                } else {
                    r.status == if visible { 200 } else { 404 }
                };
                assert!(ok, "GET {full} as {caller}: {} {}", r.status, r.text);
            }
            // The owner's list shows the same subset.
            let r = s.get(&format!("/api/v1/users/{owner}/repos"), auth).await;
            if r.status == 200 {
                let mut got: Vec<String> = r
                    .body
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x["full_name"].as_str().unwrap().to_string())
                    .collect();
                got.sort();
                let mine: Vec<&str> = want
                    .iter()
                    .copied()
                    .filter(|n| n.starts_with(&format!("{owner}/")))
                    .collect();
                assert_eq!(got, mine, "/users/{owner}/repos as {caller}");
                assert_eq!(r.total() as usize, mine.len());
            } else {
                assert_eq!(r.status, 404, "/users/{owner}/repos as {caller}");
                assert!(want.iter().all(|n| !n.starts_with(&format!("{owner}/"))));
            }
        }
    }
    s.stop().await;
}
