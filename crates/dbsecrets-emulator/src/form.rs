//! `application/x-www-form-urlencoded`, as the token endpoint reads it and
//! the request log redacts it: `&`-separated `name=value` pairs where `+` is
//! a space and `%XX` a byte.

use std::collections::HashMap;

/// The pairs of a form; the first of repeated names wins. `None` when an
/// escape is broken or a name or value is not UTF-8.
pub(crate) fn parse(body: &str) -> Option<HashMap<String, String>> {
    let mut form = HashMap::new();
    for pair in body.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        form.entry(decode(name)?).or_insert(decode(value)?);
    }
    Some(form)
}

/// One name or value, decoded to text.
pub(crate) fn decode(s: &str) -> Option<String> {
    String::from_utf8(decode_bytes(s)?).ok()
}

/// One name or value, decoded to bytes; `None` when an escape is broken.
pub(crate) fn decode_bytes(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode() {
        let f = parse("a=1&b=x+y%2Fz&a=2&empty=&flag").unwrap();
        assert_eq!(f["a"], "1");
        assert_eq!(f["b"], "x y/z");
        assert_eq!(f["empty"], "");
        assert_eq!(f["flag"], "");
        assert!(parse("a=%zz").is_none());
        assert!(parse("a=%4").is_none());
        assert!(parse("a=%ff").is_none());
        assert_eq!(decode_bytes("%ff+").unwrap(), [0xff, b' ']);
    }
}
