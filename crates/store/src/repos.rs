//! Repositories. Listings go through `visibility::readable_repos`.

use crate::reach::{self, Scope};
use crate::sql::{like_contains, Sql};
use crate::users::{user_from_row, user_select};
use crate::visibility::{
    reach_join, readable_count, readable_repos, readable_repos_joined, related_repos,
};
use crate::{db_error, get_bool, get_i64, get_str, internal, Backend, Store};
use oxforge_core::access::Viewer;
use oxforge_core::model::{MirrorInfo, Repo, RepoSettings, RepoWithOwner};
use oxforge_core::paging::Paging;
pub use oxforge_core::query::{RepoFilter, RepoOrder, SearchMode};
use oxforge_core::{Error, Result};
use sqlx::any::AnyRow;

const REPO_COLUMNS: &[&str] = &[
    "id",
    "owner_id",
    "name",
    "description",
    "website",
    "default_branch",
    "is_private",
    "is_empty",
    "is_mirror",
    "is_fork",
    "is_template",
    "is_archived",
    "size",
    "original_url",
    "num_stars",
    "num_forks",
    "num_watches",
    "num_open_issues",
    "object_format_name",
    "settings",
    "archived_unix",
    "created_unix",
    "updated_unix",
];

/// Mirror settings ride along with every repository row (NULL for non-mirrors).
const MIRROR_JOIN: &str = "LEFT JOIN mirrors m ON m.repo_id = r.id";

fn repo_select() -> String {
    let repo = REPO_COLUMNS
        .iter()
        .map(|c| format!("r.{c} AS r_{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{repo}, m.interval_secs AS m_interval_secs, m.updated_unix AS m_updated_unix, {}",
        user_select("o", "o_")
    )
}

fn repo_from_row(row: &AnyRow) -> Result<RepoWithOwner> {
    let settings: RepoSettings =
        serde_json::from_str(&get_str(row, "r_settings")?).unwrap_or_default();
    let repo = Repo {
        id: get_i64(row, "r_id")?,
        owner_id: get_i64(row, "r_owner_id")?,
        name: get_str(row, "r_name")?,
        description: get_str(row, "r_description")?,
        website: get_str(row, "r_website")?,
        default_branch: get_str(row, "r_default_branch")?,
        is_private: get_bool(row, "r_is_private")?,
        is_empty: get_bool(row, "r_is_empty")?,
        is_mirror: get_bool(row, "r_is_mirror")?,
        is_fork: get_bool(row, "r_is_fork")?,
        is_template: get_bool(row, "r_is_template")?,
        is_archived: get_bool(row, "r_is_archived")?,
        size: get_i64(row, "r_size")?,
        original_url: get_str(row, "r_original_url")?,
        num_stars: get_i64(row, "r_num_stars")?,
        num_forks: get_i64(row, "r_num_forks")?,
        num_watches: get_i64(row, "r_num_watches")?,
        num_open_issues: get_i64(row, "r_num_open_issues")?,
        object_format_name: get_str(row, "r_object_format_name")?,
        settings,
        archived_unix: get_i64(row, "r_archived_unix")?,
        created_unix: get_i64(row, "r_created_unix")?,
        updated_unix: get_i64(row, "r_updated_unix")?,
        mirror: {
            use sqlx::Row;
            let interval: Option<i64> = row.try_get("m_interval_secs").map_err(internal)?;
            let updated: Option<i64> = row.try_get("m_updated_unix").map_err(internal)?;
            interval.map(|interval_secs| MirrorInfo {
                interval_secs,
                updated_unix: updated.unwrap_or(0),
            })
        },
    };
    Ok(RepoWithOwner {
        repo,
        owner: user_from_row(row, "o_")?,
    })
}

/// Settings as stored: only what differs from the defaults (`RepoSettings` reads missing
/// fields as their defaults). Keeps rows narrow, which every scan pays for.
pub(crate) fn settings_json(s: &RepoSettings) -> Result<String> {
    let err = |e: serde_json::Error| Error::internal(e.to_string());
    let mut v = serde_json::to_value(s).map_err(err)?;
    let d = serde_json::to_value(RepoSettings::default()).map_err(err)?;
    if let (serde_json::Value::Object(m), serde_json::Value::Object(dm)) = (&mut v, &d) {
        m.retain(|k, val| dm.get(k) != Some(val));
    }
    serde_json::to_string(&v).map_err(err)
}

pub const REPO_EXISTS: &str = "The repository with the same name already exists.";

#[derive(Debug, Clone)]
pub struct NewRepo {
    pub owner_id: i64,
    pub name: String,
    pub description: String,
    pub website: String,
    pub default_branch: String,
    pub is_private: bool,
    pub is_template: bool,
    pub is_mirror: bool,
    pub original_url: String,
    pub object_format_name: String,
    pub num_watches: i64,
    /// What the finished directory holds (a repository row is written complete).
    pub is_empty: bool,
    pub size: i64,
}

#[derive(Debug, Clone, Default)]
pub struct RepoUpdate {
    pub name: Option<String>,
    pub description: Option<String>,
    pub website: Option<String>,
    pub default_branch: Option<String>,
    pub is_private: Option<bool>,
    pub is_template: Option<bool>,
    pub is_archived: Option<bool>,
    pub is_empty: Option<bool>,
    pub is_mirror: Option<bool>,
    pub size: Option<i64>,
    pub settings: Option<RepoSettings>,
    pub archived_unix: Option<i64>,
    pub touch: bool,
}

impl Store {
    /// `expr LIKE '%term%'` with wildcards in `term` taken literally.
    fn push_like(&self, q: &mut Sql, expr: &str, term: &str) {
        q.push(&format!("{expr} LIKE "));
        q.bind(like_contains(term));
        // PostgreSQL's default escape character is already the backslash; SQLite has none.
        if self.backend == Backend::Sqlite {
            q.push(" ESCAPE '\\'");
        }
    }

    /// `(r.lower_name LIKE ... OR ...)` for the keywords (and `owner/name`), over `r` and
    /// the owner `o`.
    fn push_matches(&self, q: &mut Sql, keywords: &[&String], f: &RepoFilter) {
        let mut parts = Vec::new();
        for kw in keywords {
            parts.push(("r.lower_name", kw.to_string(), None));
            if f.include_description {
                parts.push(("LOWER(r.description)", kw.to_string(), None));
            }
        }
        if let Some((owner, name)) = &f.owner_and_name {
            parts.push(("o.lower_name", owner.clone(), Some(name.clone())));
        }
        q.push("(");
        for (i, (expr, term, and_name)) in parts.into_iter().enumerate() {
            if i > 0 {
                q.push(" OR ");
            }
            q.push("(");
            self.push_like(q, expr, &term);
            if let Some(name) = and_name {
                q.push(" AND ");
                self.push_like(q, "r.lower_name", &name);
            }
            q.push(")");
        }
        q.push(")");
    }

    /// Writes a repository row on its own (seeding tools); the service writes rows through
    /// `commit_new_repo`, which also drops the name's reservation.
    pub async fn insert_repo(&self, n: &NewRepo) -> Result<i64> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        let id = insert_repo_tx(&mut tx, n).await?;
        tx.commit().await.map_err(internal)?;
        Ok(id)
    }

    /// Whole repository rows (with owner and mirror settings) matching `cond`.
    async fn repos_where(&self, cond: &str, args: &[crate::Arg]) -> Result<Vec<RepoWithOwner>> {
        let sql = format!(
            "SELECT {} FROM repositories r JOIN users o ON o.id = r.owner_id {MIRROR_JOIN} WHERE {cond}",
            repo_select()
        );
        let rows = crate::sql::bind_all(sqlx::query(&sql), args)
            .fetch_all(self.reader())
            .await
            .map_err(internal)?;
        rows.iter().map(repo_from_row).collect()
    }

    async fn repo_where(&self, cond: &str, args: Vec<crate::Arg>) -> Result<Option<RepoWithOwner>> {
        Ok(self.repos_where(cond, &args).await?.into_iter().next())
    }

    /// Case-insensitive lookup of `owner/name`.
    pub async fn repo_by_name(&self, owner: &str, name: &str) -> Result<Option<RepoWithOwner>> {
        self.repo_where(
            "o.lower_name = $1 AND r.lower_name = $2",
            vec![
                owner.to_ascii_lowercase().into(),
                name.to_ascii_lowercase().into(),
            ],
        )
        .await
    }

    pub async fn repo_by_id(&self, id: i64) -> Result<Option<RepoWithOwner>> {
        self.repo_where("r.id = $1", vec![id.into()]).await
    }

    pub async fn repos_owned_by(&self, owner_id: i64) -> Result<Vec<RepoWithOwner>> {
        self.repos_where("r.owner_id = $1 ORDER BY r.id", &[owner_id.into()])
            .await
    }

    pub async fn update_repo(&self, id: i64, up: &RepoUpdate) -> Result<()> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        Self::update_repo_tx(&mut tx, id, up).await?;
        tx.commit().await.map_err(internal)
    }

    pub(crate) async fn update_repo_tx(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        id: i64,
        up: &RepoUpdate,
    ) -> Result<()> {
        let mut q = Sql::new("UPDATE repositories SET id = id");
        let set = |q: &mut Sql, col: &str, v: Option<crate::Arg>| {
            if let Some(v) = v {
                q.push(&format!(", {col} = "));
                q.bind(v);
            }
        };
        if let Some(name) = &up.name {
            set(&mut q, "name", Some(name.into()));
            set(&mut q, "lower_name", Some(name.to_ascii_lowercase().into()));
        }
        set(
            &mut q,
            "description",
            up.description.clone().map(Into::into),
        );
        set(&mut q, "website", up.website.clone().map(Into::into));
        set(
            &mut q,
            "default_branch",
            up.default_branch.clone().map(Into::into),
        );
        set(&mut q, "is_private", up.is_private.map(Into::into));
        set(&mut q, "is_template", up.is_template.map(Into::into));
        set(&mut q, "is_archived", up.is_archived.map(Into::into));
        set(&mut q, "is_empty", up.is_empty.map(Into::into));
        set(&mut q, "is_mirror", up.is_mirror.map(Into::into));
        set(&mut q, "size", up.size.map(Into::into));
        set(&mut q, "archived_unix", up.archived_unix.map(Into::into));
        if let Some(s) = &up.settings {
            let text = settings_json(s)?;
            set(&mut q, "settings", Some(text.into()));
        }
        if up.touch {
            set(
                &mut q,
                "updated_unix",
                Some(oxforge_core::time::now().into()),
            );
        }
        q.push(" WHERE id = ");
        q.bind(id);
        q.query()
            .execute(&mut **tx)
            .await
            .map_err(|e| db_error(e, REPO_EXISTS))?;
        // The name and visibility are copied into what the repository's readers reach.
        if up.name.is_some() || up.is_private.is_some() {
            reach::refresh(tx, Scope::Repo(id)).await?;
            reach::recount_owner_of(tx, id).await?;
        }
        Ok(())
    }

    pub async fn delete_repo(&self, id: i64) -> Result<()> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        delete_repo_tx(&mut tx, id).await?;
        tx.commit().await.map_err(internal)
    }

    /// `/user/repos` of `uid` as `uid` sees them (what one works on is always readable to
    /// oneself, so no visibility filter), by name: counted and paged from `uid`'s range of
    /// `repo_reach` alone, whole rows read for the page only.
    pub async fn related_page(
        &self,
        uid: i64,
        paging: Option<Paging>,
    ) -> Result<(Vec<RepoWithOwner>, i64)> {
        let count = sqlx::query("SELECT COUNT(*) AS n FROM repo_reach WHERE user_id = $1")
            .bind(uid)
            .fetch_one(self.reader())
            .await
            .map_err(internal)?;
        let total = get_i64(&count, "n")?;
        if total == 0 || paging.is_some_and(|p| p.offset() >= total) {
            return Ok((Vec::new(), total));
        }
        let mut q = Sql::new("SELECT repo_id AS id FROM repo_reach WHERE user_id = ");
        q.bind(uid);
        q.push(" ORDER BY lower_name, repo_id");
        q.page(paging);
        let ids = q
            .fetch_all(self.reader())
            .await
            .map_err(internal)?
            .iter()
            .map(|r| get_i64(r, "id"))
            .collect::<Result<Vec<_>>>()?;
        Ok((self.repos_by_ids(&ids).await?, total))
    }

    /// Whole rows for `ids`, in the order given.
    pub async fn repos_by_ids(&self, ids: &[i64]) -> Result<Vec<RepoWithOwner>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let cond = format!("r.id IN ({})", crate::sql::id_list(ids));
        let mut by_id = std::collections::HashMap::new();
        for r in self.repos_where(&cond, &[]).await? {
            by_id.insert(r.repo.id, r);
        }
        Ok(ids.iter().filter_map(|i| by_id.remove(i)).collect())
    }

    pub async fn count_repos_owned_by(&self, owner_id: i64) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM repositories WHERE owner_id = $1")
            .bind(owner_id)
            .fetch_one(self.reader())
            .await
            .map_err(internal)?;
        get_i64(&row, "n")
    }

    /// Repositories matching `f` that `viewer` may read, one page of them, and how many
    /// there are in all (counted after the visibility filter, so the total never leaks).
    pub async fn search_repos(
        &self,
        viewer: &Viewer,
        f: &RepoFilter,
        paging: Option<Paging>,
    ) -> Result<(Vec<RepoWithOwner>, i64)> {
        let keywords: Vec<&String> = f.keywords.iter().filter(|k| !k.is_empty()).collect();
        let matching = !keywords.is_empty() || f.owner_and_name.is_some();
        let mut cond = if self.backend == Backend::Postgres && matching {
            // The matches first, from the trigram index, as the rows the rest reads (`OFFSET
            // 0` keeps the planner from walking the name index over every row to avoid a
            // sort, or from joining the matches back to a scan of the whole table), and
            // the caller's reach joined per match: `EXISTS` under `OR` made PostgreSQL hash
            // the whole reach on every query (q=kernel: 32-44 → 7 ms in `psql`).
            let mut c = Sql::new(
                " FROM (SELECT r.* FROM repositories r JOIN users o ON o.id = r.owner_id WHERE ",
            );
            self.push_matches(&mut c, &keywords, f);
            c.push(" OFFSET 0) r JOIN users o ON o.id = r.owner_id");
            c.push(&reach_join(viewer));
            c.push(" WHERE ");
            c.push(&readable_repos_joined(viewer));
            c
        } else {
            let mut c = Sql::new(" FROM repositories r JOIN users o ON o.id = r.owner_id WHERE ");
            c.push(&readable_repos(viewer));
            c
        };
        // Nothing pushed after this point means "everything the viewer may read".
        let unfiltered_len = cond.text.len();
        if f.public_only {
            cond.push(" AND r.is_private = 0 AND o.visibility = 0");
        }
        if let Some(id) = f.owner_id {
            cond.push(" AND r.owner_id = ");
            cond.bind(id);
        }
        if let Some(id) = f.related_to {
            cond.push(" AND ");
            cond.push(&related_repos(id));
        }
        if let Some(id) = f.team_id {
            cond.push(" AND (r.id IN (SELECT tr.repo_id FROM team_repos tr WHERE tr.team_id = ");
            cond.bind(id);
            cond.push(") OR r.owner_id IN (SELECT t.org_id FROM teams t WHERE t.includes_all_repos = 1 AND t.id = ");
            cond.bind(id);
            cond.push("))");
        }
        if let Some(id) = f.not_owned_by {
            cond.push(" AND r.owner_id <> ");
            cond.bind(id);
        }
        let flag = |cond: &mut Sql, col: &str, v: Option<bool>| {
            if let Some(v) = v {
                cond.push(&format!(" AND {col} = "));
                cond.bind(v);
            }
        };
        flag(&mut cond, "r.is_private", f.is_private);
        flag(&mut cond, "r.is_template", f.is_template);
        flag(&mut cond, "r.is_archived", f.is_archived);
        match f.mode {
            SearchMode::Any => {}
            SearchMode::Source => {
                cond.push(" AND r.is_fork = 0 AND r.is_mirror = 0");
            }
            SearchMode::Fork => {
                cond.push(" AND r.is_fork = 1");
            }
            SearchMode::Mirror => {
                cond.push(" AND r.is_mirror = 1");
            }
            SearchMode::Collaborative => {
                cond.push(" AND r.is_mirror = 0");
            }
        }
        if let Some(id) = f.starred_by {
            cond.push(" AND EXISTS (SELECT 1 FROM stars s WHERE s.repo_id = r.id AND s.user_id = ");
            cond.bind(id);
            cond.push(")");
        }
        if let Some(id) = f.watched_by {
            cond.push(
                " AND EXISTS (SELECT 1 FROM watches w WHERE w.repo_id = r.id AND w.user_id = ",
            );
            cond.bind(id);
            cond.push(")");
        }
        if !f.topics.is_empty() {
            // Topics are not stored yet, so no repository carries the asked-for topic.
            cond.push(" AND 1 = 0");
        }
        // The trigram index answers substrings of three characters or more.
        let indexable = |k: &&String| k.chars().count() >= 3;
        if self.backend == Backend::Sqlite
            && !keywords.is_empty()
            && keywords.iter().all(indexable)
            && f.owner_and_name.is_none()
        {
            // One id set from the trigram index, so the planner starts from the matches. A
            // quoted phrase is matched on the index's positions alone (case-insensitive, no
            // wildcards), where `LIKE` would re-read every candidate's text: 1 ms against 13
            // for 2,400 matches.
            let columns = if f.include_description {
                "{lower_name description}"
            } else {
                "lower_name"
            };
            let query = keywords
                .iter()
                .map(|k| format!("{columns} : \"{}\"", k.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(" OR ");
            cond.push(" AND r.id IN (SELECT rowid FROM repo_search WHERE repo_search MATCH ");
            cond.bind(query);
            cond.push(")");
        } else if matching && self.backend == Backend::Sqlite {
            cond.push(" AND ");
            self.push_matches(&mut cond, &keywords, f);
        }

        // The page's ids and the total in one pass over the matches (`COUNT(*) OVER ()`
        // runs before LIMIT); whole rows are read for the page only.
        let mut q = Sql {
            text: String::new(),
            args: cond.args.clone(),
        };
        let mut order = String::new();
        if let Some(pid) = f.priority_owner_id {
            order.push_str("CASE WHEN r.owner_id = ");
            q.bind(pid);
            order.push_str(&q.text);
            order.push_str(" THEN 0 ELSE 1 END, ");
            q.text.clear();
        }
        let dir = if f.descending { "DESC" } else { "ASC" };
        order.push_str(&match f.order {
            RepoOrder::Name => format!("r.lower_name {dir}"),
            RepoOrder::Alpha => format!("o.lower_name {dir}, r.lower_name {dir}"),
            RepoOrder::Created => format!("r.created_unix {dir}"),
            RepoOrder::Updated => format!("r.updated_unix {dir}"),
            RepoOrder::Size => format!("r.size {dir}"),
            RepoOrder::Id => format!("r.id {dir}"),
            RepoOrder::Stars => format!("r.num_stars {dir}"),
            RepoOrder::Forks => format!("r.num_forks {dir}"),
        });
        order.push_str(&format!(", r.id {dir}"));
        if keywords.is_empty() && f.owner_and_name.is_none() && paging.is_some() {
            // Without keywords the matches may be most of the table: a window over them all
            // would sort them all. The page walks an index in order; the count runs beside it
            // on another connection (the count is the slow half).
            let mut page = Sql {
                text: format!("SELECT r.id{}", cond.text),
                args: q.args.clone(),
            };
            page.push(&format!(" ORDER BY {order}"));
            page.page(paging);
            let count = if cond.text.len() == unfiltered_len {
                Sql::new(&readable_count(viewer))
            } else {
                let mut count = Sql::new("SELECT COUNT(*) AS n");
                count.text.push_str(&cond.text);
                count.args = cond.args;
                count
            };
            let (rows, counted) = tokio::try_join!(
                page.fetch_all(self.reader()),
                count.query().fetch_one(self.reader())
            )
            .map_err(internal)?;
            let ids = rows
                .iter()
                .map(|r| get_i64(r, "id"))
                .collect::<Result<Vec<_>>>()?;
            let total = get_i64(&counted, "n")?;
            return Ok((self.repos_by_ids(&ids).await?, total));
        }
        q.push(&format!(
            "SELECT {}, p.total_count FROM (SELECT r.id AS pid, COUNT(*) OVER () AS total_count, \
             ROW_NUMBER() OVER (ORDER BY {order}) AS pos",
            repo_select()
        ));
        q.push(&cond.text);
        q.push(&format!(" ORDER BY {order}"));
        q.page(paging);
        q.push(&format!(
            ") p JOIN repositories r ON r.id = p.pid JOIN users o ON o.id = r.owner_id {MIRROR_JOIN} ORDER BY p.pos"
        ));
        let rows = q.fetch_all(self.reader()).await.map_err(internal)?;
        let total = match rows.first() {
            Some(row) => get_i64(row, "total_count")?,
            None if paging.is_none_or(|p| p.offset() == 0) => 0,
            // A page past the end: count separately.
            None => {
                let mut count = Sql::new("SELECT COUNT(*) AS n");
                count.text.push_str(&cond.text);
                count.args = cond.args;
                let row = count
                    .query()
                    .fetch_one(self.reader())
                    .await
                    .map_err(internal)?;
                get_i64(&row, "n")?
            }
        };
        let list = rows.iter().map(repo_from_row).collect::<Result<_>>()?;
        Ok((list, total))
    }
}

/// Inserts a repository row with the owner's watch and its reach rows, in `tx`.
pub(crate) async fn insert_repo_tx(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    n: &NewRepo,
) -> Result<i64> {
    let now = oxforge_core::time::now();
    let settings = settings_json(&RepoSettings::default())?;
    let row = sqlx::query(
        "INSERT INTO repositories (owner_id, name, lower_name, description, website, \
         default_branch, is_private, is_template, is_mirror, original_url, object_format_name, \
         num_watches, settings, is_empty, size, created_unix, updated_unix) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id",
    )
    .bind(n.owner_id)
    .bind(n.name.clone())
    .bind(n.name.to_ascii_lowercase())
    .bind(n.description.clone())
    .bind(n.website.clone())
    .bind(n.default_branch.clone())
    .bind(n.is_private as i64)
    .bind(n.is_template as i64)
    .bind(n.is_mirror as i64)
    .bind(n.original_url.clone())
    .bind(n.object_format_name.clone())
    .bind(n.num_watches)
    .bind(settings)
    .bind(n.is_empty as i64)
    .bind(n.size)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| db_error(e, REPO_EXISTS))?;
    let id = get_i64(&row, "id")?;
    if n.num_watches > 0 {
        // The owner watches a new repository (the counter says 1).
        sqlx::query("INSERT INTO watches (user_id, repo_id, created_unix) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(n.owner_id)
            .bind(id)
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(internal)?;
    }
    reach::refresh(tx, Scope::Repo(id)).await?;
    reach::recount(tx, n.owner_id).await?;
    Ok(id)
}

/// Deletes repository `id`'s row in `tx`; false when there was none.
pub(crate) async fn delete_repo_tx(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
) -> Result<bool> {
    // Its stars go by cascade: recount its stargazers' counters without them.
    sqlx::query(
        "UPDATE users SET num_stars = (SELECT COUNT(*) FROM stars s \
         WHERE s.user_id = users.id AND s.repo_id <> $1) \
         WHERE id IN (SELECT user_id FROM stars WHERE repo_id = $1)",
    )
    .bind(id)
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    let owner = sqlx::query("DELETE FROM repositories WHERE id = $1 RETURNING owner_id")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?;
    // Its reach rows go with it (ON DELETE CASCADE); the owner's count does not.
    match owner {
        Some(row) => {
            reach::recount(tx, get_i64(&row, "owner_id")?).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_stored_as_their_difference_from_the_defaults() {
        assert_eq!(settings_json(&RepoSettings::default()).unwrap(), "{}");
        let s = RepoSettings {
            has_wiki: false,
            external_wiki_url: "https://wiki.example".into(),
            ..Default::default()
        };
        let text = settings_json(&s).unwrap();
        assert!(!text.contains("has_code"));
        let back: RepoSettings = serde_json::from_str(&text).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn the_migration_compacts_rows_written_with_todays_defaults() {
        let full = serde_json::to_string(&RepoSettings::default()).unwrap();
        let sql = include_str!("../migrations/sqlite/0007_compact_settings.sql");
        assert!(sql.contains(&format!("'{full}'")));
        let pg = include_str!("../migrations/postgres/0007_compact_settings.sql");
        assert_eq!(sql, pg);
    }
}
