//! The configuration, one plain struct per `app.ini` section, in the types the crates use.
//!
//! Each `Default` impl is the one place a key's default is written: the parser in the binary
//! falls back to it, and docs/CONFIG.md is checked against what the parser reads. Paths are
//! relative here and resolved against the work path by the parser.

use crate::secret::Secret;
use std::path::PathBuf;
use std::time::Duration;

/// `[server]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub http_addr: String,
    pub http_port: u16,
    /// Set explicitly (ends with `/`), or `None`: derived from DOMAIN and the bound port.
    pub root_url: Option<String>,
    pub domain: String,
    /// `None`: DOMAIN.
    pub ssh_domain: Option<String>,
    pub ssh_port: u16,
    pub ssh_user: String,
    /// Largest request body accepted on API routes.
    pub max_request_body_bytes: usize,
    /// How long a client may take to send a request line and headers; also how long an
    /// idle keep-alive connection waits for its next request.
    pub read_header_timeout: Duration,
    /// How long a request body may stall (no bytes) before the request is ended with 408
    /// (API and pages; git transfers use `[git.timeout] DEFAULT`).
    pub read_body_timeout: Duration,
    /// Connections open at once. When full, new connections wait, and open connections
    /// that are not serving a request are closed to make room.
    pub max_connections: usize,
    /// Longest request target (path and query) answered; longer gets 414.
    pub max_uri_length: usize,
    /// Largest header block (names, values and line ends) answered; larger gets 431.
    pub max_header_bytes: usize,
}

impl Default for Server {
    fn default() -> Self {
        Server {
            http_addr: "0.0.0.0".into(),
            http_port: 3000,
            root_url: None,
            domain: "localhost".into(),
            ssh_domain: None,
            ssh_port: 22,
            ssh_user: "git".into(),
            max_request_body_bytes: 10 * 1024 * 1024,
            read_header_timeout: Duration::from_secs(30),
            read_body_timeout: Duration::from_secs(30),
            max_connections: 1024,
            max_uri_length: 16 * 1024,
            max_header_bytes: 64 * 1024,
        }
    }
}

impl Server {
    /// ROOT_URL, or `http://DOMAIN:PORT/` for the port actually bound.
    pub fn effective_root_url(&self, bound_port: u16) -> String {
        self.root_url
            .clone()
            .unwrap_or_else(|| format!("http://{}:{}/", self.domain, bound_port))
    }

    /// The host in `ssh_url`: SSH_DOMAIN, else DOMAIN.
    pub fn ssh_host(&self) -> &str {
        self.ssh_domain.as_deref().unwrap_or(&self.domain)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbType {
    Sqlite,
    Postgres,
}

/// `[database]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Database {
    pub db_type: DbType,
    /// SQLite file.
    pub path: PathBuf,
    /// PostgreSQL `host:port`.
    pub host: String,
    pub name: String,
    pub user: String,
    pub passwd: Secret<String>,
    pub ssl_mode: String,
    pub max_open_conns: u32,
}

impl Default for Database {
    fn default() -> Self {
        Database {
            db_type: DbType::Sqlite,
            path: "oxforge.db".into(),
            host: "127.0.0.1:5432".into(),
            name: "oxforge".into(),
            user: "postgres".into(),
            passwd: Secret::default(),
            ssl_mode: "disable".into(),
            max_open_conns: 16,
        }
    }
}

/// `[repository]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// Bare repositories live at `root/owner/name.git`.
    pub root: PathBuf,
    pub default_branch: String,
    pub force_private: bool,
    /// Per-user repository limit; -1 = unlimited.
    pub max_creation_limit: i64,
    /// Pushing to a missing repository under one's own name creates it.
    pub enable_push_create_user: bool,
    /// Repositories made by a push are private.
    pub default_push_create_private: bool,
    /// Refuse `POST /repos/migrate`.
    pub disable_migrations: bool,
}

impl Default for Repository {
    fn default() -> Self {
        Repository {
            root: "repositories".into(),
            default_branch: "main".into(),
            force_private: false,
            max_creation_limit: -1,
            enable_push_create_user: false,
            default_push_create_private: true,
            disable_migrations: false,
        }
    }
}

/// `[admin]`
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Admin {
    /// Only site admins create organisations.
    pub disable_regular_org_creation: bool,
}

/// `[repository.issue]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryIssue {
    /// The largest issue, comment, label or milestone text, in bytes (larger gets 413).
    pub max_body_bytes: usize,
}

impl Default for RepositoryIssue {
    fn default() -> Self {
        RepositoryIssue {
            max_body_bytes: 1 << 20,
        }
    }
}

/// `[picture]`: where account pictures come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// `DISABLE_GRAVATAR` (default true: pictures are generated here, no outside service
    /// is told anything).
    pub disable_gravatar: bool,
    /// `GRAVATAR_SOURCE`: `gravatar`, `libravatar`, `duoshuo`, or a URL prefix.
    pub gravatar_source: String,
}

impl Default for Picture {
    fn default() -> Self {
        Picture {
            disable_gravatar: true,
            gravatar_source: "gravatar".into(),
        }
    }
}

/// `[git]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Git {
    /// Git processes serving clients at once; more requests wait for a slot.
    pub max_processes: usize,
}

impl Default for Git {
    fn default() -> Self {
        Git { max_processes: 32 }
    }
}

/// `[git.timeout]` (whole seconds in the file; never below one second).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitTimeout {
    /// A git transfer with no progress for this long is ended.
    pub default: Duration,
    /// Longest a migration's transfer may take.
    pub migrate: Duration,
    /// Longest a mirror sync may take.
    pub mirror: Duration,
}

impl Default for GitTimeout {
    fn default() -> Self {
        GitTimeout {
            default: Duration::from_secs(360),
            migrate: Duration::from_secs(600),
            mirror: Duration::from_secs(300),
        }
    }
}

/// `[api]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    pub enable_swagger: bool,
    /// Largest page size.
    pub max_response_items: i64,
    /// Page size when `limit` is absent.
    pub default_paging_num: i64,
}

impl Default for Api {
    fn default() -> Self {
        Api {
            enable_swagger: true,
            max_response_items: 50,
            default_paging_num: 30,
        }
    }
}

/// `[security]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Security {
    /// Refuse `?token=` and `?access_token=`.
    pub disable_query_auth_token: bool,
    /// Let admins migrate from local paths.
    pub import_local_paths: bool,
    /// Empty: a key kept in `<work-path>/secret.key` is used instead.
    pub secret_key: Secret<String>,
    pub min_password_length: usize,
    /// Wrong passwords an account (or an unknown login name) gets before its checks are
    /// slowed down.
    pub login_throttle_free_failures: u32,
    /// Wrong passwords one client address gets, over all accounts, before its checks are
    /// slowed down.
    pub login_throttle_address_free_failures: u32,
    /// The first delay; it doubles with each further failure up to `login_throttle_max_delay`.
    pub login_throttle_base_delay: Duration,
    pub login_throttle_max_delay: Duration,
    /// A quiet period after which earlier failures are forgotten.
    pub login_throttle_reset_after: Duration,
    /// Password checks one client address may have in progress at once; more wait.
    pub login_throttle_max_checks_per_address: usize,
    /// Proxies whose `X-Forwarded-For` is believed (Gitea's
    /// `REVERSE_PROXY_TRUSTED_PROXIES`); `*` trusts every address.
    pub reverse_proxy_trusted_proxies: Vec<String>,
    /// How many trusted proxies' `X-Forwarded-For` entries are followed back to the
    /// client (0: the peer address is the client).
    pub reverse_proxy_limit: usize,
}

impl Default for Security {
    fn default() -> Self {
        Security {
            disable_query_auth_token: false,
            import_local_paths: false,
            secret_key: Secret::default(),
            min_password_length: 8,
            login_throttle_free_failures: 3,
            login_throttle_address_free_failures: 20,
            login_throttle_base_delay: Duration::from_millis(250),
            login_throttle_max_delay: Duration::from_secs(4),
            login_throttle_reset_after: Duration::from_secs(15 * 60),
            login_throttle_max_checks_per_address: 4,
            reverse_proxy_trusted_proxies: vec!["127.0.0.0/8".into(), "::1/128".into()],
            reverse_proxy_limit: 1,
        }
    }
}

/// `[migrations]`: which hosts migrations and mirrors may reach.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Migrations {
    pub allow_localnetworks: bool,
    /// Empty: any external address.
    pub allowed_domains: Vec<String>,
    pub blocked_domains: Vec<String>,
}

/// `[mirror]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mirror {
    pub enabled: bool,
    pub disable_new_pull: bool,
    /// Interval of a new mirror when none is given (never below `min_interval`).
    pub default_interval: Duration,
    /// Shortest interval accepted (whole seconds, at least one).
    pub min_interval: Duration,
    /// Sync jobs run at once by this process (each also needs a git process slot).
    pub workers: usize,
}

impl Default for Mirror {
    fn default() -> Self {
        Mirror {
            enabled: true,
            disable_new_pull: false,
            default_interval: Duration::from_secs(8 * 3600),
            min_interval: Duration::from_secs(10 * 60),
            workers: 4,
        }
    }
}

/// `[cron.update_mirrors]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronUpdateMirrors {
    /// How often the scheduler looks for due mirrors (`@every <duration>`).
    pub schedule: Duration,
    /// Due mirrors queued per pass.
    pub pull_limit: i64,
}

impl Default for CronUpdateMirrors {
    fn default() -> Self {
        CronUpdateMirrors {
            schedule: Duration::from_secs(10 * 60),
            pull_limit: 50,
        }
    }
}
