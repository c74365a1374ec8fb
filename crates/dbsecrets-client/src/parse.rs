//! Reading a success answer: the JSON an endpoint sends, parsed into its
//! model, or an [`ErrorKind::InvalidResponse`](crate::ErrorKind::InvalidResponse)
//! error that says what was wrong without quoting the body.

use serde::de::DeserializeOwned;

use crate::Error;

/// Parses a success body. An empty body counts as `{}`. Parse errors never quote
/// the body (it may hold a secret value): they say what was wrong and where.
///
/// `status` is only used in the error. A body that is not JSON of the expected
/// shape is an [`ErrorKind::InvalidResponse`](crate::ErrorKind::InvalidResponse)
/// error; an HTML page (a login or proxy page) says that the request did not
/// reach the API.
pub fn parse_body<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        // Never an empty listing: an empty answer where an object is expected
        // means the request did not do what it should (a proxy, a broken server).
        return Err(Error::invalid_response(
            status,
            "the body is empty where a JSON object was expected",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        let trimmed = String::from_utf8_lossy(&body[..body.len().min(64)])
            .trim_start()
            .to_ascii_lowercase();
        let detail = if trimmed.starts_with('<') {
            "the server sent an HTML page instead of JSON: the request did not reach the API; check the host, private link or SSO".to_string()
        } else {
            use serde_json::error::Category;
            match e.classify() {
                Category::Eof => "the JSON body is truncated".to_string(),
                Category::Syntax => format!(
                    "the body is not valid JSON (line {}, column {})",
                    e.line(),
                    e.column()
                ),
                Category::Data => "the JSON does not have the expected shape".to_string(),
                Category::Io => "the body could not be read".to_string(),
            }
        };
        Error::invalid_response(status, detail)
    })
}

/// The object mutating endpoints answer (its fields are ignored).
#[derive(serde::Deserialize)]
struct Ack {}

/// Reads an acknowledgement: an empty body, or a JSON object (whatever it holds).
pub fn parse_ack(status: u16, body: &[u8]) -> Result<(), Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    parse_body::<Ack>(status, body).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::models;

    #[test]
    fn parse_body_never_quotes_values() {
        let err = parse_body::<models::GetSecretResponse>(200, br#"{"key":"k","value":12345}"#)
            .unwrap_err();
        assert!(!err.to_string().contains("12345"), "{err}");
        let err = parse_body::<models::Empty>(200, b"<html>login</html>").unwrap_err();
        assert!(err.to_string().contains("HTML page"), "{err}");
        let err = parse_body::<models::ListScopesResponse>(200, br#"{"scopes":[{"na"#).unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
        assert!(parse_ack(200, b"").is_ok());
        assert!(parse_ack(200, b"{}").is_ok());
        assert!(parse_ack(200, b"<html>").is_err());
        let err = parse_body::<models::ListScopesResponse>(200, b" \n").unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
    }
}
