//! import, export, copy and sync on `uc:CATALOG.SCHEMA`: each round-trips,
//! with the same reports, and Unity Catalog's rules checked in their plans.

use serde_json::{json, Value};

use crate::common::*;
use crate::support::*;

/// (key, action, result) of a bulk report.
fn report(out: &Out) -> Vec<(String, String, String)> {
    let mut rows: Vec<_> = out
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |f: &str| r[f].as_str().unwrap_or_default().to_string();
            (s("key"), s("action"), s("result"))
        })
        .collect();
    rows.sort();
    rows
}

fn row(k: &str, a: &str, r: &str) -> (String, String, String) {
    (k.into(), a.into(), r.into())
}

#[test]
fn import_then_export_round_trips_through_a_schema() {
    let bed = bed();
    let env = write_file(
        bed.home.path(),
        "app.env",
        b"DB_HOST=db.internal\nexport API_TOKEN=sk-live-123\nMULTI=\"a\nb\"\n",
    );
    let file = env.to_str().unwrap();
    let out = run(
        &bed,
        &["import", "uc:main.app", file, "--dry-run", "-o", "json"],
    );
    out.success();
    assert_eq!(
        report(&out),
        [
            row("API_TOKEN", "add", "dry-run"),
            row("DB_HOST", "add", "dry-run"),
            row("MULTI", "add", "dry-run")
        ]
    );
    assert_eq!(
        out.stderr,
        "Dry run of import into schema 'main.app': 3 to add; nothing was sent.\n"
    );
    assert_eq!(writes(&bed.requests()), Vec::<String>::new());

    let out = run(&bed, &["import", "uc:main.app", file]);
    out.success();
    assert_eq!(out.stderr, "Import into schema 'main.app': 3 added.\n");
    assert_eq!(
        stored(&bed, "main.app.db_host").as_deref(),
        Some("db.internal")
    );
    assert_eq!(stored(&bed, "main.app.multi").as_deref(), Some("a\nb"));
    // Again: the same keys are updates (Unity Catalog names ignore case).
    let out = run(&bed, &["import", "uc:main.app", file, "-o", "json"]);
    out.success();
    assert!(report(&out).iter().all(|r| r.1 == "update" && r.2 == "ok"));
    assert!(bed
        .requests()
        .iter()
        .any(|r| r.method == "PATCH" && r.query.as_deref() == Some("update_mask=value")));

    let out = run(&bed, &["export", "uc:main.app", "--format", "json"]);
    out.success();
    assert_eq!(
        out.json(),
        json!({"api_token": "sk-live-123", "db_host": "db.internal", "multi": "a\nb"})
    );
    // export -> import into a scope: the same values.
    let exported = write_file(bed.home.path(), "out.json", &out.stdout_bytes);
    run(
        &bed,
        &[
            "import",
            "copy",
            exported.to_str().unwrap(),
            "--create-scope",
            "-q",
        ],
    )
    .success();
    assert_eq!(
        bed.emu.emulator().secret_bytes("copy", "multi").unwrap(),
        b"a\nb"
    );
}

#[test]
fn sync_makes_a_schema_hold_exactly_a_file() {
    let bed = bed();
    for (n, v) in [("same", "1"), ("changed", "old"), ("extra", "x")] {
        bed.run(&["uc", "put", &format!("main.app.{n}"), "--value", v])
            .success();
    }
    bed.clear();
    let env = write_file(
        bed.home.path(),
        "want.env",
        b"same=1\nchanged=new\nADDED=2\n",
    );
    let file = env.to_str().unwrap();
    let out = run(
        &bed,
        &[
            "sync",
            "uc:main.app",
            file,
            "--prune",
            "--dry-run",
            "-o",
            "json",
        ],
    );
    out.success();
    assert_eq!(
        report(&out),
        [
            row("ADDED", "add", "dry-run"),
            row("changed", "update", "dry-run"),
            row("extra", "delete", "dry-run"),
            row("same", "unchanged", "dry-run"),
        ]
    );
    assert_eq!(writes(&bed.requests()), Vec::<String>::new());
    let out = run(&bed, &["sync", "uc:main.app", file, "--prune"]);
    out.success();
    assert_eq!(
        out.stderr,
        "Sync of schema 'main.app': 1 added, 1 updated, 1 deleted, 1 unchanged.\n"
    );
    assert_eq!(stored(&bed, "main.app.added").as_deref(), Some("2"));
    assert_eq!(stored(&bed, "main.app.changed").as_deref(), Some("new"));
    assert_eq!(stored(&bed, "main.app.extra"), None);
    let out = run(&bed, &["sync", "uc:main.app", file, "--prune"]);
    out.success();
    assert_eq!(out.stderr, "Sync of schema 'main.app': 3 unchanged.\n");
}

#[test]
fn copy_between_scopes_and_schemas_in_every_direction() {
    let bed = bed();
    seed(
        &bed,
        "src",
        &texts(&[("API_KEY", "k1"), ("db-password", "p w")]),
    );
    // scope -> schema
    let out = run(&bed, &["copy", "src", "uc:main.app", "-o", "json"]);
    out.success();
    assert_eq!(
        report(&out),
        [row("API_KEY", "add", "ok"), row("db-password", "add", "ok")]
    );
    assert_eq!(
        out.stderr,
        "Copy of scope 'src' to schema 'main.app': 2 added.\n"
    );
    assert_eq!(stored(&bed, "main.app.api_key").as_deref(), Some("k1"));
    // schema -> schema
    let out = run(&bed, &["copy", "uc:main.app", "uc:main.other"]);
    out.success();
    assert_eq!(
        stored(&bed, "main.other.db-password").as_deref(),
        Some("p w")
    );
    // schema -> scope, with --create-scope and then --skip-existing
    let out = run(
        &bed,
        &[
            "copy",
            "uc:main.other",
            "back",
            "--create-scope",
            "-o",
            "json",
        ],
    );
    out.success();
    assert_eq!(
        bed.emu.emulator().secret_bytes("back", "api_key").unwrap(),
        b"k1"
    );
    let out = run(
        &bed,
        &[
            "copy",
            "uc:main.other",
            "back",
            "--skip-existing",
            "-o",
            "json",
        ],
    );
    out.success();
    assert_eq!(
        report(&out),
        [
            row("api_key", "skip", "ok"),
            row("db-password", "skip", "ok")
        ]
    );
    // Copying a schema onto itself is refused.
    run(&bed, &["copy", "uc:main.app", "uc:Main.App"])
        .fails(2)
        .stderr_has("to itself");
}

#[test]
fn unity_catalog_rules_are_checked_before_anything_is_sent() {
    let bed = bed();
    seed(
        &bed,
        "dotted",
        &[
            ("db.host".into(), b"h".to_vec()),
            ("bin".into(), vec![0xff]),
        ],
    );
    let out = run(&bed, &["copy", "dotted", "uc:main.app"]);
    out.fails(2);
    assert!(out.stderr.starts_with("error: 1 key of scope 'dotted' is not a valid name in schema 'main.app': nothing was sent\n"), "{}", out.stderr);
    assert_eq!(writes(&bed.requests()), Vec::<String>::new());
    bed.clear();

    let json_file = write_file(
        bed.home.path(),
        "bad.json",
        br#"{"a.b": "x", "bin": {"value_base64": "/w=="}, "ok": "y"}"#,
    );
    let out = run(
        &bed,
        &["import", "uc:main.app", json_file.to_str().unwrap()],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("bad.json: 2 entries that schema 'main.app' cannot hold; nothing was sent\n"),
        "{}",
        out.stderr
    );
    assert!(out
        .stderr
        .contains("  key 'a.b': invalid secret name 'a.b': it contains '.'"));
    assert!(out
        .stderr
        .contains("(`dbsecrets migrate` renames keys with '.' to '_')"));
    assert!(out
        .stderr
        .contains("  key 'bin': the value is not UTF-8 text"));
    assert!(bed.requests().is_empty(), "nothing sent");

    run(
        &bed,
        &[
            "import",
            "uc:main.app",
            json_file.to_str().unwrap(),
            "--create-scope",
        ],
    )
    .fails(2)
    .stderr_has("--create-scope creates workspace scopes only");
    run(&bed, &["copy", "dotted", "uc:main.app", "--with-acls"])
        .fails(2)
        .stderr_has("migrate SCOPE CATALOG.SCHEMA --with-grants");
    run(&bed, &["export", "uc:main"]).fails(2);
    assert_eq!(
        run(
            &bed,
            &["import", "uc:main.nope", json_file.to_str().unwrap()]
        )
        .code,
        2
    );
    // A binary value found while copying fails that key only.
    seed(
        &bed,
        "mixed",
        &[("t".into(), b"text".to_vec()), ("bin".into(), vec![0xff])],
    );
    let out = run(&bed, &["copy", "mixed", "uc:main.app", "-o", "json"]);
    assert_eq!(out.code, 1);
    let rows: Vec<Value> = out.json().as_array().unwrap().clone();
    assert_eq!(rows[0]["key"], "bin");
    assert_eq!(rows[0]["result"], "failed");
    assert!(rows[0]["error"]
        .as_str()
        .unwrap()
        .contains("--binary base64"));
    assert_eq!(stored(&bed, "main.app.t").as_deref(), Some("text"));
}

#[test]
fn a_missing_schema_stops_every_verb_before_any_write() {
    let bed = bed();
    let env = write_file(bed.home.path(), "a.env", b"a=1\n");
    for args in [
        vec!["import", "uc:main.nope", env.to_str().unwrap()],
        vec!["export", "uc:main.nope"],
        vec!["sync", "uc:main.nope", env.to_str().unwrap()],
    ] {
        let out = run(&bed, &args);
        out.fails(3).stderr_has("schema 'main.nope'");
    }
    assert_eq!(writes(&bed.requests()), Vec::<String>::new());
}
