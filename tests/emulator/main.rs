//! The `dbsecrets emulator` subcommand as a real process: its URL line, its
//! flags, its verbose log, SIGTERM, and a refused state file. The emulator's
//! own HTTP tests live in its crate (crates/dbsecrets-emulator/tests/emulator).

mod common;

mod chaos;
mod http;
mod persist;
