//! The issue tracker's rules: who may open, edit, label and comment, and what a valid
//! request is. Everything is checked before the store writes, and each write is one
//! transaction there, so a refused request changes nothing.
//!
//! Gitea's split: anyone who can read the repository may open issues and comment;
//! labels, milestones, assignees and deadlines are set by issue writers only (silently
//! dropped for others when creating); the poster or a writer may edit an issue or a
//! comment.

use crate::Services;
use oxforge_core::access::{AccessMode, Viewer};
use oxforge_core::issues::{
    check_body, clean_title, mentions, normalize_color, Comment, Issue, Label, Milestone,
};
use oxforge_core::model::{RepoWithOwner, User};
use oxforge_core::{Error, ErrorKind, Result};
use oxforge_store::{IssueUpdate, LabelChange, NewIssue};

/// At most this many `@`-mentions of one text are resolved (each costs a lookup).
const MAX_MENTIONS: usize = 50;

/// The caller's standing on a repository's issues.
#[derive(Debug, Clone, Copy)]
pub struct IssueAccess {
    pub mode: AccessMode,
}

impl IssueAccess {
    pub fn can_write(self) -> bool {
        self.mode >= AccessMode::Write
    }
    /// The poster of `poster_id` or a writer.
    pub fn can_edit(self, doer: &User, poster_id: Option<i64>) -> bool {
        self.can_write() || poster_id == Some(doer.id)
    }
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

fn forbidden() -> Error {
    Error::forbidden("user should be the poster or have write access to issues")
}

fn require_writer(a: IssueAccess) -> Result<()> {
    if a.can_write() {
        Ok(())
    } else {
        Err(Error::forbidden("user should have write access to issues"))
    }
}

/// `open` → false, `closed` → true, anything else refused as Gitea does (412).
fn parse_state(s: &str) -> Result<bool> {
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
    /// The repository's issues may be read by `viewer` (tracker enabled; `mode` is the
    /// caller's access, already at least read); 404 otherwise, as for a missing repository.
    pub fn issue_access(&self, r: &RepoWithOwner, mode: AccessMode) -> Result<IssueAccess> {
        let s = &r.repo.settings;
        if mode == AccessMode::None || !s.has_issues || !s.external_tracker_url.is_empty() {
            return Err(Error::not_found());
        }
        Ok(IssueAccess { mode })
    }

    /// An issue by number, 404 when absent.
    pub async fn issue(&self, r: &RepoWithOwner, number: i64) -> Result<Issue> {
        self.store
            .issue_by_number(r.repo.id, number)
            .await?
            .ok_or_else(Error::not_found)
    }

    /// The repository's labels among `ids`; 422 names the first unknown one.
    async fn repo_labels(&self, r: &RepoWithOwner, ids: &[i64]) -> Result<Vec<i64>> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let found = self.store.labels_by_ids(r.repo.id, &ids).await?;
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
    async fn mentioned(&self, r: &RepoWithOwner, text: &str) -> Result<Vec<i64>> {
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

    pub async fn create_issue(
        &self,
        doer: &User,
        r: &RepoWithOwner,
        a: IssueAccess,
        c: CreateIssue,
    ) -> Result<Issue> {
        let title = clean_title(&c.title)?;
        check_body(&c.body)?;
        let mut n = NewIssue {
            repo_id: r.repo.id,
            poster_id: doer.id,
            title,
            body: c.body,
            r#ref: c.r#ref,
            closed: c.closed,
            ..Default::default()
        };
        if a.can_write() {
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
        self.store.create_issue(&n).await
    }

    pub async fn edit_issue(
        &self,
        doer: &User,
        r: &RepoWithOwner,
        a: IssueAccess,
        issue: &Issue,
        e: EditIssue,
    ) -> Result<Issue> {
        if !a.can_edit(doer, issue.poster_id) {
            return Err(forbidden());
        }
        let mut up = IssueUpdate::default();
        // An empty title leaves it as it is (Gitea and Gogs clients always send one).
        if let Some(t) = e.title.as_deref().filter(|t| !t.is_empty()) {
            up.title = Some(clean_title(t)?);
        }
        if let Some(b) = &e.body {
            check_body(b)?;
            up.body = Some(b.clone());
        }
        up.r#ref = e.r#ref;
        if let Some(s) = e.state.as_deref() {
            up.closed = Some(parse_state(s)?);
        }
        if a.can_write() {
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
        self.store.update_issue(issue, &up).await
    }

    /// Deletes an issue with its comments (repository admins only, as Gitea).
    pub async fn delete_issue(&self, a: IssueAccess, issue: &Issue) -> Result<()> {
        if a.mode < AccessMode::Admin {
            return Err(Error::forbidden("user should be a repository admin"));
        }
        self.store.delete_issue(issue).await
    }

    /// Adds, replaces or removes an issue's labels (writers only; 422 for labels of
    /// other repositories).
    pub async fn change_issue_labels(
        &self,
        r: &RepoWithOwner,
        a: IssueAccess,
        issue: &Issue,
        change: LabelChange,
        ids: &[i64],
    ) -> Result<()> {
        require_writer(a)?;
        let ids = self.repo_labels(r, ids).await?;
        self.store.change_issue_labels(issue, change, &ids).await
    }

    pub async fn create_comment(
        &self,
        doer: &User,
        r: &RepoWithOwner,
        a: IssueAccess,
        issue: &Issue,
        body: &str,
    ) -> Result<Comment> {
        if issue.is_locked && !a.can_write() {
            return Err(Error::forbidden("the issue is locked"));
        }
        let body = comment_body(body)?;
        let mentioned = self.mentioned(r, body).await?;
        self.store
            .create_comment(issue, doer.id, body, &mentioned)
            .await
    }

    pub async fn edit_comment(
        &self,
        doer: &User,
        r: &RepoWithOwner,
        a: IssueAccess,
        c: &Comment,
        body: &str,
    ) -> Result<Comment> {
        if !a.can_edit(doer, c.poster_id) {
            return Err(forbidden());
        }
        let body = comment_body(body)?;
        let mentioned = self.mentioned(r, body).await?;
        self.store.update_comment(c, body, &mentioned).await?;
        self.store
            .comment(c.repo_id, c.id)
            .await?
            .ok_or_else(Error::not_found)
    }

    pub async fn delete_comment(&self, doer: &User, a: IssueAccess, c: &Comment) -> Result<()> {
        if !a.can_edit(doer, c.poster_id) {
            return Err(forbidden());
        }
        self.store.delete_comment(c).await
    }

    pub async fn create_label(
        &self,
        r: &RepoWithOwner,
        a: IssueAccess,
        o: LabelOptions,
    ) -> Result<Label> {
        require_writer(a)?;
        let mut l = Label {
            id: 0,
            repo_id: r.repo.id,
            name: String::new(),
            color: String::new(),
            description: String::new(),
            exclusive: false,
            archived_unix: 0,
        };
        if o.color.is_none() {
            return Err(Error::validation("Color is required"));
        }
        apply_label(&mut l, o)?;
        self.store.create_label(r.repo.id, &l).await
    }

    pub async fn edit_label(&self, a: IssueAccess, mut l: Label, o: LabelOptions) -> Result<Label> {
        require_writer(a)?;
        apply_label(&mut l, o)?;
        self.store.update_label(&l).await?;
        self.store
            .label(l.repo_id, l.id)
            .await?
            .ok_or_else(Error::not_found)
    }

    pub async fn delete_label(&self, a: IssueAccess, l: &Label) -> Result<()> {
        require_writer(a)?;
        self.store.delete_label(l.id).await
    }

    pub async fn create_milestone(
        &self,
        r: &RepoWithOwner,
        a: IssueAccess,
        o: MilestoneOptions,
    ) -> Result<Milestone> {
        require_writer(a)?;
        let mut m = Milestone {
            id: 0,
            repo_id: r.repo.id,
            name: String::new(),
            description: String::new(),
            is_closed: false,
            num_issues: 0,
            num_closed_issues: 0,
            deadline_unix: 0,
            closed_unix: 0,
            created_unix: 0,
            updated_unix: 0,
        };
        apply_milestone(&mut m, o)?;
        self.store.create_milestone(r.repo.id, &m).await
    }

    pub async fn edit_milestone(
        &self,
        a: IssueAccess,
        mut m: Milestone,
        o: MilestoneOptions,
    ) -> Result<Milestone> {
        require_writer(a)?;
        apply_milestone(&mut m, o)?;
        self.store.update_milestone(&m).await?;
        self.store
            .milestone(m.repo_id, m.id)
            .await?
            .ok_or_else(Error::not_found)
    }

    pub async fn delete_milestone(&self, a: IssueAccess, m: &Milestone) -> Result<()> {
        require_writer(a)?;
        self.store.delete_milestone(m.id).await
    }
}

/// A comment body: required, size-limited, stored verbatim.
fn comment_body(body: &str) -> Result<&str> {
    if body.trim().is_empty() {
        return Err(Error::validation("Body cannot be empty"));
    }
    check_body(body)?;
    Ok(body)
}

fn apply_label(l: &mut Label, o: LabelOptions) -> Result<()> {
    if let Some(name) = o.name {
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(Error::validation("Name cannot be empty"));
        }
        if name.chars().count() > 50 {
            return Err(Error::validation(
                "Name cannot be longer than 50 characters",
            ));
        }
        l.name = name;
    }
    if l.name.is_empty() {
        return Err(Error::validation("Name cannot be empty"));
    }
    if let Some(c) = o.color {
        l.color = normalize_color(&c)?;
    }
    if let Some(d) = o.description {
        check_body(&d)?;
        l.description = d;
    }
    if let Some(e) = o.exclusive {
        l.exclusive = e;
    }
    if let Some(a) = o.is_archived {
        l.archived_unix = match (a, l.archived_unix) {
            (true, 0) => oxforge_core::time::now(),
            (true, t) => t,
            (false, _) => 0,
        };
    }
    Ok(())
}

fn apply_milestone(m: &mut Milestone, o: MilestoneOptions) -> Result<()> {
    if let Some(t) = o.title {
        m.name = t.trim().to_string();
    }
    if m.name.is_empty() {
        return Err(Error::validation("Title cannot be empty"));
    }
    if let Some(d) = o.description {
        check_body(&d)?;
        m.description = d;
    }
    if let Some(s) = o.state.as_deref() {
        let closed = parse_state(s)
            .map_err(|_| Error::validation(format!("unknown milestone state: {s}")))?;
        if closed != m.is_closed {
            m.is_closed = closed;
            m.closed_unix = if closed { oxforge_core::time::now() } else { 0 };
        }
    }
    if let Some(d) = o.due_unix {
        m.deadline_unix = d;
    }
    Ok(())
}
