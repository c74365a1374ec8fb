//! Exit codes and error lines for server answers the emulator does not give:
//! a scripted server on 127.0.0.1 plays the workspace.

use crate::common::fake::{Fake, Reply};
use crate::common::*;

fn against(fake: &Fake, bed: &Bed, args: &[&str]) -> Out {
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", &fake.url)
        .env("DATABRICKS_TOKEN", "dapi-CANARY-token")
        .args(args);
    let out = Out::from(c.output().unwrap());
    assert!(
        !out.stderr.contains("CANARY") && !out.stdout.contains("CANARY"),
        "the token leaked: {out:?}"
    );
    out
}

#[test]
fn unauthorized_is_exit_4_and_names_host_and_credential_source() {
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::json(
        401,
        r#"{"error_code":"UNAUTHENTICATED","message":"Invalid access token."}"#,
    )]);
    let out = against(&fake, &bed, &["list-scopes"]);
    out.fails(4)
        .stderr_has("error: cannot list secret scopes: UNAUTHENTICATED: Invalid access token. (HTTP 401)")
        .stderr_has(&format!("hint: the credentials were rejected by {} (credential from environment variable DATABRICKS_TOKEN)", fake.url));
    assert_eq!(fake.count(), 1, "a 401 is not retried");
}

#[test]
fn numeric_error_code_403_is_exit_4() {
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::json(
        403,
        r#"{"error_code":403,"message":"Invalid access token."}"#,
    )]);
    against(&fake, &bed, &["list", "s"])
        .fails(4)
        .stderr_has("403: Invalid access token. (HTTP 403)");
}

#[test]
fn permission_denied_is_exit_4() {
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::json(
        403,
        r#"{"error_code":"PERMISSION_DENIED","message":"User alice does not have WRITE permission on scope s"}"#,
    )]);
    against(&fake, &bed, &["put", "s", "k", "--value", "v"])
        .fails(4)
        .stderr_has("PERMISSION_DENIED: User alice does not have WRITE permission");
}

#[test]
fn not_found_without_error_code_is_exit_3() {
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::raw(404, "text/plain", b"")]);
    against(&fake, &bed, &["list", "s"])
        .fails(3)
        .stderr_has("HTTP 404 Not Found");
    let fake = Fake::start(vec![Reply::json(
        404,
        r#"{"error_code":"NOT_FOUND","message":"No scope s"}"#,
    )]);
    against(&fake, &bed, &["acls", "s"])
        .fails(3)
        .stderr_has("NOT_FOUND: No scope s (HTTP 404)");
}

#[test]
fn conflict_409_is_exit_5() {
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::json(
        409,
        r#"{"error_code":"RESOURCE_ALREADY_EXISTS","message":"Scope s already exists!"}"#,
    )]);
    against(&fake, &bed, &["create-scope", "s"])
        .fails(5)
        .stderr_has("RESOURCE_ALREADY_EXISTS: Scope s already exists! (HTTP 409)");
}

#[test]
fn server_error_500_is_exit_1_and_not_retried() {
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::json(
        500,
        r#"{"error_code":"INTERNAL_ERROR","message":"boom"}"#,
    )]);
    against(&fake, &bed, &["list-scopes"])
        .fails(1)
        .stderr_has("INTERNAL_ERROR: boom (HTTP 500)");
    assert_eq!(fake.count(), 1);
}

#[test]
fn html_502_never_shows_html() {
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::raw(
        502,
        "text/html",
        b"<html><head><title>502 Bad Gateway</title></head><body><pre>upstream</pre></body></html>",
    )]);
    let out = against(&fake, &bed, &["list-scopes"]);
    out.fails(1)
        .stderr_has("error: cannot list secret scopes: HTTP 502 Bad Gateway");
    assert!(!out.stderr.contains('<'), "{}", out.stderr);
    assert_eq!(fake.count(), 1);
}

#[test]
fn plain_text_error_body() {
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::raw(
        400,
        "text/plain",
        b"INVALID_PARAMETER_VALUE: bad scope",
    )]);
    against(&fake, &bed, &["list", "s"])
        .fails(1)
        .stderr_has("INVALID_PARAMETER_VALUE: bad scope (HTTP 400)");
}

#[test]
fn throttled_then_success_is_retried() {
    let bed = Bed::new();
    let fake = Fake::start(vec![
        Reply::json(
            429,
            r#"{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"slow down"}"#,
        )
        .header("Retry-After", "0"),
        Reply::json(
            503,
            r#"{"error_code":"TEMPORARILY_UNAVAILABLE","message":"later"}"#,
        )
        .header("Retry-After", "0"),
        Reply::json(
            200,
            r#"{"scopes":[{"name":"s","backend_type":"DATABRICKS"}]}"#,
        ),
    ]);
    against(&fake, &bed, &["list-scopes", "-o", "csv"])
        .success()
        .stdout_is("name,backend_type,keyvault_dns_name\ns,DATABRICKS,\n");
    assert_eq!(fake.count(), 3);
}

#[test]
fn retry_budget_runs_out_with_a_summary() {
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::json(
        503,
        r#"{"error_code":"TEMPORARILY_UNAVAILABLE","message":"later"}"#,
    )
    .header("Retry-After", "1")]);
    let out = against(&fake, &bed, &["list-scopes", "--retry-timeout", "1.5"]);
    out.fails(1)
        .stderr_has("gave up after 2 attempts over")
        .stderr_has("TEMPORARILY_UNAVAILABLE: later (HTTP 503)");
    assert_eq!(fake.count(), 2);
}

#[test]
fn connection_refused_is_exit_1_with_a_hint() {
    let bed = Bed::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", format!("http://127.0.0.1:{port}"))
        .env("DATABRICKS_TOKEN", "t")
        .args(["list-scopes", "--retry-timeout", "0"]);
    let out = Out::from(c.output().unwrap());
    out.fails(1)
        .stderr_has(&format!(
            "cannot connect to http://127.0.0.1:{port}/api/2.0/secrets/scopes/list"
        ))
        .stderr_has("hint: check the host");
}

#[test]
fn redirect_is_an_error_and_the_token_goes_nowhere_else() {
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::raw(302, "text/html", b"")
        .header("Location", "https://login.example.com/login.html?next=x")]);
    let out = against(&fake, &bed, &["list-scopes"]);
    out.fails(1).stderr_has("the request did not reach the API: the server redirected to https://login.example.com/login.html (HTTP 302); check the host, private link or SSO");
    assert_eq!(fake.count(), 1);
}

#[test]
fn login_page_with_200_is_an_error_not_success() {
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::raw(
        200,
        "text/html",
        b"<!doctype html><html><title>Databricks - Sign In</title></html>",
    )]);
    let out = against(&fake, &bed, &["list-scopes"]);
    out.fails(1)
        .stderr_has("the server sent an HTML page instead of JSON");
}

#[test]
fn bad_success_bodies() {
    let bed = Bed::new();
    let cases: &[(&str, &str)] = &[
        (r#"{"scopes":[{"name":"s","#, "the JSON body is truncated"),
        (
            r#"{"scopes":"nope"}"#,
            "the JSON does not have the expected shape",
        ),
        ("not json", "the body is not valid JSON"),
    ];
    for (body, want) in cases {
        let fake = Fake::start(vec![Reply::raw(200, "application/json", body.as_bytes())]);
        against(&fake, &bed, &["list-scopes"])
            .fails(1)
            .stderr_has(want);
    }
    // Unknown enum values and extra fields are tolerated.
    let fake = Fake::start(vec![Reply::json(
        200,
        r#"{"scopes":[{"name":"s","backend_type":"FUTURE_BACKEND","x":1}],"extra":true}"#,
    )]);
    against(&fake, &bed, &["list-scopes", "-o", "csv"])
        .success()
        .stdout_is("name,backend_type,keyvault_dns_name\ns,FUTURE_BACKEND,\n");
}

#[test]
fn invalid_names_send_nothing() {
    let bed = Bed::new();
    let cases: &[(&[&str], &str)] = &[
        (
            &["create-scope", "bad name"],
            "invalid scope name 'bad name': it contains ' '",
        ),
        (&["list", &"x".repeat(129)], "is 129 characters long"),
        (
            &["put", "s", "bad@key", "--value", "v"],
            "invalid key name 'bad@key': it contains '@'",
        ),
        (&["delete", "s/x", "k"], "invalid scope name"),
        (&["get", "s", "k/1"], "invalid key name"),
    ];
    for (args, want) in cases {
        bed.run(args).fails(2).stderr_has(want);
    }
    assert!(bed.requests().is_empty());
}

#[test]
fn usage_errors_are_exit_2_in_two_lines() {
    let bed = Bed::new();
    bed.run(&["frobnicate"])
        .fails(2)
        .stderr_has("unrecognized subcommand");
    bed.run(&["list"])
        .fails(2)
        .stderr_has("required arguments were not provided");
    bed.run(&["list-scopes", "-o", "yaml"])
        .fails(2)
        .stderr_has("possible values: table, json, csv");
}

#[test]
fn help_and_version() {
    let bed = Bed::new();
    let out = Out::from(bed.bare().arg("--version").output().unwrap());
    out.success()
        .stdout_is(&format!("dbsecrets {}\n", env!("CARGO_PKG_VERSION")));
    let out = Out::from(bed.bare().arg("--help").output().unwrap());
    out.success();
    for cmd in [
        "list-scopes",
        "create-scope",
        "delete-scope",
        "list",
        "put",
        "get",
        "delete",
        "acls",
        "put-acl",
        "get-acl",
        "delete-acl",
        "completions",
        "emulator",
    ] {
        assert!(out.stdout.contains(cmd), "--help lacks {cmd}");
        let sub = Out::from(bed.bare().args([cmd, "--help"]).output().unwrap());
        sub.success();
        assert!(
            sub.stdout.contains("Example"),
            "{cmd} --help has no example"
        );
    }
    let put = Out::from(bed.bare().args(["put", "--help"]).output().unwrap());
    assert!(put
        .stdout
        .contains("Visible to other users of this machine"));
}

#[test]
fn completions_and_man_page() {
    let bed = Bed::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = Out::from(bed.bare().args(["completions", shell]).output().unwrap());
        out.success();
        assert!(
            out.stdout.contains("list-scopes") && out.stdout.contains("put-acl"),
            "{shell}"
        );
    }
    let out = Out::from(bed.bare().arg("man").output().unwrap());
    out.success();
    assert!(
        out.stdout.starts_with(".ie") || out.stdout.contains(".TH dbsecrets"),
        "{}",
        &out.stdout[..80]
    );
}

#[test]
fn out_of_range_settings_are_usage_errors_not_panics() {
    let bed = Bed::new();
    for (args, want) in [
        (
            vec!["list-scopes", "--timeout", "0"],
            "--timeout is 0: it must be greater than 0",
        ),
        (
            vec!["list-scopes", "--timeout", "1e20"],
            "--timeout is 100000000000000000000",
        ),
        (
            vec!["list-scopes", "--rate-limit", "0"],
            "--rate-limit is 0",
        ),
        (vec!["list-scopes", "--rate-limit=-3"], "--rate-limit is -3"),
        (
            vec!["list-scopes", "--retry-timeout=-1"],
            "--retry-timeout is -1: it must be 0 or more",
        ),
    ] {
        bed.run(&args).fails(2).stderr_has(want);
    }
    bed.write_config(&format!(
        "[p]\nhost = {}\ntoken = t\nhttp_timeout_seconds = 1e30\n",
        bed.url()
    ));
    let out = Out::from(
        bed.bare()
            .args(["list-scopes", "-p", "p"])
            .output()
            .unwrap(),
    );
    out.fails(2)
        .stderr_has("http_timeout_seconds in the configuration is");
    assert!(bed.requests().is_empty());
}

#[test]
fn absurd_retry_after_is_clamped_not_a_panic() {
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::json(
        429,
        r#"{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"x"}"#,
    )
    .header("Retry-After", "1e300")]);
    against(&fake, &bed, &["list-scopes", "--retry-timeout", "5"])
        .fails(1)
        .stderr_has("gave up after 1 attempt");
}
