use comfy_table::{presets, Attribute, Cell, ContentArrangement, Table};

use super::{inert, Style, DEFAULT_WIDTH};

/// A table for people. On a terminal: light borders, bold header, fitted to the
/// width. Piped: plain aligned columns with an upper-case header, easy to `grep`
/// and `awk`, with no escape codes.
pub fn render_table<H: AsRef<str>>(
    headers: &[H],
    rows: impl Iterator<Item = Vec<String>>,
    style: Style,
) -> String {
    let mut table = Table::new();
    if style.terminal {
        table.load_style(presets::UTF8_HORIZONTAL_ONLY);
        table.set_content_arrangement(ContentArrangement::Dynamic);
        // Never the library's own guess: a terminal that says it has 0
        // columns would get one-character columns.
        let width = style.width.filter(|w| *w > 0).unwrap_or(DEFAULT_WIDTH);
        table.set_width(width);
    } else {
        table.load_style(presets::NOTHING);
        table.force_no_tty();
    }
    if !style.color {
        table.force_no_tty();
    }
    let header: Vec<Cell> = headers
        .iter()
        .map(|h| {
            let c = Cell::new(h.as_ref().to_uppercase());
            if style.color {
                c.add_attribute(Attribute::Bold)
            } else {
                c
            }
        })
        .collect();
    table.set_header(header);
    for row in rows {
        // Text from the server must not drive the terminal (escape sequences).
        table.add_row(row.iter().map(|cell| printable(cell)).collect::<Vec<_>>());
    }
    if !style.terminal {
        // NOTHING keeps one space of padding on each side; trim the left edge.
        for column in table.column_iter_mut() {
            column.set_padding((0, 3));
        }
        if let Some(last) = table.column_iter_mut().last() {
            last.set_padding((0, 0));
        }
    }
    let mut out = String::new();
    for line in table.lines() {
        out.push_str(if style.terminal {
            &line
        } else {
            line.trim_end()
        });
        out.push('\n');
    }
    out
}

/// Longest cell a table shows, in characters (`…` marks a cut): a table is
/// for people; CSV and JSON keep the whole text.
pub const MAX_CELL_CHARS: usize = 1000;

/// A cell fit for a terminal: inert ([`inert`]) and at most [`MAX_CELL_CHARS`].
fn printable(cell: &str) -> String {
    let cell = inert(cell);
    match cell.char_indices().nth(MAX_CELL_CHARS) {
        Some((at, _)) => format!("{}…", &cell[..at]),
        None => cell.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(super::printable("ev\x1b[31mil"), "ev\\u{1b}[31mil");
        assert_eq!(super::printable("plain name"), "plain name");
        assert_eq!(super::printable("a\u{202e}b"), "a\\u{202e}b");
        let long = super::printable(&"x".repeat(5000));
        assert_eq!(long.chars().count(), super::MAX_CELL_CHARS + 1);
    }
}
