//! `dbsecrets uc …` through the real binary against the emulator's Unity
//! Catalog (127.0.0.1, port 0): every command, flag and alias, the exact
//! output and exit code, the requests the emulator received, the access model
//! with several principals, and that no value leaks.

#[path = "../common/mod.rs"]
mod common;

mod access;
mod canary;
mod commands;
mod errors;
mod grants;
mod odd;
mod process;
mod support;
