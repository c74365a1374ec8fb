//! Commands run in-process with injected streams, terminal facts and
//! environment: what differs between a terminal and a pipe, checked without
//! a pseudo-terminal. (The integration tests run the real binary, always on pipes.)

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use clap::Parser;
use dbsecrets_emulator::{BackgroundEmulator, EmulatorOptions};

use crate::cli::Cli;
use crate::context::Context;
use crate::terminal::{Io, Stream, Terminal};

struct Run {
    code: u8,
    stdout: Vec<u8>,
    stderr: String,
}

/// Runs `dbsecrets ARGS` against `emu` with the given terminal facts and stdin.
fn run(emu: &BackgroundEmulator, term: Terminal, stdin: &[u8], args: &[&str]) -> Run {
    let stdout = Arc::new(Mutex::new(Vec::<u8>::new()));
    let stderr = Arc::new(Mutex::new(Vec::<u8>::new()));
    let io = Io::with(
        term,
        Box::new(std::io::Cursor::new(stdin.to_vec())),
        stdout.clone() as Stream,
        stderr.clone() as Stream,
    );
    let env: HashMap<String, String> = [
        ("DATABRICKS_HOST".to_string(), emu.url()),
        (
            "DATABRICKS_TOKEN".to_string(),
            "dapi-in-process".to_string(),
        ),
    ]
    .into();
    let mut argv = vec!["dbsecrets"];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv).expect("the test's command line parses");
    let ctx = Context::with_env(cli.global, io.clone(), Box::new(env), None);
    let code = match crate::run_in(ctx, cli.command) {
        Ok(()) => 0,
        Err(f) => {
            io.write_stderr(&f.render());
            f.code
        }
    };
    let stdout = stdout.lock().unwrap().clone();
    let stderr = String::from_utf8(stderr.lock().unwrap().clone()).unwrap();
    Run {
        code,
        stdout,
        stderr,
    }
}

fn pipe() -> Terminal {
    Terminal::default()
}

fn tty() -> Terminal {
    Terminal {
        stdin: true,
        stdout: true,
        stderr: true,
        color: false,
        width: None,
    }
}

fn emulator_with_secret() -> BackgroundEmulator {
    let emu = BackgroundEmulator::start(EmulatorOptions::default()).expect("emulator starts");
    let r = run(&emu, pipe(), b"s3cr3t\n", &["create-scope", "app"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&emu, pipe(), b"s3cr3t\n", &["put", "app", "k"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    emu
}

#[test]
fn get_adds_a_newline_only_on_a_terminal() {
    let emu = emulator_with_secret();
    let piped = run(&emu, pipe(), b"", &["get", "app", "k"]);
    assert_eq!((piped.code, piped.stdout.as_slice()), (0, &b"s3cr3t"[..]));
    let shown = run(&emu, tty(), b"", &["get", "app", "k"]);
    assert_eq!((shown.code, shown.stdout.as_slice()), (0, &b"s3cr3t\n"[..]));
}

#[test]
fn export_refuses_a_terminal_unless_revealed() {
    let emu = emulator_with_secret();
    let refused = run(&emu, tty(), b"", &["export", "app"]);
    assert_eq!(refused.code, 2);
    assert!(refused.stdout.is_empty());
    assert!(
        refused
            .stderr
            .starts_with("error: refusing to print secret values on the terminal"),
        "{}",
        refused.stderr
    );
    let piped = run(&emu, pipe(), b"", &["export", "app"]);
    assert_eq!(
        (piped.code, piped.stdout.as_slice()),
        (0, &b"k=\"s3cr3t\"\n"[..])
    );
    let revealed = run(&emu, tty(), b"", &["export", "app", "--reveal"]);
    assert_eq!(revealed.stdout, b"k=\"s3cr3t\"\n");
}

#[test]
fn terminal_tables_are_fitted_and_piped_tables_are_whole() {
    let emu = emulator_with_secret();
    let piped = run(&emu, pipe(), b"", &["list-scopes"]);
    assert_eq!(
        String::from_utf8(piped.stdout).unwrap(),
        "NAME   BACKEND_TYPE   KEYVAULT_DNS_NAME\napp    DATABRICKS\n"
    );
    // On a terminal: a rule under the header, none between rows, and the
    // Key Vault column (empty outside Azure) left out.
    let shown = String::from_utf8(run(&emu, tty(), b"", &["list-scopes"]).stdout).unwrap();
    let lines: Vec<&str> = shown.lines().map(str::trim_end).collect();
    assert_eq!(
        lines,
        [
            " NAME   BACKEND_TYPE",
            "─────────────────────",
            " app    DATABRICKS"
        ],
        "{shown}"
    );
    // A long key is cut with `…` on a 50-column terminal, its timestamp whole.
    let key = "a-key-name-much-longer-than-fifty-columns-of-terminal-allow";
    let r = run(&emu, pipe(), b"v4lue\n", &["put", "app", key]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let narrow = Terminal {
        width: Some(50),
        ..tty()
    };
    let shown = String::from_utf8(run(&emu, narrow, b"", &["list", "app"]).stdout).unwrap();
    let row = shown
        .lines()
        .find(|l| l.contains("a-key"))
        .expect("the key's row");
    assert!(row.starts_with(" a-key-name-much-lon…   "), "{shown}");
    assert!(!shown.contains(key), "{shown}");
    assert!(
        shown.lines().all(|l| l.trim_end().chars().count() <= 50),
        "{shown}"
    );
    let stamp = row.split_whitespace().nth(1).expect("a timestamp");
    assert!(
        chrono::DateTime::parse_from_rfc3339(stamp).is_ok(),
        "{stamp} whole: {shown}"
    );
    // Piped, the key is whole.
    let piped = String::from_utf8(run(&emu, pipe(), b"", &["list", "app"]).stdout).unwrap();
    assert!(piped.contains(key), "{piped}");
}

#[test]
fn delete_scope_asks_on_a_terminal_and_does_as_written_without_one() {
    let emu = emulator_with_secret();
    // No at the prompt: nothing deleted, exit 1 (a declined prompt is not a usage error).
    let declined = run(&emu, tty(), b"n\n", &["delete-scope", "app"]);
    assert_eq!(declined.code, 1, "{}", declined.stderr);
    assert_eq!(
        declined.stderr,
        "Delete scope 'app' and every secret in it? This cannot be undone. [y/N] error: nothing deleted: scope 'app' is kept (the answer was not yes)\n"
    );
    assert!(emu.emulator().secret_bytes("app", "k").is_some());
    // Yes at the prompt.
    let confirmed = run(&emu, tty(), b"yes\n", &["delete-scope", "app"]);
    assert_eq!(confirmed.code, 0, "{}", confirmed.stderr);
    assert!(confirmed
        .stderr
        .ends_with("Deleted scope 'app' and every secret in it.\n"));
    assert!(emu.emulator().secret_bytes("app", "k").is_none());
    // No terminal (a script, an agent): as written, saying what went with it.
    let r = run(&emu, pipe(), b"", &["create-scope", "tmp"]);
    assert_eq!(r.code, 0);
    let r = run(&emu, pipe(), b"v\n", &["put", "tmp", "a"]);
    assert_eq!(r.code, 0);
    let r = run(&emu, pipe(), b"v\n", &["put", "tmp", "b"]);
    assert_eq!(r.code, 0);
    let unattended = run(&emu, pipe(), b"", &["delete-scope", "tmp"]);
    assert_eq!(unattended.code, 0, "{}", unattended.stderr);
    assert_eq!(
        unattended.stderr,
        "Deleted scope 'tmp' and its 2 secrets.\n"
    );
}

#[test]
fn migrate_delete_source_asks_on_a_terminal_first() {
    let emu = BackgroundEmulator::start(EmulatorOptions {
        uc_schemas: vec!["main.app".into()],
        ..EmulatorOptions::default()
    })
    .expect("emulator starts");
    for args in [&["create-scope", "app"][..], &["put", "app", "k"][..]] {
        let r = run(&emu, pipe(), b"v", args);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    emu.emulator().clear_requests();
    let question = "After the migration, delete the keys of scope 'app' whose copy in 'main.app' is verified identical (and the scope, if that empties it)? [y/N] ";
    let declined = run(
        &emu,
        tty(),
        b"n\n",
        &["migrate", "app", "main.app", "--delete-source"],
    );
    assert_eq!(declined.code, 1, "{}", declined.stderr);
    assert_eq!(
        declined.stderr,
        format!("{question}error: nothing done: the answer was not yes (run without --delete-source to migrate and keep the scope)\n")
    );
    assert!(emu.emulator().requests().is_empty(), "nothing sent");
    let confirmed = run(
        &emu,
        tty(),
        b"y\n",
        &["migrate", "app", "main.app", "--delete-source", "-q"],
    );
    assert_eq!(confirmed.code, 0, "{}", confirmed.stderr);
    assert_eq!(confirmed.stderr, question);
    assert_eq!(
        emu.emulator().uc_secret_value("main.app.k").as_deref(),
        Some("v")
    );
    assert!(emu.emulator().secret_bytes("app", "k").is_none());
}
