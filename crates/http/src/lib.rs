//! The HTTP layer: routes under `/api/v1` in Gitea's shapes, credentials, paging and the
//! one place errors are rendered. Handlers hold no SQL and run no git.

mod auth;
mod body;
mod client;
mod error;
mod githttp;
mod limits;
mod nul;
mod openapi;
mod pages;
mod paging;
mod routes;
mod scope;
mod state;
mod views;

pub use state::{AppState, HttpConfig};

use axum::Router;

/// The whole application router.
pub fn router(state: AppState) -> Router {
    routes::build(state, None)
}

/// The OpenAPI document of `/api/v1`, as generated from the registered routes.
pub fn api_doc() -> utoipa::openapi::OpenApi {
    routes::api_doc()
}

/// The application router with `extra` routes mounted under `/api/v1` behind the same
/// middleware (authentication, scopes, error rendering). Used by the benchmark for its
/// fixed-body ceiling route; the server itself mounts none.
pub fn router_with(state: AppState, extra: Router<AppState>) -> Router {
    routes::build(state, Some(extra))
}
