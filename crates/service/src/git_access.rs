//! Who may fetch from or push to a repository over git (any door), and keeping the
//! repository's API view current after a push.

use crate::actor::Actor;
use crate::repo_ctx::RepoCtx;
use crate::repos::CreateRepo;
use crate::Services;
use oxforge_core::access::{AccessMode, Viewer};
use oxforge_core::model::RepoWithOwner;
use oxforge_core::names::validate_repo_name;
use oxforge_core::scope::{Category, Level};

use oxforge_core::{Error, ErrorKind, Result};
use std::path::PathBuf;

/// A repository the caller may use for the asked-for operation.
pub struct GitTarget {
    pub repo: RepoWithOwner,
    pub path: PathBuf,
    pub mode: AccessMode,
    /// Who acts (for the push's events).
    pub actor_id: Option<i64>,
}

/// Owner names in URLs: what any account name may contain, nothing that walks paths.
fn plausible_owner(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 40
        && !name.starts_with('.')
        && !name.contains("..")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl Services {
    /// Decides access for `user` (None = anonymous). Errors: `Unauthorized` when
    /// credentials would help (so git prompts), `NotFound` when the repository is absent
    /// or hidden from a signed-in caller, `Forbidden` for refused pushes and scopes.
    pub async fn git_target(
        &self,
        actor: &Actor,
        owner: &str,
        name: &str,
        push: bool,
    ) -> Result<GitTarget> {
        let user = actor.user();
        let scopes = actor.scopes();
        let scopes = scopes.as_ref();
        let hidden = || {
            if user.is_none() {
                Error::unauthorized("Unauthorized")
            } else {
                Error::not_found_msg("Repository not found")
            }
        };
        if !plausible_owner(owner) || validate_repo_name(name).is_err() {
            return Err(hidden());
        }
        let Some(r) = self.store.repo_by_name(owner, name).await? else {
            return self
                .push_create(actor, owner, name, push)
                .await
                .map_err(|e| {
                    if e.is(ErrorKind::NotFound) {
                        hidden()
                    } else {
                        e
                    }
                });
        };
        let viewer = Viewer::of(user, false);
        let mode = self.access(&viewer, &r).await?;
        if mode == AccessMode::None {
            return Err(hidden());
        }
        if push && user.is_none() {
            return Err(Error::unauthorized("Unauthorized"));
        }
        if let Some(s) = scopes {
            if s.public_only && !r.is_public() {
                return Err(Error::forbidden("token scope is limited to public repos"));
            }
            let level = if push { Level::Write } else { Level::Read };
            s.require(&[Category::Repository], level)?;
        }
        // Access is decided: the same context as the API's, so pushes meet the same rules.
        let ctx = RepoCtx::trusted(r, mode);
        if push {
            if ctx.repo().repo.is_mirror {
                return Err(Error::forbidden("mirror repository is read-only"));
            }
            ctx.require_writable()?;
            ctx.require_mode(
                AccessMode::Write,
                "You do not have permission to push to this repository.",
            )?;
        }
        let r = ctx.into_repo();
        let path = self.repos.path(&r.owner.name, &r.repo.name);
        Ok(GitTarget {
            repo: r,
            path,
            mode,
            actor_id: actor.user_id(),
        })
    }

    /// Push-to-create (`[repository] ENABLE_PUSH_CREATE_USER`): a push to a missing
    /// repository under the pusher's own name creates it.
    async fn push_create(
        &self,
        actor: &Actor,
        owner: &str,
        name: &str,
        push: bool,
    ) -> Result<GitTarget> {
        let Some(user) = actor.user() else {
            return Err(Error::not_found());
        };
        if !push || !user.name.eq_ignore_ascii_case(owner) {
            return Err(Error::not_found());
        }
        if !self.settings.repository.enable_push_create_user {
            return Err(Error::forbidden("Push to create is not enabled for users."));
        }
        actor.require_scope(&[Category::Repository], Level::Write)?;
        let created = self
            .create_repo(
                actor,
                user,
                Ok(CreateRepo {
                    name: name.to_string(),
                    private: self.settings.repository.default_push_create_private,
                    ..Default::default()
                }),
            )
            .await;
        let repo = match created {
            Ok(ctx) => ctx.into_repo(),
            // Another push is creating it: its row appears once its directory is made.
            Err(e) if e.is(ErrorKind::Conflict) => self.wait_for_row(owner, name).await?,
            Err(e) => return Err(e),
        };
        let path = self.repos.path(&repo.owner.name, &repo.repo.name);
        Ok(GitTarget {
            repo,
            path,
            mode: AccessMode::Owner,
            actor_id: Some(user.id),
        })
    }

    /// The row of `owner/name`, which a concurrent create is about to write.
    async fn wait_for_row(&self, owner: &str, name: &str) -> Result<RepoWithOwner> {
        for _ in 0..100 {
            if let Some(r) = self.store.repo_by_name(owner, name).await? {
                return Ok(r);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        Err(Error::not_found())
    }
}
