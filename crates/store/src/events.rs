//! The event log: domain events in commit order, and each durable consumer's position.

use crate::{get_i64, get_str, internal, Backend, Store};
use oxforge_core::Result;
use sqlx::Executor;

/// Serialises appends on PostgreSQL so ids become visible in order: a consumer that has
/// read up to id N never later finds a smaller id committed behind it.
const PG_APPEND_LOCK: i64 = 0x6f78_6576_656e;

/// One stored event.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub id: i64,
    pub kind: String,
    pub actor_id: i64,
    pub repo_id: i64,
    pub payload: String,
    pub created_unix: i64,
}

impl Store {
    /// Appends an event; returns its id.
    pub async fn append_event(
        &self,
        kind: &str,
        actor_id: i64,
        repo_id: i64,
        payload: &str,
    ) -> Result<i64> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        if self.backend == Backend::Postgres {
            tx.execute(sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(PG_APPEND_LOCK))
                .await
                .map_err(internal)?;
        }
        let row = sqlx::query(
            "INSERT INTO events (kind, actor_id, repo_id, payload, created_unix) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(kind.to_string())
        .bind(actor_id)
        .bind(repo_id)
        .bind(payload.to_string())
        .bind(oxforge_core::time::now())
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        let id = get_i64(&row, "id")?;
        tx.commit().await.map_err(internal)?;
        Ok(id)
    }

    /// Up to `limit` events after `after_id`, oldest first.
    pub async fn events_after(&self, after_id: i64, limit: i64) -> Result<Vec<StoredEvent>> {
        let rows = sqlx::query(
            "SELECT id, kind, actor_id, repo_id, payload, created_unix FROM events \
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after_id)
        .bind(limit)
        .fetch_all(self.reader())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| {
                Ok(StoredEvent {
                    id: get_i64(r, "id")?,
                    kind: get_str(r, "kind")?,
                    actor_id: get_i64(r, "actor_id")?,
                    repo_id: get_i64(r, "repo_id")?,
                    payload: get_str(r, "payload")?,
                    created_unix: get_i64(r, "created_unix")?,
                })
            })
            .collect()
    }

    /// The last event id `consumer` has handled (0 for a new consumer).
    pub async fn event_cursor(&self, consumer: &str) -> Result<i64> {
        let row = sqlx::query("SELECT last_id FROM event_cursors WHERE consumer = $1")
            .bind(consumer.to_string())
            .fetch_optional(self.reader())
            .await
            .map_err(internal)?;
        row.map(|r| get_i64(&r, "last_id"))
            .transpose()
            .map(|v| v.unwrap_or(0))
    }

    /// Records that `consumer` has handled everything up to `last_id`.
    pub async fn advance_event_cursor(&self, consumer: &str, last_id: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO event_cursors (consumer, last_id, updated_unix) VALUES ($1, $2, $3) \
             ON CONFLICT (consumer) DO UPDATE SET last_id = excluded.last_id, \
             updated_unix = excluded.updated_unix",
        )
        .bind(consumer.to_string())
        .bind(last_id)
        .bind(oxforge_core::time::now())
        .execute(self.writer())
        .await
        .map_err(internal)?;
        Ok(())
    }
}
