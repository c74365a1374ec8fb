//! What makes a command fast, checked exactly (never by timing): one thread for
//! a single request, no certificate store read for plain http, no config file
//! read when the environment decides.

use crate::common::*;

/// Linux only: the thread count comes from /proc.
#[cfg(target_os = "linux")]
#[test]
fn a_single_request_runs_on_one_thread() {
    use crate::common::fake::{Fake, Reply};
    use std::time::Duration;
    let bed = Bed::new();
    let fake = Fake::start(vec![Reply::Hang(Duration::from_secs(20))]);
    let child = bed.spawn_against(&fake.url, &["list-scopes", "--timeout", "20"]);
    // While the request is in flight, count the process's threads.
    wait_until("the request arrives", || fake.count() > 0);
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let threads = status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .unwrap()
        .trim()
        .to_string();
    let mut child = child;
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        threads, "1",
        "a single-request command uses a current-thread runtime and no worker pool"
    );
}

#[test]
fn plain_http_never_loads_a_certificate_store() {
    let bed = Bed::new();
    let missing = bed.home.path().join("no-such-ca.pem");
    // For https the store is loaded, and the missing file is reported ...
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", "https://127.0.0.1:1")
        .env("DATABRICKS_TOKEN", "t")
        .env("SSL_CERT_FILE", &missing)
        .args(["list-scopes", "--retry-timeout", "0"]);
    let out = Out::from(c.output().unwrap());
    assert!(
        out.stderr.contains("warning: cannot load CA certificates"),
        "{}",
        out.stderr
    );
    // ... for plain http nothing is even looked at.
    let out = Out::from(
        bed.cmd()
            .env("SSL_CERT_FILE", &missing)
            .args(["list-scopes", "-q"])
            .output()
            .unwrap(),
    );
    out.success().stdout_is("");
    assert_eq!(out.stderr, "");
}

#[test]
fn the_config_file_is_not_read_when_the_environment_decides() {
    let bed = Bed::new();
    // A directory where the file should be: reading it would fail loudly.
    std::fs::create_dir(bed.home.path().join(".databrickscfg")).unwrap();
    let out = bed.run(&["list-scopes", "-q"]);
    out.success().stdout_is("");
    assert_eq!(out.stderr, "");
    assert_eq!(auth_used(&bed), format!("Bearer {TOKEN}"));
    let out = Out::from(
        bed.bare()
            .env("DATABRICKS_HOST", bed.url())
            .args(["list-scopes", "-p", "DEV"])
            .output()
            .unwrap(),
    );
    out.fails(2).stderr_has("cannot read config file");
}
