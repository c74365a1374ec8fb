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
