//! Running `dbsecrets emulator` as a process, and a small async client that
//! checks what every response must be (JSON) and hands back status and body.

#![allow(dead_code)]

#[path = "../../../crates/dbsecrets-emulator/tests/emulator/common/answers.rs"]
mod answers;
// Tests that use these run on Unix only (they send signals).
#[allow(unused_imports)]
pub use answers::*;

pub const TOKEN: &str = "Bearer dapi-test-token";

/// `dbsecrets emulator`, for tests that run the server as a real process.
pub fn emulator_command() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_dbsecrets"));
    c.arg("emulator");
    c
}
