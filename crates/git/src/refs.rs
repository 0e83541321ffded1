//! Reading refs and head commits of a repository.

use crate::{git, run};
use oxforge_core::Result;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub id: String,
    pub message: String,
    pub author_name: String,
    pub author_email: String,
    pub author_unix: i64,
    pub committer_name: String,
    pub committer_email: String,
    pub committer_unix: i64,
}

#[derive(Debug, Clone)]
pub struct BranchInfo {
    pub name: String,
    pub commit: CommitInfo,
}

#[derive(Debug, Clone)]
pub struct RefInfo {
    /// Full name, e.g. `refs/heads/main`.
    pub name: String,
    pub sha: String,
    /// `commit`, `tag`, ...
    pub kind: String,
}

const FIELD: char = '\u{1f}';
const RECORD: char = '\u{1e}';

/// Branches with their head commits, sorted by name.
pub async fn branches(path: &Path) -> Result<Vec<BranchInfo>> {
    let format = [
        "%(refname:lstrip=2)",
        "%(objectname)",
        "%(authorname)",
        "%(authoremail:trim)",
        "%(authordate:unix)",
        "%(committername)",
        "%(committeremail:trim)",
        "%(committerdate:unix)",
        "%(contents)",
    ]
    .join("%1f")
        + "%1e";
    let mut cmd = git();
    cmd.arg("--git-dir").arg(path).args([
        "for-each-ref",
        "--sort=refname",
        &format!("--format={format}"),
        "refs/heads/",
    ]);
    let out = run(&mut cmd, "for-each-ref", None).await?;
    Ok(out
        .split(RECORD)
        .filter_map(|rec| {
            let f: Vec<&str> = rec.trim_start_matches('\n').split(FIELD).collect();
            if f.len() < 9 {
                return None;
            }
            Some(BranchInfo {
                name: f[0].to_string(),
                commit: CommitInfo {
                    id: f[1].to_string(),
                    author_name: f[2].to_string(),
                    author_email: f[3].to_string(),
                    author_unix: f[4].parse().unwrap_or(0),
                    committer_name: f[5].to_string(),
                    committer_email: f[6].to_string(),
                    committer_unix: f[7].parse().unwrap_or(0),
                    message: f[8].to_string(),
                },
            })
        })
        .collect())
}

/// Every ref (branches, tags, others), sorted by name.
pub async fn refs(path: &Path) -> Result<Vec<RefInfo>> {
    let mut cmd = git();
    cmd.arg("--git-dir").arg(path).args([
        "for-each-ref",
        "--sort=refname",
        "--format=%(refname)%1f%(objectname)%1f%(objecttype)",
    ]);
    let out = run(&mut cmd, "for-each-ref", None).await?;
    Ok(out
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(FIELD).collect();
            (f.len() == 3).then(|| RefInfo {
                name: f[0].to_string(),
                sha: f[1].to_string(),
                kind: f[2].to_string(),
            })
        })
        .collect())
}

/// Whether `name` may be looked up as a branch or tag name: nothing git would read as
/// revision syntax (`~`, `^`, `:`, `@{`, `..`) and nothing a ref name cannot hold.
fn plain_ref_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name.starts_with('/')
        && !name.ends_with('/')
        && !name.contains("..")
        && !name.contains("@{")
        && !name.contains("//")
        && !name
            .chars()
            .any(|c| c.is_control() || " ~^:?*[\\".contains(c))
}

/// A full or abbreviated object id: 4 to 64 hex digits.
fn hex_id(s: &str) -> bool {
    (4..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The full id of the commit `rev` names, or `None` when it names none. With `names`,
/// `rev` is tried as a branch (`refs/heads/`), then a tag (`refs/tags/`, peeled to its
/// commit), then as a commit id, Gitea's order; without, only as a commit id (full or
/// an unambiguous abbreviation).
pub async fn resolve_commit(path: &Path, rev: &str, names: bool) -> Result<Option<String>> {
    let mut candidates = Vec::new();
    if names && plain_ref_name(rev) {
        candidates.push(format!("refs/heads/{rev}"));
        candidates.push(format!("refs/tags/{rev}"));
    }
    if hex_id(rev) {
        candidates.push(rev.to_ascii_lowercase());
    }
    for c in candidates {
        let mut cmd = git();
        cmd.arg("--git-dir").arg(path).args([
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{c}^{{commit}}"),
        ]);
        cmd.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        let out = cmd
            .output()
            .await
            .map_err(|e| crate::git_error("rev-parse", e))?;
        if out.status.success() {
            let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
            if hex_id(&id) {
                return Ok(Some(id));
            }
        }
    }
    Ok(None)
}

/// Whether `sha` (a full or abbreviated id) names a commit of the repository.
pub async fn commit_exists(path: &Path, sha: &str) -> Result<bool> {
    Ok(resolve_commit(path, sha, false).await?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_names_exclude_revision_syntax() {
        for ok in ["main", "feature/x", "v1.0", "deadbeef"] {
            assert!(plain_ref_name(ok), "{ok}");
        }
        for bad in [
            "main~1", "main^", "HEAD@{1}", "a..b", "-x", "a:b", "", "a b", "x/",
        ] {
            assert!(!plain_ref_name(bad), "{bad}");
        }
        assert!(hex_id("abcd") && !hex_id("abc") && !hex_id("xyz1"));
    }
}
