//! What each line of the config file may be, and what is wrong with the first
//! one that is none of them, in the user's terms: `line 3: "this line is not
//! ini" is not "key = value" or "[section]"`. Checked before the INI parser
//! runs, whose own messages name positions in its terms (and often the end of
//! the file, where it gave up, rather than the line that is wrong).

use super::ATTRIBUTES;

/// Longest part of a bad line shown in the message, in characters.
const SHOWN_CHARS: usize = 60;

/// The first line that is not blank, a comment (`#`, `;`), a `[section]` or a
/// `key = value` (or `key: value`): `line N: what is wrong`.
///
/// Lines are read as the INI parser reads them: a lone carriage return ends
/// one too, and a backslash takes the next character with it (`\=` is not
/// the `=` of a key, and a backslash at the end of a line continues it).
pub(super) fn first_bad_line(text: &str) -> Option<String> {
    let mut number = 1;
    let mut start = 1;
    // The line as checked (a character a backslash took is [`ESCAPED`]), and as shown.
    let (mut line, mut raw) = (String::new(), String::new());
    // In a comment a backslash is a character like any other.
    let mut comment = false;
    let mut chars = text.chars().peekable();
    loop {
        let c = chars.next();
        match c {
            Some('\\') if !comment => {
                match chars.next() {
                    // A continued line: the backslash and the newline are gone.
                    Some('\n') => number += 1,
                    Some(c) => {
                        line.push(ESCAPED);
                        line.push(if c.is_control() && c != '\t' {
                            c
                        } else {
                            ESCAPED
                        });
                        raw.push('\\');
                        raw.push(c);
                    }
                    None => {
                        line.push(ESCAPED);
                        raw.push('\\');
                    }
                }
                continue;
            }
            Some(c) if c != '\n' && c != '\r' => {
                let blank = line.trim_matches([' ', '\t']).is_empty();
                let separated = line.contains(['=', ':']);
                let after_space = line.ends_with([' ', '\t']);
                if matches!(c, '#' | ';') && (blank || (separated && after_space)) {
                    comment = true;
                }
                line.push(c);
                raw.push(c);
                continue;
            }
            _ => {}
        }
        // The INI parser trims spaces and tabs, nothing else.
        let (checked, shown) = (
            line.trim_matches([' ', '\t']),
            raw.trim_matches([' ', '\t']),
        );
        if let Some(problem) = problem(checked, shown) {
            return Some(format!("line {start}: {problem}"));
        }
        line.clear();
        raw.clear();
        comment = false;
        // The end of the text, with no bad line.
        if c? == '\n' {
            number += 1;
        }
        start = number;
    }
}

/// Stands for a character a backslash took: never a separator.
const ESCAPED: char = '\u{fffc}';

/// What is wrong with `line` (escaped characters as [`ESCAPED`]), shown as `raw`.
fn problem(line: &str, raw: &str) -> Option<String> {
    if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
        return None;
    }
    if let Some(c) = line.chars().find(|c| c.is_control() && *c != '\t') {
        return Some(format!(
            "it holds a control character (U+{:04X}), which a config file cannot",
            c as u32
        ));
    }
    if let Some(inner) = line.strip_prefix('[') {
        let Some((name, rest)) = inner.split_once(']') else {
            return Some(format!("{} has no closing \"]\"", shown(raw)));
        };
        let rest = rest.trim_start();
        if !(rest.is_empty() || rest.starts_with('#') || rest.starts_with(';')) {
            return Some(format!("{} has text after the section's \"]\"", shown(raw)));
        }
        if name.trim().is_empty() {
            return Some(format!("{} names no profile", shown(raw)));
        }
        return None;
    }
    match line.find(['=', ':']) {
        // The value is never shown: it may be a credential.
        Some(at) if line[..at].trim().is_empty() => Some(format!(
            "a value with no key before its \"{}\"",
            &line[at..at + 1]
        )),
        Some(_) => None,
        None => Some(format!(
            "{} is not \"key = value\" or \"[section]\"",
            shown(raw)
        )),
    }
}

/// A bad line as the message shows it: cleaned, capped, and masked where it
/// may hold a credential (a credential key without its `=`, or one long word,
/// which may be a pasted token).
fn shown(line: &str) -> String {
    let mut words = line.split_whitespace();
    let first = words.next().unwrap_or_default();
    let sensitive = ATTRIBUTES
        .iter()
        .any(|a| a.sensitive && a.name.eq_ignore_ascii_case(first));
    if sensitive && words.next().is_some() {
        return format!("\"{} ***\"", clean(first));
    }
    if !line.contains(char::is_whitespace) && line.chars().count() >= 20 {
        return format!(
            "a word of {} characters (not shown: it may be a credential)",
            line.chars().count()
        );
    }
    format!("\"{}\"", clean(line))
}

/// One line of at most [`SHOWN_CHARS`] characters, control characters and
/// direction marks as spaces (the rule of `error::clean`, which this module
/// cannot use: `error` depends on `config`).
fn clean(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(SHOWN_CHARS)
        .map(|c| {
            let bidi = matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
            if c.is_control() || bidi {
                ' '
            } else {
                c
            }
        })
        .collect();
    if s.chars().nth(SHOWN_CHARS).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_bad_line_in_the_users_terms() {
        let text = "[a]\nhost = x\nthis line is not ini\n\n[b]\nk\n";
        assert_eq!(
            first_bad_line(text).as_deref(),
            Some("line 3: \"this line is not ini\" is not \"key = value\" or \"[section]\"")
        );
        for (text, want) in [
            ("[a\nk=v\n", "line 1: \"[a\" has no closing \"]\""),
            ("[a] x\n", "line 1: \"[a] x\" has text after the section's \"]\""),
            ("[ ]\n", "line 1: \"[ ]\" names no profile"),
            ("[a]\r\n= s3cr3t\r\n", "line 2: a value with no key before its \"=\""),
            ("[a]\ntoken dapi-s3cr3t\n", "line 2: \"token ***\" is not \"key = value\" or \"[section]\""),
            ("[a]\ndapi0123456789abcdef0123\n", "line 2: a word of 24 characters (not shown: it may be a credential) is not \"key = value\" or \"[section]\""),
            ("x\x1b[2J y\n", "line 1: it holds a control character (U+001B), which a config file cannot"),
            ("[a]\r\x0b\n", "line 1: it holds a control character (U+000B), which a config file cannot"),
            ("[a]\n\u{3000}= v\n", "line 2: a value with no key before its \"=\""),
            ("[a]\nk\\=v\n", "line 2: \"k\\=v\" is not \"key = value\" or \"[section]\""),
        ] {
            assert_eq!(first_bad_line(text).as_deref(), Some(want), "{text:?}");
        }
        for good in [
            "",
            "# c\n; c\n[a] ; c\n k = v # c\nk2: v\n\n[__settings__]\n",
            "k=v\n",
            "[a]\nk = a\\\nb\n",
        ] {
            assert_eq!(first_bad_line(good), None, "{good:?}");
        }
    }
}
