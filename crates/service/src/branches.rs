//! Creating, deleting and renaming branches through the API: each a ref move by
//! compare-and-swap, settled as a push (row refresh, push and branch events).

use crate::actor::Actor;
use crate::repo_ctx::RepoCtx;
use crate::Services;
use oxforge_core::events::RefUpdate;
use oxforge_core::{Error, Result};
use oxforge_git::read::{self, ObjectId};
use oxforge_git::refs::BranchInfo;
use oxforge_git::write::{self, RefMove};
use oxforge_store::RepoUpdate;

use crate::files::zero_for as zero;

impl Services {
    async fn branch_id(&self, ctx: &RepoCtx, name: &str) -> Result<Option<ObjectId>> {
        let r = ctx.repo();
        let path = self.repos.path(&r.owner.name, &r.repo.name);
        let full = format!("refs/heads/{name}");
        self.repos
            .read(&path, move |repo| write::ref_id(repo, &full))
            .await
    }

    async fn branch_info(&self, ctx: &RepoCtx, name: &str) -> Result<BranchInfo> {
        self.branches(ctx)
            .await?
            .into_iter()
            .find(|b| b.name == name)
            .ok_or_else(|| Error::internal("the new branch is missing"))
    }

    /// Gitea's `CreateBranch`: `name` from `from` (a branch, tag or commit; the default
    /// branch when empty).
    pub async fn create_branch(
        &self,
        actor: &Actor,
        ctx: &RepoCtx,
        name: &str,
        from: Option<&str>,
    ) -> Result<BranchInfo> {
        Self::require_content_write(ctx)?;
        if !write::valid_ref_name(name) {
            return Err(Error::validation(format!(
                "branch name is invalid [name: {name}]"
            )));
        }
        let r = ctx.repo();
        let path = self.repos.path(&r.owner.name, &r.repo.name);
        let from = from.unwrap_or("").to_string();
        let source = self
            .repos
            .read(&path, move |repo| read::resolve(repo, &from))
            .await?
            .ok_or_else(|| Error::not_found_msg("The old branch does not exist"))?;
        if self.branch_id(ctx, name).await?.is_some() {
            return Err(Error::conflict("The branch already exists."));
        }
        let full = format!("refs/heads/{name}");
        self.create_ref(
            ctx,
            actor,
            full,
            source.commit,
            "The branch already exists.",
        )
        .await?;
        self.branch_info(ctx, name).await
    }

    /// Gitea's `DeleteBranch`: never the default branch.
    pub async fn delete_branch(&self, actor: &Actor, ctx: &RepoCtx, name: &str) -> Result<()> {
        Self::require_content_write(ctx)?;
        if name == ctx.repo().repo.default_branch {
            return Err(Error::forbidden("can not delete default branch"));
        }
        let Some(old) = self.branch_id(ctx, name).await? else {
            return Err(Error::not_found_msg(format!(
                "branch does not exist [name: {name}]"
            )));
        };
        let full = format!("refs/heads/{name}");
        self.delete_ref(
            ctx,
            actor,
            full,
            old,
            "the branch has changed since it was read",
        )
        .await
    }

    /// Gitea's `RenameBranch` (1.23+): renaming the default branch moves HEAD and the
    /// row's default branch with it.
    pub async fn rename_branch(
        &self,
        actor: &Actor,
        ctx: &RepoCtx,
        from: &str,
        to: &str,
    ) -> Result<()> {
        Self::require_content_write(ctx)?;
        if !write::valid_ref_name(to) {
            return Err(Error::validation(format!(
                "branch name is invalid [name: {to}]"
            )));
        }
        let Some(old) = self.branch_id(ctx, from).await? else {
            return Err(Error::not_found_msg("Branch doesn't exist."));
        };
        if from == to || self.branch_id(ctx, to).await?.is_some() {
            return Err(Error::validation(
                "Cannot rename a branch using the same name or rename to a branch that already exists.",
            ));
        }
        let is_default = ctx.repo().repo.default_branch == from;
        let (old_full, new_full) = (format!("refs/heads/{from}"), format!("refs/heads/{to}"));
        let moved = self
            .move_refs(
                ctx,
                actor,
                vec![
                    RefMove {
                        name: new_full.clone(),
                        old: None,
                        new: Some(old),
                    },
                    RefMove {
                        name: old_full.clone(),
                        old: Some(old),
                        new: None,
                    },
                ],
                vec![
                    RefUpdate {
                        name: old_full,
                        old: old.to_string(),
                        new: zero(&old),
                    },
                    RefUpdate {
                        name: new_full,
                        old: zero(&old),
                        new: old.to_string(),
                    },
                ],
                is_default.then(|| to.to_string()),
            )
            .await?;
        if !moved {
            return Err(Error::conflict("the branch has changed since it was read"));
        }
        if is_default {
            self.store
                .update_repo(
                    ctx.id(),
                    &RepoUpdate {
                        default_branch: Some(to.to_string()),
                        ..Default::default()
                    },
                )
                .await?;
        }
        Ok(())
    }
}
