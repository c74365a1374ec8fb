//! Refusals: names and values checked before any request (exit 2, nothing
//! sent), and the server's 404 and 409 as exit codes 3 and 5 with a message
//! naming the object; the workspace id header.

use crate::support::{bed, put, sent, stored, Run};

const RULE: &str =
    "Unity Catalog names are 1 to 255 characters, without '.', spaces, '/' or control characters";

#[test]
fn names_are_checked_before_any_request() {
    let bed = bed();
    let long = format!("main.app.{}", "x".repeat(256));
    let cases: Vec<(String, String)> = vec![
        ("main.app".into(), "error: 'main.app' names a schema, not a secret: write CATALOG.SCHEMA.SECRET".into()),
        ("main.app.a b".into(), format!("error: invalid secret name 'a b': it contains ' '; {RULE}")),
        ("main.app.a/b".into(), format!("error: invalid secret name 'a/b': it contains '/'; {RULE}")),
        ("main..k".into(), format!("error: invalid schema name '': it is empty; {RULE}")),
        ("main.app.k.x".into(), "error: invalid Unity Catalog name 'main.app.k.x': it has 4 parts; write CATALOG, CATALOG.SCHEMA or CATALOG.SCHEMA.SECRET".into()),
        (long, format!("error: invalid secret name '{}': it is 256 characters long; {RULE}", "x".repeat(40))),
        ("main.app.a\u{1}".into(), format!("error: invalid secret name 'a?': it contains '\\u{{1}}'; {RULE}")),
        ("main.app.a\u{7f}".into(), format!("error: invalid secret name 'a?': it contains '\\u{{7f}}'; {RULE}")),
    ];
    for (name, message) in &cases {
        for command in [
            vec!["uc", "put", name, "--value", "v"],
            vec!["uc", "get", name],
            vec!["uc", "show", name],
            vec!["uc", "update", name, "--comment", "c"],
            vec!["uc", "delete", name],
            vec!["uc", "delete", name, "--if-exists"],
            vec!["uc", "create-secret", name, "--value", "v"],
        ] {
            let out = bed.uc(&command);
            out.fails(2);
            assert_eq!(out.stderr, format!("{message}\n"), "{command:?}");
        }
    }
    for (command, message) in [
        (vec!["uc", "list", "main"], "error: 'main' names a catalog, not a schema: write CATALOG.SCHEMA"),
        (vec!["uc", "list", "main.app.k"], "error: 'main.app.k' names a secret, not a schema: write CATALOG.SCHEMA"),
        (vec!["uc", "grants", "a.b.c.d"], "error: invalid Unity Catalog name 'a.b.c.d': it has 4 parts; write CATALOG, CATALOG.SCHEMA or CATALOG.SCHEMA.SECRET"),
        (vec!["uc", "grant", "main.a b", "sp", "READ_SECRET"], "error: invalid schema name 'a b': it contains ' '; Unity Catalog names are 1 to 255 characters, without '.', spaces, '/' or control characters"),
        (vec!["uc", "revoke", "", "sp", "READ_SECRET"], "error: invalid catalog name '': it is empty; Unity Catalog names are 1 to 255 characters, without '.', spaces, '/' or control characters"),
        (vec!["uc", "grant", "main", " ", "READ_SECRET"], "error: the principal is empty: give a user name, a service principal's application id or a group name"),
        (vec!["uc", "grant", "main", "sp", "read!secret"], "error: invalid privilege 'read!secret': write it as in SQL (READ SECRET) or as the API does (READ_SECRET)"),
        (vec!["uc", "revoke", "main", "sp", ""], "error: invalid privilege '': write it as in SQL (READ SECRET) or as the API does (READ_SECRET)"),
    ] {
        let out = bed.uc(&command);
        out.fails(2);
        assert_eq!(out.stderr, format!("{message}\n"), "{command:?}");
    }
    for bad in [
        &["uc", "list", "--page-size", "0"][..],
        &["uc", "list", "--page-size", "1001"],
        &["uc", "grant", "main", "sp"],
    ] {
        bed.uc(bad).fails(2);
    }
    assert!(sent(&bed).is_empty(), "nothing was sent");
}

const VALUE_HINT: &str = "hint: Unity Catalog secrets hold UTF-8 text of 1 byte to 60 KiB; store binary data base64-encoded, or use a workspace scope (`dbsecrets put`), which takes 128 KiB of any bytes\n";

#[test]
fn values_over_60_kib_empty_or_not_utf8_are_refused_before_sending() {
    let bed = bed();
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big");
    std::fs::write(&big, "x".repeat(61_441)).unwrap();
    let binary = dir.path().join("binary");
    std::fs::write(&binary, [0xffu8, 0xfe, b'a']).unwrap();
    let too_big = format!("error: the secret value is 61441 bytes; Unity Catalog accepts at most 61440 bytes (60 KiB)\n{VALUE_HINT}");
    let file_too_big = format!("error: the secret value in the value file {} is larger than 61440 bytes; Unity Catalog accepts at most 61440 bytes (60 KiB): nothing was sent\n{VALUE_HINT}", big.display());
    let not_text = format!("error: the value is not UTF-8 text: Unity Catalog secrets hold text only (encode binary data, e.g. as base64, first)\n{VALUE_HINT}");
    let big_arg = "x".repeat(61_441);
    for (out, expected) in [
        (bed.uc(&["uc", "put", "main.app.k", "--value-file", big.to_str().unwrap()]), &file_too_big),
        (bed.uc(&["uc", "put", "main.app.k", "--value", &big_arg]), &too_big),
        (bed.uc_stdin(format!("{}\n", "€".repeat(20_481)), &["uc", "put", "main.app.k"]), &format!("error: the secret value in standard input is larger than 61440 bytes; Unity Catalog accepts at most 61440 bytes (60 KiB): nothing was sent\n{VALUE_HINT}")),
        (bed.uc(&["uc", "put", "main.app.k", "--value-file", binary.to_str().unwrap()]), &not_text),
        (bed.uc_stdin(vec![0xffu8, b'\n'], &["uc", "put", "main.app.k"]), &not_text),
        (bed.uc(&["uc", "put", "main.app.k", "--value", ""]), &format!("error: the secret value is empty: an empty secret is refused\n{VALUE_HINT}")),
    ] {
        out.fails(2);
        assert_eq!(&out.stderr, expected);
    }
    bed.uc_stdin("", &["uc", "put", "main.app.k"])
        .fails(2)
        .stderr_has("error: no value given: standard input is empty");
    assert!(sent(&bed).is_empty(), "nothing was sent");
    assert_eq!(stored(&bed, "main.app.k"), None);
}

#[test]
fn missing_things_exit_3_naming_them() {
    let bed = bed();
    let hint = "hint: see the secrets of the schema with `dbsecrets uc list main.app`\n";
    for (command, doing) in [
        (
            vec!["uc", "get", "main.app.nope"],
            "cannot read secret 'main.app.nope'",
        ),
        (
            vec!["uc", "show", "main.app.nope"],
            "cannot show secret 'main.app.nope'",
        ),
        (
            vec!["uc", "update", "main.app.nope", "--comment", "c"],
            "cannot update secret 'main.app.nope'",
        ),
        (
            vec!["uc", "grants", "main.app.nope"],
            "cannot read the grants on secret 'main.app.nope'",
        ),
        (
            vec!["uc", "grant", "main.app.nope", "sp", "read secret"],
            "cannot grant sp READ_SECRET on secret 'main.app.nope'",
        ),
    ] {
        let out = bed.uc(&command);
        out.fails(3);
        assert_eq!(
            out.stderr,
            format!("error: {doing}: RESOURCE_DOES_NOT_EXIST: Secret 'main.app.nope' does not exist. (HTTP 404)\n{hint}"),
            "{command:?}"
        );
    }
    let out = bed.uc(&["uc", "put", "main.nope.k", "--value", "v"]);
    out.fails(3);
    assert_eq!(
        out.stderr,
        "error: cannot create secret 'main.nope.k': RESOURCE_DOES_NOT_EXIST: Schema 'main.nope' does not exist. (HTTP 404)\nhint: check that schema 'main.nope' exists and that you can use it (USE CATALOG, USE SCHEMA); schemas are created in Unity Catalog itself (CREATE SCHEMA)\n"
    );
    let out = bed.uc(&["uc", "list", "nope.x"]);
    out.fails(3);
    assert_eq!(
        out.stderr,
        "error: cannot list the secrets of schema 'nope.x': RESOURCE_DOES_NOT_EXIST: Catalog 'nope' does not exist. (HTTP 404)\nhint: check the name of schema 'nope.x'\n"
    );
    bed.uc(&["uc", "grants", "nope"])
        .fails(3)
        .stderr_has("Catalog 'nope' does not exist.");
}

#[test]
fn an_existing_secret_is_exit_5_only_with_no_overwrite() {
    let bed = bed();
    put(&bed, "main.app.k", "v", &[]);
    bed.uc(&[
        "uc",
        "create-secret",
        "main.app.k",
        "--value",
        "x",
        "--no-overwrite",
    ])
    .fails(5);
    assert_eq!(stored(&bed, "main.app.k").as_deref(), Some("v"));
}

#[test]
fn the_workspace_id_is_sent_on_every_call_when_configured() {
    let bed = bed();
    let env = [("DATABRICKS_WORKSPACE_ID", "1234567890")];
    bed.uc_env(&env, &["uc", "put", "main.app.k", "--value", "v"])
        .success();
    bed.uc_env(&env, &["uc", "put", "main.app.k", "--value", "v2"])
        .success();
    bed.uc_env(&env, &["uc", "get", "main.app.k"]).success();
    bed.uc_env(&env, &["uc", "list"]).success();
    bed.uc_env(&env, &["uc", "grant", "main.app.k", "sp", "READ_SECRET"])
        .success();
    bed.uc_env(&env, &["uc", "grants", "main.app.k", "--effective"])
        .success();
    bed.uc_env(&env, &["uc", "delete", "main.app.k"]).success();
    let requests = bed.requests();
    assert_eq!(requests.len(), 8);
    for r in &requests {
        assert_eq!(
            (r.workspace_id.as_deref(), r.org_id.as_deref()),
            (Some("1234567890"), None),
            "{} {}",
            r.method,
            r.path
        );
    }
    bed.clear();
    bed.uc(&["uc", "list"]).success();
    assert_eq!(
        bed.requests()[0].workspace_id,
        None,
        "not sent when not configured"
    );
    // auth describe shows it, and where it came from.
    let out = bed.uc_env(&env, &["auth", "describe"]);
    out.success();
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with("workspace_id "))
        .expect("a workspace_id line");
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words[..2], ["workspace_id", "1234567890"]);
    assert!(
        line.ends_with("environment variable DATABRICKS_WORKSPACE_ID"),
        "{line}"
    );
    let json = bed.uc_env(&env, &["auth", "describe", "-o", "json"]).json();
    let setting = json["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "workspace_id")
        .cloned();
    assert_eq!(
        setting.map(|s| s["value"].clone()),
        Some(serde_json::json!("1234567890"))
    );
}
