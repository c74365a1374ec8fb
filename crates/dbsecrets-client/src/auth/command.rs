//! Running a sign-in tool (the databricks CLI, the Azure CLI) for a token: found
//! on PATH, run with a timeout, its stderr summarized in one line and its
//! stdout (which holds the token) never shown.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Token;
use crate::error::one_line;

/// How long a sign-in tool may take.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// Finds `name` the way a shell would: as given when it contains a path
/// separator, else in the directories of `path_var`.
pub fn find_program(name: &str, path_var: Option<&str>) -> Option<PathBuf> {
    let candidate = Path::new(name);
    if candidate.components().count() > 1 {
        return is_executable(candidate).then(|| candidate.to_path_buf());
    }
    let dirs = path_var?;
    std::env::split_paths(dirs).find_map(|dir| {
        let names = if cfg!(windows) {
            vec![
                format!("{name}.exe"),
                format!("{name}.cmd"),
                name.to_string(),
            ]
        } else {
            vec![name.to_string()]
        };
        names
            .into_iter()
            .map(|n| dir.join(n))
            .find(|p| is_executable(p))
    })
}

fn is_executable(p: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(p) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// Why a tool gave no token.
#[derive(Debug)]
pub enum RunError {
    /// The program does not exist.
    NotFound,
    /// It could not be started for another reason.
    Spawn(String),
    /// It did not finish in time (it was killed).
    Timeout(Duration),
    /// It exited unsuccessfully; its stderr in one line.
    Failed { code: Option<i32>, summary: String },
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::NotFound => f.write_str("it is not installed or not on PATH"),
            RunError::Spawn(e) => write!(f, "it could not be started: {e}"),
            RunError::Timeout(t) => write!(f, "it did not finish within {} s", t.as_secs()),
            RunError::Failed { code, summary } => {
                match code {
                    Some(c) => write!(f, "it failed (exit {c})")?,
                    None => f.write_str("it was killed by a signal")?,
                }
                if !summary.is_empty() {
                    write!(f, ": {summary}")?;
                }
                Ok(())
            }
        }
    }
}

/// Runs `program args…` with no standard input and returns its standard output.
pub async fn run(program: &Path, args: &[String], timeout: Duration) -> Result<Vec<u8>, RunError> {
    let child = tokio::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => RunError::NotFound,
            _ => RunError::Spawn(e.to_string()),
        })?;
    let output = match tokio::time::timeout(timeout, child.wait_with_output()).await {
        Ok(result) => result.map_err(|e| RunError::Spawn(e.to_string()))?,
        Err(_) => return Err(RunError::Timeout(timeout)),
    };
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(RunError::Failed {
            code: output.status.code(),
            summary: summarize_stderr(&output.stderr),
        })
    }
}

/// What a [`probe`] found, per command line, for the life of the process.
enum Probed {
    /// A token, kept for the first fetch.
    Token(Token),
    /// It yielded a token, which a fetch has taken.
    Taken,
    /// Why it yielded none.
    Failed(String),
}

static PROBES: Mutex<Vec<(String, Probed)>> = Mutex::new(Vec::new());

/// Whether a sign-in tool yields a token, for the chain: a tool method counts
/// only when it does, as in the SDK (`databricks_cli` and `azure_cli` return
/// no credentials when their command fails), not merely when it is installed.
///
/// `fetch` (bounded by [`COMMAND_TIMEOUT`]) runs once per process for `key`
/// (the command line); its token is kept for the method's first fetch
/// ([`take_probed`]), so the tool runs once. `fetch`'s error must hold none of
/// the tool's output. Blocks: it runs on a thread of its own with its own
/// runtime, so it may be called from synchronous code inside a runtime.
pub fn probe<F>(key: &str, fetch: F) -> Result<(), String>
where
    F: Future<Output = Result<Token, String>> + Send + 'static,
{
    if let Some(known) = probed(key) {
        return known;
    }
    let outcome = std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot run it: {e}"))?
            .block_on(fetch)
    })
    .join()
    .unwrap_or_else(|_| Err("it could not be run".into()));
    let (result, stored) = match outcome {
        Ok(token) => (Ok(()), Probed::Token(token)),
        Err(why) => (Err(why.clone()), Probed::Failed(why)),
    };
    let mut probes = PROBES.lock().unwrap_or_else(|p| p.into_inner());
    probes.retain(|(k, _)| k != key);
    probes.push((key.to_string(), stored));
    result
}

fn probed(key: &str) -> Option<Result<(), String>> {
    let probes = PROBES.lock().unwrap_or_else(|p| p.into_inner());
    probes.iter().find(|(k, _)| k == key).map(|(_, p)| match p {
        Probed::Token(_) | Probed::Taken => Ok(()),
        Probed::Failed(why) => Err(why.clone()),
    })
}

/// The token a [`probe`] of `key` got, once, while it is fresh.
pub fn take_probed(key: &str) -> Option<Token> {
    let mut probes = PROBES.lock().unwrap_or_else(|p| p.into_inner());
    let slot = probes.iter_mut().find(|(k, _)| k == key)?;
    match std::mem::replace(&mut slot.1, Probed::Taken) {
        Probed::Token(t) if t.fresh(Instant::now()) => Some(t),
        Probed::Failed(why) => {
            slot.1 = Probed::Failed(why);
            None
        }
        _ => None,
    }
}

/// Why a tool gave no token, for a [`probe`]: [`RunError`] without the tool's
/// own words.
pub fn quiet_reason(command: &str, e: &RunError) -> String {
    match e {
        RunError::Failed { code: Some(c), .. } => format!("`{command}` gave no token (exit {c})"),
        RunError::Failed { code: None, .. } => {
            format!("`{command}` gave no token (killed by a signal)")
        }
        other => format!("`{command}` gave no token: {other}"),
    }
}

/// One line from a tool's stderr: its first line that reads as an error (the
/// CLIs print `Error: …` / `ERROR: …`), else its last non-empty line, without
/// the prefix and at most 200 characters.
pub fn summarize_stderr(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let picked = lines
        .iter()
        .find(|l| l.to_ascii_lowercase().starts_with("error"))
        .or(lines.last())
        .copied()
        .unwrap_or("");
    let stripped = ["Error:", "ERROR:", "error:"]
        .iter()
        .find_map(|p| picked.strip_prefix(p))
        .unwrap_or(picked);
    let line = one_line(stripped);
    if line.chars().count() > 200 {
        format!("{}…", line.chars().take(200).collect::<String>())
    } else {
        line
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Writes an empty executable file (for PATH lookups).
    pub(crate) fn executable(p: &Path) {
        std::fs::write(p, "#!/bin/sh\nexit 0\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }

    #[test]
    fn stderr_summaries() {
        let cases = [
            (
                "Error: cache: databricks OAuth is not configured for this host. Try logging in again with `databricks auth login --host https://x` before using this command\n",
                "cache: databricks OAuth is not configured for this host. Try logging in again with `databricks auth login --host https://x` before using this command",
            ),
            ("WARNING: something\nERROR: Please run 'az login' to setup account.\n", "Please run 'az login' to setup account."),
            ("\n\nlast line\n\n", "last line"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(summarize_stderr(input.as_bytes()), want);
        }
        assert!(summarize_stderr("x".repeat(500).as_bytes()).chars().count() <= 201);
    }

    #[test]
    fn path_lookup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_str().unwrap().to_string();
        assert_eq!(find_program("tool", Some(&path)), None);
        std::fs::write(dir.path().join("tool"), "not executable").unwrap();
        #[cfg(unix)]
        assert_eq!(find_program("tool", Some(&path)), None);
        executable(&dir.path().join("tool"));
        assert_eq!(
            find_program("tool", Some(&path)),
            Some(dir.path().join("tool"))
        );
        let full = dir.path().join("tool");
        assert_eq!(find_program(full.to_str().unwrap(), None), Some(full));
        assert_eq!(find_program("tool", None), None);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn timeout_kills_the_tool() {
        let started = std::time::Instant::now();
        let err = run(
            Path::new("/bin/sh"),
            &["-c".into(), "sleep 20".into()],
            Duration::from_millis(200),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, RunError::Timeout(_)), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn failure_and_missing_program() {
        let err = run(
            Path::new("/bin/sh"),
            &[
                "-c".into(),
                "echo 'Error: not logged in' >&2; exit 3".into(),
            ],
            COMMAND_TIMEOUT,
        )
        .await
        .unwrap_err();
        assert_eq!(err.to_string(), "it failed (exit 3): not logged in");
        let err = run(Path::new("/nonexistent/tool"), &[], COMMAND_TIMEOUT)
            .await
            .unwrap_err();
        assert!(matches!(err, RunError::NotFound));
    }
}
