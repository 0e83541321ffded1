//! Organisations: create, read, edit, delete, list; members; organisation repositories.
//! Gogs' paths (`POST /user/orgs`, `POST /org/{org}/repos`) do what Gitea's do.

use super::repos::{create_option, owner_repo_list, CreateRepoOption};
use super::users::{target_user, user_list_response, visible_user};
use crate::auth::Caller;
use crate::body::Body;
use crate::error::ApiResult;
use crate::paging::{list_headers, optional_paging, paging};
use crate::state::AppState;
use crate::views::org::{org_json, OrganizationJson, OrganizationPermissionsJson};
use crate::views::repo::repo_json;
use crate::views::repo::RepoJson;
use crate::views::user::UserJson;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::Json;
use oxforge_core::access::AccessMode;
use oxforge_core::model::User;
use oxforge_core::Error;
use oxforge_service::orgs::OrgOptions;
use oxforge_store::OrgFilter;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under Gitea's `organization` scope.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_all, create))
        .routes(routes!(get_one, edit, remove))
        .routes(routes!(members))
        .routes(routes!(is_member, remove_member))
        .routes(routes!(public_members))
        .routes(routes!(is_public_member, publicize, conceal))
        .routes(routes!(org_repos))
}

/// Creating organisation repositories: Gitea wants both the `organization` and the
/// `repository` scopes.
pub fn repo_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_org_repo))
        .routes(routes!(create_org_repo_gogs))
}

/// Routes under both the `user` and `organization` scopes.
pub fn user_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_orgs, create_mine_gogs))
        .routes(routes!(orgs_of_user))
        .routes(routes!(user_permissions))
}

/// Site-admin routes.
pub fn admin_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(admin_list))
        .routes(routes!(admin_create))
}

const ORG: &str = "name of the organization";

fn org_missing(name: &str) -> Error {
    Error::not_found_msg("GetOrgByName")
        .with_errors(vec![format!("org does not exist [id: 0, name: {name}]")])
}

/// An organisation the caller may see, or 404 (absent, hidden, or a plain user).
pub async fn load_org(st: &AppState, caller: &Caller, name: &str) -> ApiResult<User> {
    let org = st
        .svc
        .store
        .user_by_name(name)
        .await?
        .filter(User::is_org)
        .ok_or_else(|| org_missing(name))?;
    if !st.svc.can_see_account(&caller.viewer(), &org).await? {
        return Err(org_missing(name).into());
    }
    Ok(org)
}

/// Gitea's `reqOrgOwnership`: an owner of the organisation, or a site admin.
pub async fn require_org_owner(st: &AppState, caller: &Caller, org: &User) -> ApiResult<User> {
    let me = caller.require_user()?;
    if !st.svc.is_org_owner(org, me).await? {
        return Err(Error::forbidden("Must be an organization owner").into());
    }
    Ok(me.clone())
}

/// Gitea's `reqOrgMembership`: a member, or a site admin.
pub async fn require_org_member(st: &AppState, caller: &Caller, org: &User) -> ApiResult<User> {
    let me = caller.require_user()?;
    if !me.is_admin && !st.svc.is_org_member(org, me.id).await? {
        return Err(Error::forbidden("Must be an organization member").into());
    }
    Ok(me.clone())
}

#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
#[schema(as = CreateOrgOption)]
pub struct CreateOrgOption {
    username: Option<String>,
    full_name: Option<String>,
    email: Option<String>,
    description: Option<String>,
    website: Option<String>,
    location: Option<String>,
    /// `public`, `limited` or `private`.
    visibility: Option<String>,
    repo_admin_change_team_access: Option<bool>,
}

impl From<CreateOrgOption> for OrgOptions {
    fn from(o: CreateOrgOption) -> Self {
        OrgOptions {
            username: o.username,
            full_name: o.full_name,
            email: o.email,
            description: o.description,
            website: o.website,
            location: o.location,
            visibility: o.visibility,
            repo_admin_change_team_access: o.repo_admin_change_team_access,
        }
    }
}

#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
#[schema(as = EditOrgOption)]
pub struct EditOrgOption {
    full_name: Option<String>,
    email: Option<String>,
    description: Option<String>,
    website: Option<String>,
    location: Option<String>,
    visibility: Option<String>,
    repo_admin_change_team_access: Option<bool>,
}

async fn create_as(
    st: &AppState,
    caller: &Caller,
    doer: &User,
    owner: &User,
    o: CreateOrgOption,
) -> ApiResult<(StatusCode, Json<OrganizationJson>)> {
    let org = st.svc.create_org(doer, owner, o.into()).await?;
    Ok((StatusCode::CREATED, Json(org_json(&st.cfg, caller, &org))))
}

/// A page of organisations with Gitea's list headers.
async fn org_list(
    st: &AppState,
    caller: &Caller,
    uri: &axum::http::Uri,
    f: OrgFilter,
    p: Option<oxforge_core::paging::Paging>,
) -> ApiResult<(HeaderMap, Json<Vec<OrganizationJson>>)> {
    let (orgs, total) = st.svc.store.search_orgs(&caller.viewer(), f, p).await?;
    Ok((
        list_headers(&st.cfg, uri, total, p, true),
        Json(orgs.iter().map(|o| org_json(&st.cfg, caller, o)).collect()),
    ))
}

#[utoipa::path(get, path = "/orgs", tag = "organization", operation_id = "orgGetAll",
    params(("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Organizations the caller may see, by name", body = Vec<OrganizationJson>)))]
async fn list_all(
    State(st): State<AppState>,
    caller: Caller,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<OrganizationJson>>)> {
    let p = paging(&st.cfg, &uri);
    org_list(&st, &caller, &uri, OrgFilter::default(), Some(p)).await
}

#[utoipa::path(post, path = "/orgs", tag = "organization", operation_id = "orgCreate",
    request_body = CreateOrgOption,
    responses((status = 201, description = "The new organization; the caller is in its Owners team", body = OrganizationJson),
        (status = 403, description = "Not allowed to create organizations"), (status = 422, description = "Invalid input or name taken")))]
async fn create(
    State(st): State<AppState>,
    caller: Caller,
    Body(o): Body<CreateOrgOption>,
) -> ApiResult<(StatusCode, Json<OrganizationJson>)> {
    let me = caller.require_user()?.clone();
    create_as(&st, &caller, &me, &me, o).await
}

#[utoipa::path(post, path = "/user/orgs", tag = "organization", operation_id = "orgCreateGogs",
    request_body = CreateOrgOption,
    responses((status = 201, description = "The new organization (Gogs' path for POST /orgs)", body = OrganizationJson),
        (status = 403, description = "Not allowed to create organizations"), (status = 422, description = "Invalid input or name taken")))]
async fn create_mine_gogs(
    State(st): State<AppState>,
    caller: Caller,
    Body(o): Body<CreateOrgOption>,
) -> ApiResult<(StatusCode, Json<OrganizationJson>)> {
    let me = caller.require_user()?.clone();
    create_as(&st, &caller, &me, &me, o).await
}

#[utoipa::path(post, path = "/admin/users/{username}/orgs", tag = "admin", operation_id = "adminCreateOrg",
    params(("username" = String, Path, description = "username of the user who will own the organization")),
    request_body = CreateOrgOption,
    responses((status = 201, description = "The new organization", body = OrganizationJson),
        (status = 403, description = "Not a site admin"), (status = 404, description = "No such user"), (status = 422, description = "Invalid input or name taken")))]
async fn admin_create(
    State(st): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Body(o): Body<CreateOrgOption>,
) -> ApiResult<(StatusCode, Json<OrganizationJson>)> {
    let me = caller.require_admin()?.clone();
    let owner = target_user(&st, &name).await?;
    create_as(&st, &caller, &me, &owner, o).await
}

#[utoipa::path(get, path = "/admin/orgs", tag = "admin", operation_id = "adminGetAllOrgs",
    params(("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Every organization", body = Vec<OrganizationJson>), (status = 403, description = "Not a site admin")))]
async fn admin_list(
    State(st): State<AppState>,
    caller: Caller,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<OrganizationJson>>)> {
    caller.require_admin()?;
    let p = paging(&st.cfg, &uri);
    org_list(&st, &caller, &uri, OrgFilter::default(), Some(p)).await
}

#[utoipa::path(get, path = "/orgs/{org}", tag = "organization", operation_id = "orgGet",
    params(("org" = String, Path, description = ORG)),
    responses((status = 200, description = "The organization", body = OrganizationJson), (status = 404, description = "No such organization, or hidden")))]
async fn get_one(
    State(st): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> ApiResult<Json<OrganizationJson>> {
    let org = load_org(&st, &caller, &name).await?;
    Ok(Json(org_json(&st.cfg, &caller, &org)))
}

#[utoipa::path(patch, path = "/orgs/{org}", tag = "organization", operation_id = "orgEdit",
    params(("org" = String, Path, description = ORG)), request_body = EditOrgOption,
    responses((status = 200, description = "The edited organization", body = OrganizationJson),
        (status = 403, description = "Not an owner"), (status = 404, description = "No such organization"), (status = 422, description = "Invalid input")))]
async fn edit(
    State(st): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Body(o): Body<EditOrgOption>,
) -> ApiResult<Json<OrganizationJson>> {
    let org = load_org(&st, &caller, &name).await?;
    require_org_owner(&st, &caller, &org).await?;
    let opts = OrgOptions {
        username: None,
        full_name: o.full_name,
        email: o.email,
        description: o.description,
        website: o.website,
        location: o.location,
        visibility: o.visibility,
        repo_admin_change_team_access: o.repo_admin_change_team_access,
    };
    let org = st.svc.edit_org(&org, opts).await?;
    Ok(Json(org_json(&st.cfg, &caller, &org)))
}

#[utoipa::path(delete, path = "/orgs/{org}", tag = "organization", operation_id = "orgDelete",
    params(("org" = String, Path, description = ORG)),
    responses((status = 204, description = "Deleted"), (status = 403, description = "Not an owner"),
        (status = 404, description = "No such organization"), (status = 422, description = "The organization still owns repositories")))]
async fn remove(
    State(st): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    let org = load_org(&st, &caller, &name).await?;
    require_org_owner(&st, &caller, &org).await?;
    st.svc.delete_org(&org).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/user/orgs", tag = "organization", operation_id = "orgListCurrentUserOrgs",
    params(("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The caller's organizations (whole list without page)", body = Vec<OrganizationJson>), (status = 401, description = "Not signed in")))]
async fn my_orgs(
    State(st): State<AppState>,
    caller: Caller,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<OrganizationJson>>)> {
    let me = caller.require_user()?;
    let f = OrgFilter {
        member: Some(me.id),
        include_concealed: true,
    };
    let p = optional_paging(&st.cfg, &uri, "page");
    org_list(&st, &caller, &uri, f, p).await
}

#[utoipa::path(get, path = "/users/{username}/orgs", tag = "organization", operation_id = "orgListUserOrgs",
    params(("username" = String, Path, description = "username of the user"), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The user's organizations the caller may see", body = Vec<OrganizationJson>),
        (status = 401, description = "Not signed in"), (status = 404, description = "No such user")))]
async fn orgs_of_user(
    State(st): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<OrganizationJson>>)> {
    let me = caller.require_user()?;
    let user = visible_user(&st, &caller, &name).await?;
    let f = OrgFilter {
        member: Some(user.id),
        include_concealed: me.is_admin || me.id == user.id,
    };
    let p = optional_paging(&st.cfg, &uri, "page");
    org_list(&st, &caller, &uri, f, p).await
}

#[utoipa::path(get, path = "/users/{username}/orgs/{org}/permissions", tag = "organization", operation_id = "orgGetUserPermissions",
    params(("username" = String, Path, description = "username of the user"), ("org" = String, Path, description = ORG)),
    responses((status = 200, description = "What the user may do in the organization", body = OrganizationPermissionsJson),
        (status = 401, description = "Not signed in"), (status = 404, description = "No such user or organization")))]
async fn user_permissions(
    State(st): State<AppState>,
    caller: Caller,
    Path((name, org)): Path<(String, String)>,
) -> ApiResult<Json<OrganizationPermissionsJson>> {
    caller.require_user()?;
    let user = visible_user(&st, &caller, &name).await?;
    let org = load_org(&st, &caller, &org).await?;
    let role = st.svc.org_role(&org, user.id).await?;
    let mode = if role.owner {
        AccessMode::Owner
    } else {
        role.mode
    };
    let public = org.visibility == oxforge_core::model::Visibility::Public;
    Ok(Json(OrganizationPermissionsJson {
        is_owner: role.owner,
        is_admin: mode >= AccessMode::Admin,
        can_write: mode >= AccessMode::Write,
        can_read: mode >= AccessMode::Read || public,
        can_create_repository: role.can_create_repo,
    }))
}

/// Members: everyone for members and admins, public members for the rest.
async fn member_list(
    st: &AppState,
    caller: &Caller,
    uri: &axum::http::Uri,
    org: &User,
    public_only: bool,
) -> ApiResult<(HeaderMap, Json<Vec<UserJson>>)> {
    let p = paging(&st.cfg, uri);
    let (users, total) = st
        .svc
        .store
        .org_members(org.id, public_only, Some(p))
        .await?;
    Ok(user_list_response(st, caller, uri, &users, total, Some(p)))
}

async fn sees_all_members(st: &AppState, caller: &Caller, org: &User) -> ApiResult<bool> {
    Ok(match caller.viewer().signed_in() {
        Some(uid) => {
            caller.user.as_deref().is_some_and(|u| u.is_admin)
                || st.svc.is_org_member(org, uid).await?
        }
        None => false,
    })
}

#[utoipa::path(get, path = "/orgs/{org}/members", tag = "organization", operation_id = "orgListMembers",
    params(("org" = String, Path, description = ORG), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Members (public members only for non-members)", body = Vec<UserJson>), (status = 404, description = "No such organization")))]
async fn members(
    State(st): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<UserJson>>)> {
    let org = load_org(&st, &caller, &name).await?;
    let all = sees_all_members(&st, &caller, &org).await?;
    member_list(&st, &caller, &uri, &org, !all).await
}

#[utoipa::path(get, path = "/orgs/{org}/public_members", tag = "organization", operation_id = "orgListPublicMembers",
    params(("org" = String, Path, description = ORG), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Public members", body = Vec<UserJson>), (status = 404, description = "No such organization")))]
async fn public_members(
    State(st): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<UserJson>>)> {
    let org = load_org(&st, &caller, &name).await?;
    member_list(&st, &caller, &uri, &org, true).await
}

#[utoipa::path(get, path = "/orgs/{org}/members/{username}", tag = "organization", operation_id = "orgIsMember",
    params(("org" = String, Path, description = ORG), ("username" = String, Path, description = "username of the user")),
    responses((status = 204, description = "A member"), (status = 303, description = "The caller is not a member: see the public membership"),
        (status = 404, description = "Not a member")))]
async fn is_member(
    State(st): State<AppState>,
    caller: Caller,
    Path((name, username)): Path<(String, String)>,
) -> ApiResult<(StatusCode, HeaderMap)> {
    let org = load_org(&st, &caller, &name).await?;
    if !sees_all_members(&st, &caller, &org).await? {
        // As Gitea: outsiders are sent to the public membership check.
        let mut h = HeaderMap::new();
        let to = format!(
            "{}api/v1/orgs/{}/public_members/{}",
            st.cfg.root_url, org.name, username
        );
        if let Ok(v) = HeaderValue::from_str(&to) {
            h.insert(header::LOCATION, v);
        }
        return Ok((StatusCode::SEE_OTHER, h));
    }
    let user = target_user(&st, &username).await?;
    match st.svc.store.org_membership(org.id, user.id).await? {
        Some(_) => Ok((StatusCode::NO_CONTENT, HeaderMap::new())),
        None => Err(Error::not_found().into()),
    }
}

#[utoipa::path(delete, path = "/orgs/{org}/members/{username}", tag = "organization", operation_id = "orgDeleteMember",
    params(("org" = String, Path, description = ORG), ("username" = String, Path, description = "username of the user")),
    responses((status = 204, description = "Removed from every team of the organization"), (status = 403, description = "Not an owner"),
        (status = 404, description = "No such organization or user"), (status = 422, description = "The last owner cannot leave")))]
async fn remove_member(
    State(st): State<AppState>,
    caller: Caller,
    Path((name, username)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let org = load_org(&st, &caller, &name).await?;
    require_org_owner(&st, &caller, &org).await?;
    let user = target_user(&st, &username).await?;
    st.svc.remove_org_member(&org, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/orgs/{org}/public_members/{username}", tag = "organization", operation_id = "orgIsPublicMember",
    params(("org" = String, Path, description = ORG), ("username" = String, Path, description = "username of the user")),
    responses((status = 204, description = "A public member"), (status = 404, description = "Not a public member")))]
async fn is_public_member(
    State(st): State<AppState>,
    caller: Caller,
    Path((name, username)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let org = load_org(&st, &caller, &name).await?;
    let user = target_user(&st, &username).await?;
    match st.svc.store.org_membership(org.id, user.id).await? {
        Some(true) => Ok(StatusCode::NO_CONTENT),
        _ => Err(Error::not_found().into()),
    }
}

/// Only members themselves change whether their membership shows.
async fn set_public(
    st: &AppState,
    caller: &Caller,
    name: &str,
    username: &str,
    public: bool,
) -> ApiResult<StatusCode> {
    let org = load_org(st, caller, name).await?;
    let me = caller.require_user()?;
    let user = target_user(st, username).await?;
    if st
        .svc
        .store
        .org_membership(org.id, user.id)
        .await?
        .is_none()
    {
        return Err(Error::not_found().into());
    }
    if user.id != me.id {
        return Err(Error::forbidden("Cannot publicize another member").into());
    }
    st.svc
        .store
        .set_membership_public(org.id, user.id, public)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/orgs/{org}/public_members/{username}", tag = "organization", operation_id = "orgPublicizeMember",
    params(("org" = String, Path, description = ORG), ("username" = String, Path, description = "username of the user")),
    responses((status = 204, description = "The membership is public"), (status = 403, description = "Not the member themself"), (status = 404, description = "Not a member")))]
async fn publicize(
    State(st): State<AppState>,
    caller: Caller,
    Path((name, username)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    set_public(&st, &caller, &name, &username, true).await
}

#[utoipa::path(delete, path = "/orgs/{org}/public_members/{username}", tag = "organization", operation_id = "orgConcealMember",
    params(("org" = String, Path, description = ORG), ("username" = String, Path, description = "username of the user")),
    responses((status = 204, description = "The membership is concealed"), (status = 403, description = "Not the member themself"), (status = 404, description = "Not a member")))]
async fn conceal(
    State(st): State<AppState>,
    caller: Caller,
    Path((name, username)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    set_public(&st, &caller, &name, &username, false).await
}

#[utoipa::path(get, path = "/orgs/{org}/repos", tag = "organization", operation_id = "orgListRepos",
    params(("org" = String, Path, description = ORG), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The organization's repositories the caller may see", body = Vec<RepoJson>), (status = 404, description = "No such organization")))]
async fn org_repos(
    State(st): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<RepoJson>>)> {
    let org = load_org(&st, &caller, &name).await?;
    owner_repo_list(&st, &caller, &uri, &org).await
}

/// Creates a repository in an organisation: owners, and members of a team that may.
async fn create_in_org(
    st: &AppState,
    caller: &Caller,
    name: &str,
    body: Body<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<RepoJson>)> {
    let me = caller.require_user()?.clone();
    let org = load_org(st, caller, name).await?;
    let role = st.svc.org_role(&org, me.id).await?;
    if !me.is_admin && !role.can_create_repo {
        return Err(Error::forbidden(
            "Given user is not allowed to create repository in organization.",
        )
        .into());
    }
    let r = st.svc.create_repo(&me, &org, create_option(body)?).await?;
    if !me.is_admin && !role.owner {
        st.svc.grant_new_org_repo(&org, &me, &r).await?;
    }
    Ok((
        StatusCode::CREATED,
        Json(repo_json(&st.cfg, caller, &r, AccessMode::Owner)),
    ))
}

#[utoipa::path(post, path = "/orgs/{org}/repos", tag = "organization", operation_id = "createOrgRepo",
    params(("org" = String, Path, description = ORG)), request_body = CreateRepoOption,
    responses((status = 201, description = "The new repository", body = RepoJson), (status = 403, description = "Not allowed to create repositories here"),
        (status = 404, description = "No such organization"), (status = 409, description = "The name is taken"), (status = 422, description = "Invalid input")))]
async fn create_org_repo(
    State(st): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    body: Body<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<RepoJson>)> {
    create_in_org(&st, &caller, &name, body).await
}

#[utoipa::path(post, path = "/org/{org}/repos", tag = "organization", operation_id = "createOrgRepoDeprecated",
    params(("org" = String, Path, description = ORG)), request_body = CreateRepoOption,
    responses((status = 201, description = "The new repository (Gogs' path)", body = RepoJson), (status = 403, description = "Not allowed to create repositories here"),
        (status = 404, description = "No such organization"), (status = 409, description = "The name is taken"), (status = 422, description = "Invalid input")))]
async fn create_org_repo_gogs(
    State(st): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    body: Body<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<RepoJson>)> {
    create_in_org(&st, &caller, &name, body).await
}
