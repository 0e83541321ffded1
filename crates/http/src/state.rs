use oxforge_service::Services;
use std::sync::Arc;

/// What the HTTP layer needs of the configuration, parsed once at start.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Ends with `/`, e.g. `http://localhost:3000/`.
    pub root_url: String,
    pub domain: String,
    pub ssh_domain: String,
    pub ssh_port: u16,
    pub ssh_user: String,
    pub default_paging_num: i64,
    pub max_response_items: i64,
    pub disable_query_auth_token: bool,
    pub enable_swagger: bool,
    /// Largest request body accepted on API routes, in bytes.
    pub max_body_bytes: usize,
    /// Version reported by `/api/v1/version` (Gitea-compatible).
    pub version: String,
    /// How account pictures are linked (`[picture]`, keyed from the secret key).
    pub avatars: oxforge_service::avatars::Avatars,
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
