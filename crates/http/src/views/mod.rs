//! JSON shapes, one module per resource, mirroring Gitea's swagger definitions.

pub mod branch;
pub mod content;
pub mod file_edit;
pub mod issue;
pub mod org;
pub mod repo;
pub mod status;
pub mod tag;
pub mod token;
pub mod user;
