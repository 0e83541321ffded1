//! Gitea's `Repository`, with Gogs' expectations (`parent: null`, owner `username`,
//! `permissions` always present).

use super::user::{user_json, UserJson, UserView};
use crate::auth::Caller;
use crate::state::HttpConfig;
use oxforge_core::access::AccessMode;
use oxforge_core::model::{RepoWithOwner, Visibility};
use oxforge_core::time::{rfc3339, ZERO_TIME};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Permission)]
pub struct PermissionJson {
    pub admin: bool,
    pub push: bool,
    pub pull: bool,
}

impl From<oxforge_core::access::Permission> for PermissionJson {
    fn from(p: oxforge_core::access::Permission) -> Self {
        PermissionJson {
            admin: p.admin,
            push: p.push,
            pull: p.pull,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = InternalTracker)]
pub struct InternalTrackerJson {
    pub enable_time_tracker: bool,
    pub allow_only_contributors_to_track_time: bool,
    pub enable_issue_dependencies: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ExternalTracker)]
pub struct ExternalTrackerJson {
    pub external_tracker_url: String,
    pub external_tracker_format: String,
    pub external_tracker_style: String,
    pub external_tracker_regexp_pattern: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ExternalWiki)]
pub struct ExternalWikiJson {
    pub external_wiki_url: String,
}

/// A pending ownership transfer (Gitea omits the key when there is none; transfers do
/// not exist yet, so it is always omitted).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RepoTransfer)]
pub struct RepoTransferJson {
    pub doer: UserJson,
    pub recipient: UserJson,
    #[schema(value_type = Vec<Object>)]
    pub teams: Vec<serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Repository)]
pub struct RepoJson {
    pub id: i64,
    pub owner: UserJson,
    pub name: String,
    pub full_name: String,
    pub description: String,
    pub empty: bool,
    pub private: bool,
    pub fork: bool,
    pub template: bool,
    /// Always present; `null` for repositories that are not forks (Gogs clients expect it).
    #[schema(no_recursion)]
    pub parent: Option<Box<RepoJson>>,
    pub mirror: bool,
    /// KiB, as Gitea.
    pub size: i64,
    pub language: String,
    pub languages_url: String,
    pub html_url: String,
    pub url: String,
    pub link: String,
    pub ssh_url: String,
    pub clone_url: String,
    pub original_url: String,
    pub website: String,
    pub stars_count: i64,
    pub forks_count: i64,
    pub watchers_count: i64,
    pub open_issues_count: i64,
    pub open_pr_counter: i64,
    pub release_counter: i64,
    pub default_branch: String,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: String,
    pub permissions: PermissionJson,
    pub has_code: bool,
    pub has_issues: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_tracker: Option<InternalTrackerJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_tracker: Option<ExternalTrackerJson>,
    pub has_wiki: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_wiki: Option<ExternalWikiJson>,
    pub has_pull_requests: bool,
    pub has_projects: bool,
    pub projects_mode: String,
    pub has_releases: bool,
    pub has_packages: bool,
    pub has_actions: bool,
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
    pub avatar_url: String,
    pub internal: bool,
    pub mirror_interval: String,
    pub object_format_name: String,
    pub mirror_updated: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repo_transfer: Option<RepoTransferJson>,
    pub topics: Vec<String>,
    pub licenses: Vec<String>,
}

fn ssh_url(cfg: &HttpConfig, full_name: &str) -> String {
    if cfg.server.ssh_port == 22 {
        format!(
            "{}@{}:{}.git",
            cfg.server.ssh_user,
            cfg.server.ssh_host(),
            full_name
        )
    } else {
        format!(
            "ssh://{}@{}:{}/{}.git",
            cfg.server.ssh_user,
            cfg.server.ssh_host(),
            cfg.server.ssh_port,
            full_name
        )
    }
}

pub fn repo_json(
    cfg: &HttpConfig,
    caller: &Caller,
    r: &RepoWithOwner,
    mode: AccessMode,
) -> RepoJson {
    let repo = &r.repo;
    let s = &repo.settings;
    let full_name = format!("{}/{}", r.owner.name, repo.name);
    let owner_view = match caller.user() {
        Some(me) if me.is_admin || me.id == r.owner.id => UserView::Full,
        Some(_) => UserView::Signed,
        None => UserView::Anonymous,
    };
    let perm = mode.permission(s.has_code);
    let api_url = format!("{}api/v1/repos/{}", cfg.root_url, full_name);
    let external_tracker = !s.external_tracker_url.is_empty();
    let external_wiki = !s.external_wiki_url.is_empty();
    RepoJson {
        id: repo.id,
        owner: user_json(cfg, &r.owner, owner_view),
        name: repo.name.clone(),
        full_name: full_name.clone(),
        description: repo.description.clone(),
        empty: repo.is_empty,
        private: repo.is_private,
        fork: repo.is_fork,
        template: repo.is_template,
        parent: None,
        mirror: repo.is_mirror,
        size: repo.size / 1024,
        language: String::new(),
        languages_url: format!("{api_url}/languages"),
        html_url: format!("{}{}", cfg.root_url, full_name),
        url: api_url,
        link: String::new(),
        ssh_url: ssh_url(cfg, &full_name),
        clone_url: format!("{}{}.git", cfg.root_url, full_name),
        original_url: repo.original_url.clone(),
        website: repo.website.clone(),
        stars_count: repo.num_stars,
        forks_count: repo.num_forks,
        watchers_count: repo.num_watches,
        open_issues_count: repo.num_open_issues,
        open_pr_counter: 0,
        release_counter: 0,
        default_branch: repo.default_branch.clone(),
        archived: repo.is_archived,
        created_at: rfc3339(repo.created_unix),
        updated_at: rfc3339(repo.updated_unix),
        archived_at: rfc3339(repo.archived_unix),
        permissions: perm.into(),
        has_code: s.has_code,
        has_issues: s.has_issues,
        internal_tracker: (s.has_issues && !external_tracker).then_some(InternalTrackerJson {
            enable_time_tracker: s.enable_time_tracker,
            allow_only_contributors_to_track_time: s.allow_only_contributors_to_track_time,
            enable_issue_dependencies: s.enable_issue_dependencies,
        }),
        external_tracker: (s.has_issues && external_tracker).then(|| ExternalTrackerJson {
            external_tracker_url: s.external_tracker_url.clone(),
            external_tracker_format: s.external_tracker_format.clone(),
            external_tracker_style: s.external_tracker_style.clone(),
            external_tracker_regexp_pattern: s.external_tracker_regexp_pattern.clone(),
        }),
        has_wiki: s.has_wiki,
        external_wiki: (s.has_wiki && external_wiki).then(|| ExternalWikiJson {
            external_wiki_url: s.external_wiki_url.clone(),
        }),
        has_pull_requests: s.has_pull_requests,
        has_projects: s.has_projects,
        projects_mode: s.projects_mode.clone(),
        has_releases: s.has_releases,
        has_packages: s.has_packages,
        has_actions: s.has_actions,
        ignore_whitespace_conflicts: s.ignore_whitespace_conflicts,
        allow_merge_commits: s.allow_merge_commits,
        allow_rebase: s.allow_rebase,
        allow_rebase_explicit: s.allow_rebase_explicit,
        allow_squash_merge: s.allow_squash_merge,
        allow_fast_forward_only_merge: s.allow_fast_forward_only_merge,
        allow_rebase_update: s.allow_rebase_update,
        allow_manual_merge: s.allow_manual_merge,
        autodetect_manual_merge: s.autodetect_manual_merge,
        default_delete_branch_after_merge: s.default_delete_branch_after_merge,
        default_merge_style: s.default_merge_style.clone(),
        default_allow_maintainer_edit: s.default_allow_maintainer_edit,
        avatar_url: String::new(),
        internal: !repo.is_private && r.owner.visibility == Visibility::Private,
        mirror_interval: repo
            .mirror
            .map(|m| oxforge_core::duration::format_go_duration(m.interval_secs))
            .unwrap_or_default(),
        object_format_name: repo.object_format_name.clone(),
        mirror_updated: repo
            .mirror
            .map(|m| oxforge_core::time::rfc3339_or_zero(m.updated_unix))
            .unwrap_or_else(|| ZERO_TIME.into()),
        repo_transfer: None,
        topics: Vec::new(),
        licenses: Vec::new(),
    }
}
