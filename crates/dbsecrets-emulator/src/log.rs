//! The request log: the most recent requests the emulator received,
//! recorded when they arrive and completed when they are answered, for tests
//! to assert on (what was sent, in what order, how fast) and for the fault
//! plan to count with.
//!
//! It is bounded, since an emulator may run for long on a shared machine and
//! anyone who can reach it can send requests: it keeps the most recent
//! [`crate::EmulatorOptions::request_log_capacity`] requests, each body cut
//! to [`crate::EmulatorOptions::recorded_body_bytes`], each header, path,
//! query and key to [`MAX_RECORDED_TEXT`] bytes, and at most
//! [`MAX_RECORDED_BODY_BYTES_TOTAL`] of bodies in all (older requests go
//! first). Nothing else the emulator keeps grows with requests.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use axum::body::Bytes;
use axum::http::request::Parts;
use axum::http::{header, Uri};

use super::form;
pub use super::redact::SECRET_FIELDS;
use super::redact::{is_secret, recorded_field, Fingerprint, Redactor};

/// The most bytes of a recorded header, path, query or key (longer ones are
/// cut at a character boundary).
pub const MAX_RECORDED_TEXT: usize = 2048;

/// The most bytes of bodies the whole log holds; beyond it the oldest
/// requests are forgotten even before the log is full.
pub const MAX_RECORDED_BODY_BYTES_TOTAL: usize = 64 * 1024 * 1024;

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
///   `value`, `client_secret`, `subject_token`, `password`, `token`) is
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
}

impl RecordedRequest {
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

/// The log itself, a ring. Each entry gets a sequence number at arrival, so
/// its answer can find it again even after older entries went.
pub(crate) struct RequestLog {
    /// Each request with the size of its recorded body.
    entries: VecDeque<(usize, RecordedRequest)>,
    /// The sequence number of `entries[0]`.
    first: u64,
    capacity: usize,
    /// The most bytes of bodies all entries may hold together.
    body_budget: usize,
    body_bytes: usize,
}

/// Where a new entry went, and how many requests for the same path and key
/// the log holds, this one included (a fault plan's `nth`).
pub(crate) struct Arrival {
    pub(crate) seq: u64,
    pub(crate) nth: usize,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize, body_budget: usize) -> Self {
        Self {
            entries: VecDeque::new(),
            first: 0,
            capacity,
            body_budget,
            body_bytes: 0,
        }
    }

    /// Records a request on arrival, forgetting the oldest ones beyond the
    /// capacity or the bodies' total.
    pub(crate) fn arrive(&mut self, request: RecordedRequest) -> Arrival {
        let nth = 1 + self
            .entries
            .iter()
            .filter(|(_, r)| r.path == request.path && r.key == request.key)
            .count();
        let seq = self.first + self.entries.len() as u64;
        let size = body_size(request.body.as_ref());
        self.entries.push_back((size, request));
        self.body_bytes += size;
        while self.entries.len() > self.capacity || self.body_bytes > self.body_budget {
            let Some((size, _)) = self.entries.pop_front() else {
                break;
            };
            self.body_bytes -= size;
            self.first += 1;
        }
        Arrival { seq, nth }
    }

    /// Fills in the answer's status and who made the request, if the entry
    /// is still there.
    pub(crate) fn answer(&mut self, seq: u64, status: u16, principal: Option<String>) {
        let Some(index) = seq.checked_sub(self.first) else {
            return;
        };
        if let Some(entry) = usize::try_from(index)
            .ok()
            .and_then(|i| self.entries.get_mut(i))
        {
            entry.1.status = status;
            entry.1.principal = principal;
        }
    }

    pub(crate) fn entries(&self) -> Vec<RecordedRequest> {
        self.entries.iter().map(|(_, r)| r.clone()).collect()
    }

    /// Requests to exactly `path` so far, answered or not.
    pub(crate) fn count(&self, path: &str) -> usize {
        self.entries.iter().filter(|(_, r)| r.path == path).count()
    }

    pub(crate) fn clear(&mut self) {
        self.first += self.entries.len() as u64;
        self.entries.clear();
        self.body_bytes = 0;
    }
}

/// The bytes a recorded body holds (its text, or its JSON text).
fn body_size(body: Option<&Value>) -> usize {
    match body {
        None => 0,
        Some(Value::String(text)) => text.len(),
        Some(value) => value.to_string().len(),
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

/// The most requests that arrived within any span of `window`: the peak
/// rate a client held, from the requests' arrival times.
pub fn max_in_window(requests: &[RecordedRequest], window: Duration) -> usize {
    let mut times: Vec<Instant> = requests.iter().map(|r| r.arrived_at).collect();
    times.sort();
    let mut best = 0;
    let mut start = 0;
    for end in 0..times.len() {
        while times[end].duration_since(times[start]) >= window {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str, key: Option<&str>, arrived_at: Instant) -> RecordedRequest {
        RecordedRequest {
            method: "POST".into(),
            path: path.into(),
            query: None,
            key: key.map(str::to_string),
            authorization: None,
            principal: None,
            content_type: None,
            user_agent: None,
            body: None,
            body_truncated: false,
            status: 0,
            arrived_at,
            redactor: Arc::new(Redactor::new()),
        }
    }

    #[test]
    fn arrivals_count_per_path_and_key_and_answers_find_their_entry() {
        let now = Instant::now();
        let mut log = RequestLog::new(100, 1000);
        let a = log.arrive(request("/p", Some("k"), now));
        let b = log.arrive(request("/p", Some("other"), now));
        let c = log.arrive(request("/p", Some("k"), now));
        let d = log.arrive(request("/q", Some("k"), now));
        assert_eq!((a.nth, b.nth, c.nth, d.nth), (1, 1, 2, 1));
        log.answer(c.seq, 429, None);
        assert_eq!(log.entries()[2].status, 429);
        assert_eq!(log.count("/p"), 3);
        log.clear();
        // An answer after a clear finds nothing and changes nothing.
        log.answer(d.seq, 200, None);
        let e = log.arrive(request("/p", Some("k"), now));
        assert_eq!((e.nth, e.seq), (1, 4));
        log.answer(e.seq, 201, None);
        assert_eq!(log.entries()[0].status, 201);
    }

    #[test]
    fn the_log_is_a_ring_of_the_most_recent_requests() {
        let now = Instant::now();
        let mut log = RequestLog::new(3, 1000);
        let seqs: Vec<u64> = (0..5)
            .map(|i| log.arrive(request(&format!("/{i}"), None, now)).seq)
            .collect();
        let paths: Vec<String> = log.entries().into_iter().map(|r| r.path).collect();
        assert_eq!(paths, ["/2", "/3", "/4"]);
        // The answer of a forgotten request changes nothing.
        log.answer(seqs[1], 500, None);
        log.answer(seqs[2], 200, None);
        let statuses: Vec<u16> = log.entries().iter().map(|r| r.status).collect();
        assert_eq!(statuses, [200, 0, 0]);
        let mut none = RequestLog::new(0, 1000);
        let a = none.arrive(request("/p", None, now));
        assert_eq!((a.nth, none.entries().len()), (1, 0));
        none.answer(a.seq, 200, None);
    }

    #[test]
    fn bodies_are_capped_in_size_and_in_total() {
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
        let now = Instant::now();
        let mut log = RequestLog::new(1000, 100);
        let body = "z".repeat(26);
        for i in 0..8 {
            let mut r = request(&format!("/{i}"), None, now);
            r.body = Some(Value::String(body.clone()));
            log.arrive(r);
        }
        let paths: Vec<String> = log.entries().into_iter().map(|r| r.path).collect();
        assert_eq!(paths, ["/5", "/6", "/7"]);
    }

    #[test]
    fn peak_rate_within_a_window() {
        let t0 = Instant::now();
        let at = |ms| request("/p", None, t0 + Duration::from_millis(ms));
        let log: Vec<_> = [0, 100, 900, 999, 1000, 1500, 2600].map(at).into();
        assert_eq!(max_in_window(&log, Duration::from_secs(1)), 4);
        assert_eq!(max_in_window(&log[4..], Duration::from_secs(1)), 2);
        assert_eq!(max_in_window(&[], Duration::from_secs(1)), 0);
    }
}
