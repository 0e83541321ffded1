//! Repository collaborators (`/repos/{owner}/{repo}/collaborators...`). Reading needs read
//! access; adding and removing need admin access (403 otherwise).

use super::repos::load_repo;
use super::users::target_user;
use crate::auth::Caller;
use crate::body::Body;
use crate::error::ApiResult;
use crate::paging::{list_headers, paging};
use crate::state::AppState;
use crate::views::org::RepoCollaboratorPermissionJson;
use crate::views::user::{user_json, view_for, UserJson};
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use oxforge_core::access::{AccessMode, Viewer};
use oxforge_core::model::User;
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

/// Gitea answers an unknown collaborator name with 422.
async fn collaborator(st: &AppState, name: &str) -> ApiResult<User> {
    Ok(st
        .svc
        .store
        .user_by_name(name)
        .await?
        .ok_or_else(|| Error::validation(format!("user does not exist [uid: 0, name: {name}]")))?)
}

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
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<CollaboratorJson>>)> {
    caller.require_user()?;
    let (r, _) = load_repo(&st, &caller, &owner, &repo).await?;
    let p = paging(&st.cfg, &uri);
    let (list, total) = st.svc.store.collaborators(r.repo.id, Some(p)).await?;
    let has_code = r.repo.settings.has_code;
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
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, name)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    caller.require_user()?;
    let (r, _) = load_repo(&st, &caller, &owner, &repo).await?;
    let user = collaborator(&st, &name).await?;
    match st.svc.store.collaboration(r.repo.id, user.id).await? {
        Some(_) => Ok(StatusCode::NO_CONTENT),
        None => Err(Error::not_found().into()),
    }
}

#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
#[schema(as = AddCollaboratorOption)]
pub struct AddCollaboratorOption {
    /// `read`, `write` (the default) or `admin`.
    permission: Option<String>,
}

async fn require_repo_admin(
    st: &AppState,
    caller: &Caller,
    owner: &str,
    repo: &str,
) -> ApiResult<oxforge_core::model::RepoWithOwner> {
    caller.require_user()?;
    let (r, mode) = load_repo(st, caller, owner, repo).await?;
    if mode < AccessMode::Admin {
        return Err(Error::forbidden(
            "user should be an owner or a collaborator with admin write of a repository",
        )
        .into());
    }
    Ok(r)
}

#[utoipa::path(put, path = "/repos/{owner}/{repo}/collaborators/{collaborator}", tag = "repository", operation_id = "repoAddCollaborator",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("collaborator" = String, Path, description = COLLABORATOR)),
    request_body = AddCollaboratorOption,
    responses((status = 204, description = "Added or changed"), (status = 403, description = "No admin access"),
        (status = 404, description = "No such repository"), (status = 422, description = "No such user, or an invalid permission")))]
async fn add(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, name)): Path<(String, String, String)>,
    Body(o): Body<AddCollaboratorOption>,
) -> ApiResult<StatusCode> {
    let r = require_repo_admin(&st, &caller, &owner, &repo).await?;
    let user = collaborator(&st, &name).await?;
    st.svc
        .set_collaborator(&r, &user, o.permission.as_deref().filter(|p| !p.is_empty()))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/repos/{owner}/{repo}/collaborators/{collaborator}", tag = "repository", operation_id = "repoDeleteCollaborator",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("collaborator" = String, Path, description = COLLABORATOR)),
    responses((status = 204, description = "Removed (also when they were not one)"), (status = 403, description = "No admin access"),
        (status = 404, description = "No such repository"), (status = 422, description = "No such user")))]
async fn remove(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, name)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let r = require_repo_admin(&st, &caller, &owner, &repo).await?;
    let user = collaborator(&st, &name).await?;
    st.svc.remove_collaborator(&r, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/collaborators/{collaborator}/permission", tag = "repository", operation_id = "repoGetRepoPermissions",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("collaborator" = String, Path, description = COLLABORATOR)),
    responses((status = 200, description = "The user's access to the repository", body = RepoCollaboratorPermissionJson),
        (status = 403, description = "Neither the user themself nor a repository admin"), (status = 404, description = "No such repository or user")))]
async fn permission(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, name)): Path<(String, String, String)>,
) -> ApiResult<Json<RepoCollaboratorPermissionJson>> {
    let me = caller.require_user()?;
    let (r, mode) = load_repo(&st, &caller, &owner, &repo).await?;
    let user = target_user(&st, &name).await?;
    if !me.is_admin && me.id != user.id && mode < AccessMode::Admin {
        return Err(Error::forbidden("Only admins can query all permissions, repo admins can query all repo permissions, collaborators can query only their own").into());
    }
    // The user's own access, by the same rule as every other answer.
    let theirs = st.svc.access(&Viewer::of(Some(&user), false), &r).await?;
    Ok(Json(RepoCollaboratorPermissionJson {
        permission: theirs.name().into(),
        role_name: theirs.name().into(),
        user: user_json(&st.cfg, &user, view_for(&caller, &user)),
    }))
}
