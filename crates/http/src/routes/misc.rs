//! Routes without scope requirements: version and settings.

use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(version))
        .routes(routes!(api_settings))
}

#[derive(Serialize, ToSchema)]
pub struct ServerVersion {
    version: String,
}

#[utoipa::path(get, path = "/version", tag = "miscellaneous", operation_id = "getVersion",
    responses((status = 200, description = "The version of Gitea this server answers as", body = ServerVersion)))]
async fn version(State(st): State<AppState>) -> Json<ServerVersion> {
    Json(ServerVersion {
        version: st.cfg.version.clone(),
    })
}

#[derive(Serialize, ToSchema)]
#[schema(as = GeneralAPISettings)]
pub struct GeneralApiSettings {
    max_response_items: i64,
    default_paging_num: i64,
    default_git_trees_per_page: i64,
    default_max_blob_size: i64,
    default_max_response_size: i64,
}

#[utoipa::path(get, path = "/settings/api", tag = "settings", operation_id = "getGeneralAPISettings",
    responses((status = 200, description = "Paging limits of the API", body = GeneralApiSettings)))]
async fn api_settings(State(st): State<AppState>) -> Json<GeneralApiSettings> {
    Json(GeneralApiSettings {
        max_response_items: st.cfg.api.max_response_items,
        default_paging_num: st.cfg.api.default_paging_num,
        default_git_trees_per_page: 1000,
        default_max_blob_size: 10_485_760,
        default_max_response_size: 104_857_600,
    })
}
