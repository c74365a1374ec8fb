//! Hostile input from the user's side (issue 15): files and streams that never
//! end, output paths that are links or devices, odd config files, a terminal
//! of no width, credentials in usage errors, process hygiene.

#[cfg(unix)]
use std::time::{Duration, Instant};

use crate::common::*;

/// A run that must end quickly: its output and how long it took.
#[cfg(unix)]
fn timed(mut c: assert_cmd::Command) -> (Out, Duration) {
    c.timeout(Duration::from_secs(30));
    let started = Instant::now();
    let out = Out::from(c.output().unwrap());
    (out, started.elapsed())
}

// Item 5: inputs are size-checked while they are read.

#[cfg(unix)]
#[test]
fn endless_inputs_stop_at_their_limit() {
    let bed = Bed::new();
    bed.run(&["create-scope", "s"]).success();
    bed.clear();
    // A 2 GB file (sparse: no disk) and /dev/zero as --value-file.
    let big = bed.home.path().join("big.bin");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(2 * 1024 * 1024 * 1024)
        .unwrap();
    for file in [big.to_str().unwrap(), "/dev/zero"] {
        let mut c = bed.cmd();
        c.args(["put", "s", "k", "--value-file", file]);
        let (out, took) = timed(c);
        out.fails(2)
            .stderr_has("is larger than 131072 bytes; the service accepts at most 131072 bytes");
        assert!(took < Duration::from_secs(10), "{file}: {took:?}");
        let mut c = bed.cmd();
        c.args(["uc", "put", "main.app.k", "--value-file", file]);
        timed(c).0.fails(2).stderr_has("at most 61440 bytes");
    }
    // Standard input of /dev/zero, for a value and for an import.
    for args in [&["put", "s", "k"][..], &["import", "s", "-"]] {
        let started = Instant::now();
        let out = Out::from(
            std::process::Command::new(env!("CARGO_BIN_EXE_dbsecrets"))
                .env_clear()
                .env("HOME", bed.home.path())
                .env("DATABRICKS_HOST", bed.url())
                .env("DATABRICKS_TOKEN", TOKEN)
                .args(args)
                .stdin(std::fs::File::open("/dev/zero").unwrap())
                .output()
                .unwrap(),
        );
        let took = started.elapsed();
        out.fails(2).stderr_has("standard input");
        assert!(out.stderr.contains("larger than"), "{}", out.stderr);
        assert!(took < Duration::from_secs(10), "{args:?}: {took:?}");
    }
    // An import file that never ends.
    let mut c = bed.cmd();
    c.args(["import", "s", "/dev/zero"]);
    timed(c)
        .0
        .fails(2)
        .stderr_has("/dev/zero is larger than 64 MiB");
    assert!(bed.requests().is_empty(), "nothing was sent");
    // A config file that never ends.
    let mut c = bed.bare();
    c.env("DATABRICKS_CONFIG_FILE", "/dev/zero")
        .args(["list-scopes", "-p", "DEV"]);
    timed(c)
        .0
        .fails(2)
        .stderr_has("cannot read config file /dev/zero: it is larger than 4 MiB");
}

#[test]
fn a_value_of_exactly_the_limit_is_still_read_whole() {
    let bed = Bed::new();
    bed.run(&["create-scope", "s"]).success();
    let mut value = "v".repeat(131_072);
    let mut c = bed.cmd();
    c.args(["put", "s", "k"]).write_stdin(format!("{value}\n"));
    Out::from(c.output().unwrap()).success();
    let file = bed.home.path().join("v.txt");
    std::fs::write(&file, &value).unwrap();
    bed.run(&["put", "s", "k", "--value-file", file.to_str().unwrap()])
        .success();
    value.push('v');
    std::fs::write(&file, &value).unwrap();
    bed.run(&["put", "s", "k", "--value-file", file.to_str().unwrap()])
        .fails(2);
}

// Items 7 and 16: the config file as editors write it, and as people get it wrong.

#[test]
fn a_config_file_with_a_byte_order_mark_reads_like_one_without() {
    let bed = Bed::new();
    bed.write_config(&format!(
        "\u{feff}[DEV]\nhost = {}\ntoken = {TOKEN}\n",
        bed.url()
    ));
    bed.bare()
        .args(["list-scopes", "-p", "DEV"])
        .assert()
        .success();
    list_call(&bed);
    let out = Out::from(
        bed.bare()
            .args(["auth", "profiles", "-o", "json"])
            .output()
            .unwrap(),
    );
    out.success();
    assert_eq!(out.json()[0]["name"], "DEV", "{}", out.stdout);
}

#[test]
fn a_config_file_that_cannot_be_parsed_is_told_in_the_users_terms() {
    let bed = Bed::new();
    let path = bed.write_config(&format!(
        "[DEV]\nhost = {}\nthis line is not ini\ntoken = {TOKEN}\n\n[PROD]\nhost\n",
        bed.url()
    ));
    let out = Out::from(
        bed.bare()
            .args(["list-scopes", "-p", "DEV"])
            .output()
            .unwrap(),
    );
    out.fails(2).stderr_has(&format!(
        "error: cannot parse config file {}: line 3: \"this line is not ini\" is not \"key = value\" or \"[section]\"",
        path.display()
    ));
    assert!(!out.stderr.contains("expecting"), "{}", out.stderr);
    assert!(bed.requests().is_empty());
    // A credential written without its `=` is not shown.
    bed.write_config("[DEV]\nhost = http://127.0.0.1:9\ntoken dapi-s3cr3t-value\n");
    let out = Out::from(bed.bare().args(["auth", "profiles"]).output().unwrap());
    assert_eq!(out.code, 2, "{}", out.stderr);
    out.stderr_has("line 3: \"token ***\" is not \"key = value\"");
    assert!(!out.stderr.contains("s3cr3t"), "{}", out.stderr);
}

// Item 6: --output-file through links, to devices, pipes and /dev/fd/N.

#[cfg(unix)]
#[test]
fn output_file_writes_through_a_link_and_never_replaces_it() {
    use std::os::unix::fs::PermissionsExt;
    let bed = Bed::new();
    bed.scope_with("s", &[("k", "v1")]);
    let dir = bed.home.path();
    let real = dir.join("real.json");
    std::fs::write(&real, "old").unwrap();
    let link = dir.join("link.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    bed.run(&["export", "s", "--output-file", link.to_str().unwrap()])
        .success()
        .stderr_has("(mode 0600)");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_to_string(&real).unwrap(),
        "{\n  \"k\": \"v1\"\n}\n"
    );
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // A link to nothing: refused, the link left as it is.
    let dangling = dir.join("dangling.json");
    std::os::unix::fs::symlink(dir.join("missing/x.json"), &dangling).unwrap();
    bed.run(&["export", "s", "--output-file", dangling.to_str().unwrap()])
        .fails(2)
        .stderr_has("is a symbolic link to");
    assert!(std::fs::symlink_metadata(&dangling)
        .unwrap()
        .file_type()
        .is_symlink());
    let names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        !names.iter().any(|n| n.to_string_lossy().ends_with(".tmp")),
        "{names:?}"
    );
}

#[cfg(unix)]
#[test]
fn output_file_writes_to_a_fifo_and_dev_fd_directly() {
    use std::os::unix::fs::FileTypeExt;
    let bed = Bed::new();
    bed.scope_with("s", &[("k", "v1")]);
    let fifo = bed.home.path().join("pipe");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = bed.run(&["export", "s", "--output-file", fifo.to_str().unwrap()]);
    out.success();
    assert!(!out.stderr.contains("mode 0600"), "{}", out.stderr);
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo(),
        "the FIFO was replaced"
    );
    assert_eq!(reader.join().unwrap(), "k=\"v1\"\n");
    // /dev/fd/1, as process substitution gives: standard output itself.
    let out = bed.run(&["export", "s", "--output-file", "/dev/fd/1"]);
    out.success();
    assert_eq!(out.stdout, "k=\"v1\"\n", "{}", out.stderr);
}

// Item 8: a terminal that reports 0 columns.

/// Runs `dbsecrets ARGS` on a pseudo-terminal of `rows`x`cols` (util-linux `script`).
#[cfg(target_os = "linux")]
fn on_a_terminal(bed: &Bed, rows: u16, cols: u16, args: &str) -> String {
    let line = format!(
        "stty rows {rows} cols {cols}; {} {args}",
        env!("CARGO_BIN_EXE_dbsecrets")
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env_clear()
        .env("HOME", bed.home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_TOKEN", TOKEN)
        .output()
        .expect("util-linux `script` runs");
    // Without the colour codes: what a person sees.
    let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    let mut plain = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find('\u{1b}') {
        plain.push_str(&rest[..at]);
        let end = rest[at..].find('m').map_or(rest.len(), |m| at + m + 1);
        rest = &rest[end..];
    }
    plain.push_str(rest);
    plain
}

#[cfg(target_os = "linux")]
#[test]
fn a_terminal_of_zero_columns_gets_a_sane_width() {
    let bed = Bed::new();
    bed.run(&["create-scope", "a-rather-long-scope-name"])
        .success();
    for (rows, cols) in [(0, 0), (24, 0)] {
        let screen = on_a_terminal(&bed, rows, cols, "list-scopes");
        assert!(
            screen
                .lines()
                .any(|l| l.contains("a-rather-long-scope-name") && l.contains("DATABRICKS")),
            "{rows}x{cols}:\n{screen}"
        );
        assert!(screen.lines().count() < 10, "{rows}x{cols}:\n{screen}");
    }
    // A narrow terminal that tells its width still gets a fitted table.
    let screen = on_a_terminal(&bed, 24, 30, "list-scopes");
    assert!(screen.lines().all(|l| l.chars().count() <= 30), "{screen}");
    // And the help text is wrapped at a sane width, not at 0.
    let help = on_a_terminal(&bed, 24, 0, "--help");
    assert!(
        help.contains("Manage Databricks secret scopes, secrets and scope ACLs."),
        "{help}"
    );
}

// Item 9: credentials never appear in usage errors.

#[test]
fn credentials_never_appear_in_usage_errors() {
    let bed = Bed::new();
    for args in [
        &["emulator", "--token", "tok-S3CRET"][..],
        &["emulator", "--token=tok-S3CRET"],
        &["emulator", "--oauth-client", "sp-1:S3CRET"],
        &[
            "emulator",
            "--oauth-client",
            "sp-1:S3CRET=p",
            "--oauth-client",
            "x:S3CRET",
        ],
        &["emulator", "--basic", "userS3CRET"],
        &["emulator", "--oidc-federation", "cid:S3CRET-subject"],
        &["put", "s", "k", "--", "S3CRET"],
        &["put", "s", "k", "--", "--S3CRET-like-a-flag"],
        &["put", "s", "k", "--", "it's-a-S3CRET-with-'quotes'"],
        &["put-secret", "s", "k", "S3CRET"],
        &["uc", "put", "main.app.k", "--", "--S3CRET"],
    ] {
        let out = Out::from(bed.bare().args(args).output().unwrap());
        out.fails(2);
        assert!(!out.stderr.contains("S3CRET"), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("***"), "{args:?}: {}", out.stderr);
    }
}

// Item 11: no core dump can hold a token or a value.

#[cfg(target_os = "linux")]
#[test]
fn core_dumps_are_disabled_at_start() {
    use std::io::BufRead;
    let bed = Bed::new();
    // Started with core dumps allowed, as a shell with `ulimit -c unlimited` would.
    let mut child = std::process::Command::new("sh")
        .args([
            "-c",
            &format!(
                "ulimit -c unlimited && exec {} emulator --port 0",
                env!("CARGO_BIN_EXE_dbsecrets")
            ),
        ])
        .env_clear()
        .env("HOME", bed.home.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("http://127.0.0.1:"), "{first:?}");
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{core}");
}

// Items 1 to 4, the class: every string a server controls reaches the
// terminal or a report inert, wherever it shows (listing cells in every
// format, --debug lines, auth describe --check, the bulk report).

const NASTY: &str = "\u{1b}[2J\u{1b}]0;owned\u{7}\u{9b}31m\u{202e}\u{2066}\r\n";

/// No character that can drive a terminal, but newlines between lines.
#[track_caller]
fn inert(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    assert!(bad.is_empty(), "{what}: {bad:?} in {text:?}");
}

fn against(url: &str, bed: &Bed, args: &[&str]) -> Out {
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", url)
        .env("DATABRICKS_TOKEN", "t")
        .args(args);
    Out::from(c.output().unwrap())
}

#[test]
fn listing_cells_from_a_server_are_inert_in_every_format() {
    use crate::common::fake::{Fake, Reply};
    let bed = Bed::new();
    let name = format!("evil{NASTY}name");
    let scopes = serde_json::json!({"scopes": [{"name": name, "backend_type": NASTY}]});
    let secrets = serde_json::json!({"secrets": [{"key": name, "last_updated_timestamp": 1}]});
    let acls = serde_json::json!({"items": [{"principal": name, "permission": NASTY}]});
    for (body, command) in [
        (&scopes, &["list-scopes"][..]),
        (&secrets, &["list", "s"]),
        (&acls, &["acls", "s"]),
    ] {
        let fake = Fake::start(vec![Reply::json(200, &body.to_string())]);
        for format in ["table", "csv", "json"] {
            let mut args = command.to_vec();
            args.extend(["-o", format, "--debug"]);
            let out = against(&fake.url, &bed, &args);
            out.success();
            inert(&format!("{args:?} stdout"), &out.stdout);
            inert(&format!("{args:?} stderr"), &out.stderr);
            if format == "json" {
                // The same text, once parsed.
                let v = out.json();
                let first = &v.as_array().unwrap()[0];
                let shown = first
                    .as_object()
                    .unwrap()
                    .values()
                    .filter_map(|v| v.as_str())
                    .any(|s| s == name);
                assert!(shown, "{args:?}: {}", out.stdout);
            }
        }
    }
}

#[test]
fn server_text_in_the_bulk_report_and_auth_check_is_inert_and_capped() {
    use crate::common::fake::{Fake, Reply};
    let bed = Bed::new();
    let error = serde_json::json!({
        "error_code": format!("{NASTY}{}", "E".repeat(100_000)),
        "message": format!("{NASTY}{}", "m".repeat(100_000)),
    });
    let fake = Fake::start(vec![
        Reply::json(200, r#"{"secrets": []}"#),
        Reply::json(400, &error.to_string()),
    ]);
    let env = bed.home.path().join("in.env");
    std::fs::write(&env, "A=1\n").unwrap();
    for format in ["csv", "json", "table"] {
        let out = against(
            &fake.url,
            &bed,
            &[
                "import",
                "s",
                env.to_str().unwrap(),
                "-o",
                format,
                "--debug",
            ],
        );
        assert_eq!(out.code, 1, "{}", out.stderr);
        inert(format, &out.stdout);
        inert(format, &out.stderr);
        assert!(
            out.stdout.len() < 2_000,
            "{format}: {} bytes",
            out.stdout.len()
        );
        assert!(out.stderr.lines().all(|l| l.len() < 2_000), "{format}");
    }
    let fake = Fake::start(vec![Reply::json(403, &error.to_string())]);
    let out = against(&fake.url, &bed, &["auth", "describe", "--check"]);
    inert("auth describe --check", &out.stdout);
    inert("auth describe --check", &out.stderr);
    assert!(out.stdout.len() + out.stderr.len() < 5_000, "{out:?}");
}
