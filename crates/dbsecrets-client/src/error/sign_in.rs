//! Sign-in failures: a credential could not be obtained.

use std::fmt;

/// A credential could not be obtained. The message names the method and the
/// identity (client id, profile, host), never a secret; the hint is the next step.
#[derive(Debug, Clone)]
pub struct SignInError {
    pub message: String,
    pub hint: Option<String>,
    pub failure: SignInFailure,
}

/// Why a sign-in failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignInFailure {
    /// The credentials were refused, or cannot be used as configured.
    Rejected,
    /// The sign-in service could not be reached, or was unavailable: worth another try.
    Unreachable,
    /// The sign-in service answered something that is not what it should (an
    /// HTML page, a server error, JSON without a token): not a verdict on the
    /// credentials.
    Invalid,
}

impl SignInError {
    pub fn new(message: impl Into<String>) -> Self {
        SignInError {
            message: message.into(),
            hint: None,
            failure: SignInFailure::Rejected,
        }
    }

    /// Marks the failure as transient (network, 429, 503).
    pub fn transient_if(mut self, transient: bool) -> Self {
        if transient {
            self.failure = SignInFailure::Unreachable;
        }
        self
    }

    /// Sets why the sign-in failed.
    pub fn with_failure(mut self, failure: SignInFailure) -> Self {
        self.failure = failure;
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Unreachable rather than rejected: retried like any request.
    pub fn is_transient(&self) -> bool {
        self.failure == SignInFailure::Unreachable
    }
}

impl fmt::Display for SignInError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SignInError {}
