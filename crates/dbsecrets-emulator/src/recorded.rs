//! How one request looks in the request log ([`RecordedRequest`]): what is
//! kept of it, cut to size, with no credential and no secret value in
//! clear (see [`super::redact`]).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::http::request::Parts;
use axum::http::{header, Uri};
use serde::Serialize;
use serde_json::Value;

use super::form;
pub use super::redact::SECRET_FIELDS;
use super::redact::{is_secret, recorded_field, Fingerprint, Redactor};

/// The most bytes of a recorded header, path, query or key (longer ones are
/// cut at a character boundary).
pub const MAX_RECORDED_TEXT: usize = 2048;

/// One request as the emulator received it, for tests to assert on.
///
/// # What it keeps, and what it does not
/// No credential and no secret value is kept in clear, so the log is safe
/// to keep on a shared machine and to print in a failing test:
///
/// - the `Authorization` header is a [`RecordedAuthorization`]: its scheme,
///   and a keyed fingerprint that [`RecordedAuthorization::matches`] checks
///   a candidate against; [`RecordedRequest::principal`] says who it
///   authenticated as;
/// - in the body (JSON at any depth, or a form) and the query, the value of
///   every field named in [`SECRET_FIELDS`] (`string_value`, `bytes_value`,
///   `value`, `effective_value`, `client_secret`, `subject_token`,
///   `password`, `token`) is
///   replaced by a marker, `<redacted:LEN:FINGERPRINT>` (its length in bytes
///   and a keyed 128-bit fingerprint; a form value's decoded bytes, a JSON
///   string's bytes, another JSON value's text). The marker of a candidate
///   is [`crate::Emulator::redacted`], so a test can still compare a whole
///   body, or ask [`RecordedRequest::value_matches`]. A body that is neither
///   JSON nor a form but mentions a secret field name (broken JSON, say)
///   becomes one marker for the whole text.
///
/// The fingerprint keys are random per emulator and never leave its
/// memory: markers from two emulators differ, and a copy of the log alone
/// cannot be used to test guesses.
#[derive(Clone, Debug, Serialize)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// The query string, still percent-encoded (secret fields redacted).
    pub query: Option<String>,
    /// The `key` parameter: the JSON body's `key` string, else the query's
    /// (decoded). What a fault plan sees as [`crate::FaultRequest::key`].
    pub key: Option<String>,
    pub authorization: Option<RecordedAuthorization>,
    /// Who the request authenticated as (for a token request, the principal
    /// a token was issued for); `None` while unanswered or when it did not
    /// authenticate.
    pub principal: Option<String>,
    pub content_type: Option<String>,
    pub user_agent: Option<String>,
    /// `X-Databricks-Workspace-Id`, which routes a call on a unified host;
    /// accepted and otherwise ignored.
    pub workspace_id: Option<String>,
    /// `X-Databricks-Org-Id`, its legacy spelling; accepted and ignored.
    pub org_id: Option<String>,
    /// The body parsed as JSON, or as a JSON string holding the raw text when
    /// it was not JSON, secret fields redacted; `None` when the body was
    /// empty. A body longer than the log's limit is a JSON string holding its
    /// first bytes (as JSON text if it was JSON), and `body_truncated` is set.
    pub body: Option<Value>,
    pub body_truncated: bool,
    /// The answer's status; 0 while the request is still being answered, or
    /// when the connection was dropped without an answer.
    pub status: u16,
    /// When the request arrived (before latency, delays and faults).
    #[serde(skip)]
    pub arrived_at: Instant,
    #[serde(skip)]
    redactor: Arc<Redactor>,
}

impl RecordedRequest {
    /// Whether the body's field `field` (top level of a JSON object, or of a
    /// form) was sent as `candidate`. Works for redacted secret fields and
    /// plain string fields alike.
    pub fn value_matches(&self, field: &str, candidate: &str) -> bool {
        let Some(recorded) = self.body.as_ref().and_then(|b| recorded_field(b, field)) else {
            return false;
        };
        if is_secret(field) {
            recorded == self.redactor.marker(candidate.as_bytes())
        } else {
            recorded == candidate
        }
    }

    /// The log entry for a request on arrival; its status and principal
    /// come once answered. Every text is cut to [`MAX_RECORDED_TEXT`] and
    /// the body, once redacted, to `body_limit`.
    pub(crate) fn on_arrival(
        parts: &Parts,
        body: Option<&Bytes>,
        arrived_at: Instant,
        body_limit: usize,
        redactor: &Arc<Redactor>,
    ) -> Self {
        let text = |s: &str| truncate(s.to_string(), MAX_RECORDED_TEXT);
        let header = |name: header::HeaderName| {
            parts
                .headers
                .get(name)
                .map(|v| text(&String::from_utf8_lossy(v.as_bytes())))
        };
        let content_type = header(header::CONTENT_TYPE);
        let body = body.and_then(|b| redactor.body(b, content_type.as_deref()));
        let key = request_key(&parts.uri, body.as_ref()).map(|k| text(&k));
        let (body, body_truncated) = match body {
            Some(body) => {
                let (body, truncated) = cap_body(body, body_limit);
                (Some(body), truncated)
            }
            None => (None, false),
        };
        let authorization = parts
            .headers
            .get(header::AUTHORIZATION)
            .map(|v| RecordedAuthorization::new(v.as_bytes(), redactor.clone()));
        Self {
            method: text(parts.method.as_str()),
            path: text(parts.uri.path()),
            query: parts.uri.query().map(|q| text(&redactor.form(q))),
            key,
            authorization,
            principal: None,
            content_type,
            user_agent: header(header::USER_AGENT),
            workspace_id: header(header::HeaderName::from_static("x-databricks-workspace-id")),
            org_id: header(header::HeaderName::from_static("x-databricks-org-id")),
            body,
            body_truncated,
            status: 0,
            arrived_at,
            redactor: redactor.clone(),
        }
    }
}

/// The `key` a request names: its JSON body's `key` string, else the
/// query's first `key` (form-decoded).
fn request_key(uri: &Uri, body: Option<&Value>) -> Option<String> {
    if let Some(key) = body.and_then(|b| b.get("key")).and_then(Value::as_str) {
        return Some(key.to_string());
    }
    let query = uri.query()?;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| form::decode(name).as_deref() == Some("key"))
        .and_then(|(_, value)| form::decode(value))
}

/// A recorded `Authorization` header: its scheme and a keyed fingerprint of
/// the whole value, never the credential. Compares equal to the `&str` it
/// matches, so `assert_eq!(request.authorization.unwrap(), "Bearer t")`
/// reads as before; it shows as `SCHEME <redacted:LEN:FINGERPRINT>`.
#[derive(Clone)]
pub struct RecordedAuthorization {
    /// `Bearer`, `Basic`, … as sent; empty when the header is not of the
    /// form `SCHEME credential` (it may then be a bare credential).
    pub scheme: String,
    fingerprint: Fingerprint,
    redactor: Arc<Redactor>,
}

impl RecordedAuthorization {
    pub(crate) fn new(value: &[u8], redactor: Arc<Redactor>) -> Self {
        Self {
            scheme: scheme(value),
            fingerprint: redactor.fingerprint(value),
            redactor,
        }
    }

    /// Whether the header was exactly `candidate` (scheme included), by
    /// comparing keyed fingerprints in constant time.
    pub fn matches(&self, candidate: &str) -> bool {
        let other = self.redactor.fingerprint(candidate.as_bytes());
        self.fingerprint.matches(&other)
    }
}

/// The scheme of an `Authorization` value: a short word followed by
/// whitespace and more; anything else might be a bare credential.
fn scheme(value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    match text
        .trim_start()
        .split_once(|c: char| c.is_ascii_whitespace())
    {
        Some((word, _))
            if (1..=20).contains(&word.len())
                && word
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            word.to_string()
        }
        _ => String::new(),
    }
}

impl std::fmt::Display for RecordedAuthorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.scheme.is_empty() {
            f.write_str(&self.fingerprint.marker())
        } else {
            write!(f, "{} {}", self.scheme, self.fingerprint.marker())
        }
    }
}

impl std::fmt::Debug for RecordedAuthorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")
    }
}

impl Serialize for RecordedAuthorization {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Two recorded headers of the same emulator are equal when they were the
/// same value.
impl PartialEq for RecordedAuthorization {
    fn eq(&self, other: &Self) -> bool {
        self.scheme == other.scheme && self.fingerprint.matches(&other.fingerprint)
    }
}

impl Eq for RecordedAuthorization {}

impl PartialEq<str> for RecordedAuthorization {
    fn eq(&self, other: &str) -> bool {
        self.matches(other)
    }
}

impl PartialEq<&str> for RecordedAuthorization {
    fn eq(&self, other: &&str) -> bool {
        self.matches(other)
    }
}

impl PartialEq<String> for RecordedAuthorization {
    fn eq(&self, other: &String) -> bool {
        self.matches(other)
    }
}

/// A body for the log, and whether it was cut: a body longer than `limit`
/// becomes a string of its first bytes.
pub(crate) fn cap_body(body: Value, limit: usize) -> (Value, bool) {
    let text = match body {
        Value::String(text) if text.len() > limit => text,
        Value::String(_) => return (body, false),
        value => {
            let text = value.to_string();
            if text.len() <= limit {
                return (value, false);
            }
            text
        }
    };
    (Value::String(truncate(text, limit)), true)
}

/// `text` cut to at most `limit` bytes, at a character boundary.
pub(crate) fn truncate(mut text: String, limit: usize) -> String {
    if text.len() > limit {
        let mut end = limit;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

#[cfg(test)]
impl RecordedRequest {
    /// A bare entry, for the log's own tests.
    pub(crate) fn for_test(path: &str, key: Option<&str>, arrived_at: Instant) -> Self {
        Self {
            method: "POST".into(),
            path: path.into(),
            query: None,
            key: key.map(str::to_string),
            authorization: None,
            principal: None,
            content_type: None,
            user_agent: None,
            workspace_id: None,
            org_id: None,
            body: None,
            body_truncated: false,
            status: 0,
            arrived_at,
            redactor: Arc::new(Redactor::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_cut_at_the_limit() {
        let big = "x".repeat(100);
        assert_eq!(
            cap_body(Value::String(big.clone()), 100),
            (Value::String(big), false)
        );
        let (cut, truncated) = cap_body(serde_json::json!({"scope": "y".repeat(100)}), 12);
        assert_eq!(
            (cut, truncated),
            (Value::String(r#"{"scope":"yy"#.into()), true)
        );
        assert_eq!(truncate("aé".to_string(), 2), "a");
    }

    #[test]
    fn schemes_are_kept_only_when_a_credential_follows() {
        assert_eq!(scheme(b"Bearer abc"), "Bearer");
        assert_eq!(scheme(b"  basic   dTpw"), "basic");
        assert_eq!(scheme(b"dapi-bare-token"), "");
        assert_eq!(scheme(b"Bearer"), "");
        assert_eq!(scheme(b"a-very-long-thing-that-is-no-scheme x"), "");
        let redactor = Arc::new(Redactor::new());
        let recorded = RecordedAuthorization::new(b"Bearer tok", redactor.clone());
        assert_eq!(recorded, "Bearer tok");
        assert_ne!(recorded, "Bearer to");
        assert_eq!(
            recorded,
            RecordedAuthorization::new(b"Bearer tok", redactor.clone())
        );
        let shown = format!("{recorded:?} {recorded}");
        assert!(
            shown.starts_with("Bearer <redacted:10:") && !shown.contains("tok"),
            "{shown}"
        );
    }
}
