//! import, export, copy, sync: round trips through the emulator, partial
//! failure, throttling and interruption (the emulator's fault plan injects the
//! faults; see tests/common/faulty.rs).

mod common;
use common::faulty::{max_in_window, Fault, PUT};
use common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const LIST: &str = "/api/2.0/secrets/list";

fn write(dir: &Path, name: &str, text: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn posts(bed: &Bed) -> Vec<RecordedRequest> {
    bed.requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect()
}

/// (key, action, result) of a JSON report, sorted by key.
fn report(out: &Out) -> Vec<(String, String, String)> {
    let mut rows: Vec<_> = out
        .json()
        .as_array()
        .expect("the report is an array")
        .iter()
        .map(|r| {
            let s = |f: &str| r[f].as_str().unwrap_or_default().to_string();
            (s("key"), s("action"), s("result"))
        })
        .collect();
    rows.sort();
    rows
}

fn row(k: &str, a: &str, r: &str) -> (String, String, String) {
    (k.into(), a.into(), r.into())
}

/// Every dotenv feature: comments, `export`, single and double quotes, escapes,
/// multi-line values, spaces around `=`, trailing comments and ${VAR} references.
const DOTENV: &str = r#"# application secrets
DB_HOST=db.internal # trailing comment
export API_TOKEN=sk-live-123
SINGLE='literal $HOME and "quotes" \n stay'
DOUBLE="tab	and \"escaped\" \\ and \$dollar"
MULTI="-----BEGIN KEY-----
line two
-----END KEY-----"
ESCAPED_NL="a\nb"
SPACED = 'around equals'
URL="postgres://${DB_HOST}:5432/app"
"#;

const EXPECTED: &[(&str, &str)] = &[
    ("DB_HOST", "db.internal"),
    ("API_TOKEN", "sk-live-123"),
    ("SINGLE", "literal $HOME and \"quotes\" \\n stay"),
    ("DOUBLE", "tab\tand \"escaped\" \\ and $dollar"),
    ("MULTI", "-----BEGIN KEY-----\nline two\n-----END KEY-----"),
    ("ESCAPED_NL", "a\nb"),
    ("SPACED", "around equals"),
    ("URL", "postgres://db.internal:5432/app"),
];

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
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = bed.run(&["export", "app", "--output-file", file.to_str().unwrap()]);
    out.success().stdout_is("");
    assert_eq!(
        out.stderr,
        format!(
            "Exported 8 secrets of scope 'app' to {} (mode 0600).\n",
            file.display()
        )
    );
    let meta = std::fs::metadata(&file).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::read(&file).unwrap(), exported_bytes(&bed, "app"));
}

fn exported_bytes(bed: &Bed, scope: &str) -> Vec<u8> {
    bed.run(&["export", scope]).success().stdout_bytes.clone()
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
    assert!(
        lines[1].starts_with("  line 3 cannot be parsed"),
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

fn two_workspaces() -> (Bed, BackgroundEmulator) {
    let bed = Bed::new();
    let dst = BackgroundEmulator::start(EmulatorOptions::default()).unwrap();
    bed.write_config(&format!(
        "[SRC]\nhost = {}\ntoken = {TOKEN}\n\n[DST]\nhost = {}\ntoken = {TOKEN}\n",
        bed.url(),
        dst.url()
    ));
    (bed, dst)
}

#[test]
fn copy_between_two_workspaces_with_acls() {
    let (bed, dst) = two_workspaces();
    bed.scope_with("app", &[("db-password", "hunter2"), ("api-key", "sk-1")]);
    bed.run(&["put-acl", "app", "data-team", "READ"]).success();
    bed.clear();

    let copy = |extra: &[&str]| {
        let mut args = vec![
            "copy",
            "app",
            "app-copy",
            "--from-profile",
            "SRC",
            "--to-profile",
            "DST",
            "-o",
            "json",
        ];
        args.extend_from_slice(extra);
        Out::from(bed.bare().args(&args).output().unwrap())
    };

    // Dry run: the plan, no write anywhere, not even the scope.
    let out = copy(&["--create-scope", "--with-acls", "--dry-run"]);
    out.success();
    assert_eq!(
        report(&out),
        vec![
            row("admin@example.com", "put-acl", "dry-run"),
            row("api-key", "add", "dry-run"),
            row("data-team", "put-acl", "dry-run"),
            row("db-password", "add", "dry-run"),
        ]
    );
    assert!(out.stderr.starts_with("Would create scope 'app-copy'.\n"));
    assert!(dst.emulator().requests().iter().all(|r| r.method == "GET"));
    assert!(posts(&bed).is_empty());

    let out = copy(&["--create-scope", "--with-acls"]);
    out.success();
    assert_eq!(
        report(&out),
        vec![
            row("admin@example.com", "put-acl", "ok"),
            row("api-key", "add", "ok"),
            row("data-team", "put-acl", "ok"),
            row("db-password", "add", "ok"),
        ]
    );
    assert_eq!(
        out.stderr,
        "Created scope 'app-copy'.\nCopy of scope 'app' to 'app-copy': 2 added, 2 ACL entries set.\n"
    );
    assert_eq!(
        dst.emulator()
            .secret_bytes("app-copy", "db-password")
            .unwrap(),
        b"hunter2"
    );
    assert_eq!(
        dst.emulator().secret_bytes("app-copy", "api-key").unwrap(),
        b"sk-1"
    );
    assert!(posts(&bed).is_empty(), "the source gets no write");
    let acls = Out::from(
        bed.bare()
            .args(["acls", "app-copy", "-p", "DST", "-o", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(
        acls.success().json(),
        json!([
            {"principal": "admin@example.com", "permission": "MANAGE"},
            {"principal": "data-team", "permission": "READ"}
        ])
    );

    // --skip-existing leaves what the destination has.
    Out::from(
        bed.bare()
            .args([
                "put", "app-copy", "api-key", "--value", "changed", "-p", "DST",
            ])
            .output()
            .unwrap(),
    )
    .success();
    Out::from(
        bed.bare()
            .args(["delete", "app-copy", "db-password", "-p", "DST"])
            .output()
            .unwrap(),
    )
    .success();
    let out = copy(&["--skip-existing"]);
    out.success();
    assert_eq!(
        report(&out),
        vec![
            row("api-key", "skip", "ok"),
            row("db-password", "add", "ok")
        ]
    );
    assert_eq!(
        out.stderr,
        "Copy of scope 'app' to 'app-copy': 1 added, 1 skipped (already there).\n"
    );
    assert_eq!(
        dst.emulator()
            .secret_bytes("app-copy", "db-password")
            .unwrap(),
        b"hunter2"
    );
    assert_eq!(
        dst.emulator().secret_bytes("app-copy", "api-key").unwrap(),
        b"changed"
    );
}

#[test]
fn copy_needs_create_scope_for_a_missing_destination() {
    let bed = Bed::new();
    bed.scope_with("a", &[("k", "v")]);
    let out = bed.run(&["copy", "a", "b"]);
    out.fails(3)
        .stderr_has("cannot list secrets in destination scope 'b'")
        .stderr_has("hint: add --create-scope");
    assert!(posts(&bed).is_empty());
    bed.run(&["copy", "a", "A"])
        .fails(2)
        .stderr_has("to itself");
}

#[test]
fn sync_with_prune_and_dry_run() {
    let bed = Bed::new();
    bed.scope_with("s", &[("same", "1"), ("changed", "old"), ("extra", "x")]);
    let env = write(
        bed.home.path(),
        "want.env",
        b"same=1\nchanged=new\nadded=2\n",
    );
    let file = env.to_str().unwrap();

    let out = bed.run(&["sync", "s", file, "--prune", "--dry-run", "-o", "json"]);
    out.success();
    assert_eq!(
        report(&out),
        vec![
            row("added", "add", "dry-run"),
            row("changed", "update", "dry-run"),
            row("extra", "delete", "dry-run"),
            row("same", "unchanged", "dry-run"),
        ]
    );
    assert_eq!(
        out.stderr,
        "Dry run of sync of scope 's': 1 to add, 1 to update, 1 to delete, 1 unchanged; nothing was sent.\n"
    );
    assert!(posts(&bed).is_empty(), "a dry run sends no write");
    assert_eq!(bed.requests_to("GET", "/api/2.0/secrets/get").len(), 2);

    // Without --prune the extra key is kept, and said so.
    let out = bed.run(&["sync", "s", file, "--dry-run"]);
    out.success();
    assert!(out.stderr.starts_with(&format!(
        "1 key of scope 's' is not in {file} and is kept (--prune deletes them).\n"
    )));
    assert!(!out.stdout.contains("extra"));

    bed.clear();
    let out = bed.run(&["sync", "s", file, "--prune", "-o", "json"]);
    out.success();
    assert_eq!(
        report(&out),
        vec![
            row("added", "add", "ok"),
            row("changed", "update", "ok"),
            row("extra", "delete", "ok"),
            row("same", "unchanged", "ok"),
        ]
    );
    let emu = bed.emu.emulator();
    assert_eq!(emu.secret_bytes("s", "changed").unwrap(), b"new");
    assert_eq!(emu.secret_bytes("s", "added").unwrap(), b"2");
    assert!(emu.secret_bytes("s", "extra").is_none());
    let mut written: Vec<String> = posts(&bed)
        .iter()
        .map(|r| format!("{} {}", r.path, r.body.as_ref().unwrap()["key"]))
        .collect();
    written.sort();
    assert_eq!(
        written,
        vec![
            "/api/2.0/secrets/delete \"extra\"",
            "/api/2.0/secrets/put \"added\"",
            "/api/2.0/secrets/put \"changed\"",
        ],
        "the unchanged key is not written"
    );

    // In sync: a second run writes nothing.
    bed.clear();
    let out = bed.run(&["sync", "s", file, "--prune"]);
    out.success();
    assert_eq!(out.stderr, "Sync of scope 's': 3 unchanged.\n");
    assert!(posts(&bed).is_empty());
}

#[test]
fn sync_where_get_is_refused_counts_every_existing_entry_as_update() {
    let bed = Bed::with(EmulatorOptions {
        get_mode: GetMode::NotebookOnly,
        ..EmulatorOptions::default()
    });
    bed.scope_with("s", &[("same", "1")]);
    let env = write(bed.home.path(), "want.env", b"same=1\nadded=2\n");
    let out = bed.run(&[
        "sync",
        "s",
        env.to_str().unwrap(),
        "--dry-run",
        "-o",
        "json",
    ]);
    out.success();
    assert_eq!(
        report(&out),
        vec![
            row("added", "add", "dry-run"),
            row("same", "update", "dry-run")
        ]
    );
    assert!(
        out.stderr.starts_with(
            "warning: this workspace does not allow reading secret values through the API, so they cannot be compared: every key of"
        ),
        "{}",
        out.stderr
    );
    assert!(posts(&bed).is_empty());
}

fn numbered_env(dir: &Path, n: usize) -> PathBuf {
    let text: String = (0..n).map(|i| format!("k{i:03}=value-{i}\n")).collect();
    write(dir, "many.env", text.as_bytes())
}

#[test]
fn partial_failure_reports_exactly_the_failed_keys_and_a_rerun_completes() {
    let bed = Bed::new();
    let emu = bed.emu.emulator();
    bed.run(&["create-scope", "s"]).success();
    let env = numbered_env(bed.home.path(), 12);
    emu.set_fault_plan(|r| {
        (r.path == PUT && matches!(r.key, Some("k003" | "k007")))
            .then(|| Fault::error(500, "INTERNAL_ERROR", "disk on fire"))
    });
    let out = bed.run(&["import", "s", env.to_str().unwrap(), "-o", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let rows = out.json();
    let failed: Vec<&Value> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["result"] != "ok")
        .collect();
    assert_eq!(
        failed,
        vec![
            &json!({"key": "k003", "action": "add", "result": "failed", "error": "INTERNAL_ERROR: disk on fire (HTTP 500)"}),
            &json!({"key": "k007", "action": "add", "result": "failed", "error": "INTERNAL_ERROR: disk on fire (HTTP 500)"}),
        ]
    );
    assert_eq!(
        out.stderr,
        "Import into scope 's': 10 added, 2 failed.\n\
         error: 2 of 12 failed: k003, k007\n\
         hint: the others are applied; the report's error column says why each failed; run the same command again to finish: every action is idempotent\n"
    );
    assert!(emu.secret_bytes("s", "k003").is_none());
    assert_eq!(emu.secret_bytes("s", "k004").unwrap(), b"value-4");
    assert!(!out.stdout.contains("value-"), "no value in the report");

    emu.clear_fault_plan();
    let out = bed.run(&["import", "s", env.to_str().unwrap()]);
    out.success();
    assert_eq!(out.stderr, "Import into scope 's': 2 added, 10 updated.\n");
    for i in 0..12 {
        assert_eq!(
            emu.secret_bytes("s", &format!("k{i:03}")).unwrap(),
            format!("value-{i}").as_bytes()
        );
    }
}

#[test]
fn a_429_storm_slows_the_run_but_loses_nothing_and_keeps_the_rate() {
    let bed = Bed::new();
    let emu = bed.emu.emulator();
    bed.run(&["create-scope", "s"]).success();
    let env = numbered_env(bed.home.path(), 30);
    // The first two attempts of every put are throttled.
    emu.set_fault_plan(|r| (r.path == PUT && r.nth <= 2).then(|| Fault::throttled("0")));
    emu.clear_requests();
    let started = Instant::now();
    let out = bed.run(&[
        "import",
        "s",
        env.to_str().unwrap(),
        "--rate-limit",
        "30",
        "-o",
        "json",
    ]);
    out.success();
    let elapsed = started.elapsed();
    assert!(report(&out).iter().all(|(_, a, r)| a == "add" && r == "ok"));
    assert_eq!(report(&out).len(), 30);
    for i in 0..30 {
        assert_eq!(
            emu.secret_bytes("s", &format!("k{i:03}")).unwrap(),
            format!("value-{i}").as_bytes()
        );
    }
    let puts = bed.requests_to("POST", PUT);
    assert_eq!(puts.len(), 90, "each put: two 429s, then stored");
    assert_eq!(puts.iter().filter(|a| a.status == 429).count(), 60);
    // 91 requests (with the list) at 30/s take at least 3 s: the limit held.
    let all = bed.requests();
    let peak = max_in_window(&all, Duration::from_secs(1));
    assert!(
        peak <= 32,
        "{peak} requests within one second at --rate-limit 30"
    );
    assert!(elapsed >= Duration::from_millis(2900), "{elapsed:?}");
    assert!(
        out.stderr.starts_with(
            "the workspace is throttling requests (HTTP 429 or 503): fewer at once (8 -> 4), then more again as it recovers\n"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("Import into scope 's': 30 added. The workspace throttled 60 requests (retried; at least "),
        "{}",
        out.stderr
    );
}

#[test]
fn the_rate_limit_holds_for_a_fast_server_too() {
    let bed = Bed::new();
    let emu = bed.emu.emulator();
    bed.run(&["create-scope", "s"]).success();
    let env = numbered_env(bed.home.path(), 60);
    emu.clear_requests();
    let out = bed.run(&[
        "import",
        "s",
        env.to_str().unwrap(),
        "--rate-limit",
        "40",
        "--jobs",
        "32",
    ]);
    out.success();
    let peak = max_in_window(&bed.requests(), Duration::from_secs(1));
    assert!(
        peak <= 42,
        "{peak} requests within one second at --rate-limit 40"
    );
    assert_eq!(emu.count_requests(PUT), 60);
}

#[test]
fn ctrl_c_stops_sending_finishes_in_flight_and_reports_truthfully() {
    let bed = Bed::new();
    let emu = bed.emu.emulator();
    bed.run(&["create-scope", "s"]).success();
    let n = 400;
    let env = numbered_env(bed.home.path(), n);
    emu.set_delay_for(PUT, Duration::from_millis(20));
    emu.clear_requests();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_dbsecrets"))
        .env_clear()
        .env("HOME", bed.home.path())
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_TOKEN", TOKEN)
        .args([
            "import",
            "s",
            env.to_str().unwrap(),
            "--jobs",
            "4",
            "--rate-limit",
            "1000",
            "-o",
            "json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while emu.count_requests(PUT) < 20 {
        assert!(Instant::now() < deadline, "the puts never arrived");
        std::thread::yield_now();
    }
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = Out::from(child.wait_with_output().unwrap());
    assert_eq!(out.code, 130, "{}", out.stderr);
    let rows = report(&out);
    assert_eq!(rows.len(), n, "every key is in the report");
    let done: Vec<&String> = rows.iter().filter(|r| r.2 == "ok").map(|r| &r.0).collect();
    let not_sent: Vec<&String> = rows
        .iter()
        .filter(|r| r.2 == "not-sent")
        .map(|r| &r.0)
        .collect();
    assert_eq!(done.len() + not_sent.len(), n, "nothing failed: {rows:?}");
    assert!(
        done.len() >= 20 && !not_sent.is_empty(),
        "{} done",
        done.len()
    );
    // Truthful: what the report calls done is stored, the rest was never sent.
    for k in &done {
        assert!(emu.secret_bytes("s", k).is_some(), "{k} reported done");
    }
    for k in &not_sent {
        assert!(emu.secret_bytes("s", k).is_none(), "{k} reported not sent");
    }
    assert_eq!(
        emu.count_requests(PUT),
        done.len(),
        "no put after the report"
    );
    assert!(
        out.stderr
            .starts_with("Ctrl-C: sending nothing more; waiting for the "),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(
            "error: interrupted (Ctrl-C): {} of {n} done, {} not sent\n",
            done.len(),
            not_sent.len()
        )),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("run the same command again to finish"));
}

#[test]
fn export_refuses_a_missing_scope_and_a_dotenv_unfriendly_key() {
    let bed = Bed::new();
    bed.run(&["export", "nope"]).fails(3);
    bed.scope_with("s", &[("api-key", "v")]);
    let out = bed.run(&["export", "s", "--format", "env"]);
    assert_eq!(out.code, 1);
    assert!(out
        .stderr
        .contains("  key 'api-key': dotenv keys are letters"));
    assert!(
        bed.requests_to("GET", "/api/2.0/secrets/get").is_empty(),
        "refused before reading"
    );
    let out = bed.run(&["export", "s", "--format", "json"]);
    out.success();
    assert_eq!(out.json(), json!({"api-key": "v"}));
}

#[test]
fn export_where_get_is_refused_says_so_and_writes_nothing() {
    let bed = Bed::with(EmulatorOptions {
        get_mode: GetMode::NotebookOnly,
        ..EmulatorOptions::default()
    });
    bed.scope_with("s", &[("a", "1"), ("b", "2")]);
    let file = bed.home.path().join("out.json");
    let out = bed.run(&["export", "s", "--output-file", file.to_str().unwrap()]);
    out.fails(1)
        .stderr_has("cannot export scope 's': this workspace only allows reading secret values from inside a notebook or job")
        .stderr_has("dbutils.secrets.get");
    assert!(!file.exists());
}

#[test]
fn export_refuses_to_print_values_on_a_terminal_without_reveal() {
    // `script` gives the command a terminal for stdout.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("no `script` here: skipped");
        return;
    }
    let bed = Bed::new();
    bed.scope_with("s", &[("k", "hunter2")]);
    let on_terminal = |extra: &str| {
        let out = std::process::Command::new("script")
            .env_clear()
            .env("HOME", bed.home.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABRICKS_HOST", bed.url())
            .env("DATABRICKS_TOKEN", TOKEN)
            .args([
                "-qec",
                &format!("{} export s {extra}", env!("CARGO_BIN_EXE_dbsecrets")),
                "/dev/null",
            ])
            .output()
            .unwrap();
        Out::from(out)
    };
    let out = on_terminal("");
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out
        .stdout
        .contains("error: refusing to print secret values on the terminal: nothing was read"));
    assert!(!out.stdout.contains("hunter2"));
    assert!(bed.requests().is_empty(), "nothing was read");
    let out = on_terminal("--reveal");
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("k=\"hunter2\""), "{}", out.stdout);
}

#[test]
fn values_never_reach_the_debug_log_or_the_report() {
    let bed = Bed::new();
    bed.scope_with("s", &[("old", "s3cr3t-old")]);
    let env = write(
        bed.home.path(),
        "x.env",
        b"new=s3cr3t-new\nold=s3cr3t-changed\n",
    );
    for args in [
        vec![
            "import",
            "s",
            env.to_str().unwrap(),
            "--debug",
            "-o",
            "json",
        ],
        vec![
            "sync",
            "s",
            env.to_str().unwrap(),
            "--debug",
            "--prune",
            "-o",
            "csv",
        ],
        vec!["copy", "s", "t", "--create-scope", "--debug"],
    ] {
        let out = bed.run(&args);
        out.success();
        assert!(out.stderr.contains("> POST") || out.stderr.contains("> GET"));
        assert!(
            !out.stdout.contains("s3cr3t") && !out.stderr.contains("s3cr3t"),
            "{args:?}: {}{}",
            out.stdout,
            out.stderr
        );
    }
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
