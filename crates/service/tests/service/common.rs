//! The harness: a `Services` on a fresh SQLite file, or on a fresh PostgreSQL database when
//! `OXFORGE_TEST_POSTGRES_URL` is set, with users made and signed in as front ends do.
#![allow(dead_code)]

use oxforge_core::events::{Event, EventRecord};
use oxforge_core::{ErrorKind, Result};
use oxforge_git::RepoRoot;
use oxforge_service::accounts::CreateUser;
use oxforge_service::repos::CreateRepo;
use oxforge_service::{Actor, RepoCtx, Services, Settings};
use oxforge_store::{DbConfig, Store};

pub const PASSWORD: &str = "password1234";

/// One test's database and repository root; `open` may be called again after the
/// previous `Services` was shut, to see what survives a restart.
pub struct TestDb {
    dir: tempfile::TempDir,
    url: String,
}

fn postgres_url() -> Option<String> {
    std::env::var("OXFORGE_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// `postgres://user@host:port/db?opts` with its database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{authority}/{name}")
}

async fn create_pg_database(url: &str) -> String {
    use sqlx::Connection;
    let name = format!("oxt_{}", rand::random::<u64>());
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .expect("OXFORGE_TEST_POSTGRES_URL must point at a reachable PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let _ = conn.close().await;
    with_database(url, &name)
}

impl TestDb {
    pub async fn new() -> TestDb {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = match postgres_url() {
            Some(pg) => create_pg_database(&pg).await,
            None => format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("oxforge.db").display()
            ),
        };
        TestDb { dir, url }
    }

    /// Opens the store (applying migrations) and the services over it, as the binary does.
    pub async fn open(&self) -> Services {
        let root = self.dir.path().join("repositories");
        std::fs::create_dir_all(&root).expect("repository root");
        let store = Store::connect(&DbConfig {
            url: self.url.clone(),
            max_connections: 4,
        })
        .await
        .expect("connect");
        store.migrate().await.expect("migrate");
        let mut settings = Settings::default();
        settings.repository.root = root.clone();
        Services::new(store, RepoRoot::new(root), settings)
    }
}

/// A fresh database and services over it.
pub async fn services() -> (TestDb, Services) {
    let db = TestDb::new().await;
    let svc = db.open().await;
    (db, svc)
}

/// Creates an account and signs in with its password, as HTTP Basic does.
pub async fn user(svc: &Services, name: &str) -> Actor {
    make_user(svc, name, false).await
}

pub async fn admin(svc: &Services, name: &str) -> Actor {
    make_user(svc, name, true).await
}

async fn make_user(svc: &Services, name: &str, is_admin: bool) -> Actor {
    svc.create_user(CreateUser {
        username: name.into(),
        email: format!("{name}@example.com"),
        password: PASSWORD.into(),
        is_admin,
        ..Default::default()
    })
    .await
    .expect("create user");
    svc.actor_by_password(name, PASSWORD, None)
        .await
        .expect("sign in")
        .expect("password matches")
}

/// A repository of the actor's own.
pub async fn repo(svc: &Services, actor: &Actor, name: &str, private: bool) -> RepoCtx {
    let me = actor.user().expect("signed in").clone();
    svc.create_repo(
        actor,
        &me,
        Ok(CreateRepo {
            name: name.into(),
            private,
            ..Default::default()
        }),
    )
    .await
    .expect("create repo")
}

/// Asserts the result is an error of `kind`.
#[track_caller]
pub fn refused<T: std::fmt::Debug>(r: Result<T>, kind: ErrorKind) {
    match r {
        Ok(v) => panic!("expected {kind:?}, got Ok({v:?})"),
        Err(e) => assert_eq!(e.kind, kind, "unexpected error: {}", e.message),
    }
}

/// Every event in the log.
pub async fn all_events(svc: &Services) -> Vec<EventRecord> {
    svc.events_after(0, 10_000).await.expect("events")
}

/// The newest event id (0 for none).
pub async fn last_event_id(svc: &Services) -> i64 {
    all_events(svc).await.last().map(|e| e.id).unwrap_or(0)
}

/// The events after `id`, as (kind-bearing event, actor, repo).
pub async fn events_since(svc: &Services, id: i64) -> Vec<(Event, Option<i64>, Option<i64>)> {
    svc.events_after(id, 10_000)
        .await
        .expect("events")
        .into_iter()
        .map(|e| (e.event, e.actor_id, e.repo_id))
        .collect()
}
