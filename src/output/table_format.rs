use comfy_table::{
    presets, Attribute, Cell, ColumnConstraint, ContentArrangement, LineStyle, Table, TableStyle,
};
use unicode_width::UnicodeWidthStr;

use super::{inert, Style, DEFAULT_WIDTH};

/// On a terminal: a rule under the header, none between rows.
const TERMINAL: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction('─'));

/// A table for people. On a terminal: a rule under a bold header, fitted to
/// the width ([`fit`]: columns empty in every row left out, single-word
/// values never wrapped, the longest of them cut with `…` when the row does
/// not fit). Piped: every column, every value whole, plain aligned columns
/// with an upper-case header, easy to `grep` and `awk`, with no escape codes.
pub fn render_table<H: AsRef<str>>(
    headers: &[H],
    rows: impl Iterator<Item = Vec<String>>,
    style: Style,
) -> String {
    let mut table = Table::new();
    let mut headers: Vec<String> = headers.iter().map(|h| h.as_ref().to_uppercase()).collect();
    // Text from the server must not drive the terminal (escape sequences).
    let mut rows: Vec<Vec<String>> = rows
        .map(|row| row.iter().map(|cell| printable(cell)).collect())
        .collect();
    let mut atoms = Vec::new();
    if style.terminal {
        table.load_style(TERMINAL);
        table.set_content_arrangement(ContentArrangement::Dynamic);
        // Never the library's own guess: a terminal that says it has 0
        // columns would get one-character columns.
        let width = style.width.filter(|w| *w > 0).unwrap_or(DEFAULT_WIDTH);
        table.set_width(width);
        let layout = fit(&headers, &rows, usize::from(width));
        headers = layout.keep.iter().map(|&j| headers[j].clone()).collect();
        rows = rows
            .into_iter()
            .map(|row| {
                layout
                    .keep
                    .iter()
                    .zip(&layout.cut)
                    .map(|(&j, cut)| match cut {
                        Some(w) => cut_to(&row[j], *w),
                        None => row[j].clone(),
                    })
                    .collect()
            })
            .collect();
        atoms = layout.atom;
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
            let c = Cell::new(h);
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
    for (column, atom) in table.column_iter_mut().zip(atoms) {
        if atom {
            // Fitted by `fit`: a key, a host or a timestamp is never wrapped.
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
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

/// How a table fits a terminal's width.
#[derive(Debug, PartialEq, Eq)]
struct Fit {
    /// The columns shown: every column that has a value in some row.
    keep: Vec<usize>,
    /// For each shown column, the width its values are cut to (with `…`).
    cut: Vec<Option<usize>>,
    /// For each shown column, whether it holds single words (no spaces):
    /// those are never wrapped, only cut.
    atom: Vec<bool>,
}

/// The narrowest a single-word column is cut to (its header permitting).
const MIN_CUT: usize = 12;
/// What a column of sentences keeps when single-word columns are cut for it.
const MIN_WORDS: usize = 20;

/// Lays out a terminal table: leaves out the columns that are empty in
/// every row, and when the single-word columns (keys, names, hosts) and a
/// fair share for the sentence columns (reasons, comments, which wrap at
/// words) do not fit `width`, cuts the widest single-word columns down to a
/// common width, never below [`MIN_CUT`] or their header, and never a
/// timestamp.
fn fit(headers: &[String], rows: &[Vec<String>], width: usize) -> Fit {
    fn cell(row: &[String], j: usize) -> &str {
        row.get(j).map(String::as_str).unwrap_or("")
    }
    let mut keep: Vec<usize> = (0..headers.len())
        .filter(|&j| rows.is_empty() || rows.iter().any(|r| !cell(r, j).is_empty()))
        .collect();
    if keep.is_empty() {
        keep = (0..headers.len()).collect();
    }
    let widest = |j: usize| {
        rows.iter()
            .map(|r| cell(r, j).width())
            .max()
            .unwrap_or(0)
            .max(headers[j].width())
    };
    let atom: Vec<bool> = keep
        .iter()
        .map(|&j| rows.iter().all(|r| !cell(r, j).contains(' ')))
        .collect();
    let date = |j: usize| {
        rows.iter().all(|r| {
            let c = cell(r, j).as_bytes();
            c.is_empty() || (c.len() >= 10 && c[..4].iter().all(u8::is_ascii_digit) && c[4] == b'-')
        })
    };
    // Each column has one space of padding on each side, and one more
    // between two columns.
    let words: usize = keep
        .iter()
        .zip(&atom)
        .filter(|(_, a)| !**a)
        .map(|(&j, _)| widest(j).min(MIN_WORDS.max(headers[j].width())))
        .sum();
    let budget = width.saturating_sub((3 * keep.len()).saturating_sub(1) + words);
    let atoms: Vec<(usize, usize, usize)> = keep
        .iter()
        .zip(&atom)
        .filter(|(_, a)| **a)
        .map(|(&j, _)| {
            let w = widest(j);
            let floor = if date(j) {
                w
            } else {
                MIN_CUT.max(headers[j].width()).min(w)
            };
            (j, w, floor)
        })
        .collect();
    let total = |level: usize| -> usize {
        atoms
            .iter()
            .map(|&(_, w, floor)| w.min(level.max(floor)))
            .sum()
    };
    let mut cut = vec![None; keep.len()];
    let most = atoms.iter().map(|a| a.1).max().unwrap_or(0);
    if total(most) > budget {
        // The highest common width at which the single-word columns fit.
        let (mut lo, mut hi) = (0, most);
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if total(mid) <= budget {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        for &(j, w, floor) in &atoms {
            let allowed = w.min(lo.max(floor));
            if allowed < w {
                let at = keep.iter().position(|&k| k == j).expect("a kept column");
                cut[at] = Some(allowed);
            }
        }
    }
    Fit { keep, cut, atom }
}

/// `text` cut to `width` columns, its end shown as `…`.
fn cut_to(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
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
    use super::*;

    fn terminal(width: u16) -> Style {
        Style {
            terminal: true,
            color: false,
            width: Some(width),
        }
    }

    fn strings(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    const LONG_KEY: &str = "a-very-long-key-name-that-goes-on-and-on-and-on-for-ever-and-ever-more";
    const WHEN: &str = "2026-11-29T10:00:00+01:00";

    #[test]
    fn a_terminal_table_has_one_rule_and_no_empty_column() {
        let rows = strings(&[&["db-password", WHEN, ""], &["api-key", WHEN, ""]]);
        let out = render_table(
            &["key", "last_updated", "keyvault_dns"],
            rows.into_iter(),
            terminal(80),
        );
        let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
        assert_eq!(
            lines,
            [
                " KEY           LAST_UPDATED",
                "─────────────────────────────────────────",
                " db-password   2026-11-29T10:00:00+01:00",
                " api-key       2026-11-29T10:00:00+01:00",
            ],
            "{out}"
        );
    }

    #[test]
    fn long_keys_are_cut_on_a_terminal_and_timestamps_never_wrap() {
        let rows = strings(&[&[LONG_KEY, WHEN], &["short", WHEN]]);
        let out = render_table(
            &["key", "last_updated"],
            rows.clone().into_iter(),
            terminal(60),
        );
        let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
        assert_eq!(lines.len(), 4, "one line per row:\n{out}");
        assert!(lines.iter().all(|l| l.width() <= 60), "{out}");
        assert!(
            lines[2].starts_with(" a-very-long-key-name-that-goe…   2026-11-29T10:00:00+01:00"),
            "{out}"
        );
        // Piped: whole values, whatever the width.
        let piped = render_table(&["key", "last_updated"], rows.into_iter(), Style::default());
        assert!(piped.contains(LONG_KEY), "{piped}");
    }

    #[test]
    fn sentences_wrap_at_words_and_keep_their_share() {
        let reason = "cannot read the token file /home/someone/.databricks/token-cache.json: permission denied";
        let rows = strings(&[
            &[
                "DEV",
                "https://adb-1234567890123456.7.azuredatabricks.net",
                "pat",
                "false",
                reason,
            ],
            &[
                "PROD",
                "https://dbc-abcdef.cloud.databricks.com",
                "oauth-m2m",
                "true",
                "",
            ],
        ]);
        let out = render_table(
            &["name", "host", "auth_type", "valid", "reason"],
            rows.into_iter(),
            terminal(80),
        );
        assert!(out.lines().all(|l| l.width() <= 80), "{out}");
        // Every word of the reason is there, whole.
        let text: String = out.split_whitespace().collect::<Vec<_>>().join(" ");
        for word in ["cannot", "read", "token", "permission", "denied"] {
            assert!(text.contains(word), "{word}: {out}");
        }
        assert!(out.contains("https://adb-12345"), "{out}");
        assert!(out.contains('…'), "the host is cut, not wrapped: {out}");
    }

    #[test]
    fn fit_leaves_out_empty_columns_and_cuts_the_widest_words_first() {
        let headers: Vec<String> = ["key", "when", "empty"].map(String::from).to_vec();
        let rows = strings(&[&[LONG_KEY, WHEN, ""]]);
        let f = fit(&headers, &rows, 200);
        assert_eq!(
            f,
            Fit {
                keep: vec![0, 1],
                cut: vec![None, None],
                atom: vec![true, true]
            }
        );
        let f = fit(&headers, &rows, 50);
        // 50 - 5 of padding - 25 for the timestamp leaves 20 for the key.
        assert_eq!(f.cut, vec![Some(20), None]);
        // Never below the floor, however narrow.
        assert_eq!(fit(&headers, &rows, 10).cut, vec![Some(MIN_CUT), None]);
        // No rows: every column, so that the header shows.
        assert_eq!(fit(&headers, &[], 80).keep, vec![0, 1, 2]);
    }

    #[test]
    fn cut_to_counts_columns() {
        assert_eq!(cut_to("abcdef", 6), "abcdef");
        assert_eq!(cut_to("abcdef", 4), "abc…");
        assert_eq!(cut_to("日本語テキスト", 6), "日本…");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(super::printable("ev\x1b[31mil"), "ev\\u{1b}[31mil");
        assert_eq!(super::printable("plain name"), "plain name");
        assert_eq!(super::printable("a\u{202e}b"), "a\\u{202e}b");
        let long = super::printable(&"x".repeat(5000));
        assert_eq!(long.chars().count(), super::MAX_CELL_CHARS + 1);
    }
}
