//! Request bodies as Gitea's binder takes them: JSON or url-encoded form, size-limited.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use oxforge_core::{Error, ErrorKind};
use serde::de::DeserializeOwned;

/// A decoded request body.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Self::Rejection> {
        let ctype = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let bytes = axum::body::to_bytes(req.into_body(), st.cfg.server.max_request_body_bytes)
            .await
            .map_err(|e| {
                if crate::limits::body_stalled(&e) {
                    return Error::new(
                        ErrorKind::RequestTimeout,
                        "request body not received in time",
                    );
                }
                Error::new(
                    ErrorKind::PayloadTooLarge,
                    format!(
                        "request body larger than {} bytes",
                        st.cfg.server.max_request_body_bytes
                    ),
                )
            })?;
        let is_form = ctype.starts_with("application/x-www-form-urlencoded");
        let is_json = ctype.is_empty() || ctype.contains("json");
        if !is_form && !is_json {
            return Err(Error::new(
                ErrorKind::UnsupportedMediaType,
                format!("Unsupported Content-Type: {ctype}"),
            )
            .into());
        }
        let value = if is_form {
            if form_urlencoded::parse(&bytes).any(|(k, v)| k.contains('\0') || v.contains('\0')) {
                return Err(nul_refused().into());
            }
            serde_urlencoded::from_bytes(&bytes)
                .map_err(|e| Error::validation(format!("invalid form body: {e}")))?
        } else {
            let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
                b"{}"
            } else {
                &bytes
            };
            // Read as a document first: one look for NUL in every string, and duplicate
            // keys keep the last value everywhere (as Go's decoder, so as Gitea).
            let doc: serde_json::Value = serde_json::from_slice(text)
                .map_err(|e| Error::validation(format!("invalid JSON body: {e}")))?;
            if has_nul(&doc) {
                return Err(nul_refused().into());
            }
            serde_json::from_value(doc)
                .map_err(|e| Error::validation(format!("invalid JSON body: {e}")))?
        };
        Ok(Body(value))
    }
}

/// Text with NUL is refused everywhere (PostgreSQL cannot store it, and no name, title or
/// body needs it): one rule for both databases.
fn nul_refused() -> Error {
    Error::validation("text must not contain NUL characters")
}

fn has_nul(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(a) => a.iter().any(has_nul),
        serde_json::Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}
