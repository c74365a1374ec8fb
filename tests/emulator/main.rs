//! The `dbsecrets emulator` subcommand as a real process: its URL line, its
//! flags, its verbose log, SIGTERM, and a refused state file. The emulator's
//! own HTTP tests live in its crate (crates/dbsecrets-emulator/tests/emulator).

mod common;

// These stop the process with SIGTERM (`kill`): Unix only. Elsewhere the
// subcommand stops on Ctrl-C, which a test cannot send, so they are left out.
#[cfg(unix)]
mod chaos;
#[cfg(unix)]
mod http;
mod persist;
