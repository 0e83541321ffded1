//! The API documentation and the compatibility gate: the generated OpenAPI document, its
//! committed list of operations, and conformance to Gitea's official swagger.

mod common;

use common::{Auth, TestServer};
use serde_json::Value;
use std::collections::BTreeSet;

fn gitea() -> Value {
    let path = common::shared_dir().join("reference/gitea-swagger.v1.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn our_doc() -> Value {
    serde_json::to_value(oxforge_http::api_doc()).unwrap()
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn operations(doc: &Value) -> BTreeSet<String> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in METHODS {
            if item.get(m).is_some() {
                ops.insert(format!("{} {path}", m.to_uppercase()));
            }
        }
    }
    ops
}

fn repo_file(rel: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// A lost or added route shows up as a diff of docs/api-operations.txt in review.
/// `OXFORGE_BLESS=1` rewrites the file.
#[test]
fn committed_operation_list_matches_the_routes() {
    let ops: Vec<String> = operations(&our_doc()).into_iter().collect();
    let text = ops.join("\n") + "\n";
    let file = repo_file("docs/api-operations.txt");
    if std::env::var("OXFORGE_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&file, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&file).unwrap_or_default();
    assert_eq!(
        committed, text,
        "docs/api-operations.txt is stale: run the tests with OXFORGE_BLESS=1 and review the diff"
    );
}

/// Every operation exists in Gitea's document with the same method and path, or is
/// listed under "oxforge extensions" in docs/COMPATIBILITY.md.
#[test]
fn every_operation_is_giteas_or_a_declared_extension() {
    let theirs = operations(&gitea());
    let compat = std::fs::read_to_string(repo_file("docs/COMPATIBILITY.md")).unwrap();
    let extensions: BTreeSet<String> = compat
        .split("## oxforge extensions")
        .nth(1)
        .unwrap_or("")
        .lines()
        .filter_map(|l| l.split('`').nth(1).map(String::from))
        .collect();
    let unknown: Vec<String> = operations(&our_doc())
        .into_iter()
        .filter(|op| !theirs.contains(op) && !extensions.contains(op))
        .collect();
    assert!(
        unknown.is_empty(),
        "operations neither in Gitea's swagger nor declared extensions: {unknown:#?}"
    );
}

/// Every schema we name after a Gitea definition declares all of Gitea's properties.
#[test]
fn named_schemas_cover_giteas_definitions() {
    let g = gitea();
    let ours = our_doc();
    let schemas = ours["components"]["schemas"].as_object().unwrap();
    let mut checked = 0;
    for (name, schema) in schemas {
        let Some(def) = g["definitions"].get(name) else {
            continue;
        };
        let props = schema["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for p in def["properties"].as_object().unwrap().keys() {
            assert!(props.contains_key(p), "{name} lacks Gitea's property {p}");
        }
        checked += 1;
    }
    for required in [
        "Repository",
        "User",
        "AccessToken",
        "Branch",
        "Reference",
        "ServerVersion",
    ] {
        assert!(schemas.contains_key(required), "no {required} schema");
    }
    assert!(checked >= 10, "only {checked} schemas compared");
}

#[test]
fn security_schemes_are_giteas() {
    let doc = our_doc();
    let schemes: BTreeSet<&String> = doc["components"]["securitySchemes"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    let g = gitea();
    let theirs: BTreeSet<&String> = g["securityDefinitions"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(schemes, theirs);
}

#[tokio::test(flavor = "multi_thread")]
async fn documents_and_ui_are_served_offline() {
    let s = TestServer::start().await;
    for path in ["/swagger.v1.json", "/openapi3.v1.json"] {
        let r = s.get(path, &Auth::None).await.expect(200);
        assert!(r.body["openapi"].as_str().unwrap().starts_with("3."));
        assert_eq!(r.body["paths"], our_doc()["paths"]);
    }
    let r = s.client.get(s.url("/api/v1/swagger")).send().await.unwrap();
    // reqwest follows the 303 to the UI.
    assert_eq!(r.status(), 200);
    assert!(r.url().path().starts_with("/api/swagger"));
    let html = r.text().await.unwrap();
    assert!(html.contains("swagger-ui"));
    // Everything the page loads comes from this server.
    for src in [
        "swagger-ui-bundle.js",
        "swagger-ui.css",
        "swagger-initializer.js",
        "swagger-ui-standalone-preset.js",
    ] {
        assert!(html.contains(src), "{src}");
        let r = s
            .client
            .get(s.url(&format!("/api/swagger/{src}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{src}");
    }
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("//cdn"));
    let init = s
        .client
        .get(s.url("/api/swagger/swagger-initializer.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(init.contains("\"url\": \"/swagger.v1.json\""), "{init}");
    assert!(init.contains("\"validatorUrl\": \"none\""), "{init}");
    s.stop().await;

    let s = TestServer::start_with(&[("api", "ENABLE_SWAGGER", "false")]).await;
    for path in [
        "/swagger.v1.json",
        "/openapi3.v1.json",
        "/api/swagger",
        "/api/swagger/",
        "/api/v1/swagger",
    ] {
        let r = s.client.get(s.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    s.stop().await;
}

/// Until a web interface exists, `/` says what this server is and where its API is.
#[tokio::test(flavor = "multi_thread")]
async fn the_front_page_says_what_this_server_is() {
    let s = TestServer::start().await;
    let r = s.client.get(s.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let html = r.text().await.unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<title>oxforge</title>"));
    assert!(html.contains("Gitea-compatible Git service"));
    assert!(html.contains(&format!("version {}", env!("CARGO_PKG_VERSION"))));
    let swagger = format!("href=\"{}/api/swagger\"", s.base);
    assert!(html.contains(&swagger), "{html}");
    assert!(html.contains(&format!("href=\"{}/api/v1/version\"", s.base)));
    // What it links to is there.
    let r = s.client.get(s.url("/api/swagger")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    s.stop().await;

    let s = TestServer::start_with(&[("api", "ENABLE_SWAGGER", "false")]).await;
    let html = s
        .client
        .get(s.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("swagger"), "{html}");
    assert!(html.contains(&format!("href=\"{}/api/v1/version\"", s.base)));
    s.stop().await;
}

/// The checker every integration test's answers pass through does catch a bad shape.
#[test]
#[should_panic(expected = "does not fit Gitea's definitions")]
fn response_checks_catch_a_wrong_shape() {
    common::shapes::check_response(
        "GET",
        "/api/v1/repos/a/b",
        200,
        &serde_json::json!({"id": "not a number"}),
    );
}

#[test]
#[should_panic(expected = "not in our OpenAPI document")]
fn response_checks_catch_an_undocumented_route() {
    common::shapes::check_response(
        "GET",
        "/api/v1/repos/a/b/wiki/pages",
        200,
        &serde_json::json!([]),
    );
}

#[test]
fn response_checks_accept_a_real_shape_in_a_list() {
    common::shapes::check_response(
        "GET",
        "/api/v1/repos/a/b/branches",
        200,
        &serde_json::json!([]),
    );
}
