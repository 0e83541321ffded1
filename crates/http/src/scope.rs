//! Token scope enforcement per route family (Gitea's `tokenRequiresScopes`).

use crate::auth::Caller;
use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use oxforge_core::scope::{Category, Level};

/// Writes need `write:<category>`, everything else `read:<category>`, for every category
/// of the route group. Password and anonymous callers are not scope-limited.
pub async fn require_scopes(
    State(cats): State<&'static [Category]>,
    req: Request,
    next: Next,
) -> Response {
    if let Some(scopes) = req.extensions().get::<Caller>().and_then(|c| c.scopes()) {
        let level = match *req.method() {
            Method::POST | Method::PUT | Method::PATCH | Method::DELETE => Level::Write,
            _ => Level::Read,
        };
        if let Err(e) = scopes.require(cats, level) {
            return ApiError(e).into_response();
        }
    }
    next.run(req).await
}
