//! Gitea's `Organization`, `Team`, `OrganizationPermissions` and
//! `RepoCollaboratorPermission` (Organization also carries Gogs' `username`).

use super::user::UserJson;
use crate::auth::Caller;
use crate::state::HttpConfig;
use oxforge_core::model::{Team, User};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Organization)]
pub struct OrganizationJson {
    pub id: i64,
    pub name: String,
    pub full_name: String,
    pub email: String,
    pub avatar_url: String,
    pub description: String,
    pub website: String,
    pub location: String,
    pub visibility: String,
    pub repo_admin_change_team_access: bool,
    /// Gogs' (and Gitea's deprecated) name for `name`.
    pub username: String,
}

pub fn org_json(cfg: &HttpConfig, caller: &Caller, o: &User) -> OrganizationJson {
    // Gitea hides the e-mail from anonymous callers.
    let email_shown = caller.user().is_some();
    OrganizationJson {
        id: o.id,
        name: o.name.clone(),
        full_name: o.full_name.clone(),
        email: if email_shown {
            o.email.clone()
        } else {
            String::new()
        },
        avatar_url: cfg.avatars.link(&cfg.root_url, o, email_shown),
        description: o.description.clone(),
        website: o.website.clone(),
        location: o.location.clone(),
        visibility: o.visibility.name().into(),
        repo_admin_change_team_access: o.repo_admin_change_team_access,
        username: o.name.clone(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Team)]
pub struct TeamJson {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub organization: Option<OrganizationJson>,
    pub includes_all_repositories: bool,
    /// `none`, `read`, `write`, `admin` or `owner`.
    pub permission: String,
    pub units: Vec<String>,
    pub units_map: BTreeMap<String, String>,
    pub can_create_org_repo: bool,
}

pub fn team_json(cfg: &HttpConfig, caller: &Caller, t: &Team, org: Option<&User>) -> TeamJson {
    TeamJson {
        id: t.id,
        name: t.name.clone(),
        description: t.description.clone(),
        organization: org.map(|o| org_json(cfg, caller, o)),
        includes_all_repositories: t.includes_all_repos,
        permission: t.mode.name().into(),
        units: t.units.keys().cloned().collect(),
        units_map: t
            .units
            .iter()
            .map(|(k, v)| (k.clone(), v.name().to_string()))
            .collect(),
        can_create_org_repo: t.can_create_org_repo,
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OrganizationPermissions)]
pub struct OrganizationPermissionsJson {
    pub is_owner: bool,
    pub is_admin: bool,
    pub can_write: bool,
    pub can_read: bool,
    pub can_create_repository: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RepoCollaboratorPermission)]
pub struct RepoCollaboratorPermissionJson {
    pub permission: String,
    pub role_name: String,
    pub user: UserJson,
}
