//! Finding accounts: by name, as the actor may see them, and user search.

use crate::accounts::{CreateUser, EditUser};
use crate::actor::Actor;
use crate::Services;
use oxforge_core::model::{User, Visibility};
use oxforge_core::paging::Paging;
use oxforge_core::query::UserFilter;
use oxforge_core::{Error, Result};

fn user_missing(name: &str) -> Error {
    Error::not_found_msg(format!("user redirect does not exist [name: {name}]"))
}

impl Services {
    /// Any account (user or organisation) by name, or 404; for use cases whose own checks
    /// decide what the actor may do with it.
    pub async fn account(&self, name: &str) -> Result<User> {
        self.store
            .user_by_name(name)
            .await?
            .ok_or_else(|| user_missing(name))
    }

    /// An account the actor may see, or 404 (the same answer whether absent or hidden).
    pub async fn visible_account(&self, actor: &Actor, name: &str) -> Result<User> {
        let user = self.account(name).await?;
        if !self.can_see_account(&actor.viewer(), &user).await? {
            return Err(user_missing(name));
        }
        Ok(user)
    }

    /// `/users/search`: accounts the actor may see whose name (or, for admins, e-mail)
    /// matches `keyword`.
    pub async fn search_users(
        &self,
        actor: &Actor,
        keyword: Option<String>,
        uid: Option<i64>,
        paging: Option<Paging>,
    ) -> Result<(Vec<User>, i64)> {
        let viewer = actor.viewer();
        let admin = viewer.is_admin && !viewer.public_only;
        let max_visibility = if admin {
            None
        } else if viewer.sees_public_only() || viewer.restricted {
            Some(Visibility::Public)
        } else {
            Some(Visibility::Limited)
        };
        let filter = UserFilter {
            keyword,
            uid,
            max_visibility,
            include_id: actor.user_id(),
            match_email: admin,
            ..Default::default()
        };
        self.store.search_users(&filter, paging).await
    }

    /// `/admin/users`: every account, by login source (site admins).
    pub async fn admin_list_users(
        &self,
        actor: &Actor,
        login_name: Option<String>,
        source_id: Option<i64>,
        paging: Option<Paging>,
    ) -> Result<(Vec<User>, i64)> {
        actor.require_admin()?;
        let filter = UserFilter {
            login_name,
            source_id,
            ..Default::default()
        };
        self.store.search_users(&filter, paging).await
    }

    /// `POST /admin/users` (site admins).
    pub async fn admin_create_user(&self, actor: &Actor, c: CreateUser) -> Result<User> {
        actor.require_admin()?;
        self.create_user(c).await
    }

    /// `PATCH /admin/users/{name}` (site admins).
    pub async fn admin_edit_user(&self, actor: &Actor, name: &str, e: EditUser) -> Result<User> {
        actor.require_admin()?;
        let user = self.account(name).await?;
        self.edit_user(&user, e).await
    }

    /// `DELETE /admin/users/{name}` (site admins, not themselves).
    pub async fn admin_delete_user(&self, actor: &Actor, name: &str, purge: bool) -> Result<()> {
        let me = actor.require_admin()?;
        let user = self.account(name).await?;
        if user.id == me.id {
            return Err(Error::validation("you cannot delete yourself"));
        }
        self.delete_user(actor, &user, purge).await
    }
}
