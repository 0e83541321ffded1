//! Editing files through the API (Gitea's `ChangeRepoFiles`): each edit is one commit
//! written without a work tree (`git::write`), put on its branch only if the branch still
//! has the value that was read (a concurrent edit gets 409, none is lost), and settled as a
//! push: marked first, then the row and the push's events follow the refs on disk.

use crate::actor::Actor;
use crate::repo_ctx::RepoCtx;
use crate::Services;
use oxforge_core::access::AccessMode;
use oxforge_core::events::RefUpdate;
use oxforge_core::{Error, Result};
use oxforge_git::read::{self, CommitInfo, Entry, ObjectId};
use oxforge_git::write::{self, EditError, FileChange, Ident, Op, RefMove};

/// A name and address given for the author or committer.
#[derive(Debug, Clone, Default)]
pub struct IdentityIn {
    pub name: String,
    pub email: String,
}

/// One commit's worth of file changes (Gitea's `ChangeFilesOptions`).
#[derive(Debug, Clone, Default)]
pub struct FileEdit {
    pub branch: Option<String>,
    pub new_branch: Option<String>,
    pub message: Option<String>,
    pub author: Option<IdentityIn>,
    pub committer: Option<IdentityIn>,
    /// Unix seconds.
    pub author_date: Option<i64>,
    pub committer_date: Option<i64>,
    pub signoff: bool,
    pub files: Vec<FileChange>,
}

/// A file as it is after the edit.
#[derive(Debug, Clone)]
pub struct FileAfter {
    pub entry: Entry,
    pub content: Vec<u8>,
}

/// What an edit made.
#[derive(Debug, Clone)]
pub struct Edited {
    pub commit: CommitInfo,
    /// The branch the commit is on.
    pub branch: String,
    /// Per change, the file after it (`None` for a deletion).
    pub files: Vec<Option<FileAfter>>,
}

/// The all-zero id of `id`'s hash kind (git's "no object").
pub(crate) fn zero_for(id: &ObjectId) -> String {
    "0".repeat(id.to_string().len())
}

fn invalid_path(p: &str) -> Error {
    Error::validation(format!(
        "path contains a malformed path component [path: {p}]"
    ))
}

/// A path an edit may name: relative, `/`-separated, no `.`/`..`/empty components, no
/// `.git`, NUL or backslash. U+FFFD is refused too: the HTTP door puts it where a request
/// target held a NUL byte.
fn check_path(p: &str) -> Result<String> {
    if p.starts_with('/') || p.ends_with('/') || p.contains('\u{fffd}') {
        return Err(invalid_path(p));
    }
    match read::path_components(p) {
        Some(parts) if !parts.is_empty() => Ok(parts.join("/")),
        _ => Err(invalid_path(p)),
    }
}

fn edit_error(e: EditError) -> Error {
    match e {
        EditError::Exists(p) => {
            Error::validation(format!("repository file already exists [path: {p}]"))
        }
        EditError::PathInvalid(p) => Error::validation(format!("path is invalid [path: {p}]")),
        EditError::Missing(p) => {
            Error::not_found_msg(format!("repository file does not exist [path: {p}]"))
        }
        EditError::ShaMismatch { given, expected } => Error::conflict(format!(
            "sha does not match [given: {given}, expected: {expected}]"
        )),
        EditError::NoSha => {
            Error::validation("a SHA or commit ID must be proved when updating a file")
        }
    }
}

/// Gitea's default message: "Add a, b\nUpdate c\nDelete d".
fn default_message(files: &[FileChange]) -> String {
    let pick = |ops: &[Op]| -> Vec<&str> {
        files
            .iter()
            .filter(|f| ops.contains(&f.op))
            .map(|f| f.path.as_str())
            .collect()
    };
    let mut out = Vec::new();
    for (word, ops) in [
        ("Add", &[Op::Create][..]),
        ("Update", &[Op::Update, Op::Upload, Op::Rename][..]),
        ("Delete", &[Op::Delete][..]),
    ] {
        let list = pick(ops);
        if !list.is_empty() {
            out.push(format!("{word} {}", list.join(", ")));
        }
    }
    out.join("\n")
}

impl Services {
    /// Who edits, as git records them: the given author and committer (one stands for the
    /// other when only one is given), else the actor.
    fn edit_idents(actor: &Actor, e: &FileEdit) -> Result<(Ident, Ident)> {
        let user = actor.require_user()?;
        let now = oxforge_core::time::now();
        let doer = IdentityIn {
            name: if user.full_name.trim().is_empty() {
                user.name.clone()
            } else {
                user.full_name.clone()
            },
            email: user.email.clone(),
        };
        let given = |i: &Option<IdentityIn>| {
            i.as_ref()
                .filter(|i| !i.email.is_empty())
                .map(|i| IdentityIn {
                    name: if i.name.is_empty() && i.email.eq_ignore_ascii_case(&doer.email) {
                        doer.name.clone()
                    } else {
                        i.name.clone()
                    },
                    email: i.email.clone(),
                })
        };
        let committer = given(&e.committer);
        let author = given(&e.author)
            .or_else(|| committer.clone())
            .unwrap_or_else(|| doer.clone());
        let committer = committer.unwrap_or_else(|| author.clone());
        let ident = |i: IdentityIn, t: Option<i64>| Ident {
            name: i.name,
            email: i.email,
            time: t.unwrap_or(now),
            offset: 0,
        };
        Ok((
            ident(author, e.author_date),
            ident(committer, e.committer_date),
        ))
    }

    /// Refuses content edits the actor may not make: write access to code, not archived
    /// (the one archived rule), not a mirror.
    pub(crate) fn require_content_write(ctx: &RepoCtx) -> Result<()> {
        ctx.require_writable()?;
        ctx.require_mode(
            AccessMode::Write,
            "user does not have permission to write to this repository",
        )?;
        if ctx.repo().repo.is_mirror {
            return Err(Error::forbidden(
                "user does not have permission to write to this repository: it is a mirror",
            ));
        }
        Ok(())
    }

    /// Applies `edit` as one commit (Gitea's `ChangeRepoFiles`).
    pub async fn change_files(
        &self,
        actor: &Actor,
        ctx: &RepoCtx,
        mut edit: FileEdit,
    ) -> Result<Edited> {
        Self::require_content_write(ctx)?;
        if edit.files.is_empty() {
            return Err(Error::validation("no files to change"));
        }
        for f in &mut edit.files {
            f.path = check_path(&f.path)?;
            if let Some(from) = f.from_path.take().filter(|p| !p.is_empty()) {
                f.from_path = Some(check_path(&from)?);
            }
            if f.op == Op::Rename && f.from_path.is_none() {
                return Err(Error::validation("from_path is required to rename a file"));
            }
        }
        let r = ctx.repo();
        let branch = edit
            .branch
            .clone()
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| r.repo.default_branch.clone());
        let target = edit
            .new_branch
            .clone()
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| branch.clone());
        if !write::valid_ref_name(&target) {
            return Err(Error::validation(format!(
                "branch name is invalid [name: {target}]"
            )));
        }
        let (author, committer) = Self::edit_idents(actor, &edit)?;
        let mut message = edit
            .message
            .clone()
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| default_message(&edit.files));
        message.push('\n');
        if edit.signoff {
            message.push_str(&format!(
                "\nSigned-off-by: {} <{}>\n",
                committer.name, committer.email
            ));
        }
        let path = self.repos.path(&r.owner.name, &r.repo.name);
        let is_empty = r.repo.is_empty;
        let files = edit.files.clone();
        let (b, t) = (branch.clone(), target.clone());
        let (old, made) = self
            .repos
            .read(&path, move |repo| {
                let base = write::ref_id(repo, &format!("refs/heads/{b}"))?;
                if base.is_none() && !is_empty {
                    return Err(Error::not_found_msg(format!(
                        "branch does not exist [name: {b}]"
                    )));
                }
                let old = if t != b {
                    if write::ref_id(repo, &format!("refs/heads/{t}"))?.is_some() {
                        return Err(Error::validation(format!(
                            "branch already exists [name: {t}]"
                        )));
                    }
                    None
                } else {
                    base
                };
                let made =
                    write::commit_changes(repo, base, &files, &author, &committer, &message)?
                        .map_err(edit_error)?;
                Ok((old, made))
            })
            .await?;
        let full = format!("refs/heads/{target}");
        let update = RefUpdate {
            name: full.clone(),
            old: old
                .map(|o| o.to_string())
                .unwrap_or_else(|| zero_for(&made.commit)),
            new: made.commit.to_string(),
        };
        let moved = self
            .move_refs(
                ctx,
                actor,
                vec![RefMove {
                    name: full,
                    old,
                    new: Some(made.commit),
                }],
                vec![update],
                None,
            )
            .await?;
        if !moved {
            return Err(Error::conflict(format!(
                "branch {target} has changed since it was read: try again"
            )));
        }
        let commit_id = made.commit;
        let paths: Vec<(Op, String)> = edit.files.iter().map(|f| (f.op, f.path.clone())).collect();
        let (commit, files) = self
            .repos
            .read(&path, move |repo| {
                let commit = read::commit(repo, commit_id)?
                    .ok_or_else(|| Error::internal("the new commit is missing"))?;
                let mut out = Vec::new();
                for (op, p) in paths {
                    if op == Op::Delete {
                        out.push(None);
                        continue;
                    }
                    let after = match read::entry(repo, commit_id, &p)? {
                        Some(entry) => {
                            let content = read::blob(repo, entry.id)?;
                            Some(FileAfter { entry, content })
                        }
                        None => None,
                    };
                    out.push(after);
                }
                Ok((commit, out))
            })
            .await?;
        Ok(Edited {
            commit,
            branch: target,
            files,
        })
    }

    /// Deletes ref `full` (a branch or tag) as a push would, if it still points at `old`;
    /// conflict (`changed`) when it moved meanwhile.
    /// Creates ref `full` at `new`, or answers 409 with `exists` when it is already there.
    pub(crate) async fn create_ref(
        &self,
        ctx: &RepoCtx,
        actor: &Actor,
        full: String,
        new: ObjectId,
        exists: &str,
    ) -> Result<()> {
        let moves = vec![RefMove {
            name: full.clone(),
            old: None,
            new: Some(new),
        }];
        let updates = vec![RefUpdate {
            name: full,
            old: zero_for(&new),
            new: new.to_string(),
        }];
        if !self.move_refs(ctx, actor, moves, updates, None).await? {
            return Err(Error::conflict(exists.to_string()));
        }
        Ok(())
    }

    pub(crate) async fn delete_ref(
        &self,
        ctx: &RepoCtx,
        actor: &Actor,
        full: String,
        old: ObjectId,
        changed: &str,
    ) -> Result<()> {
        let moves = vec![RefMove {
            name: full.clone(),
            old: Some(old),
            new: None,
        }];
        let updates = vec![RefUpdate {
            name: full,
            old: old.to_string(),
            new: zero_for(&old),
        }];
        if !self.move_refs(ctx, actor, moves, updates, None).await? {
            return Err(Error::conflict(changed.to_string()));
        }
        Ok(())
    }

    /// Moves refs as a push would: marked first, each ref only if it still has the value
    /// read (compare-and-swap, all or none), HEAD pointed at `head` when given, then
    /// settled (row refresh, push and branch/tag events). `false`: a ref had moved.
    pub(crate) async fn move_refs(
        &self,
        ctx: &RepoCtx,
        actor: &Actor,
        moves: Vec<RefMove>,
        updates: Vec<RefUpdate>,
        head: Option<String>,
    ) -> Result<bool> {
        let r = ctx.repo();
        let path = self.repos.path(&r.owner.name, &r.repo.name);
        let (mark, _guard) = self.mark_push(ctx.id(), actor.user_id(), &updates).await?;
        let moved = self
            .repos
            .read(&path, move |repo| {
                write::update_refs(repo, &moves, head.as_deref(), "oxforge: API edit")
            })
            .await;
        if let Ok(true) = moved {
            // Applied by compare-and-swap, even if another edit has moved the ref since.
            if let Some(current) = self.store.repo_by_id(ctx.id()).await? {
                self.settle_applied(ctx.id(), &current, &path, actor.user_id(), updates)
                    .await?;
            }
            self.store.clear_push_mark(mark).await?;
        } else {
            // Nothing applied (or an error): what the refs show applied is what happened.
            self.settle_push(ctx.id(), actor.user_id(), &updates, Some(mark))
                .await?;
        }
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_an_edit_may_not_name() {
        for bad in [
            "",
            "/etc/passwd",
            "a/../b",
            "..",
            "./a",
            "a//b",
            "a/",
            ".git/config",
            "a/.GIT/x",
            "a\\b",
            "a\0b",
            "a\u{fffd}b",
        ] {
            assert!(check_path(bad).is_err(), "{bad:?}");
        }
        assert_eq!(check_path("docs/a b.md").unwrap(), "docs/a b.md");
    }

    #[test]
    fn default_messages_are_giteas() {
        let f = |op, p: &str| FileChange {
            op,
            path: p.into(),
            from_path: None,
            sha: None,
            content: None,
        };
        assert_eq!(default_message(&[f(Op::Create, "a")]), "Add a");
        assert_eq!(
            default_message(&[f(Op::Create, "a"), f(Op::Create, "b"), f(Op::Delete, "c")]),
            "Add a, b\nDelete c"
        );
    }
}
