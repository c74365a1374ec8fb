/// A header row and one row per record, quoted per RFC 4180 by the csv crate.
pub fn render_csv<H: AsRef<[u8]>>(
    headers: &[H],
    rows: impl Iterator<Item = Vec<String>>,
) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(headers).expect("writing to memory");
    for row in rows {
        w.write_record(&row).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}
