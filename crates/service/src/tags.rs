//! Tags through the API: listing and reading them, and creating (lightweight, or
//! annotated with a message) and deleting them as compare-and-swap ref moves settled as a
//! push (the same events as `git push --tags`).

use crate::actor::Actor;
use crate::repo_ctx::RepoCtx;
use crate::Services;
use oxforge_core::{Error, Result};
use oxforge_git::read::{self, ObjectId};
use oxforge_git::tags::{self, Annotated, TagInfo};
use oxforge_git::write::{self, Ident};

fn no_tag(name: &str) -> Error {
    Error::not_found_msg(format!("tag does not exist [name: {name}]"))
}

impl Services {
    /// Every tag, newest first.
    pub async fn tags(&self, ctx: &RepoCtx) -> Result<Vec<TagInfo>> {
        self.repos.read(&self.repo_path(ctx), tags::tags).await
    }

    /// The tag `name`.
    pub async fn tag(&self, ctx: &RepoCtx, name: &str) -> Result<TagInfo> {
        if !write::valid_ref_name(name) {
            return Err(no_tag(name));
        }
        let n = name.to_string();
        self.repos
            .read(&self.repo_path(ctx), move |repo| tags::tag(repo, &n))
            .await?
            .ok_or_else(|| no_tag(name))
    }

    /// The annotated tag object `sha`.
    pub async fn annotated_tag(&self, ctx: &RepoCtx, sha: &str) -> Result<Annotated> {
        let id = ObjectId::from_hex(sha.as_bytes())
            .map_err(|_| Error::bad_request(format!("invalid sha: {sha}")))?;
        self.repos
            .read(&self.repo_path(ctx), move |repo| tags::annotated(repo, id))
            .await?
            .ok_or_else(|| Error::not_found_msg(format!("tag does not exist [id: {sha}]")))
    }

    /// Gitea's `CreateTag`: annotated when `message` is given, on `target` (a branch or
    /// commit; the default branch when empty).
    pub async fn create_tag(
        &self,
        actor: &Actor,
        ctx: &RepoCtx,
        name: &str,
        target: &str,
        message: &str,
    ) -> Result<TagInfo> {
        Self::require_content_write(ctx)?;
        if !write::valid_ref_name(name) {
            return Err(Error::validation(format!(
                "tag name is invalid [name: {name}]"
            )));
        }
        let user = actor.require_user()?;
        let tagger = Ident {
            name: if user.full_name.trim().is_empty() {
                user.name.clone()
            } else {
                user.full_name.clone()
            },
            email: user.email.clone(),
            time: oxforge_core::time::now(),
            offset: 0,
        };
        let full = format!("refs/tags/{name}");
        let (t, n, m, f) = (
            target.to_string(),
            name.to_string(),
            message.to_string(),
            full.clone(),
        );
        let made = self
            .repos
            .read(&self.repo_path(ctx), move |repo| {
                if write::ref_id(repo, &f)?.is_some() {
                    return Ok(Err(Error::conflict(format!(
                        "tag already exists [name: {n}]"
                    ))));
                }
                let Some(commit) = read::resolve(repo, &t)? else {
                    return Ok(Err(Error::not_found_msg(format!(
                        "target does not exist [target: {t}]"
                    ))));
                };
                if m.is_empty() {
                    return Ok(Ok(commit.commit));
                }
                let mut msg = m;
                if !msg.ends_with('\n') {
                    msg.push('\n');
                }
                write::write_tag(repo, &n, commit.commit, &tagger, &msg).map(Ok)
            })
            .await??;
        let exists = format!("tag already exists [name: {name}]");
        self.create_ref(ctx, actor, full, made, &exists).await?;
        self.tag(ctx, name).await
    }

    /// Gitea's `DeleteTag`.
    pub async fn delete_tag(&self, actor: &Actor, ctx: &RepoCtx, name: &str) -> Result<()> {
        Self::require_content_write(ctx)?;
        if !write::valid_ref_name(name) {
            return Err(no_tag(name));
        }
        let full = format!("refs/tags/{name}");
        let f = full.clone();
        let Some(old) = self
            .repos
            .read(&self.repo_path(ctx), move |repo| write::ref_id(repo, &f))
            .await?
        else {
            return Err(no_tag(name));
        };
        self.delete_ref(
            ctx,
            actor,
            full,
            old,
            "the tag has changed since it was read",
        )
        .await
    }
}
