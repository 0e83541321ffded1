//! Routes without scope requirements: version and settings.

use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/version", get(version))
        .route("/settings/api", get(api_settings))
}

#[derive(Serialize)]
struct ServerVersion {
    version: String,
}

async fn version(State(st): State<AppState>) -> Json<ServerVersion> {
    Json(ServerVersion {
        version: st.cfg.version.clone(),
    })
}

#[derive(Serialize)]
struct GeneralApiSettings {
    max_response_items: i64,
    default_paging_num: i64,
    default_git_trees_per_page: i64,
    default_max_blob_size: i64,
    default_max_response_size: i64,
}

async fn api_settings(State(st): State<AppState>) -> Json<GeneralApiSettings> {
    Json(GeneralApiSettings {
        max_response_items: st.cfg.max_response_items,
        default_paging_num: st.cfg.default_paging_num,
        default_git_trees_per_page: 1000,
        default_max_blob_size: 10_485_760,
        default_max_response_size: 104_857_600,
    })
}
