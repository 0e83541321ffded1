//! The repository life cycle across crashes. A repository's row is written only when its
//! directory is complete; until then (and while a directory is renamed or removed) the
//! name is held by a reservation that names the process holding it. Pushes leave a mark
//! with the ref updates they ask for before git may apply them. Reconciliation — at start
//! and then periodically — settles what a dead process left: a half-made repository is
//! removed and its name freed, a rename is undone, a removal is finished, and a push's
//! row and events are brought in line with the refs on disk. Stray directories, scratch
//! clones and git's incoming object directories go too.
//!
//! A process is alive while it holds an exclusive lock on its file in
//! `<repository root>/.instances/`; the kernel drops the lock when the process dies,
//! however it dies, so another process (or the next start) can tell a live holder from a
//! dead one, even when several processes share the root.

use crate::Services;
use oxforge_core::events::{Event, RefUpdate};
use oxforge_core::{Error, Result};
use oxforge_store::{PushMark, Reservation, ReservationKind};
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// How often reservations and push marks of dead processes are looked for.
pub const RECONCILE_EVERY: Duration = Duration::from_secs(60);
/// How often the repository root is scanned for directories no row owns.
const SCAN_EVERY: Duration = Duration::from_secs(3600);
/// A reservation or mark of this process that no live operation holds is settled only
/// once it is this old (an operation registers just after it writes one).
const OWN_GRACE_SECS: i64 = 30;

const INSTANCES_DIR: &str = ".instances";

/// This process's identity in the repository root, and what it has in progress.
pub struct Lifecycle {
    instance: String,
    lock: OnceLock<std::result::Result<File, String>>,
    live_reservations: Mutex<HashSet<i64>>,
    live_pushes: Mutex<HashSet<i64>>,
}

impl Lifecycle {
    pub fn new(instance: String) -> Self {
        Lifecycle {
            instance,
            lock: OnceLock::new(),
            live_reservations: Mutex::new(HashSet::new()),
            live_pushes: Mutex::new(HashSet::new()),
        }
    }
}

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Parks the operation at a named point when `OXFORGE_PAUSE_AT` names it, after logging
/// that it got there: the crash-recovery tests kill the process (SIGKILL) at each point.
pub(crate) async fn pause_point(name: &str) {
    static AT: OnceLock<Option<String>> = OnceLock::new();
    let at = AT.get_or_init(|| std::env::var("OXFORGE_PAUSE_AT").ok());
    if at.as_deref() == Some(name) {
        tracing::error!(point = name, "pause point reached");
        std::future::pending::<()>().await;
    }
}

/// A reservation this process holds; dropped without `done`, it is released (the
/// operation failed or its request was abandoned).
pub(crate) struct Held {
    svc: Services,
    pub(crate) id: i64,
    done: bool,
}

impl Held {
    /// The reservation was consumed by the commit that made the change final.
    pub(crate) fn done(mut self) {
        self.done = true;
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let id = self.id;
        if self.done {
            locked(&self.svc.lifecycle.live_reservations).remove(&id);
            return;
        }
        let svc = self.svc.clone();
        // Released on a task: drop cannot wait, and the runtime outlives requests.
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                svc.release_reservation(id).await;
                locked(&svc.lifecycle.live_reservations).remove(&id);
            });
        }
    }
}

/// A push this process is running.
pub(crate) struct PushGuard {
    svc: Services,
    id: i64,
}

impl Drop for PushGuard {
    fn drop(&mut self) {
        locked(&self.svc.lifecycle.live_pushes).remove(&self.id);
    }
}

impl Services {
    /// This process's holder name, with its lock file made and locked on first use.
    pub(crate) fn holder(&self) -> Result<String> {
        let lc = &self.lifecycle;
        let lock = lc.lock.get_or_init(|| {
            let dir = self.repos.root().join(INSTANCES_DIR);
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            let f = File::create(dir.join(format!("{}.lock", lc.instance)))
                .map_err(|e| e.to_string())?;
            f.try_lock().map_err(|e| e.to_string())?;
            Ok(f)
        });
        match lock {
            Ok(_) => Ok(format!("{}:{}", lc.instance, std::process::id())),
            Err(e) => Err(Error::internal(format!(
                "cannot lock this process's file in the repository root: {e}"
            ))),
        }
    }

    fn instance_of(holder: &str) -> &str {
        holder.split(':').next().unwrap_or("")
    }

    /// Whether the process that wrote `holder` is gone.
    fn holder_dead(&self, holder: &str) -> bool {
        let instance = Self::instance_of(holder);
        if instance == self.lifecycle.instance {
            return false;
        }
        if instance.is_empty() || instance.contains(['/', '\\', '.']) {
            return true;
        }
        let path = self
            .repos
            .root()
            .join(INSTANCES_DIR)
            .join(format!("{instance}.lock"));
        match File::open(&path) {
            Ok(f) => f.try_lock().is_ok(),
            Err(_) => true,
        }
    }

    /// Reserves `name` under `owner_id` for `kind`, held by this process.
    pub(crate) async fn reserve(
        &self,
        owner_id: i64,
        name: &str,
        kind: ReservationKind,
        renaming: Option<(i64, &str)>,
    ) -> Result<Held> {
        let holder = self.holder()?;
        let id = self
            .store
            .reserve_repo_name(owner_id, name, kind, renaming, &holder)
            .await?;
        locked(&self.lifecycle.live_reservations).insert(id);
        Ok(Held {
            svc: self.clone(),
            id,
            done: false,
        })
    }

    /// Holds a reservation the store made for this process (a removal's).
    pub(crate) fn held(&self, id: i64) -> Held {
        locked(&self.lifecycle.live_reservations).insert(id);
        Held {
            svc: self.clone(),
            id,
            done: false,
        }
    }

    /// Marks a push to `repo_id` by `pusher_id` asking for `refs`, before git applies them.
    pub(crate) async fn mark_push(
        &self,
        repo_id: i64,
        pusher_id: Option<i64>,
        refs: &[RefUpdate],
    ) -> Result<(i64, PushGuard)> {
        let holder = self.holder()?;
        let text = serde_json::to_string(refs).map_err(|e| Error::internal(e.to_string()))?;
        let id = self
            .store
            .mark_push(repo_id, pusher_id.unwrap_or(0), &text, &holder)
            .await?;
        locked(&self.lifecycle.live_pushes).insert(id);
        Ok((
            id,
            PushGuard {
                svc: self.clone(),
                id,
            },
        ))
    }

    /// Brings a repository in line with a push: of the updates asked for, those the refs
    /// on disk show applied are the push; the row follows the refs and the push's events
    /// are emitted. Clears the mark (when there is one).
    pub(crate) async fn settle_push(
        &self,
        repo_id: i64,
        pusher_id: Option<i64>,
        asked: &[RefUpdate],
        mark: Option<i64>,
    ) -> Result<()> {
        if let Some(current) = self.store.repo_by_id(repo_id).await? {
            let path = self.repos.path(&current.owner.name, &current.repo.name);
            let on_disk: HashMap<String, String> = oxforge_git::refs::refs(&path)
                .await?
                .into_iter()
                .map(|r| (r.name, r.sha))
                .collect();
            let applied: Vec<RefUpdate> = asked
                .iter()
                .filter(|u| match on_disk.get(&u.name) {
                    Some(sha) => *sha == u.new,
                    None => u.new.bytes().all(|b| b == b'0'),
                })
                .cloned()
                .collect();
            self.settle_applied(repo_id, &current, &path, pusher_id, applied)
                .await?;
        }
        if let Some(id) = mark {
            self.store.clear_push_mark(id).await?;
        }
        Ok(())
    }

    /// The row and events of ref updates known to be applied (an API edit whose
    /// compare-and-swap succeeded: the ref may have moved on since, by another edit).
    pub(crate) async fn settle_applied(
        &self,
        repo_id: i64,
        current: &oxforge_core::model::RepoWithOwner,
        path: &Path,
        pusher_id: Option<i64>,
        applied: Vec<RefUpdate>,
    ) -> Result<()> {
        {
            let heads: Vec<&str> = applied
                .iter()
                .filter_map(|r| r.name.strip_prefix("refs/heads/"))
                .collect();
            // Only a repository that was empty takes its default from the push.
            let pick = current.repo.is_empty.then_some(heads.as_slice());
            self.refresh_after_refs(repo_id, path, &current.repo.default_branch, pick)
                .await?;
            if !applied.is_empty() {
                let repo = Some(repo_id);
                let events = Event::ref_changes(&applied);
                self.emit_as(pusher_id, repo, Event::Pushed { refs: applied })
                    .await;
                for event in events {
                    self.emit_as(pusher_id, repo, event).await;
                }
            }
        }
        Ok(())
    }

    /// Undoes or finishes what reservation `id` stood for, then drops it. A failure is
    /// logged and queued for the job workers to try again (the name stays taken).
    pub(crate) async fn release_reservation(&self, id: i64) {
        if let Err(e) = self.try_release(id).await {
            tracing::warn!(reservation = id, error = %e.message,
                "reservation not released; queued to retry");
            self.queue_cleanup(&crate::cleanup::Cleanup::Release { reservation: id }, 1)
                .await;
        }
    }

    pub(crate) async fn try_release(&self, id: i64) -> Result<()> {
        match self.store.reservation(id).await? {
            Some(r) => self.settle_reservation(&r).await,
            None => Ok(()),
        }
    }

    async fn settle_reservation(&self, r: &Reservation) -> Result<()> {
        let Some(owner) = self.store.user_by_id(r.owner_id).await? else {
            // The owner is gone with its directory; the scan removes any leftover.
            return self.store.drop_reservation(r.id).await;
        };
        match r.kind {
            ReservationKind::Create | ReservationKind::Migrate | ReservationKind::Delete => {
                self.repos.remove(&owner.name, &r.lower_name).await?;
                if r.kind == ReservationKind::Migrate {
                    self.repos.remove_scratch_of(&r.id.to_string()).await?;
                    self.store
                        .fail_running_jobs(
                            &format!("migrate:{}", r.id),
                            "the migration was interrupted; nothing was kept",
                        )
                        .await?;
                }
            }
            ReservationKind::Rename => {
                let row = self.store.repo_by_id(r.repo_id).await?;
                let at_new = self.repos.exists(&owner.name, &r.lower_name).await;
                match row {
                    Some(row) if row.repo.name.eq_ignore_ascii_case(&r.from_name) => {
                        let at_old = self.repos.exists(&owner.name, &r.from_name).await;
                        if at_new && !at_old {
                            self.repos
                                .rename(&owner.name, &r.lower_name, &r.from_name)
                                .await?;
                            tracing::info!(repo = r.repo_id, name = %r.from_name,
                                "interrupted rename undone");
                        } else if at_new {
                            return Err(Error::internal(format!(
                                "{}/{} has directories at both {} and {}",
                                owner.name, row.repo.name, r.from_name, r.lower_name
                            )));
                        }
                    }
                    Some(_) => {}
                    None if at_new => self.repos.remove(&owner.name, &r.lower_name).await?,
                    None => {}
                }
            }
        }
        tracing::info!(reservation = r.id, kind = ?r.kind, owner = %owner.name, name = %r.lower_name,
            "released a reservation left by an interrupted operation");
        self.store.drop_reservation(r.id).await
    }

    /// Whether a reservation or mark written by `holder` at `since` belongs to nobody.
    fn abandoned(&self, holder: &str, live: bool, since: i64) -> bool {
        if Self::instance_of(holder) == self.lifecycle.instance {
            !live && oxforge_core::time::now() - since >= OWN_GRACE_SECS
        } else {
            self.holder_dead(holder)
        }
    }

    /// Settles every reservation and push mark their holders abandoned. Returns how many.
    pub async fn reconcile_operations(&self) -> Result<usize> {
        let mut settled = 0;
        for r in self.store.reservations().await? {
            let live = locked(&self.lifecycle.live_reservations).contains(&r.id);
            if self.abandoned(&r.holder, live, r.created_unix) {
                self.release_reservation(r.id).await;
                settled += 1;
            }
        }
        let marks = self.store.push_marks().await?;
        let dead: Vec<&PushMark> = marks
            .iter()
            .filter(|m| {
                let live = locked(&self.lifecycle.live_pushes).contains(&m.id);
                self.abandoned(&m.holder, live, m.started_unix)
            })
            .collect();
        for m in &dead {
            let asked: Vec<RefUpdate> = serde_json::from_str(&m.refs).unwrap_or_default();
            let pusher = (m.pusher_id > 0).then_some(m.pusher_id);
            match self
                .settle_push(m.repo_id, pusher, &asked, Some(m.id))
                .await
            {
                Ok(()) => {
                    settled += 1;
                    tracing::info!(repo = m.repo_id, mark = m.id, "interrupted push settled");
                }
                Err(e) => tracing::warn!(repo = m.repo_id, mark = m.id, error = %e.message,
                    "interrupted push not settled; will try again"),
            }
            // Git's quarantine of a push that never finished, unless another push is live.
            let busy = marks
                .iter()
                .any(|o| o.repo_id == m.repo_id && !dead.iter().any(|d| d.id == o.id));
            if !busy {
                if let Some(r) = self.store.repo_by_id(m.repo_id).await? {
                    let path = self.repos.path(&r.owner.name, &r.repo.name);
                    remove_incoming(&path).await;
                }
            }
        }
        Ok(settled)
    }

    /// Removes directories in the repository root that no repository, reservation or live
    /// process accounts for: repositories whose row is gone, owners that are gone, scratch
    /// clones and removals that were interrupted, and lock files of dead processes. A row
    /// whose directory is missing gets an empty repository (its issues and settings stay).
    pub async fn scan_repository_root(&self) -> Result<()> {
        let root = self.repos.root().to_path_buf();
        // Listed first: a directory seen here was reserved (or had its row) before it
        // appeared, so reading reservations, then rows, after the listing cannot miss it.
        let dirs = list_repo_dirs(&root).await;
        let reservations = self.store.reservations().await?;
        let rows = self.store.repo_paths().await?;
        let mut known: HashSet<(String, String)> = HashSet::new();
        let mut owners_with_reservations = HashSet::new();
        let mut owner_names: HashMap<i64, String> = HashMap::new();
        for r in &reservations {
            let owner = match owner_names.get(&r.owner_id) {
                Some(n) => n.clone(),
                None => match self.store.user_by_id(r.owner_id).await? {
                    Some(u) => {
                        let n = u.name.to_ascii_lowercase();
                        owner_names.insert(r.owner_id, n.clone());
                        n
                    }
                    None => continue,
                },
            };
            known.insert((owner.clone(), r.lower_name.clone()));
            if r.kind == ReservationKind::Rename {
                known.insert((owner.clone(), r.from_name.to_ascii_lowercase()));
            }
            owners_with_reservations.insert(owner);
        }
        for (owner, name, _) in &rows {
            known.insert((owner.clone(), name.clone()));
        }
        for (owner, name) in dirs {
            if known.contains(&(owner.clone(), name.clone())) {
                continue;
            }
            tracing::warn!(owner = %owner, name = %name, "removing a repository directory no repository owns");
            if let Err(e) = self.repos.remove(&owner, &name).await {
                tracing::warn!(owner = %owner, name = %name, error = %e.message, "stray directory not removed");
            }
        }
        let on_disk: HashSet<(String, String)> = list_repo_dirs(&root).await.into_iter().collect();
        for (owner, name, id) in &rows {
            if on_disk.contains(&(owner.clone(), name.clone())) {
                continue;
            }
            let Some(r) = self.store.repo_by_id(*id).await? else {
                continue;
            };
            if !self.repos.exists(&r.owner.name, &r.repo.name).await {
                tracing::error!(repo = id, owner = %owner, name = %name,
                    "repository directory missing; starting it again empty");
                self.repos
                    .init_bare(
                        &r.owner.name,
                        &r.repo.name,
                        &r.repo.default_branch,
                        &r.repo.object_format_name,
                    )
                    .await?;
                let path = self.repos.path(&r.owner.name, &r.repo.name);
                self.refresh_after_refs(*id, &path, &r.repo.default_branch, None)
                    .await?;
            }
        }
        // Scratch clones of migrations that are gone.
        self.remove_dead_scratch(&self.repos.scratch_path("")).await;
        self.remove_dead_instance_files(&root.join(INSTANCES_DIR))
            .await;
        Ok(())
    }

    /// Scratch entries are named `<reservation id>-...`: those whose reservation is gone
    /// belong to no live operation.
    async fn remove_dead_scratch(&self, dir: &Path) {
        let Ok(mut rd) = tokio::fs::read_dir(dir).await else {
            return;
        };
        let live: HashSet<String> = match self.store.reservations().await {
            Ok(rs) => rs.iter().map(|r| r.id.to_string()).collect(),
            Err(_) => return,
        };
        while let Ok(Some(e)) = rd.next_entry().await {
            let name = e.file_name().to_string_lossy().to_string();
            let owner_id = name.split('-').next().unwrap_or("");
            if !live.contains(owner_id) {
                let _ = tokio::fs::remove_dir_all(e.path()).await;
            }
        }
    }

    async fn remove_dead_instance_files(&self, dir: &Path) {
        let Ok(mut rd) = tokio::fs::read_dir(dir).await else {
            return;
        };
        while let Ok(Some(e)) = rd.next_entry().await {
            let name = e.file_name().to_string_lossy().to_string();
            let Some(instance) = name.strip_suffix(".lock") else {
                continue;
            };
            if instance != self.lifecycle.instance && self.holder_dead(instance) {
                let _ = tokio::fs::remove_file(e.path()).await;
            }
        }
    }

    /// Start-up reconciliation: before the first request, settle everything dead
    /// processes left, then scan the root.
    pub async fn reconcile_at_start(&self) -> Result<()> {
        self.holder()?;
        let settled = self.reconcile_operations().await?;
        self.scan_repository_root().await?;
        if settled > 0 {
            tracing::info!(
                settled,
                "start-up reconciliation settled interrupted operations"
            );
        }
        Ok(())
    }

    /// The periodic half of reconciliation, until `stop`.
    pub(crate) fn start_reconciler(
        &self,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        let svc = self.clone();
        tokio::spawn(async move {
            let mut last_scan = tokio::time::Instant::now();
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(RECONCILE_EVERY) => {}
                    _ = stop.changed() => break,
                }
                if let Err(e) = svc.reconcile_operations().await {
                    tracing::warn!(error = %e.message, "reconciliation pass failed");
                }
                if last_scan.elapsed() >= SCAN_EVERY {
                    last_scan = tokio::time::Instant::now();
                    if let Err(e) = svc.scan_repository_root().await {
                        tracing::warn!(error = %e.message, "repository root scan failed");
                    }
                }
            }
        })
    }
}

impl Services {
    /// Removes the quarantine a push git was stopped in left behind, unless another push
    /// to the repository (of any process) may be using its own.
    pub(crate) async fn remove_quarantine_if_idle(&self, repo_id: i64, path: &Path) {
        match self.store.push_marks().await {
            Ok(marks) if !marks.iter().any(|m| m.repo_id == repo_id) => remove_incoming(path).await,
            Ok(_) => {}
            Err(e) => tracing::warn!(repo = repo_id, error = %e.message,
                "cannot tell whether the repository is idle; its quarantine waits for reconciliation"),
        }
    }
}

/// `(owner, name)` of every `<owner>/<name>.git` directory under `root` (dot-directories
/// are oxforge's own).
async fn list_repo_dirs(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(mut owners) = tokio::fs::read_dir(root).await else {
        return out;
    };
    while let Ok(Some(o)) = owners.next_entry().await {
        let owner = o.file_name().to_string_lossy().to_string();
        if owner.starts_with('.') || !o.file_type().await.is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let Ok(mut repos) = tokio::fs::read_dir(o.path()).await else {
            continue;
        };
        while let Ok(Some(r)) = repos.next_entry().await {
            let file = r.file_name().to_string_lossy().to_string();
            if let Some(name) = file.strip_suffix(".git") {
                out.push((owner.clone(), name.to_string()));
            }
        }
    }
    out
}

/// Removes git's quarantine directories (`objects/tmp_objdir-incoming-*`) of pushes that
/// never finished.
async fn remove_incoming(repo: &Path) {
    let objects: PathBuf = repo.join("objects");
    let Ok(mut rd) = tokio::fs::read_dir(&objects).await else {
        return;
    };
    while let Ok(Some(e)) = rd.next_entry().await {
        if e.file_name()
            .to_string_lossy()
            .starts_with("tmp_objdir-incoming-")
        {
            tracing::info!(path = %e.path().display(), "removing an interrupted push's incoming objects");
            let _ = tokio::fs::remove_dir_all(e.path()).await;
        }
    }
}
