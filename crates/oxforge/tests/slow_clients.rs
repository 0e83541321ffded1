//! Slow and oversized clients (issue 13, §3 and §4): a client that does not finish its
//! request line and headers, or stalls its body, is cut off; a full server makes room
//! for a normal request; oversized targets and header blocks get the JSON error shape.

mod common;

use common::TestServer;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn connect(s: &TestServer) -> TcpStream {
    TcpStream::connect(s.base.trim_start_matches("http://"))
        .await
        .expect("connect")
}

/// Everything the server sends until it closes, or `None` if it is still open after `wait`.
async fn read_until_closed(conn: &mut TcpStream, wait: Duration) -> Option<String> {
    let mut out = Vec::new();
    let read = tokio::time::timeout(wait, async {
        let mut buf = [0u8; 4096];
        loop {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|_| String::from_utf8_lossy(&out).into_owned())
}

/// The JSON body of a raw HTTP/1.1 answer.
fn json_body(raw: &str) -> serde_json::Value {
    let body = raw.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or(serde_json::Value::Null)
}

#[tokio::test(flavor = "multi_thread")]
async fn unfinished_headers_are_cut_off() {
    let s = TestServer::start_with(&[("server", "READ_HEADER_TIMEOUT", "1s")]).await;
    let t = Instant::now();
    let mut partial = connect(&s).await;
    partial
        .write_all(b"GET /api/v1/version HTTP/1.1\r\nHost: x\r\nX-Slow: aaa")
        .await
        .unwrap();
    let mut silent = connect(&s).await;
    assert!(
        read_until_closed(&mut partial, Duration::from_secs(5))
            .await
            .is_some(),
        "a partial header kept its connection open"
    );
    assert!(
        read_until_closed(&mut silent, Duration::from_secs(5))
            .await
            .is_some(),
        "a silent connection was kept open"
    );
    assert!(
        t.elapsed() >= Duration::from_millis(900),
        "{:?}",
        t.elapsed()
    );
    // A normal client is served as before.
    s.get("/api/v1/version", &common::Auth::None)
        .await
        .expect(200);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_body_is_answered_408() {
    let s = TestServer::start_with(&[("server", "READ_BODY_TIMEOUT", "1s")]).await;
    let (_, token) = s.user("slow").await;
    let mut conn = connect(&s).await;
    conn.write_all(
        format!(
            "POST /api/v1/user/repos HTTP/1.1\r\nHost: x\r\nAuthorization: token {token}\r\n\
             Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\":"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let t = Instant::now();
    let raw = read_until_closed(&mut conn, Duration::from_secs(5))
        .await
        .expect("the stalled request is still open");
    assert!(
        t.elapsed() >= Duration::from_millis(900),
        "{:?}",
        t.elapsed()
    );
    assert!(raw.starts_with("HTTP/1.1 408"), "{raw}");
    let body = json_body(&raw);
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{raw}"
    );
    assert!(
        body["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("api/swagger")),
        "{raw}"
    );
    // Nothing was made.
    let r = s
        .get("/api/v1/user/repos", &common::Auth::token(&token))
        .await;
    assert_eq!(r.body.as_array().map(Vec::len), Some(0));

    // A git transfer keeps the longer `[git.timeout] DEFAULT`: its stalled body is not cut
    // at READ_BODY_TIMEOUT.
    let mut git = connect(&s).await;
    git.write_all(
        b"POST /slow/none.git/git-upload-pack HTTP/1.1\r\nHost: x\r\n\
          Content-Type: application/x-git-upload-pack-request\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n0000",
    )
    .await
    .unwrap();
    let mut buf = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_secs(2), git.read(&mut buf)).await;
    // Either no answer yet (the body is awaited), or the repository's own 404: never a 408.
    if let Ok(Ok(n)) = early {
        let mut rest = vec![0u8; 64];
        let m = git.read(&mut rest).await.unwrap_or(0);
        let head = format!(
            "{}{}",
            String::from_utf8_lossy(&buf[..n]),
            String::from_utf8_lossy(&rest[..m])
        );
        assert!(!head.contains(" 408"), "{head}");
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_server_makes_room_for_a_normal_request() {
    // A header timeout longer than the test: only making room can serve the normal client.
    let s = TestServer::start_with(&[
        ("server", "MAX_CONNECTIONS", "3"),
        ("server", "READ_HEADER_TIMEOUT", "60s"),
    ])
    .await;
    let mut slow = Vec::new();
    for _ in 0..3 {
        let mut c = connect(&s).await;
        c.write_all(b"GET /api/v1/version HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        slow.push(c);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let fresh = reqwest::Client::new();
    let r = tokio::time::timeout(
        Duration::from_secs(5),
        fresh.get(s.url("/api/v1/version")).send(),
    )
    .await
    .expect("a normal request waited behind slow clients")
    .map_err(|e| format!("{e:?}"))
    .unwrap();
    assert_eq!(r.status(), 200);
    let mut closed = 0;
    for c in &mut slow {
        if read_until_closed(c, Duration::from_millis(500))
            .await
            .is_some()
        {
            closed += 1;
        }
    }
    assert!(closed >= 1, "no slow connection was closed to make room");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn connections_beyond_the_limit_wait_for_a_slot() {
    let s = TestServer::start_with(&[
        ("server", "MAX_CONNECTIONS", "2"),
        ("server", "READ_BODY_TIMEOUT", "2s"),
    ])
    .await;
    let (_, token) = s.user("busy").await;
    // Two requests in progress (their bodies stall): they hold both slots.
    let mut busy = Vec::new();
    for _ in 0..2 {
        let mut c = connect(&s).await;
        c.write_all(
            format!(
                "POST /api/v1/user/repos HTTP/1.1\r\nHost: x\r\nAuthorization: token {token}\r\n\
                 Content-Type: application/json\r\nContent-Length: 50\r\n\r\n{{"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
        busy.push(c);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let t = Instant::now();
    let r = reqwest::Client::new()
        .get(s.url("/api/v1/version"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Served once a stalled body ran out of time, not before.
    assert!(
        t.elapsed() >= Duration::from_millis(1200),
        "served while the server was full: {:?}",
        t.elapsed()
    );
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_targets_and_headers_get_json_errors() {
    let s = TestServer::start().await;
    let long = "a".repeat(20_000);
    let r = s
        .client
        .get(s.url(&format!("/api/v1/version?x={long}")))
        .send()
        .await
        .unwrap();
    let r = TestServer::read(r).await;
    assert_eq!(r.status, 414, "{}", r.text);
    assert!(!r.message().is_empty(), "{}", r.text);
    assert!(r.body["url"]
        .as_str()
        .is_some_and(|u| u.ends_with("api/swagger")));
    let r = s
        .client
        .get(s.url("/api/v1/version"))
        .header("cookie", "c=".to_string() + &"b".repeat(70_000))
        .send()
        .await
        .unwrap();
    let r = TestServer::read(r).await;
    assert_eq!(r.status, 431, "{}", r.text);
    assert!(!r.message().is_empty(), "{}", r.text);
    assert!(r.body["url"]
        .as_str()
        .is_some_and(|u| u.ends_with("api/swagger")));
    // Within the limits, the same requests are served.
    s.get(
        &format!("/api/v1/version?x={}", &long[..4000]),
        &common::Auth::None,
    )
    .await
    .expect(200);
    s.stop().await;
}

/// Heads hyper refuses before the router (a control character in a header value, more
/// header lines than it reads) get the JSON error shape too, also after a request that
/// was served on the same connection.
#[tokio::test]
async fn malformed_heads_get_json_errors() {
    let s = TestServer::start().await;
    let host = s.base.trim_start_matches("http://").to_string();
    let control = format!(
        "POST /api/v1/user/repos HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\x01\r\nContent-Length: 2\r\n\r\n{{}}"
    );
    let mut many = format!("GET /api/v1/version HTTP/1.1\r\nHost: {host}\r\n");
    for i in 0..600 {
        many.push_str(&format!("X-H{i}: v\r\n"));
    }
    many.push_str("\r\n");
    let served_first = format!("GET /api/v1/version HTTP/1.1\r\nHost: {host}\r\n\r\n{control}");
    for (raw, status) in [(&control, 400), (&many, 431), (&served_first, 400)] {
        let mut conn = connect(&s).await;
        conn.write_all(raw.as_bytes()).await.unwrap();
        let answer = read_until_closed(&mut conn, Duration::from_secs(10))
            .await
            .expect("the server answers and closes");
        // The last answer on the connection is the refusal.
        let last = &answer[answer.rfind("HTTP/1.1 ").unwrap()..];
        assert!(last.starts_with(&format!("HTTP/1.1 {status} ")), "{answer}");
        let body = json_body(last);
        assert!(
            !body["message"].as_str().unwrap_or("").is_empty(),
            "{answer}"
        );
        assert!(
            body["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("api/swagger")),
            "{answer}"
        );
    }
    s.stop().await;
}
