//! Where the values come from: a workspace that lets only notebooks read
//! them (stop before writing, explain), `--values-file`, another workspace.

use serde_json::json;

use crate::common::*;
use crate::support::*;

#[test]
fn a_notebook_only_workspace_stops_before_writing_then_a_values_file_migrates() {
    let bed = bed_with(EmulatorOptions {
        get_mode: GetMode::NotebookOnly,
        ..EmulatorOptions::default()
    });
    seed(
        &bed,
        "orders",
        &[
            ("API.Key".into(), b"sk-1".to_vec()),
            ("bin".into(), vec![0, 0xff]),
        ],
    );
    let out = run(
        &bed,
        &["migrate", "orders", "main.app", "--binary", "base64"],
    );
    out.fails(1);
    assert_eq!(
        out.stderr,
        "error: cannot migrate scope 'orders': this workspace lets only notebooks and jobs read secret values (secrets/get answered 400 BAD_REQUEST); nothing was written\n\
         hint: run the migration inside Databricks (a job or notebook environment with dbsecrets installed), or export the values there (`dbsecrets export orders --output-file orders.json`) and run `dbsecrets migrate orders main.app --values-file orders.json` here\n"
    );
    assert_eq!(writes(&bed.requests()), Vec::<String>::new());
    bed.clear();

    // The export made where values can be read: JSON, binary values as base64.
    let file = write_file(
        bed.home.path(),
        "orders.json",
        br#"{"API.Key": "sk-1", "bin": {"value_base64": "AP8="}}"#,
    );
    let out = run(
        &bed,
        &[
            "migrate",
            "orders",
            "main.app",
            "--values-file",
            file.to_str().unwrap(),
            "--binary",
            "base64",
            "-o",
            "json",
        ],
    );
    out.success();
    assert_eq!(
        out.json()["keys"],
        json!([
            {"key": "API.Key", "name": "main.app.api_key", "action": "add", "result": "renamed", "reason": "renamed: lower case, '.' -> '_'"},
            {"key": "bin", "name": "main.app.bin", "action": "add", "result": "migrated", "reason": "stored as base64 text (comment: encoding=base64)"},
        ])
    );
    assert_eq!(
        bed.requests_to("GET", "/api/2.0/secrets/get").len(),
        0,
        "no value read"
    );
    assert_eq!(stored(&bed, "main.app.api_key").as_deref(), Some("sk-1"));
    assert_eq!(stored(&bed, "main.app.bin").as_deref(), Some("AP8="));
    assert_eq!(
        comments(&bed, "main.app"),
        [
            (
                "main.app.api_key".into(),
                "migrated from scope orders key API.Key".into()
            ),
            (
                "main.app.bin".into(),
                "migrated from scope orders key bin; encoding=base64".into()
            ),
        ]
    );

    // A file that is not an export of the scope is refused.
    let stale = write_file(bed.home.path(), "stale.env", b"API.Key=sk-1\nother=x\n");
    let out = run(
        &bed,
        &[
            "migrate",
            "orders",
            "main.app",
            "--values-file",
            stale.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.ends_with(&format!(
        "error: {} does not hold exactly the keys of scope 'orders': nothing was written\n  key 'bin' of the scope is not in the file\n  the file holds key 'other', which scope 'orders' does not\nhint: export the scope again where its values can be read (`dbsecrets export orders --output-file FILE`)\n",
        stale.display()
    )), "{}", out.stderr);
}

#[test]
fn across_two_workspaces_with_from_and_to_profiles() {
    let bed = bed();
    let other = BackgroundEmulator::start(EmulatorOptions {
        uc_schemas: vec!["prod.app".into()],
        ..EmulatorOptions::default()
    })
    .unwrap();
    bed.write_config(&format!(
        "[OLD]\nhost = {}\ntoken = {TOKEN}\n\n[NEW]\nhost = {}\ntoken = {TOKEN}\n",
        bed.url(),
        other.url()
    ));
    seed(
        &bed,
        "legacy",
        &texts(&[("Db.Password", "hunter2"), ("token", "t")]),
    );
    acl(&bed, "legacy", "data-team", "READ");
    let out = Out::from(
        bed.bare()
            .args([
                "migrate",
                "legacy",
                "prod.app",
                "--from-profile",
                "OLD",
                "--to-profile",
                "NEW",
                "--with-grants",
                "--delete-source",
                "--yes",
            ])
            .output()
            .unwrap(),
    );
    out.success();
    assert_eq!(
        out.stderr,
        "Migration of scope 'legacy' to schema 'prod.app': 2 migrated (1 renamed); grants: 2 applied, 0 skipped, 0 failed; 2 source keys deleted, and the scope.\n"
    );
    let uc = other.emulator();
    assert_eq!(
        uc.uc_secret_value("prod.app.db_password").as_deref(),
        Some("hunter2")
    );
    assert_eq!(uc.uc_secret_value("prod.app.token").as_deref(), Some("t"));
    assert!(bed.emu.emulator().secret_bytes("legacy", "token").is_none());
    // Each workspace got only its own requests.
    assert!(bed
        .requests()
        .iter()
        .all(|r| !r.path.contains("unity-catalog")));
    assert!(uc
        .requests()
        .iter()
        .all(|r| !r.path.starts_with("/api/2.0/secrets")));
}
