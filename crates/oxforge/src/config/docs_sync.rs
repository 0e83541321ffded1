//! docs/CONFIG.md and the parser must name the same keys with the same defaults: the docs'
//! table rows are compared with the keys the parser records while reading (Config::keys).

use super::Config;
use std::collections::BTreeMap;

const DOCS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/CONFIG.md"));

type Keys = BTreeMap<(String, String), String>;

/// Rows `| section | `KEY` | default | meaning |`. A default is written in backticks, or as
/// a parenthesised note such as `(empty)` when the code's default is empty.
fn documented(text: &str) -> Result<Keys, String> {
    let mut keys = Keys::new();
    for line in text.lines().map(str::trim).filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells.len() < 3 || cells[0] == "section" || cells[0].starts_with("---") {
            continue;
        }
        let key = unquote(cells[1]).ok_or(format!("key not in backticks: {line}"))?;
        let default = match unquote(cells[2]) {
            Some(d) => d.to_string(),
            None if cells[2].starts_with('(') => String::new(),
            None => return Err(format!("default neither `value` nor (note): {line}")),
        };
        let id = (cells[0].to_string(), key.to_string());
        if keys.insert(id, default).is_some() {
            return Err(format!("documented twice: {line}"));
        }
    }
    Ok(keys)
}

fn unquote(cell: &str) -> Option<&str> {
    cell.strip_prefix('`')?.strip_suffix('`')
}

fn in_code() -> Result<Keys, String> {
    let mut keys = Keys::new();
    for k in Config::keys().map_err(|e| e.0)? {
        let id = (k.section.to_string(), k.key.to_string());
        if keys.insert(id, k.default).is_some() {
            return Err(format!("[{}] {} is read twice", k.section, k.key));
        }
    }
    Ok(keys)
}

/// What differs, one line each; empty when docs and code agree.
fn differences(docs: &Keys, code: &Keys) -> Vec<String> {
    let mut out = Vec::new();
    for ((section, key), default) in code {
        match docs.get(&(section.clone(), key.clone())) {
            None => out.push(format!("[{section}] {key} is read but not documented")),
            Some(d) if d != default => out.push(format!(
                "[{section}] {key}: docs say default {d:?}, code has {default:?}"
            )),
            Some(_) => {}
        }
    }
    for (section, key) in docs.keys() {
        if !code.contains_key(&(section.clone(), key.clone())) {
            out.push(format!("[{section}] {key} is documented but never read"));
        }
    }
    out
}

#[test]
fn docs_list_every_key_and_default() {
    let docs = documented(DOCS).unwrap();
    let code = in_code().unwrap();
    let diff = differences(&docs, &code);
    assert!(diff.is_empty(), "docs/CONFIG.md:\n{}", diff.join("\n"));
}

#[test]
fn a_drift_is_caught() {
    let code = in_code().unwrap();
    assert!(
        documented(DOCS).unwrap().len() > 40,
        "the docs table was not found"
    );
    let mut docs = code.clone();
    docs.remove(&("mirror".into(), "WORKERS".into()));
    docs.insert(("mirror".into(), "NOT_A_KEY".into()), String::new());
    docs.insert(("api".into(), "DEFAULT_PAGING_NUM".into()), "20".into());
    let diff = differences(&docs, &code);
    assert_eq!(diff.len(), 3, "{diff:?}");
    let unquoted = "| api | MAX_RESPONSE_ITEMS | `50` | largest page size |";
    assert!(documented(unquoted).is_err());
    let bare_default = "| api | `MAX_RESPONSE_ITEMS` | 50 | largest page size |";
    assert!(documented(bare_default).is_err());
}
