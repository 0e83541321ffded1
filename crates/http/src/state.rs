use oxforge_core::settings::{Api, Security, Server};
use oxforge_service::Services;
use std::sync::Arc;

/// What the HTTP layer needs of the configuration: the sections it reads, and what is
/// derived at start.
#[derive(Debug, Clone, Default)]
pub struct HttpConfig {
    pub server: Server,
    pub api: Api,
    pub security: Security,
    /// The effective ROOT_URL (`[server] ROOT_URL`, or derived from DOMAIN and the bound
    /// port); ends with `/`, e.g. `http://localhost:3000/`.
    pub root_url: String,
    /// Version reported by `/api/v1/version` (Gitea-compatible).
    pub version: String,
}

impl HttpConfig {
    /// Gitea's error `url`: the instance's swagger page.
    pub fn swagger_url(&self) -> String {
        format!("{}api/swagger", self.root_url)
    }
}

#[derive(Clone)]
pub struct AppState {
    pub svc: Services,
    pub cfg: Arc<HttpConfig>,
}

impl AppState {
    pub fn new(svc: Services, cfg: HttpConfig) -> Self {
        AppState {
            svc,
            cfg: Arc::new(cfg),
        }
    }
}
