//! import: dotenv and JSON files in, every problem found first, dry runs, stdin.

use serde_json::{json, Value};

use crate::common::*;
use crate::support::*;

#[test]
fn import_dotenv_with_every_feature_then_export_round_trips() {
    let bed = Bed::new();
    bed.scope_with("app", &[]);
    let env = write(bed.home.path(), ".env", DOTENV.as_bytes());

    let out = bed.run(&["import", "app", env.to_str().unwrap(), "-o", "json"]);
    out.success();
    let want: Vec<_> = {
        let mut w: Vec<_> = EXPECTED.iter().map(|(k, _)| row(k, "add", "ok")).collect();
        w.sort();
        w
    };
    assert_eq!(report(&out), want);
    assert_eq!(out.stderr, "Import into scope 'app': 8 added.\n");
    for (k, v) in EXPECTED {
        assert_eq!(
            bed.emu.emulator().secret_bytes("app", k).unwrap(),
            v.as_bytes(),
            "{k}"
        );
    }
    assert_eq!(bed.requests_to("POST", PUT).len(), 8);
    assert!(bed.requests_to("POST", PUT).iter().all(|r| r
        .body
        .as_ref()
        .unwrap()
        .get("string_value")
        .is_some()));
    assert!(!out.stdout.contains("sk-live-123") && !out.stderr.contains("sk-live-123"));

    // Export as dotenv: exact text, sorted by key, read back to the same values.
    bed.clear();
    let out = bed.run(&["export", "app", "--format", "env"]);
    out.success();
    assert_eq!(
        out.stdout,
        "API_TOKEN=\"sk-live-123\"\n\
         DB_HOST=\"db.internal\"\n\
         DOUBLE=\"tab\tand \\\"escaped\\\" \\\\ and \\$dollar\"\n\
         ESCAPED_NL=\"a\\nb\"\n\
         MULTI=\"-----BEGIN KEY-----\\nline two\\n-----END KEY-----\"\n\
         SINGLE=\"literal \\$HOME and \\\"quotes\\\" \\\\n stay\"\n\
         SPACED=\"around equals\"\n\
         URL=\"postgres://db.internal:5432/app\"\n"
    );
    assert!(posts(&bed).is_empty(), "export writes nothing");
    let exported = write(bed.home.path(), "exported.env", out.stdout.as_bytes());
    bed.run(&["create-scope", "copy"]).success();
    bed.run(&["import", "copy", exported.to_str().unwrap()])
        .success();
    for (k, v) in EXPECTED {
        assert_eq!(
            bed.emu.emulator().secret_bytes("copy", k).unwrap(),
            v.as_bytes(),
            "{k} after export and import"
        );
    }

    // To a file: mode 0600, even over an existing world-readable file.
    let file = write(bed.home.path(), "backup.env", b"old");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    // Windows has no mode bits: the file gets its folder's ACLs, and says so.
    #[cfg(unix)]
    let access = "mode 0600";
    #[cfg(not(unix))]
    let access = "access inherited from its folder";
    let out = bed.run(&["export", "app", "--output-file", file.to_str().unwrap()]);
    out.success().stdout_is("");
    assert_eq!(
        out.stderr,
        format!(
            "Exported 8 secrets of scope 'app' to {} ({access}).\n",
            file.display()
        )
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(&file).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
    assert_eq!(std::fs::read(&file).unwrap(), exported_bytes(&bed, "app"));
}

#[test]
fn json_with_a_binary_value_round_trips() {
    let bed = Bed::new();
    bed.scope_with("s", &[]);
    let doc = json!({"text": "plain \"value\"\n", "bin": {"value_base64": "AP8BgA=="}});
    let file = write(bed.home.path(), "secrets.json", doc.to_string().as_bytes());
    let out = bed.run(&[
        "import",
        "s",
        file.to_str().unwrap(),
        "--prefix",
        "app.",
        "-o",
        "csv",
    ]);
    out.success();
    assert_eq!(
        out.stdout,
        "key,action,result,error\napp.bin,add,ok,\napp.text,add,ok,\n"
    );
    assert_eq!(
        bed.emu.emulator().secret_bytes("s", "app.bin").unwrap(),
        vec![0x00, 0xff, 0x01, 0x80]
    );
    let bin_put = bed
        .requests_to("POST", PUT)
        .into_iter()
        .find(|r| r.body.as_ref().unwrap()["key"] == "app.bin")
        .unwrap();
    assert_eq!(
        bin_put.body.unwrap(),
        json!({"scope": "s", "key": "app.bin", "bytes_value": bed.emu.emulator().redacted("AP8BgA==")})
    );

    // The format follows the output file's name; binary is base64 in JSON.
    let back = bed.home.path().join("back.json");
    bed.run(&["export", "s", "--output-file", back.to_str().unwrap()])
        .success();
    let got: Value = serde_json::from_slice(&std::fs::read(&back).unwrap()).unwrap();
    assert_eq!(
        got,
        json!({"app.bin": {"value_base64": "AP8BgA=="}, "app.text": "plain \"value\"\n"})
    );

    // dotenv cannot hold binary: refused, listed, nothing written.
    let out = bed.run(&["export", "s", "--format", "env"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: cannot export 1 secret as dotenv: nothing was written\n  \
         key 'app.bin': the value is binary (not UTF-8 text)\n\
         hint: use --format json, which holds any key and binary values (as value_base64)\n"
    );
}

#[test]
fn a_bad_file_lists_every_problem_and_sends_nothing() {
    let bed = Bed::new();
    bed.scope_with("s", &[]);
    let env = write(
        bed.home.path(),
        "bad.env",
        b"GOOD=fine\nEMPTY=\nBAD LINE=s3cr3t-one\nDUP=x\ndup=s3cr3t-two\nBIG=\n",
    );
    // A value over 128 KiB too.
    let mut text = std::fs::read(&env).unwrap();
    text.extend_from_slice(format!("HUGE={}\n", "x".repeat(131_073)).as_bytes());
    std::fs::write(&env, text).unwrap();
    let out = bed.run(&["import", "s", env.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "error: {}: 5 problems found; nothing was sent",
            env.display()
        )
    );
    assert_eq!(
        lines[1], "  line 3: key \"BAD LINE\" has a space (U+0020), which dotenv keys cannot hold",
        "{}",
        out.stderr
    );
    assert_eq!(
        lines[2],
        "  key 'EMPTY': the secret value is empty: an empty secret is refused"
    );
    assert_eq!(
        lines[3],
        "  key 'dup' appears more than once (keys are case-insensitive)"
    );
    assert_eq!(
        lines[4],
        "  key 'BIG': the secret value is empty: an empty secret is refused"
    );
    assert!(lines[5].starts_with("  key 'HUGE': the secret value is 131073 bytes"));
    assert!(lines[6].starts_with("hint: fix the file"));
    assert!(!out.stderr.contains("s3cr3t"));
    assert!(
        bed.requests().is_empty(),
        "nothing was sent, not even a list"
    );

    let json_file = write(
        bed.home.path(),
        "bad.json",
        br#"{"ok": "v", "n": 42, "bad key": "v", "o": {"value_base64": "%%%"}}"#,
    );
    let out = bed.run(&["import", "s", json_file.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("3 problems found"), "{}", out.stderr);
    assert!(out.stderr.contains("  key 'n': the value is a number"));
    assert!(out.stderr.contains("  invalid key name 'bad key'"));
    assert!(out
        .stderr
        .contains("  key 'o': value_base64 is not valid base64"));
    assert!(bed.requests().is_empty());
}

#[test]
fn import_from_stdin_and_dry_run_sends_no_write() {
    let bed = Bed::new();
    bed.scope_with("s", &[("existing", "old")]);
    let out = Out::from(
        bed.cmd()
            .args(["import", "s", "-", "--dry-run"])
            .write_stdin("existing=new\nfresh=1\n")
            .output()
            .unwrap(),
    );
    out.success();
    assert_eq!(
        out.stdout,
        "KEY        ACTION   RESULT    ERROR\nexisting   update   dry-run\nfresh      add      dry-run\n"
    );
    assert_eq!(
        out.stderr,
        "Dry run of import into scope 's': 1 to add, 1 to update; nothing was sent.\n"
    );
    assert!(posts(&bed).is_empty(), "a dry run sends no write");
    assert_eq!(bed.requests_to("GET", LIST).len(), 1);
    assert_eq!(
        bed.emu.emulator().secret_bytes("s", "existing").unwrap(),
        b"old"
    );
    assert!(bed.emu.emulator().secret_bytes("s", "fresh").is_none());

    // A JSON document on stdin needs --format.
    let out = Out::from(
        bed.cmd()
            .args(["import", "s", "-", "--format", "json", "-q"])
            .write_stdin(r#"{"fresh": "1"}"#)
            .output()
            .unwrap(),
    );
    out.success();
    assert_eq!(out.stderr, "");
    assert_eq!(bed.emu.emulator().secret_bytes("s", "fresh").unwrap(), b"1");
}

#[test]
fn import_into_a_missing_scope_stops_before_any_put() {
    let bed = Bed::new();
    let env = write(bed.home.path(), ".env", b"A=1\n");
    let out = bed.run(&["import", "nope", env.to_str().unwrap()]);
    out.fails(3)
        .stderr_has("cannot list secrets in scope 'nope'");
    assert!(posts(&bed).is_empty());
}

#[test]
fn a_json_key_given_twice_is_a_problem_not_a_silent_overwrite() {
    let bed = Bed::new();
    bed.run(&["create-scope", "s"]).success();
    bed.clear();
    let file = write(
        bed.home.path(),
        "dup.json",
        br#"{"a":"first","a":"second","b":"ok"}"#,
    );
    let out = bed.run(&["import", "s", file.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("key 'a' appears more than once"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("first") && !out.stderr.contains("second"));
    assert!(posts(&bed).is_empty(), "nothing was sent");
}

#[test]
fn import_create_scope_creates_a_missing_scope_once() {
    let bed = Bed::new();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "in.env", b"A=1\nB=2\n");
    let path = file.to_str().unwrap();
    // Without the flag: the usual refusal, which now mentions the flag.
    let out = bed.run(&["import", "fresh", path]);
    out.fails(3).stderr_has("or add --create-scope");
    // A dry run says it would create it, and sends no write.
    bed.clear();
    let out = bed.run(&["import", "fresh", path, "--create-scope", "--dry-run"]);
    out.success();
    assert!(
        out.stderr.starts_with("Would create scope 'fresh'.\n"),
        "{}",
        out.stderr
    );
    assert!(bed.requests().iter().all(|r| r.method == "GET"));
    // For real: created, then filled; one listing request, not two.
    bed.clear();
    let out = bed.run(&["import", "fresh", path, "--create-scope", "-o", "json"]);
    out.success();
    assert!(
        out.stderr.starts_with("Created scope 'fresh'.\n"),
        "{}",
        out.stderr
    );
    assert_eq!(bed.requests_to("GET", LIST).len(), 1);
    assert_eq!(bed.emu.emulator().secret_bytes("fresh", "B").unwrap(), b"2");
    // Again: the scope exists, nothing is created, every key is an update.
    bed.clear();
    let out = bed.run(&["import", "fresh", path, "--create-scope", "-o", "json"]);
    out.success();
    assert!(!out.stderr.contains("Created scope"), "{}", out.stderr);
    assert!(bed
        .requests_to("POST", "/api/2.0/secrets/scopes/create")
        .is_empty());
    assert!(report(&out)
        .iter()
        .all(|(_, a, r)| a == "update" && r == "ok"));
}
