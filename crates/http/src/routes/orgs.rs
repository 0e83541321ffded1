//! Organisations: create, read, edit, delete, list; members; organisation repositories.
//! Gogs' paths (`POST /user/orgs`, `POST /org/{org}/repos`) do what Gitea's do.

use super::repos::{create_for, owner_repo_list, CreateRepoOption};
use super::users::user_list_response;
use crate::auth::{Caller, Door};
use crate::body::Body;
use crate::error::ApiResult;
use crate::paging::{list_headers, optional_paging, paging};
use crate::state::AppState;
use crate::views::org::{org_json, OrganizationJson, OrganizationPermissionsJson};
use crate::views::repo::RepoJson;
use crate::views::user::UserJson;
use axum::extract::{OriginalUri, Path};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::Json;
use oxforge_core::access::AccessMode;
use oxforge_core::model::User;
use oxforge_core::Error;
use oxforge_service::org_members::{MemberCheck, OrgListing};
use oxforge_service::orgs::OrgOptions;
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

/// An organisation the caller may see, or 404 (absent, hidden, or a plain user).
pub async fn load_org(st: &AppState, caller: &Caller, name: &str) -> ApiResult<User> {
    Ok(st.svc.org(caller, name).await?)
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
    owner: &User,
    o: CreateOrgOption,
) -> ApiResult<(StatusCode, Json<OrganizationJson>)> {
    let org = st.svc.create_org(caller, owner, o.into()).await?;
    Ok((StatusCode::CREATED, Json(org_json(&st.cfg, caller, &org))))
}

/// A page of organisations with Gitea's list headers.
async fn org_list(
    st: &AppState,
    caller: &Caller,
    uri: &axum::http::Uri,
    listing: OrgListing<'_>,
    p: Option<oxforge_core::paging::Paging>,
) -> ApiResult<(HeaderMap, Json<Vec<OrganizationJson>>)> {
    let (orgs, total) = st.svc.list_orgs(caller, listing, p).await?;
    Ok((
        list_headers(&st.cfg, uri, total, p, true),
        Json(orgs.iter().map(|o| org_json(&st.cfg, caller, o)).collect()),
    ))
}

#[utoipa::path(get, path = "/orgs", tag = "organization", operation_id = "orgGetAll",
    params(("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Organizations the caller may see, by name", body = Vec<OrganizationJson>)))]
async fn list_all(
    Door { st, caller }: Door,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<OrganizationJson>>)> {
    let p = paging(&st.cfg, &uri);
    org_list(&st, &caller, &uri, OrgListing::All, Some(p)).await
}

#[utoipa::path(post, path = "/orgs", tag = "organization", operation_id = "orgCreate",
    request_body = CreateOrgOption,
    responses((status = 201, description = "The new organization; the caller is in its Owners team", body = OrganizationJson),
        (status = 403, description = "Not allowed to create organizations"), (status = 422, description = "Invalid input or name taken")))]
async fn create(
    Door { st, caller }: Door,
    Body(o): Body<CreateOrgOption>,
) -> ApiResult<(StatusCode, Json<OrganizationJson>)> {
    let me = caller.require_user()?.clone();
    create_as(&st, &caller, &me, o).await
}

#[utoipa::path(post, path = "/user/orgs", tag = "organization", operation_id = "orgCreateGogs",
    request_body = CreateOrgOption,
    responses((status = 201, description = "The new organization (Gogs' path for POST /orgs)", body = OrganizationJson),
        (status = 403, description = "Not allowed to create organizations"), (status = 422, description = "Invalid input or name taken")))]
async fn create_mine_gogs(
    Door { st, caller }: Door,
    Body(o): Body<CreateOrgOption>,
) -> ApiResult<(StatusCode, Json<OrganizationJson>)> {
    let me = caller.require_user()?.clone();
    create_as(&st, &caller, &me, o).await
}

#[utoipa::path(post, path = "/admin/users/{username}/orgs", tag = "admin", operation_id = "adminCreateOrg",
    params(("username" = String, Path, description = "username of the user who will own the organization")),
    request_body = CreateOrgOption,
    responses((status = 201, description = "The new organization", body = OrganizationJson),
        (status = 403, description = "Not a site admin"), (status = 404, description = "No such user"), (status = 422, description = "Invalid input or name taken")))]
async fn admin_create(
    Door { st, caller }: Door,
    Path(name): Path<String>,
    Body(o): Body<CreateOrgOption>,
) -> ApiResult<(StatusCode, Json<OrganizationJson>)> {
    caller.require_admin()?;
    let owner = st.svc.account(&name).await?;
    create_as(&st, &caller, &owner, o).await
}

#[utoipa::path(get, path = "/admin/orgs", tag = "admin", operation_id = "adminGetAllOrgs",
    params(("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Every organization", body = Vec<OrganizationJson>), (status = 403, description = "Not a site admin")))]
async fn admin_list(
    Door { st, caller }: Door,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<OrganizationJson>>)> {
    let p = paging(&st.cfg, &uri);
    org_list(&st, &caller, &uri, OrgListing::Admin, Some(p)).await
}

#[utoipa::path(get, path = "/orgs/{org}", tag = "organization", operation_id = "orgGet",
    params(("org" = String, Path, description = ORG)),
    responses((status = 200, description = "The organization", body = OrganizationJson), (status = 404, description = "No such organization, or hidden")))]
async fn get_one(
    Door { st, caller }: Door,
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
    Door { st, caller }: Door,
    Path(name): Path<String>,
    Body(o): Body<EditOrgOption>,
) -> ApiResult<Json<OrganizationJson>> {
    let org = load_org(&st, &caller, &name).await?;
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
    let org = st.svc.edit_org(&caller, &org, opts).await?;
    Ok(Json(org_json(&st.cfg, &caller, &org)))
}

#[utoipa::path(delete, path = "/orgs/{org}", tag = "organization", operation_id = "orgDelete",
    params(("org" = String, Path, description = ORG)),
    responses((status = 204, description = "Deleted"), (status = 403, description = "Not an owner"),
        (status = 404, description = "No such organization"), (status = 422, description = "The organization still owns repositories")))]
async fn remove(Door { st, caller }: Door, Path(name): Path<String>) -> ApiResult<StatusCode> {
    let org = load_org(&st, &caller, &name).await?;
    st.svc.delete_org(&caller, &org).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/user/orgs", tag = "organization", operation_id = "orgListCurrentUserOrgs",
    params(("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The caller's organizations (whole list without page)", body = Vec<OrganizationJson>), (status = 401, description = "Not signed in")))]
async fn my_orgs(
    Door { st, caller }: Door,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<OrganizationJson>>)> {
    caller.require_user()?;
    let p = optional_paging(&st.cfg, &uri, "page");
    org_list(&st, &caller, &uri, OrgListing::Mine, p).await
}

#[utoipa::path(get, path = "/users/{username}/orgs", tag = "organization", operation_id = "orgListUserOrgs",
    params(("username" = String, Path, description = "username of the user"), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The user's organizations the caller may see", body = Vec<OrganizationJson>),
        (status = 401, description = "Not signed in"), (status = 404, description = "No such user")))]
async fn orgs_of_user(
    Door { st, caller }: Door,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<OrganizationJson>>)> {
    caller.require_user()?;
    let user = st.svc.visible_account(&caller, &name).await?;
    let p = optional_paging(&st.cfg, &uri, "page");
    org_list(&st, &caller, &uri, OrgListing::Of(&user), p).await
}

#[utoipa::path(get, path = "/users/{username}/orgs/{org}/permissions", tag = "organization", operation_id = "orgGetUserPermissions",
    params(("username" = String, Path, description = "username of the user"), ("org" = String, Path, description = ORG)),
    responses((status = 200, description = "What the user may do in the organization", body = OrganizationPermissionsJson),
        (status = 401, description = "Not signed in"), (status = 404, description = "No such user or organization")))]
async fn user_permissions(
    Door { st, caller }: Door,
    Path((name, org)): Path<(String, String)>,
) -> ApiResult<Json<OrganizationPermissionsJson>> {
    caller.require_user()?;
    let user = st.svc.visible_account(&caller, &name).await?;
    let org = load_org(&st, &caller, &org).await?;
    let role = st.svc.org_permissions(&caller, &user, &org).await?;
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
    let (users, total) = st.svc.org_members(caller, org, public_only, p).await?;
    Ok(user_list_response(st, caller, uri, &users, total, Some(p)))
}

#[utoipa::path(get, path = "/orgs/{org}/members", tag = "organization", operation_id = "orgListMembers",
    params(("org" = String, Path, description = ORG), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Members (public members only for non-members)", body = Vec<UserJson>), (status = 404, description = "No such organization")))]
async fn members(
    Door { st, caller }: Door,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<UserJson>>)> {
    let org = load_org(&st, &caller, &name).await?;
    member_list(&st, &caller, &uri, &org, false).await
}

#[utoipa::path(get, path = "/orgs/{org}/public_members", tag = "organization", operation_id = "orgListPublicMembers",
    params(("org" = String, Path, description = ORG), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Public members", body = Vec<UserJson>), (status = 404, description = "No such organization")))]
async fn public_members(
    Door { st, caller }: Door,
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
    Door { st, caller }: Door,
    Path((name, username)): Path<(String, String)>,
) -> ApiResult<(StatusCode, HeaderMap)> {
    let org = load_org(&st, &caller, &name).await?;
    match st.svc.check_org_member(&caller, &org, &username).await? {
        MemberCheck::Member => Ok((StatusCode::NO_CONTENT, HeaderMap::new())),
        MemberCheck::NotMember => Err(Error::not_found().into()),
        MemberCheck::AskPublic => {
            let mut h = HeaderMap::new();
            let to = format!(
                "{}api/v1/orgs/{}/public_members/{}",
                st.cfg.root_url, org.name, username
            );
            if let Ok(v) = HeaderValue::from_str(&to) {
                h.insert(header::LOCATION, v);
            }
            Ok((StatusCode::SEE_OTHER, h))
        }
    }
}

#[utoipa::path(delete, path = "/orgs/{org}/members/{username}", tag = "organization", operation_id = "orgDeleteMember",
    params(("org" = String, Path, description = ORG), ("username" = String, Path, description = "username of the user")),
    responses((status = 204, description = "Removed from every team of the organization"), (status = 403, description = "Not an owner"),
        (status = 404, description = "No such organization or user"), (status = 422, description = "The last owner cannot leave")))]
async fn remove_member(
    Door { st, caller }: Door,
    Path((name, username)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let org = load_org(&st, &caller, &name).await?;
    st.svc.remove_org_member(&caller, &org, &username).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/orgs/{org}/public_members/{username}", tag = "organization", operation_id = "orgIsPublicMember",
    params(("org" = String, Path, description = ORG), ("username" = String, Path, description = "username of the user")),
    responses((status = 204, description = "A public member"), (status = 404, description = "Not a public member")))]
async fn is_public_member(
    Door { st, caller }: Door,
    Path((name, username)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let org = load_org(&st, &caller, &name).await?;
    match st.svc.is_public_member(&org, &username).await? {
        true => Ok(StatusCode::NO_CONTENT),
        false => Err(Error::not_found().into()),
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
    st.svc
        .set_membership_public(caller, &org, username, public)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/orgs/{org}/public_members/{username}", tag = "organization", operation_id = "orgPublicizeMember",
    params(("org" = String, Path, description = ORG), ("username" = String, Path, description = "username of the user")),
    responses((status = 204, description = "The membership is public"), (status = 403, description = "Not the member themself"), (status = 404, description = "Not a member")))]
async fn publicize(
    Door { st, caller }: Door,
    Path((name, username)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    set_public(&st, &caller, &name, &username, true).await
}

#[utoipa::path(delete, path = "/orgs/{org}/public_members/{username}", tag = "organization", operation_id = "orgConcealMember",
    params(("org" = String, Path, description = ORG), ("username" = String, Path, description = "username of the user")),
    responses((status = 204, description = "The membership is concealed"), (status = 403, description = "Not the member themself"), (status = 404, description = "Not a member")))]
async fn conceal(
    Door { st, caller }: Door,
    Path((name, username)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    set_public(&st, &caller, &name, &username, false).await
}

#[utoipa::path(get, path = "/orgs/{org}/repos", tag = "organization", operation_id = "orgListRepos",
    params(("org" = String, Path, description = ORG), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The organization's repositories the caller may see", body = Vec<RepoJson>), (status = 404, description = "No such organization")))]
async fn org_repos(
    Door { st, caller }: Door,
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
    caller.require_user()?;
    let org = load_org(st, caller, name).await?;
    create_for(st, caller, &org, body).await
}

#[utoipa::path(post, path = "/orgs/{org}/repos", tag = "organization", operation_id = "createOrgRepo",
    params(("org" = String, Path, description = ORG)), request_body = CreateRepoOption,
    responses((status = 201, description = "The new repository", body = RepoJson), (status = 403, description = "Not allowed to create repositories here"),
        (status = 404, description = "No such organization"), (status = 409, description = "The name is taken"), (status = 422, description = "Invalid input")))]
async fn create_org_repo(
    Door { st, caller }: Door,
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
    Door { st, caller }: Door,
    Path(name): Path<String>,
    body: Body<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<RepoJson>)> {
    create_in_org(&st, &caller, &name, body).await
}
