//! What each account reaches: the repositories it owns, collaborates on, is granted by a
//! team, or sees as a public repository of an organisation it belongs to (Gitea's
//! `access` table, and the set `/user/repos` lists). `repo_reach` is derived data; `rule`
//! is its one definition, and every write to what it derives from (repositories,
//! memberships, teams, team repositories, collaborations) calls `refresh` for the
//! affected rows in the same transaction, so listings and counts read one index range
//! and are never stale. `tests/permissions.rs` compares the table with the rule after
//! each kind of change.

use crate::sql::id_list;
use crate::{get_i64, internal};
use oxforge_core::Result;
use sqlx::AnyConnection;

/// The migration that creates `repo_reach` (filled by `refresh(Scope::All)`).
pub(crate) const MIGRATION: i64 = 8;

/// Which rows a change can affect.
pub(crate) enum Scope<'a> {
    /// Everyone's rows for one repository: created, renamed, made public or private,
    /// given to or taken from a team, a collaborator added or removed.
    Repo(i64),
    /// These users' rows for the repositories of one organisation: membership, team
    /// membership, a team's scope changed or the team deleted.
    Members { org: i64, users: &'a [i64] },
    /// Every row.
    All,
}

/// The rule: rows `(user_id, repo_id, owner_id, is_private, lower_name)` for the
/// repositories matching `repos` (a condition over `r`) and the users matching `users`
/// (a condition built for the user column it is given). Only integers are spliced in.
fn rule(repos: &str, users: &dyn Fn(&str) -> String) -> String {
    let cols = "r.id, r.owner_id, r.is_private, r.lower_name";
    format!(
        "SELECT r.owner_id AS user_id, r.id AS repo_id, r.owner_id AS owner_id, \
         r.is_private AS is_private, r.lower_name AS lower_name \
         FROM repositories r WHERE {repos} AND {own} \
         UNION SELECT tu.user_id, {cols} FROM teams t JOIN team_users tu ON tu.team_id = t.id \
         JOIN repositories r ON r.owner_id = t.org_id \
         WHERE t.includes_all_repos = 1 AND {repos} AND {team} \
         UNION SELECT tu.user_id, {cols} FROM team_repos tr JOIN team_users tu ON tu.team_id = tr.team_id \
         JOIN repositories r ON r.id = tr.repo_id WHERE {repos} AND {team} \
         UNION SELECT c.user_id, {cols} FROM collaborations c JOIN repositories r ON r.id = c.repo_id \
         WHERE {repos} AND {collab} \
         UNION SELECT m.user_id, {cols} FROM org_users m JOIN repositories r ON r.owner_id = m.org_id \
         WHERE r.is_private = 0 AND {repos} AND {member}",
        own = users("r.owner_id"),
        team = users("tu.user_id"),
        collab = users("c.user_id"),
        member = users("m.user_id"),
    )
}

/// Recomputes the rows in `scope` from the rule. Call inside the transaction that made
/// the change, after it.
pub(crate) async fn refresh(conn: &mut AnyConnection, scope: Scope<'_>) -> Result<()> {
    let everyone = |_: &str| "1 = 1".to_string();
    let (delete, inserted) = match scope {
        Scope::Repo(id) => (
            format!("repo_id = {id}"),
            rule(&format!("r.id = {id}"), &everyone),
        ),
        Scope::Members { users: [], .. } => return Ok(()),
        Scope::Members { org, users } => {
            let list = id_list(users);
            (
                format!("owner_id = {org} AND user_id IN ({list})"),
                rule(&format!("r.owner_id = {org}"), &|c: &str| {
                    format!("{c} IN ({list})")
                }),
            )
        }
        Scope::All => ("1 = 1".to_string(), rule("1 = 1", &everyone)),
    };
    sqlx::query(&format!("DELETE FROM repo_reach WHERE {delete}"))
        .execute(&mut *conn)
        .await
        .map_err(internal)?;
    sqlx::query(&format!(
        "INSERT INTO repo_reach (user_id, repo_id, owner_id, is_private, lower_name) {inserted}"
    ))
    .execute(&mut *conn)
    .await
    .map_err(internal)?;
    Ok(())
}

/// Recounts the owner's public repositories (`users.num_public_repos`), after a
/// repository of theirs was created, deleted, or changed visibility.
pub(crate) async fn recount(conn: &mut AnyConnection, owner_id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE users SET num_public_repos = \
         (SELECT COUNT(*) FROM repositories r WHERE r.owner_id = $1 AND r.is_private = 0) WHERE id = $1",
    )
    .bind(owner_id)
    .execute(&mut *conn)
    .await
    .map_err(internal)?;
    Ok(())
}

/// `recount` for the owner of repository `repo_id`.
pub(crate) async fn recount_owner_of(conn: &mut AnyConnection, repo_id: i64) -> Result<()> {
    let row = sqlx::query("SELECT owner_id FROM repositories WHERE id = $1")
        .bind(repo_id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(internal)?;
    match row {
        Some(r) => recount(conn, get_i64(&r, "owner_id")?).await,
        None => Ok(()),
    }
}

/// Rows of the table that the rule does not give, plus rows the rule gives that the
/// table lacks, and owners whose public count is wrong: all zero when the derived data is
/// in step. For tests and `oxforge doctor`-style checks.
pub(crate) async fn drift(conn: &mut AnyConnection) -> Result<i64> {
    let all = rule("1 = 1", &|_: &str| "1 = 1".to_string());
    let cols = "user_id, repo_id, owner_id, is_private, lower_name";
    let row = sqlx::query(&format!(
        "SELECT \
         (SELECT COUNT(*) FROM (SELECT {cols} FROM repo_reach EXCEPT SELECT * FROM ({all}) q) a) + \
         (SELECT COUNT(*) FROM (SELECT * FROM ({all}) q EXCEPT SELECT {cols} FROM repo_reach) b) + \
         (SELECT COUNT(*) FROM users u WHERE u.num_public_repos <> \
          (SELECT COUNT(*) FROM repositories r WHERE r.owner_id = u.id AND r.is_private = 0)) AS n"
    ))
    .fetch_one(&mut *conn)
    .await
    .map_err(internal)?;
    get_i64(&row, "n")
}
