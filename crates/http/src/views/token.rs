//! Gitea's `AccessToken` (a superset of Gogs' `{name, sha1}`).

use oxforge_core::model::AccessToken;
use oxforge_core::scope::Scopes;
use oxforge_core::time::{rfc3339, rfc3339_or_zero};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AccessToken)]
pub struct AccessTokenJson {
    pub id: i64,
    pub name: String,
    /// The plaintext token on creation only; `""` afterwards.
    pub sha1: String,
    pub token_last_eight: String,
    pub scopes: Vec<String>,
    pub created_at: String,
    pub last_used_at: String,
    /// oxforge extension: when the token stops working (absent = never).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

pub fn token_json(t: &AccessToken, plaintext: Option<&str>) -> AccessTokenJson {
    AccessTokenJson {
        id: t.id,
        name: t.name.clone(),
        sha1: plaintext.unwrap_or_default().to_string(),
        token_last_eight: t.token_last_eight.clone(),
        scopes: Scopes::parse(&t.scope)
            .map(|s| s.list())
            .unwrap_or_default(),
        created_at: rfc3339(t.created_unix),
        last_used_at: rfc3339_or_zero(t.last_used_unix),
        expires_at: (t.expires_unix != 0).then(|| rfc3339(t.expires_unix)),
    }
}
