//! `/user`, `/users/search`, `/users/{username}`.

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::paging::{list_headers, optional_paging, query_value};
use crate::state::AppState;
use crate::views::user::{user_json, view_for, UserJson, UserView};
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use oxforge_core::access::can_see_owner;
use oxforge_core::model::{User, Visibility};
use oxforge_core::Error;
use oxforge_store::UserFilter;
use serde::Serialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/user", get(me))
        .route("/users/search", get(search))
        .route("/users/{username}", get(one))
}

/// An account the caller may see, or 404 (the same answer whether it is absent or hidden).
pub async fn visible_user(st: &AppState, caller: &Caller, name: &str) -> ApiResult<User> {
    let missing = || Error::not_found_msg(format!("user redirect does not exist [name: {name}]"));
    let user = st.svc.store.user_by_name(name).await?.ok_or_else(missing)?;
    if !can_see_owner(&caller.viewer(), &user) {
        return Err(missing().into());
    }
    Ok(user)
}

async fn me(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<UserJson>> {
    let u = caller.require_user()?;
    Ok(Json(user_json(&st.cfg, u, UserView::Full)))
}

async fn one(
    State(st): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> ApiResult<Json<UserJson>> {
    let u = visible_user(&st, &caller, &name).await?;
    Ok(Json(user_json(&st.cfg, &u, view_for(&caller, &u))))
}

#[derive(Serialize)]
struct SearchResult {
    ok: bool,
    data: Vec<UserJson>,
}

async fn search(
    State(st): State<AppState>,
    caller: Caller,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<SearchResult>)> {
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
        Json(SearchResult { ok: true, data }),
    ))
}
