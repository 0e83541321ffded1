//! What the server answers outside the API and git: generated account pictures.

use crate::paging::query_value;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use oxforge_core::ErrorKind;

pub fn routes() -> Router<AppState> {
    Router::new().route("/avatars/{name}", get(avatar))
}

/// `GET /avatars/{name}[?size=N]`: a generated picture (Gitea's path for stored avatars).
async fn avatar(State(st): State<AppState>, Path(name): Path<String>, uri: Uri) -> Response {
    let size = query_value(&uri, "size").and_then(|s| s.parse().ok());
    match st.svc.avatar_png(&name, size) {
        Ok(png) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                // The picture is a function of the URL alone: it never changes.
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            png,
        )
            .into_response(),
        Err(e) if e.kind == ErrorKind::NotFound => {
            (StatusCode::NOT_FOUND, "not found\n").into_response()
        }
        Err(e) => {
            tracing::error!(error = %e.message, "avatar not drawn");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal server error\n").into_response()
        }
    }
}
