//! `oxforge-bench`: seeds a database with many users and repositories, serves it, and runs
//! `wrk` against the API next to a fixed-body route of the same stack (the ceiling), then
//! measures start-up time and idle memory of the real binary. Prints a Markdown table.
//!
//! Usage: oxforge-bench [--backend sqlite|postgres] [--users N] [--repos N]
//!                      [--duration SECS] [--connections N] [--pg-url URL] [--work DIR]

use axum::routing::get;
use axum::{Json, Router};
use oxforge::config::Config;
use oxforge::AppState;
use oxforge_core::model::Visibility;
use oxforge_store::{NewRepo, NewUser};
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

const WORDS: &[&str] = &[
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    "uniform", "victor", "whiskey", "xray", "yankee", "zulu", "parser", "server", "client",
    "engine", "widget", "toolkit", "compiler", "runtime", "kernel", "driver", "plugin", "theme",
    "docs", "website", "backend", "frontend", "mobile", "desktop", "infra", "deploy", "scripts",
    "dotfiles", "notes", "sandbox",
];

struct Opts {
    backend: String,
    users: usize,
    repos: usize,
    duration: u64,
    connections: usize,
    pg_url: String,
    work: PathBuf,
}

fn parse_opts() -> Opts {
    let mut o = Opts {
        backend: "sqlite".into(),
        users: 1000,
        repos: 100_000,
        duration: 10,
        connections: 16,
        pg_url: "postgres://postgres@127.0.0.1:5432/test".into(),
        work: PathBuf::new(),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--backend" => o.backend = v,
            "--users" => o.users = v.parse().expect("--users N"),
            "--repos" => o.repos = v.parse().expect("--repos N"),
            "--duration" => o.duration = v.parse().expect("--duration SECS"),
            "--connections" => o.connections = v.parse().expect("--connections N"),
            "--pg-url" => o.pg_url = v,
            "--work" => o.work = PathBuf::from(v),
            other => panic!("unknown option {other}"),
        }
        i += 2;
    }
    if o.work.as_os_str().is_empty() {
        let home = std::env::var("HOME").unwrap_or_else(|_| "/tmp".into());
        o.work = PathBuf::from(home)
            .join(".cache/oxforge-bench")
            .join(&o.backend);
    }
    o
}

fn config(o: &Opts) -> (Config, ini::Ini) {
    let mut ini = ini::Ini::new();
    if o.backend == "postgres" {
        let host = o
            .pg_url
            .split('@')
            .nth(1)
            .and_then(|h| h.split('/').next())
            .unwrap_or("127.0.0.1:5432");
        ini.with_section(Some("database"))
            .set("DB_TYPE", "postgres")
            .set("HOST", host)
            .set("NAME", format!("oxforge_bench_{}_{}", o.users, o.repos))
            .set("USER", "postgres");
    }
    ini.with_section(Some("server"))
        .set("HTTP_ADDR", "127.0.0.1");
    let cfg = Config::from_ini(&ini, o.work.clone(), Some(0)).expect("config");
    (cfg, ini)
}

async fn ensure_pg_database(o: &Opts, name: &str) {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&o.pg_url)
        .await
        .expect("PostgreSQL");
    let exists: Option<(i32,)> = sqlx::query_as("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_optional(&mut conn)
        .await
        .expect("query");
    if exists.is_none() {
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create database");
    }
}

async fn seed(o: &Opts, svc: &oxforge_service::Services) {
    let have = svc.store.count_users().await.expect("count");
    if have as usize >= o.users {
        eprintln!("seed: {have} users already there, reusing");
        return;
    }
    let started = Instant::now();
    let hash = oxforge_service::accounts::hash_password("bench-password")
        .await
        .expect("hash");
    let per_user = o.repos.div_ceil(o.users);
    let mut made = 0;
    for u in 0..o.users {
        let name = format!("user{u:04}");
        let user = svc
            .store
            .insert_user(&NewUser {
                name: name.clone(),
                email: format!("{name}@example.com"),
                passwd_hash: hash.clone(),
                login_name: name.clone(),
                visibility: Visibility::Public,
                created_unix: oxforge_core::time::now(),
                ..Default::default()
            })
            .await
            .expect("user");
        for r in 0..per_user {
            if made == o.repos {
                break;
            }
            let word = WORDS[(u * 7 + r) % WORDS.len()];
            svc.store
                .insert_repo(&NewRepo {
                    owner_id: user.id,
                    name: format!("{word}-{r:03}"),
                    description: format!("The {word} project number {r}"),
                    website: String::new(),
                    default_branch: "main".into(),
                    is_private: r % 10 == 0,
                    is_template: false,
                    is_mirror: false,
                    original_url: String::new(),
                    object_format_name: "sha1".into(),
                    num_watches: 1,
                    is_empty: true,
                    size: 0,
                })
                .await
                .expect("repo");
            made += 1;
        }
    }
    eprintln!(
        "seed: {} users, {made} repositories in {:.1?}",
        o.users,
        started.elapsed()
    );
}

/// Organisations for the permissions benchmark: `member` belongs to `ORGS` organisations
/// (through a write team; even ones include all repositories, odd ones list them one by
/// one) whose `ORG_REPOS` repositories in all (half private) it reaches.
const ORGS: usize = 50;
const ORG_REPOS: usize = 20_000;

async fn seed_orgs(svc: &oxforge_service::Services) {
    if svc
        .store
        .user_by_name("member")
        .await
        .expect("lookup")
        .is_some()
    {
        return;
    }
    let started = Instant::now();
    let hash = oxforge_service::accounts::hash_password("bench-password")
        .await
        .expect("hash");
    let new_user = |name: &str| NewUser {
        name: name.into(),
        email: format!("{name}@example.com"),
        passwd_hash: hash.clone(),
        login_name: name.into(),
        visibility: Visibility::Public,
        created_unix: oxforge_core::time::now(),
        ..Default::default()
    };
    let boss = svc
        .store
        .insert_user(&new_user("orgboss"))
        .await
        .expect("user");
    let member = svc
        .store
        .insert_user(&new_user("member"))
        .await
        .expect("user");
    let per_org = ORG_REPOS / ORGS;
    for i in 0..ORGS {
        let opts = oxforge_service::orgs::OrgOptions {
            username: Some(format!("org{i:02}")),
            visibility: Some(if i % 3 == 0 { "private" } else { "public" }.into()),
            ..Default::default()
        };
        let actor = svc.local_actor(&boss.name).await.expect("actor");
        let org = svc.create_org(&actor, &boss, opts).await.expect("org");
        let team = svc
            .create_team(
                &actor,
                &org,
                oxforge_service::orgs::TeamOptions {
                    name: Some("devs".into()),
                    permission: Some("write".into()),
                    includes_all_repositories: Some(i % 2 == 0),
                    ..Default::default()
                },
            )
            .await
            .expect("team");
        svc.store
            .add_team_member(&team, member.id)
            .await
            .expect("member");
        for r in 0..per_org {
            let word = WORDS[(i * 11 + r) % WORDS.len()];
            let id = svc
                .store
                .insert_repo(&NewRepo {
                    owner_id: org.id,
                    name: format!("{word}-{r:03}"),
                    description: format!("The {word} service number {r}"),
                    website: String::new(),
                    default_branch: "main".into(),
                    is_private: r % 2 == 0,
                    is_template: false,
                    is_mirror: false,
                    original_url: String::new(),
                    object_format_name: "sha1".into(),
                    num_watches: 1,
                    is_empty: true,
                    size: 0,
                })
                .await
                .expect("repo");
            if i % 2 == 1 {
                svc.store
                    .set_team_repo(team.id, id, true)
                    .await
                    .expect("team repo");
            }
        }
    }
    eprintln!(
        "seed: {ORGS} organisations with {ORG_REPOS} repositories for `member` in {:.1?}",
        started.elapsed()
    );
}

/// The issue-tracker benchmark: `user0001/tracker` with `ISSUES` issues, each with one of
/// `LABELS` labels (so 20,000 per label), every third one closed.
const ISSUES: usize = 100_000;
const LABELS: [&str; 5] = ["bug", "feature", "docs", "question", "ops"];

async fn seed_issues(svc: &oxforge_service::Services) {
    let owner = svc
        .store
        .user_by_name("user0001")
        .await
        .expect("lookup")
        .expect("user0001");
    if svc
        .store
        .repo_by_name("user0001", "tracker")
        .await
        .expect("lookup")
        .is_some()
    {
        return;
    }
    let started = Instant::now();
    let repo_id = svc
        .store
        .insert_repo(&NewRepo {
            owner_id: owner.id,
            name: "tracker".into(),
            description: "Issue benchmark".into(),
            website: String::new(),
            default_branch: "main".into(),
            is_private: false,
            is_template: false,
            is_mirror: false,
            original_url: String::new(),
            object_format_name: "sha1".into(),
            num_watches: 1,
            is_empty: true,
            size: 0,
        })
        .await
        .expect("repo");
    let mut label_ids = Vec::new();
    for (i, name) in LABELS.iter().enumerate() {
        let l = oxforge_core::issues::Label {
            id: 0,
            repo_id,
            org_id: 0,
            name: name.to_string(),
            color: format!("{:06x}", i * 0x202020),
            description: String::new(),
            exclusive: false,
            archived_unix: 0,
        };
        label_ids.push(svc.store.create_label(repo_id, &l).await.expect("label").id);
    }
    // Several writers at once: PostgreSQL takes them in parallel, SQLite queues them.
    let store = Arc::new(svc.store.clone());
    let mut tasks = Vec::new();
    for w in 0..4 {
        let (store, label_ids) = (store.clone(), label_ids.clone());
        tasks.push(tokio::spawn(async move {
            for i in (w..ISSUES).step_by(4) {
                let word = WORDS[i % WORDS.len()];
                store
                    .create_issue(&oxforge_store::NewIssue {
                        repo_id,
                        poster_id: owner.id,
                        title: format!("The {word} thing number {i}"),
                        body: format!("When {word} runs, issue {i} happens."),
                        label_ids: vec![label_ids[i % label_ids.len()]],
                        closed: i % 3 == 0,
                        ..Default::default()
                    })
                    .await
                    .expect("issue");
            }
        }));
    }
    for t in tasks {
        t.await.expect("seeder");
    }
    eprintln!(
        "seed: {ISSUES} issues in user0001/tracker in {:.1?}",
        started.elapsed()
    );
}

struct WrkResult {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn to_ms(s: &str) -> f64 {
    let num: String = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let v: f64 = num.parse().unwrap_or(f64::NAN);
    if s.ends_with("us") {
        v / 1000.0
    } else if s.ends_with("ms") {
        v
    } else if s.ends_with('s') {
        v * 1000.0
    } else {
        v
    }
}

fn wrk(url: &str, token: &str, o: &Opts) -> WrkResult {
    let out = Command::new("wrk")
        .args([
            "-t",
            "1",
            "-c",
            &o.connections.to_string(),
            "-d",
            &format!("{}s", o.duration),
            "--latency",
        ])
        .args(["-H", &format!("Authorization: token {token}"), url])
        .output()
        .expect("wrk (apt-get install wrk)");
    let text = String::from_utf8_lossy(&out.stdout);
    if text.contains("Non-2xx") {
        panic!("non-2xx answers from {url}:\n{text}");
    }
    let mut r = WrkResult {
        rps: f64::NAN,
        p50_ms: f64::NAN,
        p99_ms: f64::NAN,
    };
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["Requests/sec:", v] => r.rps = v.parse().unwrap_or(f64::NAN),
            ["50%", v] => r.p50_ms = to_ms(v),
            ["99%", v] => r.p99_ms = to_ms(v),
            _ => {}
        }
    }
    r
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// Starts the real binary on the seeded data: time to first answer, and idle RSS.
fn startup_and_rss(o: &Opts, ini: &ini::Ini) -> (Duration, u64) {
    let exe = std::env::current_exe()
        .expect("exe")
        .with_file_name("oxforge");
    let conf = o.work.join("bench-app.ini");
    let mut ini = ini.clone();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    ini.with_section(Some("server"))
        .set("HTTP_PORT", port.to_string());
    ini.write_to_file(&conf).expect("write ini");
    let started = Instant::now();
    let mut child = Command::new(&exe)
        .args([
            "web",
            "--config",
            conf.to_str().unwrap(),
            "--work-path",
            o.work.to_str().unwrap(),
        ])
        .env("OXFORGE_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e} (build it: cargo build --release)", exe.display()));
    let mut first = None;
    while started.elapsed() < Duration::from_secs(10) {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            let _ = s.write_all(b"GET /api/v1/version HTTP/1.0\r\nHost: x\r\n\r\n");
            let mut body = String::new();
            let _ = s.read_to_string(&mut body);
            if body.starts_with("HTTP/1.") && body.contains(" 200 ") {
                first = Some(started.elapsed());
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_secs(2));
    let rss = rss_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    (first.expect("server never answered"), rss)
}

fn main() {
    let o = parse_opts();
    std::fs::create_dir_all(&o.work).expect("work dir");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (cfg, ini) = config(&o);
    let (token, repo_path, fixed) = rt.block_on(async {
        if o.backend == "postgres" {
            ensure_pg_database(&o, &cfg.database.name).await;
        }
        let svc = oxforge::open_services(&cfg).await.expect("open");
        seed(&o, &svc).await;
        seed_orgs(&svc).await;
        seed_issues(&svc).await;
        if o.backend == "postgres" {
            // Measure the steady state autovacuum reaches, not fresh unanalysed tables.
            use sqlx::Connection;
            let url = format!(
                "{}/{}",
                o.pg_url.rsplit_once('/').map_or("", |p| p.0),
                cfg.database.name
            );
            let mut conn = sqlx::PgConnection::connect(&url).await.expect("PostgreSQL");
            sqlx::query("VACUUM ANALYZE")
                .execute(&mut conn)
                .await
                .expect("vacuum");
        }
        let member_token = svc
            .create_token_for(
                "member",
                &format!("bench{}", oxforge_core::time::now()),
                "all",
            )
            .await
            .expect("token");
        let token = svc
            .create_token_for(
                "user0001",
                &format!("bench{}", oxforge_core::time::now()),
                "all",
            )
            .await
            .expect("token");
        (
            (token, member_token),
            format!(
                "/api/v1/repos/user0001/{}-{:03}",
                WORDS[(7 + 1) % WORDS.len()],
                1
            ),
            svc,
        )
    });
    let svc = fixed;
    let (token, member_token) = token;
    let body: Arc<OnceLock<Value>> = Arc::new(OnceLock::new());
    let b2 = body.clone();
    let extra: Router<AppState> = Router::new().route(
        "/bench/fixed",
        get(move || {
            let b = b2.clone();
            async move { Json(b.get().cloned().unwrap_or(Value::Null)) }
        }),
    );
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let cfg2 = cfg.clone();
    let server = rt.spawn(async move {
        oxforge::serve_with(&cfg2, svc, listener, Some(extra), async {
            let _ = rx.await;
        })
        .await
        .expect("serve");
    });
    let base = format!("http://127.0.0.1:{port}");
    // The ceiling returns the very body the single-repository route returns.
    let sample = Command::new("curl")
        .args([
            "-sf",
            "-H",
            &format!("Authorization: token {token}"),
            &format!("{base}{repo_path}"),
        ])
        .output()
        .expect("curl");
    let sample: Value = serde_json::from_slice(&sample.stdout).expect("repository JSON");
    let size = serde_json::to_vec(&sample).unwrap().len();
    let _ = body.set(sample);

    let search = "/api/v1/repos/search?q=kernel&limit=50".to_string();
    let mine = "/api/v1/user/repos?limit=50".to_string();
    let all = "/api/v1/repos/search?limit=50".to_string();
    let issues = "/api/v1/repos/user0001/tracker/issues?state=open&labels=bug&limit=50".to_string();
    let open_issues = "/api/v1/repos/user0001/tracker/issues?state=open&limit=50".to_string();
    let (t, m) = (token.as_str(), member_token.as_str());
    // (name, path, connections, token): "1 connection" rows show latency without queueing;
    // "member" is in 50 organisations reaching 20,000 repositories.
    let runs = [
        (
            "fixed JSON (ceiling)",
            "/api/v1/bench/fixed".to_string(),
            o.connections,
            t,
        ),
        ("GET /repos/{o}/{r}", repo_path.clone(), o.connections, t),
        ("GET /user/repos?limit=50", mine.clone(), o.connections, t),
        (
            "GET /repos/search?q=kernel&limit=50",
            search.clone(),
            o.connections,
            t,
        ),
        ("same search, 1 connection", search.clone(), 1, t),
        (
            "member: GET /user/repos?limit=50",
            mine.clone(),
            o.connections,
            m,
        ),
        ("member: same, 1 connection", mine, 1, m),
        (
            "member: GET /repos/search?limit=50",
            all.clone(),
            o.connections,
            m,
        ),
        ("member: same, 1 connection", all, 1, m),
        ("member: search q=kernel, 1 connection", search, 1, m),
        (
            "GET .../issues?state=open&labels=bug&limit=50",
            issues.clone(),
            o.connections,
            t,
        ),
        ("same issues, 1 connection", issues, 1, t),
        ("all open issues, 1 connection", open_issues, 1, t),
    ];
    let mut results = Vec::new();
    for (name, path, connections, token) in &runs {
        let run = Opts {
            connections: *connections,
            ..clone_opts(&o)
        };
        let _ = wrk(
            &format!("{base}{path}"),
            token,
            &Opts {
                duration: 1,
                ..clone_opts(&run)
            },
        );
        let r = wrk(&format!("{base}{path}"), token, &run);
        results.push((name.to_string(), r));
    }
    let _ = tx.send(());
    let _ = rt.block_on(server);
    let (startup, rss) = startup_and_rss(&o, &ini);

    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    println!(
        "\nbackend {}, {} users, {} repositories, wrk -t1 -c{} -d{}s, {} cores ({cpu}); fixed body {size} bytes\n",
        o.backend,
        o.users,
        o.repos,
        o.connections,
        o.duration,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    );
    println!("| route | req/s | vs ceiling | p50 ms | p99 ms |");
    println!("|---|---|---|---|---|");
    let ceiling = results[0].1.rps;
    for (name, r) in &results {
        println!(
            "| {name} | {:.0} | {:.0}% | {:.2} | {:.2} |",
            r.rps,
            100.0 * r.rps / ceiling,
            r.p50_ms,
            r.p99_ms
        );
    }
    println!(
        "\nstart to first served request: {} ms; idle RSS: {:.1} MiB",
        startup.as_millis(),
        rss as f64 / 1024.0
    );
}

fn clone_opts(o: &Opts) -> Opts {
    Opts {
        backend: o.backend.clone(),
        users: o.users,
        repos: o.repos,
        duration: o.duration,
        connections: o.connections,
        pg_url: o.pg_url.clone(),
        work: o.work.clone(),
    }
}
