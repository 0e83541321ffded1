//! One reader per `app.ini` section. Every default comes from the section's `Default` impl
//! (oxforge_core::settings); what is checked or derived beyond a key's own type is here.

use super::reader::{Every, GoDuration, Reader, Section, ShortDuration, TimeoutSecs};
use super::ConfigError;
use oxforge_core::settings::*;
use std::path::{Path, PathBuf};

type Result<T> = std::result::Result<T, ConfigError>;

/// `port`: `web --port`, which wins over HTTP_PORT.
pub(crate) fn server(r: &mut Reader, port: Option<u16>) -> Result<Server> {
    let d = Server::default();
    let mut s = r.section("server");
    let http_port = match port {
        Some(p) => {
            s.skip::<u16>("HTTP_PORT", &d.http_port);
            p
        }
        None => s.get("HTTP_PORT", d.http_port)?,
    };
    let root_url = s
        .get_documented::<Option<String>>("ROOT_URL", d.root_url, "http://DOMAIN:HTTP_PORT/")?
        .map(|u| if u.ends_with('/') { u } else { format!("{u}/") });
    if let Some(u) = &root_url {
        if !(u.starts_with("http://") || u.starts_with("https://")) {
            return Err(s.error(
                "ROOT_URL",
                format!("must start with http:// or https://, got {u:?}"),
            ));
        }
    }
    let read_header_timeout =
        s.get_as::<ShortDuration>("READ_HEADER_TIMEOUT", d.read_header_timeout)?;
    positive(&s, "READ_HEADER_TIMEOUT", read_header_timeout)?;
    let read_body_timeout = s.get_as::<ShortDuration>("READ_BODY_TIMEOUT", d.read_body_timeout)?;
    positive(&s, "READ_BODY_TIMEOUT", read_body_timeout)?;
    let max_connections = s.get("MAX_CONNECTIONS", d.max_connections)?;
    within(&s, "MAX_CONNECTIONS", 1..=1 << 20, max_connections)?;
    // hyper itself refuses (with a bodiless 414) request targets beyond 65534 bytes.
    let max_uri_length = s.get("MAX_URI_LENGTH", d.max_uri_length)?;
    within(&s, "MAX_URI_LENGTH", 64..=65534, max_uri_length)?;
    let max_header_bytes = s.get("MAX_HEADER_BYTES", d.max_header_bytes)?;
    within(&s, "MAX_HEADER_BYTES", 1024..=16 << 20, max_header_bytes)?;
    Ok(Server {
        http_addr: s.get("HTTP_ADDR", d.http_addr)?,
        http_port,
        root_url,
        domain: s.get("DOMAIN", d.domain)?,
        ssh_domain: s.get_documented::<Option<String>>("SSH_DOMAIN", d.ssh_domain, "DOMAIN")?,
        ssh_port: s.get("SSH_PORT", d.ssh_port)?,
        ssh_user: s.get("SSH_USER", d.ssh_user)?,
        max_request_body_bytes: s.get("MAX_REQUEST_BODY_BYTES", d.max_request_body_bytes)?,
        read_header_timeout,
        read_body_timeout,
        max_connections,
        max_uri_length,
        max_header_bytes,
    })
}

fn positive(s: &Section, key: &str, d: std::time::Duration) -> Result<()> {
    if d.is_zero() {
        return Err(s.error(key, "must be more than 0"));
    }
    Ok(())
}

fn within(s: &Section, key: &str, range: std::ops::RangeInclusive<usize>, v: usize) -> Result<()> {
    if !range.contains(&v) {
        return Err(s.error(
            key,
            format!("must be between {} and {}", range.start(), range.end()),
        ));
    }
    Ok(())
}

pub(crate) fn database(r: &mut Reader, work_path: &Path) -> Result<Database> {
    let d = Database::default();
    let mut s = r.section("database");
    Ok(Database {
        db_type: s.get("DB_TYPE", d.db_type)?,
        path: resolve(work_path, s.get("PATH", d.path)?),
        host: s.get("HOST", d.host)?,
        name: s.get("NAME", d.name)?,
        user: s.get("USER", d.user)?,
        passwd: s.get("PASSWD", d.passwd)?,
        ssl_mode: s.get("SSL_MODE", d.ssl_mode)?,
        max_open_conns: s.get("MAX_OPEN_CONNS", d.max_open_conns)?,
    })
}

pub(crate) fn repository(r: &mut Reader, work_path: &Path) -> Result<Repository> {
    let d = Repository::default();
    let mut s = r.section("repository");
    Ok(Repository {
        root: resolve(work_path, s.get("ROOT", d.root)?),
        default_branch: s.get("DEFAULT_BRANCH", d.default_branch)?,
        force_private: s.get("FORCE_PRIVATE", d.force_private)?,
        max_creation_limit: s.get("MAX_CREATION_LIMIT", d.max_creation_limit)?,
        enable_push_create_user: s.get("ENABLE_PUSH_CREATE_USER", d.enable_push_create_user)?,
        default_push_create_private: s
            .get("DEFAULT_PUSH_CREATE_PRIVATE", d.default_push_create_private)?,
        disable_migrations: s.get("DISABLE_MIGRATIONS", d.disable_migrations)?,
    })
}

pub(crate) fn admin(r: &mut Reader) -> Result<Admin> {
    let d = Admin::default();
    let mut s = r.section("admin");
    Ok(Admin {
        disable_regular_org_creation: s.get(
            "DISABLE_REGULAR_ORG_CREATION",
            d.disable_regular_org_creation,
        )?,
    })
}

pub(crate) fn repository_issue(r: &mut Reader) -> Result<RepositoryIssue> {
    let d = RepositoryIssue::default();
    let mut s = r.section("repository.issue");
    Ok(RepositoryIssue {
        max_body_bytes: s.get("MAX_BODY_BYTES", d.max_body_bytes)?,
    })
}

pub(crate) fn picture(r: &mut Reader) -> Result<Picture> {
    let d = Picture::default();
    let mut s = r.section("picture");
    Ok(Picture {
        disable_gravatar: s.get("DISABLE_GRAVATAR", d.disable_gravatar)?,
        gravatar_source: s.get("GRAVATAR_SOURCE", d.gravatar_source)?,
    })
}

pub(crate) fn git(r: &mut Reader) -> Result<Git> {
    let d = Git::default();
    let mut s = r.section("git");
    Ok(Git {
        max_processes: s.get("MAX_PROCESSES", d.max_processes)?,
    })
}

pub(crate) fn git_timeout(r: &mut Reader) -> Result<GitTimeout> {
    let d = GitTimeout::default();
    let mut s = r.section("git.timeout");
    Ok(GitTimeout {
        default: s.get_as::<TimeoutSecs>("DEFAULT", d.default)?,
        migrate: s.get_as::<TimeoutSecs>("MIGRATE", d.migrate)?,
        mirror: s.get_as::<TimeoutSecs>("MIRROR", d.mirror)?,
    })
}

pub(crate) fn api(r: &mut Reader) -> Result<Api> {
    let d = Api::default();
    let mut s = r.section("api");
    let api = Api {
        enable_swagger: s.get("ENABLE_SWAGGER", d.enable_swagger)?,
        max_response_items: s.get("MAX_RESPONSE_ITEMS", d.max_response_items)?,
        default_paging_num: s.get("DEFAULT_PAGING_NUM", d.default_paging_num)?,
    };
    if api.max_response_items < 1 || api.default_paging_num < 1 {
        return Err(ConfigError(
            "[api] MAX_RESPONSE_ITEMS and DEFAULT_PAGING_NUM must be at least 1".into(),
        ));
    }
    Ok(api)
}

pub(crate) fn security(r: &mut Reader) -> Result<Security> {
    let d = Security::default();
    let mut s = r.section("security");
    let login_throttle_free_failures = s.get(
        "LOGIN_THROTTLE_FREE_FAILURES",
        d.login_throttle_free_failures,
    )?;
    let login_throttle_address_free_failures = s.get(
        "LOGIN_THROTTLE_ADDRESS_FREE_FAILURES",
        d.login_throttle_address_free_failures,
    )?;
    let login_throttle_base_delay =
        s.get_as::<ShortDuration>("LOGIN_THROTTLE_BASE_DELAY", d.login_throttle_base_delay)?;
    let login_throttle_max_delay =
        s.get_as::<ShortDuration>("LOGIN_THROTTLE_MAX_DELAY", d.login_throttle_max_delay)?;
    let login_throttle_reset_after =
        s.get_as::<GoDuration>("LOGIN_THROTTLE_RESET_AFTER", d.login_throttle_reset_after)?;
    let login_throttle_max_checks_per_address = s.get(
        "LOGIN_THROTTLE_MAX_CHECKS_PER_ADDRESS",
        d.login_throttle_max_checks_per_address,
    )?;
    within(
        &s,
        "LOGIN_THROTTLE_MAX_CHECKS_PER_ADDRESS",
        1..=1 << 16,
        login_throttle_max_checks_per_address,
    )?;
    let reverse_proxy_trusted_proxies = s.get(
        "REVERSE_PROXY_TRUSTED_PROXIES",
        d.reverse_proxy_trusted_proxies,
    )?;
    trusted_proxies(&s, &reverse_proxy_trusted_proxies)?;
    let reverse_proxy_limit = s.get("REVERSE_PROXY_LIMIT", d.reverse_proxy_limit)?;
    Ok(Security {
        disable_query_auth_token: s.get("DISABLE_QUERY_AUTH_TOKEN", d.disable_query_auth_token)?,
        import_local_paths: s.get("IMPORT_LOCAL_PATHS", d.import_local_paths)?,
        secret_key: s.get("SECRET_KEY", d.secret_key)?,
        min_password_length: s.get("MIN_PASSWORD_LENGTH", d.min_password_length)?,
        login_throttle_free_failures,
        login_throttle_address_free_failures,
        login_throttle_base_delay,
        login_throttle_max_delay,
        login_throttle_reset_after,
        login_throttle_max_checks_per_address,
        reverse_proxy_trusted_proxies,
        reverse_proxy_limit,
    })
}

/// `*`, addresses and CIDR blocks; anything else stops the start.
fn trusted_proxies(s: &Section, list: &[String]) -> Result<()> {
    for p in list {
        let ok =
            p == "*" || p.parse::<std::net::IpAddr>().is_ok() || p.parse::<ipnet::IpNet>().is_ok();
        if !ok {
            return Err(s.error(
                "REVERSE_PROXY_TRUSTED_PROXIES",
                format!("{p:?} is neither an address nor a CIDR block"),
            ));
        }
    }
    Ok(())
}

pub(crate) fn migrations(r: &mut Reader) -> Result<Migrations> {
    let d = Migrations::default();
    let mut s = r.section("migrations");
    Ok(Migrations {
        allow_localnetworks: s.get("ALLOW_LOCALNETWORKS", d.allow_localnetworks)?,
        allowed_domains: s.get("ALLOWED_DOMAINS", d.allowed_domains)?,
        blocked_domains: s.get("BLOCKED_DOMAINS", d.blocked_domains)?,
    })
}

pub(crate) fn mirror(r: &mut Reader) -> Result<Mirror> {
    let d = Mirror::default();
    let mut s = r.section("mirror");
    let default_interval = s.get_as::<GoDuration>("DEFAULT_INTERVAL", d.default_interval)?;
    // A zero minimum would let `500ms` through as an interval of 0 (never).
    let min_interval = s
        .get_as::<GoDuration>("MIN_INTERVAL", d.min_interval)?
        .max(std::time::Duration::from_secs(1));
    Ok(Mirror {
        enabled: s.get("ENABLED", d.enabled)?,
        disable_new_pull: s.get("DISABLE_NEW_PULL", d.disable_new_pull)?,
        // New mirrors get an interval the service would accept from a client.
        default_interval: default_interval.max(min_interval),
        min_interval,
        workers: s.get("WORKERS", d.workers)?,
    })
}

pub(crate) fn cron_update_mirrors(r: &mut Reader) -> Result<CronUpdateMirrors> {
    let d = CronUpdateMirrors::default();
    let mut s = r.section("cron.update_mirrors");
    Ok(CronUpdateMirrors {
        schedule: s.get_as::<Every>("SCHEDULE", d.schedule)?,
        pull_limit: s.get("PULL_LIMIT", d.pull_limit)?,
    })
}

/// Relative paths are taken from the work path.
fn resolve(base: &Path, p: PathBuf) -> PathBuf {
    if p.is_absolute() {
        p
    } else {
        base.join(p)
    }
}
