//! Service-level tests: the use cases' rules, with actors obtained as front ends obtain
//! them, on SQLite or (with `OXFORGE_TEST_POSTGRES_URL`) PostgreSQL. One test binary, one
//! module per subject.

mod archived;
mod common;
mod credentials;
mod event_emission;
mod events_durable;
mod issue_rules;
mod repo_rules;
