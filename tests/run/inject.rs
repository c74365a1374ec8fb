//! `inject`: a template rendered to a 0600 file or to standard output, all or nothing.

use crate::common::Out;
use crate::support::*;

const TEMPLATE: &str = "# app.conf\ndb_url = postgres://app:{{secrets/app/db-password}}@db/app\ntoken = \"{{ secrets/main.app.token }}\"\nagain = {{secrets/app/db-password}}\nhelm = {{ .Values.image }}\n";

fn rendered() -> String {
    format!("# app.conf\ndb_url = postgres://app:{DB_PASSWORD}@db/app\ntoken = \"{UC_TOKEN}\"\nagain = {DB_PASSWORD}\nhelm = {{{{ .Values.image }}}}\n")
}

#[test]
fn inject_writes_a_private_file_with_both_services() {
    let bed = bed();
    let tpl = file(&bed, "app.conf.tpl", TEMPLATE);
    let out_path = bed.home.path().join("app.conf");
    let out = bed.run(&[
        "inject",
        "-i",
        tpl.to_str().unwrap(),
        "--output-file",
        out_path.to_str().unwrap(),
    ]);
    out.success().stdout_is("");
    assert_eq!(
        out.stderr,
        format!(
            "Wrote {} with 3 secret references resolved (mode 0600).\n",
            out_path.display()
        )
    );
    no_value_in(&out.stderr);
    assert_eq!(std::fs::read_to_string(&out_path).unwrap(), rendered());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out_path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    assert_eq!(reads(&bed), (1, 1), "each distinct reference once");
}

#[test]
fn inject_reads_standard_input_and_writes_standard_output() {
    let bed = bed();
    let out = Out::from(
        bed.cmd()
            .args(["inject"])
            .write_stdin(TEMPLATE)
            .output()
            .unwrap(),
    );
    out.success().stdout_is(&rendered());
    assert_eq!(out.stderr, "");
}

#[test]
fn one_failure_writes_nothing() {
    let bed = bed();
    let tpl = file(
        &bed,
        "t.tpl",
        "a={{secrets/app/api-key}}\nb={{secrets/app/gone}}\n",
    );
    let out_path = bed.home.path().join("out.conf");
    std::fs::write(&out_path, "the old file").unwrap();
    let out = bed.run(&[
        "inject",
        "-i",
        tpl.to_str().unwrap(),
        "--output-file",
        out_path.to_str().unwrap(),
    ]);
    out.fails(3).stderr_has(&format!(
        "error: {{{{secrets/app/gone}}}} ({} line 2): cannot read secret 'gone' in scope 'app'",
        tpl.display()
    ));
    assert!(out.stderr.contains("nothing was written"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&out_path).unwrap(), "the old file");
    let fresh = bed.home.path().join("fresh.conf");
    let out = bed.run(&[
        "inject",
        "-i",
        tpl.to_str().unwrap(),
        "--output-file",
        fresh.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 3);
    assert!(!fresh.exists());
    // Standard output gets nothing either.
    let out = bed.run(&["inject", "-i", tpl.to_str().unwrap()]);
    out.fails(3);
    let entries: Vec<_> = std::fs::read_dir(bed.home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        !entries
            .iter()
            .any(|n| n.to_string_lossy().ends_with(".tmp")),
        "{entries:?}"
    );
}

#[test]
fn a_malformed_reference_names_its_line() {
    let bed = bed();
    let tpl = file(
        &bed,
        "bad.tpl",
        "ok = {{secrets/app/api-key}}\nbad = {{secrets/app/a/b}}\n",
    );
    let out = bed.run(&["inject", "-i", tpl.to_str().unwrap()]);
    out.fails(2).stderr_has(&format!(
        "error: {} line 2: '{{{{secrets/app/a/b}}}}' is not a valid secret reference: it has 3 parts",
        tpl.display()
    ));
    assert_eq!(bed.requests().len(), 0, "nothing was sent");
}
