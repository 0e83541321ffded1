//! Who may see and do what. This is the Rust half of the one visibility rule; the SQL
//! half (used by every listing) lives in `oxforge_store::visibility` and must say the same.

use crate::model::{RepoWithOwner, User, Visibility};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AccessMode {
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
}

/// The caller as visibility sees them (after sudo).
#[derive(Debug, Clone, Copy)]
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
}

/// May `viewer` see the account `owner` (profile, and as the owner of public repositories)?
pub fn can_see_owner(viewer: &Viewer, owner: &User) -> bool {
    match owner.visibility {
        Visibility::Public => true,
        Visibility::Limited => viewer.user_id.is_some() && !viewer.restricted,
        Visibility::Private => viewer.is_admin || viewer.user_id == Some(owner.id),
    }
}

/// The caller's access to a repository. `None` means the repository must look absent (404).
pub fn repo_access(viewer: &Viewer, r: &RepoWithOwner) -> AccessMode {
    let own = viewer.user_id == Some(r.repo.owner_id);
    if viewer.public_only {
        // A public-only token acts as the user on public data only.
        if r.repo.is_private || r.owner.visibility != Visibility::Public {
            return AccessMode::None;
        }
    }
    if viewer.is_admin || own {
        return AccessMode::Owner;
    }
    if !r.repo.is_private && can_see_owner(viewer, &r.owner) {
        return AccessMode::Read;
    }
    AccessMode::None
}
