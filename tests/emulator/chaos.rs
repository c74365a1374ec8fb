//! Chaos flags (`--fail-rate`, `--retry-after`) and the verbose log of the
//! `dbsecrets emulator` process.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn cli_chaos_flags_and_verbose_log() {
    let mut child = crate::common::emulator_command()
        .args([
            "--token",
            "alice-token=alice@example.com",
            "--fail-rate",
            "1",
            "--retry-after",
            "7",
            "-v",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim_end().to_string();
    let http = crate::common::http_client();
    let list = format!("{url}/api/2.0/secrets/list?scope=hidden-scope");
    let r = http
        .get(&list)
        .bearer_auth("alice-token")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            r.status().as_u16(),
            r.headers()["retry-after"].to_str().unwrap()
        ),
        (503, "7")
    );
    let r = http
        .get(&list)
        .bearer_auth("wrong-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 503);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("DATABRICKS_TOKEN=<one of the configured tokens>"),
        "{stderr}"
    );
    assert!(
        stderr.contains("GET /api/2.0/secrets/list alice@example.com -> 503\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("GET /api/2.0/secrets/list - -> 503\n"),
        "{stderr}"
    );
    for leak in ["alice-token", "wrong-token", "hidden-scope"] {
        assert!(!stderr.contains(leak), "{leak} leaked: {stderr}");
    }
}
