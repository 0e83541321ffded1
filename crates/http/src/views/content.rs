//! Gitea's `ContentsResponse` (with `FileLinksResponse`), `GitTreeResponse` (`GitEntry`)
//! and `GitBlobResponse`.

use crate::state::HttpConfig;
use base64::Engine;
use oxforge_core::time::rfc3339;
use oxforge_git::read::{Entry, EntryKind};
use oxforge_service::content::{BlobInfo, ContentItem, RefAt, TreePage};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = FileLinksResponse)]
pub struct FileLinksJson {
    #[serde(rename = "self")]
    pub self_: Option<String>,
    pub git: Option<String>,
    pub html: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ContentsResponse)]
pub struct ContentsJson {
    pub name: String,
    pub path: String,
    pub sha: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_commit_sha: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_committer_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_author_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_commit_message: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub size: i64,
    pub encoding: Option<String>,
    pub content: Option<String>,
    pub target: Option<String>,
    pub url: Option<String>,
    pub html_url: Option<String>,
    pub git_url: Option<String>,
    pub download_url: Option<String>,
    pub submodule_git_url: Option<String>,
    pub _links: FileLinksJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lfs_oid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lfs_size: Option<i64>,
}

/// Go's `url.PathEscape` of each `/`-separated segment.
pub fn path_escape_segments(path: &str) -> String {
    path.split('/')
        .map(|seg| escape(seg, b"-_.~$&+,:;=@"))
        .collect::<Vec<_>>()
        .join("/")
}

/// Go's `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    escape(s, b"-_.~ ").replace(' ', "+")
}

fn escape(s: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn kind_name(k: EntryKind) -> &'static str {
    match k {
        EntryKind::File | EntryKind::Executable => "file",
        EntryKind::Dir => "dir",
        EntryKind::Symlink => "symlink",
        EntryKind::Submodule => "submodule",
    }
}

pub fn contents_json(
    cfg: &HttpConfig,
    full_name: &str,
    at: &RefAt,
    it: ContentItem,
) -> ContentsJson {
    let api = format!("{}api/v1/repos/{}", cfg.root_url, full_name);
    let html = format!("{}{}", cfg.root_url, full_name);
    let meta = it.last_commit.as_ref().filter(|_| it.commit_metadata);
    let e = it.entry.clone();
    let path = path_escape_segments(&e.path);
    let self_url = format!("{api}/contents/{path}?ref={}", query_escape(&at.input));
    let (is_blob, is_sub) = (
        matches!(
            e.kind,
            EntryKind::File | EntryKind::Executable | EntryKind::Symlink
        ),
        e.kind == EntryKind::Submodule,
    );
    let download = is_blob.then(|| format!("{html}/raw/{}/{path}", at.web_link()));
    let html_url = (!is_sub).then(|| format!("{html}/src/{}/{path}", at.web_link()));
    let git_url = (!is_sub).then(|| format!("{api}/git/blobs/{}", e.id));
    let content = it
        .content
        .map(|c| base64::engine::general_purpose::STANDARD.encode(c));
    ContentsJson {
        name: e.name,
        path: e.path.clone(),
        sha: e.id.to_string(),
        last_commit_sha: meta.map(|c| c.id.to_string()),
        last_committer_date: meta.map(|c| rfc3339(c.committer.time)),
        last_author_date: meta.map(|c| rfc3339(c.author.time)),
        last_commit_message: it
            .last_commit
            .as_ref()
            .filter(|_| it.commit_message)
            .map(|c| c.message.clone()),
        kind: kind_name(e.kind).into(),
        size: e.size as i64,
        encoding: content.as_ref().map(|_| "base64".to_string()),
        content,
        target: it.target,
        url: Some(self_url.clone()),
        html_url: html_url.clone(),
        git_url: git_url.clone(),
        download_url: download,
        submodule_git_url: it.submodule_url,
        _links: FileLinksJson {
            self_: Some(self_url),
            git: git_url,
            html: html_url,
        },
        lfs_oid: None,
        lfs_size: None,
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GitEntry)]
pub struct GitEntryJson {
    pub path: String,
    pub mode: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub size: i64,
    pub sha: String,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GitTreeResponse)]
pub struct GitTreeJson {
    pub sha: String,
    pub url: String,
    pub tree: Vec<GitEntryJson>,
    pub truncated: bool,
    pub page: i64,
    pub total_count: i64,
}

fn git_entry(api: &str, e: &Entry) -> GitEntryJson {
    let (kind, url) = match e.kind {
        EntryKind::Dir => ("tree", format!("{api}/git/trees/{}", e.id)),
        EntryKind::Submodule => ("commit", String::new()),
        _ => ("blob", format!("{api}/git/blobs/{}", e.id)),
    };
    GitEntryJson {
        path: e.path.clone(),
        mode: format!("{:06o}", e.mode),
        kind: kind.into(),
        size: e.size as i64,
        sha: e.id.to_string(),
        url,
    }
}

pub fn tree_json(cfg: &HttpConfig, full_name: &str, t: &TreePage) -> GitTreeJson {
    let api = format!("{}api/v1/repos/{}", cfg.root_url, full_name);
    GitTreeJson {
        sha: t.sha.to_string(),
        url: format!("{api}/git/trees/{}", t.sha),
        tree: t.entries.iter().map(|e| git_entry(&api, e)).collect(),
        truncated: t.truncated,
        page: t.page as i64,
        total_count: t.total as i64,
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GitBlobResponse)]
pub struct GitBlobJson {
    pub content: Option<String>,
    pub encoding: Option<String>,
    pub url: String,
    pub sha: String,
    pub size: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lfs_oid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lfs_size: Option<i64>,
}

pub fn blob_json(cfg: &HttpConfig, full_name: &str, b: BlobInfo) -> GitBlobJson {
    let content = b
        .content
        .map(|c| base64::engine::general_purpose::STANDARD.encode(c));
    GitBlobJson {
        encoding: content.as_ref().map(|_| "base64".to_string()),
        content,
        url: format!(
            "{}api/v1/repos/{}/git/blobs/{}",
            cfg.root_url, full_name, b.id
        ),
        sha: b.id.to_string(),
        size: b.size as i64,
        lfs_oid: None,
        lfs_size: None,
    }
}
