//! Checks a JSON answer against a definition of Gitea's official swagger document:
//! every property Gitea declares must be present with a compatible JSON type.

use serde_json::Value;
use std::sync::OnceLock;

/// Properties Gitea itself leaves out when empty.
const OMITTED_WHEN_EMPTY: &[(&str, &str)] = &[
    ("Repository", "parent"),
    ("Repository", "internal_tracker"),
    ("Repository", "external_tracker"),
    ("Repository", "external_wiki"),
    ("Repository", "repo_transfer"),
    ("ContentsResponse", "last_commit_message"),
    ("ContentsResponse", "last_commit_sha"),
    ("ContentsResponse", "last_committer_date"),
    ("ContentsResponse", "last_author_date"),
    ("ContentsResponse", "lfs_oid"),
    ("ContentsResponse", "lfs_size"),
    ("ContentsExtResponse", "file_contents"),
    ("ContentsExtResponse", "dir_contents"),
    ("GitBlobResponse", "lfs_oid"),
    ("GitBlobResponse", "lfs_size"),
];

/// Properties Gitea declares as pointers (`*time.Time`, `[]*User`) and sends as `null`
/// when unset.
const NULL_WHEN_EMPTY: &[(&str, &str)] = &[
    ("Issue", "closed_at"),
    ("Issue", "due_date"),
    ("Issue", "assignees"),
    ("Milestone", "closed_at"),
    ("Milestone", "due_on"),
    ("PullRequestMeta", "merged_at"),
    ("ContentsResponse", "encoding"),
    ("ContentsResponse", "content"),
    ("ContentsResponse", "target"),
    ("ContentsResponse", "html_url"),
    ("ContentsResponse", "git_url"),
    ("ContentsResponse", "download_url"),
    ("ContentsResponse", "submodule_git_url"),
    ("FileLinksResponse", "git"),
    ("FileLinksResponse", "html"),
    ("GitBlobResponse", "encoding"),
    ("GitBlobResponse", "content"),
];

fn swagger() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let path = super::shared_dir().join("reference/gitea-swagger.v1.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_json::from_str(&text).expect("swagger JSON")
    })
}

fn type_ok(schema: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/definitions/");
        if !v.is_null() {
            check_into(name, v, path, errors);
        }
        return;
    }
    let ok = match schema.get("type").and_then(Value::as_str) {
        Some("string") => v.is_string(),
        Some("boolean") => v.is_boolean(),
        Some("integer") => v.is_i64() || v.is_u64(),
        Some("number") => v.is_number(),
        Some("array") => {
            if let (Some(items), Some(list)) = (schema.get("items"), v.as_array()) {
                for (i, item) in list.iter().enumerate() {
                    type_ok(items, item, &format!("{path}[{i}]"), errors);
                }
            }
            v.is_array()
        }
        Some("object") => v.is_object(),
        _ => true,
    };
    if !ok {
        errors.push(format!("{path}: expected {schema}, got {v}"));
    }
}

fn check_into(def: &str, v: &Value, path: &str, errors: &mut Vec<String>) {
    let schema = &swagger()["definitions"][def];
    assert!(schema.is_object(), "no definition {def} in Gitea's swagger");
    if schema["type"].as_str().is_some_and(|t| t != "object") {
        // A named scalar, such as `StateType` (a string).
        type_ok(schema, v, path, errors);
        return;
    }
    let Some(obj) = v.as_object() else {
        errors.push(format!("{path}: expected object {def}, got {v}"));
        return;
    };
    if let Some(props) = schema["properties"].as_object() {
        for (name, prop) in props {
            match obj.get(name) {
                None if OMITTED_WHEN_EMPTY.contains(&(def, name.as_str())) => {}
                None => errors.push(format!("{path}.{name}: missing ({def})")),
                Some(Value::Null) if NULL_WHEN_EMPTY.contains(&(def, name.as_str())) => {}
                Some(value) => type_ok(prop, value, &format!("{path}.{name}"), errors),
            }
        }
    }
}

/// Panics with every mismatch between `v` and Gitea's definition `def`.
#[track_caller]
pub fn assert_shape(def: &str, v: &Value) {
    let mut errors = Vec::new();
    check_into(def, v, def, &mut errors);
    assert!(
        errors.is_empty(),
        "not a Gitea {def}:\n{}",
        errors.join("\n")
    );
}

fn our_doc() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::to_value(oxforge_http::api_doc()).expect("our document"))
}

/// The documented operation answering `method path` (path relative to `/api/v1`).
fn operation<'a>(doc: &'a Value, method: &str, path: &str) -> Option<&'a Value> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut best: Option<(&Value, usize)> = None;
    for (template, item) in doc["paths"].as_object()? {
        let t: Vec<&str> = template.trim_matches('/').split('/').collect();
        let last_is_param = t.last().is_some_and(|s| s.starts_with('{'));
        // The last parameter of branch and ref routes may span several segments.
        let wildcard = last_is_param
            && (template.ends_with("{branch}")
                || template.ends_with("{ref}")
                || template.ends_with("{filepath}")
                || template.ends_with("{tag}"));
        let len_ok = t.len() == segs.len() || (wildcard && segs.len() > t.len());
        if !len_ok {
            continue;
        }
        let mut literal = 0;
        let matched = t.iter().zip(&segs).all(|(a, b)| {
            if a.starts_with('{') {
                true
            } else {
                literal += 1;
                a == b
            }
        });
        if matched && best.is_none_or(|(_, l)| literal > l) {
            if let Some(op) = item.get(method.to_ascii_lowercase()) {
                best = Some((op, literal));
            }
        }
    }
    best.map(|(op, _)| op)
}

/// Checks `value` against our schema `schema`: wherever it names a definition Gitea
/// also has, Gitea's definition is the contract.
fn check_schema(schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let doc = our_doc();
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or("");
        if swagger()["definitions"].get(name).is_some() {
            check_into(name, value, path, errors);
        } else if let Some(inner) = doc["components"]["schemas"].get(name) {
            check_schema(inner, value, path, errors);
        }
        return;
    }
    if let (Some(items), Some(list)) = (schema.get("items"), value.as_array()) {
        for (i, v) in list.iter().enumerate() {
            check_schema(items, v, &format!("{path}[{i}]"), errors);
        }
    }
    if let (Some(props), Some(obj)) = (
        schema.get("properties").and_then(Value::as_object),
        value.as_object(),
    ) {
        for (k, s) in props {
            if let Some(v) = obj.get(k) {
                check_schema(s, v, &format!("{path}.{k}"), errors);
            }
        }
    }
}

/// Every successful JSON answer the integration tests receive goes through here: it must
/// come from a documented operation and fit Gitea's definitions.
pub fn check_response(method: &str, full_path: &str, status: u16, body: &Value) {
    let Some(path) = full_path
        .split('?')
        .next()
        .and_then(|p| p.strip_prefix("/api/v1"))
    else {
        return;
    };
    if !(200..300).contains(&status) || body.is_null() {
        return;
    }
    let op = operation(our_doc(), method, path).unwrap_or_else(|| {
        panic!("{method} {path} answered {status} but is not in our OpenAPI document")
    });
    let Some(schema) =
        op["responses"][status.to_string()]["content"]["application/json"].get("schema")
    else {
        panic!("{method} {path}: status {status} with a JSON body is not documented");
    };
    let mut errors = Vec::new();
    // Gitea's `contents/{filepath}` answers a directory with a list of the one
    // ContentsResponse its swagger declares.
    if let (Some(list), true) = (body.as_array(), path.contains("/contents/")) {
        for (i, v) in list.iter().enumerate() {
            check_schema(schema, v, &format!("{method} {path}[{i}]"), &mut errors);
        }
    } else if path.ends_with("/file-contents") {
        // Files that could not be read are null there (Gitea's description says so).
        let found: Vec<Value> = body
            .as_array()
            .into_iter()
            .flatten()
            .filter(|v| !v.is_null())
            .cloned()
            .collect();
        check_schema(
            schema,
            &Value::Array(found),
            &format!("{method} {path}"),
            &mut errors,
        );
    } else {
        check_schema(schema, body, &format!("{method} {path}"), &mut errors);
    }
    assert!(
        errors.is_empty(),
        "answer does not fit Gitea's definitions:\n{}",
        errors.join("\n")
    );
}
