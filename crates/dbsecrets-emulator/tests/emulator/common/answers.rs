//! What every answer of the emulator must be (JSON; errors with exactly
//! `error_code` and `message`), and the HTTP client that asks. Shared by the
//! emulator crate's tests and the binary's `tests/emulator` (by `#[path]`).

use serde_json::Value;

/// Sends, asserts the response is `application/json`, and parses it.
pub async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("request reaches the emulator");
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").cloned();
    assert_eq!(
        content_type.as_ref().and_then(|v| v.to_str().ok()),
        Some("application/json"),
        "status {status}"
    );
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, body)
}

/// Asserts an error answer's status and code, and returns its message.
pub fn error(r: (u16, Value), status: u16, code: &str) -> String {
    assert_eq!(r.0, status, "{}", r.1);
    assert_eq!(r.1["error_code"], code, "{}", r.1);
    let obj = r.1.as_object().expect("object");
    assert_eq!(obj.len(), 2, "only error_code and message: {}", r.1);
    r.1["message"]
        .as_str()
        .expect("message is a string")
        .to_string()
}

/// reqwest needs a rustls crypto provider installed (the crate compiles in ring only).
pub fn http_client_builder() -> reqwest::ClientBuilder {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

pub fn http_client() -> reqwest::Client {
    http_client_builder().build().expect("client")
}
