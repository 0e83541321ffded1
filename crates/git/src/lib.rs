//! The only place that runs `git` or touches repositories on disk.

pub mod content;
pub mod read;
pub mod refs;
pub mod remote;
pub mod smart;
pub mod tags;
pub mod write;

use oxforge_core::{Error, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

/// Where bare repositories live: `<root>/<owner>/<name>.git`, all lower case.
#[derive(Clone)]
pub struct RepoRoot {
    root: PathBuf,
    /// Repositories opened for in-process reading (`read`).
    cache: Arc<Mutex<HashMap<PathBuf, gix::ThreadSafeRepository>>>,
}

impl std::fmt::Debug for RepoRoot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RepoRoot")
            .field("root", &self.root)
            .finish()
    }
}

/// Who an initial commit is attributed to.
#[derive(Debug, Clone)]
pub struct Signature {
    pub name: String,
    pub email: String,
}

fn git_error(what: &str, detail: impl std::fmt::Display) -> Error {
    tracing::error!(%detail, "git {what} failed");
    Error::internal(format!("git {what} failed"))
}

/// Every `git` oxforge runs starts here: an environment of our own (nothing inherited
/// from the server's, so no `GIT_DIR`, proxy or credential variables leak in), no user or
/// system configuration, no prompts, and the process dies with its handle — and with the
/// server: a git that outlived a killed server could finish a push the client was told
/// failed, or leave its quarantine behind.
pub(crate) fn git() -> Command {
    let mut c = Command::new("git");
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", "/nonexistent")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "/bin/false")
        .env("SSH_ASKPASS", "/bin/false")
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    die_with_parent(&mut c);
    c
}

/// Asks the kernel to SIGKILL the child when the thread that spawned it exits. Children
/// are spawned from the runtime's worker threads, which live as long as the process.
#[cfg(target_os = "linux")]
fn die_with_parent(c: &mut Command) {
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: between fork and exec only async-signal-safe calls are made (prctl, getppid).
    unsafe {
        c.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died before the request took effect.
            if libc::getppid() != parent {
                return Err(std::io::Error::other("the server is gone"));
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_c: &mut Command) {}

pub(crate) async fn run(cmd: &mut Command, what: &str, input: Option<&[u8]>) -> Result<String> {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    if input.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd.spawn().map_err(|e| git_error(what, e))?;
    if let Some(data) = input {
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(data)
                .await
                .map_err(|e| git_error(what, e))?;
        }
    }
    let out = child
        .wait_with_output()
        .await
        .map_err(|e| git_error(what, e))?;
    if !out.status.success() {
        return Err(git_error(what, String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

impl RepoRoot {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        RepoRoot {
            root: root.into(),
            cache: Arc::default(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The directory of `owner/name`. Both must already have passed the name rules,
    /// which exclude separators and `..`.
    pub fn path(&self, owner: &str, name: &str) -> PathBuf {
        self.root
            .join(owner.to_ascii_lowercase())
            .join(format!("{}.git", name.to_ascii_lowercase()))
    }

    pub async fn exists(&self, owner: &str, name: &str) -> bool {
        tokio::fs::try_exists(self.path(owner, name))
            .await
            .unwrap_or(false)
    }

    /// Creates an empty bare repository whose HEAD points at `branch`.
    pub async fn init_bare(
        &self,
        owner: &str,
        name: &str,
        branch: &str,
        object_format: &str,
    ) -> Result<PathBuf> {
        let path = self.path(owner, name);
        self.forget(&path);
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| git_error("init", e))?;
        }
        let mut cmd = git();
        cmd.arg("init")
            .arg("--bare")
            .arg("--quiet")
            .arg(format!("--initial-branch={branch}"))
            .arg(format!("--object-format={object_format}"))
            .arg(&path);
        run(&mut cmd, "init", None).await?;
        Ok(path)
    }

    /// Writes one commit holding `files` on `branch` without a work tree.
    pub async fn initial_commit(
        &self,
        path: &Path,
        branch: &str,
        files: &[(String, String)],
        author: &Signature,
        message: &str,
    ) -> Result<String> {
        let mut tree = String::new();
        for (name, content) in files {
            let mut cmd = git();
            cmd.arg("--git-dir")
                .arg(path)
                .args(["hash-object", "-w", "--stdin"]);
            let sha = run(&mut cmd, "hash-object", Some(content.as_bytes())).await?;
            tree.push_str(&format!("100644 blob {sha}\t{name}\n"));
        }
        let mut cmd = git();
        cmd.arg("--git-dir").arg(path).arg("mktree");
        let tree_sha = run(&mut cmd, "mktree", Some(tree.as_bytes())).await?;
        let mut cmd = git();
        cmd.arg("--git-dir")
            .arg(path)
            .args(["commit-tree", &tree_sha, "-m", message])
            .env("GIT_AUTHOR_NAME", &author.name)
            .env("GIT_AUTHOR_EMAIL", &author.email)
            .env("GIT_COMMITTER_NAME", &author.name)
            .env("GIT_COMMITTER_EMAIL", &author.email);
        let commit = run(&mut cmd, "commit-tree", None).await?;
        let mut cmd = git();
        cmd.arg("--git-dir").arg(path).args([
            "update-ref",
            &format!("refs/heads/{branch}"),
            &commit,
        ]);
        run(&mut cmd, "update-ref", None).await?;
        Ok(commit)
    }

    /// Points HEAD at `branch`.
    pub async fn set_head(&self, path: &Path, branch: &str) -> Result<()> {
        let mut cmd = git();
        cmd.arg("--git-dir").arg(path).args([
            "symbolic-ref",
            "HEAD",
            &format!("refs/heads/{branch}"),
        ]);
        run(&mut cmd, "symbolic-ref", None).await.map(|_| ())
    }

    /// Whether `branch` exists in the repository.
    pub async fn has_branch(&self, path: &Path, branch: &str) -> bool {
        let mut cmd = git();
        cmd.arg("--git-dir").arg(path).args([
            "show-ref",
            "--verify",
            "--quiet",
            &format!("refs/heads/{branch}"),
        ]);
        run(&mut cmd, "show-ref", None).await.is_ok()
    }

    pub async fn remove(&self, owner: &str, name: &str) -> Result<()> {
        let path = self.path(owner, name);
        self.forget(&path);
        match tokio::fs::remove_dir_all(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(git_error("remove", e)),
        }
    }

    /// A scratch directory for work that is moved into place when done (migrations):
    /// `<root>/.migrating/<name>`, where no repository path can be.
    pub fn scratch_path(&self, name: &str) -> PathBuf {
        self.root.join(".migrating").join(name)
    }

    /// Removes a scratch directory (absent is fine). `name` must be one this process made
    /// (no separators).
    pub async fn remove_scratch(&self, name: &str) -> Result<()> {
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(Error::internal("bad scratch directory name"));
        }
        match tokio::fs::remove_dir_all(self.scratch_path(name)).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(git_error("remove scratch", e)),
        }
    }

    /// Removes every scratch directory of the work `prefix` names (`<prefix>-*`).
    pub async fn remove_scratch_of(&self, prefix: &str) -> Result<()> {
        let Ok(mut rd) = tokio::fs::read_dir(self.scratch_path("")).await else {
            return Ok(());
        };
        let start = format!("{prefix}-");
        while let Ok(Some(e)) = rd.next_entry().await {
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with(&start) {
                self.remove_scratch(&name).await?;
            }
        }
        Ok(())
    }

    pub async fn rename(&self, owner: &str, from: &str, to: &str) -> Result<()> {
        self.forget(&self.path(owner, from));
        self.forget(&self.path(owner, to));
        tokio::fs::rename(self.path(owner, from), self.path(owner, to))
            .await
            .map_err(|e| git_error("rename", e))
    }

    /// Bytes used by the repository directory (Gitea reports this, in KiB, as `size`).
    pub async fn disk_size(&self, path: &Path) -> u64 {
        let path = path.to_path_buf();
        tokio::task::spawn_blocking(move || dir_size(&path))
            .await
            .unwrap_or(0)
    }
}

fn dir_size(path: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            match entry.metadata() {
                Ok(m) if m.is_dir() => stack.push(entry.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn scratch_removal_stays_in_the_scratch_area() {
        let root = std::env::temp_dir().join(format!("oxforge-scratch-{}", std::process::id()));
        let repos = RepoRoot::new(&root);
        let dir = repos.scratch_path("7-1");
        std::fs::create_dir_all(dir.join("objects")).unwrap();
        repos.remove_scratch("7-1").await.unwrap();
        assert!(!dir.exists());
        // Absent is done already.
        repos.remove_scratch("7-1").await.unwrap();
        for bad in ["", "..", "../x", "a/b", ".hidden"] {
            assert!(repos.remove_scratch(bad).await.is_err(), "{bad}");
        }
        std::fs::remove_dir_all(&root).unwrap();
    }
}
