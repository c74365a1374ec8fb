//! The dotenv lines an import cannot read: where each is, and what is wrong
//! with it in the user's terms, naming its key when one can be read and
//! never its value.

/// What is wrong with a line dotenv cannot read, naming its key when one can
/// be read, never its value.
pub(super) fn what_is_wrong(line: &str) -> String {
    let first = line.lines().next().unwrap_or_default().trim_start();
    let first = first.strip_prefix("export ").unwrap_or(first).trim_start();
    let Some((key, value)) = first.split_once('=') else {
        return "it is not KEY=value (it has no '=')".into();
    };
    let key = key.trim_end();
    if key.is_empty() {
        return "it has no key before its '='".into();
    }
    let shown: String = dbsecrets_client::error::clean(key, 64);
    let mut chars = key.chars();
    let lead = chars
        .next()
        .filter(|c| !(c.is_ascii_alphabetic() || *c == '_'));
    if let Some(c) = lead {
        return format!(
            "key \"{shown}\" starts with {}, and dotenv keys start with a letter or '_'",
            shown_char(c)
        );
    }
    if let Some(c) = chars.find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '.')) {
        return format!(
            "key \"{shown}\" has {}, which dotenv keys cannot hold",
            shown_char(c)
        );
    }
    let value = value.trim_start();
    let problem = match value.chars().next() {
        Some(q @ ('"' | '\'')) if !value[1..].contains(q) => {
            format!("its value's opening {q} is never closed")
        }
        Some('"' | '\'') => {
            "its quoted value has text after the closing quote, or a bad escape".into()
        }
        _ if value
            .split('#')
            .next()
            .unwrap_or_default()
            .trim_end()
            .contains(char::is_whitespace) =>
        {
            "its value has a space but no quotes around it".into()
        }
        _ => "its value has a bad escape or a stray quote".into(),
    };
    format!("key \"{shown}\": {problem}")
}

/// A character as a message shows it: `'/'`, or `U+001B` for one that is not printable.
fn shown_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!(
            "a {} (U+{:04X})",
            if c == ' ' {
                "space"
            } else {
                "control character"
            },
            c as u32
        )
    } else {
        format!("'{c}'")
    }
}

/// Where a bad line is: its line number and its whole text when the text
/// dotenv reported appears once in the file, else the key that came before it
/// (and the reported text, which may be only part of the line).
pub(super) fn locate<'a>(text: &'a str, line: &'a str, after: Option<&str>) -> (String, &'a str) {
    let needle = line.trim_end_matches(['\n', '\r']);
    if !needle.trim().is_empty() && text.matches(needle).count() == 1 {
        if let Some(at) = text.find(needle) {
            let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let whole = text[start..].lines().next().unwrap_or(needle);
            let n = text[..at].matches('\n').count() + 1;
            return (format!("line {n}"), whole);
        }
    }
    let at = match after {
        Some(key) => format!("the line after key '{key}'"),
        None => "a line before the first entry".into(),
    };
    (at, line)
}
