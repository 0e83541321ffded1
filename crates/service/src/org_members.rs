//! Finding organisations and their members as the actor may see them, and members
//! showing or concealing their membership.

use crate::actor::Actor;
use crate::orgs::OrgRole;
use crate::Services;
use oxforge_core::events::Event;
use oxforge_core::model::User;
use oxforge_core::paging::Paging;
use oxforge_core::query::OrgFilter;
use oxforge_core::{Error, Result};

fn org_missing(name: &str) -> Error {
    Error::not_found_msg("GetOrgByName")
        .with_errors(vec![format!("org does not exist [id: 0, name: {name}]")])
}

/// Which organisations a listing shows.
pub enum OrgListing<'a> {
    /// Every organisation the actor may see.
    All,
    /// Every organisation (site admins).
    Admin,
    /// The actor's own memberships, concealed ones included.
    Mine,
    /// `user`'s memberships the actor may see (concealed ones for themself and admins).
    Of(&'a User),
}

/// The answer to "is `name` a member?" for the asking actor.
pub enum MemberCheck {
    Member,
    NotMember,
    /// The actor is no member: Gitea sends them to the public membership check.
    AskPublic,
}

impl Services {
    /// An organisation the actor may see, or 404 (absent, hidden, or a plain user).
    pub async fn org(&self, actor: &Actor, name: &str) -> Result<User> {
        let org = self
            .store
            .user_by_name(name)
            .await?
            .filter(User::is_org)
            .ok_or_else(|| org_missing(name))?;
        if !self.can_see_account(&actor.viewer(), &org).await? {
            return Err(org_missing(name));
        }
        Ok(org)
    }

    pub async fn list_orgs(
        &self,
        actor: &Actor,
        listing: OrgListing<'_>,
        paging: Option<Paging>,
    ) -> Result<(Vec<User>, i64)> {
        let f = match listing {
            OrgListing::All => OrgFilter::default(),
            OrgListing::Admin => {
                actor.require_admin()?;
                OrgFilter::default()
            }
            OrgListing::Mine => OrgFilter {
                member: Some(actor.require_user()?.id),
                include_concealed: true,
            },
            OrgListing::Of(user) => {
                let me = actor.require_user()?;
                OrgFilter {
                    member: Some(user.id),
                    include_concealed: me.is_admin || me.id == user.id,
                }
            }
        };
        self.store.search_orgs(&actor.viewer(), f, paging).await
    }

    /// What `user` may do in `org` (asked by a signed-in actor).
    pub async fn org_permissions(&self, actor: &Actor, user: &User, org: &User) -> Result<OrgRole> {
        actor.require_user()?;
        self.org_role(org, user.id).await
    }

    /// Members see every member (so do site admins); others see public members only.
    async fn sees_all_members(&self, actor: &Actor, org: &User) -> Result<bool> {
        Ok(match actor.viewer().signed_in() {
            Some(uid) => {
                actor.user().is_some_and(|u| u.is_admin) || self.is_org_member(org, uid).await?
            }
            None => false,
        })
    }

    /// The organisation's members as the actor may see them (`public_only` asks for the
    /// public ones whoever asks).
    pub async fn org_members(
        &self,
        actor: &Actor,
        org: &User,
        public_only: bool,
        paging: Paging,
    ) -> Result<(Vec<User>, i64)> {
        let public_only = public_only || !self.sees_all_members(actor, org).await?;
        self.store
            .org_members(org.id, public_only, Some(paging))
            .await
    }

    pub async fn check_org_member(
        &self,
        actor: &Actor,
        org: &User,
        name: &str,
    ) -> Result<MemberCheck> {
        if !self.sees_all_members(actor, org).await? {
            return Ok(MemberCheck::AskPublic);
        }
        let user = self.account(name).await?;
        Ok(match self.store.org_membership(org.id, user.id).await? {
            Some(_) => MemberCheck::Member,
            None => MemberCheck::NotMember,
        })
    }

    pub async fn is_public_member(&self, org: &User, name: &str) -> Result<bool> {
        let user = self.account(name).await?;
        Ok(self.store.org_membership(org.id, user.id).await? == Some(true))
    }

    /// Shows or conceals a membership: only members themselves.
    pub async fn set_membership_public(
        &self,
        actor: &Actor,
        org: &User,
        name: &str,
        public: bool,
    ) -> Result<()> {
        let me = actor.require_user()?;
        let user = self.account(name).await?;
        if self.store.org_membership(org.id, user.id).await?.is_none() {
            return Err(Error::not_found());
        }
        if user.id != me.id {
            return Err(Error::forbidden("Cannot publicize another member"));
        }
        self.store
            .set_membership_public(org.id, user.id, public)
            .await?;
        let event = Event::OrgMembershipPublicityChanged {
            org_id: org.id,
            user_id: user.id,
            public,
        };
        self.emit(actor, None, event).await;
        Ok(())
    }
}
