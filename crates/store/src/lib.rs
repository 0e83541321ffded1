//! Database access for oxforge: one code path over SQLite and PostgreSQL (sqlx `Any`),
//! per-backend migrations, and the SQL half of the visibility rule.
//!
//! SQLite gets two pools: many readers, and one writer so that writes queue inside the
//! process instead of failing with "database is locked".

mod events;
mod follows;
mod issues;
pub mod jobs;
mod lifecycle;
mod migrate;
mod mirrors;
mod orgs;
mod reach;
mod repos;
mod sql;
mod stars;
mod statuses;
mod tokens;
mod users;
pub mod visibility;

use oxforge_core::{Error, Result};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

pub use events::StoredEvent;
pub use issues::{IssueFilter, IssueUpdate, LabelChange, MilestoneFilter, NewIssue};
pub use jobs::{Job, JobRecord};
pub use lifecycle::{PushMark, Reservation, ReservationKind};
pub use mirrors::Mirror;
pub use orgs::{Memberships, NewOrg, OrgFilter, TeamFields, TEAM_EXISTS};
pub use repos::{NewRepo, RepoFilter, RepoOrder, RepoUpdate, SearchMode, REPO_EXISTS};
pub use sql::Arg;
pub use stars::Follow;
pub use statuses::NewStatus;
pub use users::{NewUser, UserFilter, UserUpdate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Store {
    read: AnyPool,
    write: AnyPool,
    backend: Backend,
}

/// How to reach the database.
#[derive(Debug, Clone)]
pub struct DbConfig {
    /// `sqlite://path?mode=rwc` or `postgres://...`.
    pub url: String,
    pub max_connections: u32,
}

/// `mmap_size`: reads map the file instead of copying pages through each connection's
/// cache (a search touching 2,400 rows: 15 ms → 5 ms). The mapping is the kernel's page
/// cache, reclaimable, and only what was read counts towards the resident size.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 30000; \
     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA mmap_size = 268435456;";

impl Store {
    pub async fn connect(cfg: &DbConfig) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if cfg.url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if cfg.url.starts_with("postgres:") || cfg.url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(Error::internal("unsupported database URL"));
        };
        let store = match backend {
            Backend::Sqlite => {
                let opts = || {
                    AnyPoolOptions::new()
                        .acquire_timeout(Duration::from_secs(60))
                        .after_connect(|conn, _| {
                            Box::pin(async move {
                                conn.execute(SQLITE_PRAGMAS).await?;
                                Ok(())
                            })
                        })
                };
                let write = opts()
                    .max_connections(1)
                    .connect(&cfg.url)
                    .await
                    .map_err(connect_error)?;
                let read = opts()
                    .max_connections(cfg.max_connections.max(2))
                    .connect(&cfg.url)
                    .await
                    .map_err(connect_error)?;
                Store {
                    read,
                    write,
                    backend,
                }
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(cfg.max_connections.max(2))
                    .acquire_timeout(Duration::from_secs(30))
                    .connect(&cfg.url)
                    .await
                    .map_err(connect_error)?;
                Store {
                    read: pool.clone(),
                    write: pool,
                    backend,
                }
            }
        };
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies pending migrations for this backend.
    pub async fn migrate(&self) -> Result<()> {
        migrate::run(self).await
    }

    /// How far the derived reach data (`repo_reach`, `users.num_public_repos`) is from what
    /// its rule gives now: 0 when in step. Reads everything; for tests and checks.
    pub async fn reach_drift(&self) -> Result<i64> {
        let mut conn = self.reader().acquire().await.map_err(internal)?;
        reach::drift(&mut conn).await
    }

    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }

    pub(crate) fn reader(&self) -> &AnyPool {
        &self.read
    }
    pub(crate) fn writer(&self) -> &AnyPool {
        &self.write
    }
}

fn connect_error(e: sqlx::Error) -> Error {
    // Connection strings may carry a password: report the kind of failure only.
    let what = match &e {
        sqlx::Error::Database(d) => d.message().to_string(),
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::Tls(_) => "TLS error".into(),
        sqlx::Error::PoolTimedOut => "timed out".into(),
        _ => "connection failed".into(),
    };
    Error::internal(format!("cannot open database: {what}"))
}

/// Maps a database error: unique violations become 409 with `conflict`, others are internal.
pub(crate) fn db_error(e: sqlx::Error, conflict: &str) -> Error {
    if let sqlx::Error::Database(d) = &e {
        if d.is_unique_violation() {
            return Error::conflict(conflict);
        }
    }
    tracing::error!(error = %e, "database error");
    Error::internal("database error")
}

pub(crate) fn internal(e: sqlx::Error) -> Error {
    tracing::error!(error = %e, "database error");
    Error::internal("database error")
}

pub(crate) fn get_i64(row: &AnyRow, col: &str) -> Result<i64> {
    use sqlx::Row;
    row.try_get::<i64, _>(col).map_err(internal)
}

pub(crate) fn get_bool(row: &AnyRow, col: &str) -> Result<bool> {
    Ok(get_i64(row, col)? != 0)
}

pub(crate) fn get_str(row: &AnyRow, col: &str) -> Result<String> {
    use sqlx::Row;
    row.try_get::<String, _>(col).map_err(internal)
}
