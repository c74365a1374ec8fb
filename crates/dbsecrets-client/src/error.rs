//! What can go wrong talking to the API, and how the server's error bodies are read.

use crate::error::one_line;

/// A failed API call.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The server answered with a non-success status.
    #[error("{}", status_text(*status, error_code.as_deref(), message.as_deref()))]
    Status {
        status: u16,
        error_code: Option<String>,
        message: Option<String>,
    },
    /// The server answered with a redirect: the request did not reach the API.
    #[error("the request did not reach the API: the server redirected to {location} (HTTP {status}); check the host, private link or SSO")]
    Redirect { status: u16, location: String },
    /// No usable answer: connection refused, reset, DNS failure, timeout.
    #[error("{0}")]
    Transport(String),
    /// A success status with a body that is not what the endpoint answers.
    #[error("unreadable response from the server (HTTP {status}): {detail}")]
    InvalidResponse { status: u16, detail: String },
    /// The credential could not be obtained.
    #[error("{0}")]
    Auth(#[from] crate::auth::AuthError),
    /// Retries ran out.
    #[error("gave up after {attempts} attempt{} over {seconds:.1} s: {last}", if *attempts == 1 { "" } else { "s" })]
    GaveUp {
        attempts: u32,
        seconds: f64,
        last: Box<ApiError>,
    },
    /// The request was refused before sending (e.g. credentials over plain http).
    #[error("{0}")]
    Refused(String),
}

/// `CODE: message (HTTP n)`, with whatever parts are known.
pub fn status_text(status: u16, code: Option<&str>, message: Option<&str>) -> String {
    match (code, message) {
        (Some(c), Some(m)) => format!("{c}: {m} (HTTP {status})"),
        (Some(c), None) => format!("{c} (HTTP {status})"),
        (None, Some(m)) => format!("{m} (HTTP {status})"),
        (None, None) => format!("HTTP {status} {}", reason(status)),
    }
}

fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

impl ApiError {
    /// The innermost error (through retries).
    pub fn root(&self) -> &ApiError {
        match self {
            ApiError::GaveUp { last, .. } => last.root(),
            e => e,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self.root() {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn error_code(&self) -> Option<&str> {
        match self.root() {
            ApiError::Status { error_code, .. } => error_code.as_deref(),
            _ => None,
        }
    }

    pub fn message(&self) -> Option<&str> {
        match self.root() {
            ApiError::Status { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// What kind of failure this is: by error_code when it is known, else by HTTP status.
    pub fn kind(&self) -> Kind {
        match self.root() {
            ApiError::Auth(a) if a.transient => return Kind::Other,
            ApiError::Auth(_) => return Kind::Unauthorized,
            ApiError::Refused(_) => return Kind::Refused,
            ApiError::Status { .. } => {}
            _ => return Kind::Other,
        }
        match self.error_code() {
            Some("RESOURCE_DOES_NOT_EXIST" | "NOT_FOUND" | "FEATURE_DISABLED_NOT_FOUND") => {
                Kind::NotFound
            }
            Some(
                "PERMISSION_DENIED" | "UNAUTHENTICATED" | "CUSTOMER_UNAUTHORIZED" | "UNAUTHORIZED",
            ) => Kind::Unauthorized,
            Some("RESOURCE_ALREADY_EXISTS" | "ALREADY_EXISTS") => Kind::AlreadyExists,
            _ => match self.status() {
                Some(404) => Kind::NotFound,
                Some(401 | 403) => Kind::Unauthorized,
                Some(409) => Kind::AlreadyExists,
                _ => Kind::Other,
            },
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.kind() == Kind::NotFound
    }

    pub fn is_already_exists(&self) -> bool {
        self.kind() == Kind::AlreadyExists
    }
}

/// The classes of failure that callers act on (the CLI maps them to exit codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// RESOURCE_DOES_NOT_EXIST, NOT_FOUND or HTTP 404.
    NotFound,
    /// Not authenticated or not permitted: 401, 403, PERMISSION_DENIED, a rejected sign-in.
    Unauthorized,
    /// RESOURCE_ALREADY_EXISTS or HTTP 409.
    AlreadyExists,
    /// Refused before sending (e.g. credentials over plain http).
    Refused,
    /// Anything else: server errors, unreadable answers, the network.
    Other,
}

/// Reads an error body: JSON `{"error_code", "message"}` (a numeric error_code too,
/// and OAuth's `{"error", "error_description"}`), or plain text `CODE: message`.
/// HTML pages and anything unreadable give nothing: the caller falls back to the status.
pub fn parse_error_body(body: &[u8]) -> (Option<String>, Option<String>) {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return (None, None);
    }
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(trimmed) {
        let field = |names: &[&str]| {
            names.iter().find_map(|n| match map.get(*n) {
                Some(serde_json::Value::String(s)) if !s.trim().is_empty() => {
                    Some(s.trim().to_string())
                }
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                _ => None,
            })
        };
        let code = field(&["error_code", "error"]);
        let message = field(&["message", "error_description", "detail"]);
        return (code, message.map(|m| clip(&m)));
    }
    if trimmed.starts_with('<') || trimmed.starts_with('{') || trimmed.starts_with('[') {
        return (None, None); // HTML, or JSON we cannot read: never shown raw
    }
    if let Some((code, msg)) = trimmed.split_once(": ") {
        if !code.is_empty() && code.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            return (Some(code.to_string()), Some(clip(msg)));
        }
    }
    (None, Some(clip(trimmed)))
}

/// Keeps a server message to one line of reasonable length.
fn clip(s: &str) -> String {
    let line = one_line(s);
    if line.chars().count() > 300 {
        let cut: String = line.chars().take(300).collect();
        format!("{cut}…")
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16, body: &str) -> ApiError {
        let (error_code, message) = parse_error_body(body.as_bytes());
        ApiError::Status {
            status,
            error_code,
            message,
        }
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
    fn exit_codes() {
        assert_eq!(
            status(
                404,
                r#"{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"m"}"#
            )
            .exit_code(),
            3
        );
        assert_eq!(
            status(404, r#"{"error_code":"NOT_FOUND","message":"m"}"#).exit_code(),
            3
        );
        assert_eq!(status(404, "").exit_code(), 3);
        assert_eq!(
            status(
                400,
                r#"{"error_code":"RESOURCE_ALREADY_EXISTS","message":"m"}"#
            )
            .exit_code(),
            5
        );
        assert_eq!(status(409, "").exit_code(), 5);
        assert_eq!(
            status(403, r#"{"error_code":"PERMISSION_DENIED","message":"m"}"#).exit_code(),
            4
        );
        assert_eq!(status(401, "").exit_code(), 4);
        assert_eq!(
            status(
                403,
                r#"{"error_code":403,"message":"Invalid access token."}"#
            )
            .exit_code(),
            4
        );
        assert_eq!(
            status(
                400,
                r#"{"error_code":"INVALID_PARAMETER_VALUE","message":"m"}"#
            )
            .exit_code(),
            1
        );
        assert_eq!(status(500, "").exit_code(), 1);
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
}
