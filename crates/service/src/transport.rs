//! Git's transport as a service, the same for every door (smart HTTP today, SSH next):
//! `upload-pack`, `receive-pack` and `upload-archive` run by git itself within the bounded
//! pool of process slots, streamed both ways, and the work after a push (the repository
//! row, the push's events) done here once.

use crate::git_access::GitTarget;
use crate::lifecycle::{pause_point, PushGuard};
use crate::Services;
use bytes::Bytes;
use oxforge_core::events::RefUpdate;
use oxforge_core::{Error, Result};
use oxforge_git::smart::{service_command, Service};
use std::io;
use std::pin::Pin;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, OwnedSemaphorePermit};
use tokio::time::timeout;
use tokio_stream::wrappers::ReceiverStream;

const CHUNK: usize = 64 * 1024;
/// Kept of a failing git's stderr for the log.
const STDERR_KEEP: usize = 8 * 1024;
/// How much of a push's input is kept to read its ref commands.
const HEAD_KEEP: usize = 64 * 1024;

/// What the client sends git: the door's decoded request stream, and the most it may
/// amount to (a bound for inflated bodies; `None` = unbounded).
pub struct GitInput {
    pub reader: Pin<Box<dyn AsyncRead + Send>>,
    pub limit: Option<u64>,
}

/// One git service call.
pub struct GitCall {
    pub service: Service,
    /// Smart HTTP's ref advertisement (`--advertise-refs`) rather than the exchange.
    pub advertise: bool,
    /// `stateless-rpc` (HTTP) rather than a full-duplex session (SSH).
    pub stateless: bool,
    /// The client's `GIT_PROTOCOL`, already sanitised by the door.
    pub protocol: Option<String>,
    /// Bytes to send before git's own output (smart HTTP's service line).
    pub prefix: Vec<u8>,
}

/// Git's output, chunk by chunk; it ends when git does. Dropping it ends git.
pub type GitOutput = ReceiverStream<io::Result<Bytes>>;

impl Services {
    /// A git process slot (`[git] MAX_PROCESSES`), waiting at most the idle timeout.
    pub async fn git_slot(&self) -> Result<OwnedSemaphorePermit> {
        match timeout(self.idle(), self.git_slots.clone().acquire_owned()).await {
            Ok(Ok(p)) => Ok(p),
            _ => Err(Error::internal("no git process slot became free")),
        }
    }

    fn idle(&self) -> Duration {
        self.settings.git_timeout.default
    }

    /// Runs `call` on `target` in the slot `permit`, feeding it `input`. The task that owns
    /// the process kills it when the client goes away or stalls, and after a successful
    /// push brings the repository up to date and emits the push's events before the
    /// output ends (so the API is current when `git push` returns).
    pub fn run_git(
        &self,
        target: GitTarget,
        call: GitCall,
        input: Option<GitInput>,
        permit: OwnedSemaphorePermit,
    ) -> Result<GitOutput> {
        let mut cmd = service_command(
            &target.path,
            call.service,
            call.advertise,
            call.stateless,
            call.protocol.as_deref(),
        );
        let mut child = cmd
            .spawn()
            .map_err(|e| Error::internal(format!("cannot start git: {e}")))?;
        let idle = self.idle();
        let mut stdout = child
            .stdout
            .take()
            .ok_or_else(|| Error::internal("git without stdout"))?;
        let keep_head = call.service.is_push() && !call.advertise;
        let journal = keep_head.then(|| Journal {
            svc: self.clone(),
            repo_id: target.repo.repo.id,
            pusher: target.actor_id,
        });
        let feeder = match (input, child.stdin.take()) {
            (Some(input), Some(stdin)) => Some(tokio::spawn(feed(input, stdin, idle, journal))),
            _ => None,
        };
        let mut stderr = child.stderr.take();
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
        let svc = self.clone();
        let prefix = call.prefix;
        tokio::spawn(async move {
            let _permit = permit;
            let finished = relay(&mut stdout, prefix, &tx, idle).await;
            let status = if finished {
                Some(child.wait().await)
            } else {
                let _ = child.kill().await;
                None
            };
            let mut pushed = Vec::new();
            let mut mark = None;
            if let Some(f) = feeder {
                match f.await {
                    Ok(Err(e)) => tracing::warn!(error = %e, "request body not delivered to git"),
                    Err(e) => tracing::warn!(error = %e, "request feeder failed"),
                    Ok(Ok((refs, m))) => {
                        pushed = refs;
                        mark = m;
                    }
                }
            }
            let stderr = err_reader.await.unwrap_or_default();
            match &status {
                Some(Ok(s)) if s.success() => {}
                Some(Ok(s)) => {
                    tracing::info!(status = %s, stderr = %String::from_utf8_lossy(&stderr), "git exited with failure")
                }
                Some(Err(e)) => tracing::warn!(error = %e, "waiting for git failed"),
                None => {}
            }
            // Whatever git's fate, the refs on disk say what the push did.
            if let Some((mark_id, guard)) = mark {
                if matches!(&status, Some(Ok(s)) if s.success()) {
                    pause_point("push:applied").await;
                }
                let repo = target.repo.repo.id;
                if let Err(e) = svc
                    .settle_push(repo, target.actor_id, &pushed, Some(mark_id))
                    .await
                {
                    tracing::error!(error = %e, repo, "updating repository after push failed; reconciliation will");
                }
                drop(guard);
                if !finished {
                    svc.remove_quarantine_if_idle(repo, &target.path).await;
                }
            }
            drop(tx);
        });
        Ok(ReceiverStream::new(rx))
    }
}

/// Copies git's output to the client. False when git had to be stopped: its output
/// failed, it went quiet for the idle timeout, or the client went away or stopped reading.
async fn relay(
    stdout: &mut tokio::process::ChildStdout,
    prefix: Vec<u8>,
    tx: &mpsc::Sender<io::Result<Bytes>>,
    idle: Duration,
) -> bool {
    if !prefix.is_empty() && tx.send(Ok(Bytes::from(prefix))).await.is_err() {
        return false;
    }
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match timeout(idle, stdout.read(&mut buf)).await {
            Ok(Ok(0)) => return true,
            Ok(Ok(n)) => n,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "reading git output failed");
                return false;
            }
            Err(_) => {
                tracing::warn!("git produced nothing within the idle timeout; ending it");
                return false;
            }
        };
        let chunk = Bytes::copy_from_slice(&buf[..n]);
        match timeout(idle, tx.send(Ok(chunk))).await {
            Ok(Ok(())) => {}
            // The client went away or stopped reading: git has nobody to talk to.
            _ => return false,
        }
    }
}

/// Where a push's ref commands are recorded before git may apply them.
struct Journal {
    svc: Services,
    repo_id: i64,
    pusher: Option<i64>,
}

/// Where the command list of a receive-pack request ends (after its flush-pkt), once the
/// head holds it all.
fn commands_end(head: &[u8]) -> Option<usize> {
    let mut pos = 0;
    while pos + 4 <= head.len() {
        let len = std::str::from_utf8(&head[pos..pos + 4])
            .ok()
            .and_then(|h| usize::from_str_radix(h, 16).ok())?;
        if len == 0 {
            return Some(pos + 4);
        }
        if len < 4 {
            return None;
        }
        pos += len;
    }
    None
}

/// The ref updates a receive-pack request asks for, in the order the client sent them
/// (the command pkt-lines before the first flush).
pub(crate) fn commanded_refs(head: &[u8]) -> Vec<RefUpdate> {
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
        if let Some(text) = std::str::from_utf8(line).ok().map(str::trim_end) {
            let mut parts = text.split(' ');
            if let (Some(old), Some(new), Some(name)) = (parts.next(), parts.next(), parts.next()) {
                refs.push(RefUpdate {
                    name: name.to_string(),
                    old: old.to_string(),
                    new: new.to_string(),
                });
            }
        }
        pos += len;
    }
    refs
}

/// Copies the client's stream into git's stdin within `limit`, giving up on a client that
/// sends nothing for the idle timeout. Dropping stdin ends git's input. For pushes, the
/// ref commands are recorded (`journal`) before any byte that could let git apply them
/// is passed on; returns them, in the order the client sent them, with the mark.
async fn feed(
    mut input: GitInput,
    mut stdin: tokio::process::ChildStdin,
    idle: Duration,
    journal: Option<Journal>,
) -> io::Result<(Vec<RefUpdate>, Option<(i64, PushGuard)>)> {
    let mut buf = vec![0u8; CHUNK];
    let mut total: u64 = 0;
    let mut head: Vec<u8> = Vec::new();
    let mut journal = journal;
    let mut mark = None;
    let mut refs = Vec::new();
    loop {
        let n = timeout(idle, input.reader.read(&mut buf))
            .await
            .map_err(|_| {
                io::Error::new(io::ErrorKind::TimedOut, "client stalled while sending")
            })??;
        if n > 0 && journal.is_some() && head.len() < HEAD_KEEP {
            head.extend_from_slice(&buf[..n.min(HEAD_KEEP - head.len())]);
        }
        let complete = n == 0 || head.len() >= HEAD_KEEP || commands_end(&head).is_some();
        if complete {
            if let Some(j) = journal.take() {
                refs = commanded_refs(&head);
                let (id, guard) =
                    j.svc
                        .mark_push(j.repo_id, j.pusher, &refs)
                        .await
                        .map_err(|e| {
                            io::Error::other(format!("cannot record the push: {}", e.message))
                        })?;
                pause_point("push:marked").await;
                mark = Some((id, guard));
            }
        }
        if n == 0 {
            break;
        }
        total += n as u64;
        if input.limit.is_some_and(|l| total > l) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "request body beyond the limit",
            ));
        }
        timeout(idle, stdin.write_all(&buf[..n]))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "git stopped reading"))??;
    }
    stdin.shutdown().await?;
    Ok((refs, mark))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxforge_git::smart::pkt_line;

    #[test]
    fn reads_pushed_refs_in_order() {
        let mut body = pkt_line(&format!(
            "{} {} refs/heads/trunk\0report-status\n",
            "0".repeat(40),
            "1".repeat(40)
        ));
        body.extend(pkt_line(&format!(
            "{} {} refs/heads/dev\n",
            "3".repeat(40),
            "2".repeat(40)
        )));
        body.extend_from_slice(b"0000PACK...");
        let refs = commanded_refs(&body);
        let names: Vec<&str> = refs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, vec!["refs/heads/trunk", "refs/heads/dev"]);
        assert!(refs[0].created());
        assert_eq!(refs[1].old, "3".repeat(40));
        assert!(commanded_refs(b"zzzz").is_empty());
        // The command list is complete at its flush-pkt, not before.
        let end = commands_end(&body).unwrap();
        assert_eq!(&body[end..], b"PACK...");
        assert_eq!(commands_end(&body[..end - 1]), None);
        assert_eq!(commands_end(b"00"), None);
    }
}
