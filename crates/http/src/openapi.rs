//! The OpenAPI document, generated from the routes that exist (every `/api/v1` route is
//! registered through `utoipa_axum`), and the pages that serve it.

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::{Config, SwaggerUi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "oxforge API",
        description = "The REST API of oxforge, shaped like Gitea's API v1 (and so usable by Gitea and Gogs clients). Authenticate with HTTP Basic, an access token in the `Authorization: token ...` header, or the `token`/`access_token` query parameters; site administrators may act as another user with `sudo`.",
        license(name = "MIT"),
    ),
    servers((url = "/api/v1")),
    modifiers(&SecuritySchemes),
    security(
        ("BasicAuth" = []),
        ("Token" = []),
        ("AccessToken" = []),
        ("AuthorizationHeaderToken" = []),
        ("SudoParam" = []),
        ("SudoHeader" = []),
        ("TOTPHeader" = [])
    ),
    tags(
        (name = "miscellaneous", description = "Server information"),
        (name = "settings", description = "Instance settings"),
        (name = "user", description = "Accounts and access tokens"),
        (name = "repository", description = "Repositories, branches and refs"),
        (name = "admin", description = "Site administration"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut Document) {
        let c = doc.components.get_or_insert_with(Default::default);
        let key = |kind: &str, name: &str, desc: &str| match kind {
            "query" => {
                SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(name, desc)))
            }
            _ => SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(name, desc))),
        };
        c.add_security_scheme(
            "BasicAuth",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Basic).build()),
        );
        c.add_security_scheme(
            "Token",
            key(
                "query",
                "token",
                "An access token in the query (can be turned off).",
            ),
        );
        c.add_security_scheme(
            "AccessToken",
            key(
                "query",
                "access_token",
                "An access token in the query (can be turned off).",
            ),
        );
        c.add_security_scheme(
            "AuthorizationHeaderToken",
            key(
                "header",
                "Authorization",
                "`token <access token>` or `bearer <access token>`.",
            ),
        );
        c.add_security_scheme(
            "SudoParam",
            key(
                "query",
                "sudo",
                "Site administrators: act as the named user.",
            ),
        );
        c.add_security_scheme(
            "SudoHeader",
            key(
                "header",
                "Sudo",
                "Site administrators: act as the named user.",
            ),
        );
        c.add_security_scheme(
            "TOTPHeader",
            key(
                "header",
                "X-GITEA-OTP",
                "One-time password for accounts with two-factor authentication.",
            ),
        );
    }
}

/// `/swagger.v1.json`, `/openapi3.v1.json` and the Swagger UI at `/api/swagger`, all
/// served from the binary (the UI's files are vendored: no CDN). The document is
/// serialised once and the tree dropped: kept as a tree (twice) it held ~2 MiB of an
/// idle server.
pub fn doc_routes(doc: Document) -> Router {
    let json =
        bytes::Bytes::from(serde_json::to_vec(&doc).expect("the OpenAPI document serialises"));
    drop(doc);
    let serve = move || {
        let body = json.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], body) }
    };
    Router::new()
        .merge(
            SwaggerUi::new("/api/swagger")
                // No badge fetched from the public validator: the page loads only from us.
                .config(Config::new(["/swagger.v1.json"]).validator_url("none")),
        )
        .route("/swagger.v1.json", get(serve.clone()))
        .route("/openapi3.v1.json", get(serve))
}

/// `GET /api/v1/swagger` → 303 to the UI, as Gitea.
pub async fn redirect_to_ui() -> impl IntoResponse {
    (StatusCode::SEE_OTHER, [(header::LOCATION, "/api/swagger/")])
}
