use oxforge_core::settings::{Api, Security, Server};
use oxforge_service::Services;
use std::sync::Arc;

/// What the HTTP layer needs of the configuration: the sections it reads, and what is
/// derived at start.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub server: Server,
    pub api: Api,
    pub security: Security,
    /// The effective ROOT_URL (`[server] ROOT_URL`, or derived from DOMAIN and the bound
    /// port); ends with `/`, e.g. `http://localhost:3000/`.
    pub root_url: String,
    /// Version reported by `/api/v1/version` (Gitea-compatible).
    pub version: String,
    /// How account pictures are linked (`[picture]`, keyed from the secret key).
    pub avatars: oxforge_service::avatars::Avatars,
}

impl HttpConfig {
    /// Defaults for unit tests, with `root_url`.
    #[cfg(test)]
    pub(crate) fn for_tests(root_url: &str) -> HttpConfig {
        HttpConfig {
            server: Server::default(),
            api: Api::default(),
            security: Security::default(),
            root_url: root_url.into(),
            version: "1.25.4".into(),
            avatars: oxforge_service::avatars::Avatars::new(&[0; 32], &Default::default()),
        }
    }

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
