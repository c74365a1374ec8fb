use serde::Serialize;

/// Pretty JSON and a final newline: exactly one document.
pub fn render_json<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).expect("output rows serialize");
    out.push(b'\n');
    out
}
