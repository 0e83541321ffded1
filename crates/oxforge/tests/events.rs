//! Domain events across a crash of the real binary: what a change wrote to the event log
//! survives `kill -9`, and the durable consumers reach it after the next start.

mod common;

use sqlx::{Connection, Row};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn oxforge() -> Command {
    Command::new(env!("CARGO_BIN_EXE_oxforge"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(work: &str, port: u16) -> Child {
    oxforge()
        .args(["web", "--work-path", work, "--port", &port.to_string()])
        .env("OXFORGE__SERVER__HTTP_ADDR", "127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_up(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if client
            .get(format!("{base}/api/v1/version"))
            .send()
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("server did not come up");
}

/// (events in the log, highest id, the log consumer's cursor)
async fn log_state(db: &std::path::Path) -> (Vec<String>, i64, i64) {
    let url = format!("sqlite://{}", db.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let kinds: Vec<String> = sqlx::query("SELECT kind FROM events ORDER BY id")
        .fetch_all(&mut conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("kind"))
        .collect();
    let max: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) AS m FROM events")
        .fetch_one(&mut conn)
        .await
        .unwrap()
        .get("m");
    let cursor: i64 = sqlx::query(
        "SELECT COALESCE(MAX(last_id), 0) AS c FROM event_cursors WHERE consumer = 'log'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap()
    .get("c");
    (kinds, max, cursor)
}

#[tokio::test]
async fn events_survive_a_kill_and_are_delivered_after_the_restart() {
    if common::backend_name() != "sqlite" {
        // The binary runs on its embedded default; the service tests cover PostgreSQL.
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().to_str().unwrap();
    let out = oxforge()
        .args(["admin", "user", "create", "--work-path", work])
        .args(["--username", "root", "--password", "secret-pass"])
        .args(["--email", "root@example.com", "--admin"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let client = reqwest::Client::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut first = start(work, port);
    wait_up(&client, &base).await;
    let post = |path: &str, body: serde_json::Value| {
        client
            .post(format!("{base}/api/v1{path}"))
            .basic_auth("root", Some("secret-pass"))
            .json(&body)
            .send()
    };
    let r = post(
        "/user/repos",
        serde_json::json!({"name": "kept", "auto_init": true}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    let r = post(
        "/repos/root/kept/issues",
        serde_json::json!({"title": "crash"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    // No chance to shut down cleanly.
    first.kill().unwrap();
    first.wait().unwrap();

    let db = dir.path().join("oxforge.db");
    let (kinds, max, _) = log_state(&db).await;
    assert_eq!(
        kinds,
        ["repo_created", "issue_opened"],
        "the log after the kill"
    );

    let mut second = start(work, port);
    wait_up(&client, &base).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut cursor = 0;
    while Instant::now() < deadline {
        cursor = log_state(&db).await.2;
        if cursor == max {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    second.kill().unwrap();
    second.wait().unwrap();
    assert_eq!(
        cursor, max,
        "the log consumer reached every event after the restart"
    );
}
