//! What a server's error answer says: its body read for a code and a message
//! (JSON, OAuth's JSON, plain `CODE: message`; never HTML), and the one-line
//! text a person reads.
//!
//! Everything a server controls is cleaned here, once, before it reaches any
//! message, log line or report: control characters and text-direction
//! overrides folded to spaces, and a length cap ([`clean`]).

/// Longest error code kept from a server's answer, in characters.
pub const MAX_CODE_CHARS: usize = 100;
/// Longest message kept from a server's answer, in characters.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// `CODE: message (HTTP n)`, with whatever parts are known; `HTTP n Reason`
/// (e.g. `HTTP 502 Bad Gateway`) when neither is.
pub fn status_text(status: u16, code: Option<&str>, message: Option<&str>) -> String {
    match (code, message) {
        (Some(c), Some(m)) => format!("{c}: {m} (HTTP {status})"),
        (Some(c), None) => format!("{c} (HTTP {status})"),
        (None, Some(m)) => format!("{m} (HTTP {status})"),
        (None, None) => format!("HTTP {status} {}", reason(status)),
    }
}

fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// Reads an error body: JSON `{"error_code", "message"}` (a numeric error_code too,
/// and OAuth's `{"error", "error_description"}`), or plain text `CODE: message`.
/// HTML pages and anything unreadable give nothing: the caller falls back to the status.
///
/// Returns `(error_code, message)`; the message is folded to one line of at
/// most 300 characters. Other plain text is all message.
///
/// ```
/// use dbsecrets_client::error::parse_error_body;
/// let (code, msg) = parse_error_body(br#"{"error_code": 403, "message": "Invalid access token."}"#);
/// assert_eq!((code.as_deref(), msg.as_deref()), (Some("403"), Some("Invalid access token.")));
/// assert_eq!(parse_error_body(b"<html><title>502 Bad Gateway</title></html>"), (None, None));
/// ```
pub fn parse_error_body(body: &[u8]) -> (Option<String>, Option<String>) {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return (None, None);
    }
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(trimmed) {
        let field = |names: &[&str]| {
            names.iter().find_map(|n| match map.get(*n) {
                Some(serde_json::Value::String(s)) if !s.trim().is_empty() => {
                    Some(s.trim().to_string())
                }
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                _ => None,
            })
        };
        let code = field(&["error_code", "error"]);
        let message = field(&["message", "error_description", "detail"]);
        return (
            code.map(|c| clean(&c, MAX_CODE_CHARS)),
            message.map(|m| clean(&m, MAX_MESSAGE_CHARS)),
        );
    }
    if trimmed.starts_with('<') || trimmed.starts_with('{') || trimmed.starts_with('[') {
        return (None, None); // HTML, or JSON we cannot read: never shown raw
    }
    if let Some((code, msg)) = trimmed.split_once(": ") {
        if !code.is_empty() && code.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            return (
                Some(clean(code, MAX_CODE_CHARS)),
                Some(clean(msg, MAX_MESSAGE_CHARS)),
            );
        }
    }
    (None, Some(clean(trimmed, MAX_MESSAGE_CHARS)))
}

/// A string a server controls, fit for a terminal and a report: one line (see
/// [`one_line`]) of at most `max` characters (`…` marks a cut).
pub fn clean(s: &str, max: usize) -> String {
    // Only the start can be shown: do not fold megabytes to cut them after.
    let head: String = s.chars().take(max.saturating_mul(2) + 1).collect();
    let line = one_line(&head);
    if line.chars().count() > max || head.len() < s.len() {
        let cut: String = line.chars().take(max).collect();
        format!("{cut}…")
    } else {
        line
    }
}

/// Folds newlines, control characters and text-direction overrides to single
/// spaces, so that a message stays on one line and cannot drive a terminal or
/// reorder what is shown: each becomes a space, runs of spaces become one,
/// and the ends are trimmed.
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.chars() {
        let c = if c.is_control() || is_bidi_control(c) {
            ' '
        } else {
            c
        };
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out.trim().to_string()
}

/// Unicode's explicit direction marks, embeddings, overrides and isolates.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_strings_are_one_capped_line() {
        let code = format!("E\x1b[2J{}", "X".repeat(5_000_000));
        let body = serde_json::json!({"error_code": code, "message": "a\nb\u{202E}c"}).to_string();
        let (c, m) = parse_error_body(body.as_bytes());
        let c = c.unwrap();
        assert!(c.chars().count() <= MAX_CODE_CHARS + 1, "{}", c.len());
        assert!(!c.contains('\x1b') && c.ends_with('…'));
        assert_eq!(m.as_deref(), Some("a b c"));
        let (c, m) = parse_error_body(format!("BAD: {}", "y".repeat(1000)).as_bytes());
        assert_eq!(c.as_deref(), Some("BAD"));
        assert_eq!(m.unwrap().chars().count(), MAX_MESSAGE_CHARS + 1);
    }
}
