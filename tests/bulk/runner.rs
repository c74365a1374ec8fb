//! The concurrent runner: partial failure and re-runs, throttling and the rate limit, Ctrl-C.

use std::time::{Duration, Instant};

use dbsecrets_emulator::{max_in_window, Fault};
use serde_json::{json, Value};

use crate::common::*;
use crate::support::*;

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
    // Arrivals are timed by the server, whose scheduling on a loaded machine
    // can bunch requests that were sent evenly: a margin of a few. A limiter
    // that let requests through in bursts would show many more (8 at once).
    assert!(
        peak <= 35,
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

/// Unix only: the test sends SIGINT with `kill`; Windows has no way to send
/// Ctrl-C to another console's process from a test.
#[cfg(unix)]
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
