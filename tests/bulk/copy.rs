//! copy: between scopes and workspaces, ACLs, a missing destination.

use serde_json::json;

use crate::common::*;
use crate::support::*;

#[test]
fn copy_between_two_workspaces_with_acls() {
    let (bed, dst) = two_workspaces();
    bed.scope_with("app", &[("db-password", "hunter2"), ("api-key", "sk-1")]);
    bed.run(&["put-acl", "app", "data-team", "READ"]).success();
    bed.clear();

    let copy = |extra: &[&str]| {
        let mut args = vec![
            "copy",
            "app",
            "app-copy",
            "--from-profile",
            "SRC",
            "--to-profile",
            "DST",
            "-o",
            "json",
        ];
        args.extend_from_slice(extra);
        Out::from(bed.bare().args(&args).output().unwrap())
    };

    // Dry run: the plan, no write anywhere, not even the scope.
    let out = copy(&["--create-scope", "--with-acls", "--dry-run"]);
    out.success();
    assert_eq!(
        report(&out),
        vec![
            row("admin@example.com", "put-acl", "dry-run"),
            row("api-key", "add", "dry-run"),
            row("data-team", "put-acl", "dry-run"),
            row("db-password", "add", "dry-run"),
        ]
    );
    assert!(out.stderr.starts_with("Would create scope 'app-copy'.\n"));
    assert!(dst.emulator().requests().iter().all(|r| r.method == "GET"));
    assert!(posts(&bed).is_empty());

    let out = copy(&["--create-scope", "--with-acls"]);
    out.success();
    assert_eq!(
        report(&out),
        vec![
            row("admin@example.com", "put-acl", "ok"),
            row("api-key", "add", "ok"),
            row("data-team", "put-acl", "ok"),
            row("db-password", "add", "ok"),
        ]
    );
    assert_eq!(
        out.stderr,
        "Created scope 'app-copy'.\nCopy of scope 'app' to 'app-copy': 2 added, 2 ACL entries set.\n"
    );
    assert_eq!(
        dst.emulator()
            .secret_bytes("app-copy", "db-password")
            .unwrap(),
        b"hunter2"
    );
    assert_eq!(
        dst.emulator().secret_bytes("app-copy", "api-key").unwrap(),
        b"sk-1"
    );
    assert!(posts(&bed).is_empty(), "the source gets no write");
    let acls = Out::from(
        bed.bare()
            .args(["acls", "app-copy", "-p", "DST", "-o", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(
        acls.success().json(),
        json!([
            {"principal": "admin@example.com", "permission": "MANAGE"},
            {"principal": "data-team", "permission": "READ"}
        ])
    );

    // --skip-existing leaves what the destination has.
    Out::from(
        bed.bare()
            .args([
                "put", "app-copy", "api-key", "--value", "changed", "-p", "DST",
            ])
            .output()
            .unwrap(),
    )
    .success();
    Out::from(
        bed.bare()
            .args(["delete", "app-copy", "db-password", "-p", "DST"])
            .output()
            .unwrap(),
    )
    .success();
    let out = copy(&["--skip-existing"]);
    out.success();
    assert_eq!(
        report(&out),
        vec![
            row("api-key", "skip", "ok"),
            row("db-password", "add", "ok")
        ]
    );
    assert_eq!(
        out.stderr,
        "Copy of scope 'app' to 'app-copy': 1 added, 1 skipped (already there).\n"
    );
    assert_eq!(
        dst.emulator()
            .secret_bytes("app-copy", "db-password")
            .unwrap(),
        b"hunter2"
    );
    assert_eq!(
        dst.emulator().secret_bytes("app-copy", "api-key").unwrap(),
        b"changed"
    );
}

#[test]
fn copy_needs_create_scope_for_a_missing_destination() {
    let bed = Bed::new();
    bed.scope_with("a", &[("k", "v")]);
    let out = bed.run(&["copy", "a", "b"]);
    out.fails(3)
        .stderr_has("cannot list secrets in destination scope 'b'")
        .stderr_has("hint: add --create-scope");
    assert!(posts(&bed).is_empty());
    bed.run(&["copy", "a", "A"])
        .fails(2)
        .stderr_has("to itself");
}
