//! Property tests: whatever text a server puts in a listing's cells, the
//! rendered table, CSV and JSON hold no character that drives a terminal, and
//! the JSON parses back to the same text.

use proptest::prelude::*;

use super::{render, Body, Format, Rows, Style};

fn cell() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<String>(),
        Just("\u{1b}[2J\u{1b}]0;owned\u{7}\u{9b}31m\u{202e}\u{2066}\r\n\u{2028}".to_string()),
        "[a-z0-9._-]{0,12}",
    ];
    prop::collection::vec(piece, 0..4).prop_map(|p| p.concat())
}

fn drives_a_terminal(c: char) -> bool {
    c != '\n' && (c.is_control() || crate::terminal::is_terminal_control(c))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn server_cells_render_inert(cells in prop::collection::vec((cell(), cell()), 1..4), terminal in any::<bool>()) {
        let rows: Vec<serde_json::Value> = cells
            .iter()
            .map(|(a, b)| serde_json::json!({"name": a, "comment": b}))
            .collect();
        let grid: Vec<Vec<String>> = cells.iter().map(|(a, b)| vec![a.clone(), b.clone()]).collect();
        let body = Body::Rows(Rows::custom(&rows, &["name", "comment"], grid.clone(), &["name", "comment"], grid));
        let style = Style { terminal, color: terminal, width: Some(60) };
        for format in [Format::Table, Format::Csv, Format::Json] {
            let out = render(&body, format, style).stdout;
            let text = String::from_utf8(out.to_vec()).unwrap();
            // Bold on a colour terminal is the table's own escape code: not server text.
            let text = text.replace("\u{1b}[1m", "").replace("\u{1b}[0m", "");
            prop_assert!(!text.chars().any(drives_a_terminal), "{format:?}: {text:?}");
            if format == Format::Json {
                let back: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
                prop_assert_eq!(back, rows.clone());
            }
        }
    }
}
