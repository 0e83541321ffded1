//! The SQL half of the one visibility rule (`oxforge_core::access::repo_access` is the Rust
//! half). Every listing, search and count of repositories filters through `readable_repos`,
//! and every listing of accounts through `visible_accounts`, so privacy cannot drift
//! between endpoints. Aliases: `r` = repositories, `o` = owner.
//!
//! What a signed-in user reaches beyond public repositories (own, collaborations, teams,
//! member organisations) is read from `repo_reach` (`crate::reach`), which every change to
//! those facts refreshes in its own transaction: a change is effective on the next
//! request. The membership sub-select is uncorrelated (evaluated once per query).

use oxforge_core::access::Viewer;

/// Organisations `uid` belongs to.
fn member_orgs(uid: i64) -> String {
    format!("(SELECT mo.org_id FROM org_users mo WHERE mo.user_id = {uid})")
}

/// Repositories `uid` owns or reaches through a collaboration, a team, or membership of
/// the owning organisation (`store::reach`): a probe of one index by repository id.
fn reached(uid: i64) -> String {
    format!("EXISTS (SELECT 1 FROM repo_reach x WHERE x.user_id = {uid} AND x.repo_id = r.id)")
}

/// A boolean SQL expression over the account alias `a`: true for the accounts (users and
/// organisations) `viewer` may see. Only integers from our own records are spliced in.
pub fn visible_accounts(viewer: &Viewer, a: &str) -> String {
    match viewer.signed_in() {
        None => format!("{a}.visibility = 0"),
        Some(_) if viewer.is_admin => "1 = 1".to_string(),
        Some(id) => {
            let max = if viewer.restricted { 0 } else { 1 };
            format!(
                "({a}.visibility <= {max} OR {a}.id = {id} OR {a}.id IN {})",
                member_orgs(id)
            )
        }
    }
}

/// A boolean SQL expression true for the repositories `viewer` may read: the public
/// repositories of accounts they see, and what they reach (which holds everything
/// private they may read).
pub fn readable_repos(viewer: &Viewer) -> String {
    let public = format!("(r.is_private = 0 AND {})", visible_accounts(viewer, "o"));
    match viewer.signed_in() {
        None => public,
        Some(_) if viewer.is_admin => "1 = 1".to_string(),
        Some(id) => format!("({public} OR {})", reached(id)),
    }
}

/// Joins the caller's reach as `x` (one row or none per repository), for
/// `readable_repos_joined`. Empty when the rule needs no reach.
pub fn reach_join(viewer: &Viewer) -> String {
    match viewer.signed_in() {
        Some(id) if !viewer.is_admin => {
            format!(" LEFT JOIN repo_reach x ON x.user_id = {id} AND x.repo_id = r.id")
        }
        _ => String::new(),
    }
}

/// `readable_repos` for a query that joined `reach_join`: a join probes the reach per
/// row, where `EXISTS` under `OR` makes PostgreSQL hash the caller's whole reach (20,000
/// rows for a member of 50 organisations) on every query. For small row sets (keyword
/// matches); walks over many rows keep the `EXISTS` form.
pub fn readable_repos_joined(viewer: &Viewer) -> String {
    match viewer.signed_in() {
        Some(_) if !viewer.is_admin => format!(
            "((r.is_private = 0 AND {}) OR x.repo_id IS NOT NULL)",
            visible_accounts(viewer, "o")
        ),
        _ => readable_repos(viewer),
    }
}

/// Repositories `uid` owns or works on: their own, collaborations, team grants, and the
/// public repositories of organisations they belong to (Gitea's `/user/repos`).
pub fn related_repos(uid: i64) -> String {
    reached(uid)
}

/// A query giving `n`, how many repositories `readable_repos(viewer)` admits, without
/// enumerating them: public repositories summed over the owners the viewer sees, plus
/// what they reach beyond those (private ones, and public ones of owners they do not
/// see), each an index range. Three disjoint parts of the same rule.
pub fn readable_count(viewer: &Viewer) -> String {
    let public = format!(
        "SELECT CAST(COALESCE(SUM(a.num_public_repos), 0) AS BIGINT) FROM users a WHERE {}",
        visible_accounts(viewer, "a")
    );
    match viewer.signed_in() {
        None => format!("SELECT ({public}) AS n"),
        Some(_) if viewer.is_admin => "SELECT COUNT(*) AS n FROM repositories".to_string(),
        Some(id) => format!(
            "SELECT ({public})              + (SELECT COUNT(*) FROM repo_reach x WHERE x.user_id = {id} AND x.is_private = 1)              + (SELECT COUNT(*) FROM users a JOIN repo_reach x ON x.user_id = {id}                 AND x.is_private = 0 AND x.owner_id = a.id WHERE NOT {}) AS n",
            visible_accounts(viewer, "a")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn anonymous_and_public_only_see_public() {
        let anon = readable_repos(&Viewer::ANONYMOUS);
        let tok = readable_repos(&Viewer {
            user_id: Some(3),
            is_admin: true,
            restricted: false,
            public_only: true,
        });
        assert_eq!(anon, tok);
        assert!(anon.contains("is_private = 0"));
    }

    #[test]
    fn restricted_users_see_only_public_accounts_besides_their_own() {
        let v = Viewer {
            user_id: Some(7),
            is_admin: false,
            restricted: true,
            public_only: false,
        };
        assert!(visible_accounts(&v, "o").starts_with("(o.visibility <= 0 OR o.id = 7"));
    }
}
