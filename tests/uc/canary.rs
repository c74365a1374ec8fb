//! No leak: a canary value goes through every `uc` command, in every output
//! format and with `--debug`, on success and failure paths; it may appear
//! only on the standard output of `uc get`.

use crate::common::{Bed, Out};
use crate::support::{bed, team, Run, ADMIN, BOB};

const VALUE: &str = "CANARY-UC-VALUE-5d81e0";
const TOKEN: &str = "CANARY-UC-TOKEN-a4c2";

#[track_caller]
fn check(out: &Out, what: &str, value_on_stdout: bool) {
    assert!(
        !out.stderr.contains(VALUE),
        "{what}: the value leaked on stderr\n{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains(TOKEN) && !out.stdout.contains(TOKEN),
        "{what}: the token leaked\n{out:?}"
    );
    if !value_on_stdout {
        assert!(
            !out.stdout.contains(VALUE),
            "{what}: the value leaked on stdout\n{}",
            out.stdout
        );
    }
}

fn run(bed: &Bed, stdin: Option<String>, args: &[&str]) -> Out {
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_TOKEN", TOKEN)
        .args(args);
    if let Some(stdin) = stdin {
        c.write_stdin(stdin);
    }
    Out::from(c.output().expect("runs"))
}

#[test]
fn no_uc_command_leaks_the_value() {
    let bed = bed();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("v");
    std::fs::write(&file, VALUE).unwrap();
    let vf = file.to_str().unwrap();
    let too_big = format!("{VALUE}{}", "x".repeat(61_440));
    let runs: Vec<Vec<&str>> = vec![
        vec![
            "uc",
            "put",
            "main.app.a",
            "--value",
            VALUE,
            "--comment",
            "c",
            "--expires",
            "90d",
        ],
        vec!["uc", "put", "main.app.a", "--value", VALUE],
        vec![
            "uc",
            "put",
            "main.app.a",
            "--value",
            VALUE,
            "--no-overwrite",
        ],
        vec!["uc", "create-secret", "main.app.b", "--value-file", vf],
        vec!["uc", "put", "main.app.bad name", "--value", VALUE],
        vec!["uc", "put", "main.nope.a", "--value", VALUE],
        vec!["uc", "put", "main.app.big", "--value", &too_big],
        vec!["uc", "show", "main.app.a"],
        vec!["uc", "list"],
        vec!["uc", "list", "main.app", "--page-size", "1"],
        vec!["uc", "list-secrets", "--expiring", "365d"],
        vec![
            "uc",
            "update",
            "main.app.a",
            "--comment",
            "c2",
            "--no-expiry",
        ],
        vec!["uc", "grant", "main.app.a", "sp", "read secret"],
        vec!["uc", "grants", "main.app.a"],
        vec!["uc", "grants", "main.app.a", "--effective"],
        vec!["uc", "revoke", "main.app.a", "sp", "read secret"],
        vec!["uc", "get", "main.app.nope"],
        vec!["uc", "delete", "main.app.b"],
        vec!["uc", "delete", "main.app.b"],
        vec!["uc", "delete-secret", "main.app.b", "--if-exists"],
    ];
    for format in ["table", "json", "csv"] {
        for args in &runs {
            let mut all = vec!["--debug", "-o", format];
            all.extend(args);
            check(
                &run(&bed, None, &all),
                &format!("{args:?} -o {format}"),
                false,
            );
        }
        let out = run(
            &bed,
            Some(format!("{VALUE}\n")),
            &["--debug", "-o", format, "uc", "put", "main.app.c"],
        );
        check(&out, "put from stdin", false);
        for get in [
            &["uc", "get", "main.app.a"][..],
            &["uc", "get-secret", "main.app.c"],
        ] {
            let mut all = vec!["--debug", "-o", format];
            all.extend(get);
            let out = run(&bed, None, &all);
            out.success();
            assert!(out.stdout.contains(VALUE), "get prints the value");
            check(&out, &format!("{get:?} -o {format}"), true);
        }
    }
    // The value really reached the emulator, and its log holds only markers.
    assert_eq!(
        bed.emu.emulator().uc_secret_value("main.app.a").as_deref(),
        Some(VALUE)
    );
    let log = serde_json::to_string(&bed.requests()).unwrap();
    assert!(
        !log.contains(VALUE) && !log.contains(TOKEN),
        "the request log"
    );
}

#[test]
fn refusals_do_not_leak_the_value() {
    let bed = team();
    bed.uc_as(ADMIN, &["uc", "put", "main.app.k", "--value", VALUE])
        .success();
    for args in [
        &["--debug", "uc", "get", "main.app.k"][..],
        &["--debug", "uc", "put", "main.app.k", "--value", VALUE],
        &["--debug", "-o", "json", "uc", "show", "main.app.k"],
    ] {
        let out = bed.uc_as(BOB, args);
        assert_eq!(out.code, 4, "{out:?}");
        assert!(out.stderr.contains("PERMISSION_DENIED"), "{}", out.stderr);
        check(&out, &format!("{args:?}"), false);
    }
}
