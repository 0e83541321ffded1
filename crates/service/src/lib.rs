//! Use cases over the store and git: each owns its invariants and the order of its steps.

pub mod accounts;
pub mod avatars;
pub mod cleanup;
pub mod follows;
pub mod git_access;
pub mod hosts;
pub mod issues;
pub mod migrations;
pub mod mirrors;
pub mod orgs;
pub mod repos;
mod secret;
mod throttle;
pub mod tokens;

use oxforge_git::RepoRoot;
use oxforge_store::Store;
use std::sync::Arc;
use std::time::Duration;
use throttle::LoginThrottle;
use tokio::sync::Semaphore;

/// What the use cases need to know of the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub default_branch: String,
    pub min_password_length: usize,
    pub force_private: bool,
    /// Per-user repository limit; -1 = unlimited.
    pub max_creation_limit: i64,
    /// Git processes serving clients at once; more requests wait for a slot.
    pub max_git_processes: usize,
    /// A git transfer with no progress for this long is ended.
    pub git_idle_timeout: Duration,
    /// Pushing to a missing repository under one's own name creates it.
    pub enable_push_create_user: bool,
    /// Repositories made by a push are private.
    pub default_push_create_private: bool,
    pub migrations: MigrationSettings,
    pub mirror: MirrorSettings,
    /// Seals stored source credentials (`[security] SECRET_KEY`).
    pub secret_key: [u8; 32],
    /// `[admin] DISABLE_REGULAR_ORG_CREATION`: only site admins create organisations.
    pub disable_regular_org_creation: bool,
    /// `[picture]`: where account pictures come from.
    pub picture: avatars::PictureSettings,
}

/// `[migrations]`, `[security] IMPORT_LOCAL_PATHS`, `[repository] DISABLE_MIGRATIONS`.
#[derive(Debug, Clone)]
pub struct MigrationSettings {
    pub allow_local_networks: bool,
    pub allowed_domains: Vec<String>,
    pub blocked_domains: Vec<String>,
    pub import_local_paths: bool,
    pub disabled: bool,
    pub timeout: Duration,
}

impl Default for MigrationSettings {
    fn default() -> Self {
        MigrationSettings {
            allow_local_networks: false,
            allowed_domains: Vec::new(),
            blocked_domains: Vec::new(),
            import_local_paths: false,
            disabled: false,
            timeout: Duration::from_secs(600),
        }
    }
}

/// `[mirror]` and `[cron.update_mirrors]`.
#[derive(Debug, Clone)]
pub struct MirrorSettings {
    pub enabled: bool,
    pub disable_new_pull: bool,
    /// Seconds.
    pub default_interval: i64,
    /// Seconds.
    pub min_interval: i64,
    /// How often the scheduler looks for due mirrors.
    pub check_every: Duration,
    /// Due mirrors queued per check.
    pub pull_limit: i64,
    /// Sync jobs run at once by this process (each also needs a git process slot).
    pub workers: usize,
    pub timeout: Duration,
}

impl Default for MirrorSettings {
    fn default() -> Self {
        MirrorSettings {
            enabled: true,
            disable_new_pull: false,
            default_interval: 8 * 3600,
            min_interval: 600,
            check_every: Duration::from_secs(600),
            pull_limit: 50,
            workers: 4,
            timeout: Duration::from_secs(300),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            default_branch: "main".into(),
            min_password_length: 8,
            force_private: false,
            max_creation_limit: -1,
            max_git_processes: 32,
            git_idle_timeout: Duration::from_secs(360),
            enable_push_create_user: false,
            default_push_create_private: true,
            migrations: MigrationSettings::default(),
            mirror: MirrorSettings::default(),
            secret_key: [0; 32],
            disable_regular_org_creation: false,
            picture: avatars::PictureSettings::default(),
        }
    }
}

#[derive(Clone)]
pub struct Services {
    pub store: Store,
    pub repos: RepoRoot,
    pub settings: Settings,
    /// Avatar links and names (keyed from `settings.secret_key`).
    pub avatars: avatars::Avatars,
    /// Slots for git processes (`max_git_processes`).
    pub git_slots: Arc<Semaphore>,
    login_throttle: Arc<LoginThrottle>,
    /// Names this process in the job table.
    instance_id: String,
    /// Wakes this process's job workers when it queues work.
    job_signal: Arc<tokio::sync::Notify>,
}

impl Services {
    pub fn new(store: Store, repos: RepoRoot, settings: Settings) -> Self {
        Services {
            store,
            repos,
            avatars: avatars::Avatars::new(&settings.secret_key, &settings.picture),
            git_slots: Arc::new(Semaphore::new(settings.max_git_processes.max(1))),
            settings,
            login_throttle: Arc::new(LoginThrottle::default()),
            instance_id: format!("{:08x}", rand::random::<u32>()),
            job_signal: Arc::new(tokio::sync::Notify::new()),
        }
    }
}
