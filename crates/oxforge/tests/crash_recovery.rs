//! The real binary killed with SIGKILL in the middle of creating, migrating, renaming,
//! deleting and pushing, on the database the suite runs on. After each kill the server
//! restarts, and at the end the state must be consistent: every repository row has its
//! directory and answers its endpoints, every directory has its row, `git fsck` is clean,
//! interrupted repositories are gone with their names free, an interrupted rename is
//! undone, a push git finished is reflected in the row and the event log, and no git
//! process outlives the server.
//!
//! Each kill happens at a named point (`OXFORGE_PAUSE_AT`: the operation parks there and
//! logs it; the test then sends SIGKILL), and once at a random moment during a burst of
//! concurrent creates.

mod common;

use common::gitcli::{git, ok};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const USER: &str = "root";
const PASS: &str = "secret-pass";

struct Server {
    work: PathBuf,
    port: u16,
    env: Vec<(String, String)>,
    child: Option<Child>,
    lines: Option<mpsc::Receiver<String>>,
    client: reqwest::Client,
    /// PostgreSQL database to query (None on SQLite).
    pg: Option<String>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    async fn new(work: &Path) -> Server {
        let mut env = vec![(
            "OXFORGE__SERVER__HTTP_ADDR".to_string(),
            "127.0.0.1".to_string(),
        )];
        env.push((
            "OXFORGE__SECURITY__IMPORT_LOCAL_PATHS".into(),
            "true".into(),
        ));
        let mut pg = None;
        if let Some(url) = common::postgres_url() {
            let name = common::create_pg_database(&url).await;
            let (user, pass, host) = common::pg_parts(&url);
            for (k, v) in [
                ("DB_TYPE", "postgres".to_string()),
                ("HOST", host),
                ("NAME", name.clone()),
                ("USER", user),
                ("PASSWD", pass),
            ] {
                env.push((format!("OXFORGE__DATABASE__{k}"), v));
            }
            pg = Some(format!(
                "{}/{name}",
                url.rsplit_once('/').map(|x| x.0).unwrap_or(&url)
            ));
        }
        let s = Server {
            work: work.to_path_buf(),
            port: free_port(),
            env,
            child: None,
            lines: None,
            client: reqwest::Client::new(),
            pg,
        };
        let out = s
            .command()
            .args(["admin", "user", "create", "--work-path"])
            .arg(&s.work)
            .args(["--username", USER, "--password", PASS])
            .args(["--email", "root@example.com", "--admin"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        s
    }

    fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_oxforge"));
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    /// Starts the server, parking the operation that reaches `pause_at`.
    async fn start(&mut self, pause_at: Option<&str>) {
        let mut c = self.command();
        c.args(["web", "--work-path"])
            .arg(&self.work)
            .args(["--port", &self.port.to_string()])
            .env("OXFORGE_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(p) = pause_at {
            c.env("OXFORGE_PAUSE_AT", p);
        }
        let mut child = c.spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        self.child = Some(child);
        self.lines = Some(rx);
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.client.get(self.url("/version")).send().await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("server did not come up");
    }

    /// Waits until the server logs that it reached `point`.
    fn wait_for_pause(&self, point: &str) {
        let rx = self.lines.as_ref().unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(100)) {
                if line.contains("pause point reached") && line.contains(point) {
                    return;
                }
            }
        }
        panic!("the server never reached {point}");
    }

    fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// SIGKILL: no shutdown, no clean-up.
    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().unwrap();
            c.wait().unwrap();
        }
        self.lines = None;
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/api/v1{path}", self.port)
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut rb = self
            .client
            .request(method, self.url(path))
            .basic_auth(USER, Some(PASS));
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let res = rb.send().await.unwrap();
        let status = res.status().as_u16();
        let body = res.json::<Value>().await.unwrap_or(Value::Null);
        (status, body)
    }

    /// Sends a request the server will park: it never answers before the kill.
    fn send_parked(&self, method: reqwest::Method, path: &str, body: Value) {
        let rb = self
            .client
            .request(method, self.url(path))
            .basic_auth(USER, Some(PASS))
            .json(&body);
        tokio::spawn(async move {
            let _ = rb.send().await;
        });
    }

    fn repo_root(&self) -> PathBuf {
        self.work.join("repositories")
    }

    fn clone_url(&self, name: &str) -> String {
        format!(
            "http://{USER}:{PASS}@127.0.0.1:{}/{USER}/{name}.git",
            self.port
        )
    }

    /// Kinds of the events logged for repository `repo_id`.
    async fn event_kinds(&self, repo_id: i64) -> Vec<String> {
        use sqlx::{Connection, Row};
        let sql = "SELECT kind FROM events WHERE repo_id = $1 ORDER BY id";
        let rows = match &self.pg {
            Some(url) => {
                let mut c = sqlx::PgConnection::connect(url).await.unwrap();
                sqlx::query(sql)
                    .bind(repo_id)
                    .fetch_all(&mut c)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.get::<String, _>("kind"))
                    .collect()
            }
            None => {
                let url = format!("sqlite://{}", self.work.join("oxforge.db").display());
                let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
                sqlx::query(sql)
                    .bind(repo_id)
                    .fetch_all(&mut c)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.get::<String, _>("kind"))
                    .collect()
            }
        };
        rows
    }
}

/// Bare repositories under the root, as `owner/name` in lower case.
fn dirs_on_disk(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for owner in std::fs::read_dir(root).unwrap().flatten() {
        let o = owner.file_name().to_string_lossy().to_string();
        if o.starts_with('.') {
            continue;
        }
        for repo in std::fs::read_dir(owner.path()).unwrap().flatten() {
            let r = repo.file_name().to_string_lossy().to_string();
            if let Some(name) = r.strip_suffix(".git") {
                out.push(format!("{o}/{name}"));
            }
        }
    }
    out.sort();
    out
}

/// Git processes whose command line names `root` (children of a server that is gone).
fn git_processes_under(root: &Path) -> Vec<String> {
    let needle = root.to_string_lossy().to_string();
    let mut out = Vec::new();
    for p in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(cmd) = std::fs::read(p.path().join("cmdline")) {
            let text = String::from_utf8_lossy(&cmd).replace('\0', " ");
            if text.contains("git") && text.contains(&needle) {
                out.push(text);
            }
        }
    }
    out
}

/// Every repository is complete or gone: rows and directories match one to one, each
/// answers its endpoints, `git fsck` is clean, no quarantine is left, and no name is held.
async fn assert_consistent(s: &Server) -> Vec<Value> {
    let (status, body) = s
        .send(reqwest::Method::GET, "/repos/search?limit=50", None)
        .await;
    assert_eq!(status, 200);
    let repos = body["data"].as_array().unwrap().clone();
    let mut names: Vec<String> = repos
        .iter()
        .map(|r| r["full_name"].as_str().unwrap().to_lowercase())
        .collect();
    names.sort();
    assert_eq!(
        names,
        dirs_on_disk(&s.repo_root()),
        "repository rows and directories match one to one"
    );
    for r in &repos {
        let full = r["full_name"].as_str().unwrap();
        for tail in ["", "/branches", "/git/refs"] {
            let (status, _) = s
                .send(reqwest::Method::GET, &format!("/repos/{full}{tail}"), None)
                .await;
            // An empty repository has no refs to list (Gitea answers 404 there too).
            let empty = r["empty"].as_bool().unwrap();
            assert!(
                status == 200 || (empty && tail == "/git/refs" && status == 404),
                "{full}{tail}: {status}"
            );
        }
        let dir = s.repo_root().join(full.to_lowercase() + ".git");
        let out = Command::new("git")
            .arg("--git-dir")
            .arg(&dir)
            .args(["fsck", "--strict", "--no-dangling"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "fsck {full}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let objects = std::fs::read_dir(dir.join("objects")).unwrap();
        for e in objects.flatten() {
            let n = e.file_name().to_string_lossy().to_string();
            assert!(!n.starts_with("tmp_objdir-incoming-"), "{full}: {n} left");
        }
    }
    repos
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_server_leaves_nothing_half_made() {
    let work = tempfile::tempdir().unwrap();
    let mut s = Server::new(work.path()).await;
    let source = tempfile::tempdir().unwrap();
    let src = source.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    ok(git(&src, &["init", "-q"]));
    std::fs::write(src.join("a.txt"), "a\n").unwrap();
    ok(git(&src, &["add", "."]));
    ok(git(&src, &["commit", "-qm", "one"]));
    let src_path = src.to_str().unwrap().to_string();
    use reqwest::Method;

    // Creation, before and after its directory is made.
    for (point, name) in [("create:reserved", "c1"), ("create:dir-made", "c2")] {
        s.start(Some(point)).await;
        s.send_parked(
            Method::POST,
            "/user/repos",
            json!({"name": name, "auto_init": true}),
        );
        s.wait_for_pause(point);
        s.kill();
    }
    // Migration, during the clone and once the clone is in place.
    for (point, name) in [("migrate:cloning", "m1"), ("migrate:in-place", "m2")] {
        s.start(Some(point)).await;
        s.send_parked(
            Method::POST,
            "/repos/migrate",
            json!({"clone_addr": src_path, "repo_name": name}),
        );
        s.wait_for_pause(point);
        s.kill();
    }
    // Rename, after the directory moved.
    s.start(Some("rename:moved")).await;
    let (st, _) = s
        .send(
            Method::POST,
            "/user/repos",
            Some(json!({"name": "r1", "auto_init": true})),
        )
        .await;
    assert_eq!(st, 201);
    s.send_parked(Method::PATCH, "/repos/root/r1", json!({"name": "r2"}));
    s.wait_for_pause("rename:moved");
    assert!(s.repo_root().join("root/r2.git").exists());
    s.kill();
    // Delete, after the row went.
    s.start(Some("delete:row-gone")).await;
    let (st, _) = s
        .send(
            Method::POST,
            "/user/repos",
            Some(json!({"name": "d1", "auto_init": true})),
        )
        .await;
    assert_eq!(st, 201);
    s.send_parked(Method::DELETE, "/repos/root/d1", json!({}));
    s.wait_for_pause("delete:row-gone");
    s.kill();

    // A push parked once its commands are recorded: git is running, and dies with us.
    s.start(Some("push:marked")).await;
    let (st, p1) = s
        .send(
            Method::POST,
            "/user/repos",
            Some(json!({"name": "p1", "auto_init": true})),
        )
        .await;
    assert_eq!(st, 201);
    let p1_id = p1["id"].as_i64().unwrap();
    let clone = tempfile::tempdir().unwrap();
    let wc = clone.path().join("p1");
    ok(git(
        clone.path(),
        &["clone", "-q", &s.clone_url("p1"), wc.to_str().unwrap()],
    ));
    std::fs::write(wc.join("b.txt"), "b\n").unwrap();
    ok(git(&wc, &["add", "."]));
    ok(git(&wc, &["commit", "-qm", "two"]));
    let wc2 = wc.clone();
    let push =
        std::thread::spawn(move || git(&wc2, &["push", "-q", "origin", "HEAD:refs/heads/lost"]));
    s.wait_for_pause("push:marked");
    // What a receive-pack killed while unpacking leaves: its quarantine (git removes it
    // itself on any exit but SIGKILL).
    let quarantine = s
        .repo_root()
        .join("root/p1.git/objects/tmp_objdir-incoming-KILLED/pack");
    std::fs::create_dir_all(&quarantine).unwrap();
    std::fs::write(quarantine.join("tmp_pack_x"), b"PACK").unwrap();
    let server_pid = s.pid();
    assert!(
        !git_processes_under(&s.repo_root()).is_empty(),
        "git receive-pack runs while the push is parked"
    );
    s.kill();
    let pushed = push.join().unwrap();
    assert!(
        !pushed.status.success(),
        "the client is told the push failed"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !git_processes_under(&s.repo_root()).is_empty() {
        assert!(
            Instant::now() < deadline,
            "git outlived the server (pid {server_pid}): {:?}",
            git_processes_under(&s.repo_root())
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A push git finished before the server could update the row and log the events.
    s.start(Some("push:applied")).await;
    let wc2 = wc.clone();
    let push =
        std::thread::spawn(move || git(&wc2, &["push", "-q", "origin", "HEAD:refs/heads/kept"]));
    s.wait_for_pause("push:applied");
    s.kill();
    let _ = push.join().unwrap();

    // A burst of creates killed at a random moment.
    s.start(None).await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let rb = s
            .client
            .post(s.url("/user/repos"))
            .basic_auth(USER, Some(PASS))
            .json(&json!({"name": format!("burst{i}"), "auto_init": true}));
        tasks.push(tokio::spawn(async move {
            rb.send().await.map(|r| r.status().as_u16())
        }));
    }
    tokio::time::sleep(Duration::from_millis(150 + rand::random::<u64>() % 300)).await;
    s.kill();
    for t in tasks {
        let _ = t.await;
    }

    // The next start reconciles.
    s.start(None).await;
    let repos = assert_consistent(&s).await;
    let names: Vec<&str> = repos.iter().map(|r| r["name"].as_str().unwrap()).collect();
    for gone in ["c1", "c2", "m1", "m2", "d1", "r2"] {
        assert!(!names.contains(&gone), "{gone} is gone: {names:?}");
    }
    assert!(names.contains(&"r1"), "the rename was undone: {names:?}");
    assert!(names.contains(&"p1"));
    for r in &repos {
        let name = r["name"].as_str().unwrap();
        if name.starts_with("burst") {
            // Created with a README: complete means it has its branch.
            assert_eq!(r["empty"], false, "{name}");
            let (st, b) = s
                .send(Method::GET, &format!("/repos/root/{name}/branches"), None)
                .await;
            assert_eq!(st, 200);
            assert_eq!(b.as_array().unwrap().len(), 1, "{name}");
        }
    }
    // The push git finished is the repository's state, row and events included; the
    // parked one left nothing.
    let (st, b) = s.send(Method::GET, "/repos/root/p1/branches", None).await;
    assert_eq!(st, 200);
    let mut branches: Vec<&str> = b
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    branches.sort();
    assert_eq!(branches, ["kept", "main"]);
    let kinds = s.event_kinds(p1_id).await;
    assert_eq!(
        kinds.iter().filter(|k| *k == "pushed").count(),
        1,
        "the finished push is logged once: {kinds:?}"
    );
    assert!(kinds.iter().any(|k| k == "branch_created"), "{kinds:?}");
    // Every interrupted name is free again.
    for name in ["c1", "c2", "m1", "m2", "d1", "r2"] {
        let (st, body) = s
            .send(
                Method::POST,
                "/user/repos",
                Some(json!({"name": name, "auto_init": true})),
            )
            .await;
        assert_eq!(st, 201, "{name}: {body}");
    }
    for i in 0..40 {
        let name = format!("burst{i}");
        if !names.contains(&name.as_str()) {
            let (st, body) = s
                .send(Method::POST, "/user/repos", Some(json!({"name": name})))
                .await;
            assert_eq!(st, 201, "{name}: {body}");
        }
    }
    assert_consistent(&s).await;
    assert!(
        !s.work.join("repositories/.migrating").exists()
            || std::fs::read_dir(s.work.join("repositories/.migrating"))
                .unwrap()
                .next()
                .is_none(),
        "no scratch clone is left"
    );
    s.kill();
}
