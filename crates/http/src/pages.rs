//! What the server answers outside the API and git: the front page (until a web interface
//! exists it says what this server is and where the API is) and generated account pictures.

use crate::paging::query_value;
use crate::state::{AppState, HttpConfig};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use oxforge_core::ErrorKind;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/avatars/{name}", get(avatar))
}

/// Text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn home_page(cfg: &HttpConfig) -> String {
    let root = escape(&cfg.root_url);
    let docs = if cfg.api.enable_swagger {
        format!(
            "<li><a href=\"{root}api/swagger\">API documentation</a> \
             (OpenAPI document: <a href=\"{root}swagger.v1.json\">swagger.v1.json</a>)</li>"
        )
    } else {
        String::new()
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>oxforge</title>\n</head>\n<body>\n<h1>oxforge</h1>\n\
         <p>A Gitea-compatible Git service, version {version}.</p>\n\
         <p>It serves Gitea's API v1 (answering as Gitea {compat}) at <code>{root}api/v1</code> \
         and Git over HTTP at <code>{root}<var>owner</var>/<var>repository</var>.git</code>. \
         It has no web interface yet.</p>\n<ul>\n{docs}\n\
         <li><a href=\"{root}api/v1/version\">API version</a></li>\n</ul>\n</body>\n</html>\n",
        version = escape(env!("CARGO_PKG_VERSION")),
        compat = escape(&cfg.version),
    )
}

/// `GET /`: what this server is, in HTML.
async fn home(State(st): State<AppState>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        home_page(&st.cfg),
    )
        .into_response()
}

/// `GET /avatars/{name}[?size=N]`: a generated picture (Gitea's path for stored avatars).
async fn avatar(State(st): State<AppState>, Path(name): Path<String>, uri: Uri) -> Response {
    let size = query_value(&uri, "size").and_then(|s| s.parse().ok());
    match st.svc.avatar_png(&name, size) {
        Ok(png) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                // The picture is a function of the URL alone: it never changes.
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            png,
        )
            .into_response(),
        Err(e) if e.kind == ErrorKind::NotFound => {
            (StatusCode::NOT_FOUND, "not found\n").into_response()
        }
        Err(e) => {
            tracing::error!(error = %e.message, "avatar not drawn");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal server error\n").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(root_url: &str, enable_swagger: bool) -> HttpConfig {
        let mut c = HttpConfig::for_tests(root_url);
        c.api.enable_swagger = enable_swagger;
        c
    }

    #[test]
    fn the_front_page_escapes_what_it_shows() {
        let page = home_page(&cfg("https://x.example/<b>\"'&/", true));
        assert!(page.contains("https://x.example/&lt;b&gt;&quot;&#39;&amp;/api/swagger"));
        assert!(!page.contains("<b>"));
        let page = home_page(&cfg("https://x.example/", false));
        assert!(!page.contains("swagger"));
        assert!(page.contains("href=\"https://x.example/api/v1/version\""));
    }
}
