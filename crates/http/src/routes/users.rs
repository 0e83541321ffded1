//! `/user`, `/users/search`, `/users/{username}`.

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::paging::{list_headers, optional_paging, query_value};
use crate::state::AppState;
use crate::views::user::{user_json, view_for, UserJson, UserView};
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::Json;
use oxforge_core::model::{User, Visibility};
use oxforge_core::Error;
use oxforge_store::UserFilter;
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

fn user_missing(name: &str) -> Error {
    Error::not_found_msg(format!("user redirect does not exist [name: {name}]"))
}

/// Any account (user or organisation) by name, or 404; for routes whose own checks decide.
pub async fn target_user(st: &AppState, name: &str) -> ApiResult<User> {
    Ok(st
        .svc
        .store
        .user_by_name(name)
        .await?
        .ok_or_else(|| user_missing(name))?)
}

/// An account the caller may see, or 404 (the same answer whether it is absent or hidden).
pub async fn visible_user(st: &AppState, caller: &Caller, name: &str) -> ApiResult<User> {
    let user = target_user(st, name).await?;
    if !st.svc.can_see_account(&caller.viewer(), &user).await? {
        return Err(user_missing(name).into());
    }
    Ok(user)
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
async fn me(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<UserJson>> {
    let u = caller.require_user()?;
    Ok(Json(user_json(&st.cfg, u, UserView::Full)))
}

#[utoipa::path(get, path = "/users/{username}", tag = "user", operation_id = "userGet",
    params(("username" = String, Path, description = "username of the user to get")),
    responses((status = 200, description = "The user", body = UserJson),
        (status = 404, description = "No such user, or not visible to the caller")))]
async fn one(
    State(st): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> ApiResult<Json<UserJson>> {
    let u = visible_user(&st, &caller, &name).await?;
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
    State(st): State<AppState>,
    caller: Caller,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<UserSearchResult>)> {
    let viewer = caller.viewer();
    let me = caller.user.as_deref();
    let admin = me.is_some_and(|u| u.is_admin) && !viewer.public_only;
    let max_visibility = if admin {
        None
    } else if viewer.sees_public_only() || viewer.restricted {
        Some(Visibility::Public)
    } else {
        Some(Visibility::Limited)
    };
    let filter = UserFilter {
        keyword: query_value(&uri, "q"),
        uid: query_value(&uri, "uid")
            .and_then(|v| v.parse().ok())
            .filter(|v| *v > 0),
        max_visibility,
        include_id: me.map(|u| u.id),
        match_email: admin,
        ..Default::default()
    };
    let paging = optional_paging(&st.cfg, &uri, "page");
    let (users, total) = st.svc.store.search_users(&filter, paging).await?;
    let data = users
        .iter()
        .map(|u| user_json(&st.cfg, u, view_for(&caller, u)))
        .collect();
    Ok((
        list_headers(&st.cfg, &uri, total, paging, true),
        Json(UserSearchResult { ok: true, data }),
    ))
}
