//! Per-backend migrations, embedded in the binary and applied in order at start.

use crate::{internal, Backend, Store};
use oxforge_core::{Error, Result};
use sqlx::{Executor, Row};

const SQLITE: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_init.sql")),
    (
        2,
        include_str!("../migrations/sqlite/0002_search_index.sql"),
    ),
    (
        3,
        include_str!("../migrations/sqlite/0003_mirrors_jobs.sql"),
    ),
    (
        4,
        include_str!("../migrations/sqlite/0004_stars_watches.sql"),
    ),
    (5, include_str!("../migrations/sqlite/0005_orgs_teams.sql")),
    (
        6,
        include_str!("../migrations/sqlite/0006_repo_owner_index.sql"),
    ),
    (
        7,
        include_str!("../migrations/sqlite/0007_compact_settings.sql"),
    ),
    (8, include_str!("../migrations/sqlite/0008_repo_reach.sql")),
    (9, include_str!("../migrations/sqlite/0009_issues.sql")),
    (10, include_str!("../migrations/sqlite/0010_events.sql")),
    (11, include_str!("../migrations/sqlite/0011_follows.sql")),
    (
        12,
        include_str!("../migrations/sqlite/0012_repo_lifecycle.sql"),
    ),
    (
        13,
        include_str!("../migrations/sqlite/0013_statuses_org_labels.sql"),
    ),
];
const POSTGRES: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_init.sql")),
    (
        2,
        include_str!("../migrations/postgres/0002_search_index.sql"),
    ),
    (
        3,
        include_str!("../migrations/postgres/0003_mirrors_jobs.sql"),
    ),
    (
        4,
        include_str!("../migrations/postgres/0004_stars_watches.sql"),
    ),
    (
        5,
        include_str!("../migrations/postgres/0005_orgs_teams.sql"),
    ),
    (
        6,
        include_str!("../migrations/postgres/0006_repo_owner_index.sql"),
    ),
    (
        7,
        include_str!("../migrations/postgres/0007_compact_settings.sql"),
    ),
    (
        8,
        include_str!("../migrations/postgres/0008_repo_reach.sql"),
    ),
    (9, include_str!("../migrations/postgres/0009_issues.sql")),
    (10, include_str!("../migrations/postgres/0010_events.sql")),
    (11, include_str!("../migrations/postgres/0011_follows.sql")),
    (
        12,
        include_str!("../migrations/postgres/0012_repo_lifecycle.sql"),
    ),
    (
        13,
        include_str!("../migrations/postgres/0013_statuses_org_labels.sql"),
    ),
];

/// SQLite migrations that rebuild a table others reference: they run with foreign keys
/// off (a pragma that only takes effect outside a transaction), so dropping the old table
/// cascades nowhere, and `foreign_key_check` must find nothing before they commit.
const SQLITE_REBUILDS: &[i64] = &[13];

/// Arbitrary constant key so concurrent oxforge processes migrate one at a time.
const PG_LOCK_KEY: i64 = 0x6f78_666f_7267;

pub async fn run(store: &Store) -> Result<()> {
    let pool = store.writer();
    let mut conn = pool.acquire().await.map_err(internal)?;
    if store.backend == Backend::Postgres {
        conn.execute(sqlx::query("SELECT pg_advisory_lock($1)").bind(PG_LOCK_KEY))
            .await
            .map_err(internal)?;
    }
    let result = apply(store.backend, &mut conn).await;
    if store.backend == Backend::Postgres {
        let _ = conn
            .execute(sqlx::query("SELECT pg_advisory_unlock($1)").bind(PG_LOCK_KEY))
            .await;
    }
    result
}

async fn apply(backend: Backend, conn: &mut sqlx::AnyConnection) -> Result<()> {
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_unix BIGINT NOT NULL)",
    )
    .await
    .map_err(internal)?;
    let row = conn
        .fetch_one("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")
        .await
        .map_err(internal)?;
    let current: i64 = row.try_get("v").map_err(internal)?;
    let list = match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    for (version, sql) in list.iter().filter(|(v, _)| *v > current) {
        tracing::info!(version, "applying database migration");
        let rebuild = backend == Backend::Sqlite && SQLITE_REBUILDS.contains(version);
        if rebuild {
            conn.execute("PRAGMA foreign_keys = OFF")
                .await
                .map_err(internal)?;
        }
        let result = apply_one(conn, *version, sql, rebuild).await;
        if rebuild {
            conn.execute("PRAGMA foreign_keys = ON")
                .await
                .map_err(internal)?;
        }
        result?;
    }
    Ok(())
}

async fn apply_one(
    conn: &mut sqlx::AnyConnection,
    version: i64,
    sql: &str,
    rebuild: bool,
) -> Result<()> {
    let mut tx = sqlx::Connection::begin(&mut *conn)
        .await
        .map_err(internal)?;
    tx.execute(sqlx::raw_sql(sql)).await.map_err(|e| {
        tracing::error!(error = %e, version, "migration failed");
        Error::internal(format!("database migration {version} failed"))
    })?;
    if version == crate::reach::MIGRATION {
        // The table's rows come from the rule's one definition, in Rust.
        crate::reach::refresh(&mut tx, crate::reach::Scope::All).await?;
    }
    if rebuild {
        let broken = tx
            .fetch_all("PRAGMA foreign_key_check")
            .await
            .map_err(internal)?;
        if !broken.is_empty() {
            tracing::error!(version, rows = broken.len(), "migration broke foreign keys");
            return Err(Error::internal(format!(
                "database migration {version} failed"
            )));
        }
    }
    tx.execute(
        sqlx::query("INSERT INTO schema_migrations (version, applied_unix) VALUES ($1, $2)")
            .bind(version)
            .bind(oxforge_core::time::now()),
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}
