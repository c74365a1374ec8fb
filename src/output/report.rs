//! What a command returns: a [`Report`] with a [`Body`] of data, notes for
//! people, and the failure it ends with, if any.

use base64::Engine;
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretBox};
use serde::Serialize;

use super::{render_csv, render_json, Format, Rows};
use crate::failure::Failure;

/// A command's result.
pub struct Report {
    /// Warnings, printed first on stderr (never silenced).
    pub warnings: Vec<String>,
    /// Lines for people, printed on stderr before the body (not with --quiet).
    pub preface: Vec<String>,
    pub body: Body,
    /// Lines for people, printed on stderr after the body (not with --quiet).
    pub notes: Vec<String>,
    /// The command failed after producing this report (a bulk command with
    /// failed keys, `auth describe` of an unusable configuration): the report
    /// is printed, then the failure.
    pub failure: Option<Failure>,
}

impl Report {
    pub fn new(body: Body) -> Self {
        Report {
            warnings: Vec::new(),
            preface: Vec::new(),
            body,
            notes: Vec::new(),
            failure: None,
        }
    }

    pub fn rows(rows: Rows) -> Self {
        Report::new(Body::Rows(rows))
    }

    /// What a mutating command did: `sentence` for tables, the outcome otherwise.
    pub fn outcome(outcome: impl Columns, sentence: impl Into<String>) -> Self {
        let (headers, cells) = outcome.columns();
        Report::new(Body::Outcome {
            json: render_json(&outcome),
            headers,
            cells,
            sentence: sentence.into(),
        })
    }

    pub fn raw(bytes: Vec<u8>) -> Self {
        Report::new(Body::Raw(Zeroizing::new(bytes)))
    }

    pub fn preface(mut self, lines: Vec<String>) -> Self {
        self.preface.extend(lines);
        self
    }

    pub fn warnings(mut self, lines: Vec<String>) -> Self {
        self.warnings.extend(lines);
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn failing(mut self, failure: Option<Failure>) -> Self {
        self.failure = failure;
        self
    }
}

/// The data of a report.
pub enum Body {
    /// Nothing for stdout.
    Nothing,
    /// Rows: a table, a JSON array, CSV.
    Rows(Rows),
    /// One record: a one-row table or CSV, one JSON object.
    Record(Rows),
    /// A document whose JSON form is richer than its rows (`auth describe`).
    Document { json: Vec<u8>, rows: Rows },
    /// What a mutating command did: a sentence on stderr for tables, an
    /// object (JSON) or a row (CSV) on stdout.
    Outcome {
        json: Vec<u8>,
        headers: Vec<&'static str>,
        cells: Vec<String>,
        sentence: String,
    },
    /// Several tables, each under a heading (`migrate`): its own JSON
    /// document; for tables, each non-empty one under its heading; for CSV,
    /// each non-empty one with its header row, an empty line between them.
    Sections {
        json: Vec<u8>,
        sections: Vec<(String, Rows)>,
    },
    /// A secret's value (`get`): its exact bytes for tables.
    Secret(SecretOutput),
    /// Bytes as they are (a completion script, a manual page, an export).
    Raw(Zeroizing<Vec<u8>>),
}

/// A record whose JSON form comes from `Serialize` and whose CSV columns are
/// its fields that are set, in order.
pub trait Columns: Serialize {
    /// CSV header and cells.
    fn columns(&self) -> (Vec<&'static str>, Vec<String>);
}

/// The set fields of a serialized record, in `order`, as CSV header and cells.
pub fn set_columns<T: Serialize>(
    record: &T,
    order: &[&'static str],
) -> (Vec<&'static str>, Vec<String>) {
    let value = serde_json::to_value(record).expect("outcome serializes");
    let mut headers = Vec::new();
    let mut cells = Vec::new();
    for name in order {
        if let Some(v) = value.get(name).filter(|v| !v.is_null()) {
            headers.push(*name);
            cells.push(match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        }
    }
    (headers, cells)
}

/// What a mutating command on a scope did, as printed with `-o json` / `-o csv`.
#[derive(Debug, Default, Serialize)]
pub struct Outcome {
    /// created, deleted, stored, exists (already there), absent (already gone).
    pub result: &'static str,
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backend_type: Option<String>,
    /// For put: `string` or `bytes`, and the value's size (never the value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<usize>,
}

impl Outcome {
    pub fn new(result: &'static str, scope: &str) -> Self {
        Outcome {
            result,
            scope: scope.to_string(),
            ..Outcome::default()
        }
    }
}

impl Columns for Outcome {
    fn columns(&self) -> (Vec<&'static str>, Vec<String>) {
        set_columns(
            self,
            &[
                "result",
                "scope",
                "key",
                "principal",
                "permission",
                "backend_type",
                "value_type",
                "bytes",
            ],
        )
    }
}

/// A secret's value and the fields that name it (never secret themselves).
pub struct SecretOutput {
    /// Fields before the value, in order (e.g. scope and key).
    pub fields: Vec<(&'static str, serde_json::Value)>,
    pub value: SecretBox<Vec<u8>>,
    /// JSON (and text) as the official CLI's `get-secret` prints it: the
    /// fields, then `"value"` always base64.
    pub official: bool,
}

impl SecretOutput {
    /// Tables: the exact bytes, with a newline only on a terminal. JSON: the
    /// fields and `value` (UTF-8) or `value_base64`. CSV: the same as a row.
    /// Every rendering holds the value, and is wiped when dropped.
    pub fn render(&self, format: Format, terminal: bool) -> Zeroizing<Vec<u8>> {
        let bytes = self.value.expose_secret();
        let text = std::str::from_utf8(bytes).ok();
        let encoded = || Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(bytes));
        match format {
            Format::Json | Format::Text if self.official => {
                let b64 = encoded();
                Zeroizing::new(render_json(&Ordered {
                    fields: &self.fields,
                    last: ("value", b64.as_str()),
                }))
            }
            Format::Table | Format::Text => {
                let mut out = Zeroizing::new(Vec::with_capacity(bytes.len() + 1));
                out.extend_from_slice(bytes);
                if terminal {
                    out.push(b'\n');
                }
                out
            }
            Format::Json => {
                let b64 = match text {
                    Some(_) => Zeroizing::new(String::new()),
                    None => encoded(),
                };
                let (name, value) = match text {
                    Some(t) => ("value", t),
                    None => ("value_base64", b64.as_str()),
                };
                Zeroizing::new(render_json(&Ordered {
                    fields: &self.fields,
                    last: (name, value),
                }))
            }
            Format::Csv => {
                let mut headers: Vec<&str> = self.fields.iter().map(|(n, _)| *n).collect();
                let mut row: Vec<String> = self.fields.iter().map(|(_, v)| cell(v)).collect();
                match text {
                    Some(t) => {
                        headers.push("value");
                        row.push(t.to_string());
                    }
                    None => {
                        headers.push("value_base64");
                        row.push(encoded().to_string());
                    }
                }
                let out = Zeroizing::new(render_csv(&headers, std::iter::once(row.clone())));
                for mut c in row {
                    secrecy::zeroize::Zeroize::zeroize(&mut c);
                }
                out
            }
        }
    }
}

fn cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A JSON object of the fields in their order, then one more string field;
/// serialized straight from borrowed data, so no copy of the value is made.
struct Ordered<'a> {
    fields: &'a [(&'static str, serde_json::Value)],
    last: (&'static str, &'a str),
}

impl Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.fields.len() + 1))?;
        for (name, value) in self.fields {
            map.serialize_entry(name, value)?;
        }
        map.serialize_entry(self.last.0, self.last.1)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(bytes: &[u8]) -> SecretOutput {
        SecretOutput {
            fields: vec![("scope", "s".into()), ("key", "k".into())],
            value: SecretBox::new(Box::new(bytes.to_vec())),
            official: false,
        }
    }

    fn text(z: Zeroizing<Vec<u8>>) -> String {
        String::from_utf8(z.to_vec()).unwrap()
    }

    #[test]
    fn raw_bytes_with_a_newline_only_on_a_terminal() {
        assert_eq!(secret(b"v").render(Format::Table, false).as_slice(), b"v");
        assert_eq!(secret(b"v").render(Format::Table, true).as_slice(), b"v\n");
        assert_eq!(
            secret(&[0, 255]).render(Format::Table, false).as_slice(),
            &[0, 255]
        );
    }

    #[test]
    fn json_and_csv_name_the_secret() {
        assert_eq!(
            text(secret(b"v").render(Format::Json, false)),
            "{\n  \"scope\": \"s\",\n  \"key\": \"k\",\n  \"value\": \"v\"\n}\n"
        );
        assert_eq!(
            text(secret(&[0, 255]).render(Format::Json, false)),
            "{\n  \"scope\": \"s\",\n  \"key\": \"k\",\n  \"value_base64\": \"AP8=\"\n}\n"
        );
        assert_eq!(
            text(secret(b"a,b").render(Format::Csv, false)),
            "scope,key,value\ns,k,\"a,b\"\n"
        );
    }
}
