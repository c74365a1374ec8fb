//! put (every value source), list, get, delete against the emulator.

use crate::common::*;
use serde_json::json;

#[test]
fn put_with_value_sends_string_value_exactly() {
    let bed = Bed::new();
    bed.scope_with("s", &[]);
    let out = bed.run(&["put", "s", "api-key", "--value", " sk-xxx \n"]);
    out.success().stdout_is("");
    assert_eq!(
        out.stderr,
        "Stored secret 'api-key' in scope 's' (9 bytes).\n"
    );
    let reqs = bed.requests_to("POST", "/api/2.0/secrets/put");
    assert_eq!(
        reqs[0].body,
        Some(
            json!({"scope": "s", "key": "api-key", "string_value": bed.emu.emulator().redacted(" sk-xxx \n")})
        )
    );
    assert_eq!(
        bed.emu.emulator().secret_bytes("s", "api-key").unwrap(),
        b" sk-xxx \n"
    );
}

#[test]
fn string_value_alias_and_put_secret_alias() {
    let bed = Bed::new();
    bed.scope_with("s", &[]);
    let out = bed.run(&["put-secret", "s", "k", "--string-value", "v1"]);
    out.success().stdout_is("");
    assert_eq!(out.stderr, "Stored secret 'k' in scope 's' (2 bytes).\n");
    assert_eq!(bed.emu.emulator().secret_bytes("s", "k").unwrap(), b"v1");
}

#[test]
fn put_from_piped_stdin_strips_one_newline() {
    let bed = Bed::new();
    bed.scope_with("s", &[]);
    let cases: &[(&[u8], &[u8])] = &[
        (b"from-stdin\n", b"from-stdin"),
        (b"crlf\r\n", b"crlf"),
        (b"two\n\n", b"two\n"),
        (b"none", b"none"),
        (b"  spaced  \n", b"  spaced  "),
    ];
    for (input, stored) in cases {
        let out = Out::from(
            bed.cmd()
                .args(["put", "s", "k"])
                .write_stdin(*input)
                .output()
                .unwrap(),
        );
        out.success();
        assert_eq!(
            bed.emu.emulator().secret_bytes("s", "k").unwrap(),
            *stored,
            "input {input:?}"
        );
    }
}

#[test]
fn binary_stdin_is_sent_as_bytes_value() {
    let bed = Bed::new();
    bed.scope_with("s", &[]);
    let out = Out::from(
        bed.cmd()
            .args(["put", "s", "bin", "-o", "json"])
            .write_stdin(vec![0u8, 0xff, 0xfe, b'\n'])
            .output()
            .unwrap(),
    );
    assert_eq!(
        out.json(),
        json!({"result": "stored", "scope": "s", "key": "bin", "value_type": "bytes", "bytes": 3})
    );
    let body = bed.requests_to("POST", "/api/2.0/secrets/put")[0]
        .body
        .clone()
        .unwrap();
    assert_eq!(body["bytes_value"], bed.emu.emulator().redacted("AP/+"));
    assert!(body.get("string_value").is_none());
}

#[test]
fn binary_file_round_trips_byte_for_byte_through_get() {
    let bed = Bed::new();
    bed.scope_with("s", &[]);
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("key.der");
    let bytes: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    std::fs::write(&src, &bytes).unwrap();
    bed.run(&["put", "s", "tls-key", "--value-file", src.to_str().unwrap()])
        .success();
    assert!(bed.requests_to("POST", "/api/2.0/secrets/put")[0]
        .body
        .as_ref()
        .unwrap()
        .get("bytes_value")
        .is_some());
    assert_eq!(
        bed.emu.emulator().secret_bytes("s", "tls-key").unwrap(),
        bytes
    );

    // `get > file` gives back exactly the same bytes: no newline added when piped.
    let out = bed.run(&["get", "s", "tls-key"]);
    out.success();
    assert_eq!(out.stdout_bytes, bytes);
    let out = bed.run(&["get", "s", "tls-key", "-o", "json"]);
    let doc = out.json();
    assert!(doc.get("value").is_none());
    use base64::Engine;
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(doc["value_base64"].as_str().unwrap())
            .unwrap(),
        bytes
    );
}

#[test]
fn text_file_keeps_its_trailing_newline() {
    let bed = Bed::new();
    bed.scope_with("s", &[]);
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("v.txt");
    std::fs::write(&src, "line1\nline2\n").unwrap();
    bed.run(&["put", "s", "k", "--value-file", src.to_str().unwrap()])
        .success();
    let body = bed.requests_to("POST", "/api/2.0/secrets/put")[0]
        .body
        .clone()
        .unwrap();
    assert_eq!(
        body["string_value"],
        bed.emu.emulator().redacted("line1\nline2\n")
    );
}

#[test]
fn bad_values_are_refused_before_sending() {
    let bed = Bed::new();
    bed.scope_with("s", &[]);
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big");
    std::fs::write(&big, vec![b'a'; 131_073]).unwrap();
    let exact = dir.path().join("exact");
    std::fs::write(&exact, vec![b'a'; 131_072]).unwrap();
    let empty = dir.path().join("empty");
    std::fs::write(&empty, b"").unwrap();

    bed.run(&["put", "s", "k", "--value", ""])
        .fails(2)
        .stderr_has("empty");
    bed.run(&["put", "s", "k", "--value-file", empty.to_str().unwrap()])
        .fails(2)
        .stderr_has("empty");
    bed.run(&["put", "s", "k", "--value-file", big.to_str().unwrap()])
        .fails(2)
        .stderr_has("is larger than 131072 bytes"); // stopped while reading
    bed.run(&["put", "s", "k", "--value-file", "/no/such/file"])
        .fails(2)
        .stderr_has("cannot read the value file /no/such/file: no such file");
    bed.run(&["put", "s", "k"])
        .fails(2)
        .stderr_has("standard input is empty");
    let out = Out::from(
        bed.cmd()
            .args(["put", "s", "k"])
            .write_stdin("\n")
            .output()
            .unwrap(),
    );
    out.fails(2).stderr_has("empty");
    bed.run(&["put", "s", "k", "--value", "v", "--value-file", "f"])
        .fails(2)
        .stderr_has("the argument '--value <V>' cannot be used with '--value-file <PATH>'");
    assert!(bed.requests().is_empty(), "{:?}", bed.requests());
    let out = bed.run(&["put", "s", "k", "--value-file", exact.to_str().unwrap()]);
    out.success().stdout_is("");
    assert_eq!(
        out.stderr,
        "Stored secret 'k' in scope 's' (131072 bytes).\n"
    );
    assert_eq!(
        bed.emu.emulator().secret_bytes("s", "k").unwrap(),
        vec![b'a'; 131_072]
    );
}

#[test]
fn list_shows_keys_never_values_in_every_format() {
    let bed = Bed::new();
    bed.scope_with(
        "s",
        &[("b-key", "value-one-SECRET"), ("a-key", "value-two-SECRET")],
    );
    let out = bed.run(&["list", "s", "-o", "json"]);
    out.success();
    let doc = out.json();
    let rows = doc.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["key"], "a-key");
    assert_eq!(rows[1]["key"], "b-key");
    for r in rows {
        let ms = r["last_updated_timestamp"].as_i64().unwrap();
        let utc = r["last_updated"].as_str().unwrap();
        assert_eq!(chrono_like(ms), utc);
        assert_eq!(r.as_object().unwrap().len(), 3);
    }
    let csv = bed.run(&["list", "s", "-o", "csv"]);
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(lines[0], "key,last_updated_timestamp,last_updated");
    assert!(lines[1].starts_with("a-key,") && lines[2].starts_with("b-key,"));
    let table = bed.run(&["list-secrets", "s"]);
    table.success();
    assert!(
        table.stdout.starts_with("KEY     LAST_UPDATED\na-key   "),
        "{}",
        table.stdout
    );
    for out in [&out, &csv, &table] {
        assert!(!out.stdout.contains("SECRET") && !out.stderr.contains("SECRET"));
    }
    assert_eq!(
        bed.requests_to("GET", "/api/2.0/secrets/list")[0]
            .query
            .as_deref(),
        Some("scope=s")
    );
}

/// RFC 3339 UTC with milliseconds, computed independently of the crate.
fn chrono_like(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms.rem_euclid(1000)
    )
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[test]
fn list_empty_scope_and_missing_scope() {
    let bed = Bed::new();
    bed.scope_with("empty", &[]);
    let out = bed.run(&["list", "empty"]);
    out.success().stdout_is("");
    assert_eq!(out.stderr, "Scope 'empty' has no secrets.\n");
    bed.run(&["list", "empty", "-o", "json"])
        .success()
        .stdout_is("[]\n");
    bed.run(&["list", "empty", "-o", "csv"])
        .success()
        .stdout_is("key,last_updated_timestamp,last_updated\n");
    let out = bed.run(&["list", "nope"]);
    out.fails(3).stderr_has("error: cannot list secrets in scope 'nope': RESOURCE_DOES_NOT_EXIST: Scope nope does not exist! (HTTP 404)");
}

#[test]
fn get_prints_exact_bytes_and_json_and_csv() {
    let bed = Bed::new();
    bed.scope_with("s", &[("k", "héllo, \"world\"")]);
    let out = bed.run(&["get", "s", "k"]);
    out.success();
    assert_eq!(
        out.stdout, "héllo, \"world\"",
        "no newline when stdout is not a terminal"
    );
    assert_eq!(out.stderr, "");
    let out = bed.run(&["get", "s", "K", "-o", "json"]);
    assert_eq!(
        out.json(),
        json!({"scope": "s", "key": "K", "value": "héllo, \"world\""})
    );
    // The official CLI's name gives the official CLI's shape: base64, always.
    for format in ["json", "text"] {
        let out = bed.run(&["get-secret", "s", "K", "-o", format]);
        out.success()
            .stdout_is("{\n  \"key\": \"K\",\n  \"value\": \"aMOpbGxvLCAid29ybGQi\"\n}\n");
    }
    bed.run(&["get-secret", "s", "k"])
        .success()
        .stdout_is("héllo, \"world\"");
    bed.run(&["get", "s", "k", "-o", "csv"])
        .success()
        .stdout_is("scope,key,value\ns,k,\"héllo, \"\"world\"\"\"\n");
    assert_eq!(
        bed.requests_to("GET", "/api/2.0/secrets/get")[0]
            .query
            .as_deref(),
        Some("scope=s&key=k")
    );
}

#[test]
fn get_in_a_notebook_only_workspace_explains_dbutils() {
    let bed = Bed::with(EmulatorOptions {
        get_mode: GetMode::NotebookOnly,
        ..EmulatorOptions::default()
    });
    bed.scope_with("s", &[("k", "v")]);
    let out = bed.run(&["get", "s", "k"]);
    out.fails(1)
        .stderr_has("error: cannot read secret 'k' in scope 's': this workspace only allows reading secret values from inside a notebook or job")
        .stderr_has("hint: read it there with dbutils.secrets.get(scope=\"s\", key=\"k\")");
}

#[test]
fn get_missing_secret_is_exit_3() {
    let bed = Bed::new();
    bed.scope_with("s", &[]);
    bed.run(&["get", "s", "nope"])
        .fails(3)
        .stderr_has("hint: see the keys of the scope with `dbsecrets list s`");
}

#[test]
fn delete_and_if_exists() {
    let bed = Bed::new();
    bed.scope_with("s", &[("k", "v")]);
    let out = bed.run(&["delete", "s", "k"]);
    out.success();
    assert_eq!(out.stderr, "Deleted secret 'k' from scope 's'.\n");
    assert_eq!(
        bed.requests_to("POST", "/api/2.0/secrets/delete")[0].body,
        Some(json!({"scope": "s", "key": "k"}))
    );
    bed.run(&["delete", "s", "k"])
        .fails(3)
        .stderr_has("--if-exists makes this a no-op");
    let out = bed.run(&["delete-secret", "s", "k", "--if-exists"]);
    out.success();
    assert_eq!(
        out.stderr,
        "Secret 'k' is not in scope 's'; nothing to do.\n"
    );
    let out = bed.run(&["delete", "no-scope", "k", "--if-exists", "-o", "json"]);
    assert_eq!(
        out.json(),
        json!({"result": "absent", "scope": "no-scope", "key": "k"})
    );
}

#[test]
fn put_to_missing_scope_is_exit_3_with_hint() {
    let bed = Bed::new();
    bed.run(&["put", "nope", "k", "--value", "v"]).fails(3).stderr_has("hint: check the name with `dbsecrets list-scopes`, or create it with `dbsecrets create-scope nope`");
}
