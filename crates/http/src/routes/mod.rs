//! The route table. Each group carries the token-scope categories Gitea requires of it.

mod admin;
mod branches;
mod collaborators;
mod content;
mod file_edits;
mod follows;
mod issues;
mod migrate;
mod misc;
mod org_labels;
mod orgs;
mod repos;
mod stars;
mod statuses;
mod tags;
mod teams;
mod tokens;
mod users;

use crate::auth::authenticate;
use crate::error::{api_headers, method_not_allowed, not_found, render_errors};
use crate::openapi::{doc_routes, redirect_to_ui, ApiDoc};
use crate::scope::require_scopes;
use crate::state::AppState;
use axum::http::{HeaderValue, Request};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use axum::Router;
use oxforge_core::scope::Category;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

static USER: &[Category] = &[Category::User];
static USER_REPO: &[Category] = &[Category::User, Category::Repository];
static REPO: &[Category] = &[Category::Repository];
static ADMIN: &[Category] = &[Category::Admin];
static ORG: &[Category] = &[Category::Organization];
static USER_ORG: &[Category] = &[Category::User, Category::Organization];
static ORG_REPO: &[Category] = &[Category::Organization, Category::Repository];
static ISSUE: &[Category] = &[Category::Issue];

fn group(cats: &'static [Category], r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.route_layer(from_fn_with_state(cats, require_scopes))
}

/// Every `/api/v1` route, with its OpenAPI description (paths relative to `/api/v1`).
fn api_routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(misc::routes())
        .merge(group(
            USER,
            users::routes()
                .merge(tokens::routes())
                .merge(follows::routes()),
        ))
        .merge(group(
            USER_REPO,
            repos::user_routes().merge(stars::user_routes()),
        ))
        .merge(group(
            REPO,
            repos::routes()
                .merge(branches::routes())
                .merge(file_edits::routes())
                .merge(tags::routes())
                .merge(migrate::routes())
                .merge(stars::routes())
                .merge(collaborators::routes())
                .merge(statuses::routes())
                .merge(content::routes()),
        ))
        .merge(group(ISSUE, issues::routes()))
        .merge(group(
            ORG,
            orgs::routes()
                .merge(teams::routes())
                .merge(org_labels::routes()),
        ))
        .merge(group(USER_ORG, orgs::user_routes()))
        .merge(group(ORG_REPO, orgs::repo_routes()))
        .merge(group(
            ADMIN,
            admin::routes()
                .merge(orgs::admin_routes())
                .merge(teams::admin_routes()),
        ))
        .split_for_parts();
    doc.merge(branches::documented_wildcards());
    doc.merge(content::documented_wildcards());
    doc.merge(file_edits::documented_wildcards());
    doc.merge(tags::documented_wildcards());
    (router, doc)
}

/// The OpenAPI document of the API as served.
pub fn api_doc() -> utoipa::openapi::OpenApi {
    api_routes().1
}

pub fn build(st: AppState, extra: Option<Router<AppState>>) -> Router {
    let (routes, doc) = api_routes();
    let mut api = Router::new().merge(extra.unwrap_or_default()).merge(routes);
    if st.cfg.api.enable_swagger {
        api = api.route("/swagger", get(redirect_to_ui));
    }
    let api = api
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn_with_state(st.clone(), authenticate))
        .layer(from_fn_with_state(st.clone(), render_errors))
        .layer(from_fn(api_headers))
        .with_state(st.clone());

    let x_request_id = axum::http::HeaderName::from_static("x-request-id");
    let mut app = Router::new()
        .nest("/api/v1", api)
        .merge(crate::githttp::routes().with_state(st.clone()))
        .merge(crate::pages::routes().with_state(st.clone()));
    if st.cfg.api.enable_swagger {
        app = app.merge(doc_routes(doc));
    }
    let app = app
        .route("/api/v1", get(not_found))
        .layer(
            // Log the path only: queries may carry tokens.
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v: &HeaderValue| v.to_str().ok())
                    .unwrap_or("");
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), id = %id)
            }),
        )
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid));
    // Before routing, so path parameters are taken from the rewritten URI.
    let app = Router::new().fallback_service(tower::Layer::layer(
        &axum::middleware::map_request(crate::nul::no_nul_in_uri),
        app,
    ));
    // Outermost: oversized requests are refused before anything else reads them.
    Router::new().fallback_service(tower::Layer::layer(
        &from_fn_with_state(st, crate::limits::guard),
        app,
    ))
}
