//! The `oxforge` binary: Gitea's CLI verbs, configuration errors, and a real start.

mod common;

use std::process::Command;

fn oxforge() -> Command {
    Command::new(env!("CARGO_BIN_EXE_oxforge"))
}

fn sqlite_only() -> bool {
    // The binary is exercised on its embedded default; the PostgreSQL run covers the API.
    common::backend_name() == "sqlite"
}

#[test]
fn admin_user_create_and_token_generation() {
    if !sqlite_only() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().to_str().unwrap();
    let out = oxforge()
        .args(["admin", "user", "create", "--work-path", work])
        .args([
            "--username",
            "root",
            "--password",
            "secret-pass",
            "--email",
            "root@example.com",
            "--admin",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "New user 'root' has been successfully created!"
    );
    assert!(dir.path().join("oxforge.db").exists());
    assert!(dir.path().join("repositories").is_dir());

    let out = oxforge()
        .args([
            "admin",
            "user",
            "generate-access-token",
            "--work-path",
            work,
        ])
        .args([
            "--username",
            "root",
            "--token-name",
            "ci",
            "--scopes",
            "read:user",
            "--raw",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(token.len(), 40);

    // The same name again is refused with Gitea's message.
    let out = oxforge()
        .args([
            "-w",
            work,
            "admin",
            "user",
            "generate-access-token",
            "-u",
            "root",
            "-t",
            "ci",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("access token name has been used already")
    );

    // A second user must change the password unless told otherwise.
    let out = oxforge()
        .args([
            "-w",
            work,
            "admin",
            "user",
            "create",
            "--username",
            "second",
            "--password",
            "secret-pass",
        ])
        .args(["--email", "s@example.com", "--must-change-password=false"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = oxforge()
        .args([
            "-w",
            work,
            "admin",
            "user",
            "create",
            "--username",
            "bad/name",
            "--password",
            "secret-pass",
        ])
        .args(["--email", "b@example.com"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn configuration_errors_exit_1_with_a_message() {
    if !sqlite_only() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ini = dir.path().join("app.ini");
    let cases = [
        ("[database]\nDB_TYPE = oracle\n", "DB_TYPE"),
        ("[server]\nHTTP_PORT = 70000\n", "HTTP_PORT"),
        ("[api]\nENABLE_SWAGGER = maybe\n", "ENABLE_SWAGGER"),
    ];
    for (text, key) in cases {
        std::fs::write(&ini, text).unwrap();
        let out = oxforge()
            .args([
                "web",
                "--config",
                ini.to_str().unwrap(),
                "--work-path",
                dir.path().to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{text}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(key), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let out = oxforge()
        .args(["web", "--config", "/nonexistent/app.ini"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read config file"));
    // Environment overrides are read too.
    let out = oxforge()
        .args([
            "web",
            "--work-path",
            dir.path().to_str().unwrap(),
            "--config",
            "/dev/null",
        ])
        .env("OXFORGE__DATABASE__DB_TYPE", "mssql")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mssql"));
}

#[test]
fn web_serves_on_the_configured_port_and_stops_on_sigterm() {
    if !sqlite_only() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = std::time::Instant::now();
    let mut child = oxforge()
        .args([
            "web",
            "--work-path",
            dir.path().to_str().unwrap(),
            "--port",
            &port.to_string(),
        ])
        .env("OXFORGE__SERVER__HTTP_ADDR", "127.0.0.1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut body = String::new();
    for _ in 0..200 {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            s.write_all(b"GET /api/v1/version HTTP/1.0\r\nHost: x\r\n\r\n")
                .unwrap();
            s.read_to_string(&mut body).unwrap();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    eprintln!("first answer after {:?}", started.elapsed());
    assert!(body.contains("\"version\""), "{body}");
    sigterm(child.id());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

fn sigterm(pid: u32) {
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
}
