//! Wiring: configuration → store, git root, services → HTTP server.

pub mod config;

use config::Config;
use oxforge_git::RepoRoot;
pub use oxforge_http::{AppState, HttpConfig};
use oxforge_service::avatars::{Avatars, PictureSettings};
use oxforge_service::{MigrationSettings, MirrorSettings, Services, Settings};
use oxforge_store::{DbConfig, Store};
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;

/// The Gitea version we answer to (Gitea SDKs gate features on it; they refuse < 1.11).
pub const GITEA_COMPAT_VERSION: &str = "1.25.4";

/// Opens the database (applying migrations) and the repository root.
pub async fn open_services(cfg: &Config) -> Result<Services, String> {
    if let config::DbType::Sqlite = cfg.db_type {
        if let Some(dir) = cfg.db_path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
    }
    std::fs::create_dir_all(&cfg.repo_root)
        .map_err(|e| format!("cannot create {}: {e}", cfg.repo_root.display()))?;
    let store = Store::connect(&DbConfig {
        url: cfg.database_url(),
        max_connections: cfg.db_max_open_conns,
    })
    .await
    .map_err(|e| e.message)?;
    store.migrate().await.map_err(|e| e.message)?;
    Ok(Services::new(
        store,
        RepoRoot::new(cfg.repo_root.clone()),
        Settings {
            default_branch: cfg.default_branch.clone(),
            min_password_length: cfg.min_password_length,
            force_private: cfg.force_private,
            max_creation_limit: cfg.max_creation_limit,
            max_git_processes: cfg.git_max_processes,
            git_idle_timeout: Duration::from_secs(cfg.git_timeout_secs.max(1)),
            enable_push_create_user: cfg.enable_push_create_user,
            disable_regular_org_creation: cfg.disable_regular_org_creation,
            default_push_create_private: cfg.default_push_create_private,
            migrations: MigrationSettings {
                allow_local_networks: cfg.migrations_allow_local_networks,
                allowed_domains: cfg.migrations_allowed_domains.clone(),
                blocked_domains: cfg.migrations_blocked_domains.clone(),
                import_local_paths: cfg.import_local_paths,
                disabled: cfg.disable_migrations,
                timeout: Duration::from_secs(cfg.migrate_timeout_secs.max(1)),
            },
            mirror: MirrorSettings {
                enabled: cfg.mirror_enabled,
                disable_new_pull: cfg.mirror_disable_new_pull,
                default_interval: cfg.mirror_default_interval.max(cfg.mirror_min_interval),
                min_interval: cfg.mirror_min_interval,
                check_every: Duration::from_secs(cfg.mirror_check_every_secs),
                pull_limit: cfg.mirror_pull_limit,
                workers: cfg.mirror_workers,
                timeout: Duration::from_secs(cfg.mirror_timeout_secs.max(1)),
            },
            secret_key: secret_key(cfg)?,
            picture: PictureSettings {
                disable_gravatar: cfg.disable_gravatar,
                gravatar_source: cfg.gravatar_source.clone(),
            },
        },
    ))
}

/// The key sealing stored credentials: from `[security] SECRET_KEY`, or generated once
/// and kept in `<work-path>/secret.key` (processes sharing a database must share the key).
fn secret_key(cfg: &Config) -> Result<[u8; 32], String> {
    use sha2::{Digest, Sha256};
    let material = if !cfg.secret_key.is_empty() {
        cfg.secret_key.clone()
    } else {
        let file = cfg.work_path.join("secret.key");
        match std::fs::read_to_string(&file) {
            Ok(k) if !k.trim().is_empty() => k.trim().to_string(),
            _ => {
                let key = hex::encode(rand::random::<[u8; 32]>());
                std::fs::create_dir_all(&cfg.work_path)
                    .map_err(|e| format!("cannot create {}: {e}", cfg.work_path.display()))?;
                write_private(&file, &key)
                    .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
                key
            }
        }
    };
    Ok(Sha256::digest(material.as_bytes()).into())
}

fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)?.write_all(text.as_bytes())
}

pub fn http_config(cfg: &Config, bound_port: u16, avatars: Avatars) -> HttpConfig {
    HttpConfig {
        avatars,
        root_url: cfg.effective_root_url(bound_port),
        domain: cfg.domain.clone(),
        ssh_domain: cfg.ssh_domain.clone(),
        ssh_port: cfg.ssh_port,
        ssh_user: cfg.ssh_user.clone(),
        default_paging_num: cfg.default_paging_num,
        max_response_items: cfg.max_response_items,
        disable_query_auth_token: cfg.disable_query_auth_token,
        enable_swagger: cfg.enable_swagger,
        max_body_bytes: cfg.max_body_bytes,
        version: GITEA_COMPAT_VERSION.to_string(),
    }
}

/// Serves on `listener` until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve(
    cfg: &Config,
    svc: Services,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(cfg, svc, listener, None, shutdown).await
}

/// `serve`, with extra routes under `/api/v1` (see `oxforge_http::router_with`).
pub async fn serve_with(
    cfg: &Config,
    svc: Services,
    listener: TcpListener,
    extra: Option<axum::Router<AppState>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let port = listener.local_addr()?.port();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let background = svc.start_background(stop_rx);
    let state = AppState::new(svc.clone(), http_config(cfg, port, svc.avatars.clone()));
    let app = match extra {
        Some(extra) => oxforge_http::router_with(state, extra),
        None => oxforge_http::router(state),
    };
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    let _ = stop_tx.send(true);
    for h in background {
        let _ = h.await;
    }
    svc.store.close().await;
    result
}
