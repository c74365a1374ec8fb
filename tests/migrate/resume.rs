//! Interrupted and re-run; a misbehaving service.

use serde_json::Value;

use crate::common::*;
use crate::support::*;

fn results(out: &Out) -> Vec<(String, String, String)> {
    out.json()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |f: &str| r[f].as_str().unwrap().to_string();
            (s("key"), s("action"), s("result"))
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn a_run_interrupted_with_sigint_then_run_again_ends_complete_with_no_value_written_twice() {
    let bed = bed();
    let n = 200;
    let secrets: Vec<(String, Vec<u8>)> = (0..n)
        .map(|i| (format!("Key.{i:03}"), format!("value-{i}").into_bytes()))
        .collect();
    seed(&bed, "s", &secrets);
    let emu = bed.emu.emulator();
    use std::time::Duration;
    emu.set_delay_for(UC, Duration::from_millis(20));
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_dbsecrets"))
        .env_clear()
        .env("HOME", bed.home.path())
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_TOKEN", TOKEN)
        .args([
            "migrate",
            "s",
            "main.app",
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
    wait_until("some secrets are created", || emu.count_requests(UC) >= 30);
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = Out::from(child.wait_with_output().unwrap());
    assert_eq!(out.code, 130, "{}", out.stderr);
    let rows = results(&out);
    assert_eq!(rows.len(), n);
    let done: Vec<&String> = rows
        .iter()
        .filter(|r| r.2 == "renamed")
        .map(|r| &r.0)
        .collect();
    let not_sent: Vec<&String> = rows
        .iter()
        .filter(|r| r.2 == "not-sent")
        .map(|r| &r.0)
        .collect();
    // Written when Ctrl-C came, and not read back: the requests in flight
    // finish, the ones not sent yet (the read back) are not sent.
    let unverified: Vec<&String> = rows
        .iter()
        .filter(|r| r.2 == "not-verified")
        .map(|r| &r.0)
        .collect();
    assert_eq!(
        done.len() + not_sent.len() + unverified.len(),
        n,
        "nothing failed: {rows:?}"
    );
    assert!(
        done.len() >= 10 && !not_sent.is_empty(),
        "{} done",
        done.len()
    );
    // Truthful: what the report calls done or written is stored, the rest was never sent.
    for k in done.iter().chain(&unverified) {
        let name = format!("main.app.{}", k.to_lowercase().replace('.', "_"));
        assert!(stored(&bed, &name).is_some(), "{k} reported written");
    }
    for k in &not_sent {
        let name = format!("main.app.{}", k.to_lowercase().replace('.', "_"));
        assert!(stored(&bed, &name).is_none(), "{k} reported not sent");
    }
    assert!(
        out.stderr
            .starts_with("Ctrl-C: sending nothing more; waiting for the "),
        "{}",
        out.stderr
    );
    let written = if unverified.is_empty() {
        String::new()
    } else {
        format!(", {} written but not verified", unverified.len())
    };
    assert!(
        out.stderr.contains(&format!(
            "error: interrupted (Ctrl-C): {} of {n} keys migrated and verified{written}, {} not sent\n",
            done.len(),
            not_sent.len()
        )),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("what is done is not rewritten"));

    // The second run finishes the job and rewrites nothing.
    emu.set_delay_for(UC, Duration::ZERO);
    let out = run(&bed, &["migrate", "s", "main.app", "-o", "json"]);
    out.success();
    let rows = results(&out);
    assert!(rows.iter().all(|r| r.2 == "renamed"), "{rows:?}");
    for (k, action, _) in &rows {
        let want = if done.contains(&k) || unverified.contains(&k) {
            "unchanged"
        } else {
            "add"
        };
        assert_eq!(action, want, "{k}");
    }
    let requests = bed.requests();
    let mut made = created(&requests);
    let total = made.len();
    made.sort();
    made.dedup();
    assert_eq!(
        (total, made.len()),
        (n, n),
        "each secret created exactly once over both runs"
    );
    assert!(
        requests.iter().all(|r| r.method != "PATCH"),
        "no value rewritten"
    );
    for (key, value) in &secrets {
        let name = format!("main.app.{}", key.to_lowercase().replace('.', "_"));
        assert_eq!(stored(&bed, &name).unwrap().as_bytes(), value.as_slice());
    }
}

#[test]
fn a_chaos_emulator_still_ends_with_every_key_verified() {
    let bed = bed_with(EmulatorOptions {
        fail_rate: 0.2,
        throttle_rps: Some(60),
        retry_after_secs: 0,
        seed: 13,
        ..EmulatorOptions::default()
    });
    let secrets: Vec<(String, Vec<u8>)> = (0..40)
        .map(|i| (format!("Chaos.{i:02}"), format!("v{i}").into_bytes()))
        .collect();
    seed(&bed, "s", &secrets);
    let out = run(
        &bed,
        &["migrate", "s", "main.app", "--jobs", "16", "-o", "json"],
    );
    out.success();
    assert!(
        results(&out).iter().all(|r| r.2 == "renamed"),
        "{}",
        out.stdout
    );
    assert_eq!(out.json()["summary"]["migrated"], Value::from(40));
    for (key, value) in &secrets {
        let name = format!("main.app.{}", key.to_lowercase().replace('.', "_"));
        assert_eq!(stored(&bed, &name).unwrap().as_bytes(), value.as_slice());
    }
    let requests = bed.requests();
    assert!(
        requests.iter().any(|r| r.status == 503),
        "the service failed some requests"
    );
    assert!(
        requests.iter().any(|r| r.status == 429),
        "and throttled some"
    );
    assert!(
        out.stderr.contains("The workspace throttled "),
        "{}",
        out.stderr
    );
}

#[test]
fn a_fault_plan_on_writes_and_reads_back_is_retried_to_the_end() {
    let bed = bed();
    seed(&bed, "s", &texts(&[("a", "1"), ("b", "2"), ("c", "3")]));
    // The first attempt of every create is throttled and of every read back unavailable.
    bed.emu.emulator().set_fault_plan(|r| {
        let read_back = r.method == "GET" && r.path.starts_with("/api/2.1/unity-catalog/secrets/");
        let create = r.method == "POST" && r.path == "/api/2.1/unity-catalog/secrets";
        (r.nth == 1 && (read_back || create)).then(|| {
            if create {
                dbsecrets_emulator::Fault::throttled("0")
            } else {
                dbsecrets_emulator::Fault::error(503, "TEMPORARILY_UNAVAILABLE", "later")
            }
        })
    });
    let out = run(&bed, &["migrate", "s", "main.app", "-o", "json"]);
    out.success();
    assert_eq!(out.json()["summary"]["migrated"], Value::from(3));
    assert_eq!(stored(&bed, "main.app.c").as_deref(), Some("3"));
}
