//! Typed rows, and [`Rows`]: rows of any type, ready for every format.

use serde::Serialize;

use super::render_json;

/// A row type: its JSON form comes from `Serialize`; its columns from here.
pub trait Row: Serialize {
    /// Column names, used as the CSV header.
    const HEADERS: &'static [&'static str];
    /// Column names of the table for people; by default [`Row::HEADERS`].
    const DISPLAY_HEADERS: &'static [&'static str] = Self::HEADERS;
    /// Machine-readable cells (CSV): exact values, empty for absent.
    fn cells(&self) -> Vec<String>;
    /// Human-readable cells (table), one per [`Row::DISPLAY_HEADERS`]; by
    /// default the CSV cells.
    fn display_cells(&self) -> Vec<String> {
        self.cells()
    }
    /// The official CLI's text columns for this listing, when it has a
    /// template for it (`-o text`); `None`: it prints JSON.
    const TEXT_HEADERS: Option<&'static [&'static str]> = None;
    /// The cells of those columns.
    fn text_cells(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Rows for every format: CSV header and cells, table header and cells, and
/// the JSON document (rendered from the typed rows, so fields keep their order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    pub headers: Vec<String>,
    pub cells: Vec<Vec<String>>,
    pub display_headers: Vec<String>,
    pub display_cells: Vec<Vec<String>>,
    /// The rows as one JSON array.
    pub json: Vec<u8>,
    /// The first row as one JSON object (for a single record).
    pub json_first: Option<Vec<u8>>,
    /// The official CLI's text columns and cells (`-o text`), when it has them.
    pub text: Option<(Vec<String>, Vec<Vec<String>>)>,
    /// Said on stderr instead of an empty table (e.g. "Scope 's' has no secrets.").
    pub empty: String,
}

impl Rows {
    /// Rows of a [`Row`] type.
    pub fn of<R: Row>(rows: &[R], empty: impl Into<String>) -> Self {
        Rows {
            headers: R::HEADERS.iter().map(|h| h.to_string()).collect(),
            cells: rows.iter().map(Row::cells).collect(),
            display_headers: R::DISPLAY_HEADERS.iter().map(|h| h.to_string()).collect(),
            display_cells: rows.iter().map(Row::display_cells).collect(),
            json: render_json(rows),
            json_first: rows.first().map(render_json),
            text: R::TEXT_HEADERS.map(|h| {
                (
                    h.iter().map(|s| s.to_string()).collect(),
                    rows.iter().map(Row::text_cells).collect(),
                )
            }),
            empty: empty.into(),
        }
    }

    /// Rows whose columns are decided at run time: `rows` gives the JSON,
    /// `headers`/`cells` the CSV, `display_headers`/`display_cells` the table.
    pub fn custom<T: Serialize>(
        rows: &[T],
        headers: &[&str],
        cells: Vec<Vec<String>>,
        display_headers: &[&str],
        display_cells: Vec<Vec<String>>,
    ) -> Self {
        Rows {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            cells,
            display_headers: display_headers.iter().map(|h| h.to_string()).collect(),
            display_cells,
            json: render_json(rows),
            json_first: rows.first().map(render_json),
            text: None,
            empty: String::new(),
        }
    }

    pub fn with_empty(mut self, empty: impl Into<String>) -> Self {
        self.empty = empty.into();
        self
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
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
        const DISPLAY_HEADERS: &'static [&'static str] = &["a"];
        fn cells(&self) -> Vec<String> {
            vec![
                self.a.clone(),
                self.b.map(|b| b.to_string()).unwrap_or_default(),
            ]
        }
        fn display_cells(&self) -> Vec<String> {
            vec![self.a.to_uppercase()]
        }
    }

    #[test]
    fn rows_keep_every_form() {
        let rows = Rows::of(
            &[R {
                a: "x".into(),
                b: None,
            }],
            "none",
        );
        assert_eq!(rows.headers, ["a", "b"]);
        assert_eq!(rows.cells, [["x", ""]]);
        assert_eq!(rows.display_headers, ["a"]);
        assert_eq!(rows.display_cells, [["X"]]);
        assert_eq!(
            String::from_utf8(rows.json).unwrap(),
            "[\n  {\n    \"a\": \"x\",\n    \"b\": null\n  }\n]\n"
        );
    }
}
