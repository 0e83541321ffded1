//! JSON shapes, one module per resource, mirroring Gitea's swagger definitions.

pub mod branch;
pub mod content;
pub mod issue;
pub mod org;
pub mod repo;
pub mod status;
pub mod token;
pub mod user;
