//! The issue tracker's rules: who may open, edit, label and comment, and what a valid
//! request is. Everything is checked before the store writes, and each write is one
//! transaction there, so a refused request changes nothing.
//!
//! Gitea's split: anyone who can read the repository may open issues and comment;
//! labels, milestones, assignees and deadlines are set by issue writers only (silently
//! dropped for others when creating); the poster or a writer may edit an issue or a
//! comment.

use crate::actor::Actor;
use crate::repo_ctx::RepoCtx;
use crate::Services;
use oxforge_core::access::{AccessMode, Viewer};
use oxforge_core::events::Event;
use oxforge_core::issues::{check_body, clean_title, mentions, Issue, Label, Milestone};
use oxforge_core::model::{RepoWithOwner, User};
use oxforge_core::paging::Paging;
use oxforge_core::query::IssueFilter;
use oxforge_core::{Error, ErrorKind, Result};
use oxforge_store::{IssueUpdate, NewIssue};
use std::collections::HashMap;
use std::sync::Arc;

/// At most this many `@`-mentions of one text are resolved (each costs a lookup).
const MAX_MENTIONS: usize = 50;

/// A repository whose issue tracker the actor may read, with their standing on it. Only
/// the service constructs one.
#[derive(Debug, Clone)]
pub struct Tracker {
    ctx: RepoCtx,
}

impl Tracker {
    pub fn repo(&self) -> &RepoWithOwner {
        self.ctx.repo()
    }
    pub(crate) fn id(&self) -> i64 {
        self.ctx.id()
    }
    pub(crate) fn can_write(&self) -> bool {
        self.ctx.mode() >= AccessMode::Write
    }
    /// The poster of `poster_id` or a writer.
    pub(crate) fn can_edit(&self, doer: &User, poster_id: Option<i64>) -> bool {
        self.can_write() || poster_id == Some(doer.id)
    }
    /// Every change to the tracker: the repository takes writes, and the actor is signed in.
    pub(crate) fn writer<'a>(&self, actor: &'a Actor) -> Result<&'a User> {
        let me = actor.require_user()?;
        self.ctx.require_writable()?;
        Ok(me)
    }
    pub(crate) fn require_writer(&self) -> Result<()> {
        if self.can_write() {
            Ok(())
        } else {
            Err(Error::forbidden("user should have write access to issues"))
        }
    }
}

/// An issue with what its answers show: repository, poster, labels, milestone, assignees.
#[derive(Debug, Clone)]
pub struct IssueView {
    pub issue: Issue,
    pub repo: Arc<RepoWithOwner>,
    pub poster: Option<User>,
    pub labels: Vec<Label>,
    pub milestone: Option<Milestone>,
    pub assignees: Vec<User>,
}

/// Filters of one repository's issue list, as the client names them.
#[derive(Debug, Clone, Default)]
pub struct IssueQuery {
    pub closed: Option<bool>,
    /// Label names; unknown ones are discarded, as Gitea documents and does.
    pub labels: Vec<String>,
    /// Milestone names or ids.
    pub milestones: Vec<String>,
    pub keyword: Option<String>,
    pub created_by: Option<String>,
    pub assigned_to: Option<String>,
    pub mentioned: Option<String>,
    pub updated_after: Option<i64>,
    pub updated_before: Option<i64>,
    pub pulls_only: bool,
}

/// Filters of `/repos/issues/search`.
#[derive(Debug, Clone, Default)]
pub struct IssueSearch {
    pub closed: Option<bool>,
    pub labels: Vec<String>,
    pub milestones: Vec<String>,
    pub keyword: Option<String>,
    pub updated_after: Option<i64>,
    pub updated_before: Option<i64>,
    pub pulls_only: bool,
    pub priority_repo_id: Option<i64>,
    /// Only issues assigned to, created by, or mentioning the actor.
    pub assigned: bool,
    pub created: bool,
    pub mentioned: bool,
    pub owner: Option<String>,
    pub team: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct CreateIssue {
    pub title: String,
    pub body: String,
    pub r#ref: String,
    pub assignees: Vec<String>,
    pub milestone: Option<i64>,
    pub labels: Vec<i64>,
    pub closed: bool,
    pub deadline_unix: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct EditIssue {
    pub title: Option<String>,
    pub body: Option<String>,
    pub r#ref: Option<String>,
    pub assignees: Option<Vec<String>>,
    /// 0 clears the milestone.
    pub milestone: Option<i64>,
    pub state: Option<String>,
    /// `Some(0)` clears the deadline.
    pub deadline_unix: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct LabelOptions {
    pub name: Option<String>,
    pub color: Option<String>,
    pub description: Option<String>,
    pub exclusive: Option<bool>,
    pub is_archived: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct MilestoneOptions {
    pub title: Option<String>,
    pub description: Option<String>,
    pub state: Option<String>,
    /// `Some(0)` clears the due date.
    pub due_unix: Option<i64>,
}

pub(crate) fn forbidden() -> Error {
    Error::forbidden("user should be the poster or have write access to issues")
}

/// `open` → false, `closed` → true, anything else refused as Gitea does (412).
pub(crate) fn parse_state(s: &str) -> Result<bool> {
    match s {
        "open" => Ok(false),
        "closed" => Ok(true),
        other => Err(Error::new(
            ErrorKind::PreconditionFailed,
            format!("unknown state: {other}"),
        )),
    }
}

impl Services {
    /// The issue tracker of `owner/name` as the actor may read it: the repository is
    /// visible and its tracker enabled; 404 otherwise, as for a missing repository.
    pub async fn tracker(&self, actor: &Actor, owner: &str, name: &str) -> Result<Tracker> {
        let ctx = self.repo_ctx(actor, owner, name).await?;
        let s = &ctx.repo().repo.settings;
        if !s.has_issues || !s.external_tracker_url.is_empty() {
            return Err(Error::not_found());
        }
        Ok(Tracker { ctx })
    }

    /// Issue, comment, label and milestone texts: at most `[repository.issue]
    /// MAX_BODY_BYTES`.
    pub(crate) fn check_text(&self, text: &str) -> Result<()> {
        check_body(text, self.settings.repository_issue.max_body_bytes)
    }

    /// An issue by number, 404 when absent.
    pub async fn issue(&self, t: &Tracker, number: i64) -> Result<Issue> {
        self.store
            .issue_by_number(t.id(), number)
            .await?
            .ok_or_else(Error::not_found)
    }

    /// The labels among `ids` usable on the repository's issues: its own and, in an
    /// organization's repository, the organization's; 422 names the first other one.
    pub(crate) async fn repo_labels(&self, r: &RepoWithOwner, ids: &[i64]) -> Result<Vec<i64>> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let found = self
            .store
            .labels_by_ids(r.repo.id, owner_org(r), &ids)
            .await?;
        if let Some(missing) = ids.iter().find(|id| !found.iter().any(|l| l.id == **id)) {
            return Err(Error::validation(format!(
                "label does not exist [label_id: {missing}]"
            )));
        }
        Ok(ids)
    }

    async fn repo_milestone(&self, r: &RepoWithOwner, id: i64) -> Result<i64> {
        match self.store.milestone(r.repo.id, id).await? {
            Some(m) => Ok(m.id),
            None => Err(Error::validation(format!(
                "milestone does not exist [id: {id}, repo_id: {}]",
                r.repo.id
            ))),
        }
    }

    /// Users who may be assigned: existing accounts with write access (422 otherwise).
    async fn assignees(&self, r: &RepoWithOwner, names: &[String]) -> Result<Vec<i64>> {
        let mut ids = Vec::new();
        for name in names.iter().filter(|n| !n.is_empty()) {
            let user = self
                .store
                .user_by_name(name)
                .await?
                .filter(|u| !u.is_org())
                .ok_or_else(|| {
                    Error::validation(format!("user does not exist [uid: 0, name: {name}]"))
                })?;
            if self.access(&Viewer::of(Some(&user), false), r).await? < AccessMode::Write {
                return Err(Error::validation(format!(
                    "user [{}] cannot be assigned to issues of {}/{}",
                    user.name, r.owner.name, r.repo.name
                )));
            }
            if !ids.contains(&user.id) {
                ids.push(user.id);
            }
        }
        Ok(ids)
    }

    /// The existing users `@`-mentioned in `text` who can read the repository (a mention
    /// must not reveal a private issue to someone outside it).
    pub(crate) async fn mentioned(&self, r: &RepoWithOwner, text: &str) -> Result<Vec<i64>> {
        let mut ids = Vec::new();
        for name in mentions(text).into_iter().take(MAX_MENTIONS) {
            if let Some(u) = self.store.user_by_name(&name).await? {
                if !u.is_org()
                    && self.access(&Viewer::of(Some(&u), false), r).await? > AccessMode::None
                {
                    ids.push(u.id);
                }
            }
        }
        Ok(ids)
    }

    pub async fn create_issue(&self, actor: &Actor, t: &Tracker, c: CreateIssue) -> Result<Issue> {
        let doer = t.writer(actor)?;
        let r = t.repo();
        let title = clean_title(&c.title)?;
        self.check_text(&c.body)?;
        let mut n = NewIssue {
            repo_id: r.repo.id,
            poster_id: doer.id,
            title,
            body: c.body,
            r#ref: c.r#ref,
            closed: c.closed,
            ..Default::default()
        };
        if t.can_write() {
            n.label_ids = self.repo_labels(r, &c.labels).await?;
            if let Some(id) = c.milestone.filter(|id| *id > 0) {
                n.milestone_id = Some(self.repo_milestone(r, id).await?);
            }
            n.assignee_ids = self.assignees(r, &c.assignees).await?;
            n.deadline_unix = c.deadline_unix.unwrap_or(0);
        }
        n.mentioned_ids = self
            .mentioned(r, &format!("{}\n{}", n.title, n.body))
            .await?;
        let issue = self.store.create_issue(&n).await?;
        let (issue_id, number) = (issue.id, issue.number);
        self.emit(actor, Some(t.id()), Event::IssueOpened { issue_id, number })
            .await;
        Ok(issue)
    }

    pub async fn edit_issue(
        &self,
        actor: &Actor,
        t: &Tracker,
        issue: &Issue,
        e: EditIssue,
    ) -> Result<Issue> {
        let doer = t.writer(actor)?;
        let r = t.repo();
        if !t.can_edit(doer, issue.poster_id) {
            return Err(forbidden());
        }
        let mut up = IssueUpdate::default();
        // An empty title leaves it as it is (Gitea and Gogs clients always send one).
        if let Some(t) = e.title.as_deref().filter(|t| !t.is_empty()) {
            up.title = Some(clean_title(t)?);
        }
        if let Some(b) = &e.body {
            self.check_text(b)?;
            up.body = Some(b.clone());
        }
        up.r#ref = e.r#ref;
        if let Some(s) = e.state.as_deref() {
            up.closed = Some(parse_state(s)?);
        }
        if t.can_write() {
            if let Some(m) = e.milestone {
                up.milestone_id = Some(match m {
                    0 => None,
                    id => Some(self.repo_milestone(r, id).await?),
                });
            }
            if let Some(names) = &e.assignees {
                up.assignee_ids = Some(self.assignees(r, names).await?);
            }
            up.deadline_unix = e.deadline_unix;
        }
        let text = format!(
            "{}\n{}",
            up.title.as_deref().unwrap_or(""),
            up.body.as_deref().unwrap_or("")
        );
        up.mentioned_ids = self.mentioned(r, &text).await?;
        let after = self.store.update_issue(issue, &up).await?;
        for event in issue_changes(issue, &after, &up) {
            self.emit(actor, Some(t.id()), event).await;
        }
        Ok(after)
    }

    /// Deletes an issue with its comments (repository admins only, as Gitea).
    pub async fn delete_issue(&self, actor: &Actor, t: &Tracker, issue: &Issue) -> Result<()> {
        t.writer(actor)?;
        if t.ctx.mode() < AccessMode::Admin {
            return Err(Error::forbidden("user should be a repository admin"));
        }
        self.store.delete_issue(issue).await?;
        let (issue_id, number) = (issue.id, issue.number);
        self.emit(
            actor,
            Some(t.id()),
            Event::IssueDeleted { issue_id, number },
        )
        .await;
        Ok(())
    }

    /// Issues with what their answers show, loaded once for the page.
    async fn issue_views(
        &self,
        repos: &HashMap<i64, Arc<RepoWithOwner>>,
        issues: Vec<Issue>,
    ) -> Result<Vec<IssueView>> {
        let ids: Vec<i64> = issues.iter().map(|i| i.id).collect();
        let mut posters: Vec<i64> = issues.iter().filter_map(|i| i.poster_id).collect();
        posters.sort_unstable();
        posters.dedup();
        let mut milestone_ids: Vec<i64> = issues.iter().filter_map(|i| i.milestone_id).collect();
        milestone_ids.sort_unstable();
        milestone_ids.dedup();
        let users = self.store.users_by_ids(&posters).await?;
        let mut labels = self.store.labels_of_issues(&ids).await?;
        let mut assignees = self.store.assignees_of_issues(&ids).await?;
        let milestones = self.store.milestones_by_ids(&milestone_ids).await?;
        Ok(issues
            .into_iter()
            .filter_map(|i| {
                let repo = repos.get(&i.repo_id)?.clone();
                Some(IssueView {
                    poster: i.poster_id.and_then(|p| users.get(&p).cloned()),
                    labels: labels.remove(&i.id).unwrap_or_default(),
                    milestone: i.milestone_id.and_then(|m| milestones.get(&m).cloned()),
                    assignees: assignees.remove(&i.id).unwrap_or_default(),
                    repo,
                    issue: i,
                })
            })
            .collect())
    }

    /// One issue as its answers show it.
    pub async fn issue_view(&self, t: &Tracker, issue: Issue) -> Result<IssueView> {
        let repos = HashMap::from([(t.id(), Arc::new(t.repo().clone()))]);
        self.issue_views(&repos, vec![issue])
            .await?
            .pop()
            .ok_or_else(|| Error::internal("issue without its repository"))
    }

    /// A user named in a filter; unknown names are 404, as Gitea.
    async fn filter_user(&self, name: Option<&str>) -> Result<Option<i64>> {
        match name.filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(name) => match self.store.user_by_name(name).await? {
                Some(u) => Ok(Some(u.id)),
                None => Err(Error::not_found_msg(format!(
                    "user does not exist [name: {name}]"
                ))),
            },
        }
    }

    /// One repository's issues, newest first.
    pub async fn list_issues(
        &self,
        t: &Tracker,
        q: IssueQuery,
        paging: Paging,
    ) -> Result<(Vec<IssueView>, i64)> {
        let rid = t.id();
        let label_ids = self
            .store
            .labels_by_names(rid, 0, &q.labels)
            .await?
            .iter()
            .map(|l| l.id)
            .collect();
        let mut milestone_ids = Vec::new();
        for part in &q.milestones {
            let by_name = self.store.milestone_by_name(rid, part).await?;
            let found = match (by_name, part.parse::<i64>()) {
                (Some(m), _) => Some(m),
                (None, Ok(id)) => self.store.milestone(rid, id).await?,
                (None, Err(_)) => None,
            };
            milestone_ids.extend(found.map(|m| m.id));
        }
        let f = IssueFilter {
            repo_id: Some(rid),
            closed: q.closed,
            label_ids,
            milestone_ids,
            keyword: q.keyword,
            poster_id: self.filter_user(q.created_by.as_deref()).await?,
            assignee_id: self.filter_user(q.assigned_to.as_deref()).await?,
            mentioned_id: self.filter_user(q.mentioned.as_deref()).await?,
            updated_after: q.updated_after,
            updated_before: q.updated_before,
            pulls_only: q.pulls_only,
            ..Default::default()
        };
        let (issues, total) = self.store.list_issues(&f, Some(paging)).await?;
        let repos = HashMap::from([(rid, Arc::new(t.repo().clone()))]);
        Ok((self.issue_views(&repos, issues).await?, total))
    }

    /// Issues of every repository the actor may read whose tracker is on, newest first.
    pub async fn search_issues(
        &self,
        actor: &Actor,
        q: IssueSearch,
        paging: Paging,
    ) -> Result<(Vec<IssueView>, i64)> {
        let viewer = actor.viewer();
        let lower = |v: Vec<String>| v.iter().map(|n| n.to_lowercase()).collect();
        let mut f = IssueFilter {
            viewer: Some(viewer),
            closed: q.closed,
            label_names: lower(q.labels),
            milestone_names: lower(q.milestones),
            keyword: q.keyword,
            updated_after: q.updated_after,
            updated_before: q.updated_before,
            pulls_only: q.pulls_only,
            priority_repo_id: q.priority_repo_id,
            ..Default::default()
        };
        if let Some(me) = viewer.signed_in() {
            f.assignee_id = q.assigned.then_some(me);
            f.poster_id = q.created.then_some(me);
            f.mentioned_id = q.mentioned.then_some(me);
        }
        if let Some(name) = q.owner.filter(|v| !v.is_empty()) {
            let owner = self
                .store
                .user_by_name(&name)
                .await?
                .ok_or_else(|| Error::bad_request("Owner not found"))?;
            if let Some(team) = q.team.filter(|v| !v.is_empty()) {
                if !owner.is_org() {
                    return Err(Error::bad_request(
                        "Owner organisation is required for filtering on team",
                    ));
                }
                let (teams, _) = self.store.teams_of_org(owner.id, None, None).await?;
                let t = teams
                    .iter()
                    .find(|t| t.name.eq_ignore_ascii_case(&team))
                    .ok_or_else(|| Error::bad_request("Team not found"))?;
                f.team_id = Some(t.id);
            }
            f.owner_id = Some(owner.id);
        }
        let (issues, total) = self.store.list_issues(&f, Some(paging)).await?;
        let mut repo_ids: Vec<i64> = issues.iter().map(|i| i.repo_id).collect();
        repo_ids.sort_unstable();
        repo_ids.dedup();
        let repos = self
            .store
            .repos_by_ids(&repo_ids)
            .await?
            .into_iter()
            .map(|r| (r.repo.id, Arc::new(r)))
            .collect();
        Ok((self.issue_views(&repos, issues).await?, total))
    }
}

/// The events an edit of `before` into `after` amounts to.
fn issue_changes(before: &Issue, after: &Issue, up: &IssueUpdate) -> Vec<Event> {
    let (issue_id, number) = (after.id, after.number);
    let mut out = Vec::new();
    if before.title != after.title || before.body != after.body || before.r#ref != after.r#ref {
        out.push(Event::IssueEdited { issue_id, number });
    }
    match (before.is_closed, after.is_closed) {
        (false, true) => out.push(Event::IssueClosed { issue_id, number }),
        (true, false) => out.push(Event::IssueReopened { issue_id, number }),
        _ => {}
    }
    if before.milestone_id != after.milestone_id {
        out.push(Event::IssueMilestoneChanged {
            issue_id,
            number,
            milestone_id: after.milestone_id,
        });
    }
    if up.assignee_ids.is_some() {
        out.push(Event::IssueAssigneesChanged { issue_id, number });
    }
    out
}

/// The organization owning the repository, whose labels its issues may carry (0: none).
pub(crate) fn owner_org(r: &RepoWithOwner) -> i64 {
    if r.owner.is_org() {
        r.owner.id
    } else {
        0
    }
}
