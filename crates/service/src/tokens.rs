//! Personal access tokens: 40 hex chars from the OS CSPRNG, shown once, stored as SHA-256.

use crate::actor::{Actor, AuthMethod};
use crate::Services;
use oxforge_core::model::{AccessToken, User};
use oxforge_core::paging::Paging;
use oxforge_core::scope::Scopes;
use oxforge_core::{Error, Result};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// How stale `last_used_at` may get before a use writes it again; saves a write per request.
const TOUCH_INTERVAL_SECS: i64 = 60;

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn looks_like_token(s: &str) -> bool {
    s.len() == 40
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Services {
    /// Creates a token; returns the record and the plaintext (never stored).
    pub async fn create_token(
        &self,
        user: &User,
        name: &str,
        scopes: &Scopes,
        expires_unix: i64,
    ) -> Result<(AccessToken, String)> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::validation("[Name]: Required"));
        }
        if name.chars().count() > 255 {
            return Err(Error::validation("[Name]: MaxSize"));
        }
        if expires_unix != 0 && expires_unix <= oxforge_core::time::now() {
            return Err(Error::bad_request("expiry must be in the future"));
        }
        let mut bytes = [0u8; 20];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let plain = hex::encode(bytes);
        let last_eight = plain[32..].to_string();
        let token = self
            .store
            .insert_token(
                user.id,
                name,
                &hash_token(&plain),
                &last_eight,
                &scopes.normalized(),
                expires_unix,
            )
            .await
            .map_err(|e| {
                if e.is(oxforge_core::ErrorKind::Conflict) {
                    Error::bad_request("access token name has been used already")
                } else {
                    e
                }
            })?;
        Ok((token, plain))
    }

    /// The token's record and owner, or `None` for anything that is not a live token.
    pub async fn authenticate_token(&self, raw: &str) -> Result<Option<(AccessToken, User)>> {
        if !looks_like_token(raw) {
            return Ok(None);
        }
        let Some((token, user)) = self.store.token_by_hash(&hash_token(raw)).await? else {
            return Ok(None);
        };
        let now = oxforge_core::time::now();
        if token.expires_unix != 0 && token.expires_unix <= now {
            return Ok(None);
        }
        if now - token.last_used_unix >= TOUCH_INTERVAL_SECS {
            let store = self.store.clone();
            let id = token.id;
            // Off the request path: the answer does not depend on it.
            tokio::spawn(async move {
                if let Err(e) = store.touch_token(id, now).await {
                    tracing::warn!(error = %e, "could not record token use");
                }
            });
        }
        Ok(Some((token, user)))
    }

    /// The account whose tokens `actor` manages: themself, or anyone for a site admin,
    /// over HTTP Basic only (Gitea's guards, in this order).
    async fn token_owner(&self, actor: &Actor, name: &str) -> Result<User> {
        let user = self.visible_account(actor, name).await?;
        match actor.user() {
            Some(me) if me.id == user.id || me.is_admin => {}
            _ => {
                return Err(Error::forbidden(
                    "doer should be the site admin or be same as the contextUser",
                ))
            }
        }
        if !actor.via_basic() {
            return Err(Error::unauthorized("auth required"));
        }
        Ok(user)
    }

    pub async fn list_tokens(
        &self,
        actor: &Actor,
        owner: &str,
        paging: Option<Paging>,
    ) -> Result<(Vec<AccessToken>, i64)> {
        let user = self.token_owner(actor, owner).await?;
        self.store.list_tokens(user.id, paging).await
    }

    /// `POST /users/{owner}/tokens`; returns the record and the plaintext.
    pub async fn create_token_as(
        &self,
        actor: &Actor,
        owner: &str,
        name: &str,
        scopes: std::result::Result<Scopes, Error>,
        expires_unix: std::result::Result<i64, Error>,
    ) -> Result<(AccessToken, String)> {
        let user = self.token_owner(actor, owner).await?;
        // A token never mints tokens (it could widen its own scopes or outlive its
        // expiry), not even as a Basic password or through sudo: the password is required.
        if actor.method() != Some(AuthMethod::Password) {
            return Err(Error::unauthorized("auth required"));
        }
        if name.trim().is_empty() {
            return Err(Error::validation("[Name]: Required"));
        }
        self.create_token(&user, name, &scopes?, expires_unix?)
            .await
    }

    /// Deletes by numeric id, or by name (Gitea tries the name only for non-numbers; we
    /// also fall back to it when no token has that id, so a token named `111` can go).
    pub async fn delete_token(&self, actor: &Actor, owner: &str, id_or_name: &str) -> Result<()> {
        let user = self.token_owner(actor, owner).await?;
        if let Some(id) = parse_go_int(id_or_name).filter(|id| *id != 0) {
            match self.store.delete_token(user.id, id).await {
                Err(e) if e.is(oxforge_core::ErrorKind::NotFound) => {}
                other => return other,
            }
        }
        let found = self.store.tokens_by_name(user.id, id_or_name).await?;
        match found.as_slice() {
            [] => Err(Error::not_found()),
            [one] => self.store.delete_token(user.id, one.id).await,
            _ => Err(Error::validation(format!(
                "multiple matches for token name '{id_or_name}'"
            ))),
        }
    }

    /// Creates a token from the command line (`admin user generate-access-token`).
    pub async fn create_token_for(
        &self,
        username: &str,
        name: &str,
        scopes: &str,
    ) -> Result<String> {
        let user = self.store.user_by_name(username).await?.ok_or_else(|| {
            Error::not_found_msg(format!("user does not exist [name: {username}]"))
        })?;
        let scopes = Scopes::parse_request(&[scopes.to_string()])?;
        let (_, plain) = self.create_token(&user, name, &scopes, 0).await?;
        Ok(plain)
    }
}

/// Go's base-0 integer parsing: `12`, `0x1f`, `0o17`, `0b101`.
fn parse_go_int(s: &str) -> Option<i64> {
    let s = s.replace('_', "");
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, s.strip_prefix('+').unwrap_or(&s).to_string()),
    };
    let lower = body.to_ascii_lowercase();
    let v = if let Some(h) = lower.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()?
    } else if let Some(b) = lower.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()?
    } else if let Some(o) = lower.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()?
    } else if lower.len() > 1 && lower.starts_with('0') {
        i64::from_str_radix(&lower[1..], 8).ok()?
    } else {
        lower.parse().ok()?
    };
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn go_ints() {
        assert_eq!(parse_go_int("12"), Some(12));
        assert_eq!(parse_go_int("0x1f"), Some(31));
        assert_eq!(parse_go_int("mytoken"), None);
        assert_eq!(parse_go_int("0"), Some(0));
    }
    #[test]
    fn token_shape() {
        assert!(looks_like_token(&"a".repeat(40)));
        assert!(!looks_like_token(&"A".repeat(40)));
        assert!(!looks_like_token("abc"));
    }
}
