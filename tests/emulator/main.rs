//! The emulator's own tests, over HTTP: the wire contract of secrets-api.md,
//! ACL enforcement, persistence, chaos and fault plans, and the OAuth endpoints.

mod common;

mod acl;
mod api;
mod chaos;
mod http;
mod oauth;
mod persist;
