//! Pull mirrors: syncing on request and on schedule, through the shared job table, so one
//! repository never syncs twice at once even with several processes on one database.

use crate::actor::Actor;
use crate::migrations::remote_failure;
use crate::repo_ctx::RepoCtx;
use crate::Services;
use oxforge_core::access::AccessMode;
use oxforge_core::duration::{format_go_duration, parse_go_duration_nanos};
use oxforge_core::model::RepoWithOwner;
use oxforge_core::{Error, Result};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub const SYNC_JOB: &str = "mirror-sync";

fn sync_key(repo_id: i64) -> String {
    format!("{SYNC_JOB}:{repo_id}")
}

impl Services {
    /// `POST /repos/{o}/{r}/mirror-sync`: queues a sync (deduplicated) and returns at once.
    pub async fn request_mirror_sync(&self, actor: &Actor, ctx: &RepoCtx) -> Result<()> {
        actor.require_user()?;
        ctx.require_mode(
            AccessMode::Write,
            "user should have a permission to write to a repo",
        )?;
        ctx.require_writable()?;
        let r = ctx.repo();
        if !self.settings.mirror.enabled {
            return Err(Error::bad_request("Mirror feature is disabled"));
        }
        if r.repo.mirror.is_none() {
            return Err(Error::bad_request("Repository is not a mirror"));
        }
        self.queue_sync(r.repo.id).await
    }

    async fn queue_sync(&self, repo_id: i64) -> Result<()> {
        self.store
            .enqueue_job(SYNC_JOB, &sync_key(repo_id), &repo_id.to_string(), 0)
            .await?;
        self.job_signal.notify_waiters();
        Ok(())
    }

    /// A mirror interval in seconds from Go's syntax: `0` (never), or at least
    /// `[mirror] MIN_INTERVAL` (so `500ms` is refused, not rounded to 0).
    pub(crate) fn checked_interval(&self, text: &str) -> Result<i64> {
        let nanos = parse_go_duration_nanos(text).ok_or_else(|| {
            Error::validation(format!("invalid mirror interval: {text:?} (e.g. 8h0m0s)"))
        })?;
        let min = self.settings.mirror.min_interval.as_secs() as i64;
        if nanos != 0 && nanos < (min as u128) * 1_000_000_000 {
            return Err(Error::validation(format!(
                "mirror interval must be at least {}",
                format_go_duration(min)
            )));
        }
        Ok((nanos / 1_000_000_000) as i64)
    }

    /// Changes a mirror's interval (Go duration; `0` stops scheduled syncs).
    pub(crate) async fn set_mirror_interval(&self, r: &RepoWithOwner, text: &str) -> Result<()> {
        if r.repo.mirror.is_none() {
            // Gitea ignores the field for repositories that are not mirrors.
            return Ok(());
        }
        let secs = self.checked_interval(text)?;
        let next = if secs > 0 {
            oxforge_core::time::now() + secs
        } else {
            0
        };
        self.store.set_mirror_interval(r.repo.id, secs, next).await
    }

    /// Fetches from the source with prune and brings the row up to date. The source is
    /// checked again each time (its name may now resolve elsewhere).
    pub async fn sync_mirror(&self, repo_id: i64) -> Result<()> {
        let (Some(m), Some(r)) = (
            self.store.mirror(repo_id).await?,
            self.store.repo_by_id(repo_id).await?,
        ) else {
            return Ok(());
        };
        let started = oxforge_core::time::now();
        let outcome = async {
            let mut source = self.check_source(None, &m.remote_url, "", "", "").await?;
            if !m.credentials.is_empty() {
                source.remote.authorization = Some(crate::secret::open(
                    self.settings.secret_key.expose(),
                    &m.credentials,
                )?);
            }
            let path = self.repos.path(&r.owner.name, &r.repo.name);
            let _slot = self
                .git_slots
                .acquire()
                .await
                .map_err(|_| Error::internal("git slots closed"))?;
            oxforge_git::remote::fetch_mirror(
                &source.remote,
                &path,
                m.enable_prune,
                self.settings.git_timeout.mirror,
                &repo_id.to_string(),
            )
            .await
            .map_err(|e| remote_failure(&source, e))?;
            self.refresh_after_refs(repo_id, &path, &r.repo.default_branch, Some(&[]))
                .await
        }
        .await;
        match &outcome {
            Ok(()) => {
                tracing::info!(repo = repo_id, "mirror synced");
                let next = if m.interval_secs > 0 {
                    started + m.interval_secs
                } else {
                    0
                };
                self.store
                    .record_mirror_sync(repo_id, started, next, "")
                    .await?;
            }
            Err(e) => {
                tracing::warn!(repo = repo_id, error = %e.message, "mirror sync failed");
                // Due again at the next scheduler pass.
                let retry = if m.interval_secs > 0 {
                    started
                        + (self.settings.cron_update_mirrors.schedule.as_secs() as i64)
                            .min(m.interval_secs)
                } else {
                    0
                };
                self.store
                    .record_mirror_sync(repo_id, started, retry, &e.message)
                    .await?;
            }
        }
        outcome
    }

    /// Runs one claimed job (mirror syncs and clean-ups share the workers).
    async fn run_job(&self, job: &oxforge_store::Job) -> Result<()> {
        match job.kind.as_str() {
            SYNC_JOB => {
                let id: i64 = job
                    .payload
                    .parse()
                    .map_err(|_| Error::internal("bad sync payload"))?;
                self.sync_mirror(id).await
            }
            crate::cleanup::CLEANUP_JOB => self.run_cleanup_job(job).await,
            // Its process died mid-transfer; reconciliation discards what it left.
            "migrate" => Err(Error::internal(
                "the migration was interrupted; nothing was kept",
            )),
            other => Err(Error::internal(format!(
                "job kind {other} cannot be resumed"
            ))),
        }
    }

    /// Starts the mirror scheduler and the job workers; they stop when `stop` turns true.
    pub fn start_background(&self, stop: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
        let mut handles = self.start_event_consumers(&stop);
        handles.push(self.start_reconciler(stop.clone()));
        if self.settings.mirror.enabled {
            let svc = self.clone();
            let mut stop_rx = stop.clone();
            handles.push(tokio::spawn(async move {
                loop {
                    if let Err(e) = svc.schedule_due_mirrors().await {
                        tracing::warn!(error = %e.message, "mirror scheduler pass failed");
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(svc.settings.cron_update_mirrors.schedule) => {}
                        _ = stop_rx.changed() => break,
                    }
                }
            }));
        }
        for n in 0..self.settings.mirror.workers.max(1) {
            let svc = self.clone();
            let mut stop_rx = stop.clone();
            let name = svc.worker_name(&format!("w{n}"));
            handles.push(tokio::spawn(async move {
                loop {
                    if *stop_rx.borrow() {
                        break;
                    }
                    let now = oxforge_core::time::now();
                    let lease = now + svc.settings.git_timeout.mirror.as_secs() as i64 + 60;
                    match svc.store.claim_job(&name, now, lease).await {
                        Ok(Some(job)) => {
                            let result = svc.run_job(&job).await;
                            svc.settle_job(&job, result).await;
                            continue;
                        }
                        Ok(None) => {}
                        Err(e) => tracing::warn!(error = %e.message, "cannot claim a job"),
                    }
                    // Other processes' work is found by polling; our own wakes us at once.
                    tokio::select! {
                        _ = svc.job_signal.notified() => {}
                        _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                        _ = stop_rx.changed() => break,
                    }
                }
            }));
        }
        handles
    }

    /// Queues a sync for every due mirror (duplicates are dropped by the queue).
    pub async fn schedule_due_mirrors(&self) -> Result<usize> {
        let now = oxforge_core::time::now();
        // Taking them moves their due time ahead: no other pass queues them again.
        let due = self
            .store
            .take_due_mirrors(now, self.settings.cron_update_mirrors.pull_limit)
            .await?;
        for id in &due {
            self.queue_sync(*id).await?;
        }
        self.store.prune_jobs(now - 7 * 24 * 3600).await?;
        Ok(due.len())
    }
}
