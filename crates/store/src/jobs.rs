//! A job queue in the database, shared by every oxforge process using it. Claims are one
//! atomic UPDATE (portable: on PostgreSQL a competing claim re-checks `state` and loses),
//! leases expire so a crashed worker's job runs again, and a job is not claimed while
//! another job with its dedup key is running.

use crate::{get_i64, get_str, internal, Store};
use oxforge_core::Result;

pub const QUEUED: i64 = 0;
pub const RUNNING: i64 = 1;
pub const DONE: i64 = 2;
pub const FAILED: i64 = 3;

#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub dedup_key: String,
    pub payload: String,
    pub attempts: i64,
}

/// A finished or running job, for history and tests.
#[derive(Debug, Clone)]
pub struct JobRecord {
    pub id: i64,
    pub dedup_key: String,
    pub state: i64,
    pub attempts: i64,
    pub worker: String,
    pub started_unix: i64,
    pub finished_unix: i64,
    pub last_error: String,
}

impl Store {
    /// Queues a job unless one with the same key is already queued. Returns whether it did.
    pub async fn enqueue_job(
        &self,
        kind: &str,
        dedup_key: &str,
        payload: &str,
        run_after_unix: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO jobs (kind, dedup_key, payload, state, run_after_unix, created_unix) \
             VALUES ($1, $2, $3, 0, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(kind.to_string())
        .bind(dedup_key.to_string())
        .bind(payload.to_string())
        .bind(run_after_unix)
        .bind(oxforge_core::time::now())
        .execute(self.writer())
        .await
        .map_err(internal)?;
        Ok(done.rows_affected() > 0)
    }

    /// Records work that runs right away on this process (a migration), so it shows in the
    /// job table like queued work; returns its id.
    pub async fn start_job(
        &self,
        kind: &str,
        dedup_key: &str,
        payload: &str,
        worker: &str,
        lease_until: i64,
    ) -> Result<i64> {
        let now = oxforge_core::time::now();
        let row = sqlx::query(
            "INSERT INTO jobs (kind, dedup_key, payload, state, worker, lease_until_unix, attempts, \
             created_unix, started_unix) VALUES ($1, $2, $3, 1, $4, $5, 1, $6, $6) RETURNING id",
        )
        .bind(kind.to_string())
        .bind(dedup_key.to_string())
        .bind(payload.to_string())
        .bind(worker.to_string())
        .bind(lease_until)
        .bind(now)
        .fetch_one(self.writer())
        .await
        .map_err(internal)?;
        get_i64(&row, "id")
    }

    /// Claims the oldest runnable job for `worker` until `lease_until`.
    pub async fn claim_job(&self, worker: &str, now: i64, lease_until: i64) -> Result<Option<Job>> {
        // Idle polls stay reads: the writes below (which take SQLite's one write lock even
        // when they change nothing) run only when a job is runnable or a lease ran out.
        let pending = sqlx::query(
            "SELECT 1 AS x FROM jobs WHERE (state = 0 AND run_after_unix <= $1) \
             OR (state = 1 AND lease_until_unix < $1) LIMIT 1",
        )
        .bind(now)
        .fetch_optional(self.reader())
        .await
        .map_err(internal)?;
        if pending.is_none() {
            return Ok(None);
        }
        // Jobs whose worker vanished go back to the queue (unless one of their key waits).
        sqlx::query(
            "UPDATE jobs SET state = 0, worker = '' WHERE state = 1 AND lease_until_unix < $1 \
             AND NOT EXISTS (SELECT 1 FROM jobs q WHERE q.dedup_key = jobs.dedup_key AND q.state = 0)",
        )
        .bind(now)
        .execute(self.writer())
        .await
        .map_err(internal)?;
        sqlx::query("UPDATE jobs SET state = 3, last_error = 'lease expired' WHERE state = 1 AND lease_until_unix < $1")
            .bind(now)
            .execute(self.writer())
            .await
            .map_err(internal)?;
        let row = sqlx::query(
            "UPDATE jobs SET state = 1, worker = $1, lease_until_unix = $2, started_unix = $3, \
             attempts = attempts + 1 \
             WHERE id = (SELECT j.id FROM jobs j WHERE j.state = 0 AND j.run_after_unix <= $3 \
                 AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.dedup_key = j.dedup_key AND r.state = 1) \
                 ORDER BY j.id LIMIT 1) \
             AND state = 0 \
             RETURNING id, kind, dedup_key, payload, attempts",
        )
        .bind(worker.to_string())
        .bind(lease_until)
        .bind(now)
        .fetch_optional(self.writer())
        .await;
        let row = match row {
            Ok(r) => r,
            // Two claims raced for the same key's next job: the loser just tries again later.
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => None,
            Err(e) => return Err(internal(e)),
        };
        match row {
            Some(r) => Ok(Some(Job {
                id: get_i64(&r, "id")?,
                kind: get_str(&r, "kind")?,
                dedup_key: get_str(&r, "dedup_key")?,
                payload: get_str(&r, "payload")?,
                attempts: get_i64(&r, "attempts")?,
            })),
            None => Ok(None),
        }
    }

    /// Marks a claimed job finished (`error` empty = done).
    pub async fn finish_job(&self, id: i64, error: &str) -> Result<()> {
        let state = if error.is_empty() { DONE } else { FAILED };
        sqlx::query(
            "UPDATE jobs SET state = $1, last_error = $2, finished_unix = $3 WHERE id = $4",
        )
        .bind(state)
        .bind(error.to_string())
        .bind(oxforge_core::time::now())
        .bind(id)
        .execute(self.writer())
        .await
        .map_err(internal)?;
        Ok(())
    }

    /// Puts a claimed job that failed back in the queue, due at `run_after_unix`, keeping
    /// its attempt count and error. When another job with its key is queued already, that
    /// one will do the work: this one is marked failed instead. Returns whether it was
    /// queued again.
    pub async fn retry_job(&self, id: i64, error: &str, run_after_unix: i64) -> Result<bool> {
        let requeued = sqlx::query(
            "UPDATE jobs SET state = 0, worker = '', lease_until_unix = 0, last_error = $2, \
             run_after_unix = $3, finished_unix = 0 WHERE id = $1",
        )
        .bind(id)
        .bind(error.to_string())
        .bind(run_after_unix)
        .execute(self.writer())
        .await;
        match requeued {
            Ok(_) => Ok(true),
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                self.finish_job(id, error).await?;
                Ok(false)
            }
            Err(e) => Err(internal(e)),
        }
    }

    /// Ends the running or queued jobs with this key as failed with `error` (work whose
    /// process died and that cannot be resumed).
    pub async fn fail_running_jobs(&self, dedup_key: &str, error: &str) -> Result<()> {
        sqlx::query(
            "UPDATE jobs SET state = 3, last_error = $2, finished_unix = $3 \
             WHERE dedup_key = $1 AND state IN (0, 1)",
        )
        .bind(dedup_key.to_string())
        .bind(error.to_string())
        .bind(oxforge_core::time::now())
        .execute(self.writer())
        .await
        .map_err(internal)?;
        Ok(())
    }

    /// Forgets finished jobs older than `before`.
    pub async fn prune_jobs(&self, before: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM jobs WHERE state IN (2, 3) AND finished_unix < $1")
            .bind(before)
            .execute(self.writer())
            .await
            .map_err(internal)?;
        Ok(done.rows_affected())
    }

    /// Whether a job with this key is queued or running.
    pub async fn job_pending(&self, dedup_key: &str) -> Result<bool> {
        let row =
            sqlx::query("SELECT 1 AS x FROM jobs WHERE dedup_key = $1 AND state IN (0, 1) LIMIT 1")
                .bind(dedup_key.to_string())
                .fetch_optional(self.reader())
                .await
                .map_err(internal)?;
        Ok(row.is_some())
    }

    /// Every job with this key, oldest first.
    pub async fn jobs_with_key(&self, dedup_key: &str) -> Result<Vec<JobRecord>> {
        let rows = sqlx::query(
            "SELECT id, dedup_key, state, attempts, worker, started_unix, finished_unix, last_error \
             FROM jobs WHERE dedup_key = $1 ORDER BY id",
        )
        .bind(dedup_key.to_string())
        .fetch_all(self.reader())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| {
                Ok(JobRecord {
                    id: get_i64(r, "id")?,
                    dedup_key: get_str(r, "dedup_key")?,
                    state: get_i64(r, "state")?,
                    attempts: get_i64(r, "attempts")?,
                    worker: get_str(r, "worker")?,
                    started_unix: get_i64(r, "started_unix")?,
                    finished_unix: get_i64(r, "finished_unix")?,
                    last_error: get_str(r, "last_error")?,
                })
            })
            .collect()
    }
}
