//! Use cases over the store and git: each owns its invariants and the order of its steps.

pub mod accounts;
pub mod actor;
pub mod avatars;
pub mod branches;
pub mod cleanup;
pub mod collaborators;
pub mod content;
pub mod events;
pub mod files;
pub mod follows;
pub mod git_access;
pub mod hosts;
pub mod issue_comments;
pub mod issue_labels;
pub mod issues;
pub mod lifecycle;
pub mod migrations;
pub mod mirrors;
pub mod org_labels;
pub mod org_members;
pub mod orgs;
pub mod repo_ctx;
pub mod repos;
mod secret;
pub mod stars;
pub mod statuses;
pub mod tags;
pub mod teams;
mod throttle;
pub mod tokens;
pub mod transport;
pub mod users;

pub use actor::{AccountBlock, Actor, AuthMethod};
use oxforge_core::secret::Secret;
use oxforge_core::settings::{
    Admin, CronUpdateMirrors, Git, GitTimeout, Migrations, Mirror, Picture, Repository,
    RepositoryIssue, Security,
};
use oxforge_git::RepoRoot;
use oxforge_store::Store;
pub use repo_ctx::RepoCtx;
use std::sync::Arc;
use throttle::LoginThrottle;
use tokio::sync::Semaphore;

/// The configuration sections the use cases read, as parsed (oxforge_core::settings).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub repository: Repository,
    pub admin: Admin,
    pub git: Git,
    pub git_timeout: GitTimeout,
    pub security: Security,
    pub migrations: Migrations,
    pub mirror: Mirror,
    pub cron_update_mirrors: CronUpdateMirrors,
    /// Seals stored source credentials: derived at start from `[security] SECRET_KEY` or
    /// `<work-path>/secret.key`.
    pub secret_key: Secret<[u8; 32]>,
    /// `[picture]`: where account pictures come from.
    pub picture: Picture,
    /// `[repository.issue]`: limits of tracker texts.
    pub repository_issue: RepositoryIssue,
}

#[derive(Clone)]
pub struct Services {
    pub store: Store,
    pub repos: RepoRoot,
    pub settings: Settings,
    /// Avatar links and names (keyed from `settings.secret_key`).
    pub avatars: avatars::Avatars,
    /// Slots for git processes (`[git] MAX_PROCESSES`).
    pub git_slots: Arc<Semaphore>,
    login_throttle: Arc<LoginThrottle>,
    /// Names this process in the job table.
    instance_id: String,
    /// Wakes this process's job workers when it queues work.
    job_signal: Arc<tokio::sync::Notify>,
    /// Domain events: in-process subscribers and durable consumers.
    events: Arc<events::EventBus>,
    /// This process in the repository root, and its operations in progress.
    lifecycle: Arc<lifecycle::Lifecycle>,
}

impl Services {
    pub fn new(store: Store, repos: RepoRoot, settings: Settings) -> Self {
        let instance_id = format!("{:016x}", rand::random::<u64>());
        Services {
            store,
            repos,
            avatars: avatars::Avatars::new(settings.secret_key.expose(), &settings.picture),
            git_slots: Arc::new(Semaphore::new(settings.git.max_processes.max(1))),
            login_throttle: Arc::new(LoginThrottle::new(&settings.security)),
            settings,
            instance_id: instance_id.clone(),
            job_signal: Arc::new(tokio::sync::Notify::new()),
            events: Arc::new(events::EventBus::default()),
            lifecycle: Arc::new(lifecycle::Lifecycle::new(instance_id)),
        }
    }
}
