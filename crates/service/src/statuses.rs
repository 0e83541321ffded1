//! Commit statuses: CI systems post them for a commit of a repository and read them
//! back, one by one or combined. Reading needs read access to the code; posting needs
//! write access. The commit is checked (and an abbreviated id completed) with git.

use crate::actor::Actor;
use crate::repo_ctx::RepoCtx;
use crate::Services;
use oxforge_core::access::AccessMode;
use oxforge_core::events::Event;
use oxforge_core::issues::check_body;
use oxforge_core::model::User;
use oxforge_core::paging::Paging;
use oxforge_core::statuses::{combine, CommitStatus, StatusSort, StatusState};
use oxforge_core::{Error, Result};
use oxforge_git::read;
use oxforge_store::NewStatus;

/// What a client posts.
#[derive(Debug, Clone, Default)]
pub struct StatusOptions {
    pub state: Option<String>,
    pub target_url: Option<String>,
    pub description: Option<String>,
    pub context: Option<String>,
}

/// A status with its creator (`None`: the account is gone, shown as Gitea's Ghost).
#[derive(Debug, Clone)]
pub struct StatusView {
    pub status: CommitStatus,
    pub creator: Option<User>,
}

/// The latest status of each context of a commit, and their combined state.
#[derive(Debug, Clone)]
pub struct CombinedStatus {
    pub sha: String,
    pub state: StatusState,
    pub statuses: Vec<StatusView>,
    pub total_count: i64,
}

/// Where a status list reads: a commit id (`/statuses/{sha}`), or a branch, tag or
/// commit id (`/commits/{ref}/...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rev {
    Sha,
    Ref,
}

impl Services {
    /// The full id of the commit `rev` names in the repository, or Gitea's 404.
    async fn status_commit(&self, ctx: &RepoCtx, rev: &str, how: Rev) -> Result<String> {
        let (wanted, by_name) = (rev.to_string(), how == Rev::Ref);
        self.repos
            .read(&self.repo_path(ctx), move |repo| {
                if by_name && !wanted.is_empty() {
                    Ok(read::resolve(repo, &wanted)?.map(|r| r.commit))
                } else {
                    read::commit_id(repo, &wanted)
                }
            })
            .await?
            .map(|id| id.to_string())
            .ok_or_else(|| {
                Error::not_found_msg(format!("object does not exist [id: {rev}, rel_path: ]"))
            })
    }

    async fn with_creators(&self, statuses: Vec<CommitStatus>) -> Result<Vec<StatusView>> {
        let mut ids: Vec<i64> = statuses.iter().filter_map(|s| s.creator_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let users = self.store.users_by_ids(&ids).await?;
        Ok(statuses
            .into_iter()
            .map(|s| StatusView {
                creator: s.creator_id.and_then(|id| users.get(&id).cloned()),
                status: s,
            })
            .collect())
    }

    /// Posts a status for a commit of the repository (writers of its code only).
    pub async fn create_commit_status(
        &self,
        actor: &Actor,
        ctx: &RepoCtx,
        sha: &str,
        o: StatusOptions,
    ) -> Result<StatusView> {
        let me = actor.require_user()?.clone();
        ctx.require_mode(AccessMode::Write, "user should have write access to code")?;
        let state = StatusState::from_input(o.state.as_deref().unwrap_or("").trim())?;
        let max = self.settings.repository_issue.max_body_bytes;
        let text = |v: Option<String>| -> Result<String> {
            let v = v.unwrap_or_default().trim().to_string();
            check_body(&v, max)?;
            Ok(v)
        };
        let mut context = text(o.context)?;
        if context.is_empty() {
            context = "default".into();
        }
        let n = NewStatus {
            repo_id: ctx.id(),
            sha: self.status_commit(ctx, sha, Rev::Sha).await?,
            state,
            target_url: text(o.target_url)?,
            description: text(o.description)?,
            context,
            creator_id: me.id,
        };
        let s = self.store.create_commit_status(&n).await?;
        let event = Event::CommitStatusCreated {
            status_id: s.id,
            sha: s.sha.clone(),
            context: s.context.clone(),
            state: s.state.as_str().into(),
        };
        self.emit(actor, Some(ctx.id()), event).await;
        Ok(StatusView {
            status: s,
            creator: Some(me),
        })
    }

    /// A commit's statuses, one page (`state` filters, `sort` orders as Gitea), and how
    /// many match in all.
    pub async fn commit_statuses(
        &self,
        ctx: &RepoCtx,
        rev: &str,
        how: Rev,
        state: Option<StatusState>,
        sort: StatusSort,
        paging: Paging,
    ) -> Result<(Vec<StatusView>, i64)> {
        let sha = self.status_commit(ctx, rev, how).await?;
        let (list, total) = self
            .store
            .commit_statuses(ctx.id(), &sha, state, sort, paging)
            .await?;
        Ok((self.with_creators(list).await?, total))
    }

    /// The latest status of each context of the commit `rev` names, combined.
    pub async fn combined_status(
        &self,
        ctx: &RepoCtx,
        rev: &str,
        paging: Paging,
    ) -> Result<CombinedStatus> {
        let sha = self.status_commit(ctx, rev, Rev::Ref).await?;
        let (list, total) = self
            .store
            .latest_commit_statuses(ctx.id(), &sha, paging)
            .await?;
        Ok(CombinedStatus {
            state: combine(list.iter().map(|s| s.state)),
            statuses: self.with_creators(list).await?,
            total_count: total,
            sha,
        })
    }
}
