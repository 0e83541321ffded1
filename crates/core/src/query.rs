//! Filters and orderings of the lists the use cases offer: plain values that the front
//! ends fill from their input and the store turns into SQL.

use crate::access::Viewer;
use crate::model::{PasswordHash, Visibility};

/// How a label change applies to an issue's labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelChange {
    Add,
    Replace,
    Remove,
}

/// Which issues a listing shows. Labels and milestones are "any of"; empty means no
/// filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IssueFilter {
    /// One repository's issues (its read access already checked by the caller).
    pub repo_id: Option<i64>,
    /// Across repositories: those this viewer may read, with the issue tracker enabled.
    pub viewer: Option<Viewer>,
    pub owner_id: Option<i64>,
    /// Repositories reached through this team.
    pub team_id: Option<i64>,
    pub closed: Option<bool>,
    pub label_ids: Vec<i64>,
    /// Across repositories: label names (lower-cased).
    pub label_names: Vec<String>,
    pub milestone_ids: Vec<i64>,
    /// Across repositories: milestone names (lower-cased).
    pub milestone_names: Vec<String>,
    pub keyword: Option<String>,
    pub poster_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub mentioned_id: Option<i64>,
    pub updated_after: Option<i64>,
    pub updated_before: Option<i64>,
    /// Pull requests only: there are none yet, so nothing matches.
    pub pulls_only: bool,
    pub priority_repo_id: Option<i64>,
}

/// Milestones by state and name.
#[derive(Debug, Clone, Default)]
pub struct MilestoneFilter {
    pub closed: Option<bool>,
    pub name: Option<String>,
}

/// Which organisations a listing shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrgFilter {
    /// Only organisations this user belongs to.
    pub member: Option<i64>,
    /// With `member`: also their concealed memberships (the user themself, or an admin).
    pub include_concealed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchMode {
    #[default]
    Any,
    Source,
    Fork,
    Mirror,
    Collaborative,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RepoOrder {
    /// Gitea's default: by name.
    #[default]
    Name,
    /// `alpha`: owner name, then name.
    Alpha,
    Created,
    Updated,
    Size,
    Id,
    Stars,
    Forks,
}

#[derive(Debug, Clone, Default)]
pub struct RepoFilter {
    /// Keyword parts (already split on `,`, lower-cased).
    pub keywords: Vec<String>,
    pub include_description: bool,
    /// `q` of the form `owner/repo`.
    pub owner_and_name: Option<(String, String)>,
    /// Repositories owned by this user only.
    pub owner_id: Option<i64>,
    /// Repositories this user owns or works on (collaborations, teams, member orgs).
    pub related_to: Option<i64>,
    /// Repositories this team reaches.
    pub team_id: Option<i64>,
    /// With `related_to`: only the ones they do not own.
    pub not_owned_by: Option<i64>,
    /// Only public repositories of public owners, whoever asks.
    pub public_only: bool,
    pub is_private: Option<bool>,
    pub is_template: Option<bool>,
    pub is_archived: Option<bool>,
    pub mode: SearchMode,
    pub order: RepoOrder,
    pub descending: bool,
    pub priority_owner_id: Option<i64>,
    /// Exact topic names (Gitea's `topic=true` search).
    pub topics: Vec<String>,
    /// Only repositories this user starred.
    pub starred_by: Option<i64>,
    /// Only repositories this user watches.
    pub watched_by: Option<i64>,
}

/// Which relation: `stars` (counter `num_stars`) or `watches` (`num_watches`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Follow {
    Star,
    Watch,
}

/// Which users a listing may show.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub keyword: Option<String>,
    pub uid: Option<i64>,
    /// Highest visibility included (Public < Limited < Private).
    pub max_visibility: Option<Visibility>,
    /// Always include this user regardless of visibility (the caller).
    pub include_id: Option<i64>,
    /// Also match the keyword against e-mail addresses.
    pub match_email: bool,
    pub login_name: Option<String>,
    pub source_id: Option<i64>,
}

/// Fields an admin may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub keep_email_private: Option<bool>,
    pub passwd_hash: Option<PasswordHash>,
    pub must_change_password: Option<bool>,
    pub login_name: Option<String>,
    pub source_id: Option<i64>,
    pub is_admin: Option<bool>,
    pub is_active: Option<bool>,
    pub prohibit_login: Option<bool>,
    pub restricted: Option<bool>,
    pub visibility: Option<Visibility>,
    pub location: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub allow_create_organization: Option<bool>,
    pub allow_git_hook: Option<bool>,
    pub allow_import_local: Option<bool>,
    pub max_repo_creation: Option<i64>,
    pub repo_admin_change_team_access: Option<bool>,
}
