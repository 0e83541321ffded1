//! Gitea-style `app.ini`, overridden by `OXFORGE__SECTION__KEY` environment variables,
//! parsed once into one typed struct per section (oxforge_core::settings). Every key and
//! default is listed in docs/CONFIG.md; a test keeps the two in step.

#[cfg(test)]
mod docs_sync;
mod reader;
mod sections;

use ini::Ini;
pub use oxforge_core::settings::DbType;
use oxforge_core::settings::{
    Admin, Api, CronUpdateMirrors, Database, Git, GitTimeout, Migrations, Mirror, Picture,
    Repository, RepositoryIssue, Security, Server,
};
pub use reader::KeyDoc;
use reader::Reader;
use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// The whole configuration: the work path and one field per `app.ini` section.
#[derive(Debug, Clone)]
pub struct Config {
    pub work_path: PathBuf,
    pub server: Server,
    pub database: Database,
    pub repository: Repository,
    pub admin: Admin,
    pub git: Git,
    pub git_timeout: GitTimeout,
    pub api: Api,
    pub security: Security,
    pub migrations: Migrations,
    pub mirror: Mirror,
    pub cron_update_mirrors: CronUpdateMirrors,
    pub picture: Picture,
    pub repository_issue: RepositoryIssue,
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
        Self::read(&mut Reader::new(ini), work_path, port)
    }

    /// Every key the parser reads, with its default as the docs write it.
    pub fn keys() -> Result<Vec<KeyDoc>, ConfigError> {
        let ini = Ini::new();
        let mut r = Reader::new(&ini);
        Self::read(&mut r, PathBuf::new(), None)?;
        Ok(r.keys)
    }

    fn read(r: &mut Reader, work_path: PathBuf, port: Option<u16>) -> Result<Config, ConfigError> {
        Ok(Config {
            server: sections::server(r, port)?,
            database: sections::database(r, &work_path)?,
            repository: sections::repository(r, &work_path)?,
            admin: sections::admin(r)?,
            git: sections::git(r)?,
            git_timeout: sections::git_timeout(r)?,
            api: sections::api(r)?,
            security: sections::security(r)?,
            migrations: sections::migrations(r)?,
            mirror: sections::mirror(r)?,
            cron_update_mirrors: sections::cron_update_mirrors(r)?,
            picture: sections::picture(r)?,
            repository_issue: sections::repository_issue(r)?,
            work_path,
        })
    }

    /// The sqlx connection URL for the configured database.
    pub fn database_url(&self) -> String {
        let db = &self.database;
        match db.db_type {
            DbType::Sqlite => format!("sqlite://{}?mode=rwc", db.path.display()),
            DbType::Postgres => {
                let enc = |s: &str| form_urlencoded_component(s);
                let passwd = db.passwd.expose();
                let auth = if passwd.is_empty() {
                    enc(&db.user)
                } else {
                    format!("{}:{}", enc(&db.user), enc(passwd))
                };
                format!(
                    "postgres://{auth}@{}/{}?sslmode={}",
                    db.host, db.name, db.ssl_mode
                )
            }
        }
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
    use std::time::Duration;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        let ini = Ini::load_from_str(text).map_err(|e| ConfigError(e.to_string()))?;
        Config::from_ini(&ini, PathBuf::from("/w"), None)
    }

    #[test]
    fn defaults() {
        let c = parse("").unwrap();
        assert_eq!(c.server.http_port, 3000);
        assert_eq!(c.database.db_type, DbType::Sqlite);
        assert_eq!(c.database.path, PathBuf::from("/w/oxforge.db"));
        assert_eq!(c.repository.root, PathBuf::from("/w/repositories"));
        assert_eq!(c.server.effective_root_url(3000), "http://localhost:3000/");
        assert_eq!(c.server.ssh_host(), "localhost");
        assert_eq!(c.api.max_response_items, 50);
        assert_eq!(c.git_timeout.migrate, Duration::from_secs(600));
        assert_eq!(c.mirror.default_interval, Duration::from_secs(8 * 3600));
        assert_eq!(c.cron_update_mirrors.schedule, Duration::from_secs(600));
    }

    #[test]
    fn values_are_typed() {
        let c = parse(
            "[server]\nDOMAIN = example.org\nROOT_URL = https://git.example.org\n\
             [migrations]\nALLOWED_DOMAINS = github.com, *.gitlab.com,\n\
             [git.timeout]\nDEFAULT = 0\n\
             [mirror]\nDEFAULT_INTERVAL = 1m\nMIN_INTERVAL = 1h30m\n\
             [cron.update_mirrors]\nSCHEDULE = @every 1h\n",
        )
        .unwrap();
        assert_eq!(c.server.ssh_host(), "example.org");
        assert_eq!(c.server.effective_root_url(1), "https://git.example.org/");
        assert_eq!(c.migrations.allowed_domains, ["github.com", "*.gitlab.com"]);
        assert_eq!(c.git_timeout.default, Duration::from_secs(1));
        assert_eq!(c.mirror.min_interval, Duration::from_secs(5400));
        assert_eq!(c.mirror.default_interval, Duration::from_secs(5400));
        assert_eq!(c.cron_update_mirrors.schedule, Duration::from_secs(3600));
    }

    #[test]
    fn errors_are_clear() {
        let cases = [
            (
                "[database]\nDB_TYPE = mysql\n",
                "[database] DB_TYPE: unknown",
            ),
            (
                "[server]\nHTTP_PORT = 99999\n",
                "[server] HTTP_PORT: invalid",
            ),
            (
                "[server]\nROOT_URL = ftp://x\n",
                "[server] ROOT_URL: must start",
            ),
            (
                "[api]\nENABLE_SWAGGER = maybe\n",
                "ENABLE_SWAGGER: expected true",
            ),
            (
                "[mirror]\nMIN_INTERVAL = 1d\n",
                "[mirror] MIN_INTERVAL: invalid duration",
            ),
            (
                "[cron.update_mirrors]\nSCHEDULE = 10m\n",
                "SCHEDULE: expected \"@every",
            ),
            ("[api]\nDEFAULT_PAGING_NUM = 0\n", "must be at least 1"),
        ];
        for (text, want) in cases {
            let e = parse(text).unwrap_err();
            assert!(e.0.contains(want), "{text:?}: {e}");
        }
    }

    #[test]
    fn web_port_wins() {
        let ini = Ini::load_from_str("[server]\nHTTP_PORT = 4000\n").unwrap();
        let c = Config::from_ini(&ini, PathBuf::from("/w"), Some(5000)).unwrap();
        assert_eq!(c.server.http_port, 5000);
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

    #[test]
    fn debug_hides_secrets() {
        let c =
            parse("[database]\nPASSWD = db-pass-1234\n[security]\nSECRET_KEY = key-5678-secret\n")
                .unwrap();
        assert_eq!(c.database.passwd.expose(), "db-pass-1234");
        let text = format!("{c:?}");
        assert!(!text.contains("db-pass-1234"), "{text}");
        assert!(!text.contains("key-5678-secret"), "{text}");
        assert!(text.contains("passwd: ***"), "{text}");
    }
}
