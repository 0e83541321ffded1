//! `/users/{username}/tokens`: Basic auth only, self or site admin (Gitea's guards, in order).

use crate::auth::Door;
use crate::body::Body;
use crate::error::ApiResult;
use crate::paging::{list_headers, optional_paging};
use crate::state::AppState;
use crate::views::token::{token_json, AccessTokenJson};
use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use oxforge_core::scope::Scopes;
use oxforge_core::Error;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(remove))
}

#[utoipa::path(get, path = "/users/{username}/tokens", tag = "user", operation_id = "userGetTokens",
    params(("username" = String, Path, description = "username of the user whose tokens are listed"), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The user's tokens (without their secrets)", body = Vec<AccessTokenJson>),
        (status = 401, description = "HTTP Basic authentication required"), (status = 403, description = "Not that user nor an admin")))]
async fn list(
    Door { st, caller }: Door,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<AccessTokenJson>>)> {
    let paging = optional_paging(&st.cfg, &uri, "page");
    let (tokens, total) = st.svc.list_tokens(&caller, &name, paging).await?;
    let out = tokens.iter().map(|t| token_json(t, None)).collect();
    Ok((list_headers(&st.cfg, &uri, total, paging, false), Json(out)))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateAccessTokenOption {
    name: Option<String>,
    #[serde(default)]
    scopes: Vec<String>,
    /// oxforge extension: RFC 3339 expiry.
    expires_at: Option<String>,
}

#[utoipa::path(post, path = "/users/{username}/tokens", tag = "user", operation_id = "userCreateToken",
    params(("username" = String, Path, description = "username of the user who gets the token")),
    request_body = CreateAccessTokenOption,
    responses((status = 201, description = "The new token; `sha1` holds its secret, shown only here", body = AccessTokenJson),
        (status = 400, description = "Name taken, or bad scopes"), (status = 401, description = "HTTP Basic authentication required"),
        (status = 403, description = "Not that user nor an admin"), (status = 422, description = "Invalid input")))]
async fn create(
    Door { st, caller }: Door,
    Path(name): Path<String>,
    Body(opt): Body<CreateAccessTokenOption>,
) -> ApiResult<(StatusCode, Json<AccessTokenJson>)> {
    let token_name = opt.name.unwrap_or_default();
    let scopes = Scopes::parse_request(&opt.scopes);
    let expires = match opt.expires_at.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => oxforge_core::time::parse_rfc3339(s)
            .ok_or_else(|| Error::validation("[ExpiresAt]: must be an RFC 3339 time")),
        None => Ok(0),
    };
    let (token, plain) = st
        .svc
        .create_token_as(&caller, &name, &token_name, scopes, expires)
        .await?;
    Ok((StatusCode::CREATED, Json(token_json(&token, Some(&plain)))))
}

#[utoipa::path(delete, path = "/users/{username}/tokens/{token}", tag = "user", operation_id = "userDeleteAccessToken",
    params(("username" = String, Path, description = "username of the token's owner"), ("token" = String, Path, description = "token ID or name")),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such token"),
        (status = 422, description = "Several tokens have that name")))]
async fn remove(
    Door { st, caller }: Door,
    Path((name, token)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    st.svc.delete_token(&caller, &name, &token).await?;
    Ok(StatusCode::NO_CONTENT)
}
