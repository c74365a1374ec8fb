//! The one place where failures become exit codes and the lines a user reads.
//!
//! Every failure that reaches `main` is a [`CliError`]: an exit code, one line of
//! message (printed after `error: `) and an optional hint (printed after `hint: `).
//! Typed errors of the lower layers (config, auth, API) convert into it; commands
//! add the object they were working on.

use std::fmt;

/// Exit codes, as documented in the README.
pub mod exit {
    pub const OK: u8 = 0;
    /// Any other failure: server error, unreadable response, network failure.
    pub const FAILURE: u8 = 1;
    /// Usage or input error: nothing was sent.
    pub const USAGE: u8 = 2;
    /// RESOURCE_DOES_NOT_EXIST or 404.
    pub const NOT_FOUND: u8 = 3;
    /// 401, 403, PERMISSION_DENIED: not authenticated or not permitted.
    pub const AUTH: u8 = 4;
    /// RESOURCE_ALREADY_EXISTS.
    pub const ALREADY_EXISTS: u8 = 5;
    /// Interrupted by Ctrl-C (128 + SIGINT).
    pub const INTERRUPTED: u8 = 130;
}

/// A failure as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    pub code: u8,
    pub message: String,
    /// Lines printed between the message and the hint, e.g. every invalid
    /// entry of an import file.
    pub details: Vec<String>,
    pub hint: Option<String>,
}

impl CliError {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        CliError {
            code,
            message: message.into(),
            details: Vec::new(),
            hint: None,
        }
    }

    /// A usage or input error (exit 2): nothing was sent.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(exit::USAGE, message)
    }

    /// Any other failure (exit 1).
    pub fn failure(message: impl Into<String>) -> Self {
        Self::new(exit::FAILURE, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_details(mut self, details: Vec<String>) -> Self {
        self.details = details;
        self
    }

    /// Adds a hint only when there is none yet (the more specific one wins).
    pub fn or_hint(mut self, hint: impl Into<String>) -> Self {
        if self.hint.is_none() {
            self.hint = Some(hint.into());
        }
        self
    }

    /// The lines printed on stderr.
    pub fn render(&self) -> String {
        let mut s = format!("error: {}\n", one_line(&self.message));
        for d in &self.details {
            s.push_str(&format!("  {}\n", one_line(d)));
        }
        if let Some(h) = &self.hint {
            s.push_str(&format!("hint: {}\n", one_line(h)));
        }
        s
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        CliError::failure(format!("{e:#}"))
    }
}

impl crate::api::ApiError {
    /// The exit code of a failed API call (see the README's table).
    pub fn exit_code(&self) -> u8 {
        use crate::api::error::Kind;
        match self.kind() {
            Kind::NotFound => exit::NOT_FOUND,
            Kind::Unauthorized => exit::AUTH,
            Kind::AlreadyExists => exit::ALREADY_EXISTS,
            Kind::Refused => exit::USAGE,
            Kind::Other => exit::FAILURE,
        }
    }
}

/// Folds newlines and control characters so that an error stays on one line and
/// cannot drive the terminal.
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.chars() {
        let c = if c.is_control() { ' ' } else { c };
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_is_one_or_two_lines() {
        let e = CliError::failure("boom\nsecond line\x1b[31m").with_hint("try again");
        assert_eq!(
            e.render(),
            "error: boom second line [31m\nhint: try again\n"
        );
        assert_eq!(CliError::usage("x").render(), "error: x\n");
        let e = CliError::usage("bad file")
            .with_details(vec!["line 1: a".into(), "line 2:\nb".into()])
            .with_hint("fix it");
        assert_eq!(
            e.render(),
            "error: bad file\n  line 1: a\n  line 2: b\nhint: fix it\n"
        );
    }

    #[test]
    fn or_hint_keeps_the_first() {
        let e = CliError::failure("x").with_hint("a").or_hint("b");
        assert_eq!(e.hint.as_deref(), Some("a"));
    }
}
