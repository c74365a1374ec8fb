//! The `dbsecrets emulator` process: its URL line, serving, the verbose log
//! and stopping on SIGTERM.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

use crate::common::{error, send, TOKEN};
use serde_json::json;

#[tokio::test]
async fn cli_prints_its_url_serves_and_stops_on_sigterm() {
    let mut child = crate::common::emulator_command()
        .args([
            "--get-mode",
            "notebook-only",
            "--principal",
            "cli@example.com",
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
    let url = line.strip_suffix('\n').expect("one full line");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let http = crate::common::http_client();
    let create = http
        .post(format!("{url}/api/2.0/secrets/scopes/create"))
        .header("Authorization", TOKEN)
        .json(&json!({"scope": "s"}));
    assert_eq!(send(create).await, (200, json!({})));
    let acl = http
        .get(format!("{url}/api/2.0/secrets/acls/list?scope=s"))
        .header("Authorization", TOKEN);
    let expected = json!({"items": [{"principal": "cli@example.com", "permission": "MANAGE"}]});
    assert_eq!(send(acl).await, (200, expected));
    let get = http
        .get(format!("{url}/api/2.0/secrets/get?scope=s&key=secret-name"))
        .header("Authorization", TOKEN);
    error(send(get).await, 400, "BAD_REQUEST");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{:?}", output.status);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(&format!(
            "export DATABRICKS_HOST={url} DATABRICKS_TOKEN=<any value>"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("POST /api/2.0/secrets/scopes/create cli@example.com -> 200"),
        "{stderr}"
    );
    assert!(
        stderr.contains("GET /api/2.0/secrets/get cli@example.com -> 400"),
        "{stderr}"
    );
    // Verbose lines carry no query values, tokens or bodies.
    for leak in ["secret-name", "dapi-test-token", "scope=s"] {
        assert!(!stderr.contains(leak), "{leak} leaked: {stderr}");
    }
}
