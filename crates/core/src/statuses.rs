//! Commit statuses: what CI systems report about a commit, and Gitea's rule for
//! combining the latest status of each context into one state.

use crate::{Error, Result};

/// Gitea's commit status states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusState {
    Pending,
    Success,
    Error,
    Failure,
    Warning,
    Skipped,
}

impl StatusState {
    pub const ALL: [StatusState; 6] = [
        StatusState::Pending,
        StatusState::Success,
        StatusState::Error,
        StatusState::Failure,
        StatusState::Warning,
        StatusState::Skipped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StatusState::Pending => "pending",
            StatusState::Success => "success",
            StatusState::Error => "error",
            StatusState::Failure => "failure",
            StatusState::Warning => "warning",
            StatusState::Skipped => "skipped",
        }
    }

    pub fn parse(s: &str) -> Option<StatusState> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// A state a client sent: 422 for anything but Gitea's names.
    pub fn from_input(s: &str) -> Result<StatusState> {
        Self::parse(s).ok_or_else(|| {
            Error::validation(format!(
                "invalid commit status state: {s:?} (one of pending, success, error, failure, warning, skipped)"
            ))
        })
    }
}

/// Gitea's combined state of the latest status of each context (GitHub's rule):
/// `failure` if any is an error or a failure, `success` if all are success, warning or
/// skipped, otherwise (some pending, or none at all) `pending`.
pub fn combine(states: impl IntoIterator<Item = StatusState>) -> StatusState {
    let (mut n, mut ok) = (0, 0);
    for s in states {
        n += 1;
        match s {
            StatusState::Error | StatusState::Failure => return StatusState::Failure,
            StatusState::Pending => {}
            StatusState::Success | StatusState::Warning | StatusState::Skipped => ok += 1,
        }
    }
    if n > 0 && ok == n {
        StatusState::Success
    } else {
        StatusState::Pending
    }
}

/// One status of one commit. `index` numbers the statuses of its (repository, commit)
/// from 1, as Gitea does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitStatus {
    pub id: i64,
    pub repo_id: i64,
    pub sha: String,
    pub index: i64,
    pub state: StatusState,
    pub target_url: String,
    pub description: String,
    pub context: String,
    /// `None` once the creator's account is gone.
    pub creator_id: Option<i64>,
    pub created_unix: i64,
    pub updated_unix: i64,
}

/// Gitea's `sort` values for status lists; anything else is newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusSort {
    #[default]
    Newest,
    Oldest,
    RecentUpdate,
    LeastUpdate,
    LeastIndex,
    HighestIndex,
}

impl StatusSort {
    pub fn parse(s: &str) -> StatusSort {
        match s {
            "oldest" => StatusSort::Oldest,
            "recentupdate" => StatusSort::RecentUpdate,
            "leastupdate" => StatusSort::LeastUpdate,
            // Gitea's names: "leastindex" sorts by index descending, "highestindex"
            // ascending (models/git/commit_status.go).
            "leastindex" => StatusSort::LeastIndex,
            "highestindex" => StatusSort::HighestIndex,
            _ => StatusSort::Newest,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StatusState::*;
    use super::*;

    #[test]
    fn combined_state_follows_gitea() {
        assert_eq!(combine([]), Pending);
        assert_eq!(combine([Success, Success]), Success);
        assert_eq!(combine([Success, Warning, Skipped]), Success);
        assert_eq!(combine([Success, Pending]), Pending);
        assert_eq!(combine([Pending, Error, Success]), Failure);
        assert_eq!(combine([Failure]), Failure);
    }

    #[test]
    fn states_parse_by_name_only() {
        for s in StatusState::ALL {
            assert_eq!(StatusState::parse(s.as_str()), Some(s));
        }
        assert!(StatusState::from_input("Success").is_err());
        assert!(StatusState::from_input("running").is_err());
    }
}
