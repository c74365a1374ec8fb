//! The `dbsecrets` binary end to end: the everyday commands against the
//! emulator, failures played by a scripted server, configuration, resilience
//! and TLS. One test binary; each module is one area.

#[path = "../common/mod.rs"]
mod common;

mod acls;
mod canary;
mod config;
mod demo;
mod errors;
mod fast;
mod first_hour;
mod hardening;
mod hostile;
mod official;
mod resilience;
mod roles;
mod scopes;
mod secrets;
mod tls;
