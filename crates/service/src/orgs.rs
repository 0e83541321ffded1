//! Organisations, teams and collaborators: who belongs where, and the rules for changing it.
//! Access itself is computed by `oxforge_core::access` from the facts kept here.

use crate::actor::Actor;
use crate::Services;
use oxforge_core::access::{can_see_owner, repo_access, AccessMode, Grants, Viewer};
use oxforge_core::events::Event;
use oxforge_core::model::{RepoWithOwner, Team, User, Visibility};
use oxforge_core::names::{is_valid_email, validate_username};
use oxforge_core::{Error, ErrorKind, Result};
use oxforge_store::{Memberships, NewOrg, TeamFields, TEAM_EXISTS};
use std::collections::BTreeMap;

/// Gitea's repository units, as team options name them.
pub const UNITS: &[&str] = &[
    "repo.code",
    "repo.issues",
    "repo.ext_issues",
    "repo.wiki",
    "repo.ext_wiki",
    "repo.pulls",
    "repo.releases",
    "repo.projects",
    "repo.packages",
    "repo.actions",
];

/// Fields of an organisation create or edit; `None` = unchanged / default.
#[derive(Debug, Clone, Default)]
pub struct OrgOptions {
    pub username: Option<String>,
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub description: Option<String>,
    pub website: Option<String>,
    pub location: Option<String>,
    pub visibility: Option<String>,
    pub repo_admin_change_team_access: Option<bool>,
}

/// Fields of a team create or edit; `None` = unchanged / default.
#[derive(Debug, Clone, Default)]
pub struct TeamOptions {
    pub name: Option<String>,
    pub description: Option<String>,
    pub permission: Option<String>,
    pub units: Option<Vec<String>>,
    pub units_map: Option<BTreeMap<String, String>>,
    pub includes_all_repositories: Option<bool>,
    pub can_create_org_repo: Option<bool>,
}

/// What a user is in an organisation.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrgRole {
    pub member: bool,
    pub owner: bool,
    /// The highest permission of their teams.
    pub mode: AccessMode,
    pub can_create_repo: bool,
}

fn max_len(field: &str, v: &str, max: usize) -> Result<()> {
    if v.chars().count() > max {
        return Err(Error::validation(format!("[{field}]: MaxSize")));
    }
    Ok(())
}

fn valid_url(v: &str) -> bool {
    url::Url::parse(v).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

fn parse_visibility(v: &str) -> Result<Visibility> {
    Visibility::parse(v).ok_or_else(|| Error::validation("[Visibility]: In"))
}

fn check_org_fields(o: &OrgOptions) -> Result<()> {
    max_len("FullName", o.full_name.as_deref().unwrap_or(""), 100)?;
    max_len("Description", o.description.as_deref().unwrap_or(""), 255)?;
    max_len("Location", o.location.as_deref().unwrap_or(""), 50)?;
    let email = o.email.as_deref().unwrap_or("");
    max_len("Email", email, 255)?;
    if !email.is_empty() && !is_valid_email(email) {
        return Err(Error::validation(format!(
            "e-mail invalid [email: {email}]"
        )));
    }
    let website = o.website.as_deref().unwrap_or("");
    max_len("Website", website, 255)?;
    if !website.is_empty() && !valid_url(website) {
        return Err(Error::validation("[Website]: ValidUrl"));
    }
    Ok(())
}

/// Gitea's AlphaDashDot for team names.
fn check_team_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::validation("[Name]: Required"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(Error::validation("[Name]: AlphaDashDot"));
    }
    max_len("Name", name, 255)
}

/// The Owners team every organisation starts with.
fn owners_team() -> TeamFields {
    TeamFields {
        name: Team::OWNERS.into(),
        description: String::new(),
        mode: AccessMode::Owner,
        code_mode: AccessMode::Owner,
        units: UNITS
            .iter()
            .map(|u| {
                let m = if u.starts_with("repo.ext_") {
                    AccessMode::Read
                } else {
                    AccessMode::Owner
                };
                (u.to_string(), m)
            })
            .collect(),
        includes_all_repos: true,
        can_create_org_repo: true,
    }
}

/// Applies team options over `base`: permission, units (a map, a list, or all) and flags.
pub(crate) fn team_fields(base: TeamFields, o: TeamOptions) -> Result<TeamFields> {
    let mut t = base;
    if let Some(name) = o.name {
        check_team_name(&name)?;
        t.name = name;
    }
    if let Some(d) = o.description {
        max_len("Description", &d, 255)?;
        t.description = d;
    }
    if let Some(v) = o.includes_all_repositories {
        t.includes_all_repos = v;
    }
    if let Some(v) = o.can_create_org_repo {
        t.can_create_org_repo = v;
    }
    let unit_mode = |name: &str, m: &str| -> Result<(String, AccessMode)> {
        if !UNITS.contains(&name) {
            return Err(Error::validation(format!("unknown unit [name: {name}]")));
        }
        match AccessMode::parse(m) {
            Some(mode) if mode <= AccessMode::Admin => Ok((name.to_string(), mode)),
            _ => Err(Error::validation(format!(
                "invalid unit permission [{name}: {m}]"
            ))),
        }
    };
    let permission = match o.permission.as_deref() {
        None | Some("") => None,
        Some(p @ ("read" | "write" | "admin")) => AccessMode::parse(p),
        Some(_) => return Err(Error::validation("[Permission]: In")),
    };
    let units_changed = permission.is_some() || o.units.is_some() || o.units_map.is_some();
    if !units_changed {
        return Ok(t);
    }
    let units: BTreeMap<String, AccessMode> =
        match (&o.units_map, &o.units, permission.unwrap_or(t.mode)) {
            (_, _, AccessMode::Admin) => UNITS
                .iter()
                .map(|u| (u.to_string(), AccessMode::Admin))
                .collect(),
            (Some(map), _, _) if !map.is_empty() => map
                .iter()
                .map(|(k, v)| unit_mode(k, v))
                .collect::<Result<_>>()?,
            (_, Some(list), mode) if !list.is_empty() => list
                .iter()
                .map(|k| unit_mode(k, mode.name()))
                .collect::<Result<_>>()?,
            (_, _, mode) => UNITS.iter().map(|u| (u.to_string(), mode)).collect(),
        };
    let mode = permission.unwrap_or_else(|| {
        units
            .values()
            .copied()
            .max()
            .unwrap_or(AccessMode::Read)
            .max(AccessMode::Read)
    });
    t.code_mode = if mode >= AccessMode::Admin {
        mode
    } else {
        // A team always reaches its repositories; the code unit decides how far.
        units
            .get("repo.code")
            .copied()
            .unwrap_or(AccessMode::Read)
            .max(AccessMode::Read)
    };
    t.mode = mode;
    t.units = units;
    Ok(t)
}

impl Services {
    /// The caller's grants on these repositories (nothing to load for anonymous callers
    /// and site admins).
    pub async fn memberships(
        &self,
        viewer: &Viewer,
        repos: &[RepoWithOwner],
    ) -> Result<Memberships> {
        match viewer.user_id {
            Some(uid) if !viewer.is_admin => {
                let ids: Vec<i64> = repos.iter().map(|r| r.repo.id).collect();
                self.store.memberships(uid, &ids).await
            }
            _ => Ok(Memberships::default()),
        }
    }

    /// The caller's access mode on one repository.
    pub async fn access(&self, viewer: &Viewer, r: &RepoWithOwner) -> Result<AccessMode> {
        let grants = match viewer.user_id {
            // Owners and admins need no grants; anonymous callers have none.
            Some(uid) if !viewer.is_admin && uid != r.repo.owner_id => {
                self.store
                    .grants_for(uid, r.repo.id, r.repo.owner_id)
                    .await?
            }
            _ => Grants::default(),
        };
        Ok(repo_access(viewer, r, &grants))
    }

    /// May the caller see this account (user or organisation)?
    pub async fn can_see_account(&self, viewer: &Viewer, u: &User) -> Result<bool> {
        if can_see_owner(viewer, u, false) {
            return Ok(true);
        }
        match viewer.signed_in() {
            Some(uid) if u.is_org() => Ok(self.store.org_membership(u.id, uid).await?.is_some()),
            _ => Ok(false),
        }
    }

    pub async fn org_role(&self, org: &User, user_id: i64) -> Result<OrgRole> {
        let teams = self.store.teams_of_member(org.id, user_id).await?;
        // Membership is the union of team memberships.
        let mut role = OrgRole {
            member: !teams.is_empty(),
            ..Default::default()
        };
        for t in &teams {
            role.owner |= t.is_owner_team();
            role.mode = role.mode.max(t.mode);
            role.can_create_repo |= t.can_create_org_repo;
        }
        role.can_create_repo |= role.owner;
        Ok(role)
    }

    pub async fn is_org_member(&self, org: &User, user_id: i64) -> Result<bool> {
        Ok(self.store.org_membership(org.id, user_id).await?.is_some())
    }

    /// Gitea's `reqOrgOwnership`: an owner of the organisation, or a site admin.
    pub(crate) async fn require_org_owner(&self, actor: &Actor, org: &User) -> Result<()> {
        let me = actor.require_user()?;
        if !me.is_admin && !self.org_role(org, me.id).await?.owner {
            return Err(Error::forbidden("Must be an organization owner"));
        }
        Ok(())
    }

    /// Gitea's `reqOrgMembership`: a member, or a site admin.
    pub(crate) async fn require_org_member(&self, actor: &Actor, org: &User) -> Result<()> {
        let me = actor.require_user()?;
        if !me.is_admin && !self.is_org_member(org, me.id).await? {
            return Err(Error::forbidden("Must be an organization member"));
        }
        Ok(())
    }

    /// Creates an organisation owned by `owner` (whose request it is, or for whom an admin
    /// acts). Everything is written in one transaction.
    pub async fn create_org(&self, actor: &Actor, owner: &User, o: OrgOptions) -> Result<User> {
        let doer = actor.require_user()?;
        if owner.id != doer.id && !doer.is_admin {
            return Err(Error::forbidden("user should be the site admin"));
        }
        if !doer.is_admin
            && (!doer.allow_create_organization || self.settings.admin.disable_regular_org_creation)
        {
            return Err(Error::forbidden(
                "user is not allowed to create organizations",
            ));
        }
        if owner.is_org() {
            return Err(Error::validation(
                "an organization cannot own an organization",
            ));
        }
        let name = o.username.clone().unwrap_or_default();
        if name.is_empty() {
            return Err(Error::validation("[UserName]: Required"));
        }
        max_len("UserName", &name, 40)?;
        validate_username(&name)?;
        check_org_fields(&o)?;
        let visibility = parse_visibility(o.visibility.as_deref().unwrap_or(""))?;
        let taken = || Error::validation(format!("user already exists [name: {name}]"));
        if self.store.user_by_name(&name).await?.is_some() {
            return Err(taken());
        }
        let new = NewOrg {
            name: name.clone(),
            full_name: o.full_name.unwrap_or_default(),
            email: o.email.unwrap_or_default(),
            description: o.description.unwrap_or_default(),
            website: o.website.unwrap_or_default(),
            location: o.location.unwrap_or_default(),
            visibility,
            repo_admin_change_team_access: o.repo_admin_change_team_access.unwrap_or(false),
        };
        self.store
            .create_org(&new, owner.id, &owners_team())
            .await
            .map_err(|e| {
                if e.is(ErrorKind::Conflict) {
                    taken()
                } else {
                    e
                }
            })
    }

    pub async fn edit_org(&self, actor: &Actor, org: &User, o: OrgOptions) -> Result<User> {
        self.require_org_owner(actor, org).await?;
        check_org_fields(&o)?;
        let visibility = o.visibility.as_deref().map(parse_visibility).transpose()?;
        let up = oxforge_store::UserUpdate {
            full_name: o.full_name,
            email: o.email,
            description: o.description,
            website: o.website,
            location: o.location,
            visibility,
            repo_admin_change_team_access: o.repo_admin_change_team_access,
            ..Default::default()
        };
        self.store.update_user(org.id, &up).await?;
        self.store
            .user_by_id(org.id)
            .await?
            .ok_or_else(Error::not_found)
    }

    /// Deletes an organisation that owns no repositories (its teams go with it).
    pub async fn delete_org(&self, actor: &Actor, org: &User) -> Result<()> {
        self.require_org_owner(actor, org).await?;
        if self.store.count_repos_owned_by(org.id).await? > 0 {
            return Err(Error::validation(format!(
                "organization still has ownership of repositories [uid: {}]",
                org.id
            )));
        }
        self.store.delete_user(org.id).await
    }

    /// Removes a user from every team of the organisation, and so from the organisation
    /// (its owners, or a site admin).
    pub async fn remove_org_member(&self, actor: &Actor, org: &User, name: &str) -> Result<()> {
        self.require_org_owner(actor, org).await?;
        let user = self.account(name).await?;
        let teams = self.store.teams_of_member(org.id, user.id).await?;
        let ids: Vec<i64> = teams.iter().map(|t| t.id).collect();
        self.store
            .remove_team_members(org.id, &ids, user.id)
            .await?;
        if !ids.is_empty() {
            let event = Event::OrgMemberRemoved {
                org_id: org.id,
                user_id: user.id,
            };
            self.emit(actor, None, event).await;
        }
        Ok(())
    }

    /// A repository created in an organisation by a member who is not an owner goes to the
    /// teams that let them create it, so that they can reach it.
    /// The teams of `org` through which `doer`, a member who is not an owner, reaches a
    /// repository they create there (those that let members create repositories).
    pub(crate) async fn teams_granting_new_repos(
        &self,
        org: &User,
        doer: &User,
    ) -> Result<Vec<i64>> {
        Ok(self
            .store
            .teams_of_member(org.id, doer.id)
            .await?
            .into_iter()
            .filter(|t| t.can_create_org_repo && !t.includes_all_repos)
            .map(|t| t.id)
            .collect())
    }
}

pub(crate) fn team_conflict(e: Error, org: &User, name: &str) -> Error {
    if e.is(ErrorKind::Conflict) && e.message == TEAM_EXISTS {
        Error::validation(format!(
            "team already exists [org_id: {}, name: {name}]",
            org.id
        ))
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> TeamFields {
        TeamFields {
            name: "t".into(),
            description: String::new(),
            mode: AccessMode::Read,
            code_mode: AccessMode::Read,
            units: BTreeMap::new(),
            includes_all_repos: false,
            can_create_org_repo: false,
        }
    }

    #[test]
    fn permission_sets_every_unit() {
        let t = team_fields(
            base(),
            TeamOptions {
                permission: Some("write".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(t.mode, AccessMode::Write);
        assert_eq!(t.code_mode, AccessMode::Write);
        assert_eq!(t.units.len(), UNITS.len());
    }

    #[test]
    fn units_map_decides_code_access() {
        let map = BTreeMap::from([
            ("repo.code".to_string(), "read".to_string()),
            ("repo.issues".to_string(), "write".to_string()),
        ]);
        let t = team_fields(
            base(),
            TeamOptions {
                units_map: Some(map),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(t.mode, AccessMode::Write);
        assert_eq!(t.code_mode, AccessMode::Read);
        let no_code = BTreeMap::from([("repo.issues".to_string(), "write".to_string())]);
        let t = team_fields(
            base(),
            TeamOptions {
                units_map: Some(no_code),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            t.code_mode,
            AccessMode::Read,
            "a team still reaches its repositories"
        );
    }

    #[test]
    fn bad_permission_and_units_are_refused() {
        for o in [
            TeamOptions {
                permission: Some("owner".into()),
                ..Default::default()
            },
            TeamOptions {
                units: Some(vec!["repo.nope".into()]),
                ..Default::default()
            },
            TeamOptions {
                name: Some("a b".into()),
                ..Default::default()
            },
        ] {
            assert!(team_fields(base(), o).is_err());
        }
    }

    #[test]
    fn admin_teams_administer_code() {
        let t = team_fields(
            base(),
            TeamOptions {
                permission: Some("admin".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(t.code_mode, AccessMode::Admin);
    }
}
