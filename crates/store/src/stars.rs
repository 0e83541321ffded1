//! Stars and watches: one row per (user, repository), the repository's counter (and the
//! user's star counter) recounted from the rows on every change so they cannot drift.

use crate::sql::Sql;
use crate::users::{user_from_row, user_select};
use crate::{get_i64, internal, Store};
use oxforge_core::model::User;
use oxforge_core::paging::Paging;
pub use oxforge_core::query::Follow;
use oxforge_core::Result;

impl Store {
    /// Adds or removes the relation (idempotent) and recounts the repository's counter
    /// (and, for stars, the user's) in the same transaction.
    pub async fn set_follow(&self, f: Follow, user_id: i64, repo_id: i64, on: bool) -> Result<()> {
        let t = table(f);
        let change = if on {
            format!("INSERT INTO {t} (user_id, repo_id, created_unix) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        } else {
            format!("DELETE FROM {t} WHERE user_id = $1 AND repo_id = $2 AND $3 = $3")
        };
        let mut tx = self.writer().begin().await.map_err(internal)?;
        sqlx::query(&change)
            .bind(user_id)
            .bind(repo_id)
            .bind(oxforge_core::time::now())
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        sqlx::query(&format!(
            "UPDATE repositories SET {} = (SELECT COUNT(*) FROM {t} x WHERE x.repo_id = $1) WHERE id = $1",
            counter(f)
        ))
        .bind(repo_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        if f == Follow::Star {
            // Gitea's `starred_repos_count`: every star, whoever may see the repository.
            sqlx::query(
                "UPDATE users SET num_stars = (SELECT COUNT(*) FROM stars s WHERE s.user_id = $1) WHERE id = $1",
            )
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        }
        tx.commit().await.map_err(internal)
    }

    /// When `user_id` started following the repository, if they do.
    pub async fn follow_since(&self, f: Follow, user_id: i64, repo_id: i64) -> Result<Option<i64>> {
        let row = sqlx::query(&format!(
            "SELECT created_unix FROM {} WHERE user_id = $1 AND repo_id = $2",
            table(f)
        ))
        .bind(user_id)
        .bind(repo_id)
        .fetch_optional(self.reader())
        .await
        .map_err(internal)?;
        row.map(|r| get_i64(&r, "created_unix")).transpose()
    }

    /// The users following a repository, oldest first.
    pub async fn followers(
        &self,
        f: Follow,
        repo_id: i64,
        paging: Paging,
    ) -> Result<(Vec<User>, i64)> {
        let t = table(f);
        let total = get_i64(
            &sqlx::query(&format!("SELECT COUNT(*) AS n FROM {t} WHERE repo_id = $1"))
                .bind(repo_id)
                .fetch_one(self.reader())
                .await
                .map_err(internal)?,
            "n",
        )?;
        let mut q = Sql::new(&format!(
            "SELECT {} FROM {t} x JOIN users u ON u.id = x.user_id WHERE x.repo_id = ",
            user_select("u", "")
        ));
        q.bind(repo_id);
        q.push(" ORDER BY x.created_unix, u.id");
        q.page(Some(paging));
        let rows = q.fetch_all(self.reader()).await.map_err(internal)?;
        let users = rows
            .iter()
            .map(|r| user_from_row(r, ""))
            .collect::<Result<_>>()?;
        Ok((users, total))
    }
}

fn table(f: Follow) -> &'static str {
    match f {
        Follow::Star => "stars",
        Follow::Watch => "watches",
    }
}
fn counter(f: Follow) -> &'static str {
    match f {
        Follow::Star => "num_stars",
        Follow::Watch => "num_watches",
    }
}
