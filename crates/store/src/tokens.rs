//! Access tokens, stored only as a hash and found by it (an index lookup, no scan).

use crate::sql::Sql;
use crate::users::{user_from_row, user_select};
use crate::{db_error, get_i64, get_str, internal, Store};
use oxforge_core::model::{AccessToken, User};
use oxforge_core::paging::Paging;
use oxforge_core::{Error, Result};
use sqlx::any::AnyRow;

const TOKEN_COLUMNS: &str = "t.id AS t_id, t.user_id AS t_user_id, t.name AS t_name, \
     t.token_last_eight AS t_token_last_eight, t.scope AS t_scope, t.created_unix AS t_created_unix, \
     t.last_used_unix AS t_last_used_unix, t.expires_unix AS t_expires_unix";

fn token_from_row(row: &AnyRow) -> Result<AccessToken> {
    Ok(AccessToken {
        id: get_i64(row, "t_id")?,
        user_id: get_i64(row, "t_user_id")?,
        name: get_str(row, "t_name")?,
        token_last_eight: get_str(row, "t_token_last_eight")?,
        scope: get_str(row, "t_scope")?,
        created_unix: get_i64(row, "t_created_unix")?,
        last_used_unix: get_i64(row, "t_last_used_unix")?,
        expires_unix: get_i64(row, "t_expires_unix")?,
    })
}

impl Store {
    pub async fn insert_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        last_eight: &str,
        scope: &str,
        expires_unix: i64,
    ) -> Result<AccessToken> {
        let now = oxforge_core::time::now();
        let row = sqlx::query(
            "INSERT INTO access_tokens (user_id, name, token_hash, token_last_eight, scope, \
             created_unix, last_used_unix, expires_unix) VALUES ($1, $2, $3, $4, $5, $6, 0, $7) RETURNING id",
        )
        .bind(user_id)
        .bind(name.to_string())
        .bind(token_hash.to_string())
        .bind(last_eight.to_string())
        .bind(scope.to_string())
        .bind(now)
        .bind(expires_unix)
        .fetch_one(self.writer())
        .await
        .map_err(|e| db_error(e, "access token name has been used already"))?;
        Ok(AccessToken {
            id: get_i64(&row, "id")?,
            user_id,
            name: name.to_string(),
            token_last_eight: last_eight.to_string(),
            scope: scope.to_string(),
            created_unix: now,
            last_used_unix: 0,
            expires_unix,
        })
    }

    /// The token with this hash and its owner, in one query.
    pub async fn token_by_hash(&self, hash: &str) -> Result<Option<(AccessToken, User)>> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS}, {} FROM access_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1",
            user_select("u", "u_")
        );
        let row = sqlx::query(&sql)
            .bind(hash.to_string())
            .fetch_optional(self.reader())
            .await
            .map_err(internal)?;
        match row {
            Some(r) => Ok(Some((token_from_row(&r)?, user_from_row(&r, "u_")?))),
            None => Ok(None),
        }
    }

    pub async fn touch_token(&self, id: i64, now: i64) -> Result<()> {
        sqlx::query("UPDATE access_tokens SET last_used_unix = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(self.writer())
            .await
            .map_err(internal)?;
        Ok(())
    }

    /// Newest first, as Gitea lists them.
    pub async fn list_tokens(
        &self,
        user_id: i64,
        paging: Option<Paging>,
    ) -> Result<(Vec<AccessToken>, i64)> {
        let total = get_i64(
            &sqlx::query("SELECT COUNT(*) AS n FROM access_tokens WHERE user_id = $1")
                .bind(user_id)
                .fetch_one(self.reader())
                .await
                .map_err(internal)?,
            "n",
        )?;
        let mut q = Sql::new(&format!(
            "SELECT {TOKEN_COLUMNS} FROM access_tokens t WHERE t.user_id = "
        ));
        q.bind(user_id);
        q.push(" ORDER BY t.created_unix DESC, t.id DESC");
        q.page(paging);
        let rows = q.fetch_all(self.reader()).await.map_err(internal)?;
        let list = rows.iter().map(token_from_row).collect::<Result<_>>()?;
        Ok((list, total))
    }

    pub async fn tokens_by_name(&self, user_id: i64, name: &str) -> Result<Vec<AccessToken>> {
        let rows = sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM access_tokens t WHERE t.user_id = $1 AND t.name = $2"
        ))
        .bind(user_id)
        .bind(name.to_string())
        .fetch_all(self.reader())
        .await
        .map_err(internal)?;
        rows.iter().map(token_from_row).collect()
    }

    /// Deletes the user's token with this id; 404 when it is not theirs.
    pub async fn delete_token(&self, user_id: i64, id: i64) -> Result<()> {
        let done = sqlx::query("DELETE FROM access_tokens WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(self.writer())
            .await
            .map_err(internal)?;
        if done.rows_affected() == 0 {
            return Err(Error::not_found());
        }
        Ok(())
    }
}
