//! Domain events: what changed, emitted by the service layer after each change commits.
//! Webhooks, the activity feed and notifications are built on these; each carries ids
//! (and the names a consumer needs to describe the change), never secrets.

use serde::{Deserialize, Serialize};

/// One ref a push or sync moved. `old`/`new` are full object ids; all zeros = none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefUpdate {
    pub name: String,
    pub old: String,
    pub new: String,
}

impl RefUpdate {
    fn is_zero(id: &str) -> bool {
        !id.is_empty() && id.bytes().all(|b| b == b'0')
    }
    pub fn created(&self) -> bool {
        Self::is_zero(&self.old) && !Self::is_zero(&self.new)
    }
    pub fn deleted(&self) -> bool {
        Self::is_zero(&self.new) && !Self::is_zero(&self.old)
    }
}

/// What happened. The envelope (`EventRecord`) says who did it, to which repository, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    RepoCreated {
        owner: String,
        name: String,
        private: bool,
    },
    RepoDeleted {
        owner: String,
        name: String,
    },
    RepoRenamed {
        owner: String,
        old_name: String,
        new_name: String,
    },
    RepoVisibilityChanged {
        private: bool,
    },
    RepoArchivedChanged {
        archived: bool,
    },
    /// A push: every ref it moved, with old and new ids.
    Pushed {
        refs: Vec<RefUpdate>,
    },
    BranchCreated {
        name: String,
        commit: String,
    },
    BranchDeleted {
        name: String,
    },
    TagCreated {
        name: String,
        commit: String,
    },
    TagDeleted {
        name: String,
    },
    IssueOpened {
        issue_id: i64,
        number: i64,
    },
    IssueEdited {
        issue_id: i64,
        number: i64,
    },
    IssueClosed {
        issue_id: i64,
        number: i64,
    },
    IssueReopened {
        issue_id: i64,
        number: i64,
    },
    IssueDeleted {
        issue_id: i64,
        number: i64,
    },
    IssueLabelsChanged {
        issue_id: i64,
        number: i64,
    },
    IssueMilestoneChanged {
        issue_id: i64,
        number: i64,
        milestone_id: Option<i64>,
    },
    IssueAssigneesChanged {
        issue_id: i64,
        number: i64,
    },
    CommentCreated {
        issue_id: i64,
        number: i64,
        comment_id: i64,
    },
    CommentEdited {
        issue_id: i64,
        comment_id: i64,
    },
    CommentDeleted {
        issue_id: i64,
        comment_id: i64,
    },
    LabelCreated {
        label_id: i64,
    },
    LabelEdited {
        label_id: i64,
    },
    LabelDeleted {
        label_id: i64,
    },
    MilestoneCreated {
        milestone_id: i64,
    },
    /// A CI status posted for a commit (`state` is Gitea's name: `success`, ...).
    CommitStatusCreated {
        status_id: i64,
        sha: String,
        context: String,
        state: String,
    },
    MilestoneEdited {
        milestone_id: i64,
    },
    MilestoneDeleted {
        milestone_id: i64,
    },
    /// A user joined or left a team (and so, perhaps, an organisation).
    TeamMembershipChanged {
        org_id: i64,
        team_id: i64,
        user_id: i64,
        added: bool,
    },
    /// A user left an organisation altogether.
    OrgMemberRemoved {
        org_id: i64,
        user_id: i64,
    },
    OrgMembershipPublicityChanged {
        org_id: i64,
        user_id: i64,
        public: bool,
    },
    TeamRepoChanged {
        org_id: i64,
        team_id: i64,
        added: bool,
    },
    /// A collaborator was added or their mode changed (`mode` is Gitea's name).
    CollaboratorSet {
        user_id: i64,
        mode: String,
    },
    CollaboratorRemoved {
        user_id: i64,
    },
    MigrationFinished {
        owner: String,
        name: String,
        mirror: bool,
    },
    MigrationFailed {
        owner: String,
        name: String,
        reason: String,
    },
    MirrorSynced {
        refs: Vec<RefUpdate>,
    },
}

impl Event {
    /// The `kind` tag, as stored beside the payload.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::RepoCreated { .. } => "repo_created",
            Event::RepoDeleted { .. } => "repo_deleted",
            Event::RepoRenamed { .. } => "repo_renamed",
            Event::RepoVisibilityChanged { .. } => "repo_visibility_changed",
            Event::RepoArchivedChanged { .. } => "repo_archived_changed",
            Event::Pushed { .. } => "pushed",
            Event::BranchCreated { .. } => "branch_created",
            Event::BranchDeleted { .. } => "branch_deleted",
            Event::TagCreated { .. } => "tag_created",
            Event::TagDeleted { .. } => "tag_deleted",
            Event::IssueOpened { .. } => "issue_opened",
            Event::IssueEdited { .. } => "issue_edited",
            Event::IssueClosed { .. } => "issue_closed",
            Event::IssueReopened { .. } => "issue_reopened",
            Event::IssueDeleted { .. } => "issue_deleted",
            Event::IssueLabelsChanged { .. } => "issue_labels_changed",
            Event::IssueMilestoneChanged { .. } => "issue_milestone_changed",
            Event::IssueAssigneesChanged { .. } => "issue_assignees_changed",
            Event::CommentCreated { .. } => "comment_created",
            Event::CommentEdited { .. } => "comment_edited",
            Event::CommentDeleted { .. } => "comment_deleted",
            Event::LabelCreated { .. } => "label_created",
            Event::LabelEdited { .. } => "label_edited",
            Event::LabelDeleted { .. } => "label_deleted",
            Event::MilestoneCreated { .. } => "milestone_created",
            Event::CommitStatusCreated { .. } => "commit_status_created",
            Event::MilestoneEdited { .. } => "milestone_edited",
            Event::MilestoneDeleted { .. } => "milestone_deleted",
            Event::TeamMembershipChanged { .. } => "team_membership_changed",
            Event::OrgMemberRemoved { .. } => "org_member_removed",
            Event::OrgMembershipPublicityChanged { .. } => "org_membership_publicity_changed",
            Event::TeamRepoChanged { .. } => "team_repo_changed",
            Event::CollaboratorSet { .. } => "collaborator_set",
            Event::CollaboratorRemoved { .. } => "collaborator_removed",
            Event::MigrationFinished { .. } => "migration_finished",
            Event::MigrationFailed { .. } => "migration_failed",
            Event::MirrorSynced { .. } => "mirror_synced",
        }
    }

    /// The branch and tag events a push's ref updates imply, in the push's order.
    pub fn ref_changes(refs: &[RefUpdate]) -> Vec<Event> {
        let mut out = Vec::new();
        for r in refs {
            let (branch, tag) = (
                r.name.strip_prefix("refs/heads/"),
                r.name.strip_prefix("refs/tags/"),
            );
            let e = match (branch, tag, r.created(), r.deleted()) {
                (Some(b), _, true, _) => Event::BranchCreated {
                    name: b.into(),
                    commit: r.new.clone(),
                },
                (Some(b), _, _, true) => Event::BranchDeleted { name: b.into() },
                (_, Some(t), true, _) => Event::TagCreated {
                    name: t.into(),
                    commit: r.new.clone(),
                },
                (_, Some(t), _, true) => Event::TagDeleted { name: t.into() },
                _ => continue,
            };
            out.push(e);
        }
        out
    }
}

/// An event as stored and delivered: its place in the log and its context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    /// Position in the event log (increasing in commit order).
    pub id: i64,
    /// Who acted; `None` for the system (mirror scheduler) or anonymous.
    pub actor_id: Option<i64>,
    /// The repository concerned, if any.
    pub repo_id: Option<i64>,
    pub created_unix: i64,
    pub event: Event,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upd(name: &str, old: &str, new: &str) -> RefUpdate {
        RefUpdate {
            name: name.into(),
            old: old.repeat(40),
            new: new.repeat(40),
        }
    }

    #[test]
    fn pushes_imply_branch_and_tag_events() {
        let refs = [
            upd("refs/heads/new", "0", "a"),
            upd("refs/heads/main", "b", "c"),
            upd("refs/heads/gone", "d", "0"),
            upd("refs/tags/v1", "0", "e"),
            upd("refs/tags/v0", "f", "0"),
        ];
        let kinds: Vec<&str> = Event::ref_changes(&refs).iter().map(|e| e.kind()).collect();
        assert_eq!(
            kinds,
            [
                "branch_created",
                "branch_deleted",
                "tag_created",
                "tag_deleted"
            ]
        );
    }

    #[test]
    fn the_kind_is_the_serialised_tag() {
        let e = Event::IssueOpened {
            issue_id: 1,
            number: 2,
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["kind"], e.kind());
        assert_eq!(serde_json::from_value::<Event>(v).unwrap(), e);
    }
}
