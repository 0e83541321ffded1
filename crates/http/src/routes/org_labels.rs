//! An organization's labels: `/orgs/{org}/labels`. The organization's visibility governs
//! reading; its owners write (decided in `oxforge_service::org_labels`).

use super::issues::LabelOption;
use crate::auth::Door;
use crate::body::Body;
use crate::error::ApiResult;
use crate::paging::{list_headers, paging};
use crate::state::AppState;
use crate::views::issue::{org_label_json, LabelJson};
use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use oxforge_core::Error;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, edit, remove))
}

const ORG: &str = "name of the organization";

/// A path id; anything else names nothing (404).
fn label_id(s: &str) -> ApiResult<i64> {
    s.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| Error::not_found().into())
}

#[utoipa::path(get, path = "/orgs/{org}/labels", tag = "organization", operation_id = "orgListLabels",
    params(("org" = String, Path, description = ORG),
        ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The organization's labels by name", body = Vec<LabelJson>), (status = 404, description = "No such organization, or hidden")))]
async fn list(
    Door { st, caller }: Door,
    Path(org): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<LabelJson>>)> {
    let org = st.svc.org(&caller, &org).await?;
    let p = paging(&st.cfg, &uri);
    let (list, total) = st.svc.org_labels(&org, p).await?;
    Ok((
        list_headers(&st.cfg, &uri, total, Some(p), true),
        Json(
            list.iter()
                .map(|l| org_label_json(&st.cfg, &org.name, l))
                .collect(),
        ),
    ))
}

#[utoipa::path(post, path = "/orgs/{org}/labels", tag = "organization", operation_id = "orgCreateLabel",
    params(("org" = String, Path, description = ORG)),
    request_body = LabelOption,
    responses((status = 201, description = "The new label", body = LabelJson), (status = 403, description = "Not an owner of the organization"),
        (status = 404, description = "No such organization, or hidden"), (status = 422, description = "Missing name or invalid color")))]
async fn create(
    Door { st, caller }: Door,
    Path(org): Path<String>,
    Body(o): Body<LabelOption>,
) -> ApiResult<(StatusCode, Json<LabelJson>)> {
    caller.require_user()?;
    let org = st.svc.org(&caller, &org).await?;
    let l = st.svc.create_org_label(&caller, &org, o.into()).await?;
    Ok((
        StatusCode::CREATED,
        Json(org_label_json(&st.cfg, &org.name, &l)),
    ))
}

#[utoipa::path(get, path = "/orgs/{org}/labels/{id}", tag = "organization", operation_id = "orgGetLabel",
    params(("org" = String, Path, description = ORG), ("id" = i64, Path, description = "id of the label to get")),
    responses((status = 200, description = "The label", body = LabelJson), (status = 404, description = "No such organization or label")))]
async fn get_one(
    Door { st, caller }: Door,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult<Json<LabelJson>> {
    caller.require_user()?;
    let org = st.svc.org(&caller, &org).await?;
    let l = st.svc.org_label(&caller, &org, label_id(&id)?).await?;
    Ok(Json(org_label_json(&st.cfg, &org.name, &l)))
}

#[utoipa::path(patch, path = "/orgs/{org}/labels/{id}", tag = "organization", operation_id = "orgEditLabel",
    params(("org" = String, Path, description = ORG), ("id" = i64, Path, description = "id of the label to edit")),
    request_body = LabelOption,
    responses((status = 200, description = "The label as edited", body = LabelJson), (status = 403, description = "Not an owner of the organization"),
        (status = 404, description = "No such organization or label"), (status = 422, description = "Empty name or invalid color")))]
async fn edit(
    Door { st, caller }: Door,
    Path((org, id)): Path<(String, String)>,
    Body(o): Body<LabelOption>,
) -> ApiResult<Json<LabelJson>> {
    caller.require_user()?;
    let org = st.svc.org(&caller, &org).await?;
    let l = st
        .svc
        .edit_org_label(&caller, &org, label_id(&id)?, o.into())
        .await?;
    Ok(Json(org_label_json(&st.cfg, &org.name, &l)))
}

#[utoipa::path(delete, path = "/orgs/{org}/labels/{id}", tag = "organization", operation_id = "orgDeleteLabel",
    params(("org" = String, Path, description = ORG), ("id" = i64, Path, description = "id of the label to delete")),
    responses((status = 204, description = "Deleted (and taken off its issues)"), (status = 403, description = "Not an owner of the organization"),
        (status = 404, description = "No such organization or label")))]
async fn remove(
    Door { st, caller }: Door,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    caller.require_user()?;
    let org = st.svc.org(&caller, &org).await?;
    st.svc
        .delete_org_label(&caller, &org, label_id(&id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
