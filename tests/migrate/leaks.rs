//! No value of the scope ever reaches the report, an error or the debug log.

use crate::common::*;
use crate::support::*;

const VALUES: [&str; 3] = ["CANARY-MIGRATE-1", "CANARY-MIGRATE-2", "CANARY-MIGRATE-3"];

#[track_caller]
fn clean(out: &Out, what: &str) {
    for text in [&out.stdout, &out.stderr] {
        assert!(!text.contains("CANARY"), "{what}: a value leaked\n{text}");
    }
}

#[test]
fn values_never_reach_the_report_the_errors_or_the_debug_log() {
    let bed = bed();
    seed(
        &bed,
        "s",
        &texts(&[("a.one", VALUES[0]), ("b", VALUES[1]), ("c", VALUES[2])]),
    );
    for format in ["table", "json", "csv"] {
        let out = run(
            &bed,
            &[
                "migrate",
                "s",
                "main.other",
                "--dry-run",
                "--debug",
                "-o",
                format,
            ],
        );
        out.success();
        assert!(out.stderr.contains("> GET"), "the debug log is on");
        clean(&out, format);
    }
    // A server that quotes the value back in its error, and a read back that differs.
    for format in ["table", "json", "csv"] {
        let bed = crate::support::bed();
        seed(
            &bed,
            "s",
            &texts(&[("a.one", VALUES[0]), ("b", VALUES[1]), ("c", VALUES[2])]),
        );
        let first = std::sync::atomic::AtomicBool::new(true);
        bed.emu.emulator().set_fault_plan(move |r| {
            let create = r.method == "POST" && r.path == UC;
            if create && first.swap(false, std::sync::atomic::Ordering::SeqCst) {
                return Some(dbsecrets_emulator::Fault::error(
                    400,
                    "INVALID_PARAMETER_VALUE",
                    "cannot store CANARY-MIGRATE-1 (the value sent)",
                ));
            }
            (r.method == "GET" && r.path == format!("{UC}/main.app.c")).then(|| {
                dbsecrets_emulator::Fault::json(
                    200,
                    r#"{"name": "c", "effective_value": "CANARY-MIGRATE-other"}"#,
                )
            })
        });
        let out = run(
            &bed,
            &[
                "migrate", "s", "main.app", "--debug", "--jobs", "1", "-o", format,
            ],
        );
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(
            out.stderr.contains("error: 2 of 3 keys failed: a.one, c\n"),
            "{}",
            out.stderr
        );
        clean(&out, format);
    }
}
