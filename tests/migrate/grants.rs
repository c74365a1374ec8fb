//! --with-grants: principals Unity Catalog does not know are skipped and
//! reported, not failures; --map-principal names their account equivalent.

use serde_json::json;

use crate::common::*;
use crate::support::*;

fn local_bed() -> Bed {
    bed_with(EmulatorOptions {
        workspace_groups: vec!["ws-team".into()],
        ..EmulatorOptions::default()
    })
}

#[test]
fn a_workspace_local_group_is_skipped_and_reported_and_the_others_granted() {
    let bed = local_bed();
    seed(&bed, "s", &texts(&[("k", "v")]));
    acl(&bed, "s", "ws-team", "READ");
    acl(&bed, "s", "data-team", "WRITE");
    let out = run(
        &bed,
        &["migrate", "s", "main.app", "--with-grants", "-o", "json"],
    );
    out.success();
    let rows = out.json()["grants"].clone();
    let results: Vec<(&str, &str)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["principal"].as_str().unwrap(),
                g["result"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        results,
        [
            ("admin@example.com", "granted"),
            ("data-team", "granted"),
            ("ws-team", "skipped")
        ]
    );
    let reason = rows[2]["reason"].as_str().unwrap();
    assert!(
        reason.contains("Unity Catalog does not know 'ws-team' (a workspace-local group, or a principal outside the account, has no Unity Catalog equivalent): --map-principal ws-team=ACCOUNT_GROUP"),
        "{reason}"
    );
    assert!(
        reason.contains("Could not find principal with name ws-team."),
        "{reason}"
    );
    assert_eq!(
        out.stderr,
        "Migration of scope 's' to schema 'main.app': 1 migrated; grants: 2 applied, 1 skipped, 0 failed.\n"
    );
    assert_eq!(
        grants(&bed, "main.app"),
        json!([
            {"principal": "admin@example.com", "privileges": ["CREATE_SECRET", "MANAGE", "READ_SECRET", "USE_SCHEMA", "WRITE_SECRET"]},
            {"principal": "data-team", "privileges": ["CREATE_SECRET", "READ_SECRET", "USE_SCHEMA", "WRITE_SECRET"]},
        ])
    );

    // Mapped to an account group, it is granted; one PATCH per securable.
    bed.clear();
    let out = run(
        &bed,
        &[
            "migrate",
            "s",
            "main.app",
            "--with-grants",
            "--map-principal",
            "ws-team=account-team",
        ],
    );
    out.success();
    assert_eq!(
        writes(&bed.requests()),
        [
            "PATCH /api/2.1/unity-catalog/permissions/schema/main.app",
            "PATCH /api/2.1/unity-catalog/permissions/catalog/main"
        ]
    );
    assert_eq!(
        grants(&bed, "main.app")[0],
        json!({"principal": "account-team", "privileges": ["READ_SECRET", "USE_SCHEMA"]})
    );
}

#[test]
fn a_grant_the_service_refuses_otherwise_fails_the_run_after_the_keys() {
    let bed = bed();
    seed(&bed, "s", &texts(&[("k", "v")]));
    acl(&bed, "s", "data-team", "READ");
    bed.emu.emulator().set_fault_plan(|r| {
        (r.method == "PATCH" && r.path.contains("/permissions/catalog/")).then(|| {
            dbsecrets_emulator::Fault::error(
                403,
                "PERMISSION_DENIED",
                "User does not have MANAGE on Catalog 'main'.",
            )
        })
    });
    let out = run(
        &bed,
        &["migrate", "s", "main.app", "--with-grants", "-o", "json"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.json()["keys"][0]["result"], "migrated");
    assert_eq!(out.json()["grants"][1]["result"], "failed");
    assert!(out.stderr.ends_with(
        "error: 2 grants failed\nhint: reading or changing grants needs ownership of the schema or catalog, or MANAGE on it; the report says why each failed\n"
    ), "{}", out.stderr);
    assert_eq!(stored(&bed, "main.app.k").as_deref(), Some("v"));
}
