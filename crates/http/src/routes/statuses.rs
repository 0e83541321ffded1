//! Commit statuses: `/repos/{owner}/{repo}/statuses/{sha}` and the combined status by
//! ref. Reading follows repository read access (404 otherwise); posting needs write
//! access to the code, decided in `oxforge_service::statuses`.

use crate::auth::Door;
use crate::body::Body;
use crate::error::ApiResult;
use crate::paging::{list_headers, paging, query_value};
use crate::state::AppState;
use crate::views::status::{combined_json, status_json, CombinedStatusJson, StatusJson};
use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::Json;
use oxforge_core::statuses::{StatusSort, StatusState};
use oxforge_service::statuses::{Rev, StatusOptions};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_by_sha, create))
        .routes(routes!(list_by_ref))
        .routes(routes!(combined))
}

const OWNER: &str = "owner of the repo";
const REPO: &str = "name of the repo";

#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
#[schema(as = CreateStatusOption)]
pub struct StatusOption {
    /// `pending`, `success`, `error`, `failure`, `warning` or `skipped`.
    state: Option<String>,
    target_url: Option<String>,
    description: Option<String>,
    /// `default` when empty.
    context: Option<String>,
}

async fn list(
    Door { st, caller }: Door,
    owner: &str,
    repo: &str,
    rev: &str,
    how: Rev,
    uri: &Uri,
) -> ApiResult<(HeaderMap, Json<Vec<StatusJson>>)> {
    let ctx = st.svc.repo_ctx(&caller, owner, repo).await?;
    let p = paging(&st.cfg, uri);
    // Gitea ignores a `state` or `sort` it does not know.
    let state = query_value(uri, "state").and_then(|s| StatusState::parse(s.trim()));
    let sort = StatusSort::parse(query_value(uri, "sort").unwrap_or_default().trim());
    let (list, total) = st
        .svc
        .commit_statuses(&ctx, rev, how, state, sort, p)
        .await?;
    let r = ctx.repo();
    Ok((
        list_headers(&st.cfg, uri, total, Some(p), true),
        Json(
            list.iter()
                .map(|v| status_json(&st.cfg, &caller, r, v))
                .collect(),
        ),
    ))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/statuses/{sha}", tag = "repository", operation_id = "repoListStatuses",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("sha" = String, Path, description = "sha of the commit"),
        ("sort" = Option<String>, Query, description = "type of sort: oldest, recentupdate, leastupdate, leastindex, highestindex"),
        ("state" = Option<String>, Query, description = "type of state: pending, success, error, failure, warning"),
        ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The commit's statuses", body = Vec<StatusJson>), (status = 404, description = "No such repository or commit")))]
async fn list_by_sha(
    door: Door,
    Path((owner, repo, sha)): Path<(String, String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<StatusJson>>)> {
    list(door, &owner, &repo, &sha, Rev::Sha, &uri).await
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/commits/{ref}/statuses", tag = "repository", operation_id = "repoListStatusesByRef",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("ref" = String, Path, description = "name of branch/tag/commit"),
        ("sort" = Option<String>, Query, description = "type of sort: oldest, recentupdate, leastupdate, leastindex, highestindex"),
        ("state" = Option<String>, Query, description = "type of state: pending, success, error, failure, warning"),
        ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The commit's statuses", body = Vec<StatusJson>), (status = 404, description = "No such repository or ref")))]
async fn list_by_ref(
    door: Door,
    Path((owner, repo, rev)): Path<(String, String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<StatusJson>>)> {
    list(door, &owner, &repo, &rev, Rev::Ref, &uri).await
}

#[utoipa::path(post, path = "/repos/{owner}/{repo}/statuses/{sha}", tag = "repository", operation_id = "repoCreateStatus",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("sha" = String, Path, description = "sha of the commit")),
    request_body = StatusOption,
    responses((status = 201, description = "The new status", body = StatusJson), (status = 403, description = "No write access to the code"),
        (status = 404, description = "No such repository or commit"), (status = 422, description = "Invalid state")))]
async fn create(
    Door { st, caller }: Door,
    Path((owner, repo, sha)): Path<(String, String, String)>,
    Body(o): Body<StatusOption>,
) -> ApiResult<(StatusCode, Json<StatusJson>)> {
    caller.require_user()?;
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let o = StatusOptions {
        state: o.state,
        target_url: o.target_url,
        description: o.description,
        context: o.context,
    };
    let v = st.svc.create_commit_status(&caller, &ctx, &sha, o).await?;
    Ok((
        StatusCode::CREATED,
        Json(status_json(&st.cfg, &caller, ctx.repo(), &v)),
    ))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/commits/{ref}/status", tag = "repository", operation_id = "repoGetCombinedStatusByRef",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("ref" = String, Path, description = "name of branch/tag/commit"),
        ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The latest status of each context, combined", body = CombinedStatusJson), (status = 404, description = "No such repository or ref")))]
async fn combined(
    Door { st, caller }: Door,
    Path((owner, repo, rev)): Path<(String, String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<CombinedStatusJson>)> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let p = paging(&st.cfg, &uri);
    let c = st.svc.combined_status(&ctx, &rev, p).await?;
    Ok((
        list_headers(&st.cfg, &uri, c.total_count, Some(p), false),
        Json(combined_json(&st.cfg, &caller, ctx.repo(), ctx.mode(), &c)),
    ))
}
