//! Gitea's `Issue`, `Comment`, `Label` and `Milestone` (Gogs reads the same fields; its
//! label colours are also without `#`). Bodies are returned exactly as stored: rendering
//! Markdown is the reader's business, so nothing here can inject HTML.

use super::user::{user_json, view_for, UserJson};
use crate::auth::Caller;
use crate::state::HttpConfig;
use oxforge_core::issues::{Comment, Issue, Label, Milestone};
use oxforge_core::model::{RepoWithOwner, User};
use oxforge_core::time::rfc3339;
use serde::Serialize;
use utoipa::ToSchema;

fn opt_time(unix: i64) -> Option<String> {
    (unix != 0).then(|| rfc3339(unix))
}

fn state(closed: bool) -> &'static str {
    if closed {
        "closed"
    } else {
        "open"
    }
}

fn repo_api_url(cfg: &HttpConfig, r: &RepoWithOwner) -> String {
    format!(
        "{}api/v1/repos/{}/{}",
        cfg.root_url, r.owner.name, r.repo.name
    )
}

fn repo_html_url(cfg: &HttpConfig, r: &RepoWithOwner) -> String {
    format!("{}{}/{}", cfg.root_url, r.owner.name, r.repo.name)
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Label)]
pub struct LabelJson {
    pub id: i64,
    pub name: String,
    pub exclusive: bool,
    pub is_archived: bool,
    /// Six hex digits, without `#`.
    pub color: String,
    pub description: String,
    pub url: String,
}

/// A label as an issue of `r` (or `r`'s label list) shows it: an organization label's
/// `url` is under its organization, `r`'s owner.
pub fn label_json(cfg: &HttpConfig, r: &RepoWithOwner, l: &Label) -> LabelJson {
    if l.org_id != 0 {
        return org_label_json(cfg, &r.owner.name, l);
    }
    LabelJson {
        id: l.id,
        name: l.name.clone(),
        exclusive: l.exclusive,
        is_archived: l.archived_unix != 0,
        color: l.color.clone(),
        description: l.description.clone(),
        url: format!("{}/labels/{}", repo_api_url(cfg, r), l.id),
    }
}

/// A label of the organization `org`.
pub fn org_label_json(cfg: &HttpConfig, org: &str, l: &Label) -> LabelJson {
    LabelJson {
        id: l.id,
        name: l.name.clone(),
        exclusive: l.exclusive,
        is_archived: l.archived_unix != 0,
        color: l.color.clone(),
        description: l.description.clone(),
        url: format!("{}api/v1/orgs/{}/labels/{}", cfg.root_url, org, l.id),
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Milestone)]
pub struct MilestoneJson {
    pub id: i64,
    pub title: String,
    pub description: String,
    /// `open` or `closed`.
    pub state: String,
    pub open_issues: i64,
    pub closed_issues: i64,
    pub created_at: String,
    pub updated_at: String,
    pub closed_at: Option<String>,
    pub due_on: Option<String>,
}

pub fn milestone_json(m: &Milestone) -> MilestoneJson {
    MilestoneJson {
        id: m.id,
        title: m.name.clone(),
        description: m.description.clone(),
        state: state(m.is_closed).into(),
        open_issues: m.num_issues - m.num_closed_issues,
        closed_issues: m.num_closed_issues,
        created_at: rfc3339(m.created_unix),
        updated_at: rfc3339(m.updated_unix),
        closed_at: opt_time(m.closed_unix),
        due_on: opt_time(m.deadline_unix),
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RepositoryMeta)]
pub struct RepositoryMetaJson {
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub full_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PullRequestMeta)]
pub struct PullRequestMetaJson {
    pub merged: bool,
    pub merged_at: Option<String>,
    pub draft: bool,
    pub html_url: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Issue)]
pub struct IssueJson {
    pub id: i64,
    pub url: String,
    pub html_url: String,
    pub number: i64,
    pub user: UserJson,
    pub original_author: String,
    pub original_author_id: i64,
    pub title: String,
    pub body: String,
    #[serde(rename = "ref")]
    #[schema(rename = "ref")]
    pub r#ref: String,
    #[schema(value_type = Vec<Object>)]
    pub assets: Vec<serde_json::Value>,
    pub labels: Vec<LabelJson>,
    pub milestone: Option<MilestoneJson>,
    pub assignee: Option<UserJson>,
    /// `null` when there are none, as Gitea sends it.
    pub assignees: Option<Vec<UserJson>>,
    /// `open` or `closed`.
    pub state: String,
    pub is_locked: bool,
    pub comments: i64,
    pub created_at: String,
    pub updated_at: String,
    pub closed_at: Option<String>,
    pub due_date: Option<String>,
    pub time_estimate: i64,
    /// Always `null`: there are no pull requests yet.
    pub pull_request: Option<PullRequestMetaJson>,
    pub repository: RepositoryMetaJson,
    pub pin_order: i64,
}

/// What an issue's JSON needs besides the issue row.
pub struct IssueParts<'a> {
    pub poster: Option<&'a User>,
    pub labels: &'a [Label],
    pub milestone: Option<&'a Milestone>,
    pub assignees: &'a [User],
}

pub fn issue_json(
    cfg: &HttpConfig,
    caller: &Caller,
    r: &RepoWithOwner,
    i: &Issue,
    p: IssueParts<'_>,
) -> IssueJson {
    let user = |u: &User| user_json(cfg, u, view_for(caller, u));
    let ghost = User::ghost();
    let assignees: Vec<UserJson> = p.assignees.iter().map(user).collect();
    IssueJson {
        id: i.id,
        url: format!("{}/issues/{}", repo_api_url(cfg, r), i.number),
        html_url: format!("{}/issues/{}", repo_html_url(cfg, r), i.number),
        number: i.number,
        user: user(p.poster.unwrap_or(&ghost)),
        original_author: String::new(),
        original_author_id: 0,
        title: i.title.clone(),
        body: i.body.clone(),
        r#ref: i.r#ref.clone(),
        assets: Vec::new(),
        labels: p.labels.iter().map(|l| label_json(cfg, r, l)).collect(),
        milestone: p.milestone.map(milestone_json),
        assignee: p.assignees.first().map(user),
        assignees: (!assignees.is_empty()).then_some(assignees),
        state: state(i.is_closed).into(),
        is_locked: i.is_locked,
        comments: i.num_comments,
        created_at: rfc3339(i.created_unix),
        updated_at: rfc3339(i.updated_unix),
        closed_at: opt_time(i.closed_unix),
        due_date: opt_time(i.deadline_unix),
        time_estimate: 0,
        pull_request: None,
        repository: RepositoryMetaJson {
            id: r.repo.id,
            name: r.repo.name.clone(),
            owner: r.owner.name.clone(),
            full_name: format!("{}/{}", r.owner.name, r.repo.name),
        },
        pin_order: 0,
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Comment)]
pub struct CommentJson {
    pub id: i64,
    pub html_url: String,
    pub pull_request_url: String,
    pub issue_url: String,
    pub user: UserJson,
    pub original_author: String,
    pub original_author_id: i64,
    pub body: String,
    #[schema(value_type = Vec<Object>)]
    pub assets: Vec<serde_json::Value>,
    pub created_at: String,
    pub updated_at: String,
}

pub fn comment_json(
    cfg: &HttpConfig,
    caller: &Caller,
    r: &RepoWithOwner,
    issue_number: i64,
    c: &Comment,
    poster: Option<&User>,
) -> CommentJson {
    let ghost = User::ghost();
    let poster = poster.unwrap_or(&ghost);
    let issue_url = format!("{}/issues/{}", repo_html_url(cfg, r), issue_number);
    CommentJson {
        id: c.id,
        html_url: format!("{issue_url}#issuecomment-{}", c.id),
        pull_request_url: String::new(),
        issue_url,
        user: user_json(cfg, poster, view_for(caller, poster)),
        original_author: String::new(),
        original_author_id: 0,
        body: c.body.clone(),
        assets: Vec::new(),
        created_at: rfc3339(c.created_unix),
        updated_at: rfc3339(c.updated_unix),
    }
}
