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
