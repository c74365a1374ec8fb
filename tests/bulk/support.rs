//! What the bulk tests share: files, the report parser, a second workspace.

use std::path::{Path, PathBuf};

use crate::common::*;

/// Where puts go.
pub const PUT: &str = "/api/2.0/secrets/put";

pub const LIST: &str = "/api/2.0/secrets/list";

pub fn write(dir: &Path, name: &str, text: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

pub fn posts(bed: &Bed) -> Vec<RecordedRequest> {
    bed.requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect()
}

/// (key, action, result) of a JSON report, sorted by key.
pub fn report(out: &Out) -> Vec<(String, String, String)> {
    let mut rows: Vec<_> = out
        .json()
        .as_array()
        .expect("the report is an array")
        .iter()
        .map(|r| {
            let s = |f: &str| r[f].as_str().unwrap_or_default().to_string();
            (s("key"), s("action"), s("result"))
        })
        .collect();
    rows.sort();
    rows
}

pub fn row(k: &str, a: &str, r: &str) -> (String, String, String) {
    (k.into(), a.into(), r.into())
}

pub fn exported_bytes(bed: &Bed, scope: &str) -> Vec<u8> {
    bed.run(&["export", scope]).success().stdout_bytes.clone()
}

pub fn two_workspaces() -> (Bed, BackgroundEmulator) {
    let bed = Bed::new();
    let dst = BackgroundEmulator::start(EmulatorOptions::default()).unwrap();
    bed.write_config(&format!(
        "[SRC]\nhost = {}\ntoken = {TOKEN}\n\n[DST]\nhost = {}\ntoken = {TOKEN}\n",
        bed.url(),
        dst.url()
    ));
    (bed, dst)
}

pub fn numbered_env(dir: &Path, n: usize) -> PathBuf {
    let text: String = (0..n).map(|i| format!("k{i:03}=value-{i}\n")).collect();
    write(dir, "many.env", text.as_bytes())
}

/// Every dotenv feature: comments, `export`, single and double quotes, escapes,
/// multi-line values, spaces around `=`, trailing comments and ${VAR} references.
pub const DOTENV: &str = r#"# application secrets
DB_HOST=db.internal # trailing comment
export API_TOKEN=sk-live-123
SINGLE='literal $HOME and "quotes" \n stay'
DOUBLE="tab	and \"escaped\" \\ and \$dollar"
MULTI="-----BEGIN KEY-----
line two
-----END KEY-----"
ESCAPED_NL="a\nb"
SPACED = 'around equals'
URL="postgres://${DB_HOST}:5432/app"
"#;

pub const EXPECTED: &[(&str, &str)] = &[
    ("DB_HOST", "db.internal"),
    ("API_TOKEN", "sk-live-123"),
    ("SINGLE", "literal $HOME and \"quotes\" \\n stay"),
    ("DOUBLE", "tab\tand \"escaped\" \\ and $dollar"),
    ("MULTI", "-----BEGIN KEY-----\nline two\n-----END KEY-----"),
    ("ESCAPED_NL", "a\nb"),
    ("SPACED", "around equals"),
    ("URL", "postgres://db.internal:5432/app"),
];
