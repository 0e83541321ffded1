//! Teams: `/orgs/{org}/teams`, `/teams/{id}/...`, and Gogs' `/admin/orgs/{org}/teams` and
//! `/admin/teams/...` paths, which do the same things.

use super::orgs::load_org;
use super::repos::{ctx_json, repo_list_response};
use super::users::user_list_response;
use crate::auth::{Caller, Door};
use crate::body::Body;
use crate::error::ApiResult;
use crate::paging::{list_headers, paging, query_value};
use crate::state::AppState;
use crate::views::org::{team_json, TeamJson};
use crate::views::repo::RepoJson;
use crate::views::user::{user_json, view_for, UserJson};
use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use oxforge_service::orgs::TeamOptions;
use oxforge_service::teams::TeamCtx;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(org_teams, create))
        .routes(routes!(search))
        .routes(routes!(get_one, edit, remove))
        .routes(routes!(members))
        .routes(routes!(get_member, add_member, remove_member))
        .routes(routes!(repos))
        .routes(routes!(get_repo, add_repo, remove_repo))
}

/// Gogs' admin paths.
pub fn admin_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(admin_create))
        .routes(routes!(admin_members))
        .routes(routes!(admin_add_member, admin_remove_member))
        .routes(routes!(admin_add_repo, admin_remove_repo))
}

const ORG: &str = "name of the organization";
const ID: &str = "id of the team";

#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
#[schema(as = CreateTeamOption)]
pub struct CreateTeamOption {
    name: Option<String>,
    description: Option<String>,
    /// `read`, `write` or `admin`.
    permission: Option<String>,
    units: Option<Vec<String>>,
    units_map: Option<BTreeMap<String, String>>,
    includes_all_repositories: Option<bool>,
    can_create_org_repo: Option<bool>,
}

#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
#[schema(as = EditTeamOption)]
pub struct EditTeamOption {
    name: Option<String>,
    description: Option<String>,
    permission: Option<String>,
    units: Option<Vec<String>>,
    units_map: Option<BTreeMap<String, String>>,
    includes_all_repositories: Option<bool>,
    can_create_org_repo: Option<bool>,
}

impl From<CreateTeamOption> for TeamOptions {
    fn from(o: CreateTeamOption) -> Self {
        TeamOptions {
            name: o.name,
            description: o.description,
            permission: o.permission,
            units: o.units,
            units_map: o.units_map,
            includes_all_repositories: o.includes_all_repositories,
            can_create_org_repo: o.can_create_org_repo,
        }
    }
}

#[utoipa::path(get, path = "/orgs/{org}/teams", tag = "organization", operation_id = "orgListTeams",
    params(("org" = String, Path, description = ORG), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The organization's teams", body = Vec<TeamJson>), (status = 403, description = "Not a member"), (status = 404, description = "No such organization")))]
async fn org_teams(
    Door { st, caller }: Door,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<TeamJson>>)> {
    let org = load_org(&st, &caller, &name).await?;
    let p = paging(&st.cfg, &uri);
    let (teams, total) = st.svc.org_teams(&caller, &org, None, p).await?;
    Ok((
        list_headers(&st.cfg, &uri, total, Some(p), true),
        Json(
            teams
                .iter()
                .map(|t| team_json(&st.cfg, &caller, t, Some(&org)))
                .collect(),
        ),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct TeamSearchResults {
    ok: bool,
    data: Vec<TeamJson>,
}

#[utoipa::path(get, path = "/orgs/{org}/teams/search", tag = "organization", operation_id = "teamSearch",
    params(("org" = String, Path, description = ORG), ("q" = Option<String>, Query, description = "keyword in the team name"),
        ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Matching teams", body = TeamSearchResults), (status = 403, description = "Not a member"), (status = 404, description = "No such organization")))]
async fn search(
    Door { st, caller }: Door,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<TeamSearchResults>)> {
    let org = load_org(&st, &caller, &name).await?;
    let p = paging(&st.cfg, &uri);
    let q = query_value(&uri, "q");
    let (teams, total) = st
        .svc
        .org_teams(&caller, &org, q.as_deref().map(str::trim), p)
        .await?;
    Ok((
        list_headers(&st.cfg, &uri, total, Some(p), true),
        Json(TeamSearchResults {
            ok: true,
            data: teams
                .iter()
                .map(|t| team_json(&st.cfg, &caller, t, Some(&org)))
                .collect(),
        }),
    ))
}

async fn create_team(
    st: &AppState,
    caller: &Caller,
    org_name: &str,
    o: CreateTeamOption,
) -> ApiResult<(StatusCode, Json<TeamJson>)> {
    let org = load_org(st, caller, org_name).await?;
    let team = st.svc.create_team(caller, &org, o.into()).await?;
    Ok((
        StatusCode::CREATED,
        Json(team_json(&st.cfg, caller, &team, Some(&org))),
    ))
}

#[utoipa::path(post, path = "/orgs/{org}/teams", tag = "organization", operation_id = "orgCreateTeam",
    params(("org" = String, Path, description = ORG)), request_body = CreateTeamOption,
    responses((status = 201, description = "The new team", body = TeamJson), (status = 403, description = "Not an owner"),
        (status = 404, description = "No such organization"), (status = 422, description = "Invalid input or name taken")))]
async fn create(
    Door { st, caller }: Door,
    Path(name): Path<String>,
    Body(o): Body<CreateTeamOption>,
) -> ApiResult<(StatusCode, Json<TeamJson>)> {
    create_team(&st, &caller, &name, o).await
}

#[utoipa::path(post, path = "/admin/orgs/{org}/teams", tag = "admin", operation_id = "adminCreateTeamGogs",
    params(("org" = String, Path, description = ORG)), request_body = CreateTeamOption,
    responses((status = 201, description = "The new team (Gogs' path)", body = TeamJson), (status = 403, description = "Not a site admin"),
        (status = 404, description = "No such organization"), (status = 422, description = "Invalid input or name taken")))]
async fn admin_create(
    Door { st, caller }: Door,
    Path(name): Path<String>,
    Body(o): Body<CreateTeamOption>,
) -> ApiResult<(StatusCode, Json<TeamJson>)> {
    caller.require_admin()?;
    create_team(&st, &caller, &name, o).await
}

#[utoipa::path(get, path = "/teams/{id}", tag = "organization", operation_id = "orgGetTeam",
    params(("id" = i64, Path, description = ID)),
    responses((status = 200, description = "The team", body = TeamJson), (status = 403, description = "Not a team member"), (status = 404, description = "No such team")))]
async fn get_one(Door { st, caller }: Door, Path(id): Path<i64>) -> ApiResult<Json<TeamJson>> {
    let t = st.svc.team_ctx(&caller, id).await?;
    Ok(Json(team_json(&st.cfg, &caller, t.team(), Some(t.org()))))
}

#[utoipa::path(patch, path = "/teams/{id}", tag = "organization", operation_id = "orgEditTeam",
    params(("id" = i64, Path, description = ID)), request_body = EditTeamOption,
    responses((status = 200, description = "The edited team", body = TeamJson), (status = 403, description = "Not an owner"),
        (status = 404, description = "No such team"), (status = 422, description = "Invalid input")))]
async fn edit(
    Door { st, caller }: Door,
    Path(id): Path<i64>,
    Body(o): Body<EditTeamOption>,
) -> ApiResult<Json<TeamJson>> {
    let t = st.svc.team_ctx(&caller, id).await?;
    let opts = TeamOptions {
        name: o.name,
        description: o.description,
        permission: o.permission,
        units: o.units,
        units_map: o.units_map,
        includes_all_repositories: o.includes_all_repositories,
        can_create_org_repo: o.can_create_org_repo,
    };
    let team = st.svc.edit_team(&t, opts).await?;
    Ok(Json(team_json(&st.cfg, &caller, &team, Some(t.org()))))
}

#[utoipa::path(delete, path = "/teams/{id}", tag = "organization", operation_id = "orgDeleteTeam",
    params(("id" = i64, Path, description = ID)),
    responses((status = 204, description = "Deleted"), (status = 403, description = "Not an owner"),
        (status = 404, description = "No such team"), (status = 422, description = "The Owners team cannot be deleted")))]
async fn remove(Door { st, caller }: Door, Path(id): Path<i64>) -> ApiResult<StatusCode> {
    let t = st.svc.team_ctx(&caller, id).await?;
    st.svc.delete_team(&t).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn member_list(
    st: &AppState,
    caller: &Caller,
    uri: &axum::http::Uri,
    t: &TeamCtx,
) -> ApiResult<(HeaderMap, Json<Vec<UserJson>>)> {
    let p = paging(&st.cfg, uri);
    let (users, total) = st.svc.team_members(t, p).await?;
    Ok(user_list_response(st, caller, uri, &users, total, Some(p)))
}

#[utoipa::path(get, path = "/teams/{id}/members", tag = "organization", operation_id = "orgListTeamMembers",
    params(("id" = i64, Path, description = ID), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The team's members", body = Vec<UserJson>), (status = 404, description = "No such team")))]
async fn members(
    Door { st, caller }: Door,
    Path(id): Path<i64>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<UserJson>>)> {
    let t = st.svc.team_ctx(&caller, id).await?;
    member_list(&st, &caller, &uri, &t).await
}

#[utoipa::path(get, path = "/admin/teams/{id}/members", tag = "admin", operation_id = "adminListTeamMembersGogs",
    params(("id" = i64, Path, description = ID), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The team's members (Gogs' path)", body = Vec<UserJson>), (status = 403, description = "Not a site admin"), (status = 404, description = "No such team")))]
async fn admin_members(
    Door { st, caller }: Door,
    Path(id): Path<i64>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<UserJson>>)> {
    caller.require_admin()?;
    let t = st.svc.team_ctx(&caller, id).await?;
    member_list(&st, &caller, &uri, &t).await
}

#[utoipa::path(get, path = "/teams/{id}/members/{username}", tag = "organization", operation_id = "orgListTeamMember",
    params(("id" = i64, Path, description = ID), ("username" = String, Path, description = "username of the member")),
    responses((status = 200, description = "The member", body = UserJson), (status = 404, description = "Not a member")))]
async fn get_member(
    Door { st, caller }: Door,
    Path((id, username)): Path<(i64, String)>,
) -> ApiResult<Json<UserJson>> {
    let t = st.svc.team_ctx(&caller, id).await?;
    let user = st.svc.team_member(&t, &username).await?;
    Ok(Json(user_json(&st.cfg, &user, view_for(&caller, &user))))
}

async fn change_member(
    st: &AppState,
    caller: &Caller,
    id: i64,
    username: &str,
    add: bool,
) -> ApiResult<StatusCode> {
    let t = st.svc.team_ctx(caller, id).await?;
    st.svc.change_team_member(caller, &t, username, add).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/teams/{id}/members/{username}", tag = "organization", operation_id = "orgAddTeamMember",
    params(("id" = i64, Path, description = ID), ("username" = String, Path, description = "username of the user to add")),
    responses((status = 204, description = "Added (also to the organization)"), (status = 403, description = "Not an owner"), (status = 404, description = "No such team or user")))]
async fn add_member(
    Door { st, caller }: Door,
    Path((id, username)): Path<(i64, String)>,
) -> ApiResult<StatusCode> {
    change_member(&st, &caller, id, &username, true).await
}

#[utoipa::path(delete, path = "/teams/{id}/members/{username}", tag = "organization", operation_id = "orgRemoveTeamMember",
    params(("id" = i64, Path, description = ID), ("username" = String, Path, description = "username of the user to remove")),
    responses((status = 204, description = "Removed"), (status = 403, description = "Not an owner"), (status = 404, description = "No such team or user"),
        (status = 422, description = "The last owner cannot leave the Owners team")))]
async fn remove_member(
    Door { st, caller }: Door,
    Path((id, username)): Path<(i64, String)>,
) -> ApiResult<StatusCode> {
    change_member(&st, &caller, id, &username, false).await
}

#[utoipa::path(put, path = "/admin/teams/{id}/members/{username}", tag = "admin", operation_id = "adminAddTeamMemberGogs",
    params(("id" = i64, Path, description = ID), ("username" = String, Path, description = "username of the user to add")),
    responses((status = 204, description = "Added (Gogs' path)"), (status = 403, description = "Not a site admin"), (status = 404, description = "No such team or user")))]
async fn admin_add_member(
    Door { st, caller }: Door,
    Path((id, username)): Path<(i64, String)>,
) -> ApiResult<StatusCode> {
    caller.require_admin()?;
    change_member(&st, &caller, id, &username, true).await
}

#[utoipa::path(delete, path = "/admin/teams/{id}/members/{username}", tag = "admin", operation_id = "adminRemoveTeamMemberGogs",
    params(("id" = i64, Path, description = ID), ("username" = String, Path, description = "username of the user to remove")),
    responses((status = 204, description = "Removed (Gogs' path)"), (status = 403, description = "Not a site admin"), (status = 404, description = "No such team or user"),
        (status = 422, description = "The last owner cannot leave the Owners team")))]
async fn admin_remove_member(
    Door { st, caller }: Door,
    Path((id, username)): Path<(i64, String)>,
) -> ApiResult<StatusCode> {
    caller.require_admin()?;
    change_member(&st, &caller, id, &username, false).await
}

#[utoipa::path(get, path = "/teams/{id}/repos", tag = "organization", operation_id = "orgListTeamRepos",
    params(("id" = i64, Path, description = ID), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Repositories the team reaches", body = Vec<RepoJson>), (status = 404, description = "No such team")))]
async fn repos(
    Door { st, caller }: Door,
    Path(id): Path<i64>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<RepoJson>>)> {
    let t = st.svc.team_ctx(&caller, id).await?;
    let p = paging(&st.cfg, &uri);
    let (list, total) = st.svc.team_repos(&caller, &t, p).await?;
    Ok(repo_list_response(
        &st,
        &caller,
        &uri,
        &list,
        total,
        Some(p),
    ))
}

#[utoipa::path(get, path = "/teams/{id}/repos/{org}/{repo}", tag = "organization", operation_id = "orgListTeamRepo",
    params(("id" = i64, Path, description = ID), ("org" = String, Path, description = ORG), ("repo" = String, Path, description = "name of the repo")),
    responses((status = 200, description = "The repository, if the team reaches it", body = RepoJson), (status = 404, description = "The team does not reach it")))]
async fn get_repo(
    Door { st, caller }: Door,
    Path((id, org, repo)): Path<(i64, String, String)>,
) -> ApiResult<Json<RepoJson>> {
    let t = st.svc.team_ctx(&caller, id).await?;
    let ctx = st.svc.team_repo(&caller, &t, &org, &repo).await?;
    Ok(Json(ctx_json(&st, &caller, &ctx)))
}

#[utoipa::path(put, path = "/teams/{id}/repos/{org}/{repo}", tag = "organization", operation_id = "orgAddTeamRepository",
    params(("id" = i64, Path, description = ID), ("org" = String, Path, description = ORG), ("repo" = String, Path, description = "name of the repo")),
    responses((status = 204, description = "The team reaches the repository"), (status = 403, description = "No admin access to the repository"), (status = 404, description = "No such team or repository")))]
async fn add_repo(
    Door { st, caller }: Door,
    Path((id, org, repo)): Path<(i64, String, String)>,
) -> ApiResult<StatusCode> {
    let t = st.svc.team_ctx(&caller, id).await?;
    st.svc
        .change_team_repo(&caller, &t, &org, &repo, true)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/teams/{id}/repos/{org}/{repo}", tag = "organization", operation_id = "orgRemoveTeamRepository",
    params(("id" = i64, Path, description = ID), ("org" = String, Path, description = ORG), ("repo" = String, Path, description = "name of the repo")),
    responses((status = 204, description = "The team no longer reaches the repository"), (status = 403, description = "No admin access to the repository"), (status = 404, description = "No such team or repository")))]
async fn remove_repo(
    Door { st, caller }: Door,
    Path((id, org, repo)): Path<(i64, String, String)>,
) -> ApiResult<StatusCode> {
    let t = st.svc.team_ctx(&caller, id).await?;
    st.svc
        .change_team_repo(&caller, &t, &org, &repo, false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Gogs names the repository only: it belongs to the team's organisation.
async fn admin_change_repo(
    st: &AppState,
    caller: &Caller,
    id: i64,
    repo: &str,
    add: bool,
) -> ApiResult<StatusCode> {
    caller.require_admin()?;
    let t = st.svc.team_ctx(caller, id).await?;
    let org = t.org().name.clone();
    st.svc.change_team_repo(caller, &t, &org, repo, add).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/admin/teams/{id}/repos/{repo}", tag = "admin", operation_id = "adminAddTeamRepoGogs",
    params(("id" = i64, Path, description = ID), ("repo" = String, Path, description = "name of a repository of the team's organization")),
    responses((status = 204, description = "The team reaches the repository (Gogs' path)"), (status = 403, description = "Not a site admin"), (status = 404, description = "No such team or repository")))]
async fn admin_add_repo(
    Door { st, caller }: Door,
    Path((id, repo)): Path<(i64, String)>,
) -> ApiResult<StatusCode> {
    admin_change_repo(&st, &caller, id, &repo, true).await
}

#[utoipa::path(delete, path = "/admin/teams/{id}/repos/{repo}", tag = "admin", operation_id = "adminRemoveTeamRepoGogs",
    params(("id" = i64, Path, description = ID), ("repo" = String, Path, description = "name of a repository of the team's organization")),
    responses((status = 204, description = "The team no longer reaches the repository (Gogs' path)"), (status = 403, description = "Not a site admin"), (status = 404, description = "No such team or repository")))]
async fn admin_remove_repo(
    Door { st, caller }: Door,
    Path((id, repo)): Path<(i64, String)>,
) -> ApiResult<StatusCode> {
    admin_change_repo(&st, &caller, id, &repo, false).await
}
