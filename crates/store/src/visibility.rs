//! The SQL half of the one visibility rule (`oxforge_core::access::repo_access` is the Rust
//! half). Every listing, search and count of repositories filters through `readable_repos`,
//! and every listing of accounts through `visible_accounts`, so privacy cannot drift
//! between endpoints. Aliases: `r` = repositories, `o` = owner.
//!
//! The sub-selects are uncorrelated (one per query, not per row): both databases evaluate
//! them once into a hashed set, and they read the membership tables as they are now, so a
//! change in membership is effective on the next request.

use oxforge_core::access::Viewer;

/// Organisations `uid` belongs to.
fn member_orgs(uid: i64) -> String {
    format!("(SELECT mo.org_id FROM org_users mo WHERE mo.user_id = {uid})")
}

/// Organisations in which `uid` is in a team that includes all repositories.
fn all_repo_orgs(uid: i64) -> String {
    format!(
        "(SELECT t.org_id FROM teams t JOIN team_users tu ON tu.team_id = t.id \
         WHERE tu.user_id = {uid} AND t.includes_all_repos = 1)"
    )
}

/// Repositories `uid` reaches through a collaboration or a team. The per-repository
/// grants are probes by repository id (indexed), not sets built per query: a member of
/// many teams may reach tens of thousands of repositories.
fn granted_repos(uid: i64) -> String {
    format!(
        "(r.owner_id IN {} \
         OR EXISTS (SELECT 1 FROM team_repos tr JOIN team_users tu ON tu.team_id = tr.team_id \
                    WHERE tr.repo_id = r.id AND tu.user_id = {uid}) \
         OR EXISTS (SELECT 1 FROM collaborations c WHERE c.repo_id = r.id AND c.user_id = {uid}))",
        all_repo_orgs(uid)
    )
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

/// A boolean SQL expression true for the repositories `viewer` may read.
pub fn readable_repos(viewer: &Viewer) -> String {
    let public = format!("(r.is_private = 0 AND {})", visible_accounts(viewer, "o"));
    match viewer.signed_in() {
        None => public,
        Some(_) if viewer.is_admin => "1 = 1".to_string(),
        Some(id) => format!("(r.owner_id = {id} OR {public} OR {})", granted_repos(id)),
    }
}

/// Repositories `uid` owns or works on: their own, collaborations, team grants, and the
/// public repositories of organisations they belong to (Gitea's `/user/repos`).
pub fn related_repos(uid: i64) -> String {
    format!(
        "(r.owner_id = {uid} OR {} OR (r.is_private = 0 AND r.owner_id IN {}))",
        granted_repos(uid),
        member_orgs(uid)
    )
}

/// The repositories `uid` owns or is granted (teams, collaborations), as `UNION` parts.
fn own_and_granted_parts(uid: i64) -> String {
    format!(
        "SELECT id FROM repositories WHERE owner_id = {uid} \
         UNION SELECT id FROM repositories WHERE owner_id IN {all} \
         UNION SELECT tr.repo_id FROM team_repos tr JOIN team_users tu ON tu.team_id = tr.team_id WHERE tu.user_id = {uid} \
         UNION SELECT c.repo_id FROM collaborations c WHERE c.user_id = {uid}",
        all = all_repo_orgs(uid)
    )
}

/// The ids of `related_repos(uid)` as one set, each part read from an index alone: counts
/// the related repositories without touching their rows.
pub fn related_repo_ids(uid: i64) -> String {
    format!(
        "({} UNION SELECT id FROM repositories WHERE is_private = 0 AND owner_id IN {})",
        own_and_granted_parts(uid),
        member_orgs(uid)
    )
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
