//! Following between accounts (Gitea's `follow` table): one row per (follower, followed),
//! the two counters on `users` recounted from the rows in the transaction that changes
//! them, so they cannot drift.

use crate::sql::Sql;
use crate::visibility::visible_accounts;
use crate::{internal, Store};
use oxforge_core::access::Viewer;
use oxforge_core::model::User;
use oxforge_core::paging::Paging;
use oxforge_core::Result;

impl Store {
    /// Makes `user_id` follow `follow_id`, or stop (idempotent either way).
    pub async fn set_following(&self, user_id: i64, follow_id: i64, on: bool) -> Result<()> {
        let change = if on {
            "INSERT INTO follows (user_id, follow_id, created_unix) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM follows WHERE user_id = $1 AND follow_id = $2 AND $3 = $3"
        };
        let mut tx = self.writer().begin().await.map_err(internal)?;
        sqlx::query(change)
            .bind(user_id)
            .bind(follow_id)
            .bind(oxforge_core::time::now())
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        for (sql, id) in [
            (
                "UPDATE users SET num_following = \
                 (SELECT COUNT(*) FROM follows f WHERE f.user_id = $1) WHERE id = $1",
                user_id,
            ),
            (
                "UPDATE users SET num_followers = \
                 (SELECT COUNT(*) FROM follows f WHERE f.follow_id = $1) WHERE id = $1",
                follow_id,
            ),
        ] {
            sqlx::query(sql)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
        }
        tx.commit().await.map_err(internal)
    }

    pub async fn is_following(&self, user_id: i64, follow_id: i64) -> Result<bool> {
        let row = sqlx::query("SELECT 1 AS x FROM follows WHERE user_id = $1 AND follow_id = $2")
            .bind(user_id)
            .bind(follow_id)
            .fetch_optional(self.reader())
            .await
            .map_err(internal)?;
        Ok(row.is_some())
    }

    /// The individual users following `user_id` that `viewer` may see, by name, with
    /// their number (Gitea lists no organisations here).
    pub async fn followers_of(
        &self,
        viewer: &Viewer,
        user_id: i64,
        paging: Paging,
    ) -> Result<(Vec<User>, i64)> {
        let mut cond = Sql::new(
            " FROM users u WHERE u.kind = 0 AND u.id IN \
             (SELECT f.user_id FROM follows f WHERE f.follow_id = ",
        );
        cond.bind(user_id);
        cond.push(&format!(") AND {}", visible_accounts(viewer, "u")));
        self.users_page(cond, Some(paging)).await
    }

    /// The accounts (users and organisations) `user_id` follows that `viewer` may see.
    pub async fn following_of(
        &self,
        viewer: &Viewer,
        user_id: i64,
        paging: Paging,
    ) -> Result<(Vec<User>, i64)> {
        let mut cond = Sql::new(
            " FROM users u WHERE u.id IN (SELECT f.follow_id FROM follows f WHERE f.user_id = ",
        );
        cond.bind(user_id);
        cond.push(&format!(") AND {}", visible_accounts(viewer, "u")));
        self.users_page(cond, Some(paging)).await
    }
}
