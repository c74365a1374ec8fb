//! What users of the official `databricks secrets` commands type: its
//! command and flag names, `-o text` as it prints it, `get-secret`'s JSON.

use crate::common::*;
use serde_json::json;

#[test]
fn text_output_is_the_official_clis() {
    let bed = Bed::new();
    bed.scope_with("my-app-secrets", &[("api-key", "v")]);
    bed.run(&["create-scope", "kv"]).success();
    bed.run(&["list-scopes", "-o", "text"]).success().stdout_is(
        "Scope           Backend Type\nkv              DATABRICKS\nmy-app-secrets  DATABRICKS\n",
    );
    let out = bed.run(&["list-secrets", "my-app-secrets", "-o", "text"]);
    out.success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "Key      Last Updated Timestamp");
    let (key, ts) = lines[1].split_once("  ").unwrap();
    assert_eq!(key, "api-key");
    assert!(
        ts.trim().parse::<i64>().unwrap() > 1_600_000_000_000,
        "{ts}"
    );
    // No template in the official CLI: JSON.
    bed.run(&["list-acls", "my-app-secrets", "-o", "text"])
        .success()
        .stdout_is(
            "[\n  {\n    \"principal\": \"admin@example.com\",\n    \"permission\": \"MANAGE\"\n  }\n]\n",
        );
    // Mutations print nothing on stdout, as there.
    let out = bed.run(&["delete-secret", "my-app-secrets", "api-key", "-o", "text"]);
    out.success().stdout_is("");
}

#[test]
fn put_secret_bytes_value_is_base64_of_the_bytes() {
    let bed = Bed::new();
    bed.scope_with("s", &[]);
    bed.run(&["put-secret", "s", "bin", "--bytes-value", "AP8BgA=="])
        .success();
    assert_eq!(
        bed.emu.emulator().secret_bytes("s", "bin").unwrap(),
        [0, 255, 1, 128]
    );
    let sent = &bed.requests_to("POST", "/api/2.0/secrets/put")[0];
    assert!(sent.value_matches("bytes_value", "AP8BgA=="));
    // Not base64: refused before sending, without echoing it.
    bed.clear();
    let out = bed.run(&["put-secret", "s", "bin", "--bytes-value", "n0t-base64!"]);
    out.fails(2).stderr_has("--bytes-value is not valid base64");
    assert!(!out.stderr.contains("n0t-base64"));
    assert!(bed.requests().is_empty());
    // With --value: a conflict, and the value masked in the usage error.
    let out = bed.run(&[
        "put-secret",
        "s",
        "k",
        "--bytes-value",
        "QQ==",
        "--value",
        "s3cr3t",
    ]);
    out.fails(2);
    assert!(
        !out.stderr.contains("s3cr3t") && !out.stderr.contains("QQ=="),
        "{}",
        out.stderr
    );
}

#[test]
fn create_scope_takes_the_official_backend_flag() {
    let bed = Bed::new();
    let out = bed.run(&[
        "create-scope",
        "s",
        "--scope-backend-type",
        "DATABRICKS",
        "-o",
        "json",
    ]);
    assert_eq!(
        out.json(),
        json!({"result": "created", "scope": "s", "backend_type": "DATABRICKS"})
    );
    let out = bed.run(&[
        "create-scope",
        "kv",
        "--scope-backend-type",
        "AZURE_KEYVAULT",
    ]);
    out.fails(2)
        .stderr_has("--backend azure-keyvault needs both --resource-id and --dns-name");
}
