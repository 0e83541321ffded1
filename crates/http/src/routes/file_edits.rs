//! Editing files: create, update and delete one file, or change several in one commit.

use crate::auth::Door;
use crate::body::Body;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::views::file_edit::{
    delete_response, file_response, files_response, FileDeleteResponse, FileResponse, FilesResponse,
};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Json;
use base64::Engine;
use oxforge_core::time::parse_rfc3339;
use oxforge_core::Error;
use oxforge_git::write::{FileChange, Op};
use oxforge_service::files::{FileEdit, IdentityIn};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    // File paths hold `/`: the one-file routes take the rest of the path (documented
    // through `documented_wildcards`).
    OpenApiRouter::new().routes(routes!(change_files)).route(
        "/repos/{owner}/{repo}/contents/{*filepath}",
        post(create_file).put(update_file).delete(delete_file),
    )
}

/// The OpenAPI entries of the wildcard routes above.
pub fn documented_wildcards() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(paths(create_file, update_file, delete_file))]
    struct Wildcards;
    <Wildcards as utoipa::OpenApi>::openapi()
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct Identity {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CommitDateOptions {
    pub author: Option<String>,
    pub committer: Option<String>,
}

/// What every edit takes (Gitea's `FileOptions`; repeated in each body, whose schemas
/// list them as Gitea's do).
#[derive(Debug, Default)]
pub struct FileOptions {
    pub branch: Option<String>,
    pub new_branch: Option<String>,
    pub message: Option<String>,
    pub author: Option<Identity>,
    pub committer: Option<Identity>,
    pub dates: Option<CommitDateOptions>,
    pub signoff: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateFileOptions {
    pub branch: Option<String>,
    pub new_branch: Option<String>,
    pub message: Option<String>,
    pub author: Option<Identity>,
    pub committer: Option<Identity>,
    pub dates: Option<CommitDateOptions>,
    #[serde(default)]
    pub signoff: bool,
    pub content: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateFileOptions {
    pub branch: Option<String>,
    pub new_branch: Option<String>,
    pub message: Option<String>,
    pub author: Option<Identity>,
    pub committer: Option<Identity>,
    pub dates: Option<CommitDateOptions>,
    #[serde(default)]
    pub signoff: bool,
    pub content: String,
    pub sha: Option<String>,
    pub from_path: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DeleteFileOptions {
    pub branch: Option<String>,
    pub new_branch: Option<String>,
    pub message: Option<String>,
    pub author: Option<Identity>,
    pub committer: Option<Identity>,
    pub dates: Option<CommitDateOptions>,
    #[serde(default)]
    pub signoff: bool,
    pub sha: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangeFileOperation {
    pub operation: String,
    pub path: String,
    pub content: Option<String>,
    pub sha: Option<String>,
    pub from_path: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangeFilesOptions {
    pub branch: Option<String>,
    pub new_branch: Option<String>,
    pub message: Option<String>,
    pub author: Option<Identity>,
    pub committer: Option<Identity>,
    pub dates: Option<CommitDateOptions>,
    #[serde(default)]
    pub signoff: bool,
    pub files: Vec<ChangeFileOperation>,
}

macro_rules! opts {
    ($o:expr) => {
        FileOptions {
            branch: $o.branch,
            new_branch: $o.new_branch,
            message: $o.message,
            author: $o.author,
            committer: $o.committer,
            dates: $o.dates,
            signoff: $o.signoff,
        }
    };
}

fn decode(content: &str) -> Result<Vec<u8>, Error> {
    base64::engine::general_purpose::STANDARD
        .decode(content.trim())
        .map_err(|e| Error::validation(format!("illegal base64 data: {e}")))
}

fn date(s: &Option<String>) -> Result<Option<i64>, Error> {
    match s.as_deref().filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse_rfc3339(s)
            .map(Some)
            .ok_or_else(|| Error::validation(format!("invalid date: {s}"))),
    }
}

fn edit(o: FileOptions, files: Vec<FileChange>) -> Result<FileEdit, Error> {
    let dates = o.dates.unwrap_or_default();
    let ident = |i: Option<Identity>| {
        i.map(|i| IdentityIn {
            name: i.name,
            email: i.email,
        })
    };
    Ok(FileEdit {
        branch: o.branch,
        new_branch: o.new_branch,
        message: o.message,
        author: ident(o.author),
        committer: ident(o.committer),
        author_date: date(&dates.author)?,
        committer_date: date(&dates.committer)?,
        signoff: o.signoff,
        files,
    })
}

fn full(ctx: &oxforge_service::repo_ctx::RepoCtx) -> String {
    format!("{}/{}", ctx.repo().owner.name, ctx.repo().repo.name)
}

#[utoipa::path(post, path = "/repos/{owner}/{repo}/contents/{filepath}", tag = "repository", operation_id = "repoCreateFile",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("filepath" = String, Path, description = "path of the file to create")),
    request_body = CreateFileOptions,
    responses((status = 201, description = "The file and its commit", body = FileResponse), (status = 403, description = "No write access, or a mirror"), (status = 404, description = "No such repository or branch"), (status = 409, description = "The branch moved meanwhile"), (status = 422, description = "Bad path, or the file exists"), (status = 423, description = "Archived")))]
async fn create_file(
    Door { st, caller }: Door,
    Path((owner, repo, filepath)): Path<(String, String, String)>,
    Body(o): Body<CreateFileOptions>,
) -> ApiResult<(StatusCode, Json<FileResponse>)> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let change = FileChange {
        op: Op::Create,
        path: filepath,
        from_path: None,
        sha: None,
        content: Some(decode(&o.content)?),
    };
    let done = st
        .svc
        .change_files(&caller, &ctx, edit(opts!(o), vec![change])?)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(file_response(&st.cfg, &full(&ctx), &done)),
    ))
}

#[utoipa::path(put, path = "/repos/{owner}/{repo}/contents/{filepath}", tag = "repository", operation_id = "repoUpdateFile",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("filepath" = String, Path, description = "path of the file to update")),
    request_body = UpdateFileOptions,
    responses((status = 200, description = "The file and its commit", body = FileResponse), (status = 403, description = "No write access, or a mirror"), (status = 404, description = "No such repository, branch or file"), (status = 409, description = "A stale sha, or the branch moved meanwhile"), (status = 422, description = "Bad path or missing sha"), (status = 423, description = "Archived")))]
async fn update_file(
    Door { st, caller }: Door,
    Path((owner, repo, filepath)): Path<(String, String, String)>,
    Body(o): Body<UpdateFileOptions>,
) -> ApiResult<Json<FileResponse>> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let change = FileChange {
        op: Op::Update,
        path: filepath,
        from_path: o.from_path,
        sha: o.sha,
        content: Some(decode(&o.content)?),
    };
    let done = st
        .svc
        .change_files(&caller, &ctx, edit(opts!(o), vec![change])?)
        .await?;
    Ok(Json(file_response(&st.cfg, &full(&ctx), &done)))
}

#[utoipa::path(delete, path = "/repos/{owner}/{repo}/contents/{filepath}", tag = "repository", operation_id = "repoDeleteFile",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("filepath" = String, Path, description = "path of the file to delete")),
    request_body = DeleteFileOptions,
    responses((status = 200, description = "The commit", body = FileDeleteResponse), (status = 403, description = "No write access, or a mirror"), (status = 404, description = "No such repository, branch or file"), (status = 409, description = "A stale sha, or the branch moved meanwhile"), (status = 422, description = "Bad path or missing sha"), (status = 423, description = "Archived")))]
async fn delete_file(
    Door { st, caller }: Door,
    Path((owner, repo, filepath)): Path<(String, String, String)>,
    Body(o): Body<DeleteFileOptions>,
) -> ApiResult<Json<FileDeleteResponse>> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let change = FileChange {
        op: Op::Delete,
        path: filepath,
        from_path: None,
        sha: o.sha,
        content: None,
    };
    let done = st
        .svc
        .change_files(&caller, &ctx, edit(opts!(o), vec![change])?)
        .await?;
    Ok(Json(delete_response(&st.cfg, &full(&ctx), &done)))
}

#[utoipa::path(post, path = "/repos/{owner}/{repo}/contents", tag = "repository", operation_id = "repoChangeFiles",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo")),
    request_body = ChangeFilesOptions,
    responses((status = 201, description = "The files and their commit", body = FilesResponse), (status = 403, description = "No write access, or a mirror"), (status = 404, description = "No such repository, branch or file"), (status = 409, description = "A stale sha, or the branch moved meanwhile"), (status = 422, description = "Bad input"), (status = 423, description = "Archived")))]
async fn change_files(
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
    Body(o): Body<ChangeFilesOptions>,
) -> ApiResult<(StatusCode, Json<FilesResponse>)> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let mut files = Vec::new();
    for f in o.files {
        let op = match f.operation.as_str() {
            "create" => Op::Create,
            "update" => Op::Update,
            "upload" => Op::Upload,
            "rename" => Op::Rename,
            "delete" => Op::Delete,
            other => return Err(Error::validation(format!("unknown operation: {other}")).into()),
        };
        let content = match f.content.as_deref() {
            Some(c) if op != Op::Delete => Some(decode(c)?),
            _ => None,
        };
        files.push(FileChange {
            op,
            path: f.path,
            from_path: f.from_path,
            sha: f.sha,
            content,
        });
    }
    let done = st
        .svc
        .change_files(&caller, &ctx, edit(opts!(o), files)?)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(files_response(&st.cfg, &full(&ctx), &done)),
    ))
}
