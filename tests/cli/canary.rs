//! Canaries: unique secret values and credentials go through every command, with
//! --debug, in every output format, on success and failure paths; none of them
//! may appear in any output, except the value `get` was asked to print.

use crate::common::fake::{Fake, Reply};
use crate::common::*;

const VALUE: &str = "CANARY-VALUE-7f3a9c";
const TOKEN: &str = "CANARY-TOKEN-91b2d4";
const PASSWORD: &str = "CANARY-PASSWORD-55e1";
const CLIENT_SECRET: &str = "CANARY-CLIENT-SECRET-0c7d";

fn check(out: &Out, what: &str, allow_value_on_stdout: bool) {
    for canary in [TOKEN, PASSWORD, CLIENT_SECRET] {
        assert!(
            !out.stdout.contains(canary) && !out.stderr.contains(canary),
            "{what}: {canary} leaked\n{out:?}"
        );
    }
    assert!(
        !out.stderr.contains(VALUE),
        "{what}: the value leaked on stderr\n{}",
        out.stderr
    );
    if !allow_value_on_stdout {
        assert!(
            !out.stdout.contains(VALUE),
            "{what}: the value leaked on stdout\n{}",
            out.stdout
        );
    }
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(VALUE);
    assert!(
        !out.stderr.contains(&b64),
        "{what}: the base64 value leaked"
    );
}

#[test]
fn no_command_leaks_a_value_or_credential() {
    let bed = Bed::new();
    let dir = tempfile::tempdir().unwrap();
    let value_file = dir.path().join("v");
    std::fs::write(&value_file, VALUE).unwrap();
    let vf = value_file.to_str().unwrap();
    let runs: Vec<Vec<&str>> = vec![
        vec!["create-scope", "canary"],
        vec!["put", "canary", "a", "--value", VALUE],
        vec!["put", "canary", "b", "--value-file", vf],
        vec!["put", "no-such-scope", "a", "--value", VALUE],
        vec!["put", "canary", "bad@key", "--value", VALUE],
        vec!["list", "canary"],
        vec!["list", "no-such-scope"],
        vec!["list-scopes"],
        vec!["acls", "canary"],
        vec!["put-acl", "canary", "users", "READ"],
        vec!["get-acl", "canary", "users"],
        vec!["delete-acl", "canary", "users"],
        vec!["delete", "canary", "b"],
        vec!["delete", "canary", "b"],
        vec!["create-scope", "canary"],
    ];
    for format in ["table", "json", "csv"] {
        for args in &runs {
            let mut c = bed.bare();
            c.env("DATABRICKS_HOST", bed.url())
                .env("DATABRICKS_TOKEN", TOKEN)
                .arg("--debug")
                .args(["-o", format])
                .args(args);
            check(
                &Out::from(c.output().unwrap()),
                &format!("{args:?} -o {format}"),
                false,
            );
        }
        // Piped stdin.
        let mut c = bed.bare();
        c.env("DATABRICKS_HOST", bed.url())
            .env("DATABRICKS_TOKEN", TOKEN)
            .args(["--debug", "-o", format, "put", "canary", "c"])
            .write_stdin(format!("{VALUE}\n"));
        check(&Out::from(c.output().unwrap()), "put from stdin", false);
        // get prints the value on stdout only, and --debug still masks it on stderr.
        let mut c = bed.bare();
        c.env("DATABRICKS_HOST", bed.url())
            .env("DATABRICKS_TOKEN", TOKEN)
            .args(["--debug", "-o", format, "get", "canary", "a"]);
        let out = Out::from(c.output().unwrap());
        out.success();
        assert!(out.stdout.contains(VALUE), "get prints the value");
        check(&out, "get", true);
    }
    // The value really reached the server (the canary was not simply dropped).
    assert_eq!(
        bed.emu.emulator().secret_bytes("canary", "a").unwrap(),
        VALUE.as_bytes()
    );
}

#[test]
fn credentials_never_appear_in_errors() {
    let bed = Bed::new();
    // More than one method: the error names methods, never values.
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_TOKEN", TOKEN)
        .env("DATABRICKS_USERNAME", "u")
        .env("DATABRICKS_PASSWORD", PASSWORD)
        .env("DATABRICKS_CLIENT_ID", "client-1")
        .env("DATABRICKS_CLIENT_SECRET", CLIENT_SECRET)
        .args(["--debug", "list-scopes"]);
    let out = Out::from(c.output().unwrap());
    out.fails(2)
        .stderr_has("more than one authorization method configured");
    check(&out, "more than one method", false);

    // Rejected credentials, server errors with echoes, HTML: never the token.
    for reply in [
        Reply::json(
            401,
            r#"{"error_code":"UNAUTHENTICATED","message":"Invalid access token."}"#,
        ),
        Reply::raw(502, "text/html", b"<html>bad gateway</html>"),
        Reply::raw(200, "application/json", br#"{"key":"a","value":12}"#),
    ] {
        let fake = Fake::start(vec![reply]);
        for args in [
            vec!["list-scopes"],
            vec!["get", "s", "a"],
            vec!["put", "s", "a", "--value", VALUE],
        ] {
            let mut c = bed.bare();
            c.env("DATABRICKS_HOST", &fake.url)
                .env("DATABRICKS_TOKEN", TOKEN)
                .arg("--debug")
                .args(&args);
            check(&Out::from(c.output().unwrap()), &format!("{args:?}"), false);
        }
        assert!(fake
            .seen()
            .iter()
            .all(|r| r.header("authorization") == Some(&format!("Bearer {TOKEN}"))));
    }

    // Basic auth in --debug: the header is masked.
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_USERNAME", "u")
        .env("DATABRICKS_PASSWORD", PASSWORD)
        .args(["--debug", "list-scopes"]);
    let out = Out::from(c.output().unwrap());
    out.success();
    check(&out, "basic --debug", false);
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("u:{PASSWORD}"));
    assert!(!out.stderr.contains(&basic), "the Basic header leaked");
    assert!(
        out.stderr.contains("authorization: Basic *** (basic)"),
        "{}",
        out.stderr
    );
}

#[test]
fn bulk_commands_never_leak_a_value() {
    let bed = Bed::new();
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join("app.env");
    std::fs::write(&env_file, format!("API_KEY={VALUE}\nOTHER=\"{VALUE}-2\"\n")).unwrap();
    let bad_file = dir.path().join("bad.env");
    std::fs::write(
        &bad_file,
        format!("API_KEY={VALUE}\nbad key={VALUE}\nEMPTY=\n"),
    )
    .unwrap();
    let ef = env_file.to_str().unwrap();
    let bf = bad_file.to_str().unwrap();
    let out_file = dir.path().join("backup.json");
    let of = out_file.to_str().unwrap();
    bed.run(&["create-scope", "bulk"]).success();
    bed.run(&["create-scope", "bulk-copy"]).success();
    let runs: Vec<Vec<&str>> = vec![
        vec!["import", "bulk", ef, "--dry-run"],
        vec!["import", "bulk", ef],
        vec!["import", "bulk", bf],
        vec!["import", "no-such-scope", ef],
        vec!["sync", "bulk", ef, "--dry-run"],
        vec!["sync", "bulk", ef, "--prune"],
        vec!["copy", "bulk", "bulk-copy"],
        vec!["export", "bulk", "--output-file", of],
    ];
    for format in ["table", "json", "csv"] {
        for args in &runs {
            let mut c = bed.bare();
            c.env("DATABRICKS_HOST", bed.url())
                .env("DATABRICKS_TOKEN", TOKEN)
                .arg("--debug")
                .args(["-o", format])
                .args(args);
            check(
                &Out::from(c.output().unwrap()),
                &format!("{args:?} -o {format}"),
                false,
            );
        }
    }
    assert_eq!(
        bed.emu
            .emulator()
            .secret_bytes("bulk-copy", "API_KEY")
            .unwrap(),
        VALUE.as_bytes()
    );
    assert!(
        std::fs::read_to_string(&out_file).unwrap().contains(VALUE),
        "export wrote the values to its file"
    );
}

#[test]
fn a_value_on_a_malformed_put_command_line_is_never_echoed() {
    let bed = Bed::new();
    bed.run(&["create-scope", "s"]).success();
    for args in [
        vec!["put", "s", "k", VALUE],
        vec!["put", "s", "k", "-x", VALUE],
        vec!["put-secret", "s", "k", "--string-value", "v", VALUE],
        vec!["put", "s", "k", "--value", "--", VALUE],
    ] {
        let out = bed.run(&args);
        out.fails(2);
        check(&out, &format!("{args:?}"), false);
    }
    // A value that starts with '-' is a value, not a flag.
    let dash = format!("-{VALUE}");
    bed.run(&["put", "s", "dash", "--value", &dash]).success();
    assert_eq!(
        bed.emu.emulator().secret_bytes("s", "dash").unwrap(),
        dash.as_bytes()
    );
}
