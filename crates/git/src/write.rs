//! Writing repositories in-process with gix, without a work tree: blobs, trees (gix's tree
//! editor), commits and annotated tags are written as objects, and refs move only by
//! compare-and-swap (a ref transaction whose expected previous value is the one that was
//! read), so a concurrent change is refused, never overwritten. Everything here blocks:
//! the service runs it through `RepoRoot::read` on the blocking pool.

use crate::read::{self, EntryKind, ObjectId};
use gix::bstr::BString;
use gix::object::tree::EntryKind as GixKind;
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit, RefLog};
use gix::refs::Target;
use oxforge_core::{Error, Result};

fn write_error(what: &str, detail: impl std::fmt::Display) -> Error {
    tracing::error!(%detail, "writing {what} failed");
    Error::internal(format!("writing {what} failed"))
}

/// Who and when, for a commit or a tag.
#[derive(Debug, Clone)]
pub struct Ident {
    pub name: String,
    pub email: String,
    /// Unix seconds.
    pub time: i64,
    /// Offset from UTC in seconds.
    pub offset: i32,
}

impl Ident {
    fn signature(&self) -> gix::actor::Signature {
        gix::actor::Signature {
            name: self.name.as_str().into(),
            email: self.email.as_str().into(),
            time: gix::date::Time {
                seconds: self.time,
                offset: self.offset,
            },
        }
    }
}

/// What to do with one file (Gitea's `ChangeFileOperation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// The path must not exist.
    Create,
    /// The file (or `from_path`) must exist with the given blob id.
    Update,
    /// Create or update, no id needed.
    Upload,
    /// Move `from_path` to `path`, keeping (or replacing) the content.
    Rename,
    /// The file must exist with the given blob id.
    Delete,
}

#[derive(Debug, Clone)]
pub struct FileChange {
    pub op: Op,
    /// Checked by the caller (`read::path_components`).
    pub path: String,
    pub from_path: Option<String>,
    /// The blob id the caller last saw.
    pub sha: Option<String>,
    pub content: Option<Vec<u8>>,
}

/// Why an edit was refused, for the caller to render as Gitea does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// The path exists already (create, or the target of a move).
    Exists(String),
    /// A file stands where a directory is needed, or a directory where a file is.
    PathInvalid(String),
    /// No file at the path (update, delete, a move's source).
    Missing(String),
    /// The blob id given is not the one at the path.
    ShaMismatch { given: String, expected: String },
    /// Update or delete without a blob id.
    NoSha,
}

/// A commit made of `changes` on top of `parent` (none: the first commit).
#[derive(Debug, Clone)]
pub struct Made {
    pub commit: ObjectId,
    pub tree: ObjectId,
}

/// The entry at `path` in tree `tree` (the editor only knows the trees it has loaded, so
/// lookups go to the tree written after each change).
fn entry_at(
    repo: &gix::Repository,
    tree: ObjectId,
    path: &str,
) -> Result<Option<(GixKind, ObjectId)>> {
    let tree = repo.find_tree(tree).map_err(|e| write_error("tree", e))?;
    Ok(tree
        .lookup_entry_by_path(path)
        .map_err(|e| write_error("tree", e))?
        .map(|e| (e.mode().kind(), e.object_id())))
}

fn is_dir(k: GixKind) -> bool {
    matches!(k, GixKind::Tree | GixKind::Commit)
}

/// Refuses a path under which some prefix is not a directory, or that is one.
fn check_parents(
    repo: &gix::Repository,
    tree: ObjectId,
    path: &str,
) -> Result<std::result::Result<(), EditError>> {
    let parts: Vec<&str> = path.split('/').collect();
    for i in 1..parts.len() {
        let prefix = parts[..i].join("/");
        match entry_at(repo, tree, &prefix)? {
            Some((GixKind::Tree, _)) | None => {}
            Some(_) => return Ok(Err(EditError::PathInvalid(prefix))),
        }
    }
    if let Some((k, _)) = entry_at(repo, tree, path)? {
        if is_dir(k) {
            return Ok(Err(EditError::PathInvalid(path.to_string())));
        }
    }
    Ok(Ok(()))
}

fn check_sha(given: &Option<String>, actual: ObjectId) -> std::result::Result<(), EditError> {
    let Some(given) = given.as_deref().filter(|s| !s.is_empty()) else {
        return Err(EditError::NoSha);
    };
    if !given.eq_ignore_ascii_case(&actual.to_string()) {
        return Err(EditError::ShaMismatch {
            given: given.to_string(),
            expected: actual.to_string(),
        });
    }
    Ok(())
}

/// Writes the blobs, trees and the commit that apply `changes` to `parent`'s tree. The
/// commit is not on any ref yet (`update_ref` puts it there).
pub fn commit_changes(
    repo: &gix::Repository,
    parent: Option<ObjectId>,
    changes: &[FileChange],
    author: &Ident,
    committer: &Ident,
    message: &str,
) -> Result<std::result::Result<Made, EditError>> {
    let base_tree = match parent {
        Some(p) => repo
            .find_commit(p)
            .map_err(|e| write_error("commit", e))?
            .tree_id()
            .map_err(|e| write_error("tree", e))?
            .detach(),
        None => ObjectId::empty_tree(repo.object_hash()),
    };
    let mut ed = repo
        .edit_tree(base_tree)
        .map_err(|e| write_error("tree", e))?;
    let mut cur = base_tree;
    for c in changes {
        let path = c.path.as_str();
        let existing = entry_at(repo, cur, path)?.filter(|(k, _)| !is_dir(*k));
        let mut kind = GixKind::Blob;
        // The content a move keeps when it brings none.
        let mut keep: Option<ObjectId> = None;
        match c.op {
            Op::Create => {
                if let Some((k, _)) = entry_at(repo, cur, path)? {
                    return Ok(Err(if is_dir(k) {
                        EditError::PathInvalid(path.to_string())
                    } else {
                        EditError::Exists(path.to_string())
                    }));
                }
            }
            Op::Upload => {
                if let Some((k, _)) = existing {
                    kind = k;
                }
            }
            Op::Update | Op::Rename | Op::Delete => {
                let from = c
                    .from_path
                    .as_deref()
                    .filter(|f| !f.is_empty())
                    .unwrap_or(path);
                let Some((k, id)) = entry_at(repo, cur, from)?.filter(|(k, _)| !is_dir(*k)) else {
                    return Ok(Err(EditError::Missing(from.to_string())));
                };
                if c.op != Op::Rename || c.sha.is_some() {
                    if let Err(e) = check_sha(&c.sha, id) {
                        return Ok(Err(e));
                    }
                }
                kind = k;
                keep = Some(id);
                if from != path {
                    if entry_at(repo, cur, path)?.is_some() {
                        return Ok(Err(EditError::Exists(path.to_string())));
                    }
                    ed.remove(from).map_err(|e| write_error("tree", e))?;
                }
            }
        }
        if c.op == Op::Delete {
            ed.remove(path).map_err(|e| write_error("tree", e))?;
            cur = ed.write().map_err(|e| write_error("tree", e))?.detach();
            continue;
        }
        if let Err(e) = check_parents(repo, cur, path)? {
            return Ok(Err(e));
        }
        let blob = match &c.content {
            Some(bytes) => repo
                .write_blob(bytes)
                .map_err(|e| write_error("blob", e))?
                .detach(),
            None => match keep {
                Some(id) => id,
                None => repo
                    .write_blob(b"")
                    .map_err(|e| write_error("blob", e))?
                    .detach(),
            },
        };
        ed.upsert(path, kind, blob)
            .map_err(|e| write_error("tree", e))?;
        cur = ed.write().map_err(|e| write_error("tree", e))?.detach();
    }
    let tree = cur;
    let commit = gix::objs::Commit {
        tree,
        parents: parent.into_iter().collect(),
        author: author.signature(),
        committer: committer.signature(),
        encoding: None,
        message: BString::from(message),
        extra_headers: Vec::new(),
    };
    let id = repo
        .write_object(&commit)
        .map_err(|e| write_error("commit", e))?
        .detach();
    Ok(Ok(Made { commit: id, tree }))
}

/// Writes an annotated tag object named `name` for commit `target`.
pub fn write_tag(
    repo: &gix::Repository,
    name: &str,
    target: ObjectId,
    tagger: &Ident,
    message: &str,
) -> Result<ObjectId> {
    let tag = gix::objs::Tag {
        target,
        target_kind: gix::object::Kind::Commit,
        name: name.into(),
        tagger: Some(tagger.signature()),
        message: message.into(),
        signature: None,
    };
    Ok(repo
        .write_object(&tag)
        .map_err(|e| write_error("tag", e))?
        .detach())
}

/// One ref move: `old` `None` means the ref must not exist, `new` `None` deletes it.
#[derive(Debug, Clone)]
pub struct RefMove {
    /// Full name, e.g. `refs/heads/main`.
    pub name: String,
    pub old: Option<ObjectId>,
    pub new: Option<ObjectId>,
}

/// The current id of ref `full` (not peeled), if it exists.
pub fn ref_id(repo: &gix::Repository, full: &str) -> Result<Option<ObjectId>> {
    let Some(r) = repo
        .try_find_reference(full)
        .map_err(|e| write_error("reference", e))?
    else {
        return Ok(None);
    };
    Ok(r.target().try_id().map(|id| id.to_owned()))
}

/// Applies `moves` (and points HEAD at `head`, when given) in one ref transaction, each
/// only if its ref still has the value the caller read. `Ok(false)`: some ref had moved
/// (or was locked by a concurrent change), and nothing was changed.
pub fn update_refs(
    repo: &gix::Repository,
    moves: &[RefMove],
    head: Option<&str>,
    message: &str,
) -> Result<bool> {
    let mut edits = Vec::new();
    for m in moves {
        let name: gix::refs::FullName = m
            .name
            .as_str()
            .try_into()
            .map_err(|e| write_error("reference name", e))?;
        let expected = match m.old {
            Some(id) => PreviousValue::MustExistAndMatch(Target::Object(id)),
            None => PreviousValue::MustNotExist,
        };
        let change = match m.new {
            Some(new) => Change::Update {
                log: LogChange {
                    mode: RefLog::AndReference,
                    force_create_reflog: false,
                    message: message.into(),
                },
                expected,
                new: Target::Object(new),
            },
            None => Change::Delete {
                expected,
                log: RefLog::AndReference,
            },
        };
        edits.push(RefEdit {
            change,
            name,
            deref: false,
        });
    }
    if let Some(branch) = head {
        let target: gix::refs::FullName = format!("refs/heads/{branch}")
            .try_into()
            .map_err(|e| write_error("reference name", e))?;
        edits.push(RefEdit {
            change: Change::Update {
                log: LogChange::default(),
                expected: PreviousValue::Any,
                new: Target::Symbolic(target),
            },
            name: "HEAD"
                .try_into()
                .map_err(|e| write_error("reference name", e))?,
            deref: false,
        });
    }
    let committer = gix::actor::Signature {
        name: "oxforge".into(),
        email: "oxforge@localhost".into(),
        time: gix::date::Time::now_utc(),
    };
    let mut buf = gix::date::parse::TimeBuf::default();
    match repo.edit_references_as(edits, Some(committer.to_ref(&mut buf))) {
        Ok(_) => Ok(true),
        Err(e) => {
            // Refused because a ref had moved, or was locked by a concurrent change:
            // a conflict. Anything else is an error.
            for m in moves {
                if ref_id(repo, &m.name)? != m.old {
                    return Ok(false);
                }
            }
            let text = e.to_string();
            if text.contains("lock") || text.contains("Lock") {
                return Ok(false);
            }
            Err(write_error("references", text))
        }
    }
}

/// What a path's entry is, for answering after an edit.
pub fn kind_name(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Dir => "dir",
        EntryKind::Symlink => "symlink",
        EntryKind::Submodule => "submodule",
        EntryKind::File | EntryKind::Executable => "file",
    }
}

/// Whether `name` is a valid branch or tag name for git (`git check-ref-format`).
pub fn valid_ref_name(name: &str) -> bool {
    !name.is_empty()
        && gix::validate::reference::name_partial(name.into()).is_ok()
        && !name.starts_with('-')
        && !name.contains("..")
}

/// The file's entry after an edit (for the answer).
pub fn entry_after(
    repo: &gix::Repository,
    commit: ObjectId,
    path: &str,
) -> Result<Option<read::Entry>> {
    read::entry(repo, commit, path)
}
