//! The bulk commands (import, export, copy, sync) through the binary: round
//! trips through the emulator, partial failure, throttling and interruption
//! (the emulator's fault plan injects the faults).

#[path = "../common/mod.rs"]
mod common;

mod copy;
mod export;
mod hardening;
mod import;
mod leaks;
mod runner;
mod support;
mod sync;
