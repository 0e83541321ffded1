//! A checked repository context: a repository together with the actor's access mode on it.
//! Only the service constructs one, after the visibility rule has passed, so a use case
//! that takes a `RepoCtx` cannot be handed a repository its actor may not see.

use crate::actor::Actor;
use crate::Services;
use oxforge_core::access::{AccessMode, Viewer};
use oxforge_core::model::RepoWithOwner;
use oxforge_core::{Error, ErrorKind, Result};

#[derive(Debug, Clone)]
pub struct RepoCtx {
    repo: RepoWithOwner,
    mode: AccessMode,
}

impl RepoCtx {
    pub fn repo(&self) -> &RepoWithOwner {
        &self.repo
    }

    pub fn id(&self) -> i64 {
        self.repo.repo.id
    }

    /// The actor's access: at least read (an invisible repository yields no context).
    pub fn mode(&self) -> AccessMode {
        self.mode
    }

    pub fn into_repo(self) -> RepoWithOwner {
        self.repo
    }

    /// Archived repositories refuse every write to their content (git, issues, mirror
    /// syncs), through every door: this is the one check.
    pub(crate) fn require_writable(&self) -> Result<()> {
        if self.repo.repo.is_archived {
            return Err(Error::new(
                ErrorKind::Locked,
                format!(
                    "{}/{} is archived",
                    self.repo.owner.name, self.repo.repo.name
                ),
            ));
        }
        Ok(())
    }

    pub(crate) fn require_mode(&self, min: AccessMode, message: &str) -> Result<()> {
        if self.mode < min {
            return Err(Error::forbidden(message));
        }
        Ok(())
    }

    /// A context for a repository the service has just made or changed on the actor's
    /// behalf (it already decided their access).
    pub(crate) fn trusted(repo: RepoWithOwner, mode: AccessMode) -> RepoCtx {
        RepoCtx { repo, mode }
    }
}

impl Services {
    /// `owner/name` as `actor` may reach it: 404 when they may not see it, and Gitea's
    /// 403 when a `public-only` token reaches for a private one they could otherwise see.
    pub async fn repo_ctx(&self, actor: &Actor, owner: &str, name: &str) -> Result<RepoCtx> {
        let r =
            match self.store.repo_by_name(owner, name).await? {
                Some(r) => r,
                None => {
                    if self.store.user_by_name(owner).await?.is_none() {
                        return Err(Error::not_found_msg("GetUserByName").with_errors(vec![
                            format!("user redirect does not exist [name: {owner}]"),
                        ]));
                    }
                    return Err(Error::not_found());
                }
            };
        self.checked(actor, r).await
    }

    /// The repository with this id as `actor` may reach it.
    pub async fn repo_ctx_by_id(&self, actor: &Actor, id: i64) -> Result<RepoCtx> {
        let r = self
            .store
            .repo_by_id(id)
            .await?
            .ok_or_else(Error::not_found)?;
        self.checked(actor, r).await
    }

    async fn checked(&self, actor: &Actor, r: RepoWithOwner) -> Result<RepoCtx> {
        // Decided as the user; the token's public-only limit answers 403 below.
        let viewer = Viewer {
            public_only: false,
            ..actor.viewer()
        };
        let mode = self.access(&viewer, &r).await?;
        if mode == AccessMode::None {
            return Err(Error::not_found());
        }
        if actor.is_public_only() && !r.is_public() {
            return Err(Error::forbidden("token scope is limited to public repos"));
        }
        Ok(RepoCtx { repo: r, mode })
    }

    /// Re-reads the context's row (after a change), keeping the actor's mode.
    pub(crate) async fn reload(&self, ctx: &RepoCtx) -> Result<RepoCtx> {
        let repo = self
            .store
            .repo_by_id(ctx.id())
            .await?
            .ok_or_else(Error::not_found)?;
        Ok(RepoCtx {
            repo,
            mode: ctx.mode,
        })
    }
}

impl crate::Services {
    /// The directory of the checked repository.
    pub(crate) fn repo_path(&self, ctx: &RepoCtx) -> std::path::PathBuf {
        let r = ctx.repo();
        self.repos.path(&r.owner.name, &r.repo.name)
    }
}
