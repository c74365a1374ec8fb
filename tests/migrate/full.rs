//! A scope of 50 keys (mixed case, dots, a binary value, a 100 KiB value) and
//! three ACLs migrates: the exact plan, report, requests and final state.

use serde_json::{json, Value};

use crate::common::*;
use crate::support::*;

/// The 50 keys of the scope and their values.
fn secrets() -> Vec<(String, Vec<u8>)> {
    let mut s: Vec<(String, Vec<u8>)> = (0..44)
        .map(|i| {
            let key = match i % 4 {
                0 => format!("App.Setting{i:02}"),
                1 => format!("API_TOKEN_{i:02}"),
                2 => format!("db.host.{i:02}"),
                _ => format!("plain-{i:02}"),
            };
            (
                key,
                format!("välue {i}: \"quoted\"\nline two\t").into_bytes(),
            )
        })
        .collect();
    s.push(("blob".into(), vec![0xff, 0xfe, 0, 1, 2]));
    s.push(("big".into(), vec![b'x'; 100 * 1024]));
    s.push(("Db.Password".into(), b"hunter2".to_vec()));
    s.push(("UPPER".into(), b"U".to_vec()));
    s.push(("mixed.Case.Key".into(), "ünïcode ✓".as_bytes().to_vec()));
    s.push(("lower_ok".into(), b"l".to_vec()));
    s
}

/// The plan's row of a key, by the rules of the issue, with `result`.
fn row(key: &str, result: &str) -> Value {
    let name = key.to_lowercase().replace('.', "_");
    let (action, reason) = match key {
        "blob" => ("skip", "binary value (5 bytes, not UTF-8 text): Unity Catalog holds text; --binary base64 stores it as base64 text".to_string()),
        "big" => ("skip", "value of 102400 bytes, over Unity Catalog's limit of 61440 (60 KiB)".to_string()),
        _ => {
            let mut how = Vec::new();
            if key.to_lowercase() != key {
                how.push("lower case");
            }
            if key.contains('.') {
                how.push("'.' -> '_'");
            }
            let reason = if how.is_empty() { String::new() } else { format!("renamed: {}", how.join(", ")) };
            ("add", reason)
        }
    };
    let result = match (action, result) {
        ("skip", _) => "skipped",
        (_, "dry-run") => "dry-run",
        _ if name != key => "renamed",
        _ => "migrated",
    };
    json!({"key": key, "name": format!("main.app.{name}"), "action": action, "result": result, "reason": reason})
}

fn sorted_keys() -> Vec<String> {
    let mut keys: Vec<String> = secrets().into_iter().map(|(k, _)| k).collect();
    keys.sort_by_key(|k| k.to_ascii_lowercase());
    keys
}

fn grant_rows(result: &str) -> Value {
    let listing = "Unity Catalog lists a schema's secrets only to their owners and MANAGE holders: READ holders read each one by name";
    json!([
        {"principal": "admin@example.com", "permission": "MANAGE", "grantee": "admin@example.com",
         "schema_privileges": ["USE_SCHEMA", "READ_SECRET", "CREATE_SECRET", "WRITE_SECRET", "MANAGE"],
         "catalog_privileges": ["USE_CATALOG"], "result": result, "reason": ""},
        {"principal": "bob@example.com", "permission": "WRITE", "grantee": "bob@example.com",
         "schema_privileges": ["USE_SCHEMA", "READ_SECRET", "CREATE_SECRET", "WRITE_SECRET"],
         "catalog_privileges": ["USE_CATALOG"], "result": result,
         "reason": "deleting secrets that others created needs MANAGE in Unity Catalog (not granted: WRITE did not allow changing ACLs)"},
        {"principal": "data-team", "permission": "READ", "grantee": "data-team",
         "schema_privileges": ["USE_SCHEMA", "READ_SECRET"], "catalog_privileges": ["USE_CATALOG"],
         "result": result, "reason": listing},
        {"principal": "users", "permission": "READ", "grantee": "account users",
         "schema_privileges": ["USE_SCHEMA", "READ_SECRET"], "catalog_privileges": ["USE_CATALOG"],
         "result": result,
         "reason": format!("mapped to 'account users' by --map-principal; 'account users' holds it in every workspace attached to the metastore, not only this one; {listing}")},
    ])
}

fn document(result: &str) -> Value {
    let keys: Vec<Value> = sorted_keys().iter().map(|k| row(k, result)).collect();
    let references: Vec<Value> = sorted_keys()
        .iter()
        .filter(|k| *k != "blob" && *k != "big")
        .map(|k| {
            json!({"old": format!("{{{{secrets/legacy/{k}}}}}"),
                   "new": format!("{{{{secrets/main.app.{}}}}}", k.to_lowercase().replace('.', "_"))})
        })
        .collect();
    let renamed = sorted_keys()
        .iter()
        .filter(|k| *k != "blob" && *k != "big" && k.to_lowercase().replace('.', "_") != **k)
        .count();
    let run = result != "dry-run";
    json!({
        "scope": "legacy",
        "schema": "main.app",
        "dry_run": !run,
        "keys": keys,
        "grants": grant_rows(if run { "granted" } else { "dry-run" }),
        "references": references,
        "summary": {
            "keys": 50, "add": 48, "update": 0, "unchanged": 0, "skip": 2, "blocked": 0,
            "migrated": if run { 48 } else { 0 }, "renamed": if run { renamed } else { 0 },
            "failed": 0, "not_sent": 0,
            "grants_granted": if run { 4 } else { 0 }, "grants_skipped": 0, "grants_failed": 0,
            "source_keys_deleted": 0, "scope_deleted": false
        }
    })
}

#[test]
fn a_scope_of_50_keys_and_3_acls_migrates_exactly_as_planned() {
    let bed = bed();
    seed(&bed, "legacy", &secrets());
    for (p, perm) in [
        ("data-team", "READ"),
        ("bob@example.com", "WRITE"),
        ("users", "READ"),
    ] {
        acl(&bed, "legacy", p, perm);
    }
    let args = [
        "migrate",
        "legacy",
        "main.app",
        "--with-grants",
        "--map-principal",
        "users=account users",
        "-o",
        "json",
    ];

    // The plan: every key, no write.
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let out = run(&bed, &dry);
    out.success();
    assert_eq!(out.json(), document("dry-run"));
    assert_eq!(
        out.stderr,
        "Dry run of the migration of scope 'legacy' to schema 'main.app': 48 to add, 2 to skip; grants: 4 to apply, 0 to skip; nothing was written.\n"
    );
    assert_eq!(writes(&bed.requests()), Vec::<String>::new());
    bed.clear();

    // The run.
    let out = run(&bed, &args);
    out.success();
    assert_eq!(out.json(), document("migrated"));
    let renamed = document("migrated")["summary"]["renamed"].as_u64().unwrap();
    assert_eq!(
        out.stderr,
        format!("Migration of scope 'legacy' to schema 'main.app': 48 migrated ({renamed} renamed), 2 skipped; grants: 4 applied, 0 skipped, 0 failed.\n")
    );
    assert!(!out.stdout.contains("välue") && !out.stdout.contains("hunter2"));

    // The requests: one create and one read back per key, one PATCH per securable, nothing else written.
    let requests = bed.requests();
    let mut made = created(&requests);
    made.sort();
    let mut want: Vec<String> = sorted_keys()
        .iter()
        .filter(|k| *k != "blob" && *k != "big")
        .map(|k| k.to_lowercase().replace('.', "_"))
        .collect();
    want.sort();
    assert_eq!(made, want);
    let mut w = writes(&requests);
    w.retain(|l| l != &format!("POST {UC}"));
    assert_eq!(
        w,
        [
            "PATCH /api/2.1/unity-catalog/permissions/schema/main.app",
            "PATCH /api/2.1/unity-catalog/permissions/catalog/main"
        ]
    );
    for name in &want {
        let reads: Vec<&RecordedRequest> = requests
            .iter()
            .filter(|r| r.method == "GET" && r.path == format!("{UC}/main.app.{name}"))
            .collect();
        assert_eq!(reads.len(), 1, "{name}: one read back");
        assert_eq!(reads[0].query.as_deref(), Some("include_value=true"));
    }
    assert!(
        requests
            .iter()
            .all(|r| !r.path.starts_with("/api/2.0/secrets/put")
                && !r.path.starts_with("/api/2.0/secrets/delete")),
        "the scope is not touched"
    );

    // The final state: values byte for byte, comments, grants; the scope unchanged.
    for (key, value) in secrets() {
        let full = format!("main.app.{}", key.to_lowercase().replace('.', "_"));
        match key.as_str() {
            "blob" | "big" => assert_eq!(stored(&bed, &full), None, "{key} skipped"),
            _ => assert_eq!(
                stored(&bed, &full).unwrap().as_bytes(),
                value.as_slice(),
                "{key}"
            ),
        }
        assert_eq!(
            bed.emu.emulator().secret_bytes("legacy", &key).unwrap(),
            value
        );
    }
    let want_comments: Vec<(String, String)> = {
        let mut c: Vec<(String, String)> = secrets()
            .into_iter()
            .filter(|(k, _)| k != "blob" && k != "big")
            .map(|(k, _)| {
                (
                    format!("main.app.{}", k.to_lowercase().replace('.', "_")),
                    format!("migrated from scope legacy key {k}"),
                )
            })
            .collect();
        c.sort();
        c
    };
    let mut got = comments(&bed, "main.app");
    got.sort();
    assert_eq!(got, want_comments);
    assert_eq!(
        grants(&bed, "main.app"),
        json!([
            {"principal": "account users", "privileges": ["READ_SECRET", "USE_SCHEMA"]},
            {"principal": "admin@example.com", "privileges": ["CREATE_SECRET", "MANAGE", "READ_SECRET", "USE_SCHEMA", "WRITE_SECRET"]},
            {"principal": "bob@example.com", "privileges": ["CREATE_SECRET", "READ_SECRET", "USE_SCHEMA", "WRITE_SECRET"]},
            {"principal": "data-team", "privileges": ["READ_SECRET", "USE_SCHEMA"]},
        ])
    );
    assert_eq!(
        grants(&bed, "main"),
        json!([
            {"principal": "account users", "privileges": ["USE_CATALOG"]},
            {"principal": "admin@example.com", "privileges": ["USE_CATALOG"]},
            {"principal": "bob@example.com", "privileges": ["USE_CATALOG"]},
            {"principal": "data-team", "privileges": ["USE_CATALOG"]},
        ])
    );

    // A second run has nothing to write: every key is already there, identical.
    let out = run(&bed, &["migrate", "legacy", "main.app", "-o", "csv"]);
    out.success();
    assert_eq!(
        out.stderr,
        format!("Migration of scope 'legacy' to schema 'main.app': 48 migrated ({renamed} renamed, 48 already there), 2 skipped.\n")
    );
    assert!(
        out.stdout.starts_with("key,name,action,result,reason\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\nApp.Setting00,main.app.app_setting00,unchanged,renamed,\"already in Unity Catalog with the same value; renamed: lower case, '.' -> '_'\"\n"), "{}", out.stdout);
    assert!(out.stdout.contains(
        "\n\nold,new\n{{secrets/legacy/API_TOKEN_01}},{{secrets/main.app.api_token_01}}\n"
    ));
    assert!(out
        .stdout
        .contains("\n{{secrets/legacy/App.Setting00}},{{secrets/main.app.app_setting00}}\n"));
    assert_eq!(created(&bed.requests()), Vec::<String>::new());
    assert_eq!(writes(&bed.requests()), Vec::<String>::new());
}

#[test]
fn the_table_shows_keys_grants_and_references_under_headings() {
    let bed = bed();
    seed(&bed, "s", &texts(&[("API.Key", "k"), ("plain", "p")]));
    acl(&bed, "s", "admins", "MANAGE");
    let out = run(
        &bed,
        &[
            "migrate",
            "s",
            "main.app",
            "--with-grants",
            "--binary",
            "base64",
        ],
    );
    out.success();
    assert_eq!(
        out.stdout,
        "Keys\n\
KEY       NAME               ACTION   RESULT     REASON\n\
API.Key   main.app.api_key   add      renamed    renamed: lower case, '.' -> '_'\n\
plain     main.app.plain     add      migrated\n\
\n\
Grants\n\
PRINCIPAL           PERMISSION   GRANTEE             SCHEMA_PRIVILEGES                                              CATALOG_PRIVILEGES   RESULT    REASON\n\
admin@example.com   MANAGE       admin@example.com   USE_SCHEMA, READ_SECRET, CREATE_SECRET, WRITE_SECRET, MANAGE   USE_CATALOG          granted\n\
admins              MANAGE                                                                                                               skipped   'admins' is this workspace's admins, who are not metastore admins, and has no Unity Catalog equivalent; --map-principal admins=GROUP grants it to an account group\n\
\n\
References to update (notebooks, jobs, env files)\n\
OLD                     NEW\n\
{{secrets/s/API.Key}}   {{secrets/main.app.api_key}}\n\
{{secrets/s/plain}}     {{secrets/main.app.plain}}\n"
    );
    assert_eq!(
        out.stderr,
        "Migration of scope 's' to schema 'main.app': 2 migrated (1 renamed); grants: 1 applied, 1 skipped, 0 failed.\n"
    );
}
