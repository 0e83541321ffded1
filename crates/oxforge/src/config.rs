//! Gitea-style `app.ini`, overridden by `OXFORGE__SECTION__KEY` environment variables,
//! parsed once into typed values. Every key and default is listed in docs/CONFIG.md.

use ini::Ini;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbType {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub work_path: PathBuf,
    pub http_addr: String,
    pub http_port: u16,
    /// Set explicitly, or derived from DOMAIN and the port actually bound.
    pub root_url: Option<String>,
    pub domain: String,
    pub ssh_domain: String,
    pub ssh_port: u16,
    pub ssh_user: String,
    pub db_type: DbType,
    pub db_path: PathBuf,
    pub db_host: String,
    pub db_name: String,
    pub db_user: String,
    pub db_passwd: String,
    pub db_ssl_mode: String,
    pub db_max_open_conns: u32,
    pub repo_root: PathBuf,
    pub default_branch: String,
    pub force_private: bool,
    pub max_creation_limit: i64,
    pub enable_swagger: bool,
    pub max_response_items: i64,
    pub default_paging_num: i64,
    pub disable_query_auth_token: bool,
    pub min_password_length: usize,
    pub max_body_bytes: usize,
    pub git_max_processes: usize,
    pub git_timeout_secs: u64,
    pub enable_push_create_user: bool,
    /// `[admin] DISABLE_REGULAR_ORG_CREATION`.
    pub disable_regular_org_creation: bool,
    pub default_push_create_private: bool,
    pub migrations_allow_local_networks: bool,
    pub migrations_allowed_domains: Vec<String>,
    pub migrations_blocked_domains: Vec<String>,
    pub import_local_paths: bool,
    pub disable_migrations: bool,
    pub migrate_timeout_secs: u64,
    pub mirror_timeout_secs: u64,
    pub mirror_enabled: bool,
    pub mirror_disable_new_pull: bool,
    pub mirror_default_interval: i64,
    pub mirror_min_interval: i64,
    pub mirror_workers: usize,
    pub mirror_check_every_secs: u64,
    pub mirror_pull_limit: i64,
    /// `[security] SECRET_KEY`; empty = a key kept in `<work-path>/secret.key`.
    pub secret_key: String,
    /// `[picture] DISABLE_GRAVATAR`: pictures are generated here (default), never fetched.
    pub disable_gravatar: bool,
    /// `[picture] GRAVATAR_SOURCE`.
    pub gravatar_source: String,
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn duration(r: &Reader, section: &str, key: &str, default: &str) -> Result<i64, ConfigError> {
    let v = r.str(section, key, default);
    oxforge_core::duration::parse_go_duration(&v).ok_or_else(|| {
        ConfigError(format!(
            "[{section}] {key}: invalid duration {v:?} (e.g. 8h, 10m, 30s)"
        ))
    })
}

/// Where the configuration comes from.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub config_file: Option<PathBuf>,
    pub work_path: Option<PathBuf>,
    pub port: Option<u16>,
}

fn env_overrides(ini: &mut Ini) {
    for (k, v) in std::env::vars() {
        let Some(rest) = k.strip_prefix("OXFORGE__") else {
            continue;
        };
        let Some((section, key)) = rest.rsplit_once("__") else {
            continue;
        };
        // Gitea's escape for dots in section names (`git.timeout` → `GIT_0X2E_TIMEOUT`).
        let section = section.to_ascii_lowercase().replace("_0x2e_", ".");
        let section = if section == "default" {
            None
        } else {
            Some(section)
        };
        ini.with_section(section).set(key.to_ascii_uppercase(), v);
    }
}

struct Reader<'a> {
    ini: &'a Ini,
}

impl Reader<'_> {
    fn str(&self, section: &str, key: &str, default: &str) -> String {
        self.ini
            .section(Some(section))
            .and_then(|s| s.get(key))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| default.to_string())
    }
    fn opt(&self, section: &str, key: &str) -> Option<String> {
        self.ini
            .section(Some(section))
            .and_then(|s| s.get(key))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }
    fn parse<T: std::str::FromStr>(
        &self,
        section: &str,
        key: &str,
        default: T,
    ) -> Result<T, ConfigError> {
        match self.opt(section, key) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| ConfigError(format!("[{section}] {key}: invalid value {v:?}"))),
        }
    }
    fn bool(&self, section: &str, key: &str, default: bool) -> Result<bool, ConfigError> {
        match self.opt(section, key).map(|v| v.to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) if matches!(v.as_str(), "true" | "1" | "yes" | "on") => Ok(true),
            Some(v) if matches!(v.as_str(), "false" | "0" | "no" | "off") => Ok(false),
            Some(v) => Err(ConfigError(format!(
                "[{section}] {key}: expected true or false, got {v:?}"
            ))),
        }
    }
}

fn resolve(base: &Path, p: &str) -> PathBuf {
    let p = PathBuf::from(p);
    if p.is_absolute() {
        p
    } else {
        base.join(p)
    }
}

impl Config {
    pub fn load(src: &Sources) -> Result<Config, ConfigError> {
        let work_path = src
            .work_path
            .clone()
            .or_else(|| std::env::var_os("OXFORGE_WORK_DIR").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("./data"));
        let file = match &src.config_file {
            Some(f) => Some(f.clone()),
            None => {
                let default = work_path.join("conf").join("app.ini");
                default.exists().then_some(default)
            }
        };
        let mut ini = match &file {
            Some(f) => Ini::load_from_file(f).map_err(|e| {
                ConfigError(format!("cannot read config file {}: {e}", f.display()))
            })?,
            None => Ini::new(),
        };
        env_overrides(&mut ini);
        Self::from_ini(&ini, work_path, src.port)
    }

    pub fn from_ini(
        ini: &Ini,
        work_path: PathBuf,
        port: Option<u16>,
    ) -> Result<Config, ConfigError> {
        let r = Reader { ini };
        let http_port = match port {
            Some(p) => p,
            None => r.parse("server", "HTTP_PORT", 3000u16)?,
        };
        let domain = r.str("server", "DOMAIN", "localhost");
        let root_url =
            r.opt("server", "ROOT_URL")
                .map(|u| if u.ends_with('/') { u } else { format!("{u}/") });
        if let Some(u) = &root_url {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                return Err(ConfigError(format!(
                    "[server] ROOT_URL: must start with http:// or https://, got {u:?}"
                )));
            }
        }
        let db_type = match r.str("database", "DB_TYPE", "sqlite3").as_str() {
            "sqlite3" | "sqlite" => DbType::Sqlite,
            "postgres" | "postgresql" => DbType::Postgres,
            other => {
                return Err(ConfigError(format!(
                    "[database] DB_TYPE: unknown database type {other:?} (use sqlite3 or postgres)"
                )))
            }
        };
        let min_password_length: usize = r.parse("security", "MIN_PASSWORD_LENGTH", 8)?;
        let max_response_items: i64 = r.parse("api", "MAX_RESPONSE_ITEMS", 50)?;
        let default_paging_num: i64 = r.parse("api", "DEFAULT_PAGING_NUM", 30)?;
        if max_response_items < 1 || default_paging_num < 1 {
            return Err(ConfigError(
                "[api] MAX_RESPONSE_ITEMS and DEFAULT_PAGING_NUM must be at least 1".into(),
            ));
        }
        Ok(Config {
            http_addr: r.str("server", "HTTP_ADDR", "0.0.0.0"),
            http_port,
            root_url,
            ssh_domain: r
                .opt("server", "SSH_DOMAIN")
                .unwrap_or_else(|| domain.clone()),
            ssh_port: r.parse("server", "SSH_PORT", 22u16)?,
            ssh_user: r.str("server", "SSH_USER", "git"),
            domain,
            db_type,
            db_path: resolve(&work_path, &r.str("database", "PATH", "oxforge.db")),
            db_host: r.str("database", "HOST", "127.0.0.1:5432"),
            db_name: r.str("database", "NAME", "oxforge"),
            db_user: r.str("database", "USER", "postgres"),
            db_passwd: r.str("database", "PASSWD", ""),
            db_ssl_mode: r.str("database", "SSL_MODE", "disable"),
            db_max_open_conns: r.parse("database", "MAX_OPEN_CONNS", 16u32)?,
            repo_root: resolve(&work_path, &r.str("repository", "ROOT", "repositories")),
            default_branch: r.str("repository", "DEFAULT_BRANCH", "main"),
            force_private: r.bool("repository", "FORCE_PRIVATE", false)?,
            max_creation_limit: r.parse("repository", "MAX_CREATION_LIMIT", -1i64)?,
            enable_swagger: r.bool("api", "ENABLE_SWAGGER", true)?,
            max_response_items,
            default_paging_num,
            disable_query_auth_token: r.bool("security", "DISABLE_QUERY_AUTH_TOKEN", false)?,
            min_password_length,
            max_body_bytes: r.parse("server", "MAX_REQUEST_BODY_BYTES", 10 * 1024 * 1024usize)?,
            git_max_processes: r.parse("git", "MAX_PROCESSES", 32usize)?,
            git_timeout_secs: r.parse("git.timeout", "DEFAULT", 360u64)?,
            enable_push_create_user: r.bool("repository", "ENABLE_PUSH_CREATE_USER", false)?,
            disable_regular_org_creation: r.bool("admin", "DISABLE_REGULAR_ORG_CREATION", false)?,
            default_push_create_private: r.bool(
                "repository",
                "DEFAULT_PUSH_CREATE_PRIVATE",
                true,
            )?,
            migrations_allow_local_networks: r.bool("migrations", "ALLOW_LOCALNETWORKS", false)?,
            migrations_allowed_domains: list(&r.str("migrations", "ALLOWED_DOMAINS", "")),
            migrations_blocked_domains: list(&r.str("migrations", "BLOCKED_DOMAINS", "")),
            import_local_paths: r.bool("security", "IMPORT_LOCAL_PATHS", false)?,
            disable_migrations: r.bool("repository", "DISABLE_MIGRATIONS", false)?,
            migrate_timeout_secs: r.parse("git.timeout", "MIGRATE", 600u64)?,
            mirror_timeout_secs: r.parse("git.timeout", "MIRROR", 300u64)?,
            mirror_enabled: r.bool("mirror", "ENABLED", true)?,
            mirror_disable_new_pull: r.bool("mirror", "DISABLE_NEW_PULL", false)?,
            mirror_default_interval: duration(&r, "mirror", "DEFAULT_INTERVAL", "8h")?,
            mirror_min_interval: duration(&r, "mirror", "MIN_INTERVAL", "10m")?.max(1),
            mirror_workers: r.parse("mirror", "WORKERS", 4usize)?,
            mirror_check_every_secs: {
                let v = r.str("cron.update_mirrors", "SCHEDULE", "@every 10m");
                let d = v
                    .strip_prefix("@every ")
                    .and_then(oxforge_core::duration::parse_go_duration);
                d.filter(|d| *d > 0).ok_or_else(|| {
                    ConfigError(format!(
                        "[cron.update_mirrors] SCHEDULE: expected \"@every <duration>\", got {v:?}"
                    ))
                })? as u64
            },
            mirror_pull_limit: r.parse("cron.update_mirrors", "PULL_LIMIT", 50i64)?,
            secret_key: r.str("security", "SECRET_KEY", ""),
            disable_gravatar: r.bool("picture", "DISABLE_GRAVATAR", true)?,
            gravatar_source: r.str("picture", "GRAVATAR_SOURCE", "gravatar"),
            work_path,
        })
    }

    /// The sqlx connection URL for the configured database.
    pub fn database_url(&self) -> String {
        match self.db_type {
            DbType::Sqlite => format!("sqlite://{}?mode=rwc", self.db_path.display()),
            DbType::Postgres => {
                let enc = |s: &str| form_urlencoded_component(s);
                let auth = if self.db_passwd.is_empty() {
                    enc(&self.db_user)
                } else {
                    format!("{}:{}", enc(&self.db_user), enc(&self.db_passwd))
                };
                format!(
                    "postgres://{auth}@{}/{}?sslmode={}",
                    self.db_host, self.db_name, self.db_ssl_mode
                )
            }
        }
    }

    /// ROOT_URL, or `http://DOMAIN:PORT/` for the port actually bound.
    pub fn effective_root_url(&self, bound_port: u16) -> String {
        self.root_url
            .clone()
            .unwrap_or_else(|| format!("http://{}:{}/", self.domain, bound_port))
    }
}

/// Percent-encodes everything but unreserved characters (for URL user-info).
fn form_urlencoded_component(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        let ini = Ini::load_from_str(text).unwrap();
        Config::from_ini(&ini, PathBuf::from("/w"), None)
    }

    #[test]
    fn defaults() {
        let c = parse("").unwrap();
        assert_eq!(c.http_port, 3000);
        assert_eq!(c.db_type, DbType::Sqlite);
        assert_eq!(c.db_path, PathBuf::from("/w/oxforge.db"));
        assert_eq!(c.repo_root, PathBuf::from("/w/repositories"));
        assert_eq!(c.effective_root_url(3000), "http://localhost:3000/");
        assert_eq!(c.max_response_items, 50);
        assert!(c.disable_gravatar);
    }

    #[test]
    fn errors_are_clear() {
        let e = parse("[database]\nDB_TYPE = mysql\n").unwrap_err();
        assert!(e.0.contains("DB_TYPE"), "{e}");
        let e = parse("[server]\nHTTP_PORT = 99999\n").unwrap_err();
        assert!(e.0.contains("HTTP_PORT"), "{e}");
    }

    #[test]
    fn postgres_url_escapes_credentials() {
        let c =
            parse("[database]\nDB_TYPE=postgres\nHOST=db:5432\nNAME=x\nUSER=u\nPASSWD=p@ss/word\n")
                .unwrap();
        assert_eq!(
            c.database_url(),
            "postgres://u:p%40ss%2Fword@db:5432/x?sslmode=disable"
        );
    }
}
