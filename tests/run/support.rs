//! The bed for `run`: an emulator with a scope and a Unity Catalog schema
//! holding known values, and ways to run the binary with more environment.

use std::path::PathBuf;

use crate::common::{Bed, EmulatorOptions, Out};

/// The values of the bed; each at least 4 bytes, so that masking applies.
pub const DB_PASSWORD: &str = "pg-Secret-4242";
pub const API_KEY: &str = "sk-live-ABCDEF";
pub const UC_TOKEN: &str = "uc-token-9876";

pub const DB_REF: &str = "{{secrets/app/db-password}}";
pub const API_REF: &str = "{{secrets/app/api-key}}";
pub const UC_REF: &str = "{{secrets/main.app.token}}";

/// Scope `app` with `db-password` and `api-key`; Unity Catalog secret
/// `main.app.token`.
pub fn bed() -> Bed {
    bed_with(EmulatorOptions::default())
}

pub fn bed_with(opts: EmulatorOptions) -> Bed {
    let bed = Bed::with(EmulatorOptions {
        uc_schemas: vec!["main.app".into()],
        ..opts
    });
    bed.scope_with("app", &[("db-password", DB_PASSWORD), ("api-key", API_KEY)]);
    bed.run(&["uc", "put", "main.app.token", "--value", UC_TOKEN])
        .success();
    bed.clear();
    bed
}

/// Runs `dbsecrets ARGS` with more environment variables.
pub fn run_env(bed: &Bed, env: &[(&str, &str)], args: &[&str]) -> Out {
    let mut c = bed.cmd();
    for (k, v) in env {
        c.env(k, v);
    }
    Out::from(c.args(args).output().expect("runs"))
}

/// A file in the bed's temporary HOME.
pub fn file(bed: &Bed, name: &str, text: &str) -> PathBuf {
    let p = bed.home.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// A path in HOME where a command may leave a marker (to prove it ran).
pub fn marker(bed: &Bed) -> PathBuf {
    bed.home.path().join("the-command-ran")
}

/// How many requests went to read values: (Secrets API gets, Unity Catalog gets).
pub fn reads(bed: &Bed) -> (usize, usize) {
    let requests = bed.requests();
    let scope = requests
        .iter()
        .filter(|r| r.path == "/api/2.0/secrets/get")
        .count();
    let uc = requests
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/api/2.1/unity-catalog/secrets/"))
        .count();
    (scope, uc)
}

/// No value of the bed appears in `text`.
#[track_caller]
pub fn no_value_in(text: &str) {
    for v in [DB_PASSWORD, API_KEY, UC_TOKEN] {
        assert!(!text.contains(v), "a value leaked: {text:?}");
    }
}
