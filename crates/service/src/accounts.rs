//! Accounts: creation, password checks, admin edits, deletion.

use crate::actor::Actor;
use crate::throttle::{Account, Address};
use crate::Services;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash as Phc, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use oxforge_core::model::{PasswordHash, User, Visibility};
use oxforge_core::names::{is_valid_email, validate_username};
use oxforge_core::{Error, Result};
use oxforge_store::{NewUser, UserUpdate};
use std::net::IpAddr;

/// Hashes a password as an argon2id PHC string (off the async threads: it is slow on purpose).
pub async fn hash_password(password: &str) -> Result<PasswordHash> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| PasswordHash::new(h.to_string()))
            .map_err(|_| Error::internal("password hashing failed"))
    })
    .await
    .map_err(|_| Error::internal("password hashing failed"))?
}

pub async fn verify_password(password: &str, phc: &PasswordHash) -> bool {
    if phc.is_empty() {
        return false;
    }
    let (password, phc) = (password.to_string(), phc.as_str().to_string());
    tokio::task::spawn_blocking(move || {
        Phc::new(&phc)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

#[derive(Debug, Clone, Default)]
pub struct CreateUser {
    pub username: String,
    pub email: String,
    pub password: String,
    pub full_name: String,
    pub login_name: String,
    pub source_id: i64,
    pub must_change_password: bool,
    pub is_admin: bool,
    pub restricted: bool,
    pub visibility: Visibility,
    pub created_unix: Option<i64>,
}

/// An admin's edit of a user; `None` = unchanged.
#[derive(Debug, Clone, Default)]
pub struct EditUser {
    pub email: Option<String>,
    pub password: Option<String>,
    pub fields: UserUpdate,
}

impl Services {
    pub async fn create_user(&self, c: CreateUser) -> Result<User> {
        validate_username(&c.username)?;
        if !is_valid_email(&c.email) {
            return Err(Error::validation(format!(
                "e-mail invalid [email: {}]",
                c.email
            )));
        }
        if c.password.chars().count() < self.settings.security.min_password_length {
            return Err(Error::bad_request("PasswordIsRequired"));
        }
        if c.password.len() > 255 {
            return Err(Error::validation("[Password]: MaxSize"));
        }
        if c.full_name.chars().count() > 100 {
            return Err(Error::validation("[FullName]: MaxSize"));
        }
        if self.store.user_by_name(&c.username).await?.is_some() {
            return Err(Error::validation(format!(
                "user already exists [name: {}]",
                c.username
            )));
        }
        if self.store.user_by_email(&c.email).await?.is_some() {
            return Err(Error::validation(format!(
                "e-mail already in use [email: {}]",
                c.email
            )));
        }
        let passwd_hash = hash_password(&c.password).await?;
        let login_name = if c.login_name.is_empty() {
            c.username.clone()
        } else {
            c.login_name.clone()
        };
        self.store
            .insert_user(&NewUser {
                name: c.username.clone(),
                full_name: c.full_name,
                email: c.email,
                passwd_hash,
                must_change_password: c.must_change_password,
                login_name,
                source_id: c.source_id,
                is_admin: c.is_admin,
                restricted: c.restricted,
                visibility: c.visibility,
                created_unix: c.created_unix.unwrap_or_else(oxforge_core::time::now),
            })
            .await
            .map_err(|e| {
                // Lost a race with a concurrent create of the same name or e-mail.
                if e.is(oxforge_core::ErrorKind::Conflict) {
                    Error::validation(format!("user already exists [name: {}]", c.username))
                } else {
                    e
                }
            })
    }

    /// Password sign-in by login name or e-mail, from the client at `from` when the door
    /// knows it. `None` when the pair does not match. Repeated failures for one account
    /// (by any of its names) or from one address are answered more and more slowly, and
    /// checks of one account run one at a time (crate::throttle).
    pub async fn authenticate_password(
        &self,
        login: &str,
        password: &str,
        from: Option<IpAddr>,
    ) -> Result<Option<User>> {
        let address = from.map(Address::of);
        let (_turn, account, user) = self
            .login_throttle
            .turn(address, || async {
                let user = self.user_by_login(login).await?;
                let account = match &user {
                    Some(u) => Account::User(u.id),
                    None => Account::Unknown(login.to_lowercase()),
                };
                Ok((account, user))
            })
            .await?;
        let found = match user {
            Some(u) => self.check_password(u, password).await?,
            None => None,
        };
        match &found {
            Some(_) => self.login_throttle.succeeded(&account),
            None => self.login_throttle.failed(&account, address),
        }
        Ok(found)
    }

    /// The account a login name or e-mail names (organisations cannot sign in).
    async fn user_by_login(&self, login: &str) -> Result<Option<User>> {
        let user = if login.contains('@') {
            self.store.user_by_email(login).await?
        } else {
            self.store.user_by_name(login).await?
        };
        Ok(user.filter(|u| !u.is_org()))
    }

    async fn check_password(&self, user: User, password: &str) -> Result<Option<User>> {
        let Some(hash) = self.store.password_hash(user.id).await? else {
            return Ok(None);
        };
        if verify_password(password, &hash).await {
            Ok(Some(user))
        } else {
            Ok(None)
        }
    }

    pub async fn edit_user(&self, user: &User, e: EditUser) -> Result<User> {
        let mut up = e.fields;
        if let Some(email) = e.email.filter(|m| !m.is_empty()) {
            if !is_valid_email(&email) {
                return Err(Error::validation(format!(
                    "e-mail invalid [email: {email}]"
                )));
            }
            if let Some(other) = self.store.user_by_email(&email).await? {
                if other.id != user.id {
                    return Err(Error::validation(format!(
                        "e-mail already in use [email: {email}]"
                    )));
                }
            }
            up.email = Some(email);
        }
        if let Some(pw) = e.password.filter(|p| !p.is_empty()) {
            if pw.chars().count() < self.settings.security.min_password_length {
                return Err(Error::bad_request("PasswordIsRequired"));
            }
            up.passwd_hash = Some(hash_password(&pw).await?);
        }
        if up
            .full_name
            .as_ref()
            .is_some_and(|n| n.chars().count() > 100)
        {
            return Err(Error::validation("[FullName]: MaxSize"));
        }
        self.store.update_user(user.id, &up).await?;
        self.store
            .user_by_id(user.id)
            .await?
            .ok_or_else(Error::not_found)
    }

    /// Deletes a user. With `purge` their repositories go too; without, owning any is refused.
    pub async fn delete_user(&self, actor: &Actor, user: &User, purge: bool) -> Result<()> {
        // An organisation must keep an owner.
        if !self.store.orgs_solely_owned_by(user.id).await?.is_empty() {
            return Err(Error::validation(format!(
                "user is the last member of owner team [uid: {}]",
                user.id
            )));
        }
        let repos = self.store.repos_owned_by(user.id).await?;
        if !repos.is_empty() && !purge {
            return Err(Error::validation(format!(
                "user still has ownership of repositories [uid: {}]",
                user.id
            )));
        }
        for r in repos {
            self.remove_repo(actor, &r).await?;
        }
        self.store.delete_user(user.id).await
    }
}
