//! Keeping credentials and secret values out of the request log, while
//! letting tests still check what was sent.
//!
//! A secret is replaced by a *marker*, `<redacted:LEN:FINGERPRINT>`: its
//! length in bytes and a 128-bit fingerprint, a keyed hash (SipHash, from
//! std's randomly keyed hasher) whose keys live only in this process's
//! memory. The same value always gets the same marker within one emulator,
//! so a test compares markers ([`crate::Emulator::redacted`]); someone who
//! reads the log (a dump, a serialized copy) cannot test guesses against it
//! without the keys.

use std::collections::hash_map::RandomState;
use std::fmt::Write as _;
use std::hash::BuildHasher as _;

use serde_json::Value;

use super::form;

/// Body fields (JSON keys at any depth, or form fields) whose values are
/// secrets: secret values (a Unity Catalog secret's `effective_value` too,
/// which a client may send back in an update), OAuth client secrets and
/// subject tokens, passwords and tokens.
pub const SECRET_FIELDS: &[&str] = &[
    "string_value",
    "bytes_value",
    "value",
    "effective_value",
    "client_secret",
    "subject_token",
    "password",
    "token",
];

/// A keyed fingerprint of a value: its length and 128 bits of keyed hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    len: usize,
    hash: [u8; 16],
}

impl Fingerprint {
    /// Compares in time independent of where the two differ.
    pub(crate) fn matches(&self, other: &Fingerprint) -> bool {
        let diff = self
            .hash
            .iter()
            .zip(other.hash.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        std::hint::black_box(diff) == 0 && self.len == other.len
    }

    /// The marker that stands for the value in the log.
    pub(crate) fn marker(&self) -> String {
        let mut hex = String::with_capacity(32);
        for byte in self.hash {
            let _ = write!(hex, "{byte:02x}");
        }
        format!("<redacted:{}:{hex}>", self.len)
    }
}

/// The fingerprint keys of one emulator. Its `Debug` shows no key.
#[derive(Clone)]
pub(crate) struct Redactor {
    keys: [RandomState; 2],
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redactor")
    }
}

impl Redactor {
    /// Fresh random keys.
    pub(crate) fn new() -> Self {
        Self {
            keys: [RandomState::new(), RandomState::new()],
        }
    }

    pub(crate) fn fingerprint(&self, value: &[u8]) -> Fingerprint {
        let mut hash = [0u8; 16];
        hash[..8].copy_from_slice(&self.keys[0].hash_one(value).to_le_bytes());
        hash[8..].copy_from_slice(&self.keys[1].hash_one(value).to_le_bytes());
        Fingerprint {
            len: value.len(),
            hash,
        }
    }

    pub(crate) fn marker(&self, value: &[u8]) -> String {
        self.fingerprint(value).marker()
    }

    /// A request body for the log: JSON with its secret fields replaced, a
    /// form with its secret fields' values replaced, or other text as it is
    /// unless it mentions a secret field (say, broken JSON), in which case
    /// the whole text becomes one marker. `None` for an empty body.
    pub(crate) fn body(&self, body: &[u8], content_type: Option<&str>) -> Option<Value> {
        if body.is_empty() {
            return None;
        }
        if let Ok(mut value) = serde_json::from_slice::<Value>(body) {
            self.json(&mut value);
            return Some(value);
        }
        let text = String::from_utf8_lossy(body);
        if is_form(content_type) {
            return Some(Value::String(self.form(&text)));
        }
        let lower = text.to_ascii_lowercase();
        if SECRET_FIELDS.iter().any(|field| lower.contains(field)) {
            return Some(Value::String(self.marker(body)));
        }
        Some(Value::String(text.into_owned()))
    }

    /// Replaces, at any depth, the value of every secret field that is not
    /// `null`: a string by its marker, anything else by its JSON text's.
    pub(crate) fn json(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (name, field) in map.iter_mut() {
                    if is_secret(name) && !field.is_null() {
                        let marker = match &*field {
                            Value::String(s) => self.marker(s.as_bytes()),
                            other => self.marker(other.to_string().as_bytes()),
                        };
                        *field = Value::String(marker);
                    } else {
                        self.json(field);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.json(item)),
            _ => {}
        }
    }

    /// A form (or query string) with the value of every secret field
    /// replaced by the marker of its decoded value; everything else is kept
    /// byte for byte.
    pub(crate) fn form(&self, text: &str) -> String {
        let pairs: Vec<String> = text
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) if form::decode(name).is_some_and(|n| is_secret(&n)) => {
                    let decoded = form::decode_bytes(value);
                    let bytes = decoded.as_deref().unwrap_or(value.as_bytes());
                    format!("{name}={}", self.marker(bytes))
                }
                _ => pair.to_string(),
            })
            .collect();
        pairs.join("&")
    }
}

/// Whether `name` is one of [`SECRET_FIELDS`] (in any case).
pub(crate) fn is_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_FIELDS.contains(&name.as_str())
}

fn is_form(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// The value of field `name` in a recorded body (a JSON object's, or a
/// form's, as recorded), if there is one.
pub(crate) fn recorded_field<'a>(body: &'a Value, name: &str) -> Option<&'a str> {
    match body {
        Value::Object(map) => map.get(name).and_then(Value::as_str),
        Value::String(text) => text
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(n, _)| form::decode(n).as_deref() == Some(name))
            .map(|(_, value)| value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn markers_are_stable_per_emulator_and_keyed() {
        let r = Redactor::new();
        let a = r.marker(b"hunter2");
        assert_eq!(a, r.marker(b"hunter2"));
        assert_ne!(a, r.marker(b"hunter3"));
        assert!(a.starts_with("<redacted:7:") && a.len() == "<redacted:7:>".len() + 32);
        // Another emulator's keys give another fingerprint.
        assert_ne!(a, Redactor::new().marker(b"hunter2"));
        let f = r.fingerprint(b"x");
        assert!(f.matches(&r.fingerprint(b"x")));
        assert!(!f.matches(&r.fingerprint(b"y")));
        assert_eq!(format!("{r:?}"), "Redactor");
    }

    #[test]
    fn json_secret_fields_are_replaced_at_any_depth() {
        let r = Redactor::new();
        let body = br#"{"scope": "s", "key": "k", "string_value": "hunter2",
            "nested": [{"Password": 5, "token": null, "other": "x"}]}"#;
        let got = r.body(body, Some("application/json")).unwrap();
        assert_eq!(
            got,
            json!({"scope": "s", "key": "k", "string_value": r.marker(b"hunter2"),
                   "nested": [{"Password": r.marker(b"5"), "token": null, "other": "x"}]})
        );
        assert_eq!(recorded_field(&got, "key"), Some("k"));
        assert!(!got.to_string().contains("hunter2"));
    }

    #[test]
    fn form_fields_are_replaced_by_their_decoded_value() {
        let r = Redactor::new();
        let form = "grant_type=urn%3Aietf%3Atoken-exchange&subject_token=id%2Etoken\
                    &client_id=gha&client_secret=s+1&scope=all-apis";
        let got = r.body(form.as_bytes(), Some("application/x-www-form-urlencoded"));
        let expected = format!(
            "grant_type=urn%3Aietf%3Atoken-exchange&subject_token={}\
             &client_id=gha&client_secret={}&scope=all-apis",
            r.marker(b"id.token"),
            r.marker(b"s 1")
        );
        assert_eq!(got, Some(Value::String(expected.clone())));
        let recorded = Value::String(expected);
        let token = r.marker(b"id.token");
        assert_eq!(
            recorded_field(&recorded, "subject_token"),
            Some(token.as_str())
        );
        assert_eq!(recorded_field(&recorded, "client_id"), Some("gha"));
        // The same rule for a query string.
        let query = r.form("scope=s&key=k&token=abc");
        assert_eq!(query, format!("scope=s&key=k&token={}", r.marker(b"abc")));
    }

    #[test]
    fn other_text_is_kept_unless_it_mentions_a_secret_field() {
        let r = Redactor::new();
        assert_eq!(r.body(b"", None), None);
        assert_eq!(r.body(b"plain text", None), Some(json!("plain text")));
        let broken = br#"{"scope": "s", "string_value": "hunter2""#;
        assert_eq!(
            r.body(broken, Some("application/json")),
            Some(Value::String(r.marker(broken)))
        );
        // Not a form by its content type: the field name is enough.
        let form = b"client_secret=abc";
        assert_eq!(
            r.body(form, Some("text/plain")),
            Some(Value::String(r.marker(form)))
        );
    }
}
