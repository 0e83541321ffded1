//! Domain types and rules of oxforge: no I/O lives here.

pub mod access;
pub mod duration;
pub mod error;
pub mod events;
pub mod issues;
pub mod model;
pub mod names;
pub mod paging;
pub mod query;
pub mod scope;
pub mod secret;
pub mod settings;
pub mod statuses;
pub mod time;

pub use error::{Error, ErrorKind, Result};
