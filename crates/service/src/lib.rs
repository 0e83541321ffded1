//! Use cases over the store and git: each owns its invariants and the order of its steps.

pub mod accounts;
pub mod git_access;
pub mod repos;
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
        }
    }
}

#[derive(Clone)]
pub struct Services {
    pub store: Store,
    pub repos: RepoRoot,
    pub settings: Settings,
    /// Slots for git processes (`max_git_processes`).
    pub git_slots: Arc<Semaphore>,
    login_throttle: Arc<LoginThrottle>,
}

impl Services {
    pub fn new(store: Store, repos: RepoRoot, settings: Settings) -> Self {
        Services {
            store,
            repos,
            git_slots: Arc::new(Semaphore::new(settings.max_git_processes.max(1))),
            settings,
            login_throttle: Arc::new(LoginThrottle::default()),
        }
    }
}
