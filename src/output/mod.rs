//! The output layer: every command returns a [`Report`]; this module renders
//! it in the chosen format (table, JSON or CSV; a secret's raw bytes for `get`)
//! and writes it with the one closed-pipe rule ([`crate::context::Io::write_stdout`]).
//! Rendering is pure (bytes from data); it knows nothing about HTTP.

mod csv_format;
mod json_format;
#[cfg(test)]
mod props;
mod report;
mod rows;
mod table_format;
mod text_format;

pub use csv_format::render_csv;
pub use json_format::render_json;
pub use report::{set_columns, Body, Columns, Outcome, Report, SecretOutput};
pub use rows::{Row, Rows};
pub use table_format::render_table;
pub use text_format::render_text;

pub use crate::terminal::inert;

use secrecy::zeroize::Zeroizing;

use crate::failure::Failure;
use crate::terminal::Io;

/// `-o/--output`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people (the default).
    #[default]
    Table,
    /// One JSON document on stdout.
    Json,
    /// A header row and RFC 4180 rows.
    Csv,
    /// As the official `databricks` CLI prints it: aligned columns for the
    /// listings it has a template for (scopes, secrets), JSON otherwise.
    Text,
}

/// Terminal facts the table needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// stdout is a terminal: draw borders with box characters and fit the width.
    pub terminal: bool,
    /// Colour and bold are allowed (a terminal, and NO_COLOR not set).
    pub color: bool,
    /// The terminal's width in columns, when it tells one; tables on a
    /// terminal that does not (or says 0) are fitted to [`DEFAULT_WIDTH`].
    pub width: Option<u16>,
}

/// The width tables are fitted to on a terminal that tells none.
pub const DEFAULT_WIDTH: u16 = 80;

/// What a body prints: bytes for stdout, and a sentence for stderr (a
/// mutating command's confirmation, or the note for an empty table).
pub struct Rendered {
    pub stdout: Zeroizing<Vec<u8>>,
    pub stderr: Option<String>,
}

/// Renders a body in `format`. Pure: the same body gives the same bytes.
pub fn render(body: &Body, format: Format, style: Style) -> Rendered {
    let stdout = |bytes: Vec<u8>| Rendered {
        stdout: Zeroizing::new(bytes),
        stderr: None,
    };
    match body {
        Body::Nothing => stdout(Vec::new()),
        Body::Raw(bytes) => Rendered {
            stdout: bytes.clone(),
            stderr: None,
        },
        Body::Rows(rows) if rows.is_empty() && format == Format::Table => Rendered {
            stdout: Zeroizing::new(Vec::new()),
            stderr: Some(rows.empty.clone()).filter(|s| !s.is_empty()),
        },
        Body::Rows(rows) => stdout(render_rows(rows, format, style, false)),
        Body::Record(rows) => stdout(render_rows(rows, format, style, true)),
        Body::Document { json, rows } => match format {
            Format::Json | Format::Text => stdout(json.clone()),
            _ => stdout(render_rows(rows, format, style, false)),
        },
        Body::Outcome {
            json,
            headers,
            cells,
            sentence,
        } => match format {
            // The official CLI prints nothing for these in text mode: the sentence is ours.
            Format::Table | Format::Text => Rendered {
                stdout: Zeroizing::new(Vec::new()),
                stderr: Some(sentence.clone()),
            },
            Format::Json => stdout(json.clone()),
            Format::Csv => stdout(render_csv(headers, std::iter::once(cells.clone()))),
        },
        Body::Sections { json, sections } => match format {
            Format::Json | Format::Text => stdout(json.clone()),
            _ => {
                let mut out = Vec::new();
                for (heading, rows) in sections.iter().filter(|(_, r)| !r.is_empty()) {
                    if !out.is_empty() {
                        out.push(b'\n');
                    }
                    if format == Format::Table {
                        out.extend_from_slice(format!("{heading}\n").as_bytes());
                    }
                    out.extend(render_rows(rows, format, style, false));
                }
                stdout(out)
            }
        },
        Body::Secret(secret) => Rendered {
            stdout: secret.render(format, style.terminal),
            stderr: None,
        },
    }
}

fn render_rows(rows: &Rows, format: Format, style: Style, one: bool) -> Vec<u8> {
    match format {
        Format::Table => render_table(
            &rows.display_headers,
            rows.display_cells.iter().cloned(),
            style,
        )
        .into_bytes(),
        Format::Json => match (&rows.json_first, one) {
            (Some(first), true) => first.clone(),
            _ => rows.json.clone(),
        },
        Format::Csv => render_csv(&rows.headers, rows.cells.iter().cloned()),
        Format::Text => match (&rows.text, one) {
            (Some((headers, cells)), false) => render_text(headers, cells),
            _ => render_rows(rows, Format::Json, style, one),
        },
    }
}

/// Writes a report: its warnings and preface on stderr, its body on stdout
/// (and its sentence on stderr), then its notes; then returns the failure it
/// carries, if any. `quiet` silences everything on stderr but warnings.
pub fn emit(
    io: &Io,
    format: Format,
    style: Style,
    quiet: bool,
    report: Report,
) -> Result<(), Failure> {
    let info = |line: &str| {
        if !quiet {
            io.write_stderr(&format!("{line}\n"));
        }
    };
    for line in &report.warnings {
        io.write_stderr(&format!("warning: {line}\n"));
    }
    for line in &report.preface {
        info(line);
    }
    let rendered = render(&report.body, format, style);
    io.write_stdout(&rendered.stdout)?;
    if let Some(sentence) = rendered.stderr {
        info(&sentence);
    }
    for note in &report.notes {
        info(note);
    }
    match report.failure {
        Some(f) => Err(f),
        None => Ok(()),
    }
}

/// A size for people: `1 byte`, `12 bytes`.
pub fn bytes(n: usize) -> String {
    if n == 1 {
        "1 byte".to_string()
    } else {
        format!("{n} bytes")
    }
}

/// Milliseconds since the epoch as RFC 3339 in UTC, e.g. `2024-05-01T12:00:00.000Z`.
pub fn rfc3339_utc(ms: i64) -> Option<String> {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// Milliseconds since the epoch as RFC 3339 in the local time zone, to the second.
pub fn rfc3339_local(ms: i64) -> Option<String> {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| {
        t.with_timezone(&chrono::Local)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    struct R {
        a: String,
        b: Option<i64>,
    }

    impl Row for R {
        const HEADERS: &'static [&'static str] = &["a", "b"];
        fn cells(&self) -> Vec<String> {
            vec![
                self.a.clone(),
                self.b.map(|b| b.to_string()).unwrap_or_default(),
            ]
        }
    }

    fn rows() -> Body {
        Body::Rows(Rows::of(
            &[
                R {
                    a: "x,y \"q\"".into(),
                    b: Some(1),
                },
                R {
                    a: "z".into(),
                    b: None,
                },
            ],
            "no rows",
        ))
    }

    fn empty() -> Body {
        Body::Rows(Rows::of::<R>(&[], "no rows"))
    }

    fn out(body: &Body, format: Format) -> String {
        String::from_utf8(render(body, format, Style::default()).stdout.to_vec()).unwrap()
    }

    #[test]
    fn json_is_one_document() {
        assert_eq!(out(&rows(), Format::Json), "[\n  {\n    \"a\": \"x,y \\\"q\\\"\",\n    \"b\": 1\n  },\n  {\n    \"a\": \"z\",\n    \"b\": null\n  }\n]\n");
        assert_eq!(out(&empty(), Format::Json), "[]\n");
    }

    #[test]
    fn csv_quotes_per_rfc4180() {
        assert_eq!(out(&rows(), Format::Csv), "a,b\n\"x,y \"\"q\"\"\",1\nz,\n");
        assert_eq!(out(&empty(), Format::Csv), "a,b\n");
    }

    #[test]
    fn table_plain_when_piped() {
        assert_eq!(
            out(&rows(), Format::Table),
            "A         B\nx,y \"q\"   1\nz\n"
        );
        let r = render(&empty(), Format::Table, Style::default());
        assert!(r.stdout.is_empty());
        assert_eq!(r.stderr.as_deref(), Some("no rows"));
    }

    #[test]
    fn a_record_is_one_json_object() {
        let body = Body::Record(Rows::of(
            &[R {
                a: "x".into(),
                b: None,
            }],
            "",
        ));
        assert_eq!(
            out(&body, Format::Json),
            "{\n  \"a\": \"x\",\n  \"b\": null\n}\n"
        );
    }

    #[test]
    fn outcomes_are_a_sentence_an_object_or_a_row() {
        let mut o = Outcome::new("deleted", "s");
        o.key = Some("k".into());
        let body = Report::outcome(o, "Deleted.").body;
        let r = render(&body, Format::Table, Style::default());
        assert!(r.stdout.is_empty());
        assert_eq!(r.stderr.as_deref(), Some("Deleted."));
        assert_eq!(out(&body, Format::Csv), "result,scope,key\ndeleted,s,k\n");
        assert_eq!(
            out(&body, Format::Json),
            "{\n  \"result\": \"deleted\",\n  \"scope\": \"s\",\n  \"key\": \"k\"\n}\n"
        );
    }

    #[test]
    fn sections_are_tables_under_headings() {
        let body = Body::Sections {
            json: b"{}\n".to_vec(),
            sections: vec![
                (
                    "First".into(),
                    match rows() {
                        Body::Rows(r) => r,
                        _ => unreachable!(),
                    },
                ),
                (
                    "Empty".into(),
                    match empty() {
                        Body::Rows(r) => r,
                        _ => unreachable!(),
                    },
                ),
                (
                    "Second".into(),
                    match rows() {
                        Body::Rows(r) => r,
                        _ => unreachable!(),
                    },
                ),
            ],
        };
        assert_eq!(out(&body, Format::Json), "{}\n");
        assert_eq!(
            out(&body, Format::Table),
            "First\nA         B\nx,y \"q\"   1\nz\n\nSecond\nA         B\nx,y \"q\"   1\nz\n"
        );
        assert_eq!(
            out(&body, Format::Csv),
            "a,b\n\"x,y \"\"q\"\"\",1\nz,\n\na,b\n\"x,y \"\"q\"\"\",1\nz,\n"
        );
    }

    #[test]
    fn timestamps() {
        assert_eq!(
            rfc3339_utc(1_700_000_000_123).unwrap(),
            "2023-11-14T22:13:20.123Z"
        );
        assert!(rfc3339_local(1_700_000_000_123)
            .unwrap()
            .starts_with("2023-11-1"));
    }
}
