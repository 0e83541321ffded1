//! Stars and watches: any reader of a repository may star or watch it; the lists go
//! through the one visibility rule.

use crate::actor::Actor;
use crate::repo_ctx::RepoCtx;
use crate::Services;
use oxforge_core::model::User;
use oxforge_core::paging::Paging;
use oxforge_core::query::{Follow, RepoFilter};
use oxforge_core::Result;

impl Services {
    /// Stars or watches (`on`) the repository, or stops.
    pub async fn set_follow(
        &self,
        actor: &Actor,
        ctx: &RepoCtx,
        f: Follow,
        on: bool,
    ) -> Result<()> {
        let me = actor.require_user()?;
        self.store.set_follow(f, me.id, ctx.id(), on).await
    }

    /// Since when the actor stars or watches the repository, if they do.
    pub async fn follow_since(
        &self,
        actor: &Actor,
        ctx: &RepoCtx,
        f: Follow,
    ) -> Result<Option<i64>> {
        let me = actor.require_user()?;
        self.store.follow_since(f, me.id, ctx.id()).await
    }

    /// Who stars or watches the repository.
    pub async fn followers(
        &self,
        ctx: &RepoCtx,
        f: Follow,
        paging: Paging,
    ) -> Result<(Vec<User>, i64)> {
        self.store.followers(f, ctx.id(), paging).await
    }

    /// The repositories `user_id` stars or watches that the actor may see.
    pub async fn followed_repos(
        &self,
        actor: &Actor,
        f: Follow,
        user_id: i64,
        paging: Paging,
    ) -> Result<(Vec<RepoCtx>, i64)> {
        let filter = match f {
            Follow::Star => RepoFilter {
                starred_by: Some(user_id),
                ..Default::default()
            },
            Follow::Watch => RepoFilter {
                watched_by: Some(user_id),
                ..Default::default()
            },
        };
        self.search_repos(actor, &filter, Some(paging)).await
    }
}
