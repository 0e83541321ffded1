//! Gitea's `Tag` and `AnnotatedTag`.

use crate::state::HttpConfig;
use crate::views::branch::Verification;
use crate::views::file_edit::{unsigned, CommitMeta, CommitUser};
use oxforge_core::time::rfc3339;
use oxforge_git::tags::{Annotated, TagInfo};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Tag)]
pub struct TagJson {
    pub name: String,
    pub message: String,
    pub id: String,
    pub commit: CommitMeta,
    pub zipball_url: String,
    pub tarball_url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnnotatedTagObject {
    #[serde(rename = "type")]
    pub kind: String,
    pub url: String,
    pub sha: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnnotatedTag {
    pub tag: String,
    pub sha: String,
    pub url: String,
    pub message: String,
    pub tagger: Option<CommitUser>,
    pub object: AnnotatedTagObject,
    pub verification: Verification,
}

pub fn tag_json(cfg: &HttpConfig, full: &str, t: &TagInfo) -> TagJson {
    let name = crate::views::file_edit::escape_path(&t.name);
    TagJson {
        name: t.name.clone(),
        message: t.message().to_string(),
        id: t.id.to_string(),
        commit: CommitMeta {
            url: format!(
                "{}api/v1/repos/{full}/git/commits/{}",
                cfg.root_url, t.commit.id
            ),
            sha: t.commit.id.to_string(),
            created: rfc3339(t.commit.committer.time),
        },
        zipball_url: format!("{}{full}/archive/{name}.zip", cfg.root_url),
        tarball_url: format!("{}{full}/archive/{name}.tar.gz", cfg.root_url),
    }
}

pub fn annotated_json(cfg: &HttpConfig, full: &str, a: &Annotated) -> AnnotatedTag {
    let api = format!("{}api/v1/repos/{full}/git", cfg.root_url);
    let kind_path = if a.target_kind == "commit" {
        "commits".to_string()
    } else {
        format!("{}s", a.target_kind)
    };
    AnnotatedTag {
        tag: a.name.clone(),
        sha: a.id.to_string(),
        url: format!("{api}/tags/{}", a.id),
        message: a.message.clone(),
        tagger: a.tagger.as_ref().map(|t| CommitUser {
            name: t.name.clone(),
            email: t.email.clone(),
            date: rfc3339(t.time),
        }),
        object: AnnotatedTagObject {
            kind: a.target_kind.clone(),
            url: format!("{api}/{kind_path}/{}", a.target),
            sha: a.target.to_string(),
        },
        verification: unsigned(),
    }
}
