//! Stars and watches (subscriptions). Starring or watching needs read access to the
//! repository; the lists go through the one visibility rule.

use super::repos::repo_list_response;
use super::users::user_list_response;
use crate::auth::{Caller, Door};
use crate::error::ApiResult;
use crate::paging::paging;
use crate::state::AppState;
use crate::views::repo::RepoJson;
use crate::views::user::UserJson;
use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use oxforge_core::query::Follow;
use oxforge_core::Error;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes Gitea guards with both `user` and `repository` scopes.
pub fn user_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_starred))
        .routes(routes!(check_star, put_star, delete_star))
        .routes(routes!(starred_of_user))
        .routes(routes!(my_subscriptions))
        .routes(routes!(subscriptions_of_user))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(stargazers))
        .routes(routes!(subscribers))
        .routes(routes!(
            check_subscription,
            put_subscription,
            delete_subscription
        ))
}

const OWNER: &str = "owner of the repo";
const REPO: &str = "name of the repo";

/// The repositories `user_id` stars or watches that the caller may see, one page of them.
async fn followed_repos(
    st: &AppState,
    caller: &Caller,
    uri: &axum::http::Uri,
    f: Follow,
    user_id: i64,
) -> ApiResult<(HeaderMap, Json<Vec<RepoJson>>)> {
    let p = paging(&st.cfg, uri);
    let (list, total) = st.svc.followed_repos(caller, f, user_id, p).await?;
    Ok(repo_list_response(st, caller, uri, &list, total, Some(p)))
}

#[utoipa::path(get, path = "/user/starred", tag = "user", operation_id = "userCurrentListStarred",
    params(("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Repositories the caller starred", body = Vec<RepoJson>), (status = 401, description = "Not signed in")))]
async fn my_starred(
    Door { st, caller }: Door,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<RepoJson>>)> {
    let me = caller.require_user()?;
    followed_repos(&st, &caller, &uri, Follow::Star, me.id).await
}

#[utoipa::path(get, path = "/users/{username}/starred", tag = "user", operation_id = "userListStarred",
    params(("username" = String, Path, description = "username of the user"), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Repositories the user starred that the caller may see", body = Vec<RepoJson>), (status = 404, description = "No such user")))]
async fn starred_of_user(
    Door { st, caller }: Door,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<RepoJson>>)> {
    let user = st.svc.visible_account(&caller, &name).await?;
    followed_repos(&st, &caller, &uri, Follow::Star, user.id).await
}

#[utoipa::path(get, path = "/user/subscriptions", tag = "user", operation_id = "userCurrentListSubscriptions",
    params(("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Repositories the caller watches", body = Vec<RepoJson>)))]
async fn my_subscriptions(
    Door { st, caller }: Door,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<RepoJson>>)> {
    let me = caller.require_user()?;
    followed_repos(&st, &caller, &uri, Follow::Watch, me.id).await
}

#[utoipa::path(get, path = "/users/{username}/subscriptions", tag = "user", operation_id = "userListSubscriptions",
    params(("username" = String, Path, description = "username of the user"), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Repositories the user watches that the caller may see", body = Vec<RepoJson>), (status = 404, description = "No such user")))]
async fn subscriptions_of_user(
    Door { st, caller }: Door,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<RepoJson>>)> {
    let user = st.svc.visible_account(&caller, &name).await?;
    followed_repos(&st, &caller, &uri, Follow::Watch, user.id).await
}

async fn set_star(
    st: &AppState,
    caller: &Caller,
    owner: &str,
    repo: &str,
    on: Option<bool>,
) -> ApiResult<StatusCode> {
    caller.require_user()?;
    let ctx = st.svc.repo_ctx(caller, owner, repo).await?;
    match on {
        Some(on) => {
            st.svc.set_follow(caller, &ctx, Follow::Star, on).await?;
            Ok(StatusCode::NO_CONTENT)
        }
        None => match st.svc.follow_since(caller, &ctx, Follow::Star).await? {
            Some(_) => Ok(StatusCode::NO_CONTENT),
            None => Err(Error::not_found().into()),
        },
    }
}

#[utoipa::path(get, path = "/user/starred/{owner}/{repo}", tag = "user", operation_id = "userCurrentCheckStarring",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO)),
    responses((status = 204, description = "Starred"), (status = 404, description = "Not starred, or no such repository")))]
async fn check_star(
    Door { st, caller }: Door,
    Path((o, r)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    set_star(&st, &caller, &o, &r, None).await
}

#[utoipa::path(put, path = "/user/starred/{owner}/{repo}", tag = "user", operation_id = "userCurrentPutStar",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO)),
    responses((status = 204, description = "Starred"), (status = 404, description = "No such repository")))]
async fn put_star(
    Door { st, caller }: Door,
    Path((o, r)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    set_star(&st, &caller, &o, &r, Some(true)).await
}

#[utoipa::path(delete, path = "/user/starred/{owner}/{repo}", tag = "user", operation_id = "userCurrentDeleteStar",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO)),
    responses((status = 204, description = "Not starred any more"), (status = 404, description = "No such repository")))]
async fn delete_star(
    Door { st, caller }: Door,
    Path((o, r)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    set_star(&st, &caller, &o, &r, Some(false)).await
}

async fn followers(
    st: &AppState,
    caller: &Caller,
    owner: &str,
    repo: &str,
    uri: &axum::http::Uri,
    f: Follow,
) -> ApiResult<(HeaderMap, Json<Vec<UserJson>>)> {
    let ctx = st.svc.repo_ctx(caller, owner, repo).await?;
    let p = paging(&st.cfg, uri);
    let (users, total) = st.svc.followers(&ctx, f, p).await?;
    Ok(user_list_response(st, caller, uri, &users, total, Some(p)))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/stargazers", tag = "repository", operation_id = "repoListStargazers",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Users who starred the repository", body = Vec<UserJson>), (status = 404, description = "Absent, or not visible")))]
async fn stargazers(
    Door { st, caller }: Door,
    Path((o, r)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<UserJson>>)> {
    followers(&st, &caller, &o, &r, &uri, Follow::Star).await
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/subscribers", tag = "repository", operation_id = "repoListSubscribers",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Users who watch the repository", body = Vec<UserJson>), (status = 404, description = "Absent, or not visible")))]
async fn subscribers(
    Door { st, caller }: Door,
    Path((o, r)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<UserJson>>)> {
    followers(&st, &caller, &o, &r, &uri, Follow::Watch).await
}

/// Gitea's `WatchInfo`.
#[derive(Serialize, ToSchema)]
#[schema(as = WatchInfo)]
pub struct WatchInfoJson {
    subscribed: bool,
    ignored: bool,
    #[schema(value_type = Option<Object>)]
    reason: Option<serde_json::Value>,
    created_at: String,
    url: String,
    repository_url: String,
}

async fn watch(
    st: &AppState,
    caller: &Caller,
    owner: &str,
    repo: &str,
    on: Option<bool>,
) -> ApiResult<Option<WatchInfoJson>> {
    caller.require_user()?;
    let ctx = st.svc.repo_ctx(caller, owner, repo).await?;
    if let Some(on) = on {
        st.svc.set_follow(caller, &ctx, Follow::Watch, on).await?;
        if !on {
            return Ok(None);
        }
    }
    let since = st.svc.follow_since(caller, &ctx, Follow::Watch).await?;
    let r = ctx.repo();
    let api = format!(
        "{}api/v1/repos/{}/{}",
        st.cfg.root_url, r.owner.name, r.repo.name
    );
    Ok(since.map(|t| WatchInfoJson {
        subscribed: true,
        ignored: false,
        reason: None,
        created_at: oxforge_core::time::rfc3339(t),
        url: format!("{api}/subscription"),
        repository_url: api,
    }))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/subscription", tag = "repository", operation_id = "userCurrentCheckSubscription",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO)),
    responses((status = 200, description = "The caller watches the repository", body = WatchInfoJson), (status = 404, description = "Not watching, or no such repository")))]
async fn check_subscription(
    Door { st, caller }: Door,
    Path((o, r)): Path<(String, String)>,
) -> ApiResult<Json<WatchInfoJson>> {
    watch(&st, &caller, &o, &r, None)
        .await?
        .map(Json)
        .ok_or_else(|| Error::not_found().into())
}

#[utoipa::path(put, path = "/repos/{owner}/{repo}/subscription", tag = "repository", operation_id = "userCurrentPutSubscription",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO)),
    responses((status = 200, description = "Now watching", body = WatchInfoJson), (status = 404, description = "No such repository")))]
async fn put_subscription(
    Door { st, caller }: Door,
    Path((o, r)): Path<(String, String)>,
) -> ApiResult<Json<WatchInfoJson>> {
    watch(&st, &caller, &o, &r, Some(true))
        .await?
        .map(Json)
        .ok_or_else(|| Error::internal("watch not recorded").into())
}

#[utoipa::path(delete, path = "/repos/{owner}/{repo}/subscription", tag = "repository", operation_id = "userCurrentDeleteSubscription",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO)),
    responses((status = 204, description = "Not watching any more"), (status = 404, description = "No such repository")))]
async fn delete_subscription(
    Door { st, caller }: Door,
    Path((o, r)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    watch(&st, &caller, &o, &r, Some(false)).await?;
    Ok(StatusCode::NO_CONTENT)
}
