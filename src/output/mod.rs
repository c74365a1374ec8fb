//! Output formats: pure functions from rows to bytes. Commands hand over typed
//! rows; this layer decides how they look. It knows nothing about HTTP.

mod csv_format;
mod json_format;
mod table_format;

use serde::Serialize;

pub use csv_format::render_csv;
pub use json_format::render_json;
pub use table_format::render_table;

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
}

/// Terminal facts the table needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// stdout is a terminal: draw borders with box characters and fit the width.
    pub terminal: bool,
    /// Colour and bold are allowed (a terminal, and NO_COLOR not set).
    pub color: bool,
}

/// A row type: its JSON form comes from `Serialize`; its columns from here.
pub trait Row: Serialize {
    /// Column names, used as the CSV header and the table header.
    const HEADERS: &'static [&'static str];
    /// Machine-readable cells (CSV): exact values, empty for absent.
    fn cells(&self) -> Vec<String>;
    /// Human-readable cells (table); by default the CSV cells.
    fn display_cells(&self) -> Vec<String> {
        self.cells()
    }
}

/// Renders rows in the chosen format. For a table with no rows it returns nothing:
/// the caller prints its own sentence on stderr.
pub fn render<R: Row>(format: Format, rows: &[R], style: Style) -> Vec<u8> {
    match format {
        Format::Table if rows.is_empty() => Vec::new(),
        Format::Table => {
            render_table(R::HEADERS, rows.iter().map(Row::display_cells), style).into_bytes()
        }
        Format::Json => render_json(&rows),
        Format::Csv => render_csv(R::HEADERS, rows.iter().map(Row::cells)),
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

    fn rows() -> Vec<R> {
        vec![
            R {
                a: "x,y \"q\"".into(),
                b: Some(1),
            },
            R {
                a: "z".into(),
                b: None,
            },
        ]
    }

    #[test]
    fn json_is_one_document() {
        let out = String::from_utf8(render(Format::Json, &rows(), Style::default())).unwrap();
        assert_eq!(out, "[\n  {\n    \"a\": \"x,y \\\"q\\\"\",\n    \"b\": 1\n  },\n  {\n    \"a\": \"z\",\n    \"b\": null\n  }\n]\n");
        let empty: Vec<R> = vec![];
        assert_eq!(render(Format::Json, &empty, Style::default()), b"[]\n");
    }

    #[test]
    fn csv_quotes_per_rfc4180() {
        let out = String::from_utf8(render(Format::Csv, &rows(), Style::default())).unwrap();
        assert_eq!(out, "a,b\n\"x,y \"\"q\"\"\",1\nz,\n");
        let empty: Vec<R> = vec![];
        assert_eq!(render(Format::Csv, &empty, Style::default()), b"a,b\n");
    }

    #[test]
    fn table_plain_when_piped() {
        let out = String::from_utf8(render(Format::Table, &rows(), Style::default())).unwrap();
        assert_eq!(out, "A         B\nx,y \"q\"   1\nz\n");
        let empty: Vec<R> = vec![];
        assert!(render(Format::Table, &empty, Style::default()).is_empty());
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
