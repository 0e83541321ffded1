//! Users (and, later, organisations: same table, `kind` = 1).

use crate::sql::{like_contains, Sql};
use crate::{db_error, get_bool, get_i64, get_str, internal, Store};
use oxforge_core::model::{PasswordHash, User, UserKind, Visibility};
use oxforge_core::paging::Paging;
pub use oxforge_core::query::{UserFilter, UserUpdate};
use oxforge_core::{Error, Result};
use sqlx::any::AnyRow;

/// Every column a `User` is read from. The password hash is not one of them: only
/// `Store::password_hash` reads it.
pub(crate) const USER_COLUMNS: &[&str] = &[
    "id",
    "name",
    "full_name",
    "email",
    "keep_email_private",
    "must_change_password",
    "login_name",
    "source_id",
    "is_admin",
    "is_active",
    "prohibit_login",
    "restricted",
    "visibility",
    "kind",
    "location",
    "website",
    "description",
    "language",
    "allow_create_organization",
    "allow_git_hook",
    "allow_import_local",
    "max_repo_creation",
    "created_unix",
    "updated_unix",
    "last_login_unix",
    "repo_admin_change_team_access",
    "num_followers",
    "num_following",
    "num_stars",
];

/// `alias.col AS prefixcol, ...` for selecting a user joined under another name.
pub(crate) fn user_select(alias: &str, prefix: &str) -> String {
    USER_COLUMNS
        .iter()
        .map(|c| format!("{alias}.{c} AS {prefix}{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn user_from_row(row: &AnyRow, p: &str) -> Result<User> {
    let c = |name: &str| format!("{p}{name}");
    Ok(User {
        id: get_i64(row, &c("id"))?,
        name: get_str(row, &c("name"))?,
        full_name: get_str(row, &c("full_name"))?,
        email: get_str(row, &c("email"))?,
        keep_email_private: get_bool(row, &c("keep_email_private"))?,
        must_change_password: get_bool(row, &c("must_change_password"))?,
        login_name: get_str(row, &c("login_name"))?,
        source_id: get_i64(row, &c("source_id"))?,
        is_admin: get_bool(row, &c("is_admin"))?,
        is_active: get_bool(row, &c("is_active"))?,
        prohibit_login: get_bool(row, &c("prohibit_login"))?,
        restricted: get_bool(row, &c("restricted"))?,
        visibility: Visibility::from_i64(get_i64(row, &c("visibility"))?),
        kind: if get_i64(row, &c("kind"))? == 1 {
            UserKind::Organization
        } else {
            UserKind::Individual
        },
        location: get_str(row, &c("location"))?,
        website: get_str(row, &c("website"))?,
        description: get_str(row, &c("description"))?,
        language: get_str(row, &c("language"))?,
        allow_create_organization: get_bool(row, &c("allow_create_organization"))?,
        allow_git_hook: get_bool(row, &c("allow_git_hook"))?,
        allow_import_local: get_bool(row, &c("allow_import_local"))?,
        max_repo_creation: get_i64(row, &c("max_repo_creation"))?,
        created_unix: get_i64(row, &c("created_unix"))?,
        updated_unix: get_i64(row, &c("updated_unix"))?,
        last_login_unix: get_i64(row, &c("last_login_unix"))?,
        repo_admin_change_team_access: get_bool(row, &c("repo_admin_change_team_access"))?,
        num_followers: get_i64(row, &c("num_followers"))?,
        num_following: get_i64(row, &c("num_following"))?,
        num_stars: get_i64(row, &c("num_stars"))?,
    })
}

#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub name: String,
    pub full_name: String,
    pub email: String,
    pub passwd_hash: PasswordHash,
    pub must_change_password: bool,
    pub login_name: String,
    pub source_id: i64,
    pub is_admin: bool,
    pub restricted: bool,
    pub visibility: Visibility,
    pub created_unix: i64,
}

impl Store {
    pub async fn insert_user(&self, u: &NewUser) -> Result<User> {
        let mut q = Sql::new(
            "INSERT INTO users (name, lower_name, full_name, email, lower_email, passwd_hash, \
             must_change_password, login_name, source_id, is_admin, restricted, visibility, kind, \
             created_unix, updated_unix) VALUES (",
        );
        q.bind(&u.name).push(", ");
        q.bind(u.name.to_ascii_lowercase()).push(", ");
        q.bind(&u.full_name).push(", ");
        q.bind(&u.email).push(", ");
        q.bind(u.email.to_lowercase()).push(", ");
        q.bind(u.passwd_hash.as_str()).push(", ");
        q.bind(u.must_change_password).push(", ");
        q.bind(&u.login_name).push(", ");
        q.bind(u.source_id).push(", ");
        q.bind(u.is_admin).push(", ");
        q.bind(u.restricted).push(", ");
        q.bind(u.visibility.as_i64()).push(", 0, ");
        q.bind(u.created_unix).push(", ");
        q.bind(u.created_unix).push(") RETURNING id");
        let row = q
            .query()
            .fetch_one(self.writer())
            .await
            .map_err(|e| db_error(e, "user already exists"))?;
        let id = get_i64(&row, "id")?;
        self.user_by_id(id)
            .await?
            .ok_or_else(|| Error::internal("user vanished after insert"))
    }

    async fn user_where(&self, cond: &str, arg: crate::Arg) -> Result<Option<User>> {
        let mut q = Sql::new(&format!(
            "SELECT {} FROM users u WHERE {cond}",
            user_select("u", "")
        ));
        q.bind(arg);
        let row = q
            .query()
            .fetch_optional(self.reader())
            .await
            .map_err(internal)?;
        row.map(|r| user_from_row(&r, "")).transpose()
    }

    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        self.user_where("u.id = ", id.into()).await
    }

    /// Case-insensitive lookup by name.
    pub async fn user_by_name(&self, name: &str) -> Result<Option<User>> {
        self.user_where("u.lower_name = ", name.to_ascii_lowercase().into())
            .await
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        self.user_where(
            "u.kind = 0 AND u.lower_email = ",
            email.to_lowercase().into(),
        )
        .await
    }

    /// The password hash of an individual account, for the password check alone (no
    /// `User` carries it).
    pub async fn password_hash(&self, user_id: i64) -> Result<Option<PasswordHash>> {
        let row = sqlx::query("SELECT passwd_hash FROM users WHERE id = $1 AND kind = 0")
            .bind(user_id)
            .fetch_optional(self.reader())
            .await
            .map_err(internal)?;
        row.map(|r| get_str(&r, "passwd_hash").map(PasswordHash::new))
            .transpose()
    }

    pub async fn count_users(&self) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE kind = 0")
            .fetch_one(self.reader())
            .await
            .map_err(internal)?;
        get_i64(&row, "n")
    }

    pub async fn update_user(&self, id: i64, up: &UserUpdate) -> Result<()> {
        let mut q = Sql::new("UPDATE users SET updated_unix = ");
        q.bind(oxforge_core::time::now());
        let set = |q: &mut Sql, col: &str, v: Option<crate::Arg>| {
            if let Some(v) = v {
                q.push(&format!(", {col} = "));
                q.bind(v);
            }
        };
        set(&mut q, "full_name", up.full_name.clone().map(Into::into));
        if let Some(email) = &up.email {
            set(&mut q, "email", Some(email.into()));
            set(&mut q, "lower_email", Some(email.to_lowercase().into()));
        }
        set(
            &mut q,
            "keep_email_private",
            up.keep_email_private.map(Into::into),
        );
        set(
            &mut q,
            "passwd_hash",
            up.passwd_hash.as_ref().map(|h| h.as_str().into()),
        );
        set(
            &mut q,
            "must_change_password",
            up.must_change_password.map(Into::into),
        );
        set(&mut q, "login_name", up.login_name.clone().map(Into::into));
        set(&mut q, "source_id", up.source_id.map(Into::into));
        set(&mut q, "is_admin", up.is_admin.map(Into::into));
        set(&mut q, "is_active", up.is_active.map(Into::into));
        set(&mut q, "prohibit_login", up.prohibit_login.map(Into::into));
        set(&mut q, "restricted", up.restricted.map(Into::into));
        set(
            &mut q,
            "visibility",
            up.visibility.map(|v| v.as_i64().into()),
        );
        set(&mut q, "location", up.location.clone().map(Into::into));
        set(&mut q, "website", up.website.clone().map(Into::into));
        set(
            &mut q,
            "description",
            up.description.clone().map(Into::into),
        );
        set(
            &mut q,
            "allow_create_organization",
            up.allow_create_organization.map(Into::into),
        );
        set(&mut q, "allow_git_hook", up.allow_git_hook.map(Into::into));
        set(
            &mut q,
            "allow_import_local",
            up.allow_import_local.map(Into::into),
        );
        set(
            &mut q,
            "max_repo_creation",
            up.max_repo_creation.map(Into::into),
        );
        set(
            &mut q,
            "repo_admin_change_team_access",
            up.repo_admin_change_team_access.map(Into::into),
        );
        q.push(" WHERE id = ");
        q.bind(id);
        q.query()
            .execute(self.writer())
            .await
            .map_err(|e| db_error(e, "e-mail address already used"))?;
        Ok(())
    }

    /// Deletes a user and (by cascade) their tokens, follows, stars and watches.
    /// Repositories must be gone first. The counters those rows fed (on the accounts they
    /// followed or were followed by, and on the repositories they starred or watched) are
    /// recounted without them in the same transaction.
    pub async fn delete_user(&self, id: i64) -> Result<()> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        for sql in [
            "UPDATE users SET num_followers = (SELECT COUNT(*) FROM follows f \
             WHERE f.follow_id = users.id AND f.user_id <> $1) \
             WHERE id IN (SELECT follow_id FROM follows WHERE user_id = $1)",
            "UPDATE users SET num_following = (SELECT COUNT(*) FROM follows f \
             WHERE f.user_id = users.id AND f.follow_id <> $1) \
             WHERE id IN (SELECT user_id FROM follows WHERE follow_id = $1)",
            "UPDATE repositories SET num_stars = (SELECT COUNT(*) FROM stars s \
             WHERE s.repo_id = repositories.id AND s.user_id <> $1) \
             WHERE id IN (SELECT repo_id FROM stars WHERE user_id = $1)",
            "UPDATE repositories SET num_watches = (SELECT COUNT(*) FROM watches w \
             WHERE w.repo_id = repositories.id AND w.user_id <> $1) \
             WHERE id IN (SELECT repo_id FROM watches WHERE user_id = $1)",
            "DELETE FROM users WHERE id = $1",
        ] {
            sqlx::query(sql)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
        }
        tx.commit().await.map_err(internal)
    }

    pub async fn search_users(
        &self,
        f: &UserFilter,
        paging: Option<Paging>,
    ) -> Result<(Vec<User>, i64)> {
        let mut cond = Sql::new(" FROM users u WHERE u.kind = 0");
        if let Some(max) = f.max_visibility {
            cond.push(" AND (u.visibility <= ");
            cond.bind(max.as_i64());
            if let Some(me) = f.include_id {
                cond.push(" OR u.id = ");
                cond.bind(me);
            }
            cond.push(")");
        }
        if let Some(uid) = f.uid {
            cond.push(" AND u.id = ");
            cond.bind(uid);
        }
        if let Some(ln) = &f.login_name {
            cond.push(" AND u.login_name = ");
            cond.bind(ln);
        }
        if let Some(sid) = f.source_id {
            cond.push(" AND u.source_id = ");
            cond.bind(sid);
        }
        if let Some(kw) = f
            .keyword
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            let pat = like_contains(&kw.to_lowercase());
            cond.push(" AND (u.lower_name LIKE ");
            cond.bind(&pat);
            cond.push(" ESCAPE '\\' OR LOWER(u.full_name) LIKE ");
            cond.bind(&pat);
            cond.push(" ESCAPE '\\'");
            if f.match_email {
                cond.push(" OR u.lower_email LIKE ");
                cond.bind(&pat);
                cond.push(" ESCAPE '\\'");
            }
            cond.push(")");
        }
        let mut count = Sql::new("SELECT COUNT(*) AS n");
        count.text.push_str(&cond.text);
        count.args = cond.args.clone();
        let total = get_i64(
            &count
                .query()
                .fetch_one(self.reader())
                .await
                .map_err(internal)?,
            "n",
        )?;
        let mut q = Sql::new(&format!("SELECT {}", user_select("u", "")));
        q.text.push_str(&cond.text);
        q.args = cond.args;
        q.push(" ORDER BY u.lower_name ASC");
        q.page(paging);
        let rows = q.fetch_all(self.reader()).await.map_err(internal)?;
        let users = rows
            .iter()
            .map(|r| user_from_row(r, ""))
            .collect::<Result<_>>()?;
        Ok((users, total))
    }
}
