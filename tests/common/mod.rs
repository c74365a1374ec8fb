//! The test bed: the real `dbsecrets` binary against the emulator, started inside
//! the test on 127.0.0.1 port 0 (ready when `start` returns: no sleeps), with a
//! clean environment and a temporary HOME.
#![allow(dead_code, unused_imports)]

pub mod fake;

use std::path::PathBuf;

use assert_cmd::Command;
pub use dbsecrets_emulator::{BackgroundEmulator, EmulatorOptions, GetMode, RecordedRequest};
use tempfile::TempDir;

pub const TOKEN: &str = "dapi-test-token-0000";

pub struct Bed {
    pub emu: BackgroundEmulator,
    pub home: TempDir,
}

impl Bed {
    pub fn new() -> Self {
        Self::with(EmulatorOptions::default())
    }

    pub fn with(opts: EmulatorOptions) -> Self {
        Bed {
            emu: BackgroundEmulator::start(opts).expect("emulator starts"),
            home: tempfile::tempdir().expect("temp HOME"),
        }
    }

    pub fn url(&self) -> String {
        self.emu.url()
    }

    /// The binary with only HOME set: no workspace, no credentials.
    pub fn bare(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_dbsecrets"));
        c.env_clear()
            .env("HOME", self.home.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default());
        // Windows: the home directory is USERPROFILE, and sockets do not work
        // without SystemRoot (WSAStartup fails with 10106).
        #[cfg(windows)]
        c.env("USERPROFILE", self.home.path()).env(
            "SystemRoot",
            std::env::var_os("SystemRoot").unwrap_or_default(),
        );
        c.timeout(std::time::Duration::from_secs(60));
        c
    }

    /// The binary configured for the emulator through DATABRICKS_HOST and DATABRICKS_TOKEN.
    pub fn cmd(&self) -> Command {
        let mut c = self.bare();
        c.env("DATABRICKS_HOST", self.url())
            .env("DATABRICKS_TOKEN", TOKEN);
        c
    }

    /// Runs `dbsecrets ARGS` (configured for the emulator) and returns the output.
    pub fn run(&self, args: &[&str]) -> Out {
        Out::from(self.cmd().args(args).output().expect("runs"))
    }

    /// Writes `$HOME/.databrickscfg`.
    pub fn write_config(&self, text: &str) -> PathBuf {
        let p = self.home.path().join(".databrickscfg");
        std::fs::write(&p, text).unwrap();
        // Owner-only, as a credentials file should be: on unix a wider mode draws
        // a warning that tests do not expect. Windows has no mode bits to set.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        p
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.emu.emulator().requests()
    }

    /// The requests with exactly this method and path.
    pub fn requests_to(&self, method: &str, path: &str) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method && r.path == path)
            .collect()
    }

    pub fn clear(&self) {
        self.emu.emulator().clear_requests();
    }

    /// The one request the emulator received since its log was last cleared,
    /// which must be `method path`; clears the log, so that the next run is
    /// judged on its own requests. A run that sent nothing, or more, fails.
    #[track_caller]
    pub fn only_request(&self, method: &str, path: &str) -> RecordedRequest {
        let mut requests = self.requests();
        self.clear();
        let seen: Vec<(String, String)> = requests
            .iter()
            .map(|r| (r.method.clone(), r.path.clone()))
            .collect();
        assert_eq!(
            seen,
            [(method.to_string(), path.to_string())],
            "expected exactly one request since the log was cleared"
        );
        requests.remove(0)
    }

    /// Sets up a scope with secrets through the CLI itself.
    pub fn scope_with(&self, scope: &str, secrets: &[(&str, &str)]) {
        self.run(&["create-scope", scope]).success();
        for (k, v) in secrets {
            self.run(&["put", scope, k, "--value", v]).success();
        }
        self.clear();
    }
}

/// A finished command: exit code, stdout, stderr.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stdout_bytes: Vec<u8>,
    pub stderr: String,
}

impl From<std::process::Output> for Out {
    fn from(o: std::process::Output) -> Self {
        Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stdout_bytes: o.stdout,
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Out {
    /// Exit 0; returns self for more checks.
    #[track_caller]
    pub fn success(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    /// Exit `code` with an `error:` first line on stderr and nothing on stdout.
    #[track_caller]
    pub fn fails(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        assert!(
            self.stderr.starts_with("error: "),
            "stderr should start with 'error: ': {:?}",
            self.stderr
        );
        assert!(
            self.stderr.lines().count() <= 2,
            "an error is one or two lines: {:?}",
            self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        assert_eq!(self.stdout, "", "nothing on stdout after an error");
        self
    }

    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {:?}", self.stdout))
    }

    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}: {:?}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stdout_is(&self, want: &str) -> &Self {
        assert_eq!(self.stdout, want);
        self
    }
}

impl Bed {
    /// Starts `dbsecrets ARGS` against `host` in the background (stdout and stderr piped).
    pub fn spawn_against(&self, host: &str, args: &[&str]) -> std::process::Child {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_dbsecrets"));
        c.env_clear()
            .env("HOME", self.home.path())
            .env("DATABRICKS_HOST", host)
            .env("DATABRICKS_TOKEN", "t");
        // As in `bare`: Windows needs USERPROFILE and SystemRoot.
        #[cfg(windows)]
        c.env("USERPROFILE", self.home.path()).env(
            "SystemRoot",
            std::env::var_os("SystemRoot").unwrap_or_default(),
        );
        c.args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawns")
    }
}

pub const LIST_SCOPES: &str = "/api/2.0/secrets/scopes/list";

/// The one API call of a `list-scopes` run: see `Bed::only_request`.
#[track_caller]
pub fn list_call(bed: &Bed) -> RecordedRequest {
    bed.only_request("GET", LIST_SCOPES)
}

/// The Authorization header of the one API call of a `list-scopes` run.
#[track_caller]
pub fn auth_used(bed: &Bed) -> dbsecrets_emulator::RecordedAuthorization {
    list_call(bed)
        .authorization
        .expect("the request carried an Authorization header")
}

/// Waits (without sleeping) until `ready` holds, failing the test after 20 s.
pub fn wait_until(what: &str, ready: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !ready() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting: {what}"
        );
        std::thread::yield_now();
    }
}
