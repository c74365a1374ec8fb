use comfy_table::{presets, Attribute, Cell, ContentArrangement, Table};

use super::{Style, DEFAULT_WIDTH};

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

/// Control characters shown as `\u{..}` escapes, so a name cannot move the cursor,
/// change colours or fake lines.
fn printable(cell: &str) -> String {
    if !cell.chars().any(char::is_control) {
        return cell.to_string();
    }
    cell.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(super::printable("ev\x1b[31mil"), "ev\\u{1b}[31mil");
        assert_eq!(super::printable("plain name"), "plain name");
    }
}
