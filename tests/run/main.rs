//! `dbsecrets run`, `inject` and `refs` through the real binary against the
//! emulator: what the command sees, what it prints (masked), how it ends, what
//! is written, and that no value leaks into dbsecrets' own output.

#[path = "../common/mod.rs"]
mod common;

mod inject;
mod leaks;
#[cfg(unix)]
mod masking;
#[cfg(unix)]
mod process;
mod refs;
#[cfg_attr(not(unix), allow(dead_code))]
mod support;
