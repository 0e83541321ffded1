//! The HTTP layer: routes under `/api/v1` in Gitea's shapes, credentials, paging and the
//! one place errors are rendered. Handlers hold no SQL and run no git.

mod auth;
mod body;
mod error;
mod paging;
mod routes;
mod scope;
mod state;
mod views;

pub use state::{AppState, HttpConfig};

use axum::Router;

/// The whole application router.
pub fn router(state: AppState) -> Router {
    routes::build(state)
}
