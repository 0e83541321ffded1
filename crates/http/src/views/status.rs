//! Gitea's `CommitStatus` and `CombinedStatus`.

use super::repo::{repo_json, RepoJson};
use super::user::{user_json, view_for, UserJson};
use crate::auth::Caller;
use crate::state::HttpConfig;
use oxforge_core::access::AccessMode;
use oxforge_core::model::{RepoWithOwner, User};
use oxforge_core::time::rfc3339;
use oxforge_service::statuses::{CombinedStatus, StatusView};
use serde::Serialize;
use utoipa::ToSchema;

fn repo_api_url(cfg: &HttpConfig, r: &RepoWithOwner) -> String {
    format!(
        "{}api/v1/repos/{}/{}",
        cfg.root_url, r.owner.name, r.repo.name
    )
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CommitStatus)]
pub struct StatusJson {
    pub id: i64,
    /// `pending`, `success`, `error`, `failure`, `warning` or `skipped`.
    pub status: String,
    pub target_url: String,
    pub description: String,
    pub url: String,
    pub context: String,
    pub creator: UserJson,
    pub created_at: String,
    pub updated_at: String,
}

pub fn status_json(
    cfg: &HttpConfig,
    caller: &Caller,
    r: &RepoWithOwner,
    v: &StatusView,
) -> StatusJson {
    let ghost = User::ghost();
    let creator = v.creator.as_ref().unwrap_or(&ghost);
    let s = &v.status;
    StatusJson {
        id: s.id,
        status: s.state.as_str().into(),
        target_url: s.target_url.clone(),
        description: s.description.clone(),
        url: format!("{}/statuses/{}", repo_api_url(cfg, r), s.sha),
        context: s.context.clone(),
        creator: user_json(cfg, creator, view_for(caller, creator)),
        created_at: rfc3339(s.created_unix),
        updated_at: rfc3339(s.updated_unix),
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CombinedStatus)]
pub struct CombinedStatusJson {
    /// The combined state of the latest status of each context.
    pub state: String,
    pub sha: String,
    pub total_count: i64,
    pub statuses: Vec<StatusJson>,
    pub repository: RepoJson,
    pub commit_url: String,
    pub url: String,
}

pub fn combined_json(
    cfg: &HttpConfig,
    caller: &Caller,
    r: &RepoWithOwner,
    mode: AccessMode,
    c: &CombinedStatus,
) -> CombinedStatusJson {
    let api = repo_api_url(cfg, r);
    CombinedStatusJson {
        state: c.state.as_str().into(),
        sha: c.sha.clone(),
        total_count: c.total_count,
        statuses: c
            .statuses
            .iter()
            .map(|v| status_json(cfg, caller, r, v))
            .collect(),
        repository: repo_json(cfg, caller, r, mode),
        commit_url: format!("{api}/git/commits/{}", c.sha),
        url: format!("{api}/commits/{}/status", c.sha),
    }
}
