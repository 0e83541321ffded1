//! Gitea's `Branch` (with `PayloadCommit`) and `Reference`.

use crate::state::HttpConfig;
use oxforge_core::time::rfc3339;
use oxforge_git::refs::{BranchInfo, RefInfo};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct PayloadUser {
    pub name: String,
    pub email: String,
    pub username: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PayloadCommitVerification)]
pub struct Verification {
    pub verified: bool,
    pub reason: String,
    pub signature: String,
    pub signer: Option<PayloadUser>,
    pub payload: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PayloadCommit {
    pub id: String,
    pub message: String,
    pub url: String,
    pub author: PayloadUser,
    pub committer: PayloadUser,
    pub verification: Verification,
    pub timestamp: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub modified: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Branch)]
pub struct BranchJson {
    pub name: String,
    pub commit: PayloadCommit,
    pub protected: bool,
    pub required_approvals: i64,
    pub enable_status_check: bool,
    pub status_check_contexts: Vec<String>,
    pub user_can_push: bool,
    pub user_can_merge: bool,
    pub effective_branch_protection_name: String,
}

pub fn branch_json(
    cfg: &HttpConfig,
    full_name: &str,
    b: &BranchInfo,
    can_push: bool,
) -> BranchJson {
    let c = &b.commit;
    BranchJson {
        name: b.name.clone(),
        commit: PayloadCommit {
            id: c.id.clone(),
            message: c.message.clone(),
            url: format!("{}{}/commit/{}", cfg.root_url, full_name, c.id),
            author: PayloadUser {
                name: c.author_name.clone(),
                email: c.author_email.clone(),
                username: String::new(),
            },
            committer: PayloadUser {
                name: c.committer_name.clone(),
                email: c.committer_email.clone(),
                username: String::new(),
            },
            verification: Verification {
                verified: false,
                reason: "gpg.error.not_signed_commit".into(),
                signature: String::new(),
                signer: None,
                payload: String::new(),
            },
            timestamp: rfc3339(c.author_unix),
            added: Vec::new(),
            removed: Vec::new(),
            modified: Vec::new(),
        },
        protected: false,
        required_approvals: 0,
        enable_status_check: false,
        status_check_contexts: Vec::new(),
        user_can_push: can_push,
        user_can_merge: can_push,
        effective_branch_protection_name: String::new(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GitObject {
    #[serde(rename = "type")]
    pub kind: String,
    pub sha: String,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Reference)]
pub struct ReferenceJson {
    #[serde(rename = "ref")]
    pub name: String,
    pub url: String,
    pub object: GitObject,
}

pub fn ref_json(cfg: &HttpConfig, full_name: &str, r: &RefInfo) -> ReferenceJson {
    let api = format!("{}api/v1/repos/{}", cfg.root_url, full_name);
    let kind_path = if r.kind == "tag" { "tags" } else { "commits" };
    ReferenceJson {
        url: format!("{api}/git/{}", r.name),
        object: GitObject {
            kind: r.kind.clone(),
            sha: r.sha.clone(),
            url: format!("{api}/git/{kind_path}/{}", r.sha),
        },
        name: r.name.clone(),
    }
}
