//! hyper answers a request head it cannot parse (a control character in a header value,
//! more header lines or bytes than it reads, a URI beyond its own limit) by itself, before
//! the router, with an empty body. This wrapper around the connection recognises those
//! answers — a response head written when no request reached the router since the last
//! response, with status 400, 414 or 431 and no body — and writes the same status with
//! the API's `{"message","url"}` body instead, so every error a client gets is documented.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Request heads that reached the router on one connection (counted by the service).
#[derive(Clone, Default)]
pub struct Heads(Arc<AtomicU64>);

impl Heads {
    pub fn parsed(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

pub struct JsonErrors<IO> {
    inner: IO,
    heads: Heads,
    responses: u64,
    /// The error URL of every API error body (`<ROOT_URL>api/swagger`).
    url: Arc<str>,
    /// A replacement answer not yet written out.
    pending: Vec<u8>,
}

impl<IO> JsonErrors<IO> {
    pub fn new(inner: IO, heads: Heads, url: Arc<str>) -> Self {
        JsonErrors {
            inner,
            heads,
            responses: 0,
            url,
            pending: Vec::new(),
        }
    }
}

/// The status of a bodiless 400/414/431 response head that is all of `buf`.
fn canned_status(buf: &[u8]) -> Option<u16> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    if head_end != buf.len() || !buf.starts_with(b"HTTP/1.1 ") || buf.len() < 12 {
        return None;
    }
    let status: u16 = std::str::from_utf8(&buf[9..12]).ok()?.parse().ok()?;
    let head = String::from_utf8_lossy(buf).to_ascii_lowercase();
    (matches!(status, 400 | 414 | 431) && head.contains("\r\ncontent-length: 0\r\n"))
        .then_some(status)
}

fn json_answer(status: u16, url: &str) -> Vec<u8> {
    let (reason, message) = match status {
        414 => ("URI Too Long", "the request target is too long"),
        431 => (
            "Request Header Fields Too Large",
            "the request headers are too large or too many",
        ),
        _ => (
            "Bad Request",
            "malformed request head (a header name or value holds a character HTTP does not allow)",
        ),
    };
    let body = serde_json::json!({ "message": message, "url": url }).to_string();
    format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json;charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

impl<IO: AsyncWrite + Unpin> JsonErrors<IO> {
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.pending.is_empty() {
            let n = std::task::ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.pending.drain(..n);
        }
        Poll::Ready(Ok(()))
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for JsonErrors<IO> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for JsonErrors<IO> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        std::task::ready!(this.drain(cx))?;
        if buf.starts_with(b"HTTP/1.1 ") {
            let parsed = this.heads.0.load(Ordering::Relaxed);
            let ours = this.responses >= parsed;
            this.responses += 1;
            if ours {
                if let Some(status) = canned_status(buf) {
                    this.pending = json_answer(status, &this.url);
                    // Claimed written; the rest goes out on flush or shutdown.
                    let _ = this.drain(cx)?;
                    return Poll::Ready(Ok(buf.len()));
                }
            }
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_only_bodiless_error_heads() {
        let canned = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(canned_status(canned), Some(400));
        let big = b"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(canned_status(big), Some(431));
        let with_body = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(canned_status(with_body), None);
        let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(canned_status(ok), None);
        let answer = String::from_utf8(json_answer(400, "http://x/api/swagger")).unwrap();
        let body = answer.split("\r\n\r\n").nth(1).unwrap();
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["url"], "http://x/api/swagger");
        assert!(answer.contains(&format!("content-length: {}\r\n", body.len())));
    }
}
