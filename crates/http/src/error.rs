//! Rendering of the one error type. A handler's `Err` becomes a bodiless response that
//! carries the error; `render_errors` (which knows ROOT_URL) writes the JSON body.

use crate::state::{AppState, HttpConfig};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use oxforge_core::{Error, ErrorKind};

pub struct ApiError(pub Error);

pub type ApiResult<T> = Result<T, ApiError>;

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.kind.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = status.into_response();
        res.extensions_mut().insert(self.0);
        res
    }
}

/// The error as its JSON answer (for the few places that answer before `render_errors`).
pub(crate) fn render(err: &Error, cfg: &HttpConfig) -> Response {
    let status =
        StatusCode::from_u16(err.kind.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(error_body(err, &cfg.swagger_url()))).into_response()
}

/// Writes `{"message","url"}` for every error response produced below it.
pub async fn render_errors(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if let Some(err) = res.extensions_mut().remove::<Error>() {
        let body = error_body(&err, &st.cfg.swagger_url());
        let mut out = (res.status(), axum::Json(body)).into_response();
        for (k, v) in res.headers() {
            if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
                out.headers_mut().append(k.clone(), v.clone());
            }
        }
        if err.kind == ErrorKind::RequestTimeout {
            // The rest of the body may still come: the connection cannot be reused.
            out.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        return out;
    }
    if res.status().is_client_error() || res.status().is_server_error() {
        let is_json = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return as_json_error(res, &st.cfg.swagger_url()).await;
        }
    }
    res
}

/// Rewrites an error answer made below the handlers (an extractor's rejection: a path
/// segment that does not parse, a body that is not UTF-8...) as the one error shape.
async fn as_json_error(res: Response, swagger_url: &str) -> Response {
    /// More than any rejection's text; the rest is not read.
    const KEEP: usize = 4096;
    let (parts, body) = res.into_parts();
    let status = parts.status;
    let text = axum::body::to_bytes(body, KEEP).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    let message = if status.is_server_error() || text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("error")
            .to_ascii_lowercase()
    } else {
        text
    };
    let body = ErrorBody {
        message,
        url: Some(swagger_url.to_string()),
        errors: (status == StatusCode::NOT_FOUND).then_some(None),
    };
    let mut out = (status, axum::Json(body)).into_response();
    for (k, v) in &parts.headers {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            out.headers_mut().append(k.clone(), v.clone());
        }
    }
    out
}

#[derive(serde::Serialize)]
pub struct ErrorBody {
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    /// Present (possibly null) on not-found answers only, as in Gitea.
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Option<Vec<String>>>,
}

pub fn error_body(err: &Error, swagger_url: &str) -> ErrorBody {
    ErrorBody {
        message: if err.kind == ErrorKind::Internal {
            // Details stay in the log.
            "internal server error".to_string()
        } else {
            err.message.clone()
        },
        url: Some(swagger_url.to_string()),
        errors: (err.kind == ErrorKind::NotFound).then(|| err.errors.clone()),
    }
}

/// Answers unknown API paths with a JSON 404.
pub async fn not_found() -> ApiError {
    ApiError(Error::not_found())
}

pub async fn method_not_allowed() -> ApiError {
    ApiError(Error::new(
        ErrorKind::MethodNotAllowed,
        "method not allowed",
    ))
}

/// `X-Content-Type-Options` and Gitea's cache headers on every API answer.
pub async fn api_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(
            "max-age=0, private, must-revalidate, no-transform",
        ));
    res
}
