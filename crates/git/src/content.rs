//! Content reading beyond `read`: refs inferred from a path (Gitea's `raw/{ref}/{path}`),
//! trees walked for the git-trees API, submodule URLs from `.gitmodules`, and blobs too
//! large to hold in memory streamed from `git cat-file`.

use crate::read::{self, Entry, EntryKind, ObjectId, RefKind, Resolved};
use crate::{git, git_error, RepoRoot};
use oxforge_core::{Error, Result};
use std::path::Path;
use std::pin::Pin;
use std::process::Stdio;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::process::{Child, ChildStdout};

pub use gix::object::Kind as ObjectKind;

fn read_error(what: &str, detail: impl std::fmt::Display) -> Error {
    tracing::error!(%detail, "reading {what} failed");
    Error::internal(format!("reading {what} failed"))
}

/// Splits `path` into a ref and the path after it, as Gitea's `raw/{ref}/{filepath}` does
/// when no `ref` query is given: the shortest leading run of components that names a
/// branch (before a tag of the same name), else a tag, else a commit id as the first
/// component. `None` when no prefix names anything (the caller then reads the whole path
/// at the default branch).
pub fn split_ref(repo: &gix::Repository, path: &str) -> Result<Option<(Resolved, String)>> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut commit = None;
    for i in 1..=parts.len() {
        let name = parts[..i].join("/");
        match read::resolve(repo, &name)? {
            Some(r) if r.kind == RefKind::Commit => {
                commit = commit.or((i == 1).then_some(r));
            }
            Some(r) => return Ok(Some((r, parts[i..].join("/")))),
            None => {}
        }
    }
    Ok(commit.map(|r| (r, parts[1..].join("/"))))
}

/// The tree `sha` names: a tree id, a commit or tag id (its tree), or a branch or tag name.
pub fn tree_id(repo: &gix::Repository, sha: &str) -> Result<Option<ObjectId>> {
    if let Ok(id) = ObjectId::from_hex(sha.as_bytes()) {
        let Some(obj) = repo
            .try_find_object(id)
            .map_err(|e| read_error("object", e))?
        else {
            return Ok(None);
        };
        return Ok(obj.peel_to_kind(gix::object::Kind::Tree).ok().map(|t| t.id));
    }
    let Some(r) = read::resolve(repo, sha)? else {
        return Ok(None);
    };
    Ok(read::commit(repo, r.commit)?.map(|c| c.tree))
}

/// The entries under tree `id`: its own, or (recursive) every entry below it, each tree
/// before its contents (`git ls-tree -r -t` order). Paths are relative to the tree.
pub fn walk_tree(repo: &gix::Repository, id: ObjectId, recursive: bool) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    walk_into(repo, id, "", recursive, &mut out)?;
    Ok(out)
}

fn walk_into(
    repo: &gix::Repository,
    id: ObjectId,
    dir: &str,
    recursive: bool,
    out: &mut Vec<Entry>,
) -> Result<()> {
    for e in read::tree_entries(repo, id, dir)? {
        let sub = (recursive && e.kind == EntryKind::Dir).then(|| (e.id, e.path.clone()));
        out.push(e);
        if let Some((id, path)) = sub {
            walk_into(repo, id, &path, true, out)?;
        }
    }
    Ok(())
}

/// Kind and size of object `id`, `None` when there is none.
pub fn object_header(
    repo: &gix::Repository,
    id: ObjectId,
) -> Result<Option<(gix::object::Kind, u64)>> {
    match repo
        .try_find_header(id)
        .map_err(|e| read_error("object header", e))?
    {
        Some(h) => Ok(Some((h.kind(), h.size()))),
        None => Ok(None),
    }
}

/// The URL `.gitmodules` at `commit` gives the submodule at `path`, if any.
pub fn submodule_url(
    repo: &gix::Repository,
    commit: ObjectId,
    path: &str,
) -> Result<Option<String>> {
    let Some(e) = read::entry(repo, commit, ".gitmodules")? else {
        return Ok(None);
    };
    if e.kind != EntryKind::File || e.size > 1 << 20 {
        return Ok(None);
    }
    let text = String::from_utf8_lossy(&read::blob(repo, e.id)?).into_owned();
    Ok(parse_gitmodules(&text)
        .into_iter()
        .find(|(p, _)| p.trim_matches('/') == path)
        .map(|(_, url)| url))
}

/// `(path, url)` of every `[submodule "…"]` section that has both.
fn parse_gitmodules(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (mut path, mut url): (Option<String>, Option<String>) = (None, None);
    let mut in_section = false;
    let mut flush = |path: &mut Option<String>, url: &mut Option<String>| {
        if let (Some(p), Some(u)) = (path.take(), url.take()) {
            out.push((p, u));
        }
    };
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if line.starts_with('[') {
            flush(&mut path, &mut url);
            in_section = line.starts_with("[submodule");
            continue;
        }
        if !in_section {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            let v = v.trim().trim_matches('"').to_string();
            match k.trim().to_ascii_lowercase().as_str() {
                "path" => path = Some(v),
                "url" => url = Some(v),
                _ => {}
            }
        }
    }
    flush(&mut path, &mut url);
    out
}

/// A blob's bytes as `git cat-file` writes them: for blobs too large to hold in memory
/// (gix inflates an object whole). The process ends when the reader is dropped.
pub struct BlobStream {
    _child: Child,
    out: ChildStdout,
}

impl AsyncRead for BlobStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.out).poll_read(cx, buf)
    }
}

impl RepoRoot {
    /// Streams blob `id` of the repository at `path`.
    pub fn stream_blob(&self, path: &Path, id: ObjectId) -> Result<BlobStream> {
        let mut cmd = git();
        // Packed blobs over the threshold are stored undeltified, which halves what the
        // child holds for them (measured: 200 → 100 MB RSS for a 100 MB blob).
        cmd.args(["-c", "core.bigFileThreshold=1m", "--git-dir"])
            .arg(path)
            .args(["cat-file", "blob"])
            .arg(id.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = cmd.spawn().map_err(|e| git_error("cat-file", e))?;
        let out = child
            .stdout
            .take()
            .ok_or_else(|| git_error("cat-file", "no stdout"))?;
        Ok(BlobStream { _child: child, out })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_gitmodules() {
        let text = "[submodule \"lib\"]\n\tpath = vendor/lib\n\turl = https://example.com/lib.git\n[core]\n\turl = no\n[submodule \"x\"]\n\turl = \"git@h:x.git\"\n\tpath = x\n";
        assert_eq!(
            parse_gitmodules(text),
            [
                (
                    "vendor/lib".to_string(),
                    "https://example.com/lib.git".to_string()
                ),
                ("x".to_string(), "git@h:x.git".to_string())
            ]
        );
    }
}
