//! The accept loop: HTTP/1.1 connections served by hyper with the limits of `[server]`.
//!
//! - A client must send its request line and headers within `READ_HEADER_TIMEOUT` (also
//!   the time an idle keep-alive connection waits for its next request), else the
//!   connection is closed. Body stalls are the router's (`READ_BODY_TIMEOUT`, 408).
//! - At most `MAX_CONNECTIONS` connections are served. When all are taken, the next one
//!   accepted waits for a slot (later ones wait in the listen queue), and the loop asks
//!   every open connection to make room: one idle between requests is closed at once, one
//!   that has not sent a whole request head within a second of connecting is closed (a
//!   slow client), one serving a request closes after that response. So slow or idle clients never keep a normal one
//!   out for longer than a request takes (a stalled body: `READ_BODY_TIMEOUT`).
//! - Shutdown stops accepting, lets in-flight requests finish, and waits for every
//!   connection to close.

use crate::canned::{Heads, JsonErrors};
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

/// When the server is full, how long a new connection may take to send its request head
/// before it counts as slow and is closed to make room.
const MAKE_ROOM_GRACE: Duration = Duration::from_secs(1);

/// Header lines hyper reads per request (its own default is 100; more gets a bodiless 431).
const MAX_HEADER_LINES: usize = 500;

#[derive(Debug, Clone)]
pub struct Limits {
    pub read_header_timeout: Duration,
    pub max_connections: usize,
    /// hyper's read buffer: the largest request head it parses. Set above the router's own
    /// URI and header limits, so that most oversized requests reach the router and get its
    /// JSON 414/431; only a head beyond this gets hyper's bodiless 431.
    pub max_head_bytes: usize,
    /// The `url` of the JSON error bodies that replace hyper's bodiless ones (`canned`).
    pub error_url: Arc<str>,
}

impl Limits {
    pub fn of(s: &oxforge_core::settings::Server) -> Limits {
        Limits {
            read_header_timeout: s.read_header_timeout,
            max_connections: s.max_connections.max(1),
            max_head_bytes: (2 * (s.max_uri_length + s.max_header_bytes)).max(64 * 1024),
            error_url: Arc::from(""),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets in-flight requests
/// finish and returns when every connection is closed.
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    // Bumped to ask open connections to close when they are not serving a request.
    let (make_room, _) = watch::channel(0u64);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.read_header_timeout)
        .max_buf_size(limits.max_head_bytes)
        .max_headers(MAX_HEADER_LINES);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        // A slot for it; only a connection actually waiting makes the others make room
        // (it holds no slot meanwhile, and its header timeout starts once it has one).
        let permit = match slots.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                tracing::debug!("connection limit reached; closing idle connections");
                make_room.send_modify(|n| *n += 1);
                tokio::select! {
                    p = slots.clone().acquire_owned() => match p {
                        Ok(p) => p,
                        Err(_) => break,
                    },
                    _ = &mut shutdown => break,
                }
            }
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(
            builder.clone(),
            stream,
            peer,
            app.clone(),
            make_room.subscribe(),
            PerConnection {
                grace: limits.read_header_timeout.min(MAKE_ROOM_GRACE),
                error_url: limits.error_url.clone(),
            },
            permit,
        ));
    }
    drop(listener);
    // Shutting down: the same request as when full, to every connection.
    make_room.send_modify(|n| *n += 1);
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = slots.acquire_many(all).await;
    Ok(())
}

/// Accept errors are the listener's (too many open files) or one connection's; neither
/// stops the server. A short pause keeps a full file table from spinning the loop.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | ConnectionRefused
    ) {
        return;
    }
    tracing::warn!(error = %e, "accept failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// What each connection is served with besides the router.
struct PerConnection {
    /// How long a new connection may take to send a request head when room is asked for.
    grace: Duration,
    error_url: Arc<str>,
}

async fn connection(
    builder: http1::Builder,
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    mut make_room: watch::Receiver<u64>,
    per: PerConnection,
    _slot: OwnedSemaphorePermit,
) {
    let PerConnection { grace, error_url } = per;
    // Whether a request ever reached the router on this connection: hyper closes an idle
    // keep-alive connection on `graceful_shutdown`, but not one that has never completed
    // a request head (it may be a slow client mid-header); that one is simply dropped.
    let started = Arc::new(AtomicBool::new(false));
    let heads = Heads::default();
    let service = {
        let started = started.clone();
        let heads = heads.clone();
        hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            started.store(true, Ordering::Relaxed);
            heads.parsed();
            req.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(req.map(axum::body::Body::new))
        })
    };
    let io = JsonErrors::new(stream, heads, error_url);
    let conn = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    let opened = tokio::time::Instant::now();
    // `make_room` was subscribed at accept: a request made since then is seen here.
    tokio::select! {
        done = conn.as_mut() => return ended(peer, done),
        _ = make_room.changed() => {}
    }
    if !started.load(Ordering::Relaxed) {
        // A client that just connected gets a moment to send its request (it may have
        // been accepted only a moment before the server filled up).
        tokio::select! {
            done = conn.as_mut() => return ended(peer, done),
            _ = tokio::time::sleep_until(opened + grace) => {}
        }
        if !started.load(Ordering::Relaxed) {
            return;
        }
    }
    conn.as_mut().graceful_shutdown();
    ended(peer, conn.await)
}

fn ended(peer: SocketAddr, done: Result<(), hyper::Error>) {
    if let Err(e) = done {
        tracing::debug!(peer = %peer, error = %e, "connection ended");
    }
}
