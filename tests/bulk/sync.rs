//! sync: the plan (add, update, delete, unchanged), --prune, --dry-run, notebook-only workspaces.

use crate::common::*;
use crate::support::*;

#[test]
fn sync_with_prune_and_dry_run() {
    let bed = Bed::new();
    bed.scope_with("s", &[("same", "1"), ("changed", "old"), ("extra", "x")]);
    let env = write(
        bed.home.path(),
        "want.env",
        b"same=1\nchanged=new\nadded=2\n",
    );
    let file = env.to_str().unwrap();

    let out = bed.run(&["sync", "s", file, "--prune", "--dry-run", "-o", "json"]);
    out.success();
    assert_eq!(
        report(&out),
        vec![
            row("added", "add", "dry-run"),
            row("changed", "update", "dry-run"),
            row("extra", "delete", "dry-run"),
            row("same", "unchanged", "dry-run"),
        ]
    );
    assert_eq!(
        out.stderr,
        "Dry run of sync of scope 's': 1 to add, 1 to update, 1 to delete, 1 unchanged; nothing was sent.\n"
    );
    assert!(posts(&bed).is_empty(), "a dry run sends no write");
    assert_eq!(bed.requests_to("GET", "/api/2.0/secrets/get").len(), 2);

    // Without --prune the extra key is kept, and said so.
    let out = bed.run(&["sync", "s", file, "--dry-run"]);
    out.success();
    assert!(out.stderr.starts_with(&format!(
        "1 key of scope 's' is not in {file} and is kept (--prune deletes them).\n"
    )));
    assert!(!out.stdout.contains("extra"));

    bed.clear();
    let out = bed.run(&["sync", "s", file, "--prune", "-o", "json"]);
    out.success();
    assert_eq!(
        report(&out),
        vec![
            row("added", "add", "ok"),
            row("changed", "update", "ok"),
            row("extra", "delete", "ok"),
            row("same", "unchanged", "ok"),
        ]
    );
    let emu = bed.emu.emulator();
    assert_eq!(emu.secret_bytes("s", "changed").unwrap(), b"new");
    assert_eq!(emu.secret_bytes("s", "added").unwrap(), b"2");
    assert!(emu.secret_bytes("s", "extra").is_none());
    let mut written: Vec<String> = posts(&bed)
        .iter()
        .map(|r| format!("{} {}", r.path, r.body.as_ref().unwrap()["key"]))
        .collect();
    written.sort();
    assert_eq!(
        written,
        vec![
            "/api/2.0/secrets/delete \"extra\"",
            "/api/2.0/secrets/put \"added\"",
            "/api/2.0/secrets/put \"changed\"",
        ],
        "the unchanged key is not written"
    );

    // In sync: a second run writes nothing.
    bed.clear();
    let out = bed.run(&["sync", "s", file, "--prune"]);
    out.success();
    assert_eq!(out.stderr, "Sync of scope 's': 3 unchanged.\n");
    assert!(posts(&bed).is_empty());
}

#[test]
fn sync_where_get_is_refused_counts_every_existing_entry_as_update() {
    let bed = Bed::with(EmulatorOptions {
        get_mode: GetMode::NotebookOnly,
        ..EmulatorOptions::default()
    });
    bed.scope_with("s", &[("same", "1")]);
    let env = write(bed.home.path(), "want.env", b"same=1\nadded=2\n");
    let out = bed.run(&[
        "sync",
        "s",
        env.to_str().unwrap(),
        "--dry-run",
        "-o",
        "json",
    ]);
    out.success();
    assert_eq!(
        report(&out),
        vec![
            row("added", "add", "dry-run"),
            row("same", "update", "dry-run")
        ]
    );
    assert!(
        out.stderr.starts_with(
            "warning: this workspace does not allow reading secret values through the API, so they cannot be compared: every key of"
        ),
        "{}",
        out.stderr
    );
    assert!(posts(&bed).is_empty());
}
