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
    /// The width of the terminal on stdout, in columns, when it tells one
    /// (a terminal that reports 0 columns tells none).
    pub width: Option<u16>,
}

impl Terminal {
    pub fn detect() -> Self {
        let stdout = std::io::stdout().is_terminal();
        Terminal {
            stdin: std::io::stdin().is_terminal(),
            stdout,
            stderr: std::io::stderr().is_terminal(),
            color: stdout && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            width: terminal_size::terminal_size_of(std::io::stdout())
                .map(|(w, _)| w.0)
                .filter(|w| *w > 0),
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

    /// Writes text to stderr (errors there have nowhere else to go). Every
    /// line is made [`inert`] (its newlines kept): whatever a message holds, it
    /// cannot drive the terminal.
    pub fn write_stderr(&self, text: &str) {
        let text = inert_lines(text);
        let mut err = self.stderr.lock().unwrap_or_else(|p| p.into_inner());
        let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
    }

    /// Reads standard input to its end, but no more than `limit` bytes:
    /// `Ok(false)` when it holds more (and `into` then holds `limit + 1`
    /// bytes), so that `/dev/zero` or a stream that never ends stops at the
    /// limit, in bounded memory and time.
    pub fn read_stdin(&self, into: &mut Vec<u8>, limit: u64) -> std::io::Result<bool> {
        let mut stdin = self.stdin.lock().unwrap_or_else(|p| p.into_inner());
        read_at_most(&mut *stdin, into, limit)
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

/// Reads `r` to its end into `into`, but no more than `limit` bytes: `false`
/// when it holds more (`into` then holds `limit + 1` bytes). A file of
/// gigabytes, `/dev/zero` or a pipe that never ends stops at the limit.
pub fn read_at_most(r: &mut dyn Read, into: &mut Vec<u8>, limit: u64) -> std::io::Result<bool> {
    let read = r.take(limit.saturating_add(1)).read_to_end(into)?;
    Ok(read as u64 <= limit)
}

/// Whether a character can drive a terminal or reorder what it shows: C0 and
/// C1 controls, DEL, text-direction marks, embeddings, overrides and isolates,
/// and the line and paragraph separators.
pub fn is_terminal_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text fit for a terminal: every [`is_terminal_control`] character shown as
/// a `\u{..}` escape, so that text from a server (a scope's name, a comment)
/// cannot move the cursor, change colours, fake lines or reorder what is
/// shown. Everything else is kept.
pub fn inert(text: &str) -> std::borrow::Cow<'_, str> {
    escape_if(text, is_terminal_control)
}

/// [`inert`], but newlines are kept: for lines of text on stderr.
pub fn inert_lines(text: &str) -> std::borrow::Cow<'_, str> {
    escape_if(text, |c| c != '\n' && is_terminal_control(c))
}

fn escape_if(text: &str, odd: impl Fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(&odd) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if odd(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out.into()
}
