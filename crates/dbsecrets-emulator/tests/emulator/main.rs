//! The emulator's own tests, over HTTP: the wire contract of secrets-api.md
//! and uc-secrets.md,
//! ACL enforcement, persistence, chaos and fault plans, and the OAuth endpoints.
//! (Tests that run the `dbsecrets emulator` process live in the root
//! package's tests/emulator.)

mod common;

mod acl;
mod api;
mod chaos;
mod http;
mod oauth;
mod persist;
mod uc;
