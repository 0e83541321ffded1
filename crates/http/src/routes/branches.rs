//! Branches and refs of a repository, read from git.

use crate::auth::{Caller, Door};
use crate::body::Body;
use crate::error::ApiResult;
use crate::paging::{list_headers, paging};
use crate::state::AppState;
use crate::views::branch::{branch_json, ref_json, BranchJson, ReferenceJson};
use axum::extract::{OriginalUri, Path};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Json;
use oxforge_core::access::AccessMode;
use oxforge_core::Error;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    // Branch and ref names may hold `/`: those two take the rest of the path, so they are
    // mounted as wildcards and documented through `documented_wildcards`.
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(refs))
        .route(
            "/repos/{owner}/{repo}/branches/{*branch}",
            get(one).delete(delete_branch).patch(rename_branch),
        )
        .route("/repos/{owner}/{repo}/git/refs/{*prefix}", get(refs_under))
}

/// The OpenAPI entries of the wildcard routes above.
pub fn documented_wildcards() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(paths(one, delete_branch, rename_branch, refs_under))]
    struct Wildcards;
    <Wildcards as utoipa::OpenApi>::openapi()
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/branches", tag = "repository", operation_id = "repoListBranches",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Branches with their head commits", body = Vec<BranchJson>), (status = 404, description = "Absent, or not visible")))]
async fn list(
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<BranchJson>>)> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let all = st.svc.branches(&ctx).await?;
    let (r, mode) = (ctx.repo(), ctx.mode());
    let p = paging(&st.cfg, &uri);
    let full = format!("{}/{}", r.owner.name, r.repo.name);
    let page = all
        .iter()
        .skip(p.offset() as usize)
        .take(p.limit as usize)
        .map(|b| branch_json(&st.cfg, &full, b, mode >= AccessMode::Write))
        .collect();
    Ok((
        list_headers(&st.cfg, &uri, all.len() as i64, Some(p), true),
        Json(page),
    ))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/branches/{branch}", tag = "repository", operation_id = "repoGetBranch",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("branch" = String, Path, description = "branch to get")),
    responses((status = 200, description = "The branch", body = BranchJson), (status = 404, description = "No such branch or repository")))]
async fn one(
    Door { st, caller }: Door,
    Path((owner, repo, branch)): Path<(String, String, String)>,
) -> ApiResult<Json<BranchJson>> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let all = st.svc.branches(&ctx).await?;
    let (r, mode) = (ctx.repo(), ctx.mode());
    let b = all
        .iter()
        .find(|b| b.name == branch)
        .ok_or_else(|| Error::not_found_msg(format!("branch does not exist [name: {branch}]")))?;
    let full = format!("{}/{}", r.owner.name, r.repo.name);
    Ok(Json(branch_json(
        &st.cfg,
        &full,
        b,
        mode >= AccessMode::Write,
    )))
}

async fn refs_matching(
    st: &AppState,
    caller: &Caller,
    owner: &str,
    repo: &str,
    prefix: &str,
) -> ApiResult<Json<Vec<ReferenceJson>>> {
    let ctx = st.svc.repo_ctx(caller, owner, repo).await?;
    let full = format!("{}/{}", ctx.repo().owner.name, ctx.repo().repo.name);
    let list: Vec<ReferenceJson> = st
        .svc
        .refs(&ctx)
        .await?
        .iter()
        .filter(|x| x.name.starts_with(prefix))
        .map(|x| ref_json(&st.cfg, &full, x))
        .collect();
    // Gitea answers 404 when nothing matches (also for an empty repository).
    if list.is_empty() {
        return Err(Error::not_found().into());
    }
    Ok(Json(list))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/git/refs", tag = "repository", operation_id = "repoListAllGitRefs",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo")),
    responses((status = 200, description = "Every ref", body = Vec<ReferenceJson>), (status = 404, description = "No refs, or no such repository")))]
async fn refs(
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
) -> ApiResult<Json<Vec<ReferenceJson>>> {
    refs_matching(&st, &caller, &owner, &repo, "refs/").await
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/git/refs/{ref}", tag = "repository", operation_id = "repoListGitRefs",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("ref" = String, Path, description = "part or full name of the ref(s)")),
    responses((status = 200, description = "Matching refs", body = Vec<ReferenceJson>), (status = 404, description = "No matching refs")))]
async fn refs_under(
    Door { st, caller }: Door,
    Path((owner, repo, prefix)): Path<(String, String, String)>,
) -> ApiResult<Json<Vec<ReferenceJson>>> {
    refs_matching(&st, &caller, &owner, &repo, &format!("refs/{prefix}")).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateBranchRepoOption {
    pub new_branch_name: String,
    /// Deprecated: the branch to start from.
    pub old_branch_name: Option<String>,
    /// The branch, tag or commit to start from.
    pub old_ref_name: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RenameBranchRepoOption {
    pub name: String,
}

#[utoipa::path(post, path = "/repos/{owner}/{repo}/branches", tag = "repository", operation_id = "repoCreateBranch",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo")),
    request_body = CreateBranchRepoOption,
    responses((status = 201, description = "The new branch", body = BranchJson), (status = 403, description = "No write access, or a mirror"), (status = 404, description = "No such source"), (status = 409, description = "The branch exists"), (status = 423, description = "Archived")))]
async fn create(
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
    Body(o): Body<CreateBranchRepoOption>,
) -> ApiResult<(StatusCode, Json<BranchJson>)> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let from = o
        .old_ref_name
        .filter(|s| !s.is_empty())
        .or(o.old_branch_name.filter(|s| !s.is_empty()));
    let b = st
        .svc
        .create_branch(&caller, &ctx, &o.new_branch_name, from.as_deref())
        .await?;
    let full = format!("{}/{}", ctx.repo().owner.name, ctx.repo().repo.name);
    Ok((
        StatusCode::CREATED,
        Json(branch_json(&st.cfg, &full, &b, true)),
    ))
}

#[utoipa::path(delete, path = "/repos/{owner}/{repo}/branches/{branch}", tag = "repository", operation_id = "repoDeleteBranch",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("branch" = String, Path, description = "branch to delete")),
    responses((status = 204, description = "Deleted"), (status = 403, description = "The default branch, no write access, or a mirror"), (status = 404, description = "No such branch"), (status = 423, description = "Archived")))]
async fn delete_branch(
    Door { st, caller }: Door,
    Path((owner, repo, branch)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    st.svc.delete_branch(&caller, &ctx, &branch).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(patch, path = "/repos/{owner}/{repo}/branches/{branch}", tag = "repository", operation_id = "repoRenameBranch",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("branch" = String, Path, description = "name of the branch")),
    request_body = RenameBranchRepoOption,
    responses((status = 204, description = "Renamed"), (status = 403, description = "No write access, or a mirror"), (status = 404, description = "No such branch"), (status = 422, description = "The new name exists or is invalid")))]
async fn rename_branch(
    Door { st, caller }: Door,
    Path((owner, repo, branch)): Path<(String, String, String)>,
    Body(o): Body<RenameBranchRepoOption>,
) -> ApiResult<StatusCode> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    st.svc
        .rename_branch(&caller, &ctx, &branch, &o.name)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
