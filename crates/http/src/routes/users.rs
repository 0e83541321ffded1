//! `/user`, `/users/search`, `/users/{username}`.

use crate::auth::{Caller, Door};
use crate::error::ApiResult;
use crate::paging::{list_headers, optional_paging, query_value};
use crate::state::AppState;
use crate::views::user::{user_json, view_for, UserJson, UserView};
use axum::extract::{OriginalUri, Path};
use axum::http::HeaderMap;
use axum::Json;
use oxforge_core::model::User;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(search))
        .routes(routes!(one))
}

/// A page of users with Gitea's list headers.
pub fn user_list_response(
    st: &AppState,
    caller: &Caller,
    uri: &axum::http::Uri,
    users: &[User],
    total: i64,
    p: Option<oxforge_core::paging::Paging>,
) -> (HeaderMap, Json<Vec<UserJson>>) {
    (
        list_headers(&st.cfg, uri, total, p, true),
        Json(
            users
                .iter()
                .map(|u| user_json(&st.cfg, u, view_for(caller, u)))
                .collect(),
        ),
    )
}

#[utoipa::path(get, path = "/user", tag = "user", operation_id = "userGetCurrent",
    responses((status = 200, description = "The authenticated user", body = UserJson),
        (status = 401, description = "Not signed in")))]
async fn me(Door { st, caller }: Door) -> ApiResult<Json<UserJson>> {
    let u = caller.require_user()?;
    Ok(Json(user_json(&st.cfg, u, UserView::Full)))
}

#[utoipa::path(get, path = "/users/{username}", tag = "user", operation_id = "userGet",
    params(("username" = String, Path, description = "username of the user to get")),
    responses((status = 200, description = "The user", body = UserJson),
        (status = 404, description = "No such user, or not visible to the caller")))]
async fn one(Door { st, caller }: Door, Path(name): Path<String>) -> ApiResult<Json<UserJson>> {
    let u = st.svc.visible_account(&caller, &name).await?;
    Ok(Json(user_json(&st.cfg, &u, view_for(&caller, &u))))
}

#[derive(Serialize, ToSchema)]
pub struct UserSearchResult {
    ok: bool,
    data: Vec<UserJson>,
}

#[utoipa::path(get, path = "/users/search", tag = "user", operation_id = "userSearch",
    params(("q" = Option<String>, Query, description = "keyword"), ("uid" = Option<i64>, Query, description = "ID of the user to search for"), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Users the caller may see", body = UserSearchResult)))]
async fn search(
    Door { st, caller }: Door,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<UserSearchResult>)> {
    let uid = query_value(&uri, "uid")
        .and_then(|v| v.parse().ok())
        .filter(|v| *v > 0);
    let paging = optional_paging(&st.cfg, &uri, "page");
    let (users, total) = st
        .svc
        .search_users(&caller, query_value(&uri, "q"), uid, paging)
        .await?;
    let data = users
        .iter()
        .map(|u| user_json(&st.cfg, u, view_for(&caller, u)))
        .collect();
    Ok((
        list_headers(&st.cfg, &uri, total, paging, true),
        Json(UserSearchResult { ok: true, data }),
    ))
}
