//! Gitea's answers to file edits: `FileResponse`, `FileDeleteResponse`, `FilesResponse`,
//! with `ContentsResponse` for each file and `FileCommitResponse` for the commit.

use crate::state::HttpConfig;
use crate::views::branch::Verification;
use base64::Engine;
use oxforge_core::time::rfc3339;
use oxforge_git::read::{CommitInfo, EntryKind};
use oxforge_service::files::{Edited, FileAfter};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct FileLinksResponse {
    #[serde(rename = "self")]
    pub this: String,
    pub git: String,
    pub html: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContentsResponse {
    pub name: String,
    pub path: String,
    pub sha: String,
    pub last_commit_sha: String,
    pub last_committer_date: String,
    pub last_author_date: String,
    pub last_commit_message: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub size: i64,
    pub encoding: Option<String>,
    pub content: Option<String>,
    pub target: Option<String>,
    pub url: String,
    pub html_url: String,
    pub git_url: String,
    pub download_url: String,
    pub submodule_git_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lfs_oid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lfs_size: Option<i64>,
    pub _links: FileLinksResponse,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommitMeta {
    pub url: String,
    pub sha: String,
    pub created: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommitUser {
    pub name: String,
    pub email: String,
    pub date: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FileCommitResponse {
    pub url: String,
    pub sha: String,
    pub created: String,
    pub html_url: String,
    pub author: CommitUser,
    pub committer: CommitUser,
    pub parents: Vec<CommitMeta>,
    pub message: String,
    pub tree: CommitMeta,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FileResponse {
    pub content: Option<ContentsResponse>,
    pub commit: FileCommitResponse,
    pub verification: Verification,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FileDeleteResponse {
    /// Always null for deletions.
    #[schema(value_type = Option<Object>)]
    pub content: Option<()>,
    pub commit: FileCommitResponse,
    pub verification: Verification,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FilesResponse {
    pub files: Vec<Option<ContentsResponse>>,
    pub commit: FileCommitResponse,
    pub verification: Verification,
}

/// Escapes each segment of a path for a URL, keeping the `/`s.
pub fn escape_path(p: &str) -> String {
    p.split('/')
        .map(|s| {
            form_urlencoded::byte_serialize(s.as_bytes())
                .collect::<String>()
                .replace('+', "%20")
        })
        .collect::<Vec<_>>()
        .join("/")
}

pub fn unsigned() -> Verification {
    Verification {
        verified: false,
        reason: "gpg.error.not_signed_commit".into(),
        signature: String::new(),
        signer: None,
        payload: String::new(),
    }
}

pub fn commit_response(cfg: &HttpConfig, full: &str, c: &CommitInfo) -> FileCommitResponse {
    let api = format!("{}api/v1/repos/{full}/git", cfg.root_url);
    let created = rfc3339(c.committer.time);
    FileCommitResponse {
        url: format!("{api}/commits/{}", c.id),
        sha: c.id.to_string(),
        created: created.clone(),
        html_url: format!("{}{full}/commit/{}", cfg.root_url, c.id),
        author: CommitUser {
            name: c.author.name.clone(),
            email: c.author.email.clone(),
            date: rfc3339(c.author.time),
        },
        committer: CommitUser {
            name: c.committer.name.clone(),
            email: c.committer.email.clone(),
            date: created.clone(),
        },
        parents: c
            .parents
            .iter()
            .map(|p| CommitMeta {
                url: format!("{api}/commits/{p}"),
                sha: p.to_string(),
                created: "0001-01-01T00:00:00Z".into(),
            })
            .collect(),
        message: c.message.clone(),
        tree: CommitMeta {
            url: format!("{api}/trees/{}", c.tree),
            sha: c.tree.to_string(),
            created,
        },
    }
}

pub fn contents_response(
    cfg: &HttpConfig,
    full: &str,
    branch: &str,
    c: &CommitInfo,
    f: &FileAfter,
) -> ContentsResponse {
    let e = &f.entry;
    let path = escape_path(&e.path);
    let bref = escape_path(branch);
    let url = format!(
        "{}api/v1/repos/{full}/contents/{path}?ref={}",
        cfg.root_url,
        form_urlencoded::byte_serialize(branch.as_bytes()).collect::<String>()
    );
    let git_url = format!("{}api/v1/repos/{full}/git/blobs/{}", cfg.root_url, e.id);
    let html_url = format!("{}{full}/src/branch/{bref}/{path}", cfg.root_url);
    let (kind, encoding, content, target) = match e.kind {
        EntryKind::Symlink => (
            "symlink",
            None,
            None,
            Some(String::from_utf8_lossy(&f.content).to_string()),
        ),
        _ => (
            "file",
            Some("base64".to_string()),
            Some(base64::engine::general_purpose::STANDARD.encode(&f.content)),
            None,
        ),
    };
    ContentsResponse {
        name: e.name.clone(),
        path: e.path.clone(),
        sha: e.id.to_string(),
        last_commit_sha: c.id.to_string(),
        last_committer_date: rfc3339(c.committer.time),
        last_author_date: rfc3339(c.author.time),
        last_commit_message: c.message.clone(),
        kind: kind.into(),
        size: e.size as i64,
        encoding,
        content,
        target,
        url: url.clone(),
        html_url: html_url.clone(),
        git_url: git_url.clone(),
        download_url: format!("{}{full}/raw/branch/{bref}/{path}", cfg.root_url),
        submodule_git_url: None,
        lfs_oid: None,
        lfs_size: None,
        _links: FileLinksResponse {
            this: url,
            git: git_url,
            html: html_url,
        },
    }
}

pub fn file_response(cfg: &HttpConfig, full: &str, e: &Edited) -> FileResponse {
    FileResponse {
        content: e
            .files
            .first()
            .and_then(|f| f.as_ref())
            .map(|f| contents_response(cfg, full, &e.branch, &e.commit, f)),
        commit: commit_response(cfg, full, &e.commit),
        verification: unsigned(),
    }
}

pub fn delete_response(cfg: &HttpConfig, full: &str, e: &Edited) -> FileDeleteResponse {
    FileDeleteResponse {
        content: None,
        commit: commit_response(cfg, full, &e.commit),
        verification: unsigned(),
    }
}

pub fn files_response(cfg: &HttpConfig, full: &str, e: &Edited) -> FilesResponse {
    FilesResponse {
        files: e
            .files
            .iter()
            .map(|f| {
                f.as_ref()
                    .map(|f| contents_response(cfg, full, &e.branch, &e.commit, f))
            })
            .collect(),
        commit: commit_response(cfg, full, &e.commit),
        verification: unsigned(),
    }
}
