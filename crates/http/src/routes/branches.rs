//! Branches and refs of a repository, read from git.

use super::repos::load_repo;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::paging::{list_headers, paging};
use crate::state::AppState;
use crate::views::branch::{branch_json, ref_json, BranchJson, ReferenceJson};
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use oxforge_core::access::AccessMode;
use oxforge_core::Error;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/repos/{owner}/{repo}/branches", get(list))
        .route("/repos/{owner}/{repo}/branches/{*branch}", get(one))
        .route("/repos/{owner}/{repo}/git/refs", get(refs))
        .route("/repos/{owner}/{repo}/git/refs/{*prefix}", get(refs_under))
}

async fn list(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<BranchJson>>)> {
    let (r, mode) = load_repo(&st, &caller, &owner, &repo).await?;
    let all = st.svc.branches(&r).await?;
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

async fn one(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, branch)): Path<(String, String, String)>,
) -> ApiResult<Json<BranchJson>> {
    let (r, mode) = load_repo(&st, &caller, &owner, &repo).await?;
    let all = st.svc.branches(&r).await?;
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
    let (r, _) = load_repo(st, caller, owner, repo).await?;
    let full = format!("{}/{}", r.owner.name, r.repo.name);
    let list: Vec<ReferenceJson> = st
        .svc
        .refs(&r)
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

async fn refs(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo)): Path<(String, String)>,
) -> ApiResult<Json<Vec<ReferenceJson>>> {
    refs_matching(&st, &caller, &owner, &repo, "refs/").await
}

async fn refs_under(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, prefix)): Path<(String, String, String)>,
) -> ApiResult<Json<Vec<ReferenceJson>>> {
    refs_matching(&st, &caller, &owner, &repo, &format!("refs/{prefix}")).await
}
