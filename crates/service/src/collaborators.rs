//! Repository collaborators: readers of the repository see the list, its admins change it.

use crate::actor::Actor;
use crate::repo_ctx::RepoCtx;
use crate::Services;
use oxforge_core::access::{AccessMode, Viewer};
use oxforge_core::events::Event;
use oxforge_core::model::User;
use oxforge_core::paging::Paging;
use oxforge_core::{Error, Result};

const NOT_REPO_ADMIN: &str =
    "user should be an owner or a collaborator with admin write of a repository";

impl Services {
    /// Gitea answers an unknown collaborator name with 422.
    async fn collaborator_account(&self, name: &str) -> Result<User> {
        self.store
            .user_by_name(name)
            .await?
            .ok_or_else(|| Error::validation(format!("user does not exist [uid: 0, name: {name}]")))
    }

    /// A page of the repository's collaborators with their modes (signed-in readers).
    pub async fn collaborators(
        &self,
        actor: &Actor,
        ctx: &RepoCtx,
        paging: Paging,
    ) -> Result<(Vec<(User, AccessMode)>, i64)> {
        actor.require_user()?;
        self.store.collaborators(ctx.id(), Some(paging)).await
    }

    /// Whether `name` collaborates on the repository (422 for an unknown user).
    pub async fn is_collaborator(&self, actor: &Actor, ctx: &RepoCtx, name: &str) -> Result<bool> {
        actor.require_user()?;
        let user = self.collaborator_account(name).await?;
        Ok(self.store.collaboration(ctx.id(), user.id).await?.is_some())
    }

    /// Adds or changes a collaborator (`permission` read/write/admin; absent = write).
    pub async fn set_collaborator(
        &self,
        actor: &Actor,
        ctx: &RepoCtx,
        name: &str,
        permission: Option<&str>,
    ) -> Result<()> {
        actor.require_user()?;
        ctx.require_mode(AccessMode::Admin, NOT_REPO_ADMIN)?;
        let user = self.collaborator_account(name).await?;
        if user.is_org() {
            return Err(Error::validation(
                "an organization cannot be a collaborator",
            ));
        }
        if user.id == ctx.repo().repo.owner_id {
            return Err(Error::validation("the owner cannot be a collaborator"));
        }
        if !user.is_active {
            return Err(Error::validation(format!(
                "user is inactive [name: {}]",
                user.name
            )));
        }
        let mode = match permission.unwrap_or("write") {
            p @ ("read" | "write" | "admin") => AccessMode::parse(p).unwrap_or(AccessMode::Write),
            _ => return Err(Error::validation("[Permission]: In")),
        };
        self.store
            .set_collaboration(ctx.id(), user.id, Some(mode))
            .await?;
        let event = Event::CollaboratorSet {
            user_id: user.id,
            mode: mode.name().into(),
        };
        self.emit(actor, Some(ctx.id()), event).await;
        Ok(())
    }

    /// Removes a collaborator (also when they were not one).
    pub async fn remove_collaborator(
        &self,
        actor: &Actor,
        ctx: &RepoCtx,
        name: &str,
    ) -> Result<()> {
        actor.require_user()?;
        ctx.require_mode(AccessMode::Admin, NOT_REPO_ADMIN)?;
        let user = self.collaborator_account(name).await?;
        let was = self.store.collaboration(ctx.id(), user.id).await?.is_some();
        self.store
            .set_collaboration(ctx.id(), user.id, None)
            .await?;
        if was {
            let event = Event::CollaboratorRemoved { user_id: user.id };
            self.emit(actor, Some(ctx.id()), event).await;
        }
        Ok(())
    }

    /// `name`'s access to the repository: asked by themself, a repository admin or a site
    /// admin.
    pub async fn permission_of(
        &self,
        actor: &Actor,
        ctx: &RepoCtx,
        name: &str,
    ) -> Result<(User, AccessMode)> {
        let me = actor.require_user()?;
        let user = self.account(name).await?;
        if !me.is_admin && me.id != user.id && ctx.mode() < AccessMode::Admin {
            return Err(Error::forbidden("Only admins can query all permissions, repo admins can query all repo permissions, collaborators can query only their own"));
        }
        // Their own access, by the same rule as every other answer.
        let theirs = self
            .access(&Viewer::of(Some(&user), false), ctx.repo())
            .await?;
        Ok((user, theirs))
    }
}
