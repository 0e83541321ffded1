//! Organisations (users rows with kind = 1), their membership and teams, and repository
//! collaborators: the facts the visibility rule reads.

use crate::reach::{self, Scope};
use crate::sql::Sql;
use crate::users::{user_from_row, user_select};
use crate::visibility::visible_accounts;
use crate::{db_error, get_bool, get_i64, get_str, internal, Store};
use oxforge_core::access::{AccessMode, Grants, Viewer};
use oxforge_core::model::{RepoWithOwner, Team, User, Visibility};
use oxforge_core::paging::Paging;
pub use oxforge_core::query::OrgFilter;
use oxforge_core::{Error, Result};
use sqlx::any::AnyRow;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, Default)]
pub struct NewOrg {
    pub name: String,
    pub full_name: String,
    pub email: String,
    pub description: String,
    pub website: String,
    pub location: String,
    pub visibility: Visibility,
    pub repo_admin_change_team_access: bool,
}

/// A new or edited team (the org is fixed at creation).
#[derive(Debug, Clone)]
pub struct TeamFields {
    pub name: String,
    pub description: String,
    pub mode: AccessMode,
    pub code_mode: AccessMode,
    pub units: BTreeMap<String, AccessMode>,
    pub includes_all_repos: bool,
    pub can_create_org_repo: bool,
}

/// The viewer's memberships, team grants and collaborations, loaded once for a page of
/// repositories so that each `permissions` object is computed without another query.
#[derive(Debug, Clone, Default)]
pub struct Memberships {
    orgs: HashSet<i64>,
    org_team_mode: HashMap<i64, AccessMode>,
    repo_team_mode: HashMap<i64, AccessMode>,
    collaborations: HashMap<i64, AccessMode>,
}

impl Memberships {
    pub fn grants(&self, r: &RepoWithOwner) -> Grants {
        let id = r.repo.id;
        let team = self
            .repo_team_mode
            .get(&id)
            .copied()
            .unwrap_or_default()
            .max(
                self.org_team_mode
                    .get(&r.repo.owner_id)
                    .copied()
                    .unwrap_or_default(),
            );
        Grants {
            collaboration: self.collaborations.get(&id).copied().unwrap_or_default(),
            team,
            org_member: self.orgs.contains(&r.repo.owner_id),
        }
    }
}

const TEAM_COLUMNS: &str = "t.id, t.org_id, t.name, t.description, t.mode, t.code_mode, t.units, \
     t.includes_all_repos, t.can_create_org_repo";

fn team_from_row(row: &AnyRow) -> Result<Team> {
    let units: BTreeMap<String, String> =
        serde_json::from_str(&get_str(row, "units")?).unwrap_or_default();
    Ok(Team {
        id: get_i64(row, "id")?,
        org_id: get_i64(row, "org_id")?,
        name: get_str(row, "name")?,
        description: get_str(row, "description")?,
        mode: AccessMode::from_i64(get_i64(row, "mode")?),
        code_mode: AccessMode::from_i64(get_i64(row, "code_mode")?),
        units: units
            .into_iter()
            .filter_map(|(k, v)| AccessMode::parse(&v).map(|m| (k, m)))
            .collect(),
        includes_all_repos: get_bool(row, "includes_all_repos")?,
        can_create_org_repo: get_bool(row, "can_create_org_repo")?,
    })
}

fn units_json(units: &BTreeMap<String, AccessMode>) -> Result<String> {
    let named: BTreeMap<&str, &str> = units.iter().map(|(k, v)| (k.as_str(), v.name())).collect();
    serde_json::to_string(&named).map_err(|e| Error::internal(e.to_string()))
}

pub const TEAM_EXISTS: &str = "team already exists";

/// Writes a team row (in a transaction or not) and returns its id.
async fn insert_team_row<'c, E>(
    e: E,
    org_id: i64,
    t: &TeamFields,
    units: String,
    now: i64,
) -> std::result::Result<i64, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "INSERT INTO teams (org_id, name, lower_name, description, mode, code_mode, units, \
         includes_all_repos, can_create_org_repo, created_unix, updated_unix) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(org_id)
    .bind(t.name.clone())
    .bind(t.name.to_ascii_lowercase())
    .bind(t.description.clone())
    .bind(t.mode.as_i64())
    .bind(t.code_mode.as_i64())
    .bind(units)
    .bind(t.includes_all_repos as i64)
    .bind(t.can_create_org_repo as i64)
    .bind(now)
    .fetch_one(e)
    .await?;
    sqlx::Row::try_get::<i64, _>(&row, "id")
}

impl Store {
    /// Creates the organisation with its Owners team holding `creator`, all or nothing.
    pub async fn create_org(
        &self,
        o: &NewOrg,
        creator_id: i64,
        owners: &TeamFields,
    ) -> Result<User> {
        let now = oxforge_core::time::now();
        let mut tx = self.writer().begin().await.map_err(internal)?;
        let row = sqlx::query(
            "INSERT INTO users (name, lower_name, full_name, email, lower_email, description, website, \
             location, visibility, repo_admin_change_team_access, kind, created_unix, updated_unix) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11) RETURNING id",
        )
        .bind(o.name.clone())
        .bind(o.name.to_ascii_lowercase())
        .bind(o.full_name.clone())
        .bind(o.email.clone())
        .bind(o.email.to_lowercase())
        .bind(o.description.clone())
        .bind(o.website.clone())
        .bind(o.location.clone())
        .bind(o.visibility.as_i64())
        .bind(o.repo_admin_change_team_access as i64)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| db_error(e, "user already exists"))?;
        let org_id = get_i64(&row, "id")?;
        let team_id = insert_team_row(&mut *tx, org_id, owners, units_json(&owners.units)?, now)
            .await
            .map_err(internal)?;
        sqlx::query("INSERT INTO team_users (team_id, user_id) VALUES ($1, $2)")
            .bind(team_id)
            .bind(creator_id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        sqlx::query("INSERT INTO org_users (org_id, user_id, is_public) VALUES ($1, $2, 0)")
            .bind(org_id)
            .bind(creator_id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        self.user_by_id(org_id)
            .await?
            .ok_or_else(|| Error::internal("organization vanished after insert"))
    }

    /// Organisations `viewer` may see (per `f`), by name, and how many there are.
    pub async fn search_orgs(
        &self,
        viewer: &Viewer,
        f: OrgFilter,
        paging: Option<Paging>,
    ) -> Result<(Vec<User>, i64)> {
        let mut cond = Sql::new(" FROM users u WHERE u.kind = 1 AND ");
        cond.push(&visible_accounts(viewer, "u"));
        if let Some(uid) = f.member {
            cond.push(" AND u.id IN (SELECT ou.org_id FROM org_users ou WHERE ou.user_id = ");
            cond.bind(uid);
            if !f.include_concealed {
                cond.push(" AND ou.is_public = 1");
            }
            cond.push(")");
        }
        self.users_page(cond, paging).await
    }

    /// Users matching `cond` (a ` FROM users u WHERE ...` clause), by name, with the total.
    pub(crate) async fn users_page(
        &self,
        cond: Sql,
        paging: Option<Paging>,
    ) -> Result<(Vec<User>, i64)> {
        let mut q = Sql::new(&format!(
            "SELECT {}, COUNT(*) OVER () AS total_count",
            user_select("u", "")
        ));
        q.text.push_str(&cond.text);
        q.args = cond.args.clone();
        q.push(" ORDER BY u.lower_name ASC, u.id ASC");
        q.page(paging);
        let rows = q.fetch_all(self.reader()).await.map_err(internal)?;
        let total = match rows.first() {
            Some(r) => get_i64(r, "total_count")?,
            None if paging.is_none_or(|p| p.offset() == 0) => 0,
            None => {
                let mut c = Sql::new("SELECT COUNT(*) AS n");
                c.text.push_str(&cond.text);
                c.args = cond.args;
                get_i64(
                    &c.query().fetch_one(self.reader()).await.map_err(internal)?,
                    "n",
                )?
            }
        };
        let users = rows
            .iter()
            .map(|r| user_from_row(r, ""))
            .collect::<Result<_>>()?;
        Ok((users, total))
    }

    /// `Some(is_public)` when `user_id` belongs to the organisation.
    pub async fn org_membership(&self, org_id: i64, user_id: i64) -> Result<Option<bool>> {
        let row = sqlx::query("SELECT is_public FROM org_users WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .fetch_optional(self.reader())
            .await
            .map_err(internal)?;
        row.map(|r| get_bool(&r, "is_public")).transpose()
    }

    pub async fn org_members(
        &self,
        org_id: i64,
        public_only: bool,
        paging: Option<Paging>,
    ) -> Result<(Vec<User>, i64)> {
        let mut cond = Sql::new(
            " FROM users u WHERE u.id IN (SELECT ou.user_id FROM org_users ou WHERE ou.org_id = ",
        );
        cond.bind(org_id);
        if public_only {
            cond.push(" AND ou.is_public = 1");
        }
        cond.push(")");
        self.users_page(cond, paging).await
    }

    pub async fn set_membership_public(
        &self,
        org_id: i64,
        user_id: i64,
        public: bool,
    ) -> Result<()> {
        sqlx::query("UPDATE org_users SET is_public = $1 WHERE org_id = $2 AND user_id = $3")
            .bind(public as i64)
            .bind(org_id)
            .bind(user_id)
            .execute(self.writer())
            .await
            .map_err(internal)?;
        Ok(())
    }

    /// The user's teams in the organisation.
    pub async fn teams_of_member(&self, org_id: i64, user_id: i64) -> Result<Vec<Team>> {
        let rows = sqlx::query(&format!(
            "SELECT {TEAM_COLUMNS} FROM teams t JOIN team_users tu ON tu.team_id = t.id \
             WHERE t.org_id = $1 AND tu.user_id = $2 ORDER BY t.id"
        ))
        .bind(org_id)
        .bind(user_id)
        .fetch_all(self.reader())
        .await
        .map_err(internal)?;
        rows.iter().map(team_from_row).collect()
    }

    pub async fn insert_team(&self, org_id: i64, t: &TeamFields) -> Result<Team> {
        let units = units_json(&t.units)?;
        let id = insert_team_row(self.writer(), org_id, t, units, oxforge_core::time::now())
            .await
            .map_err(|e| db_error(e, TEAM_EXISTS))?;
        self.team_by_id(id).await?.ok_or_else(Error::not_found)
    }

    pub async fn update_team(&self, id: i64, t: &TeamFields) -> Result<Team> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        let done = sqlx::query(
            "UPDATE teams SET name = $1, lower_name = $2, description = $3, mode = $4, code_mode = $5, \
             units = $6, includes_all_repos = $7, can_create_org_repo = $8, updated_unix = $9 WHERE id = $10",
        )
        .bind(t.name.clone())
        .bind(t.name.to_ascii_lowercase())
        .bind(t.description.clone())
        .bind(t.mode.as_i64())
        .bind(t.code_mode.as_i64())
        .bind(units_json(&t.units)?)
        .bind(t.includes_all_repos as i64)
        .bind(t.can_create_org_repo as i64)
        .bind(oxforge_core::time::now())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|e| db_error(e, TEAM_EXISTS))?;
        if done.rows_affected() == 0 {
            return Err(Error::not_found());
        }
        // `includes_all_repos` may have changed what the members reach.
        let (org, users) = team_members_of(&mut tx, id).await?;
        reach::refresh(&mut tx, Scope::Members { org, users: &users }).await?;
        tx.commit().await.map_err(internal)?;
        self.team_by_id(id).await?.ok_or_else(Error::not_found)
    }

    /// Deletes a team; members who are in no other team of the organisation leave it.
    pub async fn delete_team(&self, team: &Team) -> Result<()> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        let (org, users) = team_members_of(&mut tx, team.id).await?;
        sqlx::query("DELETE FROM teams WHERE id = $1")
            .bind(team.id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        sqlx::query(
            "DELETE FROM org_users WHERE org_id = $1 AND user_id NOT IN \
             (SELECT tu.user_id FROM team_users tu JOIN teams t ON t.id = tu.team_id WHERE t.org_id = $1)",
        )
        .bind(team.org_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        reach::refresh(&mut tx, Scope::Members { org, users: &users }).await?;
        tx.commit().await.map_err(internal)
    }

    pub async fn team_by_id(&self, id: i64) -> Result<Option<Team>> {
        let row = sqlx::query(&format!(
            "SELECT {TEAM_COLUMNS} FROM teams t WHERE t.id = $1"
        ))
        .bind(id)
        .fetch_optional(self.reader())
        .await
        .map_err(internal)?;
        row.map(|r| team_from_row(&r)).transpose()
    }

    /// Teams of an organisation by name (optionally those whose name contains `keyword`).
    pub async fn teams_of_org(
        &self,
        org_id: i64,
        keyword: Option<&str>,
        paging: Option<Paging>,
    ) -> Result<(Vec<Team>, i64)> {
        let mut q = Sql::new(&format!(
            "SELECT {TEAM_COLUMNS}, COUNT(*) OVER () AS total_count FROM teams t WHERE t.org_id = "
        ));
        q.bind(org_id);
        if let Some(k) = keyword.filter(|k| !k.is_empty()) {
            q.push(" AND t.lower_name LIKE ");
            q.bind(crate::sql::like_contains(&k.to_lowercase()));
            q.push(" ESCAPE '\\'");
        }
        q.push(" ORDER BY t.lower_name, t.id");
        q.page(paging);
        let rows = q.fetch_all(self.reader()).await.map_err(internal)?;
        let total = match rows.first() {
            Some(r) => get_i64(r, "total_count")?,
            None => 0,
        };
        Ok((
            rows.iter().map(team_from_row).collect::<Result<_>>()?,
            total,
        ))
    }

    pub async fn team_members(
        &self,
        team_id: i64,
        paging: Option<Paging>,
    ) -> Result<(Vec<User>, i64)> {
        let mut cond = Sql::new(
            " FROM users u WHERE u.id IN (SELECT tu.user_id FROM team_users tu WHERE tu.team_id = ",
        );
        cond.bind(team_id);
        cond.push(")");
        self.users_page(cond, paging).await
    }

    pub async fn is_team_member(&self, team_id: i64, user_id: i64) -> Result<bool> {
        let row = sqlx::query("SELECT 1 AS x FROM team_users WHERE team_id = $1 AND user_id = $2")
            .bind(team_id)
            .bind(user_id)
            .fetch_optional(self.reader())
            .await
            .map_err(internal)?;
        Ok(row.is_some())
    }

    /// Adds a member (idempotent); they join the organisation if they were not in it.
    pub async fn add_team_member(&self, team: &Team, user_id: i64) -> Result<()> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        sqlx::query(
            "INSERT INTO team_users (team_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(team.id)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        sqlx::query(
            "INSERT INTO org_users (org_id, user_id, is_public) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING",
        )
        .bind(team.org_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        let users = [user_id];
        let scope = Scope::Members {
            org: team.org_id,
            users: &users,
        };
        reach::refresh(&mut tx, scope).await?;
        tx.commit().await.map_err(internal)
    }

    /// Removes `user_id` from the given teams of one organisation, and from the organisation
    /// when no team is left. Refused (nothing changes) if the Owners team would be empty.
    pub async fn remove_team_members(
        &self,
        org_id: i64,
        team_ids: &[i64],
        user_id: i64,
    ) -> Result<()> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        for id in team_ids {
            sqlx::query("DELETE FROM team_users WHERE team_id = $1 AND user_id = $2")
                .bind(*id)
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
        }
        let owners = sqlx::query(
            "SELECT COUNT(*) AS n FROM team_users tu JOIN teams t ON t.id = tu.team_id \
             WHERE t.org_id = $1 AND t.mode = 4",
        )
        .bind(org_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        if get_i64(&owners, "n")? == 0 {
            tx.rollback().await.map_err(internal)?;
            return Err(Error::validation(format!(
                "user is the last member of owner team [uid: {user_id}]"
            )));
        }
        sqlx::query(
            "DELETE FROM org_users WHERE org_id = $1 AND user_id = $2 AND NOT EXISTS \
             (SELECT 1 FROM team_users tu JOIN teams t ON t.id = tu.team_id WHERE t.org_id = $1 AND tu.user_id = $2)",
        )
        .bind(org_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        let users = [user_id];
        let scope = Scope::Members {
            org: org_id,
            users: &users,
        };
        reach::refresh(&mut tx, scope).await?;
        tx.commit().await.map_err(internal)
    }

    /// Organisations whose Owners team has `user_id` as its only member.
    pub async fn orgs_solely_owned_by(&self, user_id: i64) -> Result<Vec<i64>> {
        let rows = sqlx::query(
            "SELECT t.org_id FROM teams t JOIN team_users tu ON tu.team_id = t.id \
             WHERE t.mode = 4 AND tu.user_id = $1 \
             AND (SELECT COUNT(*) FROM team_users x WHERE x.team_id = t.id) = 1",
        )
        .bind(user_id)
        .fetch_all(self.reader())
        .await
        .map_err(internal)?;
        rows.iter().map(|r| get_i64(r, "org_id")).collect()
    }

    /// Whether the team reaches the repository (by assignment or by including all).
    pub async fn team_has_repo(&self, team: &Team, repo_id: i64) -> Result<bool> {
        if team.includes_all_repos {
            return Ok(true);
        }
        let row = sqlx::query("SELECT 1 AS x FROM team_repos WHERE team_id = $1 AND repo_id = $2")
            .bind(team.id)
            .bind(repo_id)
            .fetch_optional(self.reader())
            .await
            .map_err(internal)?;
        Ok(row.is_some())
    }

    pub async fn set_team_repo(&self, team_id: i64, repo_id: i64, on: bool) -> Result<()> {
        let sql = if on {
            "INSERT INTO team_repos (team_id, repo_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM team_repos WHERE team_id = $1 AND repo_id = $2"
        };
        let mut tx = self.writer().begin().await.map_err(internal)?;
        sqlx::query(sql)
            .bind(team_id)
            .bind(repo_id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        reach::refresh(&mut tx, Scope::Repo(repo_id)).await?;
        tx.commit().await.map_err(internal)
    }

    /// Collaborators of a repository with their modes, by name.
    pub async fn collaborators(
        &self,
        repo_id: i64,
        paging: Option<Paging>,
    ) -> Result<(Vec<(User, AccessMode)>, i64)> {
        let mut q = Sql::new(&format!(
            "SELECT {}, c.mode AS c_mode, COUNT(*) OVER () AS total_count FROM collaborations c \
             JOIN users u ON u.id = c.user_id WHERE c.repo_id = ",
            user_select("u", "")
        ));
        q.bind(repo_id);
        q.push(" ORDER BY u.lower_name, u.id");
        q.page(paging);
        let rows = q.fetch_all(self.reader()).await.map_err(internal)?;
        let total = match rows.first() {
            Some(r) => get_i64(r, "total_count")?,
            None => 0,
        };
        let list = rows
            .iter()
            .map(|r| {
                Ok((
                    user_from_row(r, "")?,
                    AccessMode::from_i64(get_i64(r, "c_mode")?),
                ))
            })
            .collect::<Result<_>>()?;
        Ok((list, total))
    }

    pub async fn collaboration(&self, repo_id: i64, user_id: i64) -> Result<Option<AccessMode>> {
        let row =
            sqlx::query("SELECT mode FROM collaborations WHERE repo_id = $1 AND user_id = $2")
                .bind(repo_id)
                .bind(user_id)
                .fetch_optional(self.reader())
                .await
                .map_err(internal)?;
        row.map(|r| get_i64(&r, "mode").map(AccessMode::from_i64))
            .transpose()
    }

    /// Adds or updates a collaboration; `None` removes it.
    pub async fn set_collaboration(
        &self,
        repo_id: i64,
        user_id: i64,
        mode: Option<AccessMode>,
    ) -> Result<()> {
        let q = match mode {
            Some(m) => sqlx::query(
                "INSERT INTO collaborations (repo_id, user_id, mode, created_unix) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (repo_id, user_id) DO UPDATE SET mode = excluded.mode",
            )
            .bind(repo_id)
            .bind(user_id)
            .bind(m.as_i64())
            .bind(oxforge_core::time::now()),
            None => sqlx::query("DELETE FROM collaborations WHERE repo_id = $1 AND user_id = $2")
                .bind(repo_id)
                .bind(user_id),
        };
        let mut tx = self.writer().begin().await.map_err(internal)?;
        q.execute(&mut *tx).await.map_err(internal)?;
        reach::refresh(&mut tx, Scope::Repo(repo_id)).await?;
        tx.commit().await.map_err(internal)
    }

    /// The viewer's grants on one repository, in one round trip.
    pub async fn grants_for(&self, user_id: i64, repo_id: i64, owner_id: i64) -> Result<Grants> {
        let row = sqlx::query(
            "SELECT \
             COALESCE((SELECT c.mode FROM collaborations c WHERE c.repo_id = $1 AND c.user_id = $2), 0) AS collab, \
             COALESCE((SELECT MAX(t.code_mode) FROM teams t JOIN team_users tu ON tu.team_id = t.id \
                       WHERE tu.user_id = $2 AND t.org_id = $3 AND (t.includes_all_repos = 1 OR EXISTS \
                       (SELECT 1 FROM team_repos tr WHERE tr.team_id = t.id AND tr.repo_id = $1))), 0) AS team, \
             (SELECT COUNT(*) FROM org_users ou WHERE ou.org_id = $3 AND ou.user_id = $2) AS member",
        )
        .bind(repo_id)
        .bind(user_id)
        .bind(owner_id)
        .fetch_one(self.reader())
        .await
        .map_err(internal)?;
        Ok(Grants {
            collaboration: AccessMode::from_i64(get_i64(&row, "collab")?),
            team: AccessMode::from_i64(get_i64(&row, "team")?),
            org_member: get_i64(&row, "member")? > 0,
        })
    }

    /// The viewer's grants on the given repositories (and memberships), in three queries.
    pub async fn memberships(&self, user_id: i64, repo_ids: &[i64]) -> Result<Memberships> {
        let mut m = Memberships::default();
        let rows = sqlx::query("SELECT org_id FROM org_users WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(self.reader())
            .await
            .map_err(internal)?;
        for r in &rows {
            m.orgs.insert(get_i64(r, "org_id")?);
        }
        if repo_ids.is_empty() {
            return Ok(m);
        }
        let ids = crate::sql::id_list(repo_ids);
        let rows = sqlx::query(&format!(
            "SELECT repo_id, mode FROM collaborations WHERE user_id = $1 AND repo_id IN ({ids})"
        ))
        .bind(user_id)
        .fetch_all(self.reader())
        .await
        .map_err(internal)?;
        for r in &rows {
            m.collaborations.insert(
                get_i64(r, "repo_id")?,
                AccessMode::from_i64(get_i64(r, "mode")?),
            );
        }
        if m.orgs.is_empty() {
            return Ok(m);
        }
        let rows = sqlx::query(&format!(
            "SELECT t.org_id, t.code_mode, t.includes_all_repos, tr.repo_id FROM team_users tu \
             JOIN teams t ON t.id = tu.team_id \
             LEFT JOIN team_repos tr ON tr.team_id = t.id AND tr.repo_id IN ({ids}) \
             WHERE tu.user_id = $1"
        ))
        .bind(user_id)
        .fetch_all(self.reader())
        .await
        .map_err(internal)?;
        for r in &rows {
            use sqlx::Row;
            let mode = AccessMode::from_i64(get_i64(r, "code_mode")?);
            if get_bool(r, "includes_all_repos")? {
                let e = m.org_team_mode.entry(get_i64(r, "org_id")?).or_default();
                *e = (*e).max(mode);
            }
            let repo: Option<i64> = r.try_get("repo_id").map_err(internal)?;
            if let Some(repo) = repo {
                let e = m.repo_team_mode.entry(repo).or_default();
                *e = (*e).max(mode);
            }
        }
        Ok(m)
    }
}

/// The team's organisation and members (whose reach a change to the team affects).
async fn team_members_of(conn: &mut sqlx::AnyConnection, team_id: i64) -> Result<(i64, Vec<i64>)> {
    let rows = sqlx::query(
        "SELECT t.org_id, tu.user_id FROM teams t LEFT JOIN team_users tu ON tu.team_id = t.id WHERE t.id = $1",
    )
    .bind(team_id)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let org = match rows.first() {
        Some(r) => get_i64(r, "org_id")?,
        None => return Err(Error::not_found()),
    };
    let mut users = Vec::new();
    for r in &rows {
        use sqlx::Row;
        if let Some(u) = r.try_get::<Option<i64>, _>("user_id").map_err(internal)? {
            users.push(u);
        }
    }
    Ok((org, users))
}
