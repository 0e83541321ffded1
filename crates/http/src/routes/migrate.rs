//! `POST /repos/migrate` and `POST /repos/{owner}/{repo}/mirror-sync`.

use super::repos::ctx_json;
use crate::auth::Door;
use crate::body::Body;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::views::repo::RepoJson;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use oxforge_core::Error;
use oxforge_service::migrations::MigrateRequest;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(migrate))
        .routes(routes!(mirror_sync))
}

/// Gitea's `MigrateRepoOptions`, with Gogs' `uid`.
#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
pub struct MigrateRepoOptions {
    /// Source: an http(s) or git URL (or, for admins when allowed, a local path).
    clone_addr: Option<String>,
    /// Name of the new repository.
    repo_name: Option<String>,
    /// Owner by name (wins over `uid`); default the caller.
    repo_owner: Option<String>,
    /// Owner by id (Gogs; deprecated in Gitea).
    uid: Option<i64>,
    mirror: Option<bool>,
    /// Go duration, e.g. `8h0m0s`; `0` = no scheduled syncs.
    mirror_interval: Option<String>,
    private: Option<bool>,
    description: Option<String>,
    auth_username: Option<String>,
    auth_password: Option<String>,
    auth_token: Option<String>,
    /// `git`, `github`, `gitea`, `gitlab`, `gogs`, ...: only git data is copied whatever it says.
    service: Option<String>,
    wiki: Option<bool>,
    issues: Option<bool>,
    labels: Option<bool>,
    milestones: Option<bool>,
    pull_requests: Option<bool>,
    releases: Option<bool>,
    lfs: Option<bool>,
    lfs_endpoint: Option<String>,
    /// CodeCommit only; accepted and ignored (only git data is copied).
    aws_access_key_id: Option<String>,
    aws_secret_access_key: Option<String>,
}

#[utoipa::path(post, path = "/repos/migrate", tag = "repository", operation_id = "repoMigrate",
    request_body = MigrateRepoOptions,
    responses((status = 201, description = "The migrated repository", body = RepoJson),
        (status = 403, description = "Not allowed to migrate into that owner, or migrations disabled"),
        (status = 409, description = "The name is taken"),
        (status = 422, description = "Invalid input, a disallowed or unreachable source, or a failed transfer")))]
async fn migrate(
    Door { st, caller }: Door,
    Body(o): Body<MigrateRepoOptions>,
) -> ApiResult<(StatusCode, Json<RepoJson>)> {
    caller.require_user()?;
    let clone_addr = o.clone_addr.unwrap_or_default();
    if clone_addr.trim().is_empty() {
        return Err(Error::validation("[CloneAddr]: Required").into());
    }
    let repo_name = o.repo_name.unwrap_or_default();
    if repo_name.is_empty() {
        return Err(Error::validation("[RepoName]: Required").into());
    }
    let ctx = st
        .svc
        .migrate(
            &caller,
            MigrateRequest {
                clone_addr,
                repo_name,
                repo_owner: o.repo_owner,
                uid: o.uid,
                mirror: o.mirror.unwrap_or(false),
                mirror_interval: o.mirror_interval,
                private: o.private.unwrap_or(false),
                description: o.description.unwrap_or_default(),
                auth_username: o.auth_username.unwrap_or_default(),
                auth_password: o.auth_password.unwrap_or_default(),
                auth_token: o.auth_token.unwrap_or_default(),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(ctx_json(&st, &caller, &ctx))))
}

#[utoipa::path(post, path = "/repos/{owner}/{repo}/mirror-sync", tag = "repository", operation_id = "repoMirrorSync",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo")),
    responses((status = 200, description = "A sync is queued"),
        (status = 400, description = "Not a mirror, or mirrors are disabled"),
        (status = 403, description = "No write access"), (status = 404, description = "Absent, or not visible"),
        (status = 423, description = "The repository is archived")))]
async fn mirror_sync(
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    st.svc.request_mirror_sync(&caller, &ctx).await?;
    Ok(StatusCode::OK)
}
