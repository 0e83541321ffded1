//! Who is calling: every credential form Gitea accepts, account-state checks and sudo.
//! The result is a `Caller` in the request's extensions.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use oxforge_core::access::Viewer;
use oxforge_core::model::User;
use oxforge_core::scope::Scopes;
use oxforge_core::Error;
use std::sync::Arc;

const QUERY_TOKEN_WARNING: &str = "token and access_token API authentication is deprecated and will be removed in gitea 1.23. Please use AuthorizationHeaderToken instead. Existing queries will continue to work but without authorization.";
const BAD_CREDENTIALS: &str = "invalid username, password or token";

/// The authenticated caller (after sudo), or anonymous.
#[derive(Clone, Default)]
pub struct Caller {
    pub user: Option<Arc<User>>,
    /// Set when a token authenticated the request: its scopes apply.
    pub scopes: Option<Scopes>,
    /// The credential arrived through HTTP Basic (password or token).
    pub basic: bool,
}

impl Caller {
    pub fn viewer(&self) -> Viewer {
        Viewer::of(
            self.user.as_deref(),
            self.scopes.is_some_and(|s| s.public_only),
        )
    }

    /// Gitea's `reqToken`: any signed-in caller.
    pub fn require_user(&self) -> Result<&User, ApiError> {
        self.user
            .as_deref()
            .ok_or_else(|| Error::unauthorized("token is required").into())
    }

    /// Gitea's `reqSiteAdmin`.
    pub fn require_admin(&self) -> Result<&User, ApiError> {
        let u = self.require_user()?;
        if !u.is_admin {
            return Err(Error::forbidden("user should be the site admin").into());
        }
        Ok(u)
    }

    pub fn is_public_only(&self) -> bool {
        self.scopes.is_some_and(|s| s.public_only)
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
    Some((user.to_string(), pass.to_string()))
}

/// Resolves the credentials of one request. `Ok(None)` = anonymous.
pub(crate) async fn resolve(
    st: &AppState,
    parts: &Parts,
) -> Result<Option<(User, Option<Scopes>, bool)>, Error> {
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
        match svc.authenticate_token(&raw).await? {
            Some((t, user)) => {
                let scopes = Scopes::parse(&t.scope).unwrap_or_else(|_| Scopes::all());
                return Ok(Some((user, Some(scopes), false)));
            }
            None => failed = true,
        }
    }
    if let Some((name, pass)) = basic_credentials(&parts.headers) {
        let as_token = if pass.is_empty() || pass == "x-oauth-basic" {
            &name
        } else {
            &pass
        };
        if let Some((t, user)) = svc.authenticate_token(as_token).await? {
            let scopes = Scopes::parse(&t.scope).unwrap_or_else(|_| Scopes::all());
            return Ok(Some((user, Some(scopes), true)));
        }
        if !pass.is_empty() {
            if let Some(user) = svc.authenticate_password(&name, &pass).await? {
                return Ok(Some((user, None, true)));
            }
        }
        failed = true;
    }
    if failed {
        return Err(Error::unauthorized(BAD_CREDENTIALS));
    }
    Ok(None)
}

/// Account states that refuse every API call (Gitea's bodies carry no `url`).
pub(crate) fn check_account(st: &AppState, user: &User) -> Result<(), Error> {
    if !user.is_active || user.prohibit_login {
        return Err(Error::forbidden(
            "This account is prohibited from signing in, please contact your site administrator.",
        )
        .without_url());
    }
    if user.must_change_password {
        return Err(Error::forbidden(format!(
            "You must change your password. Change it at: {}/user/change_password",
            st.cfg.root_url
        ))
        .without_url());
    }
    Ok(())
}

async fn apply_sudo(st: &AppState, parts: &Parts, caller: &mut Caller) -> Result<(), Error> {
    let target = query_param(parts.uri.query(), "sudo").or_else(|| {
        parts
            .headers
            .get("sudo")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .map(String::from)
    });
    let Some(target) = target else {
        return Ok(());
    };
    if !caller.user.as_ref().is_some_and(|u| u.is_admin) {
        return Err(Error::forbidden("Only administrators allowed to sudo.").without_url());
    }
    let user = st
        .svc
        .store
        .user_by_name(&target)
        .await?
        .ok_or_else(Error::not_found)?;
    caller.user = Some(Arc::new(user));
    Ok(())
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
        let mut caller = Caller::default();
        if let Some((user, scopes, basic)) = resolve(&st, &parts).await? {
            check_account(&st, &user)?;
            caller = Caller {
                user: Some(Arc::new(user)),
                scopes,
                basic,
            };
        }
        apply_sudo(&st, &parts, &mut caller).await?;
        Ok::<_, Error>(caller)
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
