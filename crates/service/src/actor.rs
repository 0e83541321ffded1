//! Who is acting, and how they proved it. Every front end (JSON API, smart HTTP, pages,
//! SSH) turns its credentials into an `Actor` through the service, and hands it to the use
//! cases, which decide permission for it. Only this crate constructs one.

use crate::Services;
use oxforge_core::access::Viewer;
use oxforge_core::model::User;
use oxforge_core::scope::{Category, Level, Scopes};
use oxforge_core::{Error, Result};
use std::net::IpAddr;
use std::sync::Arc;

/// How the acting user authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// The account's password (HTTP Basic).
    Password,
    /// A personal access token; `via_basic` when it came as a Basic credential.
    AccessToken { via_basic: bool },
    /// A signed-in web session.
    Session,
    /// An OAuth2 access token.
    OAuth2,
    /// A user's SSH key.
    SshKey { key_id: i64 },
    /// A process on the server itself acting for an account (the command line, seeding).
    Local,
    /// A repository's deploy key: reaches that repository only.
    DeployKey {
        key_id: i64,
        repo_id: i64,
        can_write: bool,
    },
}

/// Why an authenticated account may not act at all (every door refuses it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountBlock {
    /// Not activated, or an administrator prohibited signing in.
    Prohibited,
    /// An administrator requires a new password first.
    MustChangePassword,
}

/// The caller of a use case: anonymous, or a user with the way they authenticated and
/// the scopes their credential carries. After sudo, `user` is the impersonated account
/// and `sudo_by` the administrator who asked.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    user: Option<Arc<User>>,
    method: Option<AuthMethod>,
    scopes: Option<Scopes>,
    sudo_by: Option<i64>,
}

impl Actor {
    pub fn anonymous() -> Actor {
        Actor::default()
    }

    pub(crate) fn new(user: User, method: AuthMethod, scopes: Option<Scopes>) -> Actor {
        Actor {
            user: Some(Arc::new(user)),
            method: Some(method),
            scopes,
            sudo_by: None,
        }
    }

    pub fn user(&self) -> Option<&User> {
        self.user.as_deref()
    }

    pub fn user_id(&self) -> Option<i64> {
        self.user.as_ref().map(|u| u.id)
    }

    pub fn method(&self) -> Option<AuthMethod> {
        self.method
    }

    /// The credential's scopes; `None` for credentials that are not scope-limited
    /// (password, session) and for anonymous callers.
    pub fn scopes(&self) -> Option<Scopes> {
        self.scopes
    }

    /// The administrator who acts as `user` through sudo.
    pub fn sudo_by(&self) -> Option<i64> {
        self.sudo_by
    }

    /// The credential came as HTTP Basic (password, or a token in its place).
    pub fn via_basic(&self) -> bool {
        matches!(
            self.method,
            Some(AuthMethod::Password) | Some(AuthMethod::AccessToken { via_basic: true })
        )
    }

    /// Whether the account may act at all (the same rule for every door; each words it in
    /// its own way).
    pub fn blocked(&self) -> Option<AccountBlock> {
        let u = self.user()?;
        if !u.is_active || u.prohibit_login {
            return Some(AccountBlock::Prohibited);
        }
        u.must_change_password
            .then_some(AccountBlock::MustChangePassword)
    }

    /// A `public-only` token: acts as the user on public data only.
    pub fn is_public_only(&self) -> bool {
        self.scopes.is_some_and(|s| s.public_only)
    }

    /// The caller as the visibility rule sees them.
    pub fn viewer(&self) -> Viewer {
        Viewer::of(self.user(), self.is_public_only())
    }

    /// Gitea's `reqToken`: any signed-in caller.
    pub fn require_user(&self) -> Result<&User> {
        self.user()
            .ok_or_else(|| Error::unauthorized("token is required"))
    }

    /// Gitea's `reqSiteAdmin`.
    pub fn require_admin(&self) -> Result<&User> {
        let u = self.require_user()?;
        if !u.is_admin {
            return Err(Error::forbidden("user should be the site admin"));
        }
        Ok(u)
    }

    /// The credential's scopes allow `level` on every one of `cats` (credentials without
    /// scopes allow everything their user may do).
    pub fn require_scope(&self, cats: &[Category], level: Level) -> Result<()> {
        match self.scopes {
            Some(s) => s.require(cats, level),
            None => Ok(()),
        }
    }
}

impl Services {
    /// The actor a personal access token stands for, or `None` when it is no live token.
    /// A stored scope that does not parse grants nothing (fail closed).
    pub async fn actor_by_token(&self, raw: &str, via_basic: bool) -> Result<Option<Actor>> {
        let Some((t, user)) = self.authenticate_token(raw).await? else {
            return Ok(None);
        };
        let scopes = Scopes::parse(&t.scope).unwrap_or_else(|bad| {
            tracing::warn!(token = t.id, scope = %bad, "stored token scope does not parse; it grants nothing");
            Scopes::none()
        });
        Ok(Some(Actor::new(
            user,
            AuthMethod::AccessToken { via_basic },
            Some(scopes),
        )))
    }

    /// The actor for a login name (or e-mail) and password, or `None` when they do not
    /// match. `from` is the client's address when the door knows it (the login throttle
    /// counts failures per address too).
    pub async fn actor_by_password(
        &self,
        login: &str,
        password: &str,
        from: Option<IpAddr>,
    ) -> Result<Option<Actor>> {
        Ok(self
            .authenticate_password(login, password, from)
            .await?
            .map(|u| Actor::new(u, AuthMethod::Password, None)))
    }

    /// The command line's door: acts as the named account, unscoped. Only code running on
    /// the server itself (the CLI, benchmarks) has this door.
    pub async fn local_actor(&self, name: &str) -> Result<Actor> {
        let user = self.account(name).await?;
        Ok(Actor::new(user, AuthMethod::Local, None))
    }

    /// Sudo: an administrator acts as `target`. The credential (and its scopes) stays the
    /// administrator's; only the account changes.
    pub async fn sudo(&self, actor: Actor, target: &str) -> Result<Actor> {
        let Some(admin) = actor.user().filter(|u| u.is_admin) else {
            return Err(Error::forbidden("Only administrators allowed to sudo."));
        };
        let admin_id = admin.id;
        let user = self
            .store
            .user_by_name(target)
            .await?
            .ok_or_else(Error::not_found)?;
        Ok(Actor {
            user: Some(Arc::new(user)),
            sudo_by: Some(admin_id),
            ..actor
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(change: impl FnOnce(&mut User)) -> Actor {
        let mut u = User::ghost();
        u.is_active = true;
        u.prohibit_login = false;
        change(&mut u);
        Actor::new(u, AuthMethod::Password, None)
    }

    #[test]
    fn blocked_accounts_are_one_rule() {
        assert_eq!(actor(|_| {}).blocked(), None);
        assert_eq!(Actor::anonymous().blocked(), None);
        assert_eq!(
            actor(|u| u.is_active = false).blocked(),
            Some(AccountBlock::Prohibited)
        );
        assert_eq!(
            actor(|u| u.prohibit_login = true).blocked(),
            Some(AccountBlock::Prohibited)
        );
        assert_eq!(
            actor(|u| u.must_change_password = true).blocked(),
            Some(AccountBlock::MustChangePassword)
        );
    }

    #[test]
    fn scopes_come_with_the_credential() {
        let a = Actor::new(
            User::ghost(),
            AuthMethod::AccessToken { via_basic: true },
            Some(Scopes::none()),
        );
        assert!(a.via_basic());
        assert!(a.is_public_only());
        assert!(a
            .require_scope(&[Category::Repository], Level::Read)
            .is_err());
        let p = actor(|_| {});
        assert!(p.require_scope(&[Category::Admin], Level::Write).is_ok());
    }
}
