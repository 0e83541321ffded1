//! Repository collaborators (`/repos/{owner}/{repo}/collaborators...`). Reading needs read
//! access; adding and removing need admin access (403 otherwise).

use crate::auth::Door;
use crate::body::Body;
use crate::error::ApiResult;
use crate::paging::{list_headers, paging};
use crate::state::AppState;
use crate::views::org::RepoCollaboratorPermissionJson;
use crate::views::user::{user_json, view_for, UserJson};
use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use oxforge_core::Error;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(check, add, remove))
        .routes(routes!(permission))
}

const OWNER: &str = "owner of the repo";
const REPO: &str = "name of the repo";
const COLLABORATOR: &str = "username of the collaborator";

#[derive(Serialize)]
pub struct CollaboratorJson {
    #[serde(flatten)]
    user: UserJson,
    /// Gogs' collaborator entries carry the collaborator's permissions.
    permissions: crate::views::repo::PermissionJson,
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/collaborators", tag = "repository", operation_id = "repoListCollaborators",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO),
        ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The collaborators (Users, with Gogs' `permissions` added)", body = Vec<UserJson>), (status = 404, description = "No such repository")))]
async fn list(
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<CollaboratorJson>>)> {
    caller.require_user()?;
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let p = paging(&st.cfg, &uri);
    let (list, total) = st.svc.collaborators(&caller, &ctx, p).await?;
    let has_code = ctx.repo().repo.settings.has_code;
    let data = list
        .iter()
        .map(|(u, mode)| CollaboratorJson {
            user: user_json(&st.cfg, u, view_for(&caller, u)),
            permissions: mode.permission(has_code).into(),
        })
        .collect();
    Ok((
        list_headers(&st.cfg, &uri, total, Some(p), true),
        Json(data),
    ))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/collaborators/{collaborator}", tag = "repository", operation_id = "repoCheckCollaborator",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("collaborator" = String, Path, description = COLLABORATOR)),
    responses((status = 204, description = "A collaborator"), (status = 404, description = "Not a collaborator"), (status = 422, description = "No such user")))]
async fn check(
    Door { st, caller }: Door,
    Path((owner, repo, name)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    caller.require_user()?;
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    match st.svc.is_collaborator(&caller, &ctx, &name).await? {
        true => Ok(StatusCode::NO_CONTENT),
        false => Err(Error::not_found().into()),
    }
}

#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
#[schema(as = AddCollaboratorOption)]
pub struct AddCollaboratorOption {
    /// `read`, `write` (the default) or `admin`.
    permission: Option<String>,
}

#[utoipa::path(put, path = "/repos/{owner}/{repo}/collaborators/{collaborator}", tag = "repository", operation_id = "repoAddCollaborator",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("collaborator" = String, Path, description = COLLABORATOR)),
    request_body = AddCollaboratorOption,
    responses((status = 204, description = "Added or changed"), (status = 403, description = "No admin access"),
        (status = 404, description = "No such repository"), (status = 422, description = "No such user, or an invalid permission")))]
async fn add(
    Door { st, caller }: Door,
    Path((owner, repo, name)): Path<(String, String, String)>,
    Body(o): Body<AddCollaboratorOption>,
) -> ApiResult<StatusCode> {
    caller.require_user()?;
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let permission = o.permission.as_deref().filter(|p| !p.is_empty());
    st.svc
        .set_collaborator(&caller, &ctx, &name, permission)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/repos/{owner}/{repo}/collaborators/{collaborator}", tag = "repository", operation_id = "repoDeleteCollaborator",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("collaborator" = String, Path, description = COLLABORATOR)),
    responses((status = 204, description = "Removed (also when they were not one)"), (status = 403, description = "No admin access"),
        (status = 404, description = "No such repository"), (status = 422, description = "No such user")))]
async fn remove(
    Door { st, caller }: Door,
    Path((owner, repo, name)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    caller.require_user()?;
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    st.svc.remove_collaborator(&caller, &ctx, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/collaborators/{collaborator}/permission", tag = "repository", operation_id = "repoGetRepoPermissions",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("collaborator" = String, Path, description = COLLABORATOR)),
    responses((status = 200, description = "The user's access to the repository", body = RepoCollaboratorPermissionJson),
        (status = 403, description = "Neither the user themself nor a repository admin"), (status = 404, description = "No such repository or user")))]
async fn permission(
    Door { st, caller }: Door,
    Path((owner, repo, name)): Path<(String, String, String)>,
) -> ApiResult<Json<RepoCollaboratorPermissionJson>> {
    caller.require_user()?;
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let (user, theirs) = st.svc.permission_of(&caller, &ctx, &name).await?;
    Ok(Json(RepoCollaboratorPermissionJson {
        permission: theirs.name().into(),
        role_name: theirs.name().into(),
        user: user_json(&st.cfg, &user, view_for(&caller, &user)),
    }))
}
