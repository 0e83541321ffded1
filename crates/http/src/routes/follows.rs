//! Followers and following (Gitea's `user` routes). Accounts the caller may not see are
//! answered as absent, and lists hold only accounts the caller may see.

use super::users::user_list_response;
use crate::auth::{Caller, Door};
use crate::error::ApiResult;
use crate::paging::paging;
use crate::state::AppState;
use crate::views::user::UserJson;
use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use oxforge_core::model::User;
use oxforge_core::Error;
use oxforge_service::follows::FollowList;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_followers))
        .routes(routes!(my_following))
        .routes(routes!(check_my_following, follow, unfollow))
        .routes(routes!(followers_of_user))
        .routes(routes!(following_of_user))
        .routes(routes!(check_following))
}

async fn list(
    st: &AppState,
    caller: &Caller,
    uri: &axum::http::Uri,
    user: &User,
    which: FollowList,
) -> ApiResult<(HeaderMap, Json<Vec<UserJson>>)> {
    let p = paging(&st.cfg, uri);
    let (users, total) = st.svc.follow_list(caller, user, which, p).await?;
    Ok(user_list_response(st, caller, uri, &users, total, Some(p)))
}

fn answer(following: bool) -> ApiResult<StatusCode> {
    if following {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Error::not_found().into())
    }
}

#[utoipa::path(get, path = "/user/followers", tag = "user", operation_id = "userCurrentListFollowers",
    params(("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The caller's followers", body = Vec<UserJson>), (status = 401, description = "Not signed in")))]
async fn my_followers(
    Door { st, caller }: Door,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<UserJson>>)> {
    let me = caller.require_user()?;
    list(&st, &caller, &uri, me, FollowList::Followers).await
}

#[utoipa::path(get, path = "/user/following", tag = "user", operation_id = "userCurrentListFollowing",
    params(("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The accounts the caller follows", body = Vec<UserJson>), (status = 401, description = "Not signed in")))]
async fn my_following(
    Door { st, caller }: Door,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<UserJson>>)> {
    let me = caller.require_user()?;
    list(&st, &caller, &uri, me, FollowList::Following).await
}

#[utoipa::path(get, path = "/user/following/{username}", tag = "user", operation_id = "userCurrentCheckFollowing",
    params(("username" = String, Path, description = "username of followed user")),
    responses((status = 204, description = "The caller follows the user"), (status = 404, description = "Not following, or no such user")))]
async fn check_my_following(
    Door { st, caller }: Door,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    let me = caller.require_user()?;
    let target = st.svc.visible_account(&caller, &name).await?;
    answer(st.svc.is_following(me, &target).await?)
}

#[utoipa::path(put, path = "/user/following/{username}", tag = "user", operation_id = "userCurrentPutFollow",
    params(("username" = String, Path, description = "username of user to follow")),
    responses((status = 204, description = "Following (following oneself changes nothing)"), (status = 403, description = "Not allowed"), (status = 404, description = "No such user")))]
async fn follow(Door { st, caller }: Door, Path(name): Path<String>) -> ApiResult<StatusCode> {
    caller.require_user()?;
    let target = st.svc.visible_account(&caller, &name).await?;
    st.svc.set_following(&caller, &target, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/user/following/{username}", tag = "user", operation_id = "userCurrentDeleteFollow",
    params(("username" = String, Path, description = "username of user to unfollow")),
    responses((status = 204, description = "Not following any more"), (status = 404, description = "No such user")))]
async fn unfollow(Door { st, caller }: Door, Path(name): Path<String>) -> ApiResult<StatusCode> {
    caller.require_user()?;
    let target = st.svc.visible_account(&caller, &name).await?;
    st.svc.set_following(&caller, &target, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/users/{username}/followers", tag = "user", operation_id = "userListFollowers",
    params(("username" = String, Path, description = "username of user"), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The user's followers that the caller may see", body = Vec<UserJson>), (status = 404, description = "No such user")))]
async fn followers_of_user(
    Door { st, caller }: Door,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<UserJson>>)> {
    let user = st.svc.visible_account(&caller, &name).await?;
    list(&st, &caller, &uri, &user, FollowList::Followers).await
}

#[utoipa::path(get, path = "/users/{username}/following", tag = "user", operation_id = "userListFollowing",
    params(("username" = String, Path, description = "username of user"), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The accounts the user follows that the caller may see", body = Vec<UserJson>), (status = 404, description = "No such user")))]
async fn following_of_user(
    Door { st, caller }: Door,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<UserJson>>)> {
    let user = st.svc.visible_account(&caller, &name).await?;
    list(&st, &caller, &uri, &user, FollowList::Following).await
}

#[utoipa::path(get, path = "/users/{username}/following/{target}", tag = "user", operation_id = "userCheckFollowing",
    params(("username" = String, Path, description = "username of following user"), ("target" = String, Path, description = "username of followed user")),
    responses((status = 204, description = "The user follows the target"), (status = 404, description = "Not following, or no such user")))]
async fn check_following(
    Door { st, caller }: Door,
    Path((name, target)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let user = st.svc.visible_account(&caller, &name).await?;
    let target = st.svc.visible_account(&caller, &target).await?;
    answer(st.svc.is_following(&user, &target).await?)
}
