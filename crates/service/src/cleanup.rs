//! Compensating work that could not be done at once. When a step undoing a half-made
//! change fails (a directory that will not go, a rename that will not reverse), the
//! failure is logged with the repository and the work is queued in
//! the job table, where the workers retry it with growing back-off until it succeeds, or
//! give up loudly after `MAX_ATTEMPTS`. Nothing is left behind silently.

use crate::Services;
use oxforge_core::{Error, Result};
use oxforge_store::Job;
use serde::{Deserialize, Serialize};

pub const CLEANUP_JOB: &str = "cleanup";

/// Waits between attempts: 2 s, 4 s, 8 s, ... at most an hour.
const BACKOFF_BASE_SECS: i64 = 2;
const BACKOFF_MAX_SECS: i64 = 3600;
/// About a day of attempts once the wait is an hour.
pub const MAX_ATTEMPTS: i64 = 30;

/// One piece of compensating work (the job's payload, as JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Cleanup {
    /// A repository name reservation whose release failed (a directory that would not
    /// go, or move back): released again until it succeeds. The name stays taken until
    /// then, so nothing new is made at the path.
    Release { reservation: i64 },
    /// A migration's scratch directory (`RepoRoot::scratch_path`).
    RemoveScratch { name: String },
}

impl Cleanup {
    /// One queued job per piece of work.
    pub fn dedup_key(&self) -> String {
        match self {
            Cleanup::Release { reservation } => format!("{CLEANUP_JOB}:release:{reservation}"),
            Cleanup::RemoveScratch { name } => format!("{CLEANUP_JOB}:scratch:{name}"),
        }
    }
}

/// Seconds to wait after `failures` failed attempts (the first counts as 1).
pub fn backoff_secs(failures: i64) -> i64 {
    let doublings = failures.clamp(1, 20) - 1;
    (BACKOFF_BASE_SECS << doublings).min(BACKOFF_MAX_SECS)
}

impl Services {
    /// Does `c` now; when that fails, logs why and queues it for the job workers.
    pub(crate) async fn clean_up(&self, c: Cleanup) {
        if let Err(e) = self.run_cleanup(&c).await {
            tracing::warn!(cleanup = ?c, error = %e.message, "clean-up failed; queued to retry");
            self.queue_cleanup(&c, 1).await;
        }
    }

    /// Queues `c`, due after the back-off for `failures` failed attempts. A failure to
    /// queue is logged as an error: the leftover then needs an administrator.
    pub async fn queue_cleanup(&self, c: &Cleanup, failures: i64) {
        let queued = match serde_json::to_string(c) {
            Ok(payload) => {
                let due = oxforge_core::time::now() + backoff_secs(failures);
                self.store
                    .enqueue_job(CLEANUP_JOB, &c.dedup_key(), &payload, due)
                    .await
            }
            Err(e) => Err(Error::internal(e.to_string())),
        };
        if let Err(e) = queued {
            tracing::error!(cleanup = ?c, error = %e.message,
                "clean-up could not be queued; the leftover must be removed by hand");
        }
    }

    async fn run_cleanup(&self, c: &Cleanup) -> Result<()> {
        match c {
            Cleanup::Release { reservation } => self.try_release(*reservation).await,
            Cleanup::RemoveScratch { name } => self.repos.remove_scratch(name).await,
        }
    }

    /// Runs a claimed clean-up job.
    pub(crate) async fn run_cleanup_job(&self, job: &Job) -> Result<()> {
        let c: Cleanup = serde_json::from_str(&job.payload)
            .map_err(|_| Error::internal("bad clean-up payload"))?;
        self.run_cleanup(&c).await
    }

    /// Records how a claimed job ended. A failed clean-up goes back in the queue with a
    /// longer wait, until `MAX_ATTEMPTS`; every other job is finished.
    pub(crate) async fn settle_job(&self, job: &Job, result: Result<()>) {
        let recorded = match result {
            Ok(()) => self.store.finish_job(job.id, "").await,
            Err(e) if job.kind == CLEANUP_JOB && job.attempts < MAX_ATTEMPTS => {
                // The synchronous attempt failed before this job's attempts.
                let wait = backoff_secs(job.attempts + 1);
                tracing::warn!(job = job.id, key = %job.dedup_key, attempt = job.attempts,
                    retry_in_secs = wait, error = %e.message, "clean-up failed; will retry");
                let due = oxforge_core::time::now() + wait;
                self.store
                    .retry_job(job.id, &e.message, due)
                    .await
                    .map(|_| ())
            }
            Err(e) => {
                if job.kind == CLEANUP_JOB {
                    tracing::error!(job = job.id, key = %job.dedup_key, payload = %job.payload,
                        error = %e.message, "clean-up failed {MAX_ATTEMPTS} times; giving up, the leftover must be removed by hand");
                }
                self.store.finish_job(job.id, &e.message).await
            }
        };
        if let Err(e) = recorded {
            tracing::warn!(job = job.id, error = %e.message, "cannot record a finished job");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff_secs(0), 2);
        assert_eq!(backoff_secs(1), 2);
        assert_eq!(backoff_secs(2), 4);
        assert_eq!(backoff_secs(5), 32);
        assert_eq!(backoff_secs(12), 3600);
        assert_eq!(backoff_secs(i64::MAX), 3600);
    }

    #[test]
    fn payloads_round_trip() {
        for c in [
            Cleanup::Release { reservation: 3 },
            Cleanup::RemoveScratch {
                name: "3-77".into(),
            },
        ] {
            let text = serde_json::to_string(&c).unwrap();
            assert_eq!(serde_json::from_str::<Cleanup>(&text).unwrap(), c);
        }
        assert_eq!(
            Cleanup::Release { reservation: 3 }.dedup_key(),
            "cleanup:release:3"
        );
    }
}
