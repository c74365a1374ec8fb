//! A hostile or broken server: what it controls never reaches the terminal
//! unclean or unbounded, it cannot make dbsecrets print the value it was sent,
//! and nonsense is never taken for an answer.

use crate::common::fake::{Fake, Reply};
use crate::common::*;

fn against(url: &str, bed: &Bed, args: &[&str]) -> Out {
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", url)
        .env("DATABRICKS_TOKEN", "t")
        .args(args);
    Out::from(c.output().unwrap())
}

/// Control characters, escape sequences, bell and text-direction overrides.
const NASTY: &str = "\u{1b}[2J\u{1b}]0;owned\u{7}\u{202e}";

#[test]
fn a_huge_error_code_with_escape_sequences_is_cleaned_and_capped() {
    let bed = Bed::new();
    let code = format!("{NASTY}{}", "E".repeat(5_000_000));
    let body = serde_json::json!({"error_code": code, "message": format!("{NASTY}hi\nthere")});
    let fake = Fake::start(vec![Reply::json(400, &body.to_string())]);
    let out = against(&fake.url, &bed, &["list-scopes"]);
    out.fails(1);
    assert!(
        out.stderr.len() < 1_000,
        "{} bytes of stderr",
        out.stderr.len()
    );
    assert!(
        !out.stderr
            .chars()
            .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'),
        "{:?}",
        out.stderr
    );
    assert!(
        out.stderr.contains("…: [2J ]0;owned hi there (HTTP 400)"),
        "{}",
        out.stderr
    );
}

#[test]
fn debug_retry_lines_show_server_text_cleaned_and_capped() {
    let bed = Bed::new();
    let code = format!("{NASTY}{}", "T".repeat(1_000_000));
    let body = serde_json::json!({"error_code": code});
    let fake = Fake::start(vec![
        Reply::json(429, &body.to_string()).header("Retry-After", "0")
    ]);
    let out = against(
        &fake.url,
        &bed,
        &["list-scopes", "--debug", "--retry-timeout", "0.3"],
    );
    assert_eq!(out.code, 1);
    let retries: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("* attempt"))
        .collect();
    assert!(!retries.is_empty(), "{}", out.stderr);
    for l in retries {
        assert!(l.len() < 400, "{} bytes", l.len());
        assert!(!l.chars().any(|c| c.is_control()), "{l:?}");
    }
}

#[test]
fn a_server_that_quotes_the_value_back_never_makes_us_print_it() {
    let bed = Bed::new();
    let value = "hunter2-CANARY-value";
    for reply in [
        Reply::json(
            400,
            &serde_json::json!({"error_code": "INVALID_PARAMETER_VALUE", "message": format!("bad value {value} for key k")}).to_string(),
        ),
        Reply::raw(500, "text/plain", format!("INTERNAL: cannot store {value}").as_bytes()),
    ] {
        let fake = Fake::start(vec![reply]);
        for args in [
            vec!["put", "s", "k", "--value", value],
            vec!["--debug", "put", "s", "k", "--value", value],
            vec!["uc", "put", "main.app.k", "--value", value],
            vec!["-o", "json", "put", "s", "k", "--value", value],
        ] {
            let out = against(&fake.url, &bed, &args);
            assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
            assert!(!out.stderr.contains("CANARY"), "{args:?}: {}", out.stderr);
            assert!(!out.stdout.contains("CANARY"), "{args:?}: {}", out.stdout);
            assert!(out.stderr.contains("***"), "{args:?}: {}", out.stderr);
        }
    }
}

#[test]
fn an_empty_answer_is_never_an_empty_listing() {
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::raw(200, "application/json", b"")]);
    let out = against(&fake.url, &bed, &["list", "s"]);
    out.fails(1)
        .stderr_has("the body is empty where a JSON object was expected");
    // An export must not replace a backup with nothing.
    let backup = bed.home.path().join("backup.json");
    std::fs::write(&backup, b"{\"k\": \"old\"}").unwrap();
    let out = against(
        &fake.url,
        &bed,
        &["export", "s", "--output-file", backup.to_str().unwrap()],
    );
    out.fails(1);
    assert_eq!(std::fs::read(&backup).unwrap(), b"{\"k\": \"old\"}");
}

/// OAuth discovery and token answers go through the same capped reads.
fn oauth(bed: &Bed, discovery: &Fake, args: &[&str]) -> Out {
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", "http://127.0.0.1:9")
        .env("DATABRICKS_CLIENT_ID", "sp-1")
        .env("DATABRICKS_CLIENT_SECRET", "sp-secret")
        .env(
            "DATABRICKS_DISCOVERY_URL",
            format!(
                "{}/oidc/.well-known/oauth-authorization-server",
                discovery.url
            ),
        )
        .args(args);
    Out::from(c.output().unwrap())
}

#[test]
fn a_token_endpoint_that_answers_html_is_not_a_rejection() {
    let bed = Bed::new();
    for (status, body) in [
        (200, "<html>please log in</html>"),
        (400, "<html>bad</html>"),
    ] {
        let token = Fake::start(vec![Reply::raw(status, "text/html", body.as_bytes())]);
        let discovery = Fake::start(vec![Reply::json(
            200,
            &format!(r#"{{"token_endpoint": "{}/oidc/v1/token"}}"#, token.url),
        )]);
        let out = oauth(&bed, &discovery, &["list-scopes", "--retry-timeout", "0"]);
        assert_eq!(out.code, 1, "HTTP {status}: {}", out.stderr);
        assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
        if status == 200 {
            out.stderr_has("with something that is not a token");
        }
        assert!(
            !out.stderr.contains("hint: check the service principal"),
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains("sp-secret"));
    }
}

#[test]
fn a_huge_discovery_document_is_refused_not_read() {
    let bed = Bed::new();
    let huge = format!(r#"{{"x": "{}"}}"#, "a".repeat(17 * 1024 * 1024));
    let discovery = Fake::start(vec![Reply::json(200, &huge)]);
    let out = oauth(&bed, &discovery, &["list-scopes", "--retry-timeout", "0"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    out.stderr_has("larger than 16 MiB");
}
