//! Reading repository content: contents, raw and media files, git trees and blobs.

use crate::auth::Door;
use crate::error::ApiResult;
use crate::paging::query_value;
use crate::state::AppState;
use crate::views::content::{
    blob_json, contents_json, tree_json, ContentsJson, GitBlobJson, GitTreeJson,
};
use axum::body::Body;
use axum::extract::{OriginalUri, Path};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use oxforge_core::time::http_date;
use oxforge_git::read::EntryKind;
use oxforge_service::content::{ContentOpts, Contents, RawBlob, RawBody};
use tokio::io::AsyncReadExt;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    // File paths hold `/`: those routes take the rest of the path (see `documented_wildcards`).
    OpenApiRouter::new()
        .routes(routes!(root))
        .routes(routes!(git_tree))
        .routes(routes!(git_blob))
        .routes(routes!(file_contents_get, file_contents_post))
        .route("/repos/{owner}/{repo}/contents/{*filepath}", get(contents))
        .route(
            "/repos/{owner}/{repo}/contents-ext/{*filepath}",
            get(contents_ext),
        )
        .route("/repos/{owner}/{repo}/raw/{*filepath}", get(raw))
        .route("/repos/{owner}/{repo}/media/{*filepath}", get(media))
}

/// The OpenAPI entries of the wildcard routes above.
pub fn documented_wildcards() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(paths(contents, contents_ext, raw, media))]
    struct Wildcards;
    <Wildcards as utoipa::OpenApi>::openapi()
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
enum ContentsAnswer {
    One(Box<ContentsJson>),
    List(Vec<ContentsJson>),
}

async fn contents_at(
    door: Door,
    owner: &str,
    repo: &str,
    path: &str,
    uri: &axum::http::Uri,
) -> ApiResult<Json<ContentsAnswer>> {
    let Door { st, caller } = door;
    let ctx = st.svc.repo_ctx(&caller, owner, repo).await?;
    let r#ref = query_value(uri, "ref").unwrap_or_default();
    let opts = ContentOpts {
        file_content: true,
        commit_metadata: true,
        commit_message: false,
    };
    let (at, c) = st.svc.contents(&ctx, r#ref.trim(), path, opts).await?;
    let full = format!("{}/{}", ctx.repo().owner.name, ctx.repo().repo.name);
    Ok(Json(match c {
        Contents::File(it) => {
            ContentsAnswer::One(Box::new(contents_json(&st.cfg, &full, &at, *it)))
        }
        Contents::Dir(list) => ContentsAnswer::List(
            list.into_iter()
                .map(|it| contents_json(&st.cfg, &full, &at, it))
                .collect(),
        ),
    }))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/contents", tag = "repository", operation_id = "repoGetContentsList",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("ref" = Option<String>, Query, description = "The name of the commit/branch/tag. Default to the repository’s default branch.")),
    responses((status = 200, description = "The entries of the root directory", body = Vec<ContentsJson>), (status = 404, description = "No such ref, repository, or an empty repository")))]
async fn root(
    door: Door,
    Path((owner, repo)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Json<ContentsAnswer>> {
    contents_at(door, &owner, &repo, "", &uri).await
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/contents/{filepath}", tag = "repository", operation_id = "repoGetContents",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("filepath" = String, Path, description = "path of the dir, file, symlink or submodule in the repo"), ("ref" = Option<String>, Query, description = "The name of the commit/branch/tag. Default to the repository’s default branch.")),
    responses((status = 200, description = "A file, symlink or submodule, or a directory's entries", body = ContentsJson), (status = 404, description = "No such path or ref")))]
async fn contents(
    door: Door,
    Path((owner, repo, path)): Path<(String, String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Json<ContentsAnswer>> {
    contents_at(door, &owner, &repo, &path, &uri).await
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/raw/{filepath}", tag = "repository", operation_id = "repoGetRawFile",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("filepath" = String, Path, description = "path of the file to get, it should be \"{ref}/{filepath}\". If there is no ref could be inferred, it will be treated as the default branch"), ("ref" = Option<String>, Query, description = "The name of the commit/branch/tag. Default to the repository’s default branch")),
    responses((status = 200, description = "Returns raw file content.", content_type = "application/octet-stream"), (status = 404, description = "No such file or ref")))]
async fn raw(
    Door { st, caller }: Door,
    Path((owner, repo, path)): Path<(String, String, String)>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let r#ref = query_value(&uri, "ref").unwrap_or_default();
    let blob = st.svc.raw(&ctx, r#ref.trim(), &path).await?;
    Ok(serve_blob(blob, ctx.repo().is_public(), &headers).await)
}

/// LFS pointers are not resolved yet (issue 17): the blob is served as `raw` serves it.
#[utoipa::path(get, path = "/repos/{owner}/{repo}/media/{filepath}", tag = "repository", operation_id = "repoGetRawFileOrLFS",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("filepath" = String, Path, description = "path of the file to get, it should be \"{ref}/{filepath}\". If there is no ref could be inferred, it will be treated as the default branch"), ("ref" = Option<String>, Query, description = "The name of the commit/branch/tag. Default to the repository’s default branch")),
    responses((status = 200, description = "Returns raw file content.", content_type = "application/octet-stream"), (status = 404, description = "No such file or ref")))]
async fn media(
    door: Door,
    path: Path<(String, String, String)>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    raw(door, path, uri, headers).await
}

/// Gitea's `typesniffer` for what a browser may show: images, PDF, audio and video by
/// their magic bytes; text (valid UTF-8 without NUL) as `text/plain; charset=utf-8`; the
/// rest `application/octet-stream`.
fn sniff(head: &[u8]) -> &'static str {
    let starts = |m: &[u8]| head.starts_with(m);
    if starts(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if starts(b"\xff\xd8\xff") {
        "image/jpeg"
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        "image/gif"
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        "image/webp"
    } else if starts(b"%PDF-") {
        "application/pdf"
    } else if starts(b"OggS") {
        "audio/ogg"
    } else if head.len() >= 8 && &head[4..8] == b"ftyp" {
        "video/mp4"
    } else if is_text(head) {
        let t = String::from_utf8_lossy(head);
        let t = t.trim_start();
        if t.starts_with("<svg") || (t.starts_with("<?xml") && t.contains("<svg")) {
            "image/svg+xml"
        } else {
            "text/plain; charset=utf-8"
        }
    } else {
        "application/octet-stream"
    }
}

fn is_text(head: &[u8]) -> bool {
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        // A multi-byte character cut at the end of the sniffed prefix.
        Err(e) => e.error_len().is_none() && head.len() - e.valid_up_to() < 4,
    }
}

/// Serves a blob with Gitea's `ServeBlob` headers: the sniffed type, `nosniff`, a
/// sandboxing CSP, `inline` disposition, cache headers and an ETag of the blob id (304
/// when it matches `If-None-Match`), `X-Gitea-Object-Type`.
async fn serve_blob(blob: RawBlob, public: bool, req: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", blob.entry.id);
    let mut h = HeaderMap::new();
    let set = |h: &mut HeaderMap, k: &'static str, v: &str| {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(k, v);
        }
    };
    let kind = match blob.entry.kind {
        EntryKind::Symlink => "symlink",
        _ => "file",
    };
    set(&mut h, "x-gitea-object-type", kind);
    set(&mut h, "etag", &etag);
    if let Some(t) = blob.last_modified {
        set(&mut h, "last-modified", &http_date(t));
    }
    let cache = format!(
        "{}, max-age=21600, no-transform",
        if public { "public" } else { "private" }
    );
    set(&mut h, "cache-control", &cache);
    if req
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        return (StatusCode::NOT_MODIFIED, h).into_response();
    }
    let (head, body) = match blob.body {
        RawBody::Bytes(b) => (b[..b.len().min(1024)].to_vec(), Body::from(b)),
        RawBody::Stream(mut r) => {
            let mut head = vec![0u8; 1024];
            let mut n = 0;
            while n < head.len() {
                match r.read(&mut head[n..]).await {
                    Ok(0) | Err(_) => break,
                    Ok(k) => n += k,
                }
            }
            head.truncate(n);
            let first = bytes::Bytes::from(head.clone());
            let rest = tokio_util::io::ReaderStream::with_capacity(r, 64 * 1024);
            let stream = futures_util::stream::once(async move { Ok(first) }).chain(rest);
            (head, Body::from_stream(stream))
        }
    };
    let ctype = sniff(&head);
    set(&mut h, "content-type", ctype);
    set(&mut h, "x-content-type-options", "nosniff");
    let csp = if ctype == "application/pdf" {
        "default-src 'none'; style-src 'unsafe-inline'"
    } else {
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    };
    set(&mut h, "content-security-policy", csp);
    let name = &blob.entry.name;
    let quoted = name.replace('\\', "\\\\").replace('"', "\\\"");
    let disposition = format!(
        "inline; filename=\"{}\"; filename*=UTF-8''{}",
        quoted,
        crate::views::content::path_escape_segments(name)
    );
    set(&mut h, "content-disposition", &disposition);
    set(
        &mut h,
        "access-control-expose-headers",
        "Content-Disposition",
    );
    set(&mut h, "content-length", &blob.entry.size.to_string());
    (StatusCode::OK, h, body).into_response()
}

use futures_util::StreamExt;

#[utoipa::path(get, path = "/repos/{owner}/{repo}/git/trees/{sha}", tag = "repository", operation_id = "GetTree",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("sha" = String, Path, description = "sha of the commit"), ("recursive" = Option<bool>, Query, description = "show all directories and files"), ("page" = Option<i64>, Query, description = "page number; the 'truncated' field in the response will be true if there are still more items after this page, false if the last page"), ("per_page" = Option<i64>, Query, description = "number of items per page")),
    responses((status = 200, description = "A page of the tree", body = GitTreeJson), (status = 400, description = "No such tree"), (status = 404, description = "No such repository")))]
async fn git_tree(
    Door { st, caller }: Door,
    Path((owner, repo, sha)): Path<(String, String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<GitTreeJson>)> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let num = |k: &str| {
        query_value(&uri, k)
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let recursive = crate::routes::repos::bool_param(&uri, "recursive").unwrap_or(false);
    let page = st
        .svc
        .git_tree(&ctx, &sha, recursive, num("page"), num("per_page"))
        .await?;
    let full = format!("{}/{}", ctx.repo().owner.name, ctx.repo().repo.name);
    let mut h = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&page.total.to_string()) {
        h.insert("x-total-count", v);
    }
    Ok((h, Json(tree_json(&st.cfg, &full, &page))))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/git/blobs/{sha}", tag = "repository", operation_id = "GetBlob",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("sha" = String, Path, description = "sha of the commit")),
    responses((status = 200, description = "The blob", body = GitBlobJson), (status = 400, description = "No such blob"), (status = 404, description = "No such repository")))]
async fn git_blob(
    Door { st, caller }: Door,
    Path((owner, repo, sha)): Path<(String, String, String)>,
) -> ApiResult<Json<GitBlobJson>> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let b = st.svc.git_blob(&ctx, &sha).await?;
    let full = format!("{}/{}", ctx.repo().owner.name, ctx.repo().repo.name);
    Ok(Json(blob_json(&st.cfg, &full, b)))
}

/// Gitea's `GetFilesOptions`.
#[derive(serde::Deserialize, Default, utoipa::ToSchema)]
#[schema(as = GetFilesOptions)]
#[serde(default)]
pub struct GetFilesOptions {
    pub files: Vec<String>,
}

async fn file_contents_of(
    door: Door,
    owner: &str,
    repo: &str,
    uri: &axum::http::Uri,
    files: Vec<String>,
) -> ApiResult<Json<Vec<Option<ContentsJson>>>> {
    let Door { st, caller } = door;
    let ctx = st.svc.repo_ctx(&caller, owner, repo).await?;
    let r#ref = query_value(uri, "ref").unwrap_or_default();
    let limit = st.cfg.api.default_paging_num.max(1) as usize;
    let (at, items) = st
        .svc
        .file_contents(&ctx, r#ref.trim(), files, limit)
        .await?;
    let full = format!("{}/{}", ctx.repo().owner.name, ctx.repo().repo.name);
    Ok(Json(
        items
            .into_iter()
            .map(|it| it.map(|it| contents_json(&st.cfg, &full, &at, it)))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/file-contents", tag = "repository", operation_id = "repoGetFileContents",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("ref" = Option<String>, Query, description = "The name of the commit/branch/tag. Default to the repository’s default branch."), ("body" = String, Query, description = "The JSON encoded body (see the POST request): {\"files\": [\"filename1\", \"filename2\"]}")),
    responses((status = 200, description = "The files asked for (null where there is none)", body = Vec<ContentsJson>), (status = 400, description = "An invalid body parameter"), (status = 404, description = "No such ref or repository")))]
async fn file_contents_get(
    door: Door,
    Path((owner, repo)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Json<Vec<Option<ContentsJson>>>> {
    let body = query_value(&uri, "body").unwrap_or_default();
    let opts: GetFilesOptions = serde_json::from_str(&body)
        .map_err(|_| oxforge_core::Error::bad_request("invalid body parameter"))?;
    file_contents_of(door, &owner, &repo, &uri, opts.files).await
}

#[utoipa::path(post, path = "/repos/{owner}/{repo}/file-contents", tag = "repository", operation_id = "repoGetFileContentsPost",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("ref" = Option<String>, Query, description = "The name of the commit/branch/tag. Default to the repository’s default branch.")),
    request_body = GetFilesOptions,
    responses((status = 200, description = "The files asked for (null where there is none)", body = Vec<ContentsJson>), (status = 404, description = "No such ref or repository")))]
async fn file_contents_post(
    door: Door,
    Path((owner, repo)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
    crate::body::Body(opts): crate::body::Body<GetFilesOptions>,
) -> ApiResult<Json<Vec<Option<ContentsJson>>>> {
    file_contents_of(door, &owner, &repo, &uri, opts.files).await
}

/// Gitea's `ContentsExtResponse`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = ContentsExtResponse)]
pub struct ContentsExtJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_contents: Option<ContentsJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir_contents: Option<Vec<ContentsJson>>,
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/contents-ext/{filepath}", tag = "repository", operation_id = "repoGetContentsExt",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo"), ("filepath" = String, Path, description = "path of the dir, file, symlink or submodule in the repo. Swagger requires path parameter to be \"required\", you can leave it empty or pass a single dot (\".\") to get the root directory."), ("ref" = Option<String>, Query, description = "the name of the commit/branch/tag, default to the repository’s default branch."), ("includes" = Option<String>, Query, description = "By default this API's response only contains file's metadata. Use comma-separated \"includes\" options to retrieve more fields. Option \"file_content\" will try to retrieve the file content, \"lfs_metadata\" will try to retrieve LFS metadata, \"commit_metadata\" will try to retrieve commit metadata, and \"commit_message\" will try to retrieve commit message.")),
    responses((status = 200, description = "The entry, or the directory's entries", body = ContentsExtJson), (status = 400, description = "An unknown include option"), (status = 404, description = "No such path or ref")))]
async fn contents_ext(
    Door { st, caller }: Door,
    Path((owner, repo, path)): Path<(String, String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Json<ContentsExtJson>> {
    let mut opts = ContentOpts::default();
    for inc in query_value(&uri, "includes").unwrap_or_default().split(',') {
        match inc {
            "" => {}
            "file_content" => opts.file_content = true,
            // LFS metadata comes with LFS (issue 17): no pointer is reported yet.
            "lfs_metadata" => {}
            "commit_metadata" => opts.commit_metadata = true,
            "commit_message" => opts.commit_message = true,
            other => {
                return Err(oxforge_core::Error::bad_request(format!(
                    "unknown include option \"{other}\""
                ))
                .into())
            }
        }
    }
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let path = if path == "." || path == "/" {
        ""
    } else {
        path.as_str()
    };
    if path.is_empty() && ctx.repo().repo.is_empty {
        return Ok(Json(ContentsExtJson {
            file_contents: None,
            dir_contents: Some(Vec::new()),
        }));
    }
    let r#ref = query_value(&uri, "ref").unwrap_or_default();
    let (at, c) = st.svc.contents(&ctx, r#ref.trim(), path, opts).await?;
    let full = format!("{}/{}", ctx.repo().owner.name, ctx.repo().repo.name);
    Ok(Json(match c {
        Contents::File(it) => ContentsExtJson {
            file_contents: Some(contents_json(&st.cfg, &full, &at, *it)),
            dir_contents: None,
        },
        Contents::Dir(list) => ContentsExtJson {
            file_contents: None,
            dir_contents: Some(
                list.into_iter()
                    .map(|it| contents_json(&st.cfg, &full, &at, it))
                    .collect(),
            ),
        },
    }))
}
