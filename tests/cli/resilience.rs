//! Transport faults: resets, silence, huge bodies, proxies, interruption.

use crate::common::fake::{Fake, Reply};
use crate::common::*;
use std::time::{Duration, Instant};

fn cmd_for(bed: &Bed, url: &str, args: &[&str]) -> assert_cmd::Command {
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", url)
        .env("DATABRICKS_TOKEN", "t")
        .args(args);
    c
}

#[test]
fn connection_reset_is_retried_then_reported() {
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::Close]);
    let out = Out::from(
        cmd_for(&bed, &fake.url, &["list-scopes", "--retry-timeout", "2"])
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stderr);
    assert!(
        lines[0].starts_with("warning: request to http://127.0.0.1")
            && lines[0].ends_with("retrying for up to 2 s (--retry-timeout)"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("error: cannot list secret scopes: gave up after"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("hint: check the host"));
    assert!(
        fake.count() >= 2,
        "a reset is retried: {} requests",
        fake.count()
    );
}

#[test]
fn reset_then_success_recovers() {
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::Close, Reply::json(200, r#"{"scopes":[]}"#)]);
    Out::from(
        cmd_for(&bed, &fake.url, &["list-scopes", "-o", "json"])
            .output()
            .unwrap(),
    )
    .success()
    .stdout_is("[]\n");
    assert_eq!(fake.count(), 2);
}

#[test]
fn a_server_that_never_answers_times_out() {
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::Hang(Duration::from_secs(30))]);
    let started = Instant::now();
    let out = Out::from(
        cmd_for(
            &bed,
            &fake.url,
            &["list-scopes", "--timeout", "0.5", "--retry-timeout", "0"],
        )
        .output()
        .unwrap(),
    );
    out.fails(1).stderr_has("timed out");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the timeout applies"
    );
    assert_eq!(fake.count(), 1);
}

#[test]
fn a_huge_body_is_refused() {
    let bed = Bed::new();
    let big = vec![b' '; 17 * 1024 * 1024];
    let fake = Fake::start(vec![Reply::raw(200, "application/json", &big)]);
    let out = Out::from(cmd_for(&bed, &fake.url, &["list-scopes"]).output().unwrap());
    out.fails(1)
        .stderr_has("the response is larger than 16 MiB");
}

#[test]
fn https_goes_through_the_proxy_from_the_environment() {
    let bed = Bed::new();
    // The "proxy" refuses the tunnel; what matters is that the client asked it.
    let proxy = Fake::start(vec![Reply::raw(403, "text/plain", b"no")]);
    let mut c = cmd_for(
        &bed,
        "https://adb-1234.5.azuredatabricks.net",
        &["list-scopes", "--retry-timeout", "0"],
    );
    c.env("HTTPS_PROXY", &proxy.url);
    let out = Out::from(c.output().unwrap());
    out.fails(1).stderr_has(
        "cannot connect to https://adb-1234.5.azuredatabricks.net/api/2.0/secrets/scopes/list",
    );
    let seen = proxy.seen();
    assert_eq!(seen[0].method, "CONNECT");
    assert_eq!(seen[0].path, "adb-1234.5.azuredatabricks.net:443");
    assert!(
        seen[0].header("authorization").is_none(),
        "the token is never sent to the proxy"
    );
}

#[test]
fn loopback_is_never_proxied() {
    let bed = Bed::new();
    let proxy = Fake::start(vec![Reply::raw(502, "text/plain", b"proxy")]);
    let mut c = bed.cmd();
    c.env("HTTP_PROXY", &proxy.url)
        .env("http_proxy", &proxy.url)
        .args(["list-scopes", "-o", "json"]);
    Out::from(c.output().unwrap()).success().stdout_is("[]\n");
    assert_eq!(proxy.count(), 0);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_with_130_and_says_what_that_means() {
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::Hang(Duration::from_secs(30))]);
    let child = bed.spawn_against(&fake.url, &["put", "s", "k", "--value", "v"]);
    // Wait until the request is in flight (the server has it), then interrupt.
    wait_until("the request arrives", || fake.count() > 0);
    let started = Instant::now();
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = Out::from(child.wait_with_output().unwrap());
    assert!(started.elapsed() < Duration::from_secs(5), "stops promptly");
    out.fails(130)
        .stderr_has("interrupted (Ctrl-C)")
        .stderr_has("may or may not have been applied");
}

#[cfg(unix)]
#[test]
fn ctrl_c_while_reading_the_value_stops_at_once_and_sends_nothing() {
    use std::os::unix::process::ExitStatusExt;
    let bed = Bed::new();
    for _ in 0..3 {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dbsecrets"))
            .env_clear()
            .env("HOME", bed.home.path())
            .env("DATABRICKS_HOST", bed.url())
            .env("DATABRICKS_TOKEN", "t")
            .args(["put", "s", "k"])
            .stdin(std::process::Stdio::piped()) // kept open: the read blocks
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        assert!(started.elapsed() < Duration::from_secs(5), "stops promptly");
        assert!(
            status.signal() == Some(2) || status.code() == Some(130),
            "{status:?}"
        );
        drop(child.stdin.take());
    }
    assert!(bed.requests().is_empty());
}

/// A host given without a scheme becomes https; a local server that speaks
/// plain http fails the TLS handshake. That will not change on a retry: one
/// attempt, and the fix in plain words.
#[test]
fn https_to_a_plain_http_server_fails_at_once_with_the_fix() {
    let bed = Bed::new();
    let port = bed.url().rsplit(':').next().unwrap().to_string();
    let host = format!("127.0.0.1:{port}");
    let out = Out::from(
        bed.bare()
            .env("DATABRICKS_TOKEN", "t")
            .args(["list-scopes", "--host", &host])
            .output()
            .unwrap(),
    );
    out.fails(1);
    assert_eq!(
        out.stderr.lines().next().unwrap(),
        format!("error: cannot list secret scopes: cannot connect to https://127.0.0.1:{port}/api/2.0/secrets/scopes/list: this server speaks http, not https: use http://127.0.0.1:{port}")
    );
    assert!(
        !out.stderr.contains("warning:"),
        "not retried: {}",
        out.stderr
    );
    assert!(bed.requests().is_empty(), "no HTTP request got through");
}

/// A refused connection is retried (it lets the first command wait for a
/// starting emulator), but only for the short connection window (10 s), not
/// the 300 s throttling budget, and the error says how long it waited.
#[test]
fn a_refused_connection_is_retried_for_ten_seconds_not_five_minutes() {
    let bed = Bed::new();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    }; // closed again: connections are refused
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let out = Out::from(cmd_for(&bed, &url, &["list-scopes"]).output().unwrap());
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let lines: Vec<&str> = out.stderr.lines().collect();
    // The OS's words for "refused" differ: check what is ours.
    assert!(
        lines[0].starts_with(&format!(
            "warning: cannot connect to {url}/api/2.0/secrets/scopes/list: "
        )) && lines[0].ends_with("; retrying for up to 10 s (--retry-timeout)"),
        "{}",
        lines[0]
    );
    let waited: f64 = lines[1]
        .split(" over ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{}", lines[1]));
    assert!(lines[1].starts_with("error: cannot list secret scopes: gave up after "));
    assert!((0.5..=10.0).contains(&waited), "waited {waited} s");
}
