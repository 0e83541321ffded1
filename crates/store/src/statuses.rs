//! Commit statuses. Each (repository, commit) numbers its statuses from 1 through
//! `commit_status_index` (one upsert takes the next number, serialising concurrent
//! posters of one commit); the latest status of a context is the one with the highest id.

use crate::sql::Sql;
use crate::{get_i64, get_str, internal, Store};
use oxforge_core::paging::Paging;
use oxforge_core::statuses::{CommitStatus, StatusSort, StatusState};
use oxforge_core::{Error, Result};
use sqlx::any::AnyRow;
use sqlx::Row;

const COLUMNS: &str = "s.id, s.repo_id, s.sha, s.idx, s.state, s.target_url, s.description, \
     s.context, s.creator_id, s.created_unix, s.updated_unix";

fn status_from_row(row: &AnyRow) -> Result<CommitStatus> {
    let state = get_str(row, "state")?;
    Ok(CommitStatus {
        id: get_i64(row, "id")?,
        repo_id: get_i64(row, "repo_id")?,
        sha: get_str(row, "sha")?,
        index: get_i64(row, "idx")?,
        state: StatusState::parse(&state)
            .ok_or_else(|| Error::internal(format!("unknown stored status state {state:?}")))?,
        target_url: get_str(row, "target_url")?,
        description: get_str(row, "description")?,
        context: get_str(row, "context")?,
        creator_id: row
            .try_get::<Option<i64>, _>("creator_id")
            .map_err(internal)?,
        created_unix: get_i64(row, "created_unix")?,
        updated_unix: get_i64(row, "updated_unix")?,
    })
}

/// A status to record; `sha` is the full id of a commit of the repository.
#[derive(Debug, Clone)]
pub struct NewStatus {
    pub repo_id: i64,
    pub sha: String,
    pub state: StatusState,
    pub target_url: String,
    pub description: String,
    pub context: String,
    pub creator_id: i64,
}

impl Store {
    /// Records a status with the next index of its commit.
    pub async fn create_commit_status(&self, n: &NewStatus) -> Result<CommitStatus> {
        let now = oxforge_core::time::now();
        let mut tx = self.writer().begin().await.map_err(internal)?;
        let row = sqlx::query(
            "INSERT INTO commit_status_index (repo_id, sha, max_index) VALUES ($1, $2, 1) \
             ON CONFLICT (repo_id, sha) DO UPDATE SET max_index = commit_status_index.max_index + 1 \
             RETURNING max_index",
        )
        .bind(n.repo_id)
        .bind(n.sha.clone())
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        let idx = get_i64(&row, "max_index")?;
        let row = sqlx::query(
            "INSERT INTO commit_statuses (repo_id, sha, idx, state, target_url, description, context, \
             creator_id, created_unix, updated_unix) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(n.repo_id)
        .bind(n.sha.clone())
        .bind(idx)
        .bind(n.state.as_str())
        .bind(n.target_url.clone())
        .bind(n.description.clone())
        .bind(n.context.clone())
        .bind(n.creator_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        let id = get_i64(&row, "id")?;
        tx.commit().await.map_err(internal)?;
        Ok(CommitStatus {
            id,
            repo_id: n.repo_id,
            sha: n.sha.clone(),
            index: idx,
            state: n.state,
            target_url: n.target_url.clone(),
            description: n.description.clone(),
            context: n.context.clone(),
            creator_id: Some(n.creator_id),
            created_unix: now,
            updated_unix: now,
        })
    }

    /// A commit's statuses, one page, and how many match in all.
    pub async fn commit_statuses(
        &self,
        repo_id: i64,
        sha: &str,
        state: Option<StatusState>,
        sort: StatusSort,
        paging: Paging,
    ) -> Result<(Vec<CommitStatus>, i64)> {
        let mut q = Sql::new(&format!(
            "SELECT {COLUMNS}, COUNT(*) OVER () AS total_count FROM commit_statuses s WHERE s.repo_id = "
        ));
        q.bind(repo_id).push(" AND s.sha = ").bind(sha);
        if let Some(st) = state {
            q.push(" AND s.state = ").bind(st.as_str());
        }
        q.push(match sort {
            StatusSort::Newest => " ORDER BY s.created_unix DESC, s.id DESC",
            StatusSort::Oldest => " ORDER BY s.created_unix ASC, s.id ASC",
            StatusSort::RecentUpdate => " ORDER BY s.updated_unix DESC, s.id DESC",
            StatusSort::LeastUpdate => " ORDER BY s.updated_unix ASC, s.id ASC",
            StatusSort::LeastIndex => " ORDER BY s.idx DESC",
            StatusSort::HighestIndex => " ORDER BY s.idx ASC",
        });
        q.page(Some(paging));
        let rows = q.fetch_all(self.reader()).await.map_err(internal)?;
        let total = match rows.first() {
            Some(r) => get_i64(r, "total_count")?,
            None => {
                let mut c =
                    Sql::new("SELECT COUNT(*) AS n FROM commit_statuses s WHERE s.repo_id = ");
                c.bind(repo_id).push(" AND s.sha = ").bind(sha);
                if let Some(st) = state {
                    c.push(" AND s.state = ").bind(st.as_str());
                }
                let rows = c.fetch_all(self.reader()).await.map_err(internal)?;
                rows.first()
                    .map(|r| get_i64(r, "n"))
                    .transpose()?
                    .unwrap_or(0)
            }
        };
        Ok((
            rows.iter().map(status_from_row).collect::<Result<_>>()?,
            total,
        ))
    }

    /// The latest status of each context of a commit, newest first (one page), and how
    /// many contexts it has.
    pub async fn latest_commit_statuses(
        &self,
        repo_id: i64,
        sha: &str,
        paging: Paging,
    ) -> Result<(Vec<CommitStatus>, i64)> {
        let mut q = Sql::new(&format!(
            "SELECT {COLUMNS} FROM commit_statuses s WHERE s.id IN \
             (SELECT MAX(l.id) FROM commit_statuses l WHERE l.repo_id = "
        ));
        q.bind(repo_id)
            .push(" AND l.sha = ")
            .bind(sha)
            .push(" GROUP BY l.context) ORDER BY s.id DESC");
        q.page(Some(paging));
        let rows = q.fetch_all(self.reader()).await.map_err(internal)?;
        let mut c = Sql::new(
            "SELECT COUNT(DISTINCT s.context) AS n FROM commit_statuses s WHERE s.repo_id = ",
        );
        c.bind(repo_id).push(" AND s.sha = ").bind(sha);
        let n = c.fetch_all(self.reader()).await.map_err(internal)?;
        let total = n.first().map(|r| get_i64(r, "n")).transpose()?.unwrap_or(0);
        Ok((
            rows.iter().map(status_from_row).collect::<Result<_>>()?,
            total,
        ))
    }
}
