//! Every failure of the library, classified once, where it happens, into the
//! [`ErrorKind`] that callers act on. Callers never match server strings: the
//! endpoint that knows what a `400 BAD_REQUEST` means (a notebook-only `get`, a
//! write to a Key Vault scope) says so here, in the kind.
//!
//! ```no_run
//! # async fn demo(client: &dbsecrets_client::Client) -> Result<(), dbsecrets_client::Error> {
//! match client.secrets().delete_scope("old-scope").await {
//!     Err(e) if e.kind() == dbsecrets_client::ErrorKind::NotFound => Ok(()), // already gone
//!     other => other,
//! }
//! # }
//! ```

use std::fmt;
use std::time::Duration;

use crate::config::ConfigError;

mod body;
mod sign_in;

pub use body::{clean, one_line, parse_error_body, status_text};
pub use sign_in::{SignInError, SignInFailure};

/// What kind of failure an [`Error`] is: what a caller acts on (an exit code,
/// a hint, whether to go on with other work).
///
/// Server answers are classified by [`classify`]; the endpoint methods of
/// [`crate::secrets`] refine a few generic answers. New kinds may be added:
/// match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The object does not exist: 404, `RESOURCE_DOES_NOT_EXIST`, `NOT_FOUND`.
    NotFound,
    /// The object already exists: 409, `RESOURCE_ALREADY_EXISTS`.
    AlreadyExists,
    /// Authenticated, but not permitted: 403, `PERMISSION_DENIED`.
    PermissionDenied,
    /// Not authenticated: 401, an invalid or expired token, or a sign-in
    /// service that rejected the credentials.
    Unauthenticated,
    /// The workspace only lets notebooks and jobs read secret values
    /// (`secrets/get` answered `400 BAD_REQUEST`).
    NotebookOnly,
    /// The scope is backed by Azure Key Vault, which is read-only through Databricks.
    ReadOnlyScope,
    /// Creating a Key Vault-backed scope needs an Azure AD token, not a personal access token.
    AzureTokenRequired,
    /// A service limit: too many scopes in the workspace or secrets in a scope
    /// (`RESOURCE_LIMIT_EXCEEDED`, `RESOURCE_EXHAUSTED`). A value that is too
    /// large is [`ErrorKind::InvalidInput`] when checked before sending
    /// ([`crate::names::value_len`]), [`ErrorKind::Rejected`] when the server refuses it.
    LimitExceeded,
    /// Throttled (429) or unavailable (503), and retries ran out within
    /// [`Settings::retry_timeout`](crate::Settings::retry_timeout).
    Throttled,
    /// No usable answer: connection refused, DNS, TLS, reset, timeout; also a
    /// sign-in service that could not be reached. Connection failures and
    /// timeouts were retried first; a certificate that does not verify is not.
    Transport,
    /// An answer that is not what the endpoint sends (bad JSON, HTML, a redirect, too large).
    InvalidResponse,
    /// The server refused the request for another reason (400
    /// `INVALID_PARAMETER_VALUE`, `MALFORMED_REQUEST`, a `BAD_REQUEST` the
    /// endpoint gives no special meaning, …): the server's message says why.
    Rejected,
    /// The server failed (500, 502, 504, …). Not retried, as in the official SDKs.
    Server,
    /// The configuration is unusable: no host, a bad profile, two sign-in
    /// methods, plain http to a remote host, a setting out of range. Nothing was sent.
    InvalidSettings,
    /// An argument is invalid (a name the service would refuse, an empty value). Nothing was sent.
    InvalidInput,
    /// The caller's [`Cancel`](crate::Cancel) fired before the request was
    /// sent, or while it waited to be retried: it was not sent (again).
    Cancelled,
}

/// A failed call, or a call that could not be made.
///
/// Its `Display` is one line that names what failed; it never contains a
/// credential or a secret value. Act on [`Error::kind`]; show `Display` and
/// [`Error::hint`] to a person; read [`Error::detail`] or the accessors
/// ([`Error::http_status`], [`Error::error_code`], …) for specifics.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    detail: Detail,
}

/// What exactly went wrong: the data behind an [`Error`]'s message.
#[derive(Debug)]
#[non_exhaustive]
pub enum Detail {
    /// The server answered with a non-success status.
    Status {
        /// The HTTP status code, e.g. 404.
        status: u16,
        /// The body's `error_code` (or OAuth `error`), e.g.
        /// `RESOURCE_DOES_NOT_EXIST`; a numeric code as its digits (`"403"`).
        error_code: Option<String>,
        /// The body's `message`, folded to one line of at most 300 characters;
        /// `None` for an empty or HTML body.
        message: Option<String>,
    },
    /// The server answered with a redirect: the request did not reach the API
    /// (typically a login page of an SSO or private-link setup). Never followed.
    Redirect {
        /// The HTTP status code (301, 302, 307, …).
        status: u16,
        /// The `Location` header without its query and fragment.
        location: String,
    },
    /// No usable answer (connection refused, DNS, TLS, reset, timeout): the
    /// message names the URL and the innermost cause.
    Transport(String),
    /// A success status with a body that is not what the endpoint answers.
    InvalidResponse {
        /// The HTTP status code of the answer.
        status: u16,
        /// What was wrong with the body; it never quotes the body.
        detail: String,
    },
    /// A credential could not be obtained.
    SignIn(SignInError),
    /// Retries ran out; `last` is the last attempt's failure.
    GaveUp {
        /// How many attempts were made, the first one included.
        attempts: u32,
        /// Time from the first attempt until giving up.
        elapsed: Duration,
        /// The failure of the last attempt.
        last: Box<Error>,
    },
    /// The configuration is unusable.
    Config(ConfigError),
    /// Refused before sending: an argument or a setting. The text says why.
    Refused(String),
    /// Cancelled before the request was sent (`last` is `None`) or while it
    /// waited to be retried (`last`: the attempt that was to be retried).
    Cancelled {
        /// The failure of the last attempt, when one was made.
        last: Option<Box<Error>>,
    },
}

impl Error {
    /// An error of `kind` with its detail. For code that builds its own
    /// requests or credential providers; the library's own errors come
    /// classified.
    pub fn new(kind: ErrorKind, detail: Detail) -> Self {
        Error { kind, detail }
    }

    /// An error status of the server, classified by status (then by code) with
    /// [`classify`]. `error_code` and `message` are as [`parse_error_body`] reads them.
    pub fn status(status: u16, error_code: Option<String>, message: Option<String>) -> Self {
        let kind = classify(status, error_code.as_deref());
        Error::new(
            kind,
            Detail::Status {
                status,
                error_code,
                message,
            },
        )
    }

    /// An [`ErrorKind::Transport`] error: no usable answer. `message` should
    /// name the URL and the cause.
    pub fn transport(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Transport, Detail::Transport(message.into()))
    }

    /// An [`ErrorKind::InvalidResponse`] error: a `status` answer whose body is
    /// not what the endpoint sends. `detail` must not quote the body.
    pub fn invalid_response(status: u16, detail: impl Into<String>) -> Self {
        Error::new(
            ErrorKind::InvalidResponse,
            Detail::InvalidResponse {
                status,
                detail: detail.into(),
            },
        )
    }

    /// An [`ErrorKind::InvalidSettings`] error: refused before sending because
    /// of a setting (e.g. plain http to a remote host).
    pub fn invalid_settings(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidSettings, Detail::Refused(message.into()))
    }

    /// An [`ErrorKind::InvalidInput`] error: refused before sending because of
    /// an argument (a bad name, an empty value).
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidInput, Detail::Refused(message.into()))
    }

    /// What kind of failure this is: what to act on.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The data behind the message. After retries this is
    /// [`Detail::GaveUp`]; [`Error::last_attempt`] reaches the failure itself.
    pub fn detail(&self) -> &Detail {
        &self.detail
    }

    /// The same failure, classified as `kind` (and so is its last attempt): for
    /// the endpoint that knows what a generic answer means there (e.g.
    /// `400 BAD_REQUEST` on `secrets/get`).
    #[must_use]
    pub fn reclassified(mut self, kind: ErrorKind) -> Self {
        if let Detail::GaveUp { last, .. } = &mut self.detail {
            last.kind = kind;
        }
        self.kind = kind;
        self
    }

    /// The failure of the last attempt, through retries: the error itself
    /// unless it is [`Detail::GaveUp`].
    pub fn last_attempt(&self) -> &Error {
        match &self.detail {
            Detail::GaveUp { last, .. } => last.last_attempt(),
            _ => self,
        }
    }

    /// The HTTP status of the server's answer, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        match &self.last_attempt().detail {
            Detail::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's `error_code`, when its answer had one.
    pub fn error_code(&self) -> Option<&str> {
        match &self.last_attempt().detail {
            Detail::Status { error_code, .. } => error_code.as_deref(),
            _ => None,
        }
    }

    /// The server's message, when its answer had one (one line, clipped to 300
    /// characters). Server text: show it, but do not match on it.
    pub fn server_message(&self) -> Option<&str> {
        match &self.last_attempt().detail {
            Detail::Status { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// The sign-in failure, when a credential could not be obtained.
    pub fn sign_in(&self) -> Option<&SignInError> {
        match &self.last_attempt().detail {
            Detail::SignIn(e) => Some(e),
            _ => None,
        }
    }

    /// The configuration error, when the configuration was unusable (not for
    /// other [`ErrorKind::InvalidSettings`] errors, such as plain http to a
    /// remote host, which are [`Detail::Refused`]).
    pub fn config(&self) -> Option<&ConfigError> {
        match &self.detail {
            Detail::Config(e) => Some(e),
            _ => None,
        }
    }

    /// The next step for the user, when the failing part knows it (a sign-in
    /// method, a config rule), e.g. `run `az login` and try again`.
    pub fn hint(&self) -> Option<String> {
        match &self.last_attempt().detail {
            Detail::SignIn(e) => e.hint.clone(),
            Detail::Config(e) => e.hint(),
            _ => None,
        }
    }

    /// Whether the kind is [`ErrorKind::NotFound`].
    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }

    /// Whether the kind is [`ErrorKind::AlreadyExists`].
    pub fn is_already_exists(&self) -> bool {
        self.kind == ErrorKind::AlreadyExists
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.detail {
            Detail::Status {
                status,
                error_code,
                message,
            } => f.write_str(&status_text(
                *status,
                error_code.as_deref(),
                message.as_deref(),
            )),
            Detail::Redirect { status, location } => write!(
                f,
                "the request did not reach the API: the server redirected to {location} (HTTP {status}); check the host, private link or SSO"
            ),
            Detail::Transport(m) | Detail::Refused(m) => f.write_str(m),
            Detail::InvalidResponse { status, detail } => write!(
                f,
                "unreadable response from the server (HTTP {status}): {detail}"
            ),
            Detail::SignIn(e) => f.write_str(&e.message),
            Detail::GaveUp {
                attempts,
                elapsed,
                last,
            } => write!(
                f,
                "gave up after {attempts} attempt{} over {:.1} s: {last}",
                if *attempts == 1 { "" } else { "s" },
                elapsed.as_secs_f64()
            ),
            Detail::Config(e) => write!(f, "{e}"),
            Detail::Cancelled { last: None } => f.write_str("cancelled before it was sent"),
            Detail::Cancelled { last: Some(last) } => write!(
                f,
                "cancelled while waiting to be retried, not sent again (the last attempt: {last})"
            ),
        }
    }
}

impl std::error::Error for Error {}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::new(ErrorKind::InvalidSettings, Detail::Config(e))
    }
}

impl From<SignInError> for Error {
    fn from(e: SignInError) -> Self {
        let kind = match e.failure {
            SignInFailure::Rejected => ErrorKind::Unauthenticated,
            SignInFailure::Unreachable => ErrorKind::Transport,
            SignInFailure::Invalid => ErrorKind::InvalidResponse,
        };
        Error::new(kind, Detail::SignIn(e))
    }
}

/// The kind of an error answer: by HTTP status first, refined by `error_code`
/// only where the status alone is ambiguous (the Secrets API 2.0 answers
/// "already exists" and "limit exceeded" with a plain 400).
///
/// 404 is [`ErrorKind::NotFound`], 409 [`ErrorKind::AlreadyExists`], 401
/// [`ErrorKind::Unauthenticated`], 429 and 503 [`ErrorKind::Throttled`]. A 403
/// is [`ErrorKind::PermissionDenied`] unless the code says the token itself was
/// rejected (`UNAUTHENTICATED`, `UNAUTHORIZED`, or the numeric `403`). Any
/// other status goes by the code when it is known, else to
/// [`ErrorKind::Server`] (5xx) or [`ErrorKind::Rejected`].
///
/// ```
/// use dbsecrets_client::{error::classify, ErrorKind};
/// assert_eq!(classify(400, Some("RESOURCE_ALREADY_EXISTS")), ErrorKind::AlreadyExists);
/// assert_eq!(classify(400, Some("INVALID_PARAMETER_VALUE")), ErrorKind::Rejected);
/// assert_eq!(classify(502, None), ErrorKind::Server);
/// ```
pub fn classify(status: u16, error_code: Option<&str>) -> ErrorKind {
    match status {
        404 => ErrorKind::NotFound,
        409 => ErrorKind::AlreadyExists,
        401 => ErrorKind::Unauthenticated,
        // A 403 with `{"error_code": 403, "message": "Invalid access token."}`
        // (a numeric code) or UNAUTHENTICATED is a rejected token, not a missing ACL.
        403 => match error_code {
            Some("UNAUTHENTICATED" | "UNAUTHORIZED" | "403") => ErrorKind::Unauthenticated,
            _ => ErrorKind::PermissionDenied,
        },
        429 | 503 => ErrorKind::Throttled,
        _ => match error_code {
            Some("RESOURCE_DOES_NOT_EXIST" | "NOT_FOUND" | "FEATURE_DISABLED_NOT_FOUND") => {
                ErrorKind::NotFound
            }
            Some("RESOURCE_ALREADY_EXISTS" | "ALREADY_EXISTS") => ErrorKind::AlreadyExists,
            Some("PERMISSION_DENIED" | "CUSTOMER_UNAUTHORIZED") => ErrorKind::PermissionDenied,
            Some("UNAUTHENTICATED" | "UNAUTHORIZED") => ErrorKind::Unauthenticated,
            Some("RESOURCE_LIMIT_EXCEEDED" | "RESOURCE_EXHAUSTED") => ErrorKind::LimitExceeded,
            _ if status >= 500 => ErrorKind::Server,
            _ => ErrorKind::Rejected,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16, body: &str) -> Error {
        let (error_code, message) = parse_error_body(body.as_bytes());
        Error::status(status, error_code, message)
    }

    #[test]
    fn bodies() {
        let cases: &[(&str, Option<&str>, Option<&str>)] = &[
            (
                r#"{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Scope x does not exist!"}"#,
                Some("RESOURCE_DOES_NOT_EXIST"),
                Some("Scope x does not exist!"),
            ),
            (
                r#"{"error_code":403,"message":"Invalid access token."}"#,
                Some("403"),
                Some("Invalid access token."),
            ),
            (
                r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
                Some("invalid_client"),
                Some("Client authentication failed"),
            ),
            ("", None, None),
            ("<html><title>502 Bad Gateway</title></html>", None, None),
            ("<pre>oops</pre>", None, None),
            ("BAD_REQUEST: no", Some("BAD_REQUEST"), Some("no")),
            (
                "upstream connect error",
                None,
                Some("upstream connect error"),
            ),
            ("{\"truncated", None, None),
            ("[1,2]", None, None),
        ];
        for (body, code, msg) in cases {
            let (c, m) = parse_error_body(body.as_bytes());
            assert_eq!((c.as_deref(), m.as_deref()), (*code, *msg), "{body}");
        }
    }

    #[test]
    fn kinds_by_status_then_code() {
        use ErrorKind::*;
        let cases = [
            (
                404,
                r#"{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"m"}"#,
                NotFound,
            ),
            (404, r#"{"error_code":"NOT_FOUND","message":"m"}"#, NotFound),
            (404, "", NotFound),
            (
                400,
                r#"{"error_code":"RESOURCE_ALREADY_EXISTS","message":"m"}"#,
                AlreadyExists,
            ),
            (409, "", AlreadyExists),
            (
                403,
                r#"{"error_code":"PERMISSION_DENIED","message":"m"}"#,
                PermissionDenied,
            ),
            (401, "", Unauthenticated),
            (
                403,
                r#"{"error_code":403,"message":"Invalid access token."}"#,
                Unauthenticated,
            ),
            (
                400,
                r#"{"error_code":"INVALID_PARAMETER_VALUE","message":"m"}"#,
                Rejected,
            ),
            (
                400,
                r#"{"error_code":"RESOURCE_LIMIT_EXCEEDED","message":"m"}"#,
                LimitExceeded,
            ),
            (429, "", Throttled),
            (500, "", Server),
            (502, "<html>x</html>", Server),
        ];
        for (code, body, kind) in cases {
            assert_eq!(status(code, body).kind(), kind, "{code} {body}");
        }
    }

    #[test]
    fn display() {
        assert_eq!(
            status(502, "<html>x</html>").to_string(),
            "HTTP 502 Bad Gateway"
        );
        assert_eq!(
            status(
                404,
                r#"{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Scope x does not exist!"}"#
            )
            .to_string(),
            "RESOURCE_DOES_NOT_EXIST: Scope x does not exist! (HTTP 404)"
        );
    }

    #[test]
    fn gave_up_keeps_the_last_attempt() {
        let e = Error::new(
            ErrorKind::Throttled,
            Detail::GaveUp {
                attempts: 3,
                elapsed: Duration::from_millis(1500),
                last: Box::new(status(429, r#"{"error_code":"REQUEST_LIMIT_EXCEEDED"}"#)),
            },
        );
        assert_eq!(e.http_status(), Some(429));
        assert_eq!(e.error_code(), Some("REQUEST_LIMIT_EXCEEDED"));
        assert_eq!(
            e.to_string(),
            "gave up after 3 attempts over 1.5 s: REQUEST_LIMIT_EXCEEDED (HTTP 429)"
        );
        let e = e.reclassified(ErrorKind::NotebookOnly);
        assert_eq!(e.kind(), ErrorKind::NotebookOnly);
        assert_eq!(e.last_attempt().kind(), ErrorKind::NotebookOnly);
    }

    #[test]
    fn one_line_folds_control_characters() {
        assert_eq!(one_line("boom\nsecond\x1b[31m "), "boom second [31m");
    }
}
