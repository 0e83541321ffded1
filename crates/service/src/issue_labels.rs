//! Labels and milestones of a repository's tracker, and the labels on an issue: readers
//! see them, writers change them.

use crate::actor::Actor;
use crate::issues::{parse_state, LabelOptions, MilestoneOptions, Tracker};
use crate::Services;
use oxforge_core::events::Event;
use oxforge_core::issues::{check_body, normalize_color, Issue, Label, Milestone};
use oxforge_core::paging::Paging;
use oxforge_core::query::{LabelChange, MilestoneFilter};
use oxforge_core::{Error, Result};

/// Labels as a client names them: by id, or by name.
#[derive(Debug, Clone, Default)]
pub struct LabelRefs {
    pub ids: Vec<i64>,
    pub names: Vec<String>,
}

impl Services {
    pub async fn label(&self, t: &Tracker, id: i64) -> Result<Label> {
        self.store
            .label(t.id(), id)
            .await?
            .ok_or_else(Error::not_found)
    }

    pub async fn labels(&self, t: &Tracker, paging: Paging) -> Result<(Vec<Label>, i64)> {
        self.store.labels(t.id(), Some(paging)).await
    }

    /// The labels on an issue.
    pub async fn issue_labels(&self, issue: &Issue) -> Result<Vec<Label>> {
        let mut map = self.store.labels_of_issues(&[issue.id]).await?;
        Ok(map.remove(&issue.id).unwrap_or_default())
    }

    /// Adds, replaces or removes an issue's labels (writers only; 422 for labels of other
    /// repositories, by id or by name).
    pub async fn change_issue_labels(
        &self,
        actor: &Actor,
        t: &Tracker,
        issue: &Issue,
        change: LabelChange,
        refs: LabelRefs,
    ) -> Result<()> {
        t.writer(actor)?;
        let mut ids = refs.ids;
        let org = crate::issues::owner_org(t.repo());
        let found = self.store.labels_by_names(t.id(), org, &refs.names).await?;
        if let Some(missing) = refs
            .names
            .iter()
            .find(|n| !found.iter().any(|l| l.name.eq_ignore_ascii_case(n)))
        {
            return Err(Error::validation(format!(
                "label does not exist [name: {missing}]"
            )));
        }
        ids.extend(found.iter().map(|l| l.id));
        t.require_writer()?;
        let ids = self.repo_labels(t.repo(), &ids).await?;
        self.store.change_issue_labels(issue, change, &ids).await?;
        let event = Event::IssueLabelsChanged {
            issue_id: issue.id,
            number: issue.number,
        };
        self.emit(actor, Some(t.id()), event).await;
        Ok(())
    }

    pub async fn create_label(&self, actor: &Actor, t: &Tracker, o: LabelOptions) -> Result<Label> {
        t.writer(actor)?;
        t.require_writer()?;
        let mut l = Label {
            id: 0,
            repo_id: t.id(),
            org_id: 0,
            name: String::new(),
            color: String::new(),
            description: String::new(),
            exclusive: false,
            archived_unix: 0,
        };
        if o.color.is_none() {
            return Err(Error::validation("Color is required"));
        }
        apply_label(&mut l, o, self.settings.repository_issue.max_body_bytes)?;
        let l = self.store.create_label(t.id(), &l).await?;
        self.emit(actor, Some(t.id()), Event::LabelCreated { label_id: l.id })
            .await;
        Ok(l)
    }

    pub async fn edit_label(
        &self,
        actor: &Actor,
        t: &Tracker,
        mut l: Label,
        o: LabelOptions,
    ) -> Result<Label> {
        t.writer(actor)?;
        t.require_writer()?;
        apply_label(&mut l, o, self.settings.repository_issue.max_body_bytes)?;
        self.store.update_label(&l).await?;
        let l = self.label(t, l.id).await?;
        self.emit(actor, Some(t.id()), Event::LabelEdited { label_id: l.id })
            .await;
        Ok(l)
    }

    pub async fn delete_label(&self, actor: &Actor, t: &Tracker, l: &Label) -> Result<()> {
        t.writer(actor)?;
        t.require_writer()?;
        self.store.delete_label(l.id).await?;
        self.emit(actor, Some(t.id()), Event::LabelDeleted { label_id: l.id })
            .await;
        Ok(())
    }

    /// A milestone by id, or by name when no milestone has that id (as Gitea).
    pub async fn milestone(&self, t: &Tracker, id_or_name: &str) -> Result<Milestone> {
        if let Ok(n) = id_or_name.parse::<i64>() {
            if let Some(m) = self.store.milestone(t.id(), n).await? {
                return Ok(m);
            }
        }
        self.store
            .milestone_by_name(t.id(), id_or_name)
            .await?
            .ok_or_else(Error::not_found)
    }

    pub async fn milestones(
        &self,
        t: &Tracker,
        f: &MilestoneFilter,
        paging: Paging,
    ) -> Result<(Vec<Milestone>, i64)> {
        self.store.milestones(t.id(), f, Some(paging)).await
    }

    pub async fn create_milestone(
        &self,
        actor: &Actor,
        t: &Tracker,
        o: MilestoneOptions,
    ) -> Result<Milestone> {
        t.writer(actor)?;
        t.require_writer()?;
        let mut m = Milestone {
            id: 0,
            repo_id: t.id(),
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
        apply_milestone(&mut m, o, self.settings.repository_issue.max_body_bytes)?;
        let m = self.store.create_milestone(t.id(), &m).await?;
        let event = Event::MilestoneCreated { milestone_id: m.id };
        self.emit(actor, Some(t.id()), event).await;
        Ok(m)
    }

    pub async fn edit_milestone(
        &self,
        actor: &Actor,
        t: &Tracker,
        mut m: Milestone,
        o: MilestoneOptions,
    ) -> Result<Milestone> {
        t.writer(actor)?;
        t.require_writer()?;
        apply_milestone(&mut m, o, self.settings.repository_issue.max_body_bytes)?;
        self.store.update_milestone(&m).await?;
        let m = self
            .store
            .milestone(m.repo_id, m.id)
            .await?
            .ok_or_else(Error::not_found)?;
        let event = Event::MilestoneEdited { milestone_id: m.id };
        self.emit(actor, Some(t.id()), event).await;
        Ok(m)
    }

    pub async fn delete_milestone(&self, actor: &Actor, t: &Tracker, m: &Milestone) -> Result<()> {
        t.writer(actor)?;
        t.require_writer()?;
        self.store.delete_milestone(m.id).await?;
        let event = Event::MilestoneDeleted { milestone_id: m.id };
        self.emit(actor, Some(t.id()), event).await;
        Ok(())
    }
}

pub(crate) fn apply_label(l: &mut Label, o: LabelOptions, max_text: usize) -> Result<()> {
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
        check_body(&d, max_text)?;
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

fn apply_milestone(m: &mut Milestone, o: MilestoneOptions, max_text: usize) -> Result<()> {
    if let Some(t) = o.title {
        m.name = t.trim().to_string();
    }
    if m.name.is_empty() {
        return Err(Error::validation("Title cannot be empty"));
    }
    if let Some(d) = o.description {
        check_body(&d, max_text)?;
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
