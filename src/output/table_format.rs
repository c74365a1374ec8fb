use comfy_table::{presets, Attribute, Cell, ContentArrangement, Table};

use super::Style;

/// A table for people. On a terminal: light borders, bold header, fitted to the
/// width. Piped: plain aligned columns with an upper-case header, easy to `grep`
/// and `awk`, with no escape codes.
pub fn render_table(
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    style: Style,
) -> String {
    let mut table = Table::new();
    if style.terminal {
        table.load_style(presets::UTF8_HORIZONTAL_ONLY);
        table.set_content_arrangement(ContentArrangement::Dynamic);
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
            let c = Cell::new(h.to_uppercase());
            if style.color {
                c.add_attribute(Attribute::Bold)
            } else {
                c
            }
        })
        .collect();
    table.set_header(header);
    for row in rows {
        table.add_row(row);
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
