//! Use cases over the store and git: each owns its invariants and the order of its steps.

pub mod accounts;
pub mod repos;
pub mod tokens;

use oxforge_git::RepoRoot;
use oxforge_store::Store;

/// What the use cases need to know of the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub default_branch: String,
    pub min_password_length: usize,
    pub force_private: bool,
    /// Per-user repository limit; -1 = unlimited.
    pub max_creation_limit: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            default_branch: "main".into(),
            min_password_length: 8,
            force_private: false,
            max_creation_limit: -1,
        }
    }
}

#[derive(Clone)]
pub struct Services {
    pub store: Store,
    pub repos: RepoRoot,
    pub settings: Settings,
}

impl Services {
    pub fn new(store: Store, repos: RepoRoot, settings: Settings) -> Self {
        Services {
            store,
            repos,
            settings,
        }
    }
}
