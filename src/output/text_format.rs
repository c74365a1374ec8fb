//! `-o text`: what the official `databricks` CLI prints for a listing it has
//! a template for: a header line, then one line per row, the columns aligned
//! as Go's `text/tabwriter` aligns them there (`minwidth 0, tabwidth 4,
//! padding 2, padchar ' '`): every cell but the last of its line padded to its
//! column's widest cell plus two spaces.

/// The header and rows, aligned.
pub fn render_text<H: AsRef<str>>(headers: &[H], rows: &[Vec<String>]) -> Vec<u8> {
    let lines: Vec<Vec<&str>> = std::iter::once(headers.iter().map(AsRef::as_ref).collect())
        .chain(rows.iter().map(|r| r.iter().map(String::as_str).collect()))
        .collect();
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for line in &lines {
        for (i, cell) in line.iter().enumerate().take(line.len().saturating_sub(1)) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for line in &lines {
        for (i, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < line.len() {
                let pad = widths[i] + 2 - cell.chars().count();
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_like_go_tabwriter() {
        let out = render_text(
            &["Scope", "Backend Type"],
            &[
                vec!["my-app-secrets".into(), "DATABRICKS".into()],
                vec!["kv".into(), "AZURE_KEYVAULT".into()],
            ],
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Scope           Backend Type\nmy-app-secrets  DATABRICKS\nkv              AZURE_KEYVAULT\n"
        );
        assert_eq!(
            render_text(&["Key", "Last Updated Timestamp"], &[]),
            b"Key  Last Updated Timestamp\n"
        );
    }
}
