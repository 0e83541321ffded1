//! Git's smart HTTP transport: `info/refs`, `git-upload-pack`, `git-receive-pack`. A thin
//! door over `oxforge_service::transport`: credentials and HTTP framing here, access,
//! processes, streaming and the work after a push there.

use crate::auth::resolve;
use crate::paging::query_value;
use crate::state::AppState;
use async_compression::tokio::bufread::GzipDecoder;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use futures_util::TryStreamExt;
use oxforge_core::{Error, ErrorKind};
use oxforge_git::smart::{pkt_line, sanitize_protocol, Service};
use oxforge_service::git_access::GitTarget;
use oxforge_service::transport::{GitCall, GitInput, GitOutput};
use std::io;
use tokio::io::BufReader;
use tokio::sync::OwnedSemaphorePermit;
use tokio_util::io::StreamReader;

/// Largest request body after gzip decoding (negotiation requests are small; this stops
/// a compressed bomb, not a real client).
const MAX_INFLATED_BYTES: u64 = 64 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{owner}/{repo}/info/refs", get(info_refs))
        .route("/{owner}/{repo}/git-upload-pack", post(upload_pack))
        .route("/{owner}/{repo}/git-receive-pack", post(receive_pack))
}

/// A git transfer (`git-upload-pack`, `git-receive-pack`): its body may be slow, and the
/// transport times its stalls itself (`[git.timeout] DEFAULT`).
pub(crate) fn is_transfer(path: &str) -> bool {
    path.ends_with("/git-upload-pack") || path.ends_with("/git-receive-pack")
}

fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{text}\n"),
    )
        .into_response()
}

/// Errors in the shape git clients understand: 401 asks for credentials.
fn git_error(e: Error) -> Response {
    match e.kind {
        ErrorKind::Unauthorized => {
            let mut res = plain(StatusCode::UNAUTHORIZED, &e.message);
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"oxforge\""),
            );
            res
        }
        ErrorKind::NotFound => plain(StatusCode::NOT_FOUND, "Repository not found"),
        // The one archived-repository rule, in the words git users know from Gitea.
        ErrorKind::Locked => plain(
            StatusCode::FORBIDDEN,
            "This repo is archived. You can view files and clone it, but cannot push or open issues/pull-requests.",
        ),
        ErrorKind::Internal => {
            tracing::error!(error = %e.message, "git transport failed");
            plain(StatusCode::INTERNAL_SERVER_ERROR, "internal server error")
        }
        kind => plain(
            StatusCode::from_u16(kind.status()).unwrap_or(StatusCode::FORBIDDEN),
            &e.message,
        ),
    }
}

fn no_cache(h: &mut HeaderMap) {
    h.insert(
        header::EXPIRES,
        HeaderValue::from_static("Fri, 01 Jan 1980 00:00:00 GMT"),
    );
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, max-age=0, must-revalidate"),
    );
}

fn query_service(req: &Parts) -> Option<Service> {
    // Smart HTTP serves fetch and push only (`upload-archive` is SSH's).
    query_value(&req.uri, "service")
        .and_then(|v| Service::parse(&v))
        .filter(|s| *s != Service::UploadArchive)
}

/// Authenticates the request and decides access to `owner/repo[.git]`.
async fn target(
    st: &AppState,
    parts: &Parts,
    owner: &str,
    repo: &str,
    service: Service,
) -> Result<GitTarget, Error> {
    let repo = repo.strip_suffix(".git").unwrap_or(repo);
    let who = match resolve(st, parts).await {
        Ok(who) => who,
        // Bad credentials: ask again.
        Err(e) if e.is(ErrorKind::Unauthorized) => {
            return Err(Error::unauthorized("Failed to authenticate user"))
        }
        Err(e) => return Err(e),
    };
    if who.as_ref().is_some_and(|a| a.blocked().is_some()) {
        return Err(Error::forbidden("Your account is disabled."));
    }
    let actor = who.unwrap_or_default();
    st.svc
        .git_target(&actor, owner, repo, service.is_push())
        .await
}

/// Access decision and a git process slot, or the answer to give instead.
async fn authorize(
    st: &AppState,
    req: &Parts,
    owner: &str,
    repo: &str,
    service: Service,
) -> Result<(GitTarget, OwnedSemaphorePermit), Response> {
    let target = target(st, req, owner, repo, service)
        .await
        .map_err(git_error)?;
    let permit = st.svc.git_slot().await.map_err(git_error)?;
    Ok((target, permit))
}

/// A streamed git answer with its content type and no caching.
fn streamed(out: GitOutput, content_type: String) -> Response {
    let mut res = Response::new(Body::from_stream(out));
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        res.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    no_cache(res.headers_mut());
    res
}

fn protocol(req: &Parts) -> Option<String> {
    req.headers
        .get("git-protocol")
        .and_then(|v| v.to_str().ok())
        .and_then(sanitize_protocol)
}

async fn info_refs(
    State(st): State<AppState>,
    Path((owner, repo)): Path<(String, String)>,
    req: Request,
) -> Response {
    let (req, _) = req.into_parts();
    let Some(service) = query_service(&req) else {
        return plain(
            StatusCode::FORBIDDEN,
            "Unsupported service: only smart HTTP is served",
        );
    };
    let (target, permit) = match authorize(&st, &req, &owner, &repo, service).await {
        Ok(t) => t,
        Err(res) => return res,
    };
    let proto = protocol(&req);
    let v2 = proto.as_deref().is_some_and(|p| p.contains("version=2"));
    // Protocol v2 answers start with the capabilities; v0/v1 with a service line.
    let mut prefix = Vec::new();
    if !v2 {
        prefix = pkt_line(&format!("# service=git-{}\n", service.name()));
        prefix.extend_from_slice(b"0000");
    }
    let call = GitCall {
        service,
        advertise: true,
        stateless: true,
        protocol: proto,
        prefix,
    };
    match st.svc.run_git(target, call, None, permit) {
        Ok(out) => streamed(
            out,
            format!("application/x-git-{}-advertisement", service.name()),
        ),
        Err(e) => git_error(e),
    }
}

async fn upload_pack(st: State<AppState>, path: Path<(String, String)>, req: Request) -> Response {
    rpc(st, path, req, Service::UploadPack).await
}

async fn receive_pack(st: State<AppState>, path: Path<(String, String)>, req: Request) -> Response {
    rpc(st, path, req, Service::ReceivePack).await
}

async fn rpc(
    State(st): State<AppState>,
    Path((owner, repo)): Path<(String, String)>,
    req: Request,
    service: Service,
) -> Response {
    let (req, body) = req.into_parts();
    let expected = format!("application/x-git-{}-request", service.name());
    let ctype = req
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ctype != expected {
        return plain(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &format!("expected Content-Type {expected}"),
        );
    }
    let gzip = match req
        .headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
    {
        None | Some("identity") => false,
        Some("gzip") | Some("x-gzip") => true,
        Some(_) => {
            return plain(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported Content-Encoding",
            )
        }
    };
    let (target, permit) = match authorize(&st, &req, &owner, &repo, service).await {
        Ok(t) => t,
        Err(res) => return res,
    };
    let call = GitCall {
        service,
        advertise: false,
        stateless: true,
        protocol: protocol(&req),
        prefix: Vec::new(),
    };
    match st
        .svc
        .run_git(target, call, Some(request_input(body, gzip)), permit)
    {
        Ok(out) => streamed(out, format!("application/x-git-{}-result", service.name())),
        Err(e) => git_error(e),
    }
}

/// The request body as git's input: inflated when gzip-encoded, with a bound on what it
/// may inflate to.
fn request_input(body: Body, gzip: bool) -> GitInput {
    let stream = body.into_data_stream().map_err(io::Error::other);
    let raw = StreamReader::new(stream);
    if gzip {
        GitInput {
            reader: Box::pin(GzipDecoder::new(BufReader::new(raw))),
            limit: Some(MAX_INFLATED_BYTES),
        }
    } else {
        GitInput {
            reader: Box::pin(raw),
            limit: None,
        }
    }
}
