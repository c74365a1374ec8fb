//! Fault injection for the bulk tests. It used to be a middleware in front of
//! the emulator; the emulator now does all of it itself, so this only
//! re-exports its API:
//!
//! - a per-request plan: `Emulator::set_fault_plan(|r: &FaultRequest| ...)`
//!   sees `r.method`, `r.path`, `r.key` (JSON body or query) and `r.nth` (the
//!   how-many-th request for that path and key), and returns a `Fault`
//!   (`Fault::error(status, code, message)`, `Fault::throttled(retry_after)`,
//!   …) or `None`; `clear_fault_plan` ends it;
//! - slow answers: `Emulator::set_delay_for(PUT, duration)`;
//! - the arrivals log: `Emulator::requests()` (each with `key`, `status` and
//!   `arrived_at`), `count_requests(path)` (in flight included),
//!   `clear_requests()` (which also restarts `nth`), and [`max_in_window`]
//!   for the peak rate.
#![allow(dead_code, unused_imports)]

pub use dbsecrets_emulator::{max_in_window, Fault, FaultRequest};

pub const PUT: &str = "/api/2.0/secrets/put";
