//! Following users (Gitea's social graph): anyone signed in may follow any account they
//! can see; lists show only the accounts the caller may see.

use crate::actor::Actor;
use crate::Services;
use oxforge_core::model::User;
use oxforge_core::paging::Paging;
use oxforge_core::Result;

/// Which side of the relation a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowList {
    /// Who follows the user.
    Followers,
    /// Whom the user follows.
    Following,
}

impl Services {
    /// The actor starts (or stops) following `target`. Following oneself is a no-op, as in Gitea.
    pub async fn set_following(&self, actor: &Actor, target: &User, on: bool) -> Result<()> {
        let me = actor.require_user()?;
        if me.id == target.id {
            return Ok(());
        }
        self.store.set_following(me.id, target.id, on).await
    }

    pub async fn is_following(&self, user: &User, target: &User) -> Result<bool> {
        self.store.is_following(user.id, target.id).await
    }

    /// One page of `user`'s followers or followed accounts that `viewer` may see, with
    /// their number (counted after the visibility filter).
    pub async fn follow_list(
        &self,
        actor: &Actor,
        user: &User,
        which: FollowList,
        paging: Paging,
    ) -> Result<(Vec<User>, i64)> {
        let viewer = &actor.viewer();
        match which {
            FollowList::Followers => self.store.followers_of(viewer, user.id, paging).await,
            FollowList::Following => self.store.following_of(viewer, user.id, paging).await,
        }
    }
}
