//! `dbsecrets migrate` and the bulk verbs on `uc:CATALOG.SCHEMA` through the
//! real binary against the emulator, both services in one state: the exact
//! plan, report and final Unity Catalog state (names, values byte for byte,
//! comments, grants), the requests the emulator received, blocking problems,
//! dry runs, interruption and re-runs, chaos, the notebook-only path and
//! `--values-file`, `--delete-source`, two workspaces.

#[path = "../common/mod.rs"]
mod common;

mod bulk_uc;
mod cleanup;
mod full;
mod grants;
mod leaks;
mod plan;
mod resume;
mod sources;
mod support;
