//! Who may see and do what. This is the Rust half of the one visibility rule; the SQL
//! half (used by every listing) lives in `oxforge_store::visibility` and must say the same.
//! Both read the same facts: ownership, collaborations, team grants and org membership.

use crate::model::{RepoWithOwner, User, Visibility};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum AccessMode {
    #[default]
    None = 0,
    Read = 1,
    Write = 2,
    Admin = 3,
    Owner = 4,
}

/// The `permissions` object of a Repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permission {
    pub admin: bool,
    pub push: bool,
    pub pull: bool,
}

impl AccessMode {
    pub fn permission(self, has_code: bool) -> Permission {
        Permission {
            admin: self >= AccessMode::Admin,
            push: has_code && self >= AccessMode::Write,
            pull: has_code && self >= AccessMode::Read,
        }
    }

    pub fn from_i64(v: i64) -> AccessMode {
        match v {
            1 => AccessMode::Read,
            2 => AccessMode::Write,
            3 => AccessMode::Admin,
            v if v >= 4 => AccessMode::Owner,
            _ => AccessMode::None,
        }
    }

    pub fn as_i64(self) -> i64 {
        self as i64
    }

    /// Gitea's names: `none`, `read`, `write`, `admin`, `owner`.
    pub fn name(self) -> &'static str {
        match self {
            AccessMode::None => "none",
            AccessMode::Read => "read",
            AccessMode::Write => "write",
            AccessMode::Admin => "admin",
            AccessMode::Owner => "owner",
        }
    }

    pub fn parse(s: &str) -> Option<AccessMode> {
        Some(match s {
            "none" => AccessMode::None,
            "read" => AccessMode::Read,
            "write" => AccessMode::Write,
            "admin" => AccessMode::Admin,
            "owner" => AccessMode::Owner,
            _ => return None,
        })
    }
}

/// The caller as visibility sees them (after sudo).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: Option<i64>,
    pub is_admin: bool,
    pub restricted: bool,
    /// A `public-only` token: sees only what an anonymous caller would.
    pub public_only: bool,
}

impl Viewer {
    pub const ANONYMOUS: Viewer = Viewer {
        user_id: None,
        is_admin: false,
        restricted: false,
        public_only: false,
    };

    pub fn of(user: Option<&User>, public_only: bool) -> Viewer {
        match user {
            Some(u) => Viewer {
                user_id: Some(u.id),
                is_admin: u.is_admin,
                restricted: u.restricted,
                public_only,
            },
            None => Viewer::ANONYMOUS,
        }
    }

    /// Whether listings should behave as for an anonymous caller.
    pub fn sees_public_only(&self) -> bool {
        self.user_id.is_none() || self.public_only
    }

    /// Signed in and not limited to public data by the token.
    pub fn signed_in(&self) -> Option<i64> {
        self.user_id.filter(|_| !self.public_only)
    }
}

/// What the database knows about one viewer and one repository, beyond the rows themselves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Grants {
    /// Collaboration mode (read/write/admin), `None` when not a collaborator.
    pub collaboration: AccessMode,
    /// The highest code mode of the viewer's teams that reach the repository.
    pub team: AccessMode,
    /// The viewer is a member of the owning organisation.
    pub org_member: bool,
}

/// May `viewer` see the account `owner` (profile, and as the owner of public repositories)?
/// `member`: the viewer belongs to the organisation `owner`.
pub fn can_see_owner(viewer: &Viewer, owner: &User, member: bool) -> bool {
    if viewer.public_only {
        return owner.visibility == Visibility::Public;
    }
    if viewer.is_admin || member || viewer.user_id == Some(owner.id) {
        return true;
    }
    match owner.visibility {
        Visibility::Public => true,
        Visibility::Limited => viewer.user_id.is_some() && !viewer.restricted,
        Visibility::Private => false,
    }
}

/// The caller's access to a repository. `None` means the repository must look absent (404).
pub fn repo_access(viewer: &Viewer, r: &RepoWithOwner, g: &Grants) -> AccessMode {
    if viewer.public_only {
        // A public-only token acts as the user on public data only.
        if !r.is_public() {
            return AccessMode::None;
        }
    }
    if viewer.is_admin || viewer.user_id == Some(r.repo.owner_id) {
        return AccessMode::Owner;
    }
    // Explicit grants hold even where the owner is hidden (a collaborator on a private
    // organisation's repository); team members are members, so they see the owner anyway.
    let explicit = g.collaboration.max(g.team);
    if !r.repo.is_private && can_see_owner(viewer, &r.owner, g.org_member) {
        return explicit.max(AccessMode::Read);
    }
    explicit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_round_trip_by_name_and_number() {
        for m in [
            AccessMode::None,
            AccessMode::Read,
            AccessMode::Write,
            AccessMode::Admin,
            AccessMode::Owner,
        ] {
            assert_eq!(AccessMode::parse(m.name()), Some(m));
            assert_eq!(AccessMode::from_i64(m.as_i64()), m);
        }
        assert_eq!(AccessMode::parse("Write"), None);
    }

    #[test]
    fn permission_needs_the_code_unit() {
        let p = AccessMode::Owner.permission(false);
        assert!(p.admin && !p.push && !p.pull);
        let p = AccessMode::Write.permission(true);
        assert!(!p.admin && p.push && p.pull);
    }
}
