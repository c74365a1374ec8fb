//! `dbsecrets emulator` as a process with its Unity Catalog flags:
//! `--uc-schema`, `--uc-page-size`, `[[catalogs]]`/`[[schemas]]` in
//! `--config`, and `--state` across a restart.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::common::{Bed, Out};
use crate::support::bed;

/// Starts the emulator process; returns it and its URL (its first line).
fn start(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dbsecrets"))
        .arg("emulator")
        .args(["--port", "0"])
        .args(args)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawns");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
    (child, url)
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn run(bed: &Bed, url: &str, token: &str, args: &[&str]) -> Out {
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", url)
        .env("DATABRICKS_TOKEN", token)
        .args(args);
    Out::from(c.output().expect("runs"))
}

#[test]
fn the_emulator_process_serves_declared_schemas_pages_and_state() {
    let bed = bed();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let config = dir.path().join("emulator.toml");
    std::fs::write(
        &config,
        "[[principals]]\nname = \"ops@example.com\"\ntokens = [\"ops-token\"]\nadmin = true\n\n\
         [[schemas]]\ncatalog = \"finance\"\nname = \"ledger\"\n",
    )
    .unwrap();
    let args = [
        "--uc-schema",
        "main.app",
        "--uc-page-size",
        "1",
        "--config",
        config.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
    ];
    let (child, url) = start(&args);
    for name in ["main.app.a", "main.app.b", "finance.ledger.c"] {
        run(
            &bed,
            &url,
            "ops-token",
            &["uc", "put", name, "--value", "v"],
        )
        .success();
    }
    let out = run(&bed, &url, "ops-token", &["uc", "list", "-o", "csv"]);
    assert_eq!(out.success().stdout.lines().count(), 4, "{}", out.stdout);
    run(
        &bed,
        &url,
        "ops-token",
        &["uc", "grant", "main.app", "sp", "read secret"],
    )
    .success();
    stop(child);
    // Restarted on the same state file: the secrets and grants are back.
    let (child, url) = start(&args);
    run(&bed, &url, "ops-token", &["uc", "get", "finance.ledger.c"])
        .success()
        .stdout_is("v");
    let out = run(
        &bed,
        &url,
        "ops-token",
        &["uc", "grants", "main.app", "-o", "csv"],
    );
    out.success()
        .stdout_is("principal,privileges\nsp,READ_SECRET\n");
    run(&bed, &url, "unknown-token", &["uc", "list"]).fails(4);
    stop(child);
    // A bad --uc-schema is a usage error of the subcommand.
    let out = Out::from(
        Command::new(env!("CARGO_BIN_EXE_dbsecrets"))
            .args(["emulator", "--port", "0", "--uc-schema", "main"])
            .env_clear()
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("expected CATALOG.SCHEMA"),
        "{}",
        out.stderr
    );
}
