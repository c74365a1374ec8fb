//! The workspace's OAuth endpoints, enough for the official clients' flows
//! (auth.md, "How each method authenticates"): the discovery document, the
//! `databricks-config` probe (404), and a token endpoint for the
//! client-credentials grant (OAuth M2M) and the token-exchange grant
//! (workload identity federation). Tokens it issues are opaque, accepted as
//! `Bearer` tokens until they expire, and then answered with 401.

use std::hash::{BuildHasher as _, Hasher as _};
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse as _, Response};
use base64::Engine as _;
use serde_json::{json, Value};

use super::{form, Emulator};

pub(super) const DISCOVERY_PATH: &str = "/oidc/.well-known/oauth-authorization-server";
pub(super) const DATABRICKS_CONFIG_PATH: &str = "/.well-known/databricks-config";
pub(super) const TOKEN_PATH: &str = "/oidc/v1/token";

const CLIENT_CREDENTIALS: &str = "client_credentials";
const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const JWT_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:jwt";
const ALL_APIS: &str = "all-apis";

/// `GET /oidc/.well-known/oauth-authorization-server`; the base URL comes
/// from the request's `Host` header.
pub(super) fn discovery(method: &Method, headers: &HeaderMap) -> Response {
    if method != Method::GET {
        return oauth_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request",
            &format!("Method {method} is not allowed; use GET."),
        );
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let base = format!("http://{host}");
    json_ok(json!({
        "issuer": format!("{base}/oidc"),
        "token_endpoint": format!("{base}{TOKEN_PATH}"),
        "authorization_endpoint": format!("{base}/oidc/v1/authorize"),
        "grant_types_supported": [CLIENT_CREDENTIALS, TOKEN_EXCHANGE],
        "scopes_supported": [ALL_APIS],
    }))
}

/// `POST /oidc/v1/token`. Returns the response and, when a token was
/// issued, the principal it stands for (for the verbose log).
pub(super) fn token(
    emulator: &Emulator,
    method: &Method,
    headers: &HeaderMap,
    body: Option<&Bytes>,
) -> (Response, Option<String>) {
    match issue(emulator, method, headers, body) {
        Ok((value, principal)) => (json_ok(value), Some(principal)),
        Err(e) => (oauth_error(e.status, e.error, &e.description), None),
    }
}

/// An OAuth error answer: `{"error", "error_description"}`.
struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: String,
}

impl OAuthError {
    fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            error,
            description: description.into(),
        }
    }
}

fn issue(
    emulator: &Emulator,
    method: &Method,
    headers: &HeaderMap,
    body: Option<&Bytes>,
) -> Result<(Value, String), OAuthError> {
    let invalid_request = |description: &str| {
        OAuthError::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    };
    if method != Method::POST {
        return Err(OAuthError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request",
            format!("Method {method} is not allowed; use POST."),
        ));
    }
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !form_type {
        return Err(invalid_request(
            "Content-Type must be application/x-www-form-urlencoded",
        ));
    }
    let body = body.ok_or_else(|| invalid_request("Could not read the request body"))?;
    let form = std::str::from_utf8(body)
        .ok()
        .and_then(form::parse)
        .ok_or_else(|| invalid_request("The request body is not a valid form"))?;
    let field = |name: &str| form.get(name).map(String::as_str).filter(|v| !v.is_empty());

    let grant_type = field("grant_type").ok_or_else(|| invalid_request("Missing grant_type"))?;
    if grant_type != CLIENT_CREDENTIALS && grant_type != TOKEN_EXCHANGE {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            format!("Unsupported grant_type: {grant_type}"),
        ));
    }
    let scope = field("scope").ok_or_else(|| invalid_request("Missing scope"))?;
    if !scope.split(' ').any(|s| s == ALL_APIS) {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            format!("Invalid scope: {scope}; this workspace grants {ALL_APIS}"),
        ));
    }
    let directory = &emulator.inner.directory;
    let principal = if grant_type == CLIENT_CREDENTIALS {
        let (id, secret) = match basic_credentials(headers) {
            Some(pair) => pair,
            None => (
                field("client_id").unwrap_or_default().to_string(),
                field("client_secret").unwrap_or_default().to_string(),
            ),
        };
        directory.client(&id, &secret).ok_or_else(|| {
            OAuthError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client authentication failed",
            )
        })?
    } else {
        if field("subject_token_type") != Some(JWT_TOKEN_TYPE) {
            return Err(invalid_request(&format!(
                "subject_token_type must be {JWT_TOKEN_TYPE}"
            )));
        }
        let subject =
            field("subject_token").ok_or_else(|| invalid_request("Missing subject_token"))?;
        let id = field("client_id").ok_or_else(|| invalid_request("Missing client_id"))?;
        directory.federated(id, subject).ok_or_else(|| {
            OAuthError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_grant",
                "The subject token is not valid for this client",
            )
        })?
    }
    .to_string();
    let lifetime = emulator.token_lifetime();
    let access_token = emulator.issue_token(&principal);
    let value = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": lifetime.as_secs(),
        "scope": scope,
    });
    Ok((value, principal))
}

/// `Authorization: Basic base64(client_id:client_secret)`, if present.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, credential) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(credential.trim())
        .ok()?;
    let pair = String::from_utf8(decoded).ok()?;
    let (id, secret) = pair.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

/// An opaque, unguessable access token: std's randomly keyed hasher over a
/// counter and the clock (no extra dependency; good enough on loopback).
pub(super) fn random_token() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut out = String::from("emu-oauth-");
    for round in 0..2u8 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(n);
        h.write_u128(now);
        h.write_u8(round);
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

fn json_ok(value: Value) -> Response {
    json_with_status(StatusCode::OK, &value)
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_with_status(
        status,
        &json!({ "error": error, "error_description": description }),
    )
}

fn json_with_status(status: StatusCode, value: &Value) -> Response {
    let content_type = [(header::CONTENT_TYPE, "application/json")];
    (status, content_type, value.to_string()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_distinct() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), "emu-oauth-".len() + 32);
    }
}
