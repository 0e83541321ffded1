//! The SQL half of the one visibility rule (`oxforge_core::access::repo_access` is the Rust
//! half). Every listing, search and count of repositories filters through `readable_repos`,
//! so privacy cannot drift between endpoints. Aliases: `r` = repositories, `o` = owner.

use oxforge_core::access::Viewer;

/// A boolean SQL expression true for the repositories `viewer` may read.
/// Only integers from our own records are spliced in, never client text.
pub fn readable_repos(viewer: &Viewer) -> String {
    let public = "(r.is_private = 0 AND o.visibility = 0)".to_string();
    match viewer.user_id {
        None => public,
        Some(_) if viewer.public_only => public,
        Some(_) if viewer.is_admin => "1 = 1".to_string(),
        Some(id) if viewer.restricted => {
            format!("(r.owner_id = {id} OR (r.is_private = 0 AND o.visibility = 0))")
        }
        Some(id) => format!("(r.owner_id = {id} OR (r.is_private = 0 AND o.visibility <= 1))"),
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
}
