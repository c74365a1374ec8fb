//! --delete-source: exactly the verified keys, nothing when one failed; the
//! scope only when that empties it; --yes off a terminal.

use serde_json::json;

use crate::support::*;

const DELETE: &str = "/api/2.0/secrets/delete";

#[test]
fn delete_source_deletes_nothing_when_one_key_failed_verification() {
    let bed = bed();
    seed(
        &bed,
        "s",
        &texts(&[("k1", "v1"), ("k2", "v2"), ("k3", "v3")]),
    );
    // The read back of k2 answers another value.
    bed.emu.emulator().set_fault_plan(|r| {
        (r.method == "GET" && r.path == format!("{UC}/main.app.k2")).then(|| {
            dbsecrets_emulator::Fault::json(
                200,
                json!({"name": "k2", "catalog_name": "main", "schema_name": "app",
                       "full_name": "main.app.k2", "effective_value": "tampered"})
                .to_string(),
            )
        })
    });
    let out = run(
        &bed,
        &[
            "migrate",
            "s",
            "main.app",
            "--delete-source",
            "--yes",
            "-o",
            "json",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.json()["keys"][1],
        json!({"key": "k2", "name": "main.app.k2", "action": "add", "result": "failed",
               "reason": "verifying: the value read back differs from the source value"})
    );
    assert!(out.json().get("source").is_none());
    assert_eq!(
        out.stderr,
        "warning: --delete-source deleted nothing: not every key was migrated and verified; run the same command again to finish, and the source keys are deleted then (scope 's' is unchanged)\n\
         Migration of scope 's' to schema 'main.app': 2 migrated, 1 failed.\n\
         error: 1 of 3 keys failed: k2\n\
         hint: the others are migrated and verified; the report says why each failed; run the same command again to finish: what is done is not rewritten\n"
    );
    assert!(!out.stderr.contains("tampered") && !out.stdout.contains("tampered"));
    assert_eq!(bed.requests_to("POST", DELETE).len(), 0);
    assert_eq!(
        bed.requests_to("POST", "/api/2.0/secrets/scopes/delete")
            .len(),
        0
    );
    for k in ["k1", "k2", "k3"] {
        assert!(bed.emu.emulator().secret_bytes("s", k).is_some());
    }
    bed.clear();

    // Once every key is verified, the run deletes them, and the empty scope.
    bed.emu.emulator().clear_fault_plan();
    let out = run(
        &bed,
        &[
            "migrate",
            "s",
            "main.app",
            "--delete-source",
            "--yes",
            "-o",
            "json",
        ],
    );
    out.success();
    assert_eq!(
        out.json()["source"],
        json!([{"key": "k1", "result": "deleted", "error": null},
               {"key": "k2", "result": "deleted", "error": null},
               {"key": "k3", "result": "deleted", "error": null}])
    );
    assert_eq!(out.json()["summary"]["scope_deleted"], json!(true));
    assert_eq!(
        out.stderr,
        "Migration of scope 's' to schema 'main.app': 3 migrated (3 already there); 3 source keys deleted, and the scope.\n"
    );
    assert_eq!(
        writes(&bed.requests()),
        [
            "POST /api/2.0/secrets/delete",
            "POST /api/2.0/secrets/delete",
            "POST /api/2.0/secrets/delete",
            "POST /api/2.0/secrets/scopes/delete",
        ]
    );
    bed.run(&["list", "s"]).fails(3);
    assert_eq!(stored(&bed, "main.app.k2").as_deref(), Some("v2"));
}

#[test]
fn delete_source_keeps_the_skipped_keys_and_so_the_scope() {
    let bed = bed();
    seed(
        &bed,
        "s",
        &[
            ("bin".into(), vec![0xff, 1]),
            ("t".into(), b"text".to_vec()),
        ],
    );
    let out = run(
        &bed,
        &["migrate", "s", "main.app", "--delete-source", "--yes"],
    );
    out.success();
    assert_eq!(
        out.stderr,
        "Migration of scope 's' to schema 'main.app': 1 migrated, 1 skipped; 1 source key deleted.\n\
         Scope 's' stays: it still holds 1 key that was not migrated.\n"
    );
    assert!(
        out.stdout
            .ends_with("Source keys deleted\nKEY   RESULT    ERROR\nt     deleted\n"),
        "{}",
        out.stdout
    );
    assert_eq!(
        bed.emu.emulator().secret_bytes("s", "bin").unwrap(),
        [0xff, 1]
    );
    assert!(bed.emu.emulator().secret_bytes("s", "t").is_none());
}

#[test]
fn delete_source_needs_yes_off_a_terminal_and_sends_nothing_without_it() {
    let bed = bed();
    seed(&bed, "s", &texts(&[("k", "v")]));
    let out = run(&bed, &["migrate", "s", "main.app", "--delete-source"]);
    out.fails(2).stderr_has(
        "error: --delete-source deletes the source keys: confirm it with --yes when not on a terminal\n",
    );
    assert!(bed.requests().is_empty(), "nothing sent");
    run(&bed, &["migrate", "s", "main.app", "--yes"])
        .fails(2)
        .stderr_has("--delete-source");
    let file = write_file(bed.home.path(), "v.json", br#"{"k": "v"}"#);
    run(
        &bed,
        &[
            "migrate",
            "s",
            "main.app",
            "--delete-source",
            "--yes",
            "--values-file",
            file.to_str().unwrap(),
        ],
    )
    .fails(2)
    .stderr_has("cannot be used with");
}
