//! The one place where failures become exit codes and the lines a user reads.
//!
//! Every failure that reaches `main` is a [`Failure`]: an exit code, one line
//! of message (printed after `error: `), optional detail lines and an optional
//! hint (printed after `hint: `). Library errors become failures through
//! [`Failure::api`], whose exit code and default hint come from one table
//! ([`exit_code`], [`default_hint`]); commands add the object they were working
//! on and, where they know better, a more specific hint.

use std::fmt;

use dbsecrets_client::config::ConfigError;
use dbsecrets_client::{Error, ErrorKind};

pub use dbsecrets_client::error::one_line;

/// Exit codes, as documented in the README.
pub mod exit {
    pub const OK: u8 = 0;
    /// Any other failure: server error, unreadable response, network failure.
    pub const FAILURE: u8 = 1;
    /// Usage or input error: nothing was sent.
    pub const USAGE: u8 = 2;
    /// The object does not exist.
    pub const NOT_FOUND: u8 = 3;
    /// Not authenticated or not permitted.
    pub const AUTH: u8 = 4;
    /// The object already exists.
    pub const ALREADY_EXISTS: u8 = 5;
    /// Interrupted by Ctrl-C (128 + SIGINT).
    pub const INTERRUPTED: u8 = 130;
}

/// The exit code of each kind of library error: the table of the README's
/// "Exit codes" section.
pub fn exit_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::NotFound => exit::NOT_FOUND,
        ErrorKind::AlreadyExists => exit::ALREADY_EXISTS,
        ErrorKind::PermissionDenied | ErrorKind::Unauthenticated => exit::AUTH,
        ErrorKind::InvalidSettings | ErrorKind::InvalidInput => exit::USAGE,
        ErrorKind::Cancelled => exit::INTERRUPTED,
        _ => exit::FAILURE,
    }
}

/// What the user can do next, for each kind; `None` where only the command
/// knows (the object's name).
pub fn default_hint(kind: ErrorKind, who: &dyn Fn() -> String) -> Option<String> {
    Some(match kind {
        ErrorKind::Unauthenticated => who(),
        ErrorKind::Transport => {
            "check the host and your network connection; --debug shows each request".into()
        }
        ErrorKind::PermissionDenied => "a user with MANAGE on the scope, or a workspace admin, can grant the permission with `dbsecrets put-acl SCOPE PRINCIPAL PERMISSION`".into(),
        _ => return None,
    })
}

/// A failure as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: u8,
    pub message: String,
    /// Lines printed between the message and the hint, e.g. every invalid
    /// entry of an import file.
    pub details: Vec<String>,
    pub hint: Option<String>,
}

impl Failure {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Failure {
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
    pub fn other(message: impl Into<String>) -> Self {
        Self::new(exit::FAILURE, message)
    }

    /// A library error while `doing` something: the table's exit code, the
    /// message `doing: error`, and the hint of the failing part (a sign-in
    /// method, a config rule), else the table's.
    pub fn api(e: &Error, doing: &str, who: &dyn Fn() -> String) -> Self {
        let kind = e.kind();
        let message = if doing.is_empty() {
            e.to_string()
        } else {
            format!("{doing}: {e}")
        };
        let failure = Failure::new(exit_code(kind), message);
        match e.hint().or_else(|| default_hint(kind, who)) {
            Some(h) => failure.with_hint(h),
            None => failure,
        }
    }

    /// Exit with `code` and print nothing: `run`'s command failed and has
    /// said why itself (its exit code, or 128+N after signal N, passes through).
    pub fn exit_code_only(code: u8) -> Self {
        Self::new(code, "")
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
        if self.message.is_empty() && self.details.is_empty() && self.hint.is_none() {
            return String::new();
        }
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

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::other(format!("{e:#}"))
    }
}

/// A configuration error: exit 2 (nothing was sent), with its hint.
impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        let hint = match &e {
            // The command line's words for picking a profile.
            ConfigError::ProfileNotFound {
                available, profile, ..
            } => match available.iter().find(|a| a.eq_ignore_ascii_case(profile)) {
                Some(near) => Some(format!(
                    "profile names are case-sensitive: did you mean -p {near}?"
                )),
                None if available.is_empty() => e.hint(),
                None => e.hint().map(|h| format!("{h}; pick one with -p/--profile")),
            },
            _ => e.hint(),
        };
        let failure = Failure::usage(e.to_string());
        match hint {
            Some(h) => failure.with_hint(h),
            None => failure,
        }
    }
}

/// An error with no command context (argument checks, settings).
impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::api(&e, "", &|| "check your credentials".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_is_one_or_two_lines() {
        let e = Failure::other("boom\nsecond line\x1b[31m").with_hint("try again");
        assert_eq!(
            e.render(),
            "error: boom second line [31m\nhint: try again\n"
        );
        assert_eq!(Failure::usage("x").render(), "error: x\n");
        let e = Failure::usage("bad file")
            .with_details(vec!["line 1: a".into(), "line 2:\nb".into()])
            .with_hint("fix it");
        assert_eq!(
            e.render(),
            "error: bad file\n  line 1: a\n  line 2: b\nhint: fix it\n"
        );
    }

    #[test]
    fn an_exit_code_alone_prints_nothing() {
        let f = Failure::exit_code_only(143);
        assert_eq!((f.code, f.render()), (143, String::new()));
    }

    #[test]
    fn or_hint_keeps_the_first() {
        let e = Failure::other("x").with_hint("a").or_hint("b");
        assert_eq!(e.hint.as_deref(), Some("a"));
    }

    #[test]
    fn the_exit_code_table() {
        use ErrorKind::*;
        for (kind, code) in [
            (NotFound, 3),
            (AlreadyExists, 5),
            (PermissionDenied, 4),
            (Unauthenticated, 4),
            (NotebookOnly, 1),
            (ReadOnlyScope, 1),
            (Throttled, 1),
            (Transport, 1),
            (InvalidResponse, 1),
            (Rejected, 1),
            (Server, 1),
            (InvalidSettings, 2),
            (InvalidInput, 2),
            (Cancelled, 130),
        ] {
            assert_eq!(exit_code(kind), code, "{kind:?}");
        }
    }

    #[test]
    fn api_errors_take_the_table_and_the_parts_hint() {
        let e = Error::status(
            404,
            Some("RESOURCE_DOES_NOT_EXIST".into()),
            Some("Scope x does not exist!".into()),
        );
        let f = Failure::api(&e, "cannot list secrets in scope 'x'", &|| "who".into());
        assert_eq!(f.code, 3);
        assert_eq!(
            f.message,
            "cannot list secrets in scope 'x': RESOURCE_DOES_NOT_EXIST: Scope x does not exist! (HTTP 404)"
        );
        assert_eq!(f.hint, None);
        let e = Error::status(401, None, None);
        assert_eq!(
            Failure::api(&e, "x", &|| "who".into()).hint.as_deref(),
            Some("who")
        );
    }
}
