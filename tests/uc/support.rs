//! The test bed for `uc`: an emulator with Unity Catalog schemas and,
//! optionally, several principals; running the binary as one of them, with
//! stdin or more environment; reading back what the emulator received.

use serde_json::Value;

use crate::common::{Bed, EmulatorOptions, Out, RecordedRequest};

pub const UC: &str = "/api/2.1/unity-catalog/secrets";

/// An open workspace (every token is admin@example.com, a metastore admin)
/// with schema `main.app`; list pages of at most 2.
pub fn bed() -> Bed {
    Bed::with(EmulatorOptions {
        uc_schemas: vec!["main.app".into(), "main.other".into()],
        uc_page_size: Some(2),
        ..EmulatorOptions::default()
    })
}

pub const ADMIN: &str = "admin-token";
pub const ALICE: &str = "alice-token";
pub const BOB: &str = "bob-token";

/// A workspace with principals: root (a metastore admin, owner of
/// `main.app`), alice (in group `eng`) and bob.
pub fn team() -> Bed {
    Bed::with(EmulatorOptions {
        tokens: vec![
            (ADMIN.into(), "root@example.com".into()),
            (ALICE.into(), "alice@example.com".into()),
            (BOB.into(), "bob@example.com".into()),
        ],
        admins: vec!["root@example.com".into()],
        groups: vec![dbsecrets_emulator::GroupConfig {
            name: "eng".into(),
            members: vec!["alice@example.com".into()],
        }],
        uc_schemas: vec!["main.app".into()],
        ..EmulatorOptions::default()
    })
}

/// How to run the binary: arguments, and optionally a token, stdin and
/// more environment.
pub trait Run {
    fn uc(&self, args: &[&str]) -> Out;
    fn uc_as(&self, token: &str, args: &[&str]) -> Out;
    fn uc_stdin(&self, stdin: impl Into<Vec<u8>>, args: &[&str]) -> Out;
    fn uc_env(&self, env: &[(&str, &str)], args: &[&str]) -> Out;
}

impl Run for Bed {
    fn uc(&self, args: &[&str]) -> Out {
        self.run(args)
    }

    fn uc_as(&self, token: &str, args: &[&str]) -> Out {
        self.uc_env(&[("DATABRICKS_TOKEN", token)], args)
    }

    fn uc_stdin(&self, stdin: impl Into<Vec<u8>>, args: &[&str]) -> Out {
        Out::from(
            self.cmd()
                .args(args)
                .write_stdin(stdin)
                .output()
                .expect("runs"),
        )
    }

    fn uc_env(&self, env: &[(&str, &str)], args: &[&str]) -> Out {
        let mut c = self.cmd();
        for (k, v) in env {
            c.env(k, v);
        }
        Out::from(c.args(args).output().expect("runs"))
    }
}

/// What a request was, in short: `METHOD path?query`.
pub fn line(r: &RecordedRequest) -> String {
    match &r.query {
        Some(q) => format!("{} {}?{q}", r.method, r.path),
        None => format!("{} {}", r.method, r.path),
    }
}

/// Every request since the last `clear`, in short, and empties the log.
pub fn sent(bed: &Bed) -> Vec<String> {
    let lines = bed.requests().iter().map(line).collect();
    bed.clear();
    lines
}

/// The body of the only request since the last `clear` (emptying the log).
pub fn only_body(bed: &Bed) -> Value {
    let requests = bed.requests();
    assert_eq!(
        requests.len(),
        1,
        "{:?}",
        requests.iter().map(line).collect::<Vec<_>>()
    );
    bed.clear();
    requests[0].body.clone().unwrap_or(Value::Null)
}

/// Creates `full_name` with `value` through the binary, then forgets the
/// requests.
pub fn put(bed: &Bed, full_name: &str, value: &str, more: &[&str]) {
    let mut args = vec!["uc", "put", full_name, "--value", value];
    args.extend(more);
    bed.uc(&args).success();
    bed.clear();
}

/// A secret's metadata as `uc show -o json` prints it (the log is emptied).
pub fn show(bed: &Bed, full_name: &str) -> Value {
    let out = bed.uc(&["uc", "show", full_name, "-o", "json"]);
    out.success();
    bed.clear();
    out.json()
}

/// The marker the emulator's request log keeps for `value`.
pub fn marker(bed: &Bed, value: &str) -> String {
    bed.emu.emulator().redacted(value)
}

pub fn stored(bed: &Bed, full_name: &str) -> Option<String> {
    bed.emu.emulator().uc_secret_value(full_name)
}

/// A table as the binary prints it to a pipe: columns padded to their
/// widest cell, three spaces apart, no trailing spaces.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut all: Vec<Vec<String>> = vec![headers.iter().map(|h| h.to_string()).collect()];
    all.extend(rows.iter().cloned());
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| all.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in all {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(cells.join("   ").trim_end());
        out.push('\n');
    }
    out
}

/// A field of a JSON object as a table cell (null is empty).
pub fn cell(v: &Value, field: &str) -> String {
    v[field].as_str().unwrap_or_default().to_string()
}
