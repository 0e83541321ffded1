//! `/admin/users...`: site administrators only.

use super::repos::{create_for, CreateRepoOption};
use crate::auth::Door;
use crate::body::Body;
use crate::error::ApiResult;
use crate::paging::{list_headers, optional_paging, query_value};
use crate::state::AppState;
use crate::views::repo::RepoJson;
use crate::views::user::{user_json, UserJson, UserView};
use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use oxforge_core::model::Visibility;
use oxforge_core::query::UserUpdate;
use oxforge_core::Error;
use oxforge_service::accounts::{CreateUser, EditUser};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(edit, remove))
        .routes(routes!(create_repo))
}

fn parse_visibility(v: Option<&str>) -> ApiResult<Option<Visibility>> {
    match v {
        None => Ok(None),
        Some(s) => Visibility::parse(s)
            .map(Some)
            .ok_or_else(|| Error::validation("[Visibility]: In").into()),
    }
}

#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
pub struct CreateUserOption {
    username: Option<String>,
    email: Option<String>,
    password: Option<String>,
    full_name: Option<String>,
    login_name: Option<String>,
    source_id: Option<i64>,
    must_change_password: Option<bool>,
    restricted: Option<bool>,
    visibility: Option<String>,
    created_at: Option<String>,
    send_notify: Option<bool>,
}

#[utoipa::path(post, path = "/admin/users", tag = "admin", operation_id = "adminCreateUser",
    request_body = CreateUserOption,
    responses((status = 201, description = "The new user", body = UserJson), (status = 400, description = "Password too short"),
        (status = 403, description = "Not a site admin"), (status = 422, description = "Invalid or taken name or e-mail")))]
async fn create(
    Door { st, caller }: Door,
    Body(o): Body<CreateUserOption>,
) -> ApiResult<(StatusCode, Json<UserJson>)> {
    caller.require_admin()?;
    let username = o.username.unwrap_or_default();
    if username.is_empty() {
        return Err(Error::validation("[Username]: Required").into());
    }
    let email = o.email.unwrap_or_default();
    if email.is_empty() {
        return Err(Error::validation("[Email]: Required").into());
    }
    if o.source_id.unwrap_or(0) != 0 {
        return Err(Error::validation("login source does not exist").into());
    }
    let created_unix = match o.created_at.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(
            oxforge_core::time::parse_rfc3339(s)
                .ok_or_else(|| Error::validation("[CreatedAt]: must be an RFC 3339 time"))?,
        ),
        None => None,
    };
    let _ = o.send_notify; // No mailer: accepted and ignored, as Gitea without mail set up.
    let user = st
        .svc
        .admin_create_user(
            &caller,
            CreateUser {
                username,
                email,
                password: o.password.unwrap_or_default(),
                full_name: o.full_name.unwrap_or_default(),
                login_name: o.login_name.unwrap_or_default(),
                source_id: 0,
                // Gitea's default for admin-created accounts.
                must_change_password: o.must_change_password.unwrap_or(true),
                is_admin: false,
                restricted: o.restricted.unwrap_or(false),
                visibility: parse_visibility(o.visibility.as_deref())?.unwrap_or_default(),
                created_unix,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(user_json(&st.cfg, &user, UserView::Full)),
    ))
}

#[utoipa::path(get, path = "/admin/users", tag = "admin", operation_id = "adminSearchUsers",
    params(("source_id" = Option<i64>, Query, description = "authentication source id"), ("login_name" = Option<String>, Query, description = "login name"),
        ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Users (whole list without page)", body = Vec<UserJson>), (status = 403, description = "Not a site admin")))]
async fn list(
    Door { st, caller }: Door,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<UserJson>>)> {
    let login_name = query_value(&uri, "login_name").filter(|s| !s.is_empty());
    let source_id = query_value(&uri, "source_id").and_then(|v| v.parse().ok());
    let paging = optional_paging(&st.cfg, &uri, "page");
    let (users, total) = st
        .svc
        .admin_list_users(&caller, login_name, source_id, paging)
        .await?;
    let out = users
        .iter()
        .map(|u| user_json(&st.cfg, u, UserView::Full))
        .collect();
    Ok((list_headers(&st.cfg, &uri, total, paging, true), Json(out)))
}

#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
pub struct EditUserOption {
    email: Option<String>,
    password: Option<String>,
    full_name: Option<String>,
    login_name: Option<String>,
    source_id: Option<i64>,
    must_change_password: Option<bool>,
    admin: Option<bool>,
    active: Option<bool>,
    prohibit_login: Option<bool>,
    restricted: Option<bool>,
    visibility: Option<String>,
    location: Option<String>,
    website: Option<String>,
    description: Option<String>,
    allow_create_organization: Option<bool>,
    allow_git_hook: Option<bool>,
    allow_import_local: Option<bool>,
    max_repo_creation: Option<i64>,
}

#[utoipa::path(patch, path = "/admin/users/{username}", tag = "admin", operation_id = "adminEditUser",
    params(("username" = String, Path, description = "username of the user to edit")), request_body = EditUserOption,
    responses((status = 200, description = "The user after the edit", body = UserJson), (status = 403, description = "Not a site admin"),
        (status = 404, description = "No such user"), (status = 422, description = "Invalid input")))]
async fn edit(
    Door { st, caller }: Door,
    Path(name): Path<String>,
    Body(o): Body<EditUserOption>,
) -> ApiResult<Json<UserJson>> {
    caller.require_admin()?;
    st.svc.account(&name).await?;
    if o.location
        .as_deref()
        .is_some_and(|s| s.chars().count() > 50)
    {
        return Err(Error::validation("[Location]: MaxSize").into());
    }
    if o.description
        .as_deref()
        .is_some_and(|s| s.chars().count() > 255)
    {
        return Err(Error::validation("[Description]: MaxSize").into());
    }
    if o.website
        .as_deref()
        .is_some_and(|s| s.chars().count() > 255)
    {
        return Err(Error::validation("[Website]: MaxSize").into());
    }
    let fields = UserUpdate {
        full_name: o.full_name,
        login_name: o.login_name.filter(|s| !s.is_empty()),
        source_id: o.source_id,
        must_change_password: o.must_change_password,
        is_admin: o.admin,
        is_active: o.active,
        prohibit_login: o.prohibit_login,
        restricted: o.restricted,
        visibility: parse_visibility(o.visibility.as_deref())?,
        location: o.location,
        website: o.website,
        description: o.description,
        allow_create_organization: o.allow_create_organization,
        allow_git_hook: o.allow_git_hook,
        allow_import_local: o.allow_import_local,
        max_repo_creation: o.max_repo_creation,
        ..Default::default()
    };
    let updated = st
        .svc
        .admin_edit_user(
            &caller,
            &name,
            EditUser {
                email: o.email,
                password: o.password,
                fields,
            },
        )
        .await?;
    Ok(Json(user_json(&st.cfg, &updated, UserView::Full)))
}

#[utoipa::path(delete, path = "/admin/users/{username}", tag = "admin", operation_id = "adminDeleteUser",
    params(("username" = String, Path, description = "username of the user to delete"), ("purge" = Option<bool>, Query, description = "also delete the user's repositories")),
    responses((status = 204, description = "Deleted"), (status = 403, description = "Not a site admin"), (status = 404, description = "No such user"),
        (status = 422, description = "The user still owns repositories")))]
async fn remove(
    Door { st, caller }: Door,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<StatusCode> {
    let purge = query_value(&uri, "purge").is_some_and(|v| v == "true" || v == "1");
    st.svc.admin_delete_user(&caller, &name, purge).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/admin/users/{username}/repos", tag = "admin", operation_id = "adminCreateRepo",
    params(("username" = String, Path, description = "username of the owner")), request_body = CreateRepoOption,
    responses((status = 201, description = "The new repository", body = RepoJson), (status = 403, description = "Not a site admin"),
        (status = 404, description = "No such user"), (status = 409, description = "The name is taken"), (status = 422, description = "Invalid input")))]
async fn create_repo(
    Door { st, caller }: Door,
    Path(name): Path<String>,
    body: Body<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<RepoJson>)> {
    caller.require_admin()?;
    let owner = st.svc.account(&name).await?;
    create_for(&st, &caller, &owner, body).await
}
