//! Plain records shared by the store, the services and the HTTP layer.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Visibility {
    #[default]
    Public,
    Limited,
    Private,
}

impl Visibility {
    pub fn as_i64(self) -> i64 {
        match self {
            Visibility::Public => 0,
            Visibility::Limited => 1,
            Visibility::Private => 2,
        }
    }
    pub fn from_i64(v: i64) -> Self {
        match v {
            1 => Visibility::Limited,
            2 => Visibility::Private,
            _ => Visibility::Public,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Limited => "limited",
            Visibility::Private => "private",
        }
    }
    /// `""` means the default (public), as in Gitea's options.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "" | "public" => Some(Visibility::Public),
            "limited" => Some(Visibility::Limited),
            "private" => Some(Visibility::Private),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserKind {
    Individual,
    Organization,
}

/// A password's PHC string. It is never part of a `User`: only the store's credential
/// lookup hands one out, to the password check, and `Debug` shows no part of it, so no log
/// line or panic message can carry it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn new(phc: String) -> Self {
        PasswordHash(phc)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// No password set (the account cannot sign in with one).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub full_name: String,
    pub email: String,
    pub keep_email_private: bool,
    pub must_change_password: bool,
    pub login_name: String,
    pub source_id: i64,
    pub is_admin: bool,
    pub is_active: bool,
    pub prohibit_login: bool,
    pub restricted: bool,
    pub visibility: Visibility,
    pub kind: UserKind,
    pub location: String,
    pub website: String,
    pub description: String,
    pub language: String,
    pub allow_create_organization: bool,
    pub allow_git_hook: bool,
    pub allow_import_local: bool,
    pub max_repo_creation: i64,
    pub created_unix: i64,
    pub updated_unix: i64,
    pub last_login_unix: i64,
    /// Organisations: repository admins may change which teams reach a repository.
    pub repo_admin_change_team_access: bool,
    /// Accounts following this one, accounts it follows, repositories it starred
    /// (Gitea's `NumFollowers`, `NumFollowing`, `NumStars`; kept by the store).
    pub num_followers: i64,
    pub num_following: i64,
    pub num_stars: i64,
}

impl User {
    pub fn lower_name(&self) -> String {
        self.name.to_ascii_lowercase()
    }
    pub fn is_org(&self) -> bool {
        self.kind == UserKind::Organization
    }

    /// Gitea's stand-in for the author of something whose account was deleted.
    pub fn ghost() -> User {
        User {
            id: -1,
            name: "Ghost".into(),
            full_name: String::new(),
            email: String::new(),
            keep_email_private: true,
            must_change_password: false,
            login_name: String::new(),
            source_id: 0,
            is_admin: false,
            is_active: false,
            prohibit_login: true,
            restricted: false,
            visibility: Visibility::Public,
            kind: UserKind::Individual,
            location: String::new(),
            website: String::new(),
            description: String::new(),
            language: String::new(),
            allow_create_organization: false,
            allow_git_hook: false,
            allow_import_local: false,
            max_repo_creation: 0,
            created_unix: 0,
            updated_unix: 0,
            last_login_unix: 0,
            repo_admin_change_team_access: false,
            num_followers: 0,
            num_following: 0,
            num_stars: 0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AccessToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub token_last_eight: String,
    pub scope: String,
    pub created_unix: i64,
    pub last_used_unix: i64,
    /// 0 = never expires.
    pub expires_unix: i64,
}

/// Per-repository switches Gitea exposes (units, PR merge settings). Kept as one JSON
/// document in the row: they are read and written together and never filtered on.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct RepoSettings {
    pub has_code: bool,
    pub has_issues: bool,
    pub has_wiki: bool,
    pub has_pull_requests: bool,
    pub has_projects: bool,
    pub has_releases: bool,
    pub has_packages: bool,
    pub has_actions: bool,
    pub projects_mode: String,
    pub ignore_whitespace_conflicts: bool,
    pub allow_merge_commits: bool,
    pub allow_rebase: bool,
    pub allow_rebase_explicit: bool,
    pub allow_squash_merge: bool,
    pub allow_fast_forward_only_merge: bool,
    pub allow_rebase_update: bool,
    pub allow_manual_merge: bool,
    pub autodetect_manual_merge: bool,
    pub default_delete_branch_after_merge: bool,
    pub default_merge_style: String,
    pub default_allow_maintainer_edit: bool,
    pub enable_time_tracker: bool,
    pub allow_only_contributors_to_track_time: bool,
    pub enable_issue_dependencies: bool,
    pub external_tracker_url: String,
    pub external_tracker_format: String,
    pub external_tracker_style: String,
    pub external_tracker_regexp_pattern: String,
    pub external_wiki_url: String,
    pub enable_prune: bool,
}

impl Default for RepoSettings {
    fn default() -> Self {
        RepoSettings {
            has_code: true,
            has_issues: true,
            has_wiki: true,
            has_pull_requests: true,
            has_projects: true,
            has_releases: true,
            has_packages: true,
            has_actions: true,
            projects_mode: "all".into(),
            ignore_whitespace_conflicts: false,
            allow_merge_commits: true,
            allow_rebase: true,
            allow_rebase_explicit: true,
            allow_squash_merge: true,
            allow_fast_forward_only_merge: true,
            allow_rebase_update: true,
            allow_manual_merge: false,
            autodetect_manual_merge: false,
            default_delete_branch_after_merge: false,
            default_merge_style: "merge".into(),
            default_allow_maintainer_edit: false,
            enable_time_tracker: true,
            allow_only_contributors_to_track_time: true,
            enable_issue_dependencies: true,
            external_tracker_url: String::new(),
            external_tracker_format: String::new(),
            external_tracker_style: String::new(),
            external_tracker_regexp_pattern: String::new(),
            external_wiki_url: String::new(),
            enable_prune: true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Repo {
    pub id: i64,
    pub owner_id: i64,
    pub name: String,
    pub description: String,
    pub website: String,
    pub default_branch: String,
    pub is_private: bool,
    pub is_empty: bool,
    pub is_mirror: bool,
    pub is_fork: bool,
    pub is_template: bool,
    pub is_archived: bool,
    /// Bytes on disk; the API shows KiB.
    pub size: i64,
    pub original_url: String,
    pub num_stars: i64,
    pub num_forks: i64,
    pub num_watches: i64,
    pub num_open_issues: i64,
    pub object_format_name: String,
    pub settings: RepoSettings,
    pub archived_unix: i64,
    pub created_unix: i64,
    pub updated_unix: i64,
    /// Set for pull mirrors.
    pub mirror: Option<MirrorInfo>,
}

/// What a repository row carries of its pull-mirror settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MirrorInfo {
    pub interval_secs: i64,
    /// Last sync, successful or not.
    pub updated_unix: i64,
}

impl Repo {
    pub fn lower_name(&self) -> String {
        self.name.to_ascii_lowercase()
    }
}

/// A repository together with its owner, as every API answer needs both.
#[derive(Debug, Clone)]
pub struct RepoWithOwner {
    pub repo: Repo,
    pub owner: User,
}

impl RepoWithOwner {
    /// Public, and owned by a public account: what anonymous callers and public-only
    /// tokens may reach.
    pub fn is_public(&self) -> bool {
        !self.repo.is_private && self.owner.visibility == Visibility::Public
    }
}

/// A team of an organisation. `mode` is the permission it reports; `code_mode` is what it
/// grants on code (clone/push), never below read; `units` maps Gitea's unit names to modes.
#[derive(Debug, Clone)]
pub struct Team {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    pub description: String,
    pub mode: crate::access::AccessMode,
    pub code_mode: crate::access::AccessMode,
    pub units: std::collections::BTreeMap<String, crate::access::AccessMode>,
    pub includes_all_repos: bool,
    pub can_create_org_repo: bool,
}

impl Team {
    pub const OWNERS: &'static str = "Owners";
    pub fn is_owner_team(&self) -> bool {
        self.mode == crate::access::AccessMode::Owner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hashes_never_show_in_debug_output() {
        let phc = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
        let h = PasswordHash::new(phc.to_string());
        let shown = format!("{h:?} {:?}", Some(h.clone()));
        assert!(
            !shown.contains("argon2") && !shown.contains("aGFz"),
            "{shown}"
        );
        assert_eq!(h.as_str(), phc);
        // A user value has no field for it at all.
        let shown = format!("{:?}", User::ghost());
        assert!(
            !shown.contains("passwd") && !shown.contains("hash"),
            "{shown}"
        );
    }
}
