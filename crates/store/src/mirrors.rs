//! Pull-mirror settings of repositories.

use crate::{get_bool, get_i64, get_str, internal, Store};
use oxforge_core::Result;
use sqlx::any::AnyRow;

#[derive(Debug, Clone)]
pub struct Mirror {
    pub repo_id: i64,
    /// The source, without credentials.
    pub remote_url: String,
    /// 0 = never synced by the scheduler.
    pub interval_secs: i64,
    pub enable_prune: bool,
    pub next_update_unix: i64,
    /// The last sync (successful or not).
    pub updated_unix: i64,
    pub last_error: String,
    /// Sealed credentials, or empty.
    pub credentials: String,
}

const COLUMNS: &str = "repo_id, remote_url, interval_secs, enable_prune, next_update_unix, updated_unix, last_error, credentials";

fn from_row(r: &AnyRow) -> Result<Mirror> {
    Ok(Mirror {
        repo_id: get_i64(r, "repo_id")?,
        remote_url: get_str(r, "remote_url")?,
        interval_secs: get_i64(r, "interval_secs")?,
        enable_prune: get_bool(r, "enable_prune")?,
        next_update_unix: get_i64(r, "next_update_unix")?,
        updated_unix: get_i64(r, "updated_unix")?,
        last_error: get_str(r, "last_error")?,
        credentials: get_str(r, "credentials")?,
    })
}

impl Store {
    pub async fn insert_mirror(&self, m: &Mirror) -> Result<()> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        insert_mirror_tx(&mut tx, m).await?;
        tx.commit().await.map_err(internal)
    }

    pub async fn mirror(&self, repo_id: i64) -> Result<Option<Mirror>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM mirrors WHERE repo_id = $1"))
            .bind(repo_id)
            .fetch_optional(self.reader())
            .await
            .map_err(internal)?;
        row.map(|r| from_row(&r)).transpose()
    }

    /// Takes up to `limit` due mirrors (oldest sync first) and moves their next due time one
    /// interval ahead in the same statement, so a concurrent pass (this process or another)
    /// cannot take them too. Returns their repository ids.
    pub async fn take_due_mirrors(&self, now: i64, limit: i64) -> Result<Vec<i64>> {
        let rows = sqlx::query(
            "UPDATE mirrors SET next_update_unix = $1 + interval_secs \
             WHERE repo_id IN (SELECT repo_id FROM mirrors WHERE next_update_unix <> 0 \
                 AND next_update_unix <= $1 ORDER BY updated_unix, repo_id LIMIT $2) \
             AND next_update_unix <> 0 AND next_update_unix <= $1 \
             RETURNING repo_id",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(self.writer())
        .await
        .map_err(internal)?;
        rows.iter().map(|r| get_i64(r, "repo_id")).collect()
    }

    pub async fn set_mirror_interval(
        &self,
        repo_id: i64,
        interval_secs: i64,
        next_update_unix: i64,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE mirrors SET interval_secs = $1, next_update_unix = $2 WHERE repo_id = $3",
        )
        .bind(interval_secs)
        .bind(next_update_unix)
        .bind(repo_id)
        .execute(self.writer())
        .await
        .map_err(internal)?;
        Ok(())
    }

    /// Records a sync's outcome; `next_update_unix` is when it is due again.
    pub async fn record_mirror_sync(
        &self,
        repo_id: i64,
        now: i64,
        next_update_unix: i64,
        error: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE mirrors SET updated_unix = $1, next_update_unix = $2, last_error = $3 WHERE repo_id = $4",
        )
        .bind(now)
        .bind(next_update_unix)
        .bind(error.to_string())
        .bind(repo_id)
        .execute(self.writer())
        .await
        .map_err(internal)?;
        Ok(())
    }
}

pub(crate) async fn insert_mirror_tx(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    m: &Mirror,
) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO mirrors ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ))
    .bind(m.repo_id)
    .bind(m.remote_url.clone())
    .bind(m.interval_secs)
    .bind(m.enable_prune as i64)
    .bind(m.next_update_unix)
    .bind(m.updated_unix)
    .bind(m.last_error.clone())
    .bind(m.credentials.clone())
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    Ok(())
}
