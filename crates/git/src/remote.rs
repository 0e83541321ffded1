//! Cloning and fetching from remote repositories for migrations and mirrors. Credentials
//! travel in the environment of the child only (never in a URL or the git config), the
//! address is pinned to the one that was checked, and redirects are not followed.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::process::Command;

/// How to reach a source repository.
#[derive(Debug, Clone)]
pub struct Remote {
    /// The URL git is given: without credentials (for `git://`, with the checked address).
    pub url: String,
    /// `host:port:address` for `http.curloptResolve`, pinning HTTP(S) to the checked address.
    pub pin: Option<String>,
    /// Value of an `Authorization` header, if the source needs credentials.
    pub authorization: Option<String>,
}

/// A failed remote operation, with git's error text (which never holds our credentials).
#[derive(Debug, Clone)]
pub struct RemoteError {
    pub message: String,
    pub timed_out: bool,
}

fn command(remote: &Remote) -> Command {
    let mut c = crate::git();
    let mut config: Vec<(String, String)> = vec![
        ("http.followRedirects".into(), "false".into()),
        ("credential.helper".into(), String::new()),
        ("protocol.file.allow".into(), "user".into()),
    ];
    if let Some(pin) = &remote.pin {
        config.push(("http.curloptResolve".into(), pin.clone()));
    }
    if let Some(auth) = &remote.authorization {
        config.push(("http.extraHeader".into(), format!("Authorization: {auth}")));
    }
    // GIT_CONFIG_COUNT keeps these out of the command line (and so out of `ps`).
    c.env("GIT_CONFIG_COUNT", config.len().to_string());
    for (i, (k, v)) in config.iter().enumerate() {
        c.env(format!("GIT_CONFIG_KEY_{i}"), k)
            .env(format!("GIT_CONFIG_VALUE_{i}"), v);
    }
    c.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    c
}

/// Runs git, logging its progress lines, within `limit`.
async fn run_logged(
    mut cmd: Command,
    limit: Duration,
    what: &str,
    tag: &str,
) -> Result<(), RemoteError> {
    let mut child = cmd.spawn().map_err(|e| RemoteError {
        message: format!("cannot start git: {e}"),
        timed_out: false,
    })?;
    let mut stderr = child.stderr.take();
    let tag = tag.to_string();
    let what_owned = what.to_string();
    let reader = tokio::spawn(async move {
        let mut all = Vec::new();
        let mut last_logged = String::new();
        if let Some(e) = stderr.as_mut() {
            let mut buf = [0u8; 4096];
            let mut line = Vec::new();
            while let Ok(n) = e.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                for &b in &buf[..n] {
                    if b == b'\r' || b == b'\n' {
                        let text = String::from_utf8_lossy(&line).trim().to_string();
                        // Progress lines repeat with growing percentages; log each phase once
                        // in a while rather than every tick.
                        let phase = text.split(':').next().unwrap_or("").to_string();
                        if !text.is_empty() && (phase != last_logged || text.contains("done")) {
                            tracing::info!(target: "oxforge::migration", repo = %tag, "{what_owned}: {text}");
                            last_logged = phase;
                        }
                        if !text.is_empty() && all.len() < 64 * 1024 && !text.contains('%') {
                            all.extend_from_slice(text.as_bytes());
                            all.push(b'\n');
                        }
                        line.clear();
                    } else {
                        line.push(b);
                    }
                }
            }
        }
        String::from_utf8_lossy(&all).to_string()
    });
    let status = tokio::time::timeout(limit, child.wait()).await;
    let timed_out = status.is_err();
    if timed_out {
        let _ = child.kill().await;
    }
    let text = reader.await.unwrap_or_default();
    match status {
        Ok(Ok(s)) if s.success() => Ok(()),
        _ => Err(RemoteError {
            message: if timed_out {
                format!("{what} timed out after {}s", limit.as_secs())
            } else {
                text.trim().to_string()
            },
            timed_out,
        }),
    }
}

/// `git clone --mirror` into `dest` (which must not exist).
pub async fn clone_mirror(
    remote: &Remote,
    dest: &Path,
    limit: Duration,
    tag: &str,
) -> Result<(), RemoteError> {
    let mut cmd = command(remote);
    cmd.args(["clone", "--mirror", "--progress", "--", &remote.url])
        .arg(dest);
    run_logged(cmd, limit, "clone", tag).await
}

/// Fetches every ref of the source into the bare repository at `path`, pruning refs the
/// source no longer has when `prune`.
pub async fn fetch_mirror(
    remote: &Remote,
    path: &Path,
    prune: bool,
    limit: Duration,
    tag: &str,
) -> Result<(), RemoteError> {
    let mut cmd = command(remote);
    cmd.arg("--git-dir")
        .arg(path)
        .args(["fetch", "--progress", "--force"]);
    if prune {
        cmd.arg("--prune");
    }
    cmd.args(["--", &remote.url, "+refs/*:refs/*"]);
    run_logged(cmd, limit, "fetch", tag).await
}

/// Points the clone's `origin` at the source as the user gave it (no credentials).
pub async fn set_origin(path: &Path, url: &str) -> oxforge_core::Result<()> {
    let mut cmd = crate::git();
    cmd.arg("--git-dir")
        .arg(path)
        .args(["config", "remote.origin.url", url]);
    crate::run(&mut cmd, "config", None).await.map(|_| ())
}

/// The branch HEAD points at.
pub async fn head_branch(path: &Path) -> Option<String> {
    let mut cmd = crate::git();
    cmd.arg("--git-dir")
        .arg(path)
        .args(["symbolic-ref", "--short", "HEAD"]);
    crate::run(&mut cmd, "symbolic-ref", None).await.ok()
}
