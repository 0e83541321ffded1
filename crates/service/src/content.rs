//! Reading repository content for the API: entries (files, directories, symlinks,
//! submodules) at a ref, raw blobs (streamed when large), and git trees and blobs by id.

use crate::{RepoCtx, Services};
use oxforge_core::access::AccessMode;
use oxforge_core::{Error, Result};
use oxforge_git::read::{self, CommitInfo, Entry, EntryKind, ObjectId, RefKind, Resolved};
use std::collections::HashMap;
use std::pin::Pin;
use tokio::io::AsyncRead;

/// Gitea's `[api] DEFAULT_MAX_BLOB_SIZE`: larger files are listed without their content.
pub const DEFAULT_MAX_BLOB_SIZE: u64 = 10 * 1024 * 1024;
/// Gitea's `[api] DEFAULT_MAX_RESPONSE_SIZE`: where `file-contents` stops adding files.
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 100 * 1024 * 1024;
/// Gitea's `[api] DEFAULT_GIT_TREES_PER_PAGE`: the largest page of the git-trees API.
pub const DEFAULT_GIT_TREES_PER_PAGE: usize = 1000;
/// Blobs up to this size are read in-process (gix inflates an object whole); larger ones
/// stream from `git cat-file` in 64 KiB chunks (see docs/ARCHITECTURE.md).
pub const STREAM_THRESHOLD: u64 = 1024 * 1024;

/// The ref a read resolved, as the caller named it.
#[derive(Debug, Clone)]
pub struct RefAt {
    pub resolved: Resolved,
    /// The ref as given (the default branch's name when none was).
    pub input: String,
}

impl RefAt {
    /// Gitea's `RefWebLinkPath`: `branch/<name>`, `tag/<name>`, `commit/<id>`.
    pub fn web_link(&self) -> String {
        match self.resolved.kind {
            RefKind::Branch => format!("branch/{}", self.resolved.name),
            RefKind::Tag => format!("tag/{}", self.resolved.name),
            RefKind::Commit => format!("commit/{}", self.resolved.commit),
        }
    }
}

/// One entry as the contents API shows it.
#[derive(Debug, Clone)]
pub struct ContentItem {
    pub entry: Entry,
    /// A file's bytes, when asked for and not over `DEFAULT_MAX_BLOB_SIZE`.
    pub content: Option<Vec<u8>>,
    /// A symlink's target.
    pub target: Option<String>,
    /// A submodule's URL from `.gitmodules`.
    pub submodule_url: Option<String>,
    pub last_commit: Option<CommitInfo>,
    /// Whether to show the last commit's id and dates, and its message.
    pub commit_metadata: bool,
    pub commit_message: bool,
}

/// What `contents` includes (Gitea's `includes` of `contents-ext`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ContentOpts {
    /// A file's bytes (never in a listing).
    pub file_content: bool,
    pub commit_metadata: bool,
    pub commit_message: bool,
}

#[derive(Debug, Clone)]
pub enum Contents {
    File(Box<ContentItem>),
    Dir(Vec<ContentItem>),
}

/// A blob to serve raw.
pub enum RawBody {
    Bytes(Vec<u8>),
    Stream(Pin<Box<dyn AsyncRead + Send>>),
}

pub struct RawBlob {
    pub entry: Entry,
    /// Committer time (unix seconds) of the last commit that changed the path.
    pub last_modified: Option<i64>,
    pub body: RawBody,
}

/// A page of a git tree.
#[derive(Debug, Clone)]
pub struct TreePage {
    pub sha: ObjectId,
    pub entries: Vec<Entry>,
    pub page: usize,
    pub total: usize,
    pub truncated: bool,
}

/// A blob by id.
#[derive(Debug, Clone)]
pub struct BlobInfo {
    pub id: ObjectId,
    pub size: u64,
    pub content: Option<Vec<u8>>,
}

fn no_ref(r: &str) -> Error {
    Error::not_found_msg(format!("no commit found for the ref [ref: {r}]"))
}

fn no_path(p: &str) -> Error {
    Error::not_found_msg(format!("object does not exist [id: , rel_path: {p}]"))
}

/// The last commit of each of `names` in `dir` at `start`, with the commits read.
fn last_commits(
    repo: &read::Repository,
    start: ObjectId,
    dir: &str,
    names: &[String],
) -> Result<HashMap<String, CommitInfo>> {
    let ids = read::last_commits(repo, start, dir, names)?;
    let mut commits: HashMap<ObjectId, CommitInfo> = HashMap::new();
    let mut out = HashMap::new();
    for (name, id) in ids {
        if let std::collections::hash_map::Entry::Vacant(v) = commits.entry(id) {
            if let Some(c) = read::commit(repo, id)? {
                v.insert(c);
            }
        }
        if let Some(c) = commits.get(&id) {
            out.insert(name, c.clone());
        }
    }
    Ok(out)
}

/// The last commit that changed `path` (the start commit for the root).
fn last_commit_of(
    repo: &read::Repository,
    start: ObjectId,
    path: &str,
) -> Result<Option<CommitInfo>> {
    if path.is_empty() {
        return read::commit(repo, start);
    }
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    Ok(last_commits(repo, start, dir, &[name.to_string()])?.remove(name))
}

fn item(
    repo: &read::Repository,
    commit: ObjectId,
    entry: Entry,
    with_content: bool,
    last_commit: Option<CommitInfo>,
) -> Result<ContentItem> {
    let mut it = ContentItem {
        content: None,
        target: None,
        submodule_url: None,
        last_commit,
        entry,
        commit_metadata: true,
        commit_message: false,
    };
    match it.entry.kind {
        EntryKind::File | EntryKind::Executable
            if with_content && it.entry.size <= DEFAULT_MAX_BLOB_SIZE =>
        {
            it.content = Some(read::blob(repo, it.entry.id)?);
        }
        EntryKind::Symlink => {
            let mut t = read::blob(repo, it.entry.id)?;
            t.truncate(1024);
            it.target = Some(String::from_utf8_lossy(&t).into_owned());
        }
        EntryKind::Submodule => {
            it.submodule_url = oxforge_git::content::submodule_url(repo, commit, &it.entry.path)?;
        }
        _ => {}
    }
    Ok(it)
}

impl Services {
    fn require_code(ctx: &RepoCtx) -> Result<()> {
        ctx.require_mode(AccessMode::Read, "you may not read this repository's code")
    }

    /// The entry at `path` (a file, symlink or submodule), or the listing of the
    /// directory there, at `ref` (the default branch when empty), each with the last
    /// commit that changed it. A file carries its bytes up to `DEFAULT_MAX_BLOB_SIZE`.
    pub async fn contents(
        &self,
        ctx: &RepoCtx,
        r#ref: &str,
        path: &str,
        opts: ContentOpts,
    ) -> Result<(RefAt, Contents)> {
        Self::require_code(ctx)?;
        let input = if r#ref.is_empty() {
            ctx.repo().repo.default_branch.clone()
        } else {
            r#ref.to_string()
        };
        let path = path.to_string();
        self.repos
            .read(&self.repo_path(ctx), move |repo| {
                let resolved = read::resolve(repo, &input)?.ok_or_else(|| no_ref(&input))?;
                let at = RefAt { resolved, input };
                let commit = at.resolved.commit;
                let entry = read::entry(repo, commit, &path)?.ok_or_else(|| no_path(&path))?;
                let with_commits = opts.commit_metadata || opts.commit_message;
                let mark = |mut it: ContentItem| {
                    it.commit_metadata = opts.commit_metadata;
                    it.commit_message = opts.commit_message;
                    it
                };
                if entry.kind != EntryKind::Dir {
                    let last = if with_commits {
                        last_commit_of(repo, commit, &entry.path)?
                    } else {
                        None
                    };
                    let it = item(repo, commit, entry, opts.file_content, last)?;
                    return Ok((at, Contents::File(Box::new(mark(it)))));
                }
                let entries = read::tree_entries(repo, entry.id, &entry.path)?;
                let names: Vec<String> = entries.iter().map(|e| e.name.clone()).collect();
                let mut last = if with_commits {
                    last_commits(repo, commit, &entry.path, &names)?
                } else {
                    HashMap::new()
                };
                let items = entries
                    .into_iter()
                    .map(|e| {
                        let l = last.remove(&e.name);
                        item(repo, commit, e, false, l).map(mark)
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok((at, Contents::Dir(items)))
            })
            .await
    }

    /// The entries at `paths` (each as `contents` shows a file; `None` where there is
    /// none), at most `limit` of them and stopping before their contents pass
    /// `DEFAULT_MAX_RESPONSE_SIZE`: Gitea's `file-contents`.
    pub async fn file_contents(
        &self,
        ctx: &RepoCtx,
        r#ref: &str,
        paths: Vec<String>,
        limit: usize,
    ) -> Result<(RefAt, Vec<Option<ContentItem>>)> {
        Self::require_code(ctx)?;
        let input = if r#ref.is_empty() {
            ctx.repo().repo.default_branch.clone()
        } else {
            r#ref.to_string()
        };
        self.repos
            .read(&self.repo_path(ctx), move |repo| {
                let resolved = read::resolve(repo, &input)?.ok_or_else(|| no_ref(&input))?;
                let commit = resolved.commit;
                let mut out = Vec::new();
                let mut size = 0u64;
                for path in paths {
                    let found = match read::entry(repo, commit, &path)? {
                        Some(e) => {
                            let last = last_commit_of(repo, commit, &e.path)?;
                            Some(item(repo, commit, e, true, last)?)
                        }
                        None => None,
                    };
                    // Counted as Gitea counts it: the base64 text.
                    let n = found
                        .as_ref()
                        .and_then(|i| i.content.as_ref())
                        .map_or(0, |c| c.len().div_ceil(3) as u64 * 4);
                    size += n;
                    if size > DEFAULT_MAX_RESPONSE_SIZE {
                        break;
                    }
                    out.push(found);
                    if out.len() >= limit {
                        break;
                    }
                }
                Ok((RefAt { resolved, input }, out))
            })
            .await
    }

    /// The blob at `path` for the raw and media APIs. Without `ref`, the path may begin
    /// with one (`{ref}/{filepath}`, Gogs' and Gitea's legacy form); else the default
    /// branch. Directories and submodules are 404. Large blobs stream.
    pub async fn raw(&self, ctx: &RepoCtx, r#ref: &str, path: &str) -> Result<RawBlob> {
        Self::require_code(ctx)?;
        if ctx.repo().repo.is_empty {
            return Err(Error::not_found());
        }
        let input = r#ref.to_string();
        let default = ctx.repo().repo.default_branch.clone();
        let path = path.to_string();
        let repo_path = self.repo_path(ctx);
        let (entry, last_modified) = self
            .repos
            .read(&repo_path, move |repo| {
                let (commit, path) = if !input.is_empty() {
                    let r = read::resolve(repo, &input)?.ok_or_else(|| no_ref(&input))?;
                    (r.commit, path)
                } else if let Some((r, rest)) = oxforge_git::content::split_ref(repo, &path)? {
                    (r.commit, rest)
                } else {
                    let r = read::resolve(repo, &default)?.ok_or_else(|| no_ref(&default))?;
                    (r.commit, path)
                };
                let entry = read::entry(repo, commit, &path)?
                    .filter(|e| !matches!(e.kind, EntryKind::Dir | EntryKind::Submodule))
                    .ok_or_else(|| no_path(&path))?;
                let when = last_commit_of(repo, commit, &entry.path)?.map(|c| c.committer.time);
                Ok((entry, when))
            })
            .await?;
        let body = if entry.size <= STREAM_THRESHOLD {
            let id = entry.id;
            RawBody::Bytes(
                self.repos
                    .read(&repo_path, move |repo| read::blob(repo, id))
                    .await?,
            )
        } else {
            let permit = self.git_slot().await?;
            let stream = self.repos.stream_blob(&repo_path, entry.id)?;
            RawBody::Stream(Box::pin(Permitted {
                inner: stream,
                _permit: permit,
            }))
        };
        Ok(RawBlob {
            entry,
            last_modified,
            body,
        })
    }

    /// A page of the tree `sha` names (a tree, a commit, or a branch or tag): Gitea's
    /// git-trees API. `per_page` is capped at `DEFAULT_GIT_TREES_PER_PAGE`.
    pub async fn git_tree(
        &self,
        ctx: &RepoCtx,
        sha: &str,
        recursive: bool,
        page: i64,
        per_page: i64,
    ) -> Result<TreePage> {
        Self::require_code(ctx)?;
        let sha = sha.to_string();
        let per_page = if per_page <= 0 || per_page as usize > DEFAULT_GIT_TREES_PER_PAGE {
            DEFAULT_GIT_TREES_PER_PAGE
        } else {
            per_page as usize
        };
        let page = page.max(1) as usize;
        self.repos
            .read(&self.repo_path(ctx), move |repo| {
                let id = oxforge_git::content::tree_id(repo, &sha)?
                    .ok_or_else(|| Error::bad_request(format!("sha not found [sha: {sha}]")))?;
                let all = oxforge_git::content::walk_tree(repo, id, recursive)?;
                let total = all.len();
                let start = per_page.saturating_mul(page - 1).min(total);
                let end = start.saturating_add(per_page).min(total);
                Ok(TreePage {
                    sha: id,
                    entries: all[start..end].to_vec(),
                    page,
                    total,
                    truncated: end < total,
                })
            })
            .await
    }

    /// The blob with id `sha`, its bytes up to `DEFAULT_MAX_BLOB_SIZE`.
    pub async fn git_blob(&self, ctx: &RepoCtx, sha: &str) -> Result<BlobInfo> {
        Self::require_code(ctx)?;
        let sha = sha.to_string();
        self.repos
            .read(&self.repo_path(ctx), move |repo| {
                let missing =
                    || Error::bad_request(format!("object does not exist [id: {sha}, rel_path: ]"));
                let id = ObjectId::from_hex(sha.as_bytes()).map_err(|_| missing())?;
                let (kind, size) =
                    oxforge_git::content::object_header(repo, id)?.ok_or_else(missing)?;
                if kind != gix_kind_blob() {
                    return Err(missing());
                }
                let content = if size <= DEFAULT_MAX_BLOB_SIZE {
                    Some(read::blob(repo, id)?)
                } else {
                    None
                };
                Ok(BlobInfo { id, size, content })
            })
            .await
    }
}

fn gix_kind_blob() -> oxforge_git::content::ObjectKind {
    oxforge_git::content::ObjectKind::Blob
}

/// A stream that keeps its git process slot until it is dropped.
struct Permitted<R> {
    inner: R,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl<R: AsyncRead + Unpin> AsyncRead for Permitted<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}
