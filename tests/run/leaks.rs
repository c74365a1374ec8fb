//! No value in dbsecrets' own output: the --debug trace, notes and errors.

use crate::support::*;

#[test]
fn no_value_in_the_debug_log() {
    let bed = bed();
    let tpl = file(&bed, "t.tpl", &format!("{DB_REF} {UC_REF} {API_REF}\n"));
    let out_path = bed.home.path().join("out");
    let out = bed.run(&[
        "--debug",
        "inject",
        "-i",
        tpl.to_str().unwrap(),
        "--output-file",
        out_path.to_str().unwrap(),
    ]);
    out.success();
    assert!(
        out.stderr.contains("/api/2.0/secrets/get"),
        "the trace is there: {}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("/api/2.1/unity-catalog/secrets/main.app.token"),
        "{}",
        out.stderr
    );
    no_value_in(&out.stderr);
    #[cfg(unix)]
    {
        let out = run_env(
            &bed,
            &[("A", DB_REF), ("B", UC_REF), ("C", API_REF)],
            &["--debug", "run", "--", "true"],
        );
        out.success();
        assert!(
            out.stderr.contains("/api/2.0/secrets/get"),
            "{}",
            out.stderr
        );
        no_value_in(&out.stderr);
    }
}

#[cfg(unix)]
#[test]
fn a_reference_on_the_command_line_is_not_resolved() {
    let bed = bed();
    let out = bed.run(&["run", "--", "echo", DB_REF]);
    out.success().stdout_is(&format!("{DB_REF}\n"));
    out.stderr_has("warning: an argument of the command holds a secret reference");
    assert_eq!(reads(&bed), (0, 0));
}
