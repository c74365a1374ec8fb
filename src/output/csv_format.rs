/// A header row and one row per record, quoted per RFC 4180 by the csv crate.
/// Cells are made [`inert`](super::inert): a listing's names come from a
/// server, and CSV is read on terminals too.
pub fn render_csv<H: AsRef<[u8]>>(
    headers: &[H],
    rows: impl Iterator<Item = Vec<String>>,
) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(headers).expect("writing to memory");
    for row in rows {
        w.write_record(row.iter().map(|c| super::inert(c).into_owned()))
            .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}
