use serde::Serialize;

/// Pretty JSON and a final newline: exactly one document. Strings hold every
/// character they had, but those that could drive a terminal or reorder what
/// it shows (DEL, C1 controls, text-direction marks, line separators) are
/// written as `\uXXXX` escapes, as serde_json already writes C0 controls: a
/// JSON reader gets the same text, a terminal shows it inert.
pub fn render_json<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Inert::default());
    value.serialize(&mut ser).expect("output rows serialize");
    out.push(b'\n');
    out
}

/// Whether a character is one serde_json leaves raw (it escapes C0) but a
/// terminal acts on.
fn needs_escape(c: char) -> bool {
    c >= '\u{7f}' && crate::terminal::is_terminal_control(c)
}

/// serde_json's pretty formatter, with [`needs_escape`] characters escaped.
#[derive(Default)]
struct Inert(serde_json::ser::PrettyFormatter<'static>);

impl serde_json::ser::Formatter for Inert {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if needs_escape(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_escaped_and_the_text_is_unchanged() {
        let s = "a\u{1b}[2J b\u{9b}c\u{202e}d\u{7f}é";
        let out = String::from_utf8(render_json(&serde_json::json!({ "k": s }))).unwrap();
        assert_eq!(
            out,
            "{\n  \"k\": \"a\\u001b[2J b\\u009bc\\u202ed\\u007fé\"\n}\n"
        );
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["k"], s);
    }
}
