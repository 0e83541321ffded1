//! Issues and what hangs off them: labels, milestones, assignees, mentions, comments.
//! Every write that changes a count does so in the same transaction: a milestone's
//! issues and an issue's comments are recounted from the rows (index ranges), the
//! repository's open issues move by the change the transaction made (a recount would read
//! every open issue on each write); `issue_labels.is_closed` follows its issue's state.

use crate::sql::{id_list, Sql};
use crate::users::{user_from_row, user_select};
use crate::visibility::readable_repos;
use crate::{get_bool, get_i64, get_str, internal, Backend, Store};
use oxforge_core::issues::{Comment, Issue, Label, Milestone};
use oxforge_core::model::User;
use oxforge_core::paging::Paging;
pub use oxforge_core::query::{IssueFilter, LabelChange, MilestoneFilter};
use oxforge_core::{Error, Result};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use std::collections::HashMap;

const ISSUE_COLUMNS: &str = "i.id, i.repo_id, i.number, i.poster_id, i.title, i.body, i.ref, \
     i.milestone_id, i.is_closed, i.is_locked, i.num_comments, i.deadline_unix, i.created_unix, \
     i.updated_unix, i.closed_unix";

fn opt_i64(row: &AnyRow, col: &str) -> Result<Option<i64>> {
    use sqlx::Row;
    row.try_get::<Option<i64>, _>(col).map_err(internal)
}

fn issue_from_row(row: &AnyRow) -> Result<Issue> {
    Ok(Issue {
        id: get_i64(row, "id")?,
        repo_id: get_i64(row, "repo_id")?,
        number: get_i64(row, "number")?,
        poster_id: opt_i64(row, "poster_id")?,
        title: get_str(row, "title")?,
        body: get_str(row, "body")?,
        r#ref: get_str(row, "ref")?,
        milestone_id: opt_i64(row, "milestone_id")?,
        is_closed: get_bool(row, "is_closed")?,
        is_locked: get_bool(row, "is_locked")?,
        num_comments: get_i64(row, "num_comments")?,
        deadline_unix: get_i64(row, "deadline_unix")?,
        created_unix: get_i64(row, "created_unix")?,
        updated_unix: get_i64(row, "updated_unix")?,
        closed_unix: get_i64(row, "closed_unix")?,
    })
}

const LABEL_COLUMNS: &str =
    "l.id, COALESCE(l.repo_id, 0) AS repo_id, COALESCE(l.org_id, 0) AS org_id, \
     l.name, l.color, l.description, l.exclusive, l.archived_unix";

fn label_from_row(row: &AnyRow) -> Result<Label> {
    Ok(Label {
        id: get_i64(row, "id")?,
        repo_id: get_i64(row, "repo_id")?,
        org_id: get_i64(row, "org_id")?,
        name: get_str(row, "name")?,
        color: get_str(row, "color")?,
        description: get_str(row, "description")?,
        exclusive: get_bool(row, "exclusive")?,
        archived_unix: get_i64(row, "archived_unix")?,
    })
}

const MILESTONE_COLUMNS: &str = "m.id, m.repo_id, m.name, m.description, m.is_closed, \
     m.num_issues, m.num_closed_issues, m.deadline_unix, m.closed_unix, m.created_unix, m.updated_unix";

fn milestone_from_row(row: &AnyRow) -> Result<Milestone> {
    Ok(Milestone {
        id: get_i64(row, "id")?,
        repo_id: get_i64(row, "repo_id")?,
        name: get_str(row, "name")?,
        description: get_str(row, "description")?,
        is_closed: get_bool(row, "is_closed")?,
        num_issues: get_i64(row, "num_issues")?,
        num_closed_issues: get_i64(row, "num_closed_issues")?,
        deadline_unix: get_i64(row, "deadline_unix")?,
        closed_unix: get_i64(row, "closed_unix")?,
        created_unix: get_i64(row, "created_unix")?,
        updated_unix: get_i64(row, "updated_unix")?,
    })
}

const COMMENT_COLUMNS: &str =
    "c.id, c.issue_id, c.repo_id, c.poster_id, c.body, c.created_unix, c.updated_unix";

fn comment_from_row(row: &AnyRow) -> Result<Comment> {
    Ok(Comment {
        id: get_i64(row, "id")?,
        issue_id: get_i64(row, "issue_id")?,
        repo_id: get_i64(row, "repo_id")?,
        poster_id: opt_i64(row, "poster_id")?,
        body: get_str(row, "body")?,
        created_unix: get_i64(row, "created_unix")?,
        updated_unix: get_i64(row, "updated_unix")?,
    })
}

/// An issue to create. Labels, milestone and assignees are already checked to belong to
/// the repository (and the assignees to be assignable).
#[derive(Debug, Clone, Default)]
pub struct NewIssue {
    pub repo_id: i64,
    pub poster_id: i64,
    pub title: String,
    pub body: String,
    pub r#ref: String,
    pub milestone_id: Option<i64>,
    pub label_ids: Vec<i64>,
    pub assignee_ids: Vec<i64>,
    pub mentioned_ids: Vec<i64>,
    pub deadline_unix: i64,
    pub closed: bool,
}

/// Changes to an issue; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct IssueUpdate {
    pub title: Option<String>,
    pub body: Option<String>,
    pub r#ref: Option<String>,
    /// `Some(None)` clears the milestone.
    pub milestone_id: Option<Option<i64>>,
    pub closed: Option<bool>,
    pub deadline_unix: Option<i64>,
    pub assignee_ids: Option<Vec<i64>>,
    /// Added to the issue's mentions.
    pub mentioned_ids: Vec<i64>,
}

/// A boolean SQL expression over the repository alias `r`: its own issue tracker is on
/// (not disabled, no external tracker). Settings are stored as their differences from
/// the defaults (see `settings_json`), so these are the only two ways it can be off.
pub(crate) fn issues_enabled() -> &'static str {
    "(r.settings NOT LIKE '%\"has_issues\":false%' AND r.settings NOT LIKE '%\"external_tracker_url\":\"_%')"
}

/// Moves the repository's open-issue count by `delta`. Called only where the same
/// transaction opened, closed or deleted an issue (a recount would read every open issue
/// of the repository on each write: 100,000 issues made creation quadratic).
async fn adjust_open_issues(conn: &mut AnyConnection, repo_id: i64, delta: i64) -> Result<()> {
    if delta == 0 {
        return Ok(());
    }
    sqlx::query("UPDATE repositories SET num_open_issues = num_open_issues + $1 WHERE id = $2")
        .bind(delta)
        .bind(repo_id)
        .execute(&mut *conn)
        .await
        .map_err(internal)?;
    Ok(())
}

async fn recount_milestone(conn: &mut AnyConnection, id: Option<i64>) -> Result<()> {
    let Some(id) = id else { return Ok(()) };
    sqlx::query(
        "UPDATE milestones SET \
         num_issues = (SELECT COUNT(*) FROM issues i WHERE i.milestone_id = $1), \
         num_closed_issues = (SELECT COUNT(*) FROM issues i WHERE i.milestone_id = $1 AND i.is_closed = 1) \
         WHERE id = $1",
    )
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(internal)?;
    Ok(())
}

async fn recount_comments(conn: &mut AnyConnection, issue_id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE issues SET num_comments = (SELECT COUNT(*) FROM comments c WHERE c.issue_id = $1) WHERE id = $1",
    )
    .bind(issue_id)
    .execute(&mut *conn)
    .await
    .map_err(internal)?;
    Ok(())
}

/// Inserts (issue, x) pairs into a two-column link table, ignoring ones already there.
async fn link(
    conn: &mut AnyConnection,
    table: &str,
    column: &str,
    issue_id: i64,
    ids: &[i64],
) -> Result<()> {
    for id in ids {
        sqlx::query(&format!(
            "INSERT INTO {table} (issue_id, {column}) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        ))
        .bind(issue_id)
        .bind(*id)
        .execute(&mut *conn)
        .await
        .map_err(internal)?;
    }
    Ok(())
}

/// Copies the issue's state into its label links (they are filtered by state).
async fn sync_label_state(conn: &mut AnyConnection, issue_id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE issue_labels SET is_closed = (SELECT i.is_closed FROM issues i WHERE i.id = $1) WHERE issue_id = $1",
    )
    .bind(issue_id)
    .execute(&mut *conn)
    .await
    .map_err(internal)?;
    Ok(())
}

impl Store {
    /// Runs a page query and its count side by side (two connections); the count's
    /// column is `n`.
    async fn page_and_count(&self, page: &Sql, count: &Sql) -> Result<(Vec<AnyRow>, i64)> {
        let (rows, counted) = tokio::try_join!(
            page.fetch_all(self.reader()),
            count.query().fetch_one(self.reader())
        )
        .map_err(internal)?;
        Ok((rows, get_i64(&counted, "n")?))
    }

    async fn delete_by_id(&self, table: &str, id: i64) -> Result<()> {
        sqlx::query(&format!("DELETE FROM {table} WHERE id = $1"))
            .bind(id)
            .execute(self.writer())
            .await
            .map_err(internal)?;
        Ok(())
    }

    /// The row of `table` (alias `alias`) with this id in this repository.
    async fn row_in_repo(
        &self,
        table: &str,
        alias: &str,
        columns: &str,
        repo_id: i64,
        id: i64,
    ) -> Result<Option<AnyRow>> {
        sqlx::query(&format!(
            "SELECT {columns} FROM {table} {alias} WHERE {alias}.repo_id = $1 AND {alias}.id = $2"
        ))
        .bind(repo_id)
        .bind(id)
        .fetch_optional(self.reader())
        .await
        .map_err(internal)
    }

    /// Creates an issue with the repository's next number, all or nothing.
    pub async fn create_issue(&self, n: &NewIssue) -> Result<Issue> {
        let now = oxforge_core::time::now();
        let mut tx = self.writer().begin().await.map_err(internal)?;
        let row = sqlx::query(
            "UPDATE repositories SET last_issue_index = last_issue_index + 1 WHERE id = $1 \
             RETURNING last_issue_index",
        )
        .bind(n.repo_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?
        .ok_or_else(Error::not_found)?;
        let number = get_i64(&row, "last_issue_index")?;
        let row = sqlx::query(
            "INSERT INTO issues (repo_id, number, poster_id, title, body, ref, milestone_id, is_closed, \
             deadline_unix, created_unix, updated_unix, closed_unix) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) RETURNING id",
        )
        .bind(n.repo_id)
        .bind(number)
        .bind(n.poster_id)
        .bind(n.title.clone())
        .bind(n.body.clone())
        .bind(n.r#ref.clone())
        .bind(n.milestone_id)
        .bind(n.closed as i64)
        .bind(n.deadline_unix)
        .bind(now)
        .bind(if n.closed { now } else { 0 })
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        let id = get_i64(&row, "id")?;
        link(&mut tx, "issue_labels", "label_id", id, &n.label_ids).await?;
        sync_label_state(&mut tx, id).await?;
        link(&mut tx, "issue_assignees", "user_id", id, &n.assignee_ids).await?;
        link(&mut tx, "issue_mentions", "user_id", id, &n.mentioned_ids).await?;
        adjust_open_issues(&mut tx, n.repo_id, if n.closed { 0 } else { 1 }).await?;
        recount_milestone(&mut tx, n.milestone_id).await?;
        tx.commit().await.map_err(internal)?;
        self.issue_by_id(id).await?.ok_or_else(Error::not_found)
    }

    pub async fn issue_by_id(&self, id: i64) -> Result<Option<Issue>> {
        let row = sqlx::query(&format!(
            "SELECT {ISSUE_COLUMNS} FROM issues i WHERE i.id = $1"
        ))
        .bind(id)
        .fetch_optional(self.reader())
        .await
        .map_err(internal)?;
        row.map(|r| issue_from_row(&r)).transpose()
    }

    pub async fn issue_by_number(&self, repo_id: i64, number: i64) -> Result<Option<Issue>> {
        let row = sqlx::query(&format!(
            "SELECT {ISSUE_COLUMNS} FROM issues i WHERE i.repo_id = $1 AND i.number = $2"
        ))
        .bind(repo_id)
        .bind(number)
        .fetch_optional(self.reader())
        .await
        .map_err(internal)?;
        row.map(|r| issue_from_row(&r)).transpose()
    }

    /// Applies `up` to the issue, all or nothing, and returns it as it now is.
    pub async fn update_issue(&self, issue: &Issue, up: &IssueUpdate) -> Result<Issue> {
        let now = oxforge_core::time::now();
        let mut q = Sql::new("UPDATE issues SET updated_unix = ");
        q.bind(now);
        fn set(q: &mut Sql, col: &str, v: crate::Arg) {
            q.push(&format!(", {col} = "));
            q.bind(v);
        }
        if let Some(t) = &up.title {
            set(&mut q, "title", t.into());
        }
        if let Some(b) = &up.body {
            set(&mut q, "body", b.into());
        }
        if let Some(r) = &up.r#ref {
            set(&mut q, "ref", r.into());
        }
        if let Some(d) = up.deadline_unix {
            set(&mut q, "deadline_unix", d.into());
        }
        if let Some(m) = up.milestone_id {
            match m {
                Some(id) => set(&mut q, "milestone_id", id.into()),
                None => {
                    q.push(", milestone_id = NULL");
                }
            }
        }
        q.push(" WHERE id = ");
        q.bind(issue.id);
        let mut tx = self.writer().begin().await.map_err(internal)?;
        q.query().execute(&mut *tx).await.map_err(internal)?;
        // The state moves only if it differs from what is stored now, so two concurrent
        // closes count once.
        let mut state_changed = false;
        if let Some(c) = up.closed {
            let done = sqlx::query(
                "UPDATE issues SET is_closed = $1, closed_unix = $2 WHERE id = $3 AND is_closed <> $1",
            )
            .bind(c as i64)
            .bind(if c { now } else { 0 })
            .bind(issue.id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
            state_changed = done.rows_affected() > 0;
        }
        if let Some(ids) = &up.assignee_ids {
            sqlx::query("DELETE FROM issue_assignees WHERE issue_id = $1")
                .bind(issue.id)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
            link(&mut tx, "issue_assignees", "user_id", issue.id, ids).await?;
        }
        link(
            &mut tx,
            "issue_mentions",
            "user_id",
            issue.id,
            &up.mentioned_ids,
        )
        .await?;
        if state_changed {
            sync_label_state(&mut tx, issue.id).await?;
            let delta = if up.closed == Some(true) { -1 } else { 1 };
            adjust_open_issues(&mut tx, issue.repo_id, delta).await?;
        }
        if state_changed || up.milestone_id.is_some() {
            recount_milestone(&mut tx, issue.milestone_id).await?;
            recount_milestone(&mut tx, up.milestone_id.flatten()).await?;
        }
        tx.commit().await.map_err(internal)?;
        self.issue_by_id(issue.id)
            .await?
            .ok_or_else(Error::not_found)
    }

    /// Adds, replaces or removes labels of an issue (ids already checked to be the
    /// repository's).
    pub async fn change_issue_labels(
        &self,
        issue: &Issue,
        change: LabelChange,
        label_ids: &[i64],
    ) -> Result<()> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        match change {
            LabelChange::Replace => {
                sqlx::query("DELETE FROM issue_labels WHERE issue_id = $1")
                    .bind(issue.id)
                    .execute(&mut *tx)
                    .await
                    .map_err(internal)?;
            }
            LabelChange::Remove => {
                if !label_ids.is_empty() {
                    sqlx::query(&format!(
                        "DELETE FROM issue_labels WHERE issue_id = $1 AND label_id IN ({})",
                        id_list(label_ids)
                    ))
                    .bind(issue.id)
                    .execute(&mut *tx)
                    .await
                    .map_err(internal)?;
                }
            }
            LabelChange::Add => {}
        }
        if change != LabelChange::Remove {
            link(&mut tx, "issue_labels", "label_id", issue.id, label_ids).await?;
            sync_label_state(&mut tx, issue.id).await?;
        }
        sqlx::query("UPDATE issues SET updated_unix = $1 WHERE id = $2")
            .bind(oxforge_core::time::now())
            .bind(issue.id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        tx.commit().await.map_err(internal)
    }

    /// Deletes an issue with its comments and links.
    pub async fn delete_issue(&self, issue: &Issue) -> Result<()> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        let gone = sqlx::query("DELETE FROM issues WHERE id = $1 RETURNING is_closed")
            .bind(issue.id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
        if let Some(row) = gone {
            let was_open = !get_bool(&row, "is_closed")?;
            adjust_open_issues(&mut tx, issue.repo_id, -(was_open as i64)).await?;
        }
        recount_milestone(&mut tx, issue.milestone_id).await?;
        tx.commit().await.map_err(internal)
    }

    /// A page of issues matching `f`, newest first, and how many match in all.
    pub async fn list_issues(
        &self,
        f: &IssueFilter,
        paging: Option<Paging>,
    ) -> Result<(Vec<Issue>, i64)> {
        let mut cond = Sql::new(" FROM issues i WHERE 1 = 1");
        if let Some(id) = f.repo_id {
            cond.push(" AND i.repo_id = ");
            cond.bind(id);
        }
        if f.viewer.is_some() || f.owner_id.is_some() || f.team_id.is_some() {
            cond.push(" AND i.repo_id IN (SELECT r.id FROM repositories r JOIN users o ON o.id = r.owner_id WHERE ");
            cond.push(issues_enabled());
            if let Some(v) = &f.viewer {
                cond.push(" AND ");
                cond.push(&readable_repos(v));
            }
            if let Some(id) = f.owner_id {
                cond.push(" AND r.owner_id = ");
                cond.bind(id);
            }
            if let Some(id) = f.team_id {
                cond.push(
                    " AND (r.id IN (SELECT tr.repo_id FROM team_repos tr WHERE tr.team_id = ",
                );
                cond.bind(id);
                cond.push(") OR r.owner_id IN (SELECT t.org_id FROM teams t WHERE t.includes_all_repos = 1 AND t.id = ");
                cond.bind(id);
                cond.push("))");
            }
            cond.push(")");
        }
        if let Some(c) = f.closed {
            cond.push(" AND i.is_closed = ");
            cond.bind(c);
        }
        if !f.label_ids.is_empty() || !f.label_names.is_empty() {
            // A probe per issue walked in order: an `IN` set would be sorted whole first
            // (20,000 links: 25 ms against 1).
            cond.push(" AND EXISTS (SELECT 1 FROM issue_labels il WHERE il.issue_id = i.id AND ");
            if f.label_names.is_empty() {
                cond.push(&format!("il.label_id IN ({})", id_list(&f.label_ids)));
            } else {
                cond.push("il.label_id IN (SELECT l.id FROM labels l WHERE LOWER(l.name) IN (");
                for (i, n) in f.label_names.iter().enumerate() {
                    if i > 0 {
                        cond.push(", ");
                    }
                    cond.bind(n);
                }
                cond.push("))");
            }
            cond.push(")");
        }
        if !f.milestone_ids.is_empty() {
            cond.push(&format!(
                " AND i.milestone_id IN ({})",
                id_list(&f.milestone_ids)
            ));
        }
        if !f.milestone_names.is_empty() {
            cond.push(
                " AND i.milestone_id IN (SELECT m.id FROM milestones m WHERE LOWER(m.name) IN (",
            );
            for (i, n) in f.milestone_names.iter().enumerate() {
                if i > 0 {
                    cond.push(", ");
                }
                cond.bind(n);
            }
            cond.push("))");
        }
        if let Some(k) = f.keyword.as_deref().filter(|k| !k.is_empty()) {
            let pattern = crate::sql::like_contains(&k.to_lowercase());
            let esc = if self.backend == Backend::Sqlite {
                " ESCAPE '\\'"
            } else {
                ""
            };
            cond.push(" AND (LOWER(i.title) LIKE ");
            cond.bind(pattern.clone());
            cond.push(esc);
            cond.push(" OR LOWER(i.body) LIKE ");
            cond.bind(pattern);
            cond.push(esc);
            cond.push(")");
        }
        if let Some(id) = f.poster_id {
            cond.push(" AND i.poster_id = ");
            cond.bind(id);
        }
        if let Some(id) = f.assignee_id {
            cond.push(" AND i.id IN (SELECT a.issue_id FROM issue_assignees a WHERE a.user_id = ");
            cond.bind(id);
            cond.push(")");
        }
        if let Some(id) = f.mentioned_id {
            cond.push(" AND i.id IN (SELECT m.issue_id FROM issue_mentions m WHERE m.user_id = ");
            cond.bind(id);
            cond.push(")");
        }
        if let Some(t) = f.updated_after {
            cond.push(" AND i.updated_unix >= ");
            cond.bind(t);
        }
        if let Some(t) = f.updated_before {
            cond.push(" AND i.updated_unix <= ");
            cond.bind(t);
        }
        if f.pulls_only {
            cond.push(" AND 1 = 0");
        }
        let labels_only = IssueFilter {
            repo_id: f.repo_id,
            closed: f.closed,
            label_ids: f.label_ids.clone(),
            ..Default::default()
        };
        if f.repo_id.is_some() && !f.label_ids.is_empty() && *f == labels_only {
            return self.issues_by_label(f, paging).await;
        }
        let mut count = Sql::new("SELECT COUNT(*) AS n");
        count.text.push_str(&cond.text);
        count.args = cond.args.clone();
        let mut page = Sql::new(&format!("SELECT {ISSUE_COLUMNS}"));
        page.text.push_str(&cond.text);
        page.args = cond.args;
        page.push(" ORDER BY ");
        if let Some(id) = f.priority_repo_id {
            page.push("CASE WHEN i.repo_id = ");
            page.bind(id);
            page.push(" THEN 0 ELSE 1 END, ");
        }
        page.push("i.id DESC");
        page.page(paging);
        let (rows, total) = self.page_and_count(&page, &count).await?;
        let list = rows.iter().map(issue_from_row).collect::<Result<_>>()?;
        Ok((list, total))
    }

    /// State and labels of one repository (the labels already checked to be its own):
    /// the label links carry the issue's state, so the count and the page are ranges of
    /// their index, without reading an issue that is not on the page.
    async fn issues_by_label(
        &self,
        f: &IssueFilter,
        paging: Option<Paging>,
    ) -> Result<(Vec<Issue>, i64)> {
        let mut cond = Sql::new(&format!(
            " FROM issue_labels il WHERE il.label_id IN ({})",
            id_list(&f.label_ids)
        ));
        if let Some(c) = f.closed {
            cond.push(" AND il.is_closed = ");
            cond.bind(c);
        }
        let mut count = Sql::new("SELECT COUNT(DISTINCT il.issue_id) AS n");
        count.text.push_str(&cond.text);
        count.args = cond.args.clone();
        let mut page = Sql::new("SELECT DISTINCT il.issue_id");
        page.text.push_str(&cond.text);
        page.args = cond.args;
        page.push(" ORDER BY il.issue_id DESC");
        page.page(paging);
        let (rows, total) = self.page_and_count(&page, &count).await?;
        let ids = rows
            .iter()
            .map(|r| get_i64(r, "issue_id"))
            .collect::<Result<Vec<_>>>()?;
        let mut by_id: HashMap<i64, Issue> = HashMap::new();
        if !ids.is_empty() {
            let rows = sqlx::query(&format!(
                "SELECT {ISSUE_COLUMNS} FROM issues i WHERE i.id IN ({})",
                id_list(&ids)
            ))
            .fetch_all(self.reader())
            .await
            .map_err(internal)?;
            for r in &rows {
                let i = issue_from_row(r)?;
                by_id.insert(i.id, i);
            }
        }
        let list = ids.iter().filter_map(|id| by_id.remove(id)).collect();
        Ok((list, total))
    }

    /// The labels of each of `issue_ids`, by name.
    pub async fn labels_of_issues(&self, issue_ids: &[i64]) -> Result<HashMap<i64, Vec<Label>>> {
        let mut out: HashMap<i64, Vec<Label>> = HashMap::new();
        if issue_ids.is_empty() {
            return Ok(out);
        }
        let rows = sqlx::query(&format!(
            "SELECT il.issue_id, {LABEL_COLUMNS} FROM issue_labels il JOIN labels l ON l.id = il.label_id \
             WHERE il.issue_id IN ({}) ORDER BY l.name, l.id",
            id_list(issue_ids)
        ))
        .fetch_all(self.reader())
        .await
        .map_err(internal)?;
        for r in &rows {
            out.entry(get_i64(r, "issue_id")?)
                .or_default()
                .push(label_from_row(r)?);
        }
        Ok(out)
    }

    /// The assignees of each of `issue_ids`, by name.
    pub async fn assignees_of_issues(&self, issue_ids: &[i64]) -> Result<HashMap<i64, Vec<User>>> {
        let mut out: HashMap<i64, Vec<User>> = HashMap::new();
        if issue_ids.is_empty() {
            return Ok(out);
        }
        let rows = sqlx::query(&format!(
            "SELECT a.issue_id AS link_issue_id, {} FROM issue_assignees a JOIN users u ON u.id = a.user_id \
             WHERE a.issue_id IN ({}) ORDER BY u.lower_name",
            user_select("u", ""),
            id_list(issue_ids)
        ))
        .fetch_all(self.reader())
        .await
        .map_err(internal)?;
        for r in &rows {
            out.entry(get_i64(r, "link_issue_id")?)
                .or_default()
                .push(user_from_row(r, "")?);
        }
        Ok(out)
    }

    /// Accounts by id (posters of a page of issues or comments).
    pub async fn users_by_ids(&self, ids: &[i64]) -> Result<HashMap<i64, User>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = sqlx::query(&format!(
            "SELECT {} FROM users u WHERE u.id IN ({})",
            user_select("u", ""),
            id_list(ids)
        ))
        .fetch_all(self.reader())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| user_from_row(r, "").map(|u| (u.id, u)))
            .collect()
    }

    // ---- labels ----

    pub async fn create_label(&self, repo_id: i64, l: &Label) -> Result<Label> {
        let id = self.insert_label(Some(repo_id), None, l).await?;
        self.label(repo_id, id).await?.ok_or_else(Error::not_found)
    }

    /// A label of the organization `org_id`.
    pub async fn create_org_label(&self, org_id: i64, l: &Label) -> Result<Label> {
        let id = self.insert_label(None, Some(org_id), l).await?;
        self.org_label(org_id, id)
            .await?
            .ok_or_else(Error::not_found)
    }

    async fn insert_label(
        &self,
        repo_id: Option<i64>,
        org_id: Option<i64>,
        l: &Label,
    ) -> Result<i64> {
        let now = oxforge_core::time::now();
        let row = sqlx::query(
            "INSERT INTO labels (repo_id, org_id, name, color, description, exclusive, archived_unix, created_unix, updated_unix) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(repo_id)
        .bind(org_id)
        .bind(l.name.clone())
        .bind(l.color.clone())
        .bind(l.description.clone())
        .bind(l.exclusive as i64)
        .bind(l.archived_unix)
        .bind(now)
        .fetch_one(self.writer())
        .await
        .map_err(internal)?;
        get_i64(&row, "id")
    }

    /// A label of this organization.
    pub async fn org_label(&self, org_id: i64, id: i64) -> Result<Option<Label>> {
        let row = sqlx::query(&format!(
            "SELECT {LABEL_COLUMNS} FROM labels l WHERE l.org_id = $1 AND l.id = $2"
        ))
        .bind(org_id)
        .bind(id)
        .fetch_optional(self.reader())
        .await
        .map_err(internal)?;
        row.map(|r| label_from_row(&r)).transpose()
    }

    /// The organization's labels by name, one page, and how many in all.
    pub async fn org_labels(&self, org_id: i64, paging: Paging) -> Result<(Vec<Label>, i64)> {
        let mut q = Sql::new(&format!(
            "SELECT {LABEL_COLUMNS}, COUNT(*) OVER () AS total_count FROM labels l WHERE l.org_id = "
        ));
        q.bind(org_id);
        q.push(" ORDER BY l.name, l.id");
        q.page(Some(paging));
        let rows = q.fetch_all(self.reader()).await.map_err(internal)?;
        let total = match rows.first() {
            Some(r) => get_i64(r, "total_count")?,
            None => {
                let row = sqlx::query("SELECT COUNT(*) AS n FROM labels WHERE org_id = $1")
                    .bind(org_id)
                    .fetch_one(self.reader())
                    .await
                    .map_err(internal)?;
                get_i64(&row, "n")?
            }
        };
        Ok((
            rows.iter().map(label_from_row).collect::<Result<_>>()?,
            total,
        ))
    }

    pub async fn update_label(&self, l: &Label) -> Result<()> {
        sqlx::query(
            "UPDATE labels SET name = $1, color = $2, description = $3, exclusive = $4, archived_unix = $5, \
             updated_unix = $6 WHERE id = $7",
        )
        .bind(l.name.clone())
        .bind(l.color.clone())
        .bind(l.description.clone())
        .bind(l.exclusive as i64)
        .bind(l.archived_unix)
        .bind(oxforge_core::time::now())
        .bind(l.id)
        .execute(self.writer())
        .await
        .map_err(internal)?;
        Ok(())
    }

    pub async fn delete_label(&self, id: i64) -> Result<()> {
        self.delete_by_id("labels", id).await
    }

    /// A label of this repository.
    pub async fn label(&self, repo_id: i64, id: i64) -> Result<Option<Label>> {
        let row = self
            .row_in_repo("labels", "l", LABEL_COLUMNS, repo_id, id)
            .await?;
        row.map(|r| label_from_row(&r)).transpose()
    }

    /// The labels among `ids` of the repository, or of the organization `org_id` (0: none)
    /// that owns it (others are left out).
    pub async fn labels_by_ids(
        &self,
        repo_id: i64,
        org_id: i64,
        ids: &[i64],
    ) -> Result<Vec<Label>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(&format!(
            "SELECT {LABEL_COLUMNS} FROM labels l WHERE (l.repo_id = $1 OR l.org_id = $2) \
             AND l.id IN ({}) ORDER BY l.id",
            id_list(ids)
        ))
        .bind(repo_id)
        .bind(org_id)
        .fetch_all(self.reader())
        .await
        .map_err(internal)?;
        rows.iter().map(label_from_row).collect()
    }

    /// The labels named (case-insensitively) in `names` of the repository, or of the
    /// organization `org_id` (0: none) that owns it.
    pub async fn labels_by_names(
        &self,
        repo_id: i64,
        org_id: i64,
        names: &[String],
    ) -> Result<Vec<Label>> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(&format!(
            "SELECT {LABEL_COLUMNS} FROM labels l WHERE (l.repo_id = "
        ));
        q.bind(repo_id)
            .push(" OR l.org_id = ")
            .bind(org_id)
            .push(")");
        q.push(" AND LOWER(l.name) IN (");
        for (i, n) in names.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind(n.to_lowercase());
        }
        q.push(") ORDER BY l.id");
        let rows = q.fetch_all(self.reader()).await.map_err(internal)?;
        rows.iter().map(label_from_row).collect()
    }

    /// The repository's labels by name, one page, and how many in all.
    pub async fn labels(&self, repo_id: i64, paging: Option<Paging>) -> Result<(Vec<Label>, i64)> {
        let mut q = Sql::new(&format!(
            "SELECT {LABEL_COLUMNS}, COUNT(*) OVER () AS total_count FROM labels l WHERE l.repo_id = "
        ));
        q.bind(repo_id);
        q.push(" ORDER BY l.name, l.id");
        q.page(paging);
        let rows = q.fetch_all(self.reader()).await.map_err(internal)?;
        let total = match rows.first() {
            Some(r) => get_i64(r, "total_count")?,
            None => self.count_where("labels", repo_id).await?,
        };
        Ok((
            rows.iter().map(label_from_row).collect::<Result<_>>()?,
            total,
        ))
    }

    async fn count_where(&self, table: &str, repo_id: i64) -> Result<i64> {
        let row = sqlx::query(&format!(
            "SELECT COUNT(*) AS n FROM {table} WHERE repo_id = $1"
        ))
        .bind(repo_id)
        .fetch_one(self.reader())
        .await
        .map_err(internal)?;
        get_i64(&row, "n")
    }

    // ---- milestones ----

    pub async fn create_milestone(&self, repo_id: i64, m: &Milestone) -> Result<Milestone> {
        let now = oxforge_core::time::now();
        let row = sqlx::query(
            "INSERT INTO milestones (repo_id, name, description, is_closed, deadline_unix, closed_unix, \
             created_unix, updated_unix) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(repo_id)
        .bind(m.name.clone())
        .bind(m.description.clone())
        .bind(m.is_closed as i64)
        .bind(m.deadline_unix)
        .bind(if m.is_closed { now } else { 0 })
        .bind(now)
        .fetch_one(self.writer())
        .await
        .map_err(internal)?;
        let id = get_i64(&row, "id")?;
        self.milestone(repo_id, id)
            .await?
            .ok_or_else(Error::not_found)
    }

    pub async fn update_milestone(&self, m: &Milestone) -> Result<()> {
        sqlx::query(
            "UPDATE milestones SET name = $1, description = $2, is_closed = $3, deadline_unix = $4, \
             closed_unix = $5, updated_unix = $6 WHERE id = $7",
        )
        .bind(m.name.clone())
        .bind(m.description.clone())
        .bind(m.is_closed as i64)
        .bind(m.deadline_unix)
        .bind(m.closed_unix)
        .bind(oxforge_core::time::now())
        .bind(m.id)
        .execute(self.writer())
        .await
        .map_err(internal)?;
        Ok(())
    }

    pub async fn delete_milestone(&self, id: i64) -> Result<()> {
        self.delete_by_id("milestones", id).await
    }

    pub async fn milestone(&self, repo_id: i64, id: i64) -> Result<Option<Milestone>> {
        let row = self
            .row_in_repo("milestones", "m", MILESTONE_COLUMNS, repo_id, id)
            .await?;
        row.map(|r| milestone_from_row(&r)).transpose()
    }

    /// The repository's milestone with this name (case-insensitively), if one.
    pub async fn milestone_by_name(&self, repo_id: i64, name: &str) -> Result<Option<Milestone>> {
        let row = sqlx::query(&format!(
            "SELECT {MILESTONE_COLUMNS} FROM milestones m WHERE m.repo_id = $1 AND LOWER(m.name) = $2 ORDER BY m.id"
        ))
        .bind(repo_id)
        .bind(name.to_lowercase())
        .fetch_optional(self.reader())
        .await
        .map_err(internal)?;
        row.map(|r| milestone_from_row(&r)).transpose()
    }

    /// Milestones by id (those of a page of issues).
    pub async fn milestones_by_ids(&self, ids: &[i64]) -> Result<HashMap<i64, Milestone>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = sqlx::query(&format!(
            "SELECT {MILESTONE_COLUMNS} FROM milestones m WHERE m.id IN ({})",
            id_list(ids)
        ))
        .fetch_all(self.reader())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| milestone_from_row(r).map(|m| (m.id, m)))
            .collect()
    }

    /// The repository's milestones matching `f`, oldest first, one page, and how many.
    pub async fn milestones(
        &self,
        repo_id: i64,
        f: &MilestoneFilter,
        paging: Option<Paging>,
    ) -> Result<(Vec<Milestone>, i64)> {
        let mut cond = Sql::new(" FROM milestones m WHERE m.repo_id = ");
        cond.bind(repo_id);
        if let Some(c) = f.closed {
            cond.push(" AND m.is_closed = ");
            cond.bind(c);
        }
        if let Some(n) = f.name.as_deref().filter(|n| !n.is_empty()) {
            cond.push(" AND LOWER(m.name) LIKE ");
            cond.bind(crate::sql::like_contains(&n.to_lowercase()));
            if self.backend == Backend::Sqlite {
                cond.push(" ESCAPE '\\'");
            }
        }
        let mut count = Sql::new("SELECT COUNT(*) AS n");
        count.text.push_str(&cond.text);
        count.args = cond.args.clone();
        let mut page = Sql::new(&format!("SELECT {MILESTONE_COLUMNS}"));
        page.text.push_str(&cond.text);
        page.args = cond.args;
        page.push(" ORDER BY m.id");
        page.page(paging);
        let (rows, total) = self.page_and_count(&page, &count).await?;
        Ok((
            rows.iter().map(milestone_from_row).collect::<Result<_>>()?,
            total,
        ))
    }

    // ---- comments ----

    /// Adds a comment (and its mentions to the issue), bumping the issue's count and time.
    pub async fn create_comment(
        &self,
        issue: &Issue,
        poster_id: i64,
        body: &str,
        mentioned_ids: &[i64],
    ) -> Result<Comment> {
        let now = oxforge_core::time::now();
        let mut tx = self.writer().begin().await.map_err(internal)?;
        let row = sqlx::query(
            "INSERT INTO comments (issue_id, repo_id, poster_id, body, created_unix, updated_unix) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(issue.id)
        .bind(issue.repo_id)
        .bind(poster_id)
        .bind(body.to_string())
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        let id = get_i64(&row, "id")?;
        link(
            &mut tx,
            "issue_mentions",
            "user_id",
            issue.id,
            mentioned_ids,
        )
        .await?;
        recount_comments(&mut tx, issue.id).await?;
        sqlx::query("UPDATE issues SET updated_unix = $1 WHERE id = $2")
            .bind(now)
            .bind(issue.id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        self.comment(issue.repo_id, id)
            .await?
            .ok_or_else(Error::not_found)
    }

    /// A comment in this repository.
    pub async fn comment(&self, repo_id: i64, id: i64) -> Result<Option<Comment>> {
        let row = self
            .row_in_repo("comments", "c", COMMENT_COLUMNS, repo_id, id)
            .await?;
        row.map(|r| comment_from_row(&r)).transpose()
    }

    pub async fn update_comment(
        &self,
        c: &Comment,
        body: &str,
        mentioned_ids: &[i64],
    ) -> Result<()> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        sqlx::query("UPDATE comments SET body = $1, updated_unix = $2 WHERE id = $3")
            .bind(body.to_string())
            .bind(oxforge_core::time::now())
            .bind(c.id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        link(
            &mut tx,
            "issue_mentions",
            "user_id",
            c.issue_id,
            mentioned_ids,
        )
        .await?;
        tx.commit().await.map_err(internal)
    }

    pub async fn delete_comment(&self, c: &Comment) -> Result<()> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        sqlx::query("DELETE FROM comments WHERE id = $1")
            .bind(c.id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        recount_comments(&mut tx, c.issue_id).await?;
        tx.commit().await.map_err(internal)
    }

    /// Comments of one issue (`issue_id`) or of a whole repository, oldest first, updated
    /// within the bounds; one page (or all) and how many.
    pub async fn comments(
        &self,
        repo_id: i64,
        issue_id: Option<i64>,
        updated_after: Option<i64>,
        updated_before: Option<i64>,
        paging: Option<Paging>,
    ) -> Result<(Vec<Comment>, i64)> {
        let mut cond = Sql::new(" FROM comments c WHERE c.repo_id = ");
        cond.bind(repo_id);
        if let Some(id) = issue_id {
            cond.push(" AND c.issue_id = ");
            cond.bind(id);
        }
        if let Some(t) = updated_after {
            cond.push(" AND c.updated_unix >= ");
            cond.bind(t);
        }
        if let Some(t) = updated_before {
            cond.push(" AND c.updated_unix <= ");
            cond.bind(t);
        }
        let mut count = Sql::new("SELECT COUNT(*) AS n");
        count.text.push_str(&cond.text);
        count.args = cond.args.clone();
        let mut page = Sql::new(&format!("SELECT {COMMENT_COLUMNS}"));
        page.text.push_str(&cond.text);
        page.args = cond.args;
        page.push(" ORDER BY c.id");
        page.page(paging);
        let (rows, total) = self.page_and_count(&page, &count).await?;
        Ok((
            rows.iter().map(comment_from_row).collect::<Result<_>>()?,
            total,
        ))
    }

    /// The issue numbers of these issue ids (for comment URLs).
    pub async fn issue_numbers(&self, issue_ids: &[i64]) -> Result<HashMap<i64, i64>> {
        if issue_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = sqlx::query(&format!(
            "SELECT id, number FROM issues WHERE id IN ({})",
            id_list(issue_ids)
        ))
        .fetch_all(self.reader())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| Ok((get_i64(r, "id")?, get_i64(r, "number")?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxforge_core::model::RepoSettings;

    #[test]
    fn the_tracker_filter_matches_how_settings_are_stored() {
        let off = RepoSettings {
            has_issues: false,
            ..Default::default()
        };
        let external = RepoSettings {
            external_tracker_url: "https://bugs.example.com".into(),
            ..Default::default()
        };
        let text = |s: &RepoSettings| crate::repos::settings_json(s).unwrap();
        assert!(text(&off).contains("\"has_issues\":false"));
        assert!(text(&external).contains("\"external_tracker_url\":\"h"));
        assert!(!text(&RepoSettings::default()).contains("has_issues"));
        assert!(issues_enabled().contains("\"has_issues\":false"));
    }
}
