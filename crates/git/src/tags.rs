//! Reading tags in-process with gix: lightweight and annotated, peeled to their commits.

use crate::read::{self, ObjectId, Person};
use oxforge_core::{Error, Result};

fn tag_error(what: &str, detail: impl std::fmt::Display) -> Error {
    tracing::error!(%detail, "reading {what} failed");
    Error::internal(format!("reading {what} failed"))
}

/// An annotated tag object.
#[derive(Debug, Clone)]
pub struct Annotated {
    pub id: ObjectId,
    pub name: String,
    pub target: ObjectId,
    /// `commit`, `tree`, `blob` or `tag`.
    pub target_kind: String,
    pub tagger: Option<Person>,
    pub message: String,
}

/// A tag ref with what it names.
#[derive(Debug, Clone)]
pub struct TagInfo {
    pub name: String,
    /// The tag object (annotated) or the commit (lightweight).
    pub id: ObjectId,
    pub commit: read::CommitInfo,
    pub annotated: Option<Annotated>,
}

impl TagInfo {
    /// The tag's message, or its commit's for a lightweight tag (as Gitea).
    pub fn message(&self) -> &str {
        match &self.annotated {
            Some(a) => &a.message,
            None => &self.commit.message,
        }
    }

    /// When the tag was made: the tagger's time, else the commit's (git's `creatordate`).
    pub fn created(&self) -> i64 {
        self.annotated
            .as_ref()
            .and_then(|a| a.tagger.as_ref())
            .map(|t| t.time)
            .unwrap_or(self.commit.committer.time)
    }
}

/// The annotated tag object `id`, or `None` when it is not one.
pub fn annotated(repo: &gix::Repository, id: ObjectId) -> Result<Option<Annotated>> {
    let Some(obj) = repo
        .try_find_object(id)
        .map_err(|e| tag_error("object", e))?
    else {
        return Ok(None);
    };
    let Ok(tag) = obj.try_into_tag() else {
        return Ok(None);
    };
    let d = tag.decode().map_err(|e| tag_error("tag", e))?;
    let tagger = d.tagger().map_err(|e| tag_error("tag", e))?.map(|s| {
        let t = s.time().unwrap_or_default();
        Person {
            name: s.name.to_string(),
            email: s.email.to_string(),
            time: t.seconds,
            offset: t.offset,
        }
    });
    Ok(Some(Annotated {
        id,
        name: d.name.to_string(),
        target: d.target(),
        target_kind: d.target_kind.to_string(),
        tagger,
        message: d.message.to_string(),
    }))
}

fn tag_info(repo: &gix::Repository, name: String, id: ObjectId) -> Result<Option<TagInfo>> {
    let ann = annotated(repo, id)?;
    let Some(commit_id) = repo
        .find_object(id)
        .ok()
        .and_then(|o| o.peel_to_kind(gix::object::Kind::Commit).ok())
        .map(|c| c.id)
    else {
        return Ok(None);
    };
    let Some(commit) = read::commit(repo, commit_id)? else {
        return Ok(None);
    };
    Ok(Some(TagInfo {
        name,
        id,
        commit,
        annotated: ann,
    }))
}

/// Every tag that names a commit, newest first (git's `-creatordate`), then by name.
pub fn tags(repo: &gix::Repository) -> Result<Vec<TagInfo>> {
    let platform = repo.references().map_err(|e| tag_error("refs", e))?;
    let mut out = Vec::new();
    for r in platform.tags().map_err(|e| tag_error("refs", e))? {
        let r = r.map_err(|e| tag_error("refs", e))?;
        let Some(id) = r.target().try_id().map(|i| i.to_owned()) else {
            continue;
        };
        let name = r.name().shorten().to_string();
        if let Some(t) = tag_info(repo, name, id)? {
            out.push(t);
        }
    }
    out.sort_by(|a, b| b.created().cmp(&a.created()).then(a.name.cmp(&b.name)));
    Ok(out)
}

/// The tag `name`, if it exists and names a commit.
pub fn tag(repo: &gix::Repository, name: &str) -> Result<Option<TagInfo>> {
    let Some(id) = crate::write::ref_id(repo, &format!("refs/tags/{name}"))? else {
        return Ok(None);
    };
    tag_info(repo, name.to_string(), id)
}
