//! What the migrate tests share: a workspace with Unity Catalog schemas, a
//! scope seeded through the binary, and readers of the emulator's state.

use std::path::Path;

use base64::Engine;
use serde_json::{json, Value};

use crate::common::{Bed, EmulatorOptions, Out, RecordedRequest};

pub const UC: &str = "/api/2.1/unity-catalog/secrets";

/// An open workspace (every token is admin@example.com, a metastore admin)
/// with the schemas `main.app` and `main.other`.
pub fn bed() -> Bed {
    bed_with(EmulatorOptions::default())
}

pub fn bed_with(opts: EmulatorOptions) -> Bed {
    Bed::with(EmulatorOptions {
        uc_schemas: vec!["main.app".into(), "main.other".into()],
        ..opts
    })
}

/// Runs the binary with `args`, fast: a high rate limit.
pub fn run(bed: &Bed, args: &[&str]) -> Out {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--rate-limit", "2000"]);
    bed.run(&all)
}

/// Creates `scope` holding `secrets` (binary values too) through `import`,
/// then forgets the requests.
pub fn seed(bed: &Bed, scope: &str, secrets: &[(String, Vec<u8>)]) {
    let mut object = serde_json::Map::new();
    for (k, v) in secrets {
        let value = match std::str::from_utf8(v) {
            Ok(text) => json!(text),
            Err(_) => {
                json!({ "value_base64": base64::engine::general_purpose::STANDARD.encode(v) })
            }
        };
        object.insert(k.clone(), value);
    }
    let file = bed.home.path().join(format!("{scope}-seed.json"));
    std::fs::write(&file, Value::Object(object).to_string()).unwrap();
    run(
        bed,
        &[
            "import",
            scope,
            file.to_str().unwrap(),
            "--create-scope",
            "-q",
        ],
    )
    .success();
    bed.clear();
}

/// Text secrets, for `seed`.
pub fn texts(pairs: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect()
}

pub fn acl(bed: &Bed, scope: &str, principal: &str, permission: &str) {
    bed.run(&["put-acl", scope, principal, permission, "-q"])
        .success();
    bed.clear();
}

/// The requests that changed something (neither GET nor HEAD).
pub fn writes(requests: &[RecordedRequest]) -> Vec<String> {
    requests
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

/// The stored value of a Unity Catalog secret.
pub fn stored(bed: &Bed, full_name: &str) -> Option<String> {
    bed.emu.emulator().uc_secret_value(full_name)
}

/// `uc list SCHEMA -o json`: full name -> comment.
pub fn comments(bed: &Bed, schema: &str) -> Vec<(String, String)> {
    let out = bed.run(&["uc", "list", schema, "-o", "json"]);
    out.success();
    bed.clear();
    out.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["full_name"].as_str().unwrap().to_string(),
                s["comment"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// `uc grants NAME -o json`.
pub fn grants(bed: &Bed, name: &str) -> Value {
    let out = bed.run(&["uc", "grants", name, "-o", "json"]);
    out.success();
    bed.clear();
    out.json()
}

/// The names created (one POST each), in the order they arrived.
pub fn created(requests: &[RecordedRequest]) -> Vec<String> {
    requests
        .iter()
        .filter(|r| r.method == "POST" && r.path == UC && r.status == 200)
        .map(|r| {
            r.body.as_ref().unwrap()["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

pub fn write_file(dir: &Path, name: &str, text: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}
