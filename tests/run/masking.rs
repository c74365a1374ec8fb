//! `run`'s masking filter on the command's stdout and stderr.

use crate::support::*;

#[test]
fn an_echoed_value_is_masked_in_both_streams() {
    let bed = bed();
    let out = run_env(
        &bed,
        &[("PW", DB_REF), ("TOKEN", UC_REF)],
        &[
            "run",
            "--",
            "sh",
            "-c",
            r#"echo "password is $PW, token $TOKEN"; echo "to stderr: $PW" >&2"#,
        ],
    );
    out.success()
        .stdout_is("password is <redacted>, token <redacted>\n");
    assert_eq!(out.stderr, "to stderr: <redacted>\n");
}

#[test]
fn a_value_split_across_two_writes_is_masked() {
    let bed = bed();
    let (head, tail) = DB_PASSWORD.split_at(5);
    // Two writes with a pause between them: two reads on dbsecrets' side.
    let script = r#"printf 'a %s' "$1"; sleep 0.3; printf '%s b\n' "$2"; printf '%s' "$1" >&2; sleep 0.3; printf '%s\n' "$2" >&2"#;
    let out = run_env(
        &bed,
        &[("PW", DB_REF)],
        &["run", "--", "sh", "-c", script, "sh", head, tail],
    );
    out.success().stdout_is("a <redacted> b\n");
    assert_eq!(out.stderr, "<redacted>\n");
}

#[test]
fn output_is_passed_on_byte_for_byte_around_the_values() {
    let bed = bed();
    // Binary bytes, a prefix of a value that never completes, a value at the very end.
    let script = r#"printf '\000\377\n'; printf 'pg-Sec'; printf '%s' "$PW""#;
    let out = run_env(&bed, &[("PW", DB_REF)], &["run", "--", "sh", "-c", script]);
    out.success();
    assert_eq!(out.stdout_bytes, b"\0\xff\npg-Sec<redacted>");
    // A lot of output, values scattered through it.
    let script =
        r#"i=0; while [ $i -lt 2000 ]; do printf '%0200d %s\n' $i "$PW"; i=$((i+1)); done"#;
    let out = run_env(&bed, &[("PW", DB_REF)], &["run", "--", "sh", "-c", script]);
    out.success();
    assert_eq!(out.stdout.lines().count(), 2000);
    assert!(out.stdout.lines().all(|l| l.ends_with(" <redacted>")));
    no_value_in(&out.stdout);
}

#[test]
fn short_values_are_not_masked_and_no_masking_connects_directly() {
    let bed = bed();
    bed.run(&["put", "app", "short", "--value", "abc"])
        .success();
    let out = run_env(
        &bed,
        &[("S", "{{secrets/app/short}}"), ("PW", DB_REF)],
        &["run", "--", "sh", "-c", r#"echo "$S $PW""#],
    );
    out.success().stdout_is("abc <redacted>\n");
    let out = run_env(
        &bed,
        &[("PW", DB_REF)],
        &[
            "run",
            "--no-masking",
            "--",
            "sh",
            "-c",
            r#"echo "$PW"; echo "$PW" >&2"#,
        ],
    );
    out.success().stdout_is(&format!("{DB_PASSWORD}\n"));
    assert_eq!(out.stderr, format!("{DB_PASSWORD}\n"));
}
