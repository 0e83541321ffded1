//! Wiring: configuration → store, git root, services → HTTP server.

mod canned;
pub mod config;
pub mod server;

use config::Config;
use oxforge_core::secret::Secret;
use oxforge_git::RepoRoot;
pub use oxforge_http::{AppState, HttpConfig};
use oxforge_service::avatars::Avatars;
use oxforge_service::{Services, Settings};
use oxforge_store::{DbConfig, Store};
use std::future::Future;
use tokio::net::TcpListener;

/// The Gitea version we answer to (Gitea SDKs gate features on it; they refuse < 1.11).
pub const GITEA_COMPAT_VERSION: &str = "1.25.4";

/// Opens the database (applying migrations) and the repository root.
pub async fn open_services(cfg: &Config) -> Result<Services, String> {
    if let config::DbType::Sqlite = cfg.database.db_type {
        if let Some(dir) = cfg.database.path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
    }
    let repo_root = &cfg.repository.root;
    std::fs::create_dir_all(repo_root)
        .map_err(|e| format!("cannot create {}: {e}", repo_root.display()))?;
    let store = Store::connect(&DbConfig {
        url: cfg.database_url(),
        max_connections: cfg.database.max_open_conns,
    })
    .await
    .map_err(|e| e.message)?;
    store.migrate().await.map_err(|e| e.message)?;
    Ok(Services::new(
        store,
        RepoRoot::new(repo_root.clone()),
        Settings {
            repository: cfg.repository.clone(),
            admin: cfg.admin.clone(),
            git: cfg.git.clone(),
            git_timeout: cfg.git_timeout.clone(),
            security: cfg.security.clone(),
            migrations: cfg.migrations.clone(),
            mirror: cfg.mirror.clone(),
            cron_update_mirrors: cfg.cron_update_mirrors.clone(),
            secret_key: Secret::new(secret_key(cfg)?),
            picture: cfg.picture.clone(),
            repository_issue: cfg.repository_issue.clone(),
        },
    ))
}

/// The key sealing stored credentials: from `[security] SECRET_KEY`, or generated once
/// and kept in `<work-path>/secret.key` (processes sharing a database must share the key).
fn secret_key(cfg: &Config) -> Result<[u8; 32], String> {
    use sha2::{Digest, Sha256};
    let configured = cfg.security.secret_key.expose();
    let material = if !configured.is_empty() {
        configured.clone()
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
        server: cfg.server.clone(),
        api: cfg.api.clone(),
        security: cfg.security.clone(),
        root_url: cfg.server.effective_root_url(bound_port),
        version: GITEA_COMPAT_VERSION.to_string(),
    }
}

/// Serves on `listener` until `shutdown` resolves, then lets in-flight requests finish
/// (the connection limits and timeouts of `[server]`: see `server`).
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
    // What a crash left half-done is settled before the first request is served.
    svc.reconcile_at_start()
        .await
        .map_err(|e| std::io::Error::other(e.message))?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let background = svc.start_background(stop_rx);
    let state = AppState::new(svc.clone(), http_config(cfg, port, svc.avatars.clone()));
    let app = match extra {
        Some(extra) => oxforge_http::router_with(state, extra),
        None => oxforge_http::router(state),
    };
    let mut limits = server::Limits::of(&cfg.server);
    limits.error_url = format!("{}api/swagger", cfg.server.effective_root_url(port)).into();
    let result = server::run(listener, app, limits, shutdown).await;
    let _ = stop_tx.send(true);
    for h in background {
        let _ = h.await;
    }
    svc.store.close().await;
    result
}
