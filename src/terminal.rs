//! The terminal facts and the standard streams, as one injectable value: the
//! real process's, or a test's in-memory streams with the terminal facts of
//! its choosing.

use std::io::{IsTerminal, Read, Write};
use std::sync::{Arc, Mutex};

use crate::failure::Failure;

/// Terminal facts, decided once.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    /// Colour allowed: stdout is a terminal and NO_COLOR is not set.
    pub color: bool,
}

impl Terminal {
    pub fn detect() -> Self {
        let stdout = std::io::stdout().is_terminal();
        Terminal {
            stdin: std::io::stdin().is_terminal(),
            stdout,
            stderr: std::io::stderr().is_terminal(),
            color: stdout && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

/// A shared output stream.
pub type Stream = Arc<Mutex<dyn Write + Send>>;

/// The standard streams and what they are connected to (cheap to clone: the
/// clones share the streams).
#[derive(Clone)]
pub struct Io {
    pub term: Terminal,
    stdin: Arc<Mutex<Box<dyn Read + Send>>>,
    stdout: Stream,
    stderr: Stream,
    /// Asks for a line on the terminal with echo off (a secret value).
    pub prompt_hidden: fn(&str) -> std::io::Result<String>,
}

impl Io {
    /// The process's own streams.
    pub fn real() -> Self {
        Io {
            term: Terminal::detect(),
            stdin: Arc::new(Mutex::new(Box::new(std::io::stdin()))),
            stdout: Arc::new(Mutex::new(std::io::stdout())),
            stderr: Arc::new(Mutex::new(std::io::stderr())),
            prompt_hidden: |prompt| rpassword::prompt_password(prompt),
        }
    }

    /// Streams of the caller's choosing (tests): `stdin` is read, the two
    /// writers receive stdout and stderr.
    pub fn with(
        term: Terminal,
        stdin: Box<dyn Read + Send>,
        stdout: Stream,
        stderr: Stream,
    ) -> Self {
        Io {
            term,
            stdin: Arc::new(Mutex::new(stdin)),
            stdout,
            stderr,
            prompt_hidden: |_| {
                Err(std::io::Error::new(
                    std::io::ErrorKind::Unsupported,
                    "no terminal to prompt on",
                ))
            },
        }
    }

    /// Writes data to stdout. A closed pipe (`| head`) is success, not a failure.
    pub fn write_stdout(&self, bytes: &[u8]) -> Result<(), Failure> {
        let mut out = self.stdout.lock().unwrap_or_else(|p| p.into_inner());
        match out.write_all(bytes).and_then(|()| out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(Failure::other(format!(
                "cannot write to standard output: {e}"
            ))),
        }
    }

    /// Writes text to stderr (errors there have nowhere else to go).
    pub fn write_stderr(&self, text: &str) {
        let mut err = self.stderr.lock().unwrap_or_else(|p| p.into_inner());
        let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
    }

    /// Reads all of standard input.
    pub fn read_stdin(&self, into: &mut Vec<u8>) -> std::io::Result<usize> {
        self.stdin
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .read_to_end(into)
    }

    /// Reads one line of standard input (an answer to a question).
    pub fn read_line(&self) -> std::io::Result<String> {
        let mut stdin = self.stdin.lock().unwrap_or_else(|p| p.into_inner());
        let mut line = Vec::new();
        let mut byte = [0u8; 1];
        while stdin.read(&mut byte)? == 1 {
            if byte[0] == b'\n' {
                break;
            }
            line.push(byte[0]);
        }
        Ok(String::from_utf8_lossy(&line).into_owned())
    }

    pub(crate) fn stdout(&self) -> Stream {
        self.stdout.clone()
    }

    pub(crate) fn stderr(&self) -> Stream {
        self.stderr.clone()
    }
}
