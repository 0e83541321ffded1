//! Teams of an organisation: who may see one, who may change it, its members and its
//! repositories.

use crate::actor::Actor;
use crate::orgs::{team_conflict, team_fields, TeamOptions};
use crate::repo_ctx::RepoCtx;
use crate::Services;
use oxforge_core::access::AccessMode;
use oxforge_core::events::Event;
use oxforge_core::model::{Team, User};
use oxforge_core::paging::Paging;
use oxforge_core::query::RepoFilter;
use oxforge_core::{Error, Result};
use oxforge_store::TeamFields;
use std::collections::BTreeMap;

/// A team as the actor may reach it (Gitea's `reqTeamMembership`): site admins, the
/// organisation's owners and the team's members. Only the service constructs one.
#[derive(Debug, Clone)]
pub struct TeamCtx {
    team: Team,
    org: User,
    /// The actor may change the team (an owner of the organisation, or a site admin).
    can_manage: bool,
}

impl TeamCtx {
    pub fn team(&self) -> &Team {
        &self.team
    }
    pub fn org(&self) -> &User {
        &self.org
    }
    fn require_manage(&self) -> Result<()> {
        if !self.can_manage {
            return Err(Error::forbidden("Must be an organization owner"));
        }
        Ok(())
    }
}

impl Services {
    /// The team with this id as the actor may reach it: other members of the
    /// organisation get 403, everyone else 404.
    pub async fn team_ctx(&self, actor: &Actor, id: i64) -> Result<TeamCtx> {
        let user = actor.require_user()?;
        let missing =
            || Error::not_found_msg("GetTeamById").with_errors(vec!["team does not exist".into()]);
        let team = self.store.team_by_id(id).await?.ok_or_else(missing)?;
        let org = self
            .store
            .user_by_id(team.org_id)
            .await?
            .ok_or_else(missing)?;
        // A team is as visible as its organisation (a public-only token sees public
        // organisations' teams only).
        if !self.can_see_account(&actor.viewer(), &org).await? {
            return Err(missing());
        }
        if user.is_admin {
            return Ok(TeamCtx {
                team,
                org,
                can_manage: true,
            });
        }
        let role = self.org_role(&org, user.id).await?;
        if role.owner || self.store.is_team_member(team.id, user.id).await? {
            return Ok(TeamCtx {
                team,
                org,
                can_manage: role.owner,
            });
        }
        if role.member {
            return Err(Error::forbidden("Must be a team member"));
        }
        Err(missing())
    }

    /// The organisation's teams (members and site admins), optionally matching `q`.
    pub async fn org_teams(
        &self,
        actor: &Actor,
        org: &User,
        q: Option<&str>,
        paging: Paging,
    ) -> Result<(Vec<Team>, i64)> {
        self.require_org_member(actor, org).await?;
        self.store.teams_of_org(org.id, q, Some(paging)).await
    }

    pub async fn create_team(&self, actor: &Actor, org: &User, o: TeamOptions) -> Result<Team> {
        self.require_org_owner(actor, org).await?;
        if o.name.as_deref().unwrap_or("").is_empty() {
            return Err(Error::validation("[Name]: Required"));
        }
        let base = TeamFields {
            name: String::new(),
            description: String::new(),
            mode: AccessMode::Read,
            code_mode: AccessMode::Read,
            units: BTreeMap::new(),
            includes_all_repos: false,
            can_create_org_repo: false,
        };
        let mut o = o;
        if o.permission.is_none() && o.units.is_none() && o.units_map.is_none() {
            o.permission = Some("read".into());
        }
        let fields = team_fields(base, o)?;
        self.store
            .insert_team(org.id, &fields)
            .await
            .map_err(|e| team_conflict(e, org, &fields.name))
    }

    pub async fn edit_team(&self, t: &TeamCtx, o: TeamOptions) -> Result<Team> {
        t.require_manage()?;
        let team = &t.team;
        let base = TeamFields {
            name: team.name.clone(),
            description: team.description.clone(),
            mode: team.mode,
            code_mode: team.code_mode,
            units: team.units.clone(),
            includes_all_repos: team.includes_all_repos,
            can_create_org_repo: team.can_create_org_repo,
        };
        let o = if team.is_owner_team() {
            // The Owners team keeps its name and powers; only the description changes.
            TeamOptions {
                description: o.description,
                ..Default::default()
            }
        } else {
            o
        };
        let fields = team_fields(base, o)?;
        self.store
            .update_team(team.id, &fields)
            .await
            .map_err(|e| team_conflict(e, &t.org, &fields.name))
    }

    pub async fn delete_team(&self, t: &TeamCtx) -> Result<()> {
        t.require_manage()?;
        if t.team.is_owner_team() {
            return Err(Error::validation("the Owners team cannot be deleted"));
        }
        self.store.delete_team(&t.team).await
    }

    pub async fn team_members(&self, t: &TeamCtx, paging: Paging) -> Result<(Vec<User>, i64)> {
        self.store.team_members(t.team.id, Some(paging)).await
    }

    /// A member of the team by name; 404 when they are not one.
    pub async fn team_member(&self, t: &TeamCtx, name: &str) -> Result<User> {
        let user = self.account(name).await?;
        if !self.store.is_team_member(t.team.id, user.id).await? {
            return Err(Error::not_found());
        }
        Ok(user)
    }

    /// Adds (`add`) or removes a member; the last owner never leaves the Owners team.
    pub async fn change_team_member(
        &self,
        actor: &Actor,
        t: &TeamCtx,
        name: &str,
        add: bool,
    ) -> Result<()> {
        t.require_manage()?;
        let user = self.account(name).await?;
        if add {
            if user.is_org() {
                return Err(Error::validation("an organization cannot be a team member"));
            }
            self.store.add_team_member(&t.team, user.id).await?;
        } else {
            self.store
                .remove_team_members(t.team.org_id, &[t.team.id], user.id)
                .await?;
        }
        let event = Event::TeamMembershipChanged {
            org_id: t.org.id,
            team_id: t.team.id,
            user_id: user.id,
            added: add,
        };
        self.emit(actor, None, event).await;
        Ok(())
    }

    /// The repositories the team reaches that the actor may see.
    pub async fn team_repos(
        &self,
        actor: &Actor,
        t: &TeamCtx,
        paging: Paging,
    ) -> Result<(Vec<RepoCtx>, i64)> {
        let filter = RepoFilter {
            team_id: Some(t.team.id),
            ..Default::default()
        };
        self.search_repos(actor, &filter, Some(paging)).await
    }

    /// `owner/name`, if the team reaches it (404 otherwise).
    pub async fn team_repo(
        &self,
        actor: &Actor,
        t: &TeamCtx,
        owner: &str,
        name: &str,
    ) -> Result<RepoCtx> {
        let ctx = self.repo_ctx(actor, owner, name).await?;
        if ctx.repo().repo.owner_id != t.team.org_id
            || !self.store.team_has_repo(&t.team, ctx.id()).await?
        {
            return Err(Error::not_found());
        }
        Ok(ctx)
    }

    /// Gives the team a repository of its organisation, or takes it away: the actor needs
    /// admin access to the repository.
    pub async fn change_team_repo(
        &self,
        actor: &Actor,
        t: &TeamCtx,
        owner: &str,
        name: &str,
        add: bool,
    ) -> Result<()> {
        let ctx = self.repo_ctx(actor, owner, name).await?;
        if ctx.repo().repo.owner_id != t.org.id {
            return Err(Error::not_found());
        }
        ctx.require_mode(
            AccessMode::Admin,
            "Must have admin-level access to the repository",
        )?;
        self.store.set_team_repo(t.team.id, ctx.id(), add).await?;
        let event = Event::TeamRepoChanged {
            org_id: t.org.id,
            team_id: t.team.id,
            added: add,
        };
        self.emit(actor, Some(ctx.id()), event).await;
        Ok(())
    }
}
