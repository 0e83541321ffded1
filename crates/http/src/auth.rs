//! Who is calling: every credential form Gitea accepts, account-state checks and sudo.
//! The result is a `Caller` in the request's extensions.

use crate::client::client_addr;
use crate::error::ApiError;
use crate::nul::without_nul_char;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use oxforge_core::Error;
use oxforge_service::{AccountBlock, Actor};

const QUERY_TOKEN_WARNING: &str = "token and access_token API authentication is deprecated and will be removed in gitea 1.23. Please use AuthorizationHeaderToken instead. Existing queries will continue to work but without authorization.";
const BAD_CREDENTIALS: &str = "invalid username, password or token";

/// The actor of this request (after sudo), as the service established it.
#[derive(Clone, Default)]
pub struct Caller(pub Actor);

impl std::ops::Deref for Caller {
    type Target = Actor;
    fn deref(&self) -> &Actor {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Caller>()
            .cloned()
            .unwrap_or_default())
    }
}

/// What every API handler starts from: the application state and the request's actor.
pub struct Door {
    pub st: AppState,
    pub caller: Caller,
}

impl FromRequestParts<AppState> for Door {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Door {
            st: st.clone(),
            caller: Caller::from_request_parts(parts, st).await?,
        })
    }
}

fn query_param(query: Option<&str>, key: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, v)| k == key && !v.is_empty())
        .map(|(_, v)| v.into_owned())
}

/// `Authorization: token X` / `bearer X` (exactly two words).
fn header_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let parts: Vec<&str> = value.split_whitespace().collect();
    match parts.as_slice() {
        [scheme, tok]
            if scheme.eq_ignore_ascii_case("token") || scheme.eq_ignore_ascii_case("bearer") =>
        {
            Some(tok.to_string())
        }
        _ => None,
    }
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, pass) = text.split_once(':')?;
    Some((without_nul_char(user), without_nul_char(pass)))
}

/// Resolves the credentials of one request. `Ok(None)` = anonymous.
pub(crate) async fn resolve(st: &AppState, parts: &Parts) -> Result<Option<Actor>, Error> {
    let svc = &st.svc;
    let mut failed = false;
    let query = parts.uri.query();
    let mut token = None;
    if !st.cfg.security.disable_query_auth_token {
        token = query_param(query, "token").or_else(|| query_param(query, "access_token"));
    }
    if token.is_none() {
        token = header_token(&parts.headers);
    }
    if let Some(raw) = token {
        match svc.actor_by_token(&raw, false).await? {
            Some(actor) => return Ok(Some(actor)),
            None => failed = true,
        }
    }
    if let Some((name, pass)) = basic_credentials(&parts.headers) {
        let as_token = if pass.is_empty() || pass == "x-oauth-basic" {
            &name
        } else {
            &pass
        };
        if let Some(actor) = svc.actor_by_token(as_token, true).await? {
            return Ok(Some(actor));
        }
        if !pass.is_empty() {
            let from = client_addr(&st.cfg, parts);
            if let Some(actor) = svc.actor_by_password(&name, &pass, from).await? {
                return Ok(Some(actor));
            }
        }
        failed = true;
    }
    if failed {
        return Err(Error::unauthorized(BAD_CREDENTIALS));
    }
    Ok(None)
}

/// Account states that refuse every API call, in Gitea's words (with `url`, as every
/// error body: decisions.md).
pub(crate) fn check_account(st: &AppState, actor: &Actor) -> Result<(), Error> {
    match actor.blocked() {
        None => Ok(()),
        Some(AccountBlock::Prohibited) => Err(Error::forbidden(
            "This account is prohibited from signing in, please contact your site administrator.",
        )),
        Some(AccountBlock::MustChangePassword) => Err(Error::forbidden(format!(
            "You must change your password. Change it at: {}user/change_password",
            st.cfg.root_url
        ))),
    }
}

fn sudo_target(parts: &Parts) -> Option<String> {
    query_param(parts.uri.query(), "sudo").or_else(|| {
        parts
            .headers
            .get("sudo")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .map(without_nul_char)
    })
}

/// Middleware: authenticates, checks the account, applies sudo.
pub async fn authenticate(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let used_query_token = {
        let q = parts.uri.query();
        q.is_some_and(|_| {
            query_param(q, "token").is_some() || query_param(q, "access_token").is_some()
        })
    };
    let result = async {
        let mut actor = Actor::anonymous();
        if let Some(a) = resolve(&st, &parts).await? {
            check_account(&st, &a)?;
            actor = a;
        }
        if let Some(target) = sudo_target(&parts) {
            actor = st.svc.sudo(actor, &target).await?;
        }
        Ok::<_, Error>(Caller(actor))
    }
    .await;
    let mut res = match result {
        Ok(caller) => {
            parts.extensions.insert(caller);
            next.run(Request::from_parts(parts, body)).await
        }
        Err(e) => ApiError(e).into_response(),
    };
    if used_query_token {
        res.headers_mut().insert(
            "x-gitea-warning",
            HeaderValue::from_static(QUERY_TOKEN_WARNING),
        );
    }
    res
}
