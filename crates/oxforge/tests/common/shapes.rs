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
    let Some(obj) = v.as_object() else {
        errors.push(format!("{path}: expected object {def}, got {v}"));
        return;
    };
    if let Some(props) = schema["properties"].as_object() {
        for (name, prop) in props {
            match obj.get(name) {
                None if OMITTED_WHEN_EMPTY.contains(&(def, name.as_str())) => {}
                None => errors.push(format!("{path}.{name}: missing ({def})")),
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
