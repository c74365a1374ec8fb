//! Bulk commands under the adversarial review's conditions (issue 15): Ctrl-C
//! while requests wait to be retried, and import files with bad lines.

#[cfg(unix)]
use std::time::{Duration, Instant};

#[cfg(unix)]
use crate::common::fake::{Fake, Reply};
use crate::common::*;
use crate::support::*;

/// After the first Ctrl-C nothing new is sent, retries included: requests
/// waiting out a long Retry-After are abandoned and reported as not sent, and
/// the command exits at once.
#[cfg(unix)]
#[test]
fn ctrl_c_abandons_requests_waiting_to_be_retried() {
    let bed = Bed::new();
    let fake = Fake::start(vec![
        Reply::json(200, r#"{"secrets": []}"#),
        Reply::json(429, r#"{"error_code": "REQUEST_LIMIT_EXCEEDED"}"#).header("Retry-After", "60"),
    ]);
    let env = write(bed.home.path(), "in.env", b"A=1\nB=2\nC=3\n");
    let child = bed.spawn_against(
        &fake.url,
        &[
            "import",
            "s",
            env.to_str().unwrap(),
            "--jobs",
            "2",
            "-o",
            "json",
        ],
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while fake.count() < 3 {
        assert!(Instant::now() < deadline, "the puts never arrived");
        std::thread::sleep(Duration::from_millis(10));
    }
    // Let both answers (429, Retry-After: 60) be read: the puts now wait to be retried.
    std::thread::sleep(Duration::from_millis(300));
    let interrupted = Instant::now();
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let mut child = child;
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("still waiting to retry 10 s after Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = interrupted.elapsed();
    let out = Out::from(child.wait_with_output().unwrap());
    assert_eq!(out.code, 130, "{}", out.stderr);
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert_eq!(fake.count(), 3, "no retry was sent after Ctrl-C");
    assert_eq!(
        report(&out),
        [
            row("A", "add", "not-sent"),
            row("B", "add", "not-sent"),
            row("C", "add", "not-sent")
        ],
        "{}",
        out.stderr
    );
    out.stderr_has("error: interrupted (Ctrl-C): 0 of 3 done, 3 not sent\n");
}

/// Each bad line of an import file names its key when one can be read, and
/// what is wrong with it; no value is shown.
#[test]
fn bad_lines_name_their_key_and_what_is_wrong() {
    let bed = Bed::new();
    bed.scope_with("s", &[]);
    let env = write(
        bed.home.path(),
        "bad.env",
        b"GOOD=1\nBAD/KEY=s3cr3t-1\n1ST=s3cr3t-2\nSPACED=two s3cr3t words\nexport MY KEY=s3cr3t\nno equals s3cr3t\nQUOTE=\"unclosed s3cr3t\nNEXT=1\n",
    );
    let out = bed.run(&["import", "s", env.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let details: Vec<&str> = out
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .collect();
    assert_eq!(
        details,
        [
            "line 2: key \"BAD/KEY\" has '/', which dotenv keys cannot hold",
            "line 3: key \"1ST\" starts with '1', and dotenv keys start with a letter or '_'",
            "line 4: key \"SPACED\": its value has a space but no quotes around it",
            "line 5: key \"MY KEY\" has a space (U+0020), which dotenv keys cannot hold",
            "line 6: it is not KEY=value (it has no '=')",
            "line 7: key \"QUOTE\": its value's opening \" is never closed",
        ],
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("s3cr3t"), "{}", out.stderr);
    assert!(bed.requests().is_empty(), "nothing was sent");
}
