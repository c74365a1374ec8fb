//! `refs FILE...` and `refs --check`.

use serde_json::json;

use crate::support::*;

#[test]
fn refs_lists_each_reference_without_reading_it() {
    let bed = bed();
    let a = file(
        &bed,
        "a.env",
        &format!("DB={DB_REF}\n# none here\nTOKEN={UC_REF} KEY={API_REF}\n"),
    );
    let b = file(
        &bed,
        "b.yaml",
        "password: \"{{ secrets/app/db-password }}\"\n",
    );
    let out = bed.run(&[
        "refs",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-o",
        "json",
    ]);
    out.success();
    let (a, b) = (a.display().to_string(), b.display().to_string());
    assert_eq!(
        out.json(),
        json!([
            {"file": a, "line": 1, "reference": DB_REF, "service": "workspace"},
            {"file": a, "line": 3, "reference": UC_REF, "service": "unity-catalog"},
            {"file": a, "line": 3, "reference": API_REF, "service": "workspace"},
            {"file": b, "line": 1, "reference": DB_REF, "service": "workspace"},
        ])
    );
    assert_eq!(bed.requests().len(), 0, "nothing was read");
    let out = bed.run(&["refs", &b, "-o", "csv"]);
    out.success().stdout_is(&format!(
        "file,line,reference,service\n{b},1,{DB_REF},workspace\n"
    ));
    let empty = file(&bed, "empty.txt", "nothing {{ here }}\n");
    let out = bed.run(&["refs", empty.to_str().unwrap()]);
    out.success().stdout_is("");
    assert_eq!(out.stderr, "No secret references found.\n");
}

#[test]
fn refs_check_reports_what_this_identity_can_read() {
    let bed = bed();
    let a = file(
        &bed,
        "a.env",
        &format!("DB={DB_REF}\nX={{{{secrets/app/gone}}}}\nT={UC_REF}\nD={DB_REF}\n"),
    );
    let out = bed.run(&["refs", a.to_str().unwrap(), "--check", "-o", "json"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    let rows = out.json();
    let status: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(status, ["ok", "not-found", "ok", "ok"]);
    assert!(rows[1]["error"]
        .as_str()
        .unwrap()
        .contains("cannot read secret 'gone' in scope 'app'"));
    assert_eq!(
        out.stderr.lines().next().unwrap(),
        "error: 1 of 3 secret references cannot be read: see the status column"
    );
    no_value_in(&out.stdout);
    no_value_in(&out.stderr);
    assert_eq!(reads(&bed), (2, 1), "each distinct reference once");
    let ok = file(&bed, "ok.env", &format!("DB={DB_REF}\n"));
    bed.run(&["refs", ok.to_str().unwrap(), "--check"])
        .success();
}

#[test]
fn refs_names_malformed_references_after_the_good_ones() {
    let bed = bed();
    let a = file(
        &bed,
        "a.env",
        &format!("DB={DB_REF}\nBAD={{{{secrets/app}}}}\n"),
    );
    let out = bed.run(&["refs", a.to_str().unwrap(), "-o", "csv"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stdout,
        format!(
            "file,line,reference,service\n{},1,{DB_REF},workspace\n",
            a.display()
        )
    );
    assert!(
        out.stderr.starts_with(&format!(
            "error: {} line 2: '{{{{secrets/app}}}}' is not a valid secret reference",
            a.display()
        )),
        "{}",
        out.stderr
    );
    bed.run(&["refs", "no-such-file"])
        .fails(2)
        .stderr_has("cannot read no-such-file");
}
