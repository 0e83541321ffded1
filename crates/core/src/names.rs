//! Name rules for users, repositories and branches. A name that passes here is safe to
//! use as one path component on disk: no separators, no `..`, no leading dot tricks.

use crate::{Error, Result};

const RESERVED_USERNAMES: &[&str] = &[
    ".",
    "..",
    ".well-known",
    "admin",
    "api",
    "assets",
    "attachments",
    "avatar",
    "avatars",
    "captcha",
    "commits",
    "debug",
    "error",
    "explore",
    "favicon.ico",
    "ghost",
    "issues",
    "login",
    "manifest.json",
    "metrics",
    "milestones",
    "new",
    "notifications",
    "openapi3.v1.json",
    "org",
    "pulls",
    "raw",
    "repo",
    "repo-avatars",
    "robots.txt",
    "search",
    "serviceworker.js",
    "ssh_info",
    "swagger.v1.json",
    "user",
    "v2",
];
const RESERVED_USER_PATTERNS: &[&str] = &["*.keys", "*.gpg", "*.rss", "*.atom", "*.png"];

const RESERVED_REPO_NAMES: &[&str] = &[".", "..", "-"];
const RESERVED_REPO_PATTERNS: &[&str] = &["*.git", "*.wiki", "*.rss", "*.atom"];

pub const MAX_USERNAME_LEN: usize = 40;
pub const MAX_REPO_NAME_LEN: usize = 100;

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn matches_suffix_pattern(lower: &str, patterns: &[&'static str]) -> Option<&'static str> {
    patterns.iter().copied().find(|p| {
        p.strip_prefix('*')
            .is_some_and(|suffix| lower.ends_with(suffix))
    })
}

/// Gitea's rule: starts alphanumeric, then `[-._A-Za-z0-9]`, no run of two specials,
/// no trailing special; not reserved. Errors are 422 with Gitea's texts.
pub fn validate_username(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::validation("[Username]: Required"));
    }
    if name.chars().count() > MAX_USERNAME_LEN {
        return Err(Error::validation("[Username]: MaxSize"));
    }
    let lower = name.to_ascii_lowercase();
    if RESERVED_USERNAMES.contains(&lower.as_str()) {
        return Err(Error::validation(format!(
            "name is reserved [name: {name}]"
        )));
    }
    if let Some(p) = matches_suffix_pattern(&lower, RESERVED_USER_PATTERNS) {
        return Err(Error::validation(format!(
            "name pattern is not allowed [pattern: {p}]"
        )));
    }
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = name.chars().all(|c| is_word(c) || c == '-' || c == '.');
    let special = |c: char| c == '-' || c == '.' || c == '_';
    let bytes: Vec<char> = name.chars().collect();
    let double_special = bytes.windows(2).any(|w| special(w[0]) && special(w[1]));
    let trailing_special = bytes.last().is_some_and(|c| special(*c));
    if !first_ok || !rest_ok || double_special || trailing_special {
        return Err(Error::validation(format!("name is invalid [name: {name}]")));
    }
    Ok(())
}

/// Repository names: `[A-Za-z0-9_.-]`, at most 100 chars, not reserved, no `..` inside.
pub fn validate_repo_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::validation("[Name]: Required"));
    }
    if name.chars().count() > MAX_REPO_NAME_LEN {
        return Err(Error::validation("[Name]: MaxSize"));
    }
    if !name.chars().all(|c| is_word(c) || c == '-' || c == '.') {
        return Err(Error::validation("[Name]: AlphaDashDot"));
    }
    let lower = name.to_ascii_lowercase();
    if RESERVED_REPO_NAMES.contains(&lower.as_str()) {
        return Err(Error::validation(format!(
            "name is reserved [name: {name}]"
        )));
    }
    if let Some(p) = matches_suffix_pattern(&lower, RESERVED_REPO_PATTERNS) {
        return Err(Error::validation(format!(
            "name pattern is not allowed [pattern: {p}]"
        )));
    }
    if name.contains("..") {
        return Err(Error::validation(format!("name is invalid [name: {name}]")));
    }
    Ok(())
}

/// A branch name acceptable to `git check-ref-format --branch`, at most 100 chars.
pub fn is_valid_branch_name(name: &str) -> bool {
    if name.is_empty() || name.len() > 100 || name == "@" {
        return false;
    }
    if name.starts_with('-') || name.starts_with('/') || name.ends_with('/') {
        return false;
    }
    if name.ends_with('.') || name.ends_with(".lock") || name.contains("..") {
        return false;
    }
    if name.contains("//") || name.contains("@{") {
        return false;
    }
    if name
        .split('/')
        .any(|c| c.starts_with('.') || c.ends_with(".lock"))
    {
        return false;
    }
    !name.chars().any(|c| {
        c.is_ascii_control() || matches!(c, ' ' | '~' | '^' | ':' | '?' | '*' | '[' | '\\')
    })
}

/// A plausible e-mail address: one `@`, something on each side, no spaces, at most 254 chars.
pub fn is_valid_email(email: &str) -> bool {
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !domain.starts_with('.')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        for ok in ["foo", "foo-bar", "a.b_c", "A1", "user2"] {
            assert!(validate_username(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "-foo", ".foo", "foo-", "foo..bar", "a/b", "api", "API", "x.keys", "é", "a b",
            "../etc",
        ] {
            assert!(validate_username(bad).is_err(), "{bad}");
        }
        assert!(validate_username(&"a".repeat(41)).is_err());
    }

    #[test]
    fn repo_names() {
        for ok in ["repo", "my-repo", "my_repo.v2", ".hidden", "-x", "a.b"] {
            assert!(validate_repo_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", ".", "..", "-", "a/b", "x.git", "X.GIT", "x.wiki", "a..b", "a b", "%2e%2e", "a\\b",
        ] {
            assert!(validate_repo_name(bad).is_err(), "{bad}");
        }
        assert!(validate_repo_name(&"a".repeat(101)).is_err());
        assert!(validate_repo_name(&"a".repeat(100)).is_ok());
    }

    #[test]
    fn branches() {
        for ok in ["main", "master", "feature/x", "v1.0"] {
            assert!(is_valid_branch_name(ok), "{ok}");
        }
        for bad in [
            "", "-x", "a..b", "a b", "x.lock", "a//b", "/a", "a/", "@", "a~1", ".x",
        ] {
            assert!(!is_valid_branch_name(bad), "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert!(is_valid_email("foo@163.com"));
        assert!(!is_valid_email("foo"));
        assert!(!is_valid_email("@x"));
        assert!(!is_valid_email("a b@x"));
    }
}
