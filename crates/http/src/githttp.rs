//! Git's smart HTTP transport: `info/refs`, `git-upload-pack`, `git-receive-pack`, served
//! by git itself as child processes, streamed both ways, within a bounded pool of slots.

use crate::auth::{check_account, resolve};
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
use bytes::Bytes;
use futures_util::TryStreamExt;
use oxforge_core::{Error, ErrorKind};
use oxforge_git::smart::{pkt_line, sanitize_protocol, service_command, Service};
use oxforge_service::git_access::GitTarget;
use oxforge_service::Services;
use std::io;
use std::pin::Pin;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, OwnedSemaphorePermit};
use tokio::time::timeout;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::io::StreamReader;

/// Largest request body after gzip decoding (negotiation requests are small; this stops
/// a compressed bomb, not a real client).
const MAX_INFLATED_BYTES: u64 = 64 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;
/// Kept of a failing git's stderr for the log.
const STDERR_KEEP: usize = 8 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{owner}/{repo}/info/refs", get(info_refs))
        .route("/{owner}/{repo}/git-upload-pack", post(upload_pack))
        .route("/{owner}/{repo}/git-receive-pack", post(receive_pack))
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
    query_value(&req.uri, "service").and_then(|v| Service::parse(&v))
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
    if let Some(user) = who.as_ref().and_then(|a| a.user()) {
        check_account(st, user).map_err(|_| Error::forbidden("Your account is disabled."))?;
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
    let permit = slot(&st.svc).await.map_err(git_error)?;
    Ok((target, permit))
}

/// A streamed git answer with its content type and no caching.
fn streamed(body: Body, content_type: String) -> Response {
    let mut res = Response::new(body);
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        res.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    no_cache(res.headers_mut());
    res
}

async fn slot(svc: &Services) -> Result<OwnedSemaphorePermit, Error> {
    match timeout(
        svc.settings.git_timeout.default,
        svc.git_slots.clone().acquire_owned(),
    )
    .await
    {
        Ok(Ok(p)) => Ok(p),
        _ => Err(Error::new(
            ErrorKind::Internal,
            "no git process slot became free",
        )),
    }
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
    let cmd = service_command(&target.path, service, true, proto.as_deref());
    match spawn_streaming(&st.svc, cmd, None, prefix, None, permit) {
        Ok(body) => streamed(
            body,
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
    let proto = protocol(&req);
    let cmd = service_command(&target.path, service, false, proto.as_deref());
    let after = service.is_push().then_some(target);
    let input = Input {
        body,
        gzip,
        keep_head: service.is_push(),
    };
    match spawn_streaming(&st.svc, cmd, Some(input), Vec::new(), after, permit) {
        Ok(body) => streamed(body, format!("application/x-git-{}-result", service.name())),
        Err(e) => git_error(e),
    }
}

struct Input {
    body: Body,
    gzip: bool,
    /// A push: keep the first bytes, which hold the ref commands.
    keep_head: bool,
}

/// How much of a push's body is kept to read its ref commands.
const HEAD_KEEP: usize = 64 * 1024;

/// The ref names a receive-pack request updates, in the order the client sent them (the
/// command pkt-lines before the first flush).
fn commanded_refs(head: &[u8]) -> Vec<String> {
    let mut refs = Vec::new();
    let mut pos = 0;
    while pos + 4 <= head.len() {
        let Some(len) = std::str::from_utf8(&head[pos..pos + 4])
            .ok()
            .and_then(|h| usize::from_str_radix(h, 16).ok())
        else {
            break;
        };
        if len < 4 || pos + len > head.len() {
            break;
        }
        let line = &head[pos + 4..pos + len];
        let line = line.split(|b| *b == 0).next().unwrap_or(line);
        if let Some(name) = std::str::from_utf8(line)
            .ok()
            .and_then(|l| l.trim_end().split(' ').nth(2))
        {
            refs.push(name.to_string());
        }
        pos += len;
    }
    refs
}

/// Copies the request body into git's stdin, inflating gzip with a bound, and giving up
/// on a client that sends nothing for the idle timeout. Dropping stdin ends git's input.
/// Returns, for pushes, the refs in the order the client sent them.
async fn feed(
    input: Input,
    mut stdin: tokio::process::ChildStdin,
    idle: Duration,
) -> io::Result<Vec<String>> {
    let stream = input.body.into_data_stream().map_err(io::Error::other);
    let raw = StreamReader::new(stream);
    let mut reader: Pin<Box<dyn AsyncRead + Send>> = if input.gzip {
        Box::pin(GzipDecoder::new(BufReader::new(raw)))
    } else {
        Box::pin(raw)
    };
    let mut buf = vec![0u8; CHUNK];
    let mut total: u64 = 0;
    // The first bytes hold the push commands; keep enough of them to read the ref order.
    let mut head: Vec<u8> = Vec::new();
    loop {
        let n = timeout(idle, reader.read(&mut buf)).await.map_err(|_| {
            io::Error::new(io::ErrorKind::TimedOut, "client stalled while sending")
        })??;
        if n == 0 {
            break;
        }
        total += n as u64;
        if input.keep_head && head.len() < HEAD_KEEP {
            head.extend_from_slice(&buf[..n.min(HEAD_KEEP - head.len())]);
        }
        if input.gzip && total > MAX_INFLATED_BYTES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "gzip body inflates beyond the limit",
            ));
        }
        timeout(idle, stdin.write_all(&buf[..n]))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "git stopped reading"))??;
    }
    stdin.shutdown().await?;
    Ok(commanded_refs(&head))
}

/// Starts git and returns the response body that streams its output. The spawned task
/// owns the process and the pool slot: it kills git when the client goes away or stalls,
/// and after a successful push brings the repository row up to date before the body ends.
fn spawn_streaming(
    svc: &Services,
    mut cmd: tokio::process::Command,
    input: Option<Input>,
    prefix: Vec<u8>,
    after: Option<GitTarget>,
    permit: OwnedSemaphorePermit,
) -> Result<Body, Error> {
    let mut child = cmd
        .spawn()
        .map_err(|e| Error::internal(format!("cannot start git: {e}")))?;
    let idle = svc.settings.git_timeout.default;
    let stdin = child.stdin.take();
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| Error::internal("git without stdout"))?;
    let mut stderr = child.stderr.take();
    let feeder = match (input, stdin) {
        (Some(input), Some(stdin)) => Some(tokio::spawn(feed(input, stdin, idle))),
        _ => None,
    };
    let err_reader = tokio::spawn(async move {
        let mut kept = Vec::new();
        if let Some(e) = stderr.as_mut() {
            let mut buf = [0u8; 4096];
            while let Ok(n) = e.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                if kept.len() < STDERR_KEEP {
                    kept.extend_from_slice(&buf[..n.min(STDERR_KEEP - kept.len())]);
                }
            }
        }
        kept
    });
    let (tx, rx) = mpsc::channel::<io::Result<Bytes>>(8);
    let svc = svc.clone();
    tokio::spawn(async move {
        let _permit = permit;
        if !prefix.is_empty() && tx.send(Ok(Bytes::from(prefix))).await.is_err() {
            return;
        }
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match timeout(idle, stdout.read(&mut buf)).await {
                Ok(Ok(0)) => break,
                Ok(Ok(n)) => n,
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "reading git output failed");
                    let _ = child.kill().await;
                    return;
                }
                Err(_) => {
                    tracing::warn!("git produced nothing within the idle timeout; ending it");
                    let _ = child.kill().await;
                    return;
                }
            };
            let chunk = Bytes::copy_from_slice(&buf[..n]);
            match timeout(idle, tx.send(Ok(chunk))).await {
                Ok(Ok(())) => {}
                // The client went away or stopped reading: git has nobody to talk to.
                _ => {
                    let _ = child.kill().await;
                    return;
                }
            }
        }
        let status = child.wait().await;
        let mut pushed = Vec::new();
        if let Some(f) = feeder {
            match f.await {
                Ok(Err(e)) => tracing::warn!(error = %e, "request body not delivered to git"),
                Err(e) => tracing::warn!(error = %e, "request feeder failed"),
                Ok(Ok(refs)) => pushed = refs,
            }
        }
        let stderr = err_reader.await.unwrap_or_default();
        match status {
            Ok(s) if s.success() => {
                if let Some(target) = after {
                    if let Err(e) = svc.after_push(&target, &pushed).await {
                        tracing::error!(error = %e, repo = target.repo.repo.id, "updating repository after push failed");
                    }
                }
            }
            Ok(s) => {
                tracing::info!(status = %s, stderr = %String::from_utf8_lossy(&stderr), "git exited with failure")
            }
            Err(e) => tracing::warn!(error = %e, "waiting for git failed"),
        }
        drop(tx);
    });
    Ok(Body::from_stream(ReceiverStream::new(rx)))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn reads_pushed_refs_in_order() {
        let mut body = pkt_line(&format!(
            "{} {} refs/heads/trunk\0report-status\n",
            "0".repeat(40),
            "1".repeat(40)
        ));
        body.extend(pkt_line(&format!(
            "{} {} refs/heads/dev\n",
            "0".repeat(40),
            "2".repeat(40)
        )));
        body.extend_from_slice(b"0000PACK...");
        assert_eq!(
            commanded_refs(&body),
            vec!["refs/heads/trunk", "refs/heads/dev"]
        );
        assert!(commanded_refs(b"zzzz").is_empty());
    }
}
