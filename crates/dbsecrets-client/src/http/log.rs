//! The request trace: every header shown except credentials, every JSON body
//! shown with its secret-bearing fields masked. Form bodies (which hold
//! client secrets and ID tokens) are never shown.

use reqwest::header::AUTHORIZATION;
use secrecy::zeroize::Zeroizing;

/// The trace lines of one request.
pub fn request_lines(
    req: &reqwest::Request,
    json: Option<&serde_json::Value>,
    credential: &str,
) -> Vec<String> {
    let mut lines = vec![format!("> {} {}", req.method(), req.url())];
    for (name, value) in req.headers() {
        let shown = if name == AUTHORIZATION {
            let scheme = value.to_str().unwrap_or("").split(' ').next().unwrap_or("");
            format!("{scheme} *** ({credential})")
        } else if value.is_sensitive() {
            // A bare token (a second token header): nothing of it is shown.
            format!("*** ({credential})")
        } else {
            value.to_str().unwrap_or("<binary>").to_string()
        };
        lines.push(format!("> {name}: {shown}"));
    }
    if let Some(b) = json {
        lines.push(format!("> {}", mask_values(b)));
    }
    lines
}

/// The JSON fields that carry a secret value or a credential.
pub const SECRET_FIELDS: &[&str] = &[
    "string_value",
    "bytes_value",
    "value",
    "effective_value",
    "client_secret",
    "password",
    "token",
    "subject_token",
];

/// A JSON body with secret-bearing fields replaced by `***`.
pub fn mask_values(body: &serde_json::Value) -> serde_json::Value {
    match body {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if SECRET_FIELDS.contains(&k.as_str()) {
                        serde_json::Value::String("***".into())
                    } else {
                        mask_values(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(mask_values).collect())
        }
        other => other.clone(),
    }
}

/// How a server could repeat the secrets of a request body in its answer: each
/// secret field's text as sent, and JSON-escaped (as it would appear quoted
/// inside a JSON error body).
pub fn echo_forms(body: &serde_json::Value) -> Zeroizing<Vec<String>> {
    let mut forms = Zeroizing::new(Vec::new());
    collect(body, &mut forms);
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms.dedup();
    forms
}

fn collect(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match v {
                    serde_json::Value::String(s) if SECRET_FIELDS.contains(&k.as_str()) => {
                        let escaped = serde_json::to_string(s).expect("a string serializes");
                        out.push(escaped[1..escaped.len() - 1].to_string());
                        out.push(s.clone());
                    }
                    other => collect(other, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| collect(i, out)),
        _ => {}
    }
}

/// An answer's body with every echo of `forms` replaced by `***`. A form
/// shorter than 4 bytes is masked only where it stands alone (not inside a
/// word), so that a one-letter value does not mask every word holding it.
pub fn mask_echoes(body: &[u8], forms: &[String]) -> Zeroizing<Vec<u8>> {
    let mut text = Zeroizing::new(String::from_utf8_lossy(body).into_owned());
    for form in forms.iter().filter(|f| !f.is_empty()) {
        if !text.contains(form.as_str()) {
            continue;
        }
        text = Zeroizing::new(if form.len() < 4 {
            replace_alone(&text, form)
        } else {
            text.replace(form.as_str(), "***")
        });
    }
    Zeroizing::new(text.as_bytes().to_vec())
}

/// `text` with each occurrence of `form` that no letter or digit touches replaced by `***`.
fn replace_alone(text: &str, form: &str) -> String {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(form) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + form.len()..].chars().next();
        out.push_str(&rest[..at]);
        if word(before) || word(after) {
            out.push_str(form);
        } else {
            out.push_str("***");
        }
        rest = &rest[at + form.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_of_the_sent_value_are_masked() {
        let body = serde_json::json!({"scope": "s", "key": "k", "string_value": "pa\"ss word"});
        let forms = echo_forms(&body);
        assert_eq!(*forms, ["pa\\\"ss word", "pa\"ss word"]);
        let answer =
            br#"{"error_code":"INVALID_PARAMETER_VALUE","message":"bad value pa\"ss word for k"}"#;
        let masked = String::from_utf8(mask_echoes(answer, &forms).to_vec()).unwrap();
        assert!(masked.contains("bad value *** for k"), "{masked}");
        let plain = mask_echoes(b"500: cannot store pa\"ss word", &forms);
        assert_eq!(plain.as_slice(), b"500: cannot store ***");
        let short = echo_forms(&serde_json::json!({"value": "ab"}));
        assert_eq!(mask_echoes(b"echo: ab.", &short).as_slice(), b"echo: ***.");
        assert_eq!(mask_echoes(b"a cab abc", &short).as_slice(), b"a cab abc");
    }

    #[test]
    fn masking() {
        let b = serde_json::json!({"scope":"s","key":"k","string_value":"hunter2","nested":{"bytes_value":"AAA="}});
        let m = mask_values(&b).to_string();
        assert!(!m.contains("hunter2") && !m.contains("AAA="), "{m}");
        assert!(m.contains("\"scope\":\"s\""));
    }
}
