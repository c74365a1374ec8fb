//! `run`: the command's environment, when it is not started, and how it ends.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::common::{EmulatorOptions, GetMode, Out};
use crate::support::*;

#[test]
fn the_command_sees_the_values_of_both_services() {
    let bed = bed();
    let out = run_env(
        &bed,
        &[
            (
                "DB_URL",
                "postgres://app:{{secrets/app/db-password}}@db:5432/app",
            ),
            ("DB_PASSWORD", "{{ secrets/app/db-password }}"),
            ("TOKEN", "{{secrets/Main.App.Token}}"),
            ("PLAIN", "not a {{ template }}"),
        ],
        &[
            "run",
            "--no-masking",
            "--",
            "sh",
            "-c",
            r#"printf '%s\n' "$DB_URL" "$DB_PASSWORD" "$TOKEN" "$PLAIN""#,
        ],
    );
    out.success();
    assert_eq!(
        out.stdout,
        format!("postgres://app:{DB_PASSWORD}@db:5432/app\n{DB_PASSWORD}\n{UC_TOKEN}\nnot a {{{{ template }}}}\n")
    );
    assert_eq!(out.stderr, "");
    // Each distinct reference once.
    assert_eq!(reads(&bed), (1, 1));
}

#[test]
fn env_files_add_variables_and_later_files_win() {
    let bed = bed();
    let a = file(&bed, "a.env", "# references in a dotenv file\nexport API_KEY={{secrets/app/api-key}}\nMODE=dev\nTOKEN='{{secrets/main.app.token}}'\n");
    let b = file(&bed, "b.env", "MODE=\"prod\"\n");
    let out = run_env(
        &bed,
        &[("MODE", "from-the-environment")],
        &[
            "run",
            "--env-file",
            a.to_str().unwrap(),
            "--env-file",
            b.to_str().unwrap(),
            "--no-masking",
            "--",
            "sh",
            "-c",
            r#"printf '%s\n' "$API_KEY" "$MODE" "$TOKEN""#,
        ],
    );
    out.success()
        .stdout_is(&format!("{API_KEY}\nprod\n{UC_TOKEN}\n"));
    let out = bed.run(&["run", "--env-file", "missing.env", "--", "true"]);
    out.fails(2)
        .stderr_has("cannot read --env-file missing.env");
}

#[test]
fn text_that_looks_like_a_reference_but_is_not_is_an_error() {
    let bed = bed();
    let touch = format!("touch {}", marker(&bed).display());
    let out = run_env(
        &bed,
        &[("DB_URL", "postgres://app:{{secrets/app}}@db")],
        &["run", "--", "sh", "-c", &touch],
    );
    out.fails(2).stderr_has(
        "error: variable DB_URL: '{{secrets/app}}' is not a valid secret reference: one part must be a Unity Catalog secret's full name, CATALOG.SCHEMA.NAME: the command was not started",
    );
    assert!(!marker(&bed).exists(), "the command never ran");
    assert_eq!(bed.requests().len(), 0, "nothing was sent");
    // Several problems: every one is listed.
    let f = file(&bed, "bad.env", "A={{secrets/a/b/c}}\nB=\"{{secrets/x\"\n");
    let out = run_env(
        &bed,
        &[("C", "{{Secrets/app/api-key}}")],
        &[
            "run",
            "--env-file",
            f.to_str().unwrap(),
            "--",
            "sh",
            "-c",
            &touch,
        ],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: 3 problems: the command was not started\n"),
        "{}",
        out.stderr
    );
    for want in [
        "variable C: '{{Secrets/app/api-key}}'",
        "variable A of ",
        "variable B of ",
        "hint: a reference is {{secrets/SCOPE/KEY}}",
    ] {
        out.stderr_has(want);
    }
    assert!(!marker(&bed).exists());
}

#[test]
fn one_missing_reference_starts_nothing_and_every_failure_is_listed() {
    let bed = bed();
    let touch = format!("touch {}", marker(&bed).display());
    let out = run_env(
        &bed,
        &[
            ("A", DB_REF),
            ("B", "{{secrets/app/no-such-key}}"),
            ("C", "{{secrets/main.app.nope}}"),
        ],
        &["run", "--", "sh", "-c", &touch],
    );
    assert_eq!(out.code, 3, "not found: {}", out.stderr);
    assert!(!marker(&bed).exists(), "the command never ran");
    assert_eq!(out.stdout, "");
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines[0],
        "error: cannot read 2 of 3 secret references: the command was not started"
    );
    assert!(
        lines[1].starts_with(
            "  {{secrets/app/no-such-key}} (B): cannot read secret 'no-such-key' in scope 'app': "
        ),
        "{}",
        out.stderr
    );
    assert!(
        lines[2]
            .starts_with("  {{secrets/main.app.nope}} (C): cannot read secret 'main.app.nope': "),
        "{}",
        out.stderr
    );
    assert!(lines[3].starts_with("hint: "), "{}", out.stderr);
    no_value_in(&out.stderr);
    // One failure: one line.
    let out = run_env(
        &bed,
        &[("B", "x{{secrets/nope/k}}")],
        &["run", "--", "sh", "-c", &touch],
    );
    out.fails(3)
        .stderr_has("error: {{secrets/nope/k}} (B): cannot read secret 'k' in scope 'nope'");
    assert!(!marker(&bed).exists());
}

#[test]
fn no_permission_is_exit_4_and_a_notebook_only_workspace_explains() {
    let bed = bed_with(EmulatorOptions {
        tokens: vec![
            (crate::common::TOKEN.into(), "admin@example.com".into()),
            ("alice-token".into(), "alice@example.com".into()),
        ],
        ..EmulatorOptions::default()
    });
    let out = run_env(
        &bed,
        &[("DATABRICKS_TOKEN", "alice-token"), ("A", DB_REF)],
        &["run", "--", "true"],
    );
    out.fails(4).stderr_has("PERMISSION_DENIED");
    let bed = bed_with(EmulatorOptions {
        get_mode: GetMode::NotebookOnly,
        ..EmulatorOptions::default()
    });
    let out = run_env(&bed, &[("A", DB_REF)], &["run", "--", "true"]);
    out.fails(1)
        .stderr_has(
            "this workspace only allows reading secret values from inside a notebook or job",
        )
        .stderr_has("dbutils.secrets.get(scope=\"app\", key=\"db-password\")");
}

#[test]
fn values_an_environment_cannot_hold_are_refused_by_variable() {
    let bed = bed();
    let f = file(&bed, "nul.bin", "a\0b");
    bed.run(&[
        "put",
        "app",
        "with-nul",
        "--value-file",
        f.to_str().unwrap(),
    ])
    .success();
    let touch = format!("touch {}", marker(&bed).display());
    let out = run_env(
        &bed,
        &[("BLOB", "{{secrets/app/with-nul}}")],
        &["run", "--", "sh", "-c", &touch],
    );
    out.fails(1).stderr_has(
        "error: variable BLOB: the value of {{secrets/app/with-nul}} holds a NUL byte, which an environment variable cannot hold: the command was not started",
    );
    assert!(!marker(&bed).exists());
}

#[test]
fn exit_codes_pass_through() {
    let bed = bed();
    for (script, code) in [
        ("exit 0", 0),
        ("exit 7", 7),
        ("exit 255", 255),
        ("kill -TERM $$", 143),
        ("kill -KILL $$", 137),
    ] {
        let out = run_env(&bed, &[("A", DB_REF)], &["run", "--", "sh", "-c", script]);
        assert_eq!(out.code, code, "{script}: {}", out.stderr);
        assert_eq!(out.stderr, "", "dbsecrets adds nothing: {script}");
    }
    // Not found / not runnable, as shells say it.
    let out = bed.run(&["run", "--", "no-such-command-xyz"]);
    out.fails(127)
        .stderr_has("cannot run 'no-such-command-xyz': no such command");
    let out = bed.run(&["run", "--", "/"]);
    assert_eq!(out.code, 126, "{}", out.stderr);
    // COMMAND comes after `--`.
    bed.run(&["run", "true"]).fails(2);
}

#[test]
fn no_reference_needs_no_workspace_and_stdin_is_inherited() {
    let bed = bed();
    let out = Out::from(
        bed.bare()
            .args(["run", "--", "sh", "-c", "read line; echo \"got $line\""])
            .write_stdin("hello\n")
            .output()
            .unwrap(),
    );
    out.success().stdout_is("got hello\n");
}

/// Starts `dbsecrets run` in a process group of its own (so that no terminal
/// is involved) with a command that says `ready` and reports the signal it
/// gets; sends `signal` to dbsecrets; its exit code and output.
fn forwarded(signal: &str) -> (i32, String) {
    use std::os::unix::process::CommandExt;
    let bed = bed();
    let script = format!(
        "trap 'echo got-{signal}; exit 42' {signal}; echo ready; while :; do sleep 0.05; done"
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_dbsecrets"))
        .env_clear()
        .env("HOME", bed.home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_TOKEN", crate::common::TOKEN)
        .env("A", DB_REF)
        .args(["run", "--", "sh", "-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "ready\n");
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    let code = child.wait().unwrap().code().unwrap_or(-1);
    (code, rest)
}

#[test]
fn sigterm_sigint_and_sighup_are_forwarded() {
    for signal in ["TERM", "INT", "HUP"] {
        let (code, out) = forwarded(signal);
        assert_eq!(
            (code, out.as_str()),
            (42, format!("got-{signal}\n").as_str())
        );
    }
}
