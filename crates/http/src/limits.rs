//! What a request may be before anything reads it (`[server]`): its target and header
//! block are measured here, before routing, so an oversized one gets the one error shape
//! (hyper's own limits, set above these by the server, answer without a body); and its
//! body may not stall longer than `READ_BODY_TIMEOUT` (git transfers excepted: the
//! transport ends a stalled one after `[git.timeout] DEFAULT`).

use crate::error::render;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use oxforge_core::{Error, ErrorKind};
use tower_http::timeout::TimeoutBody;

/// Middleware, outermost: the size limits, then the body's stall timeout.
pub async fn guard(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let limits = &st.cfg.server;
    let target = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    let refusal = if target > limits.max_uri_length {
        Some(Error::new(
            ErrorKind::UriTooLong,
            format!("request target longer than {} bytes", limits.max_uri_length),
        ))
    } else if header_bytes(&req) > limits.max_header_bytes {
        Some(Error::new(
            ErrorKind::HeadersTooLarge,
            format!(
                "request header fields larger than {} bytes",
                limits.max_header_bytes
            ),
        ))
    } else {
        None
    };
    if let Some(e) = refusal {
        // The body, if any, is not read: the connection cannot be reused.
        let mut res = render(&e, &st.cfg);
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return res;
    }
    if crate::githttp::is_transfer(req.uri().path()) {
        return next.run(req).await;
    }
    let timeout = limits.read_body_timeout;
    next.run(req.map(|b| Body::new(TimeoutBody::new(timeout, b))))
        .await
}

/// The header block as sent: `name: value\r\n` per field.
fn header_bytes(req: &Request) -> usize {
    req.headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum()
}

/// Whether reading a body failed because the client stopped sending it.
pub(crate) fn body_stalled(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if err.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cur = err.source();
    }
    false
}
