//! Reading repositories in-process with gix: refs, trees, blobs, commits and history walks,
//! without starting `git`. Everything here blocks (object decompression, pack access): the
//! service runs it on the blocking pool (`RepoRoot::read`), never on the async workers.

use crate::RepoRoot;
use oxforge_core::{Error, Result};
use std::collections::{HashMap, HashSet};
use std::path::Path;

pub use gix::{ObjectId, Repository};

/// Open repositories kept for reuse (opening reads config and ref stores).
const CACHE_MAX: usize = 128;

fn read_error(what: &str, detail: impl std::fmt::Display) -> Error {
    tracing::error!(%detail, "reading {what} failed");
    Error::internal(format!("reading {what} failed"))
}

/// How a name given as `ref` was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    Branch,
    Tag,
    Commit,
}

/// A `ref` parameter resolved to the commit it names.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub commit: ObjectId,
    pub kind: RefKind,
    /// The short name (branch or tag), or the commit id as given.
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Executable,
    Symlink,
    Dir,
    Submodule,
}

/// One entry of a tree.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    /// From the repository root, `/`-separated.
    pub path: String,
    pub kind: EntryKind,
    pub id: ObjectId,
    /// Blob size in bytes (0 for trees and submodules).
    pub size: u64,
    /// Git's mode, e.g. 0o100644.
    pub mode: u32,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    pub email: String,
    /// Unix seconds.
    pub time: i64,
    /// Offset from UTC in seconds.
    pub offset: i32,
}

#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub id: ObjectId,
    pub tree: ObjectId,
    pub parents: Vec<ObjectId>,
    pub author: Person,
    pub committer: Person,
    pub message: String,
}

impl RepoRoot {
    /// Opens the repository at `path` (cached), isolated from any user or system config.
    pub fn open(&self, path: &Path) -> Result<gix::Repository> {
        {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(r) = cache.get(path) {
                return Ok(r.to_thread_local());
            }
        }
        let opts = gix::open::Options::isolated().strict_config(false);
        let repo = gix::ThreadSafeRepository::open_opts(path, opts).map_err(|e| {
            if !path.exists() {
                Error::not_found()
            } else {
                read_error("repository", e)
            }
        })?;
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= CACHE_MAX {
            cache.clear();
        }
        cache.insert(path.to_path_buf(), repo.clone());
        Ok(repo.to_thread_local())
    }

    /// Forgets the open repository at `path` (it was removed, renamed or replaced).
    pub(crate) fn forget(&self, path: &Path) {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.remove(path);
    }

    /// Runs `f` on the repository at `path`, on the blocking pool.
    pub async fn read<T, F>(&self, path: &Path, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&gix::Repository) -> Result<T> + Send + 'static,
    {
        let root = self.clone();
        let path = path.to_path_buf();
        tokio::task::spawn_blocking(move || {
            let repo = root.open(&path)?;
            f(&repo)
        })
        .await
        .map_err(|e| read_error("repository (task)", e))?
    }
}

/// Whether `s` looks like (part of) an object id.
fn is_hex_id(s: &str) -> bool {
    (4..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn peel_ref_to_commit(repo: &gix::Repository, full: &str) -> Result<Option<ObjectId>> {
    // A name git refuses as a ref (`.git`, `a.lock`, ...) names none.
    if gix::refs::FullName::try_from(full).is_err() {
        return Ok(None);
    }
    let Some(mut r) = repo
        .try_find_reference(full)
        .map_err(|e| read_error("reference", e))?
    else {
        return Ok(None);
    };
    let id = r
        .peel_to_id()
        .map_err(|e| read_error("reference", e))?
        .detach();
    commit_of(repo, id)
}

/// The commit `id` is or (for an annotated tag) points at.
fn commit_of(repo: &gix::Repository, id: ObjectId) -> Result<Option<ObjectId>> {
    let Some(obj) = repo
        .try_find_object(id)
        .map_err(|e| read_error("object", e))?
    else {
        return Ok(None);
    };
    match obj.peel_to_kind(gix::object::Kind::Commit) {
        Ok(c) => Ok(Some(c.id)),
        Err(_) => Ok(None),
    }
}

/// Resolves `name` as Gitea does: a branch, else a tag (peeled to its commit), else a
/// commit id (full or abbreviated). An empty name is the default branch (HEAD). `None`
/// when nothing matches, or the repository has no commits.
pub fn resolve(repo: &gix::Repository, name: &str) -> Result<Option<Resolved>> {
    if name.is_empty() {
        let head = repo.head_id().ok().map(|id| id.detach());
        let branch = repo
            .head_name()
            .ok()
            .flatten()
            .map(|n| n.shorten().to_string())
            .unwrap_or_default();
        return Ok(head.map(|commit| Resolved {
            commit,
            kind: RefKind::Branch,
            name: branch,
        }));
    }
    if name.contains(['\0', ' ', '~', '^', ':', '\\']) || name.contains("..") {
        return Ok(None);
    }
    for (prefix, kind) in [
        ("refs/heads/", RefKind::Branch),
        ("refs/tags/", RefKind::Tag),
    ] {
        if let Some(commit) = peel_ref_to_commit(repo, &format!("{prefix}{name}"))? {
            return Ok(Some(Resolved {
                commit,
                kind,
                name: name.to_string(),
            }));
        }
    }
    Ok(commit_id(repo, name)?.map(|commit| Resolved {
        commit,
        kind: RefKind::Commit,
        name: name.to_string(),
    }))
}

/// The commit a full or unambiguous abbreviated id names (an annotated tag's id is
/// peeled to its commit); refs are not consulted.
pub fn commit_id(repo: &gix::Repository, id: &str) -> Result<Option<ObjectId>> {
    if !is_hex_id(id) {
        return Ok(None);
    }
    let found = match ObjectId::from_hex(id.as_bytes()) {
        Ok(id) => Some(id),
        Err(_) => repo.rev_parse_single(id).ok().map(|id| id.detach()),
    };
    match found {
        Some(id) => commit_of(repo, id),
        None => Ok(None),
    }
}

fn kind_of(mode: gix::object::tree::EntryMode) -> EntryKind {
    use gix::object::tree::EntryKind as K;
    match mode.kind() {
        K::Tree => EntryKind::Dir,
        K::Blob => EntryKind::File,
        K::BlobExecutable => EntryKind::Executable,
        K::Link => EntryKind::Symlink,
        K::Commit => EntryKind::Submodule,
    }
}

fn blob_size(repo: &gix::Repository, kind: EntryKind, id: ObjectId) -> Result<u64> {
    match kind {
        EntryKind::File | EntryKind::Executable | EntryKind::Symlink => Ok(repo
            .find_header(id)
            .map_err(|e| read_error("object header", e))?
            .size()),
        _ => Ok(0),
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Splits a checked path into its components; `None` for a path that cannot name an
/// entry (`..`, `.`, empty components, `.git`, NUL, backslashes).
pub fn path_components(path: &str) -> Option<Vec<&str>> {
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        return Some(Vec::new());
    }
    let parts: Vec<&str> = trimmed.split('/').collect();
    let bad = |p: &&str| {
        p.is_empty()
            || *p == "."
            || *p == ".."
            || p.eq_ignore_ascii_case(".git")
            || p.contains(['\0', '\\'])
    };
    if parts.iter().any(bad) {
        return None;
    }
    Some(parts)
}

fn root_tree(repo: &gix::Repository, commit: ObjectId) -> Result<gix::Tree<'_>> {
    repo.find_commit(commit)
        .map_err(|e| read_error("commit", e))?
        .tree()
        .map_err(|e| read_error("tree", e))
}

/// The entry at `path` in `commit`'s tree (`""` is the root directory). `None` when there
/// is none, or the path passes through something that is not a directory (a symlink is
/// never followed).
pub fn entry(repo: &gix::Repository, commit: ObjectId, path: &str) -> Result<Option<Entry>> {
    let Some(parts) = path_components(path) else {
        return Ok(None);
    };
    let tree = root_tree(repo, commit)?;
    if parts.is_empty() {
        return Ok(Some(Entry {
            name: String::new(),
            path: String::new(),
            kind: EntryKind::Dir,
            id: tree.id,
            size: 0,
            mode: 0o040000,
        }));
    }
    let rel = parts.join("/");
    let Some(e) = tree
        .lookup_entry_by_path(&rel)
        .map_err(|e| read_error("tree", e))?
    else {
        return Ok(None);
    };
    let kind = kind_of(e.mode());
    let id = e.object_id();
    Ok(Some(Entry {
        name: parts.last().copied().unwrap_or_default().to_string(),
        path: rel,
        kind,
        id,
        size: blob_size(repo, kind, id)?,
        mode: e.mode().value() as u32,
    }))
}

/// The entries of the directory at `path` in `commit`, in git's order. `None` when `path`
/// is not a directory there.
pub fn list_dir(
    repo: &gix::Repository,
    commit: ObjectId,
    path: &str,
) -> Result<Option<Vec<Entry>>> {
    let Some(dir) = entry(repo, commit, path)? else {
        return Ok(None);
    };
    if dir.kind != EntryKind::Dir {
        return Ok(None);
    }
    tree_entries(repo, dir.id, &dir.path).map(Some)
}

/// The entries of tree `id`, whose path is `dir`.
pub fn tree_entries(repo: &gix::Repository, id: ObjectId, dir: &str) -> Result<Vec<Entry>> {
    let tree = repo.find_tree(id).map_err(|e| read_error("tree", e))?;
    let decoded = tree.decode().map_err(|e| read_error("tree", e))?;
    let mut out = Vec::with_capacity(decoded.entries.len());
    for e in &decoded.entries {
        let kind = kind_of(e.mode);
        let id = e.oid.to_owned();
        let name = e.filename.to_string();
        out.push(Entry {
            path: join(dir, &name),
            name,
            kind,
            id,
            size: blob_size(repo, kind, id)?,
            mode: e.mode.value() as u32,
        });
    }
    Ok(out)
}

/// A blob's bytes.
pub fn blob(repo: &gix::Repository, id: ObjectId) -> Result<Vec<u8>> {
    let mut b = repo.find_blob(id).map_err(|e| read_error("blob", e))?;
    Ok(b.take_data())
}

fn person(sig: gix::actor::SignatureRef<'_>) -> Person {
    let time = sig.time().unwrap_or_default();
    Person {
        name: sig.name.to_string(),
        email: sig.email.to_string(),
        time: time.seconds,
        offset: time.offset,
    }
}

/// The commit `id`, or `None` when there is no such commit.
pub fn commit(repo: &gix::Repository, id: ObjectId) -> Result<Option<CommitInfo>> {
    let Some(obj) = repo
        .try_find_object(id)
        .map_err(|e| read_error("object", e))?
    else {
        return Ok(None);
    };
    let Ok(c) = obj.try_into_commit() else {
        return Ok(None);
    };
    let d = c.decode().map_err(|e| read_error("commit", e))?;
    Ok(Some(CommitInfo {
        id,
        tree: d.tree(),
        parents: d.parents().collect(),
        author: person(d.author().map_err(|e| read_error("commit", e))?),
        committer: person(d.committer().map_err(|e| read_error("commit", e))?),
        message: d.message.to_string(),
    }))
}

/// The id of the tree at directory `dir` in `commit` (`None` when it is not there).
fn dir_tree(repo: &gix::Repository, commit: ObjectId, dir: &[&str]) -> Result<Option<ObjectId>> {
    let tree = root_tree(repo, commit)?;
    if dir.is_empty() {
        return Ok(Some(tree.id));
    }
    match tree
        .lookup_entry_by_path(dir.join("/"))
        .map_err(|e| read_error("tree", e))?
    {
        Some(e) if e.mode().is_tree() => Ok(Some(e.object_id())),
        _ => Ok(None),
    }
}

/// Name → id of the entries of tree `id` (empty for `None`).
fn entry_ids(repo: &gix::Repository, id: Option<ObjectId>) -> Result<HashMap<String, ObjectId>> {
    let Some(id) = id else {
        return Ok(HashMap::new());
    };
    let tree = repo.find_tree(id).map_err(|e| read_error("tree", e))?;
    let decoded = tree.decode().map_err(|e| read_error("tree", e))?;
    Ok(decoded
        .entries
        .iter()
        .map(|e| (e.filename.to_string(), e.oid.to_owned()))
        .collect())
}

/// The last commit (walking back from `start`) that changed each of `names` in the
/// directory `dir`: one walk over history for all of them, which looks inside a commit
/// only when the directory's tree differs from every parent's. A commit changed an entry
/// when the entry differs from it in every parent (a merge that kept one side's version
/// did not change it; that side's commit did).
pub fn last_commits(
    repo: &gix::Repository,
    start: ObjectId,
    dir: &str,
    names: &[String],
) -> Result<HashMap<String, ObjectId>> {
    let Some(parts) = path_components(dir) else {
        return Ok(HashMap::new());
    };
    let mut open: HashSet<&str> = names.iter().map(String::as_str).collect();
    let mut found = HashMap::new();
    let walk = repo
        .rev_walk([start])
        .sorting(gix::revision::walk::Sorting::ByCommitTime(
            gix::traverse::commit::simple::CommitTimeOrder::NewestFirst,
        ))
        .use_commit_graph(true)
        .all()
        .map_err(|e| read_error("history", e))?;
    let mut trees: HashMap<ObjectId, Option<ObjectId>> = HashMap::new();
    let mut tree_of = |c: ObjectId| -> Result<Option<ObjectId>> {
        if let Some(t) = trees.get(&c) {
            return Ok(*t);
        }
        let t = dir_tree(repo, c, &parts)?;
        trees.insert(c, t);
        Ok(t)
    };
    for info in walk {
        if open.is_empty() {
            break;
        }
        let info = info.map_err(|e| read_error("history", e))?;
        let here = tree_of(info.id)?;
        let parents: Vec<ObjectId> = info.parent_ids.iter().copied().collect();
        let mut parent_trees = Vec::with_capacity(parents.len());
        for p in &parents {
            parent_trees.push(tree_of(*p)?);
        }
        if parent_trees.contains(&here) {
            continue;
        }
        let mine = entry_ids(repo, here)?;
        let theirs: Vec<HashMap<String, ObjectId>> = parent_trees
            .iter()
            .map(|t| entry_ids(repo, *t))
            .collect::<Result<_>>()?;
        let changed: Vec<&str> = open
            .iter()
            .copied()
            .filter(|name| {
                let now = mine.get(*name);
                now.is_some() && theirs.iter().all(|p| p.get(*name) != now)
            })
            .collect();
        for name in changed {
            open.remove(name);
            found.insert(name.to_string(), info.id);
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str], date: &str) -> String {
        let out = Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// A work tree with: a.txt (c1, changed in c3), dir/b.txt (c2), link -> a.txt (c2),
    /// a side branch merged back (c4 changes dir/c.txt on the side, merge m).
    fn fixture() -> (tempfile::TempDir, HashMap<&'static str, String>) {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        let mut ids = HashMap::new();
        git(d, &["init", "-q", "-b", "main"], "1600000000 +0000");
        std::fs::write(d.join("a.txt"), "one\n").unwrap();
        git(d, &["add", "."], "1600000000 +0000");
        git(d, &["commit", "-qm", "c1"], "1600000000 +0000");
        ids.insert("c1", git(d, &["rev-parse", "HEAD"], "1600000000 +0000"));
        std::fs::create_dir(d.join("dir")).unwrap();
        std::fs::write(d.join("dir/b.txt"), "bee\n").unwrap();
        std::os::unix::fs::symlink("a.txt", d.join("link")).unwrap();
        git(d, &["add", "."], "1600000100 +0000");
        git(d, &["commit", "-qm", "c2"], "1600000100 +0000");
        ids.insert("c2", git(d, &["rev-parse", "HEAD"], "1600000100 +0000"));
        git(
            d,
            &["tag", "-a", "v1", "-m", "version one"],
            "1600000100 +0000",
        );
        git(d, &["checkout", "-qb", "side"], "1600000150 +0000");
        std::fs::write(d.join("dir/c.txt"), "sea\n").unwrap();
        git(d, &["add", "."], "1600000150 +0000");
        git(d, &["commit", "-qm", "c4"], "1600000150 +0000");
        ids.insert("c4", git(d, &["rev-parse", "HEAD"], "1600000150 +0000"));
        git(d, &["checkout", "-q", "main"], "1600000200 +0000");
        std::fs::write(d.join("a.txt"), "two\n").unwrap();
        git(d, &["commit", "-qam", "c3"], "1600000200 +0000");
        ids.insert("c3", git(d, &["rev-parse", "HEAD"], "1600000200 +0000"));
        git(
            d,
            &["merge", "-q", "--no-ff", "side", "-m", "m"],
            "1600000300 +0000",
        );
        ids.insert("m", git(d, &["rev-parse", "HEAD"], "1600000300 +0000"));
        (t, ids)
    }

    fn oid(s: &str) -> ObjectId {
        ObjectId::from_hex(s.as_bytes()).unwrap()
    }

    #[test]
    fn resolves_branches_tags_and_commit_ids() {
        let (t, ids) = fixture();
        let root = RepoRoot::new(t.path());
        let repo = root.open(&t.path().join(".git")).unwrap();
        let head = resolve(&repo, "").unwrap().unwrap();
        assert_eq!(head.commit, oid(&ids["m"]));
        assert_eq!(head.name, "main");
        let side = resolve(&repo, "side").unwrap().unwrap();
        assert_eq!((side.kind, side.commit), (RefKind::Branch, oid(&ids["c4"])));
        // An annotated tag is peeled to its commit.
        let tag = resolve(&repo, "v1").unwrap().unwrap();
        assert_eq!((tag.kind, tag.commit), (RefKind::Tag, oid(&ids["c2"])));
        let short = resolve(&repo, &ids["c1"][..10]).unwrap().unwrap();
        assert_eq!(
            (short.kind, short.commit),
            (RefKind::Commit, oid(&ids["c1"]))
        );
        for bad in ["nope", "main..side", "main~1", "a\0b", &"f".repeat(40)] {
            assert!(resolve(&repo, bad).unwrap().is_none(), "{bad}");
        }
    }

    #[test]
    fn reads_entries_without_following_symlinks() {
        let (t, ids) = fixture();
        let root = RepoRoot::new(t.path());
        let repo = root.open(&t.path().join(".git")).unwrap();
        let m = oid(&ids["m"]);
        let names: Vec<String> = list_dir(&repo, m, "")
            .unwrap()
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["a.txt", "dir", "link"]);
        let a = entry(&repo, m, "a.txt").unwrap().unwrap();
        assert_eq!((a.kind, a.size, a.mode), (EntryKind::File, 4, 0o100644));
        assert_eq!(blob(&repo, a.id).unwrap(), b"two\n");
        let link = entry(&repo, m, "link").unwrap().unwrap();
        assert_eq!(link.kind, EntryKind::Symlink);
        assert_eq!(blob(&repo, link.id).unwrap(), b"a.txt");
        assert!(entry(&repo, m, "link/x").unwrap().is_none());
        let b = entry(&repo, m, "/dir/b.txt").unwrap().unwrap();
        assert_eq!(b.path, "dir/b.txt");
        assert!(list_dir(&repo, m, "a.txt").unwrap().is_none());
        for bad in [
            "../a.txt",
            "dir/../a.txt",
            ".git/config",
            "dir\\b.txt",
            "a\0",
            "dir//b.txt",
        ] {
            assert!(entry(&repo, m, bad).unwrap().is_none(), "{bad}");
        }
        let c = commit(&repo, oid(&ids["c3"])).unwrap().unwrap();
        assert_eq!(c.message.trim(), "c3");
        assert_eq!(c.parents, vec![oid(&ids["c2"])]);
        assert_eq!(c.author.time, 1600000200);
        assert!(commit(&repo, a.id).unwrap().is_none());
    }

    #[test]
    fn finds_the_last_commit_of_every_entry_in_one_walk() {
        let (t, ids) = fixture();
        let root = RepoRoot::new(t.path());
        let repo = root.open(&t.path().join(".git")).unwrap();
        let m = oid(&ids["m"]);
        let names = |d: &str| -> Vec<String> {
            list_dir(&repo, m, d)
                .unwrap()
                .unwrap()
                .into_iter()
                .map(|e| e.name)
                .collect()
        };
        let top = last_commits(&repo, m, "", &names("")).unwrap();
        assert_eq!(top["a.txt"], oid(&ids["c3"]));
        assert_eq!(top["link"], oid(&ids["c2"]));
        // The merge kept the side's dir/c.txt: the side's commit changed dir.
        assert_eq!(top["dir"], oid(&ids["c4"]));
        let sub = last_commits(&repo, m, "dir", &names("dir")).unwrap();
        assert_eq!(sub["b.txt"], oid(&ids["c2"]));
        assert_eq!(sub["c.txt"], oid(&ids["c4"]));
    }
}
