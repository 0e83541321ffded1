//! Tags: list, read, create (lightweight or annotated) and delete; annotated tag objects.

use crate::auth::Door;
use crate::body::Body;
use crate::error::ApiResult;
use crate::paging::{list_headers, paging};
use crate::state::AppState;
use crate::views::tag::{annotated_json, tag_json, AnnotatedTag, TagJson};
use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    // Tag names may hold `/`: one tag is a wildcard route (see `documented_wildcards`).
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(annotated))
        .route(
            "/repos/{owner}/{repo}/tags/{*tag}",
            get(one).delete(delete_tag),
        )
}

/// The OpenAPI entries of the wildcard routes above.
pub fn documented_wildcards() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(paths(one, delete_tag))]
    struct Wildcards;
    <Wildcards as utoipa::OpenApi>::openapi()
}

fn full(ctx: &oxforge_service::repo_ctx::RepoCtx) -> String {
    format!("{}/{}", ctx.repo().owner.name, ctx.repo().repo.name)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateTagOption {
    pub tag_name: String,
    pub message: Option<String>,
    pub target: Option<String>,
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/tags", tag = "repository", operation_id = "repoListTags",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results, default maximum page size is 50")),
    responses((status = 200, description = "Tags, newest first", body = Vec<TagJson>), (status = 404, description = "Absent, or not visible")))]
async fn list(
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<TagJson>>)> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let all = st.svc.tags(&ctx).await?;
    let p = paging(&st.cfg, &uri);
    let f = full(&ctx);
    let page = all
        .iter()
        .skip(p.offset() as usize)
        .take(p.limit as usize)
        .map(|t| tag_json(&st.cfg, &f, t))
        .collect();
    Ok((
        list_headers(&st.cfg, &uri, all.len() as i64, Some(p), true),
        Json(page),
    ))
}

#[utoipa::path(post, path = "/repos/{owner}/{repo}/tags", tag = "repository", operation_id = "repoCreateTag",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo")),
    request_body = CreateTagOption,
    responses((status = 200, description = "The new tag", body = TagJson), (status = 404, description = "No such target"), (status = 409, description = "The tag exists"), (status = 422, description = "Invalid name"), (status = 423, description = "Archived")))]
async fn create(
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
    Body(o): Body<CreateTagOption>,
) -> ApiResult<Json<TagJson>> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let t = st
        .svc
        .create_tag(
            &caller,
            &ctx,
            &o.tag_name,
            o.target.as_deref().unwrap_or(""),
            o.message.as_deref().unwrap_or(""),
        )
        .await?;
    Ok(Json(tag_json(&st.cfg, &full(&ctx), &t)))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/tags/{tag}", tag = "repository", operation_id = "repoGetTag",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("tag" = String, Path, description = "name of tag")),
    responses((status = 200, description = "The tag", body = TagJson), (status = 404, description = "No such tag")))]
async fn one(
    Door { st, caller }: Door,
    Path((owner, repo, tag)): Path<(String, String, String)>,
) -> ApiResult<Json<TagJson>> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let t = st.svc.tag(&ctx, &tag).await?;
    Ok(Json(tag_json(&st.cfg, &full(&ctx), &t)))
}

#[utoipa::path(delete, path = "/repos/{owner}/{repo}/tags/{tag}", tag = "repository", operation_id = "repoDeleteTag",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("tag" = String, Path, description = "name of tag to delete")),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such tag"), (status = 423, description = "Archived")))]
async fn delete_tag(
    Door { st, caller }: Door,
    Path((owner, repo, tag)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    st.svc.delete_tag(&caller, &ctx, &tag).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/git/tags/{sha}", tag = "repository", operation_id = "GetAnnotatedTag",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("sha" = String, Path, description = "sha of the tag. The Git tags API only supports annotated tag objects, not lightweight tags.")),
    responses((status = 200, description = "The tag object", body = AnnotatedTag), (status = 400, description = "Not an object id"), (status = 404, description = "No such tag object")))]
async fn annotated(
    Door { st, caller }: Door,
    Path((owner, repo, sha)): Path<(String, String, String)>,
) -> ApiResult<Json<AnnotatedTag>> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let a = st.svc.annotated_tag(&ctx, &sha).await?;
    Ok(Json(annotated_json(&st.cfg, &full(&ctx), &a)))
}
