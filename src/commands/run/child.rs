//! `run`'s command as a process: started with its environment, its output
//! through the masking filter (or connected directly), signals forwarded,
//! its exit status turned into dbsecrets' exit code.
//!
//! Unix: SIGINT, SIGTERM and SIGHUP sent to dbsecrets are forwarded to the
//! command, except a SIGINT while dbsecrets is in the foreground of its
//! terminal: Ctrl-C there reaches the command already (the terminal signals
//! the whole process group), and a second one would make many programs stop
//! without cleaning up. Windows: Ctrl-C reaches every process of the console
//! by itself; dbsecrets ignores it and waits for the command.

use std::ffi::OsString;
use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};

use secrecy::zeroize::Zeroizing;
use tokio::sync::oneshot;

use crate::context::Stream;
use crate::failure::{exit, Failure};
use crate::mask::Masker;

/// Bytes read from the command at a time (a pipe's usual capacity).
const CHUNK: usize = 64 * 1024;

/// The signals dbsecrets handles while `run` runs (installed first thing, so
/// that none ends dbsecrets while it resolves or waits).
pub struct Signals {
    #[cfg(unix)]
    streams: Vec<(i32, tokio::signal::unix::Signal)>,
}

impl Signals {
    pub fn install() -> Result<Signals, Failure> {
        #[cfg(unix)]
        {
            use rustix::process::Signal;
            use tokio::signal::unix::{signal, SignalKind};
            let mut streams = Vec::new();
            for n in [Signal::INT, Signal::TERM, Signal::HUP].map(Signal::as_raw) {
                let s = signal(SignalKind::from_raw(n))
                    .map_err(|e| Failure::other(format!("cannot handle signals: {e}")))?;
                streams.push((n, s));
            }
            Ok(Signals { streams })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// The next signal (its number; 2 for Ctrl-C on Windows).
    pub async fn next(&mut self) -> i32 {
        #[cfg(unix)]
        {
            let waits = self.streams.iter_mut().map(|(n, s)| {
                let n = *n;
                Box::pin(async move {
                    s.recv().await;
                    n
                })
            });
            futures_util::future::select_all(waits).await.0
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
            2
        }
    }
}

/// The name of signal `n`, for messages.
pub fn signal_name(n: i32) -> String {
    match n {
        2 => "SIGINT".into(),
        15 => "SIGTERM".into(),
        1 => "SIGHUP".into(),
        n => format!("signal {n}"),
    }
}

/// What to start.
pub struct Spec {
    pub program: OsString,
    pub args: Vec<OsString>,
    /// Variables to set on top of dbsecrets' own environment.
    pub env: Vec<(OsString, Zeroizing<String>)>,
    /// The filter for stdout and stderr; `None`: connected directly.
    pub masker: Option<Masker>,
    pub stdout: Stream,
    pub stderr: Stream,
}

/// Starts the command, forwards signals, waits for it and for its output to
/// end; its exit code. The values in `spec.env` are wiped once it started.
pub async fn run(spec: Spec, signals: &mut Signals) -> Result<u8, Failure> {
    let Spec {
        program,
        args,
        env,
        masker,
        stdout,
        stderr,
    } = spec;
    let mut cmd = Command::new(&program);
    cmd.args(&args).stdin(Stdio::inherit());
    for (k, v) in &env {
        cmd.env(k, v.as_str());
    }
    if masker.is_some() {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    }
    let spawned = cmd.spawn();
    // The standard library's copy goes with `cmd` (freed); ours is wiped.
    drop(cmd);
    drop(env);
    let mut child = spawned.map_err(|e| spawn_failure(&program, e))?;
    let mut pumps = Vec::new();
    if let Some(masker) = masker {
        if let Some(out) = child.stdout.take() {
            pumps.push(pump(out, stdout, masker.clone()));
        }
        if let Some(err) = child.stderr.take() {
            pumps.push(pump(err, stderr, masker));
        }
    }
    let pid = child.id();
    let (tx, mut exited) = oneshot::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    let status = loop {
        tokio::select! {
            status = &mut exited => break status,
            n = signals.next() => forward(pid, n),
        }
    };
    let status = status
        .map_err(|_| Failure::other("lost track of the command"))?
        .map_err(|e| Failure::other(format!("cannot wait for the command: {e}")))?;
    // Its output may still be in the pipes (or held by a process it started).
    for done in pumps {
        tokio::select! {
            _ = done => {}
            // Nothing is left to forward to: stop waiting.
            _ = signals.next() => break,
        }
    }
    Ok(exit_code(status))
}

/// Copies `from` to `to` through `masker` on a thread of its own; the
/// receiver resolves when the stream has ended. A closed `to` (`| head`)
/// stops the copy, so the command gets a broken pipe on its next write.
fn pump(
    mut from: impl Read + Send + 'static,
    to: Stream,
    mut masker: Masker,
) -> oneshot::Receiver<()> {
    let (tx, rx) = oneshot::channel();
    std::thread::spawn(move || {
        let mut buf = Zeroizing::new(vec![0u8; CHUNK]);
        let mut out = Zeroizing::new(Vec::with_capacity(CHUNK + masker.longest()));
        let write = |out: &[u8]| {
            let mut to = to.lock().unwrap_or_else(|p| p.into_inner());
            to.write_all(out).and_then(|()| to.flush()).is_ok()
        };
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            masker.feed(&buf[..n], &mut out);
            if !out.is_empty() && !write(&out) {
                let _ = tx.send(());
                return;
            }
            out.clear();
        }
        masker.finish(&mut out);
        write(&out);
        let _ = tx.send(());
    });
    rx
}

/// A command that could not be started: 127 when it was not found, 126 when
/// it could not be run, as shells say it.
fn spawn_failure(program: &OsString, e: std::io::Error) -> Failure {
    let name = program.to_string_lossy();
    match e.kind() {
        std::io::ErrorKind::NotFound => {
            Failure::new(127, format!("cannot run '{name}': no such command"))
                .with_hint("check its name, or give its path; PATH is searched as the shell does")
        }
        std::io::ErrorKind::PermissionDenied => {
            Failure::new(126, format!("cannot run '{name}': permission denied"))
        }
        _ => Failure::new(126, format!("cannot run '{name}': {e}")),
    }
}

/// The exit code of a finished command: its own, or 128+N when signal N
/// ended it. A code that does not fit (Windows) is 1.
pub fn exit_code(status: ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        return u8::try_from(code).unwrap_or(exit::FAILURE);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(n) = status.signal() {
            return u8::try_from(128 + n).unwrap_or(exit::FAILURE);
        }
    }
    exit::FAILURE
}

/// Sends signal `n` to the command.
#[cfg(unix)]
fn forward(pid: u32, n: i32) {
    use rustix::process::{kill_process, Pid, Signal};
    if n == Signal::INT.as_raw() && terminal_sent_it() {
        return;
    }
    let (Some(pid), Some(signal)) = (
        i32::try_from(pid).ok().and_then(Pid::from_raw),
        Signal::from_named_raw(n),
    ) else {
        return;
    };
    // The command may have ended already: nothing to forward to.
    let _ = kill_process(pid, signal);
}

#[cfg(not(unix))]
fn forward(_pid: u32, _n: i32) {}

/// Whether dbsecrets is in the foreground process group of its controlling
/// terminal, where the terminal's Ctrl-C reaches the command too.
#[cfg(unix)]
fn terminal_sent_it() -> bool {
    let Ok(tty) = std::fs::File::open("/dev/tty") else {
        return false;
    };
    rustix::termios::tcgetpgrp(&tty).is_ok_and(|group| group == rustix::process::getpgrp())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn exit_codes_and_signals() {
        assert_eq!(exit_code(ExitStatus::from_raw(0)), 0);
        assert_eq!(exit_code(ExitStatus::from_raw(3 << 8)), 3);
        assert_eq!(exit_code(ExitStatus::from_raw(255 << 8)), 255);
        use rustix::process::Signal;
        assert_eq!(exit_code(ExitStatus::from_raw(Signal::TERM.as_raw())), 143);
        assert_eq!(exit_code(ExitStatus::from_raw(Signal::KILL.as_raw())), 137);
        assert_eq!(signal_name(Signal::TERM.as_raw()), "SIGTERM");
    }
}
