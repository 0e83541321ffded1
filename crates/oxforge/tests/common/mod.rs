//! The test harness: boots the real server on an ephemeral port with a fresh SQLite file,
//! or a fresh PostgreSQL database when `OXFORGE_TEST_POSTGRES_URL` is set, and talks HTTP.
#![allow(dead_code)]

pub mod gitcli;
pub mod shapes;

use base64::Engine;
use oxforge::config::Config;
use oxforge_service::accounts::CreateUser;
use oxforge_service::Services;
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::Value;
use std::path::PathBuf;
use tokio::sync::oneshot;

pub const ADMIN: &str = "root";
pub const PASSWORD: &str = "password1234";

/// How a request authenticates.
#[derive(Clone, Debug)]
pub enum Auth {
    None,
    Token(String),
    Bearer(String),
    Query(String),
    AccessTokenQuery(String),
    Basic(String, String),
}

impl Auth {
    pub fn basic(user: &str) -> Auth {
        Auth::Basic(user.to_string(), PASSWORD.to_string())
    }
    pub fn token(t: &str) -> Auth {
        Auth::Token(t.to_string())
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    }
    pub fn message(&self) -> String {
        self.body["message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
    /// Asserts the status, printing the body on failure.
    #[track_caller]
    pub fn expect(self, status: u16) -> Resp {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }
    pub fn total(&self) -> i64 {
        self.header("x-total-count")
            .and_then(|v| v.parse().ok())
            .unwrap_or(-1)
    }
}

pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub svc: Services,
    pub cfg: Config,
    pub admin_token: String,
    pub dir: tempfile::TempDir,
    pub pg_database: Option<String>,
    shutdown: Option<oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<()>>,
}

pub fn backend_name() -> &'static str {
    if postgres_url().is_some() {
        "postgres"
    } else {
        "sqlite"
    }
}

pub fn postgres_url() -> Option<String> {
    std::env::var("OXFORGE_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// Splits `postgres://user[:pass]@host[:port]/db` into its parts.
pub fn pg_parts(url: &str) -> (String, String, String) {
    let rest = url.split_once("://").map(|x| x.1).unwrap_or(url);
    let (auth, hostdb) = rest.rsplit_once('@').unwrap_or(("postgres", rest));
    let host = hostdb
        .split('/')
        .next()
        .unwrap_or("127.0.0.1:5432")
        .to_string();
    let (user, pass) = auth.split_once(':').unwrap_or((auth, ""));
    (user.to_string(), pass.to_string(), host)
}

pub async fn create_pg_database(url: &str) -> String {
    use sqlx::Connection;
    let name = format!("oxt_{}", rand::random::<u64>());
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .expect("OXFORGE_TEST_POSTGRES_URL must point at a reachable PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    name
}

pub fn shared_dir() -> PathBuf {
    std::env::var_os("OXFORGE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(&[]).await
    }

    /// A second server on the same database and repository root as `first` (several
    /// processes behind one load balancer).
    pub async fn start_beside(first: &TestServer, settings: &[(&str, &str, &str)]) -> TestServer {
        let mut ini = ini::Ini::new();
        if let (Some(url), Some(name)) = (postgres_url(), &first.pg_database) {
            let (user, pass, host) = pg_parts(&url);
            ini.with_section(Some("database"))
                .set("DB_TYPE", "postgres")
                .set("HOST", host)
                .set("NAME", name.clone())
                .set("USER", user)
                .set("PASSWD", pass)
                .set("MAX_OPEN_CONNS", "8");
        }
        for (section, key, value) in settings {
            ini.with_section(Some(*section)).set(*key, *value);
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().unwrap().port();
        let mut cfg =
            Config::from_ini(&ini, first.cfg.work_path.clone(), Some(port)).expect("config");
        cfg.server.root_url = Some(format!("http://127.0.0.1:{port}/"));
        let svc = oxforge::open_services(&cfg).await.expect("open services");
        let dir = tempfile::tempdir().unwrap();
        Self::launch(cfg, svc, listener, first.admin_token.clone(), dir, None)
    }

    /// Starts with extra `app.ini` lines, e.g. `("security", "DISABLE_QUERY_AUTH_TOKEN", "true")`.
    pub async fn start_with(settings: &[(&str, &str, &str)]) -> TestServer {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut ini = ini::Ini::new();
        let mut pg_database = None;
        if let Some(url) = postgres_url() {
            let name = create_pg_database(&url).await;
            let (user, pass, host) = pg_parts(&url);
            ini.with_section(Some("database"))
                .set("DB_TYPE", "postgres")
                .set("HOST", host)
                .set("NAME", name.clone())
                .set("USER", user)
                .set("PASSWD", pass)
                .set("MAX_OPEN_CONNS", "8");
            pg_database = Some(name);
        }
        for (section, key, value) in settings {
            ini.with_section(Some(*section)).set(*key, *value);
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().unwrap().port();
        let mut cfg = Config::from_ini(&ini, dir.path().to_path_buf(), Some(port)).expect("config");
        if cfg.server.root_url.is_none() {
            cfg.server.root_url = Some(format!("http://127.0.0.1:{port}/"));
        }
        let svc = oxforge::open_services(&cfg).await.expect("open services");
        svc.create_user(CreateUser {
            username: ADMIN.into(),
            email: "root@example.com".into(),
            password: PASSWORD.into(),
            is_admin: true,
            ..Default::default()
        })
        .await
        .expect("create admin");
        let admin_token = svc
            .create_token_for(ADMIN, "test-admin", "all")
            .await
            .expect("admin token");
        Self::launch(cfg, svc, listener, admin_token, dir, pg_database)
    }

    /// Serves `svc` on `listener` in the background until `stop`.
    fn launch(
        cfg: Config,
        svc: Services,
        listener: tokio::net::TcpListener,
        admin_token: String,
        dir: tempfile::TempDir,
        pg_database: Option<String>,
    ) -> TestServer {
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = oneshot::channel::<()>();
        let (cfg2, svc2) = (cfg.clone(), svc.clone());
        let done = tokio::spawn(async move {
            oxforge::serve(&cfg2, svc2, listener, async {
                let _ = rx.await;
            })
            .await
            .expect("serve");
        });
        TestServer {
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::new(),
            svc,
            cfg,
            admin_token,
            dir,
            pg_database,
            shutdown: Some(tx),
            done: Some(done),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn send(&self, method: Method, path: &str, auth: &Auth, body: Option<Value>) -> Resp {
        let mut url = self.url(path);
        let sep = if url.contains('?') { '&' } else { '?' };
        match auth {
            Auth::Query(t) => url = format!("{url}{sep}token={t}"),
            Auth::AccessTokenQuery(t) => url = format!("{url}{sep}access_token={t}"),
            _ => {}
        }
        let mut req = self.client.request(method, url);
        match auth {
            Auth::Token(t) => req = req.header("Authorization", format!("token {t}")),
            Auth::Bearer(t) => req = req.header("Authorization", format!("Bearer {t}")),
            Auth::Basic(u, p) => {
                let enc = base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
                req = req.header("Authorization", format!("Basic {enc}"));
            }
            _ => {}
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let method_name = req
            .try_clone()
            .and_then(|r| r.build().ok())
            .map(|r| r.method().to_string())
            .unwrap_or_default();
        let res = req.send().await.expect("request");
        let resp = Self::read(res).await;
        shapes::check_response(&method_name, path, resp.status, &resp.body);
        resp
    }

    pub async fn read(res: reqwest::Response) -> Resp {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            text,
            body,
        }
    }

    pub async fn get(&self, path: &str, auth: &Auth) -> Resp {
        self.send(Method::GET, path, auth, None).await
    }
    pub async fn post(&self, path: &str, auth: &Auth, body: Value) -> Resp {
        self.send(Method::POST, path, auth, Some(body)).await
    }
    pub async fn patch(&self, path: &str, auth: &Auth, body: Value) -> Resp {
        self.send(Method::PATCH, path, auth, Some(body)).await
    }
    pub async fn put(&self, path: &str, auth: &Auth, body: Option<Value>) -> Resp {
        self.send(Method::PUT, path, auth, body).await
    }
    pub async fn delete(&self, path: &str, auth: &Auth) -> Resp {
        self.send(Method::DELETE, path, auth, None).await
    }

    pub fn admin(&self) -> Auth {
        Auth::token(&self.admin_token)
    }

    /// Creates a user (without the must-change-password flag) and a token for them.
    pub async fn user(&self, name: &str) -> (Auth, String) {
        self.post(
            "/api/v1/admin/users",
            &self.admin(),
            serde_json::json!({
                "username": name,
                "email": format!("{name}@example.com"),
                "password": PASSWORD,
                "must_change_password": false,
            }),
        )
        .await
        .expect(201);
        let token = self.token(name, &[]).await;
        (Auth::token(&token), token)
    }

    /// Creates a token with `scopes` for `name` (Basic auth with the test password).
    pub async fn token(&self, name: &str, scopes: &[&str]) -> String {
        let n = rand::random::<u32>();
        let r = self
            .post(
                &format!("/api/v1/users/{name}/tokens"),
                &Auth::basic(name),
                serde_json::json!({"name": format!("t{n}"), "scopes": scopes}),
            )
            .await
            .expect(201);
        r.body["sha1"].as_str().unwrap().to_string()
    }

    /// Creates a repository through the API as `auth`.
    pub async fn repo(&self, auth: &Auth, name: &str, private: bool) -> Value {
        self.post(
            "/api/v1/user/repos",
            auth,
            serde_json::json!({"name": name, "private": private}),
        )
        .await
        .expect(201)
        .body
    }

    pub fn repo_dir(&self, owner: &str, name: &str) -> PathBuf {
        self.cfg
            .repository
            .root
            .join(owner.to_lowercase())
            .join(format!("{}.git", name.to_lowercase()))
    }

    /// Stops the server and drops its PostgreSQL database.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(done) = self.done.take() {
            let _ = done.await;
        }
        if let (Some(url), Some(db)) = (postgres_url(), self.pg_database.take()) {
            use sqlx::Connection;
            if let Ok(mut conn) = sqlx::PgConnection::connect(&url).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await;
            }
        }
    }
}
