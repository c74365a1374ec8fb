//! No value in the debug log or the report.

use crate::common::*;
use crate::support::*;

#[test]
fn values_never_reach_the_debug_log_or_the_report() {
    let bed = Bed::new();
    bed.scope_with("s", &[("old", "s3cr3t-old")]);
    let env = write(
        bed.home.path(),
        "x.env",
        b"new=s3cr3t-new\nold=s3cr3t-changed\n",
    );
    for args in [
        vec![
            "import",
            "s",
            env.to_str().unwrap(),
            "--debug",
            "-o",
            "json",
        ],
        vec![
            "sync",
            "s",
            env.to_str().unwrap(),
            "--debug",
            "--prune",
            "-o",
            "csv",
        ],
        vec!["copy", "s", "t", "--create-scope", "--debug"],
    ] {
        let out = bed.run(&args);
        out.success();
        assert!(out.stderr.contains("> POST") || out.stderr.contains("> GET"));
        assert!(
            !out.stdout.contains("s3cr3t") && !out.stderr.contains("s3cr3t"),
            "{args:?}: {}{}",
            out.stdout,
            out.stderr
        );
    }
}

/// A server that quotes the value back in its error: the report (every
/// format) and the summary show `***`, never the value.
#[test]
fn an_echoed_value_is_masked_in_the_bulk_report() {
    let bed = Bed::new();
    bed.scope_with("s", &[]);
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "in.env",
        b"K1=echo-CANARY-1\nK2=echo-CANARY-2\n",
    );
    let emu = bed.emu.emulator();
    emu.set_fault_plan(|r| {
        (r.path == PUT).then(|| {
            let key = r.key.unwrap_or_default();
            let value = if key == "K1" {
                "echo-CANARY-1"
            } else {
                "echo-CANARY-2"
            };
            dbsecrets_emulator::Fault::error(
                500,
                "INTERNAL_ERROR",
                &format!("cannot store {value} \u{1b}[31mfor {key}"),
            )
        })
    });
    for format in ["table", "json", "csv"] {
        let out = bed.run(&["import", "s", file.to_str().unwrap(), "-o", format]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        for text in [&out.stdout, &out.stderr] {
            assert!(!text.contains("CANARY"), "{format}: {text}");
            assert!(!text.contains('\u{1b}'), "{format}: {text:?}");
        }
        assert!(
            out.stdout.contains("cannot store *** [31mfor K1"),
            "{format}: {}",
            out.stdout
        );
    }
}
