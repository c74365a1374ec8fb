//! The request trace: every header shown except credentials, every JSON body
//! shown with its secret-bearing fields masked. Form bodies (which hold
//! client secrets and ID tokens) are never shown.

use reqwest::header::AUTHORIZATION;

/// The trace lines of one request.
pub fn request_lines(
    req: &reqwest::Request,
    json: Option<&serde_json::Value>,
    credential: &str,
) -> Vec<String> {
    let mut lines = vec![format!("> {} {}", req.method(), req.url())];
    for (name, value) in req.headers() {
        let shown = if name == AUTHORIZATION || value.is_sensitive() {
            let scheme = value.to_str().unwrap_or("").split(' ').next().unwrap_or("");
            format!("{scheme} *** ({credential})")
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

/// A JSON body with secret-bearing fields replaced by `***`.
pub fn mask_values(body: &serde_json::Value) -> serde_json::Value {
    const SECRET_FIELDS: &[&str] = &[
        "string_value",
        "bytes_value",
        "value",
        "effective_value",
        "client_secret",
        "password",
        "token",
        "subject_token",
    ];
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking() {
        let b = serde_json::json!({"scope":"s","key":"k","string_value":"hunter2","nested":{"bytes_value":"AAA="}});
        let m = mask_values(&b).to_string();
        assert!(!m.contains("hunter2") && !m.contains("AAA="), "{m}");
        assert!(m.contains("\"scope\":\"s\""));
    }
}
