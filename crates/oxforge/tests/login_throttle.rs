//! Wrong passwords are slowed down per account, whatever name reached it, and per client
//! address; parallel attempts queue instead of slipping past the delay (issue 13, §4).

mod common;

use common::{Auth, TestServer, PASSWORD};
use futures_util::future::join_all;
use std::time::{Duration, Instant};

fn basic(user: &str, pass: &str) -> Auth {
    Auth::Basic(user.into(), pass.into())
}

/// Small delays so the tests stay fast; `extra` adds or overrides keys of `[security]`.
async fn server(extra: &[(&str, &str)]) -> TestServer {
    let mut settings = vec![
        ("security", "LOGIN_THROTTLE_FREE_FAILURES", "2"),
        ("security", "LOGIN_THROTTLE_ADDRESS_FREE_FAILURES", "1000"),
        ("security", "LOGIN_THROTTLE_BASE_DELAY", "400ms"),
        ("security", "LOGIN_THROTTLE_MAX_DELAY", "800ms"),
        ("security", "LOGIN_THROTTLE_MAX_CHECKS_PER_ADDRESS", "64"),
    ];
    for (k, v) in extra {
        settings.retain(|(_, key, _)| key != k);
        settings.push(("security", k, v));
    }
    TestServer::start_with(&settings).await
}

/// A request with Basic credentials; its status and how long it took.
async fn attempt(s: &TestServer, method: &str, path: &str, auth: &Auth) -> (u16, Duration) {
    let t = Instant::now();
    let r = match method {
        "POST" => s.post(path, auth, serde_json::json!({"name": "t"})).await,
        _ => s.get(path, auth).await,
    };
    (r.status, t.elapsed())
}

#[tokio::test(flavor = "multi_thread")]
async fn every_name_of_an_account_shares_one_counter() {
    let s = server(&[]).await;
    s.user("carol").await;
    s.user("dave").await;
    let api = "/api/v1/user";
    // Two free failures, by two spellings of the name.
    assert_eq!(
        attempt(&s, "GET", api, &basic("carol", "wrong")).await.0,
        401
    );
    assert_eq!(
        attempt(&s, "GET", api, &basic("CAROL", "wrong")).await.0,
        401
    );
    // The third, by e-mail, is the first one past the free failures: answered at once,
    // but the next one waits.
    let by_mail = basic("carol@example.com", "wrong");
    assert_eq!(attempt(&s, "GET", api, &by_mail).await.0, 401);
    // Git over HTTP counts against the same account...
    let git = "/carol/nothing.git/info/refs?service=git-upload-pack";
    let (status, took) = attempt(&s, "GET", git, &basic("Carol@Example.COM", "wrong")).await;
    assert_eq!(status, 401);
    assert!(
        took >= Duration::from_millis(400),
        "fourth failure took {took:?}"
    );
    // ...and so does token creation.
    let tokens = "/api/v1/users/carol/tokens";
    let (status, took) = attempt(&s, "POST", tokens, &basic("Carol", "wrong")).await;
    assert_eq!(status, 401);
    assert!(
        took >= Duration::from_millis(800),
        "fifth failure took {took:?}"
    );
    // Another account from the same address is not slowed down.
    let t = Instant::now();
    s.get(api, &basic("dave", "wrong")).await.expect(401);
    let other = t.elapsed();
    // The right password waits its turn too, then clears the account's record.
    let t = Instant::now();
    s.get(api, &Auth::basic("CAROL")).await.expect(200);
    assert!(
        t.elapsed() >= Duration::from_millis(800),
        "{:?}",
        t.elapsed()
    );
    let t = Instant::now();
    s.get(api, &basic("carol@example.com", PASSWORD))
        .await
        .expect(200);
    let after = t.elapsed();
    assert!(
        other < Duration::from_millis(400) && after < Duration::from_millis(400),
        "dave's failure took {other:?}, carol's next sign-in {after:?}"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_attempts_wait_their_turn() {
    let s = server(&[
        ("LOGIN_THROTTLE_BASE_DELAY", "250ms"),
        ("LOGIN_THROTTLE_MAX_DELAY", "250ms"),
    ])
    .await;
    s.user("carol").await;
    let names = ["carol", "CAROL", "carol@example.com", "Carol"];
    let t = Instant::now();
    let attempts = (0..20).map(|i| {
        let auth = basic(names[i % names.len()], "wrong");
        let s = &s;
        async move { s.get("/api/v1/user", &auth).await.status }
    });
    let statuses = join_all(attempts).await;
    let took = t.elapsed();
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    // Attempts 4 to 20 each wait 250 ms, one after another.
    assert!(
        took >= Duration::from_millis(17 * 250),
        "20 parallel failures took {took:?}"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_address_is_slowed_down_over_all_accounts() {
    let s = server(&[
        ("LOGIN_THROTTLE_FREE_FAILURES", "1000"),
        ("LOGIN_THROTTLE_ADDRESS_FREE_FAILURES", "2"),
        ("LOGIN_THROTTLE_BASE_DELAY", "250ms"),
        ("LOGIN_THROTTLE_MAX_DELAY", "250ms"),
        ("LOGIN_THROTTLE_MAX_CHECKS_PER_ADDRESS", "2"),
    ])
    .await;
    s.user("carol").await;
    // Names that belong to nobody: probing them costs no password hash, only the wait.
    let t = Instant::now();
    let attempts = (0..12).map(|i| {
        let auth = basic(&format!("nobody{i}"), "wrong");
        let s = &s;
        async move { s.get("/api/v1/user", &auth).await.status }
    });
    let statuses = join_all(attempts).await;
    let took = t.elapsed();
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    // Attempts 4 to 12 each wait 250 ms, two at a time.
    assert!(
        took >= Duration::from_millis(4 * 250),
        "12 parallel failures from one address took {took:?}"
    );
    // From here, even the right password waits.
    let t = Instant::now();
    s.get("/api/v1/user", &Auth::basic("carol"))
        .await
        .expect(200);
    assert!(
        t.elapsed() >= Duration::from_millis(250),
        "{:?}",
        t.elapsed()
    );
    // Another client (as the trusted proxy on loopback reports it) is not slowed down.
    let elsewhere = |auth: &Auth| {
        let (user, pass) = match auth {
            Auth::Basic(u, p) => (u.clone(), p.clone()),
            _ => unreachable!(),
        };
        s.client
            .get(s.url("/api/v1/user"))
            .basic_auth(user, Some(pass))
            .header("x-forwarded-for", "198.51.100.7")
            .send()
    };
    let t = Instant::now();
    let r = elsewhere(&basic("nobody99", "wrong")).await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(
        t.elapsed() < Duration::from_millis(250),
        "{:?}",
        t.elapsed()
    );
    s.stop().await;
}
