//! HTTP in front of [`super::state`]: authentication, routing, request
//! parsing, the request log and the server's JSON error bodies.
//!
//! One fallback handler does the routing itself instead of axum's router so
//! that every answer, including unknown paths, wrong methods and unreadable
//! bodies, is the JSON the real server sends, never axum's plain-text
//! rejections.

use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::state::{self, ApiError, ErrorCode};
use super::{Emulator, GetMode, RecordedRequest};

/// Far above the largest legal request (a 128 KB value, base64-encoded or
/// JSON-escaped), so only abuse hits it.
const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// The message a workspace that refuses direct reads gives.
const NOTEBOOK_ONLY_MESSAGE: &str = "Secrets can only be read from within a notebook or job \
    running on a Databricks cluster; this workspace does not allow reading secret values \
    through the REST API.";

pub(super) fn router(emulator: Emulator) -> Router {
    Router::new().fallback(handle).with_state(emulator)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    CreateScope,
    DeleteScope,
    ListScopes,
    PutSecret,
    DeleteSecret,
    ListSecrets,
    GetSecret,
    PutAcl,
    GetAcl,
    ListAcls,
    DeleteAcl,
}

/// Every endpoint: path, the one method it answers, and the operation.
const ENDPOINTS: &[(&str, Method, Op)] = &[
    (
        "/api/2.0/secrets/scopes/create",
        Method::POST,
        Op::CreateScope,
    ),
    (
        "/api/2.0/secrets/scopes/delete",
        Method::POST,
        Op::DeleteScope,
    ),
    ("/api/2.0/secrets/scopes/list", Method::GET, Op::ListScopes),
    ("/api/2.0/secrets/put", Method::POST, Op::PutSecret),
    ("/api/2.0/secrets/delete", Method::POST, Op::DeleteSecret),
    ("/api/2.0/secrets/list", Method::GET, Op::ListSecrets),
    ("/api/2.0/secrets/get", Method::GET, Op::GetSecret),
    ("/api/2.0/secrets/acls/put", Method::POST, Op::PutAcl),
    ("/api/2.0/secrets/acls/get", Method::GET, Op::GetAcl),
    ("/api/2.0/secrets/acls/list", Method::GET, Op::ListAcls),
    ("/api/2.0/secrets/acls/delete", Method::POST, Op::DeleteAcl),
];

/// An answer before it becomes an HTTP response.
enum Reply {
    Ok(Value),
    Err(ApiError),
}

impl From<Result<Value, ApiError>> for Reply {
    fn from(r: Result<Value, ApiError>) -> Self {
        match r {
            Ok(v) => Reply::Ok(v),
            Err(e) => Reply::Err(e),
        }
    }
}

async fn handle(State(emulator): State<Emulator>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES).await;
    let mut record = recorded(
        &parts.method,
        &parts.uri,
        &parts.headers,
        bytes.as_ref().ok(),
    );
    let reply = match bytes {
        Ok(bytes) => dispatch(&emulator, &parts.method, &parts.uri, &parts.headers, &bytes),
        Err(_) => Reply::Err(malformed(format!(
            "Could not read the request body (at most {MAX_BODY_BYTES} bytes)."
        ))),
    };
    let response = into_response(reply, parts.uri.path());
    record.status = response.status().as_u16();
    if emulator.inner.verbose {
        // Path only: the query string may hold scope and key names, and
        // nothing from headers or bodies is ever printed.
        eprintln!("{} {} -> {}", record.method, record.path, record.status);
    }
    emulator.record(record);
    response
}

/// The log entry for a request; its status is filled in once answered.
fn recorded(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Option<&Bytes>,
) -> RecordedRequest {
    let header = |name: header::HeaderName| {
        headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    RecordedRequest {
        method: method.as_str().to_string(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        authorization: header(header::AUTHORIZATION),
        content_type: header(header::CONTENT_TYPE),
        user_agent: header(header::USER_AGENT),
        body: body.filter(|b| !b.is_empty()).map(|b| {
            serde_json::from_slice(b)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(b).into_owned()))
        }),
        status: 0,
    }
}

fn dispatch(
    emulator: &Emulator,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Reply {
    let Some(principal) = authenticate(emulator, headers) else {
        return Reply::Err(ApiError::new(
            ErrorCode::Unauthenticated,
            "Missing or invalid authorization header",
        ));
    };
    let path = uri.path();
    let Some((_, allowed, op)) = ENDPOINTS.iter().find(|(p, _, _)| *p == path) else {
        return Reply::Err(ApiError::new(
            ErrorCode::EndpointNotFound,
            format!("No API found for '{method} {path}'"),
        ));
    };
    if method != allowed {
        return Reply::Err(ApiError::new(
            ErrorCode::MethodNotAllowed,
            format!("Method {method} is not allowed for '{path}'; use {allowed}."),
        ));
    }
    let params = if *allowed == Method::GET {
        Params::from_query(uri)
    } else {
        Params::from_body(body)
    };
    params
        .and_then(|p| run(emulator, &principal, *op, &p))
        .into()
}

/// Maps the Authorization header to the calling principal. Any non-empty
/// `Bearer` token or `Basic` credential is accepted for now and every caller
/// is the configured principal; this is where a token-to-principal table
/// would go when ACLs get enforced.
fn authenticate(emulator: &Emulator, headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, credential) = value.trim().split_once(' ')?;
    let known = scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("basic");
    (known && !credential.trim().is_empty()).then(|| emulator.inner.principal.clone())
}

/// Request parameters from either a JSON body (POST) or the query (GET).
struct Params(Map<String, Value>);

impl Params {
    fn from_body(body: &Bytes) -> Result<Self, ApiError> {
        if body.is_empty() {
            return Err(malformed("Request body is empty; expected a JSON object."));
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            Ok(_) => Err(malformed(
                "Could not parse request object: expected a JSON object.",
            )),
            Err(e) => Err(malformed(format!("Could not parse request object: {e}"))),
        }
    }

    /// Form-encoded query (`a+b` is "a b"); the first of repeated names wins.
    fn from_query(uri: &Uri) -> Result<Self, ApiError> {
        let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(uri)
            .map_err(|e| malformed(format!("Could not parse query string: {e}")))?;
        let mut map = Map::new();
        for (name, value) in pairs {
            map.entry(name).or_insert(Value::String(value));
        }
        Ok(Self(map))
    }

    /// A string field that may be absent (`null` counts as absent).
    fn optional(&self, name: &str) -> Result<Option<&str>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(malformed(format!(
                "Could not parse request object: field '{name}' must be a string."
            ))),
        }
    }

    fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.optional(name)?
            .ok_or_else(|| malformed(format!("Missing required field: {name}")))
    }
}

fn malformed(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::MalformedRequest, message)
}

fn run(emulator: &Emulator, caller: &str, op: Op, p: &Params) -> Result<Value, ApiError> {
    match op {
        Op::CreateScope => create_scope(emulator, caller, p),
        Op::DeleteScope => {
            let scope = p.required("scope")?;
            emulator.store().delete_scope(caller, scope)?;
            Ok(empty())
        }
        Op::ListScopes => Ok(listing("scopes", emulator.store().list_scopes(caller))),
        Op::PutSecret => put_secret(emulator, caller, p),
        Op::DeleteSecret => {
            let (scope, key) = (p.required("scope")?, p.required("key")?);
            emulator.store().delete_secret(caller, scope, key)?;
            Ok(empty())
        }
        Op::ListSecrets => {
            let scope = p.required("scope")?;
            let secrets = emulator.store().list_secrets(caller, scope)?;
            Ok(listing("secrets", secrets))
        }
        Op::GetSecret => get_secret(emulator, caller, p),
        Op::PutAcl => {
            let scope = p.required("scope")?;
            let (principal, permission) = (p.required("principal")?, p.required("permission")?);
            emulator
                .store()
                .put_acl(caller, scope, principal, permission)?;
            Ok(empty())
        }
        Op::GetAcl => {
            let (scope, principal) = (p.required("scope")?, p.required("principal")?);
            let acl = emulator.store().get_acl(caller, scope, principal)?;
            Ok(to_value(acl))
        }
        Op::ListAcls => {
            let scope = p.required("scope")?;
            Ok(listing("items", emulator.store().list_acls(caller, scope)?))
        }
        Op::DeleteAcl => {
            let (scope, principal) = (p.required("scope")?, p.required("principal")?);
            emulator.store().delete_acl(caller, scope, principal)?;
            Ok(empty())
        }
    }
}

fn create_scope(emulator: &Emulator, caller: &str, p: &Params) -> Result<Value, ApiError> {
    let scope = p.required("scope")?;
    let manager = p.optional("initial_manage_principal")?;
    let backend = p.optional("scope_backend_type")?;
    emulator
        .store()
        .create_scope(caller, scope, manager, backend)?;
    Ok(empty())
}

fn put_secret(emulator: &Emulator, caller: &str, p: &Params) -> Result<Value, ApiError> {
    let (scope, key) = (p.required("scope")?, p.required("key")?);
    let (string_value, bytes_value) = (p.optional("string_value")?, p.optional("bytes_value")?);
    // Names first: a bad name is reported before any problem with the value,
    // and before the scope lookup (so the order matches the other endpoints).
    state::validate_scope_name(scope)?;
    state::validate_key(key)?;
    let value = state::decode_value(string_value, bytes_value)?;
    let now = chrono::Utc::now().timestamp_millis();
    emulator
        .store()
        .put_secret(caller, scope, key, value, now)?;
    Ok(empty())
}

fn get_secret(emulator: &Emulator, caller: &str, p: &Params) -> Result<Value, ApiError> {
    let (scope, key) = (p.required("scope")?, p.required("key")?);
    if emulator.get_mode() == GetMode::NotebookOnly {
        return Err(ApiError::new(ErrorCode::BadRequest, NOTEBOOK_ONLY_MESSAGE));
    }
    let (key, value) = emulator.store().get_secret(caller, scope, key)?;
    let value = base64::engine::general_purpose::STANDARD.encode(value);
    Ok(json!({ "key": key, "value": value }))
}

fn empty() -> Value {
    Value::Object(Map::new())
}

/// `{"<name>": [...]}`, or `{}` when there is nothing, as the real server
/// leaves the key out of an empty listing.
fn listing<T: Serialize>(name: &str, items: Vec<T>) -> Value {
    let mut map = Map::new();
    if !items.is_empty() {
        map.insert(name.to_string(), to_value(items));
    }
    Value::Object(map)
}

/// The state layer's response types are plain strings and integers, which
/// always serialize; `Null` is unreachable but keeps this panic-free.
fn to_value<T: Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn into_response(reply: Reply, path: &str) -> Response {
    match reply {
        Reply::Ok(value) => json_response(StatusCode::OK, &value),
        Reply::Err(e) => {
            let status = StatusCode::from_u16(e.code.status()).unwrap_or(StatusCode::BAD_REQUEST);
            let body = json!({ "error_code": e.code.as_str(), "message": e.message });
            let mut response = json_response(status, &body);
            if e.code == ErrorCode::MethodNotAllowed {
                add_allow_header(&mut response, path);
            }
            response
        }
    }
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    let body = Body::from(value.to_string());
    let content_type = [(header::CONTENT_TYPE, "application/json")];
    (status, content_type, body).into_response()
}

fn add_allow_header(response: &mut Response, path: &str) {
    if let Some((_, method, _)) = ENDPOINTS.iter().find(|(p, _, _)| *p == path) {
        if let Ok(value) = HeaderValue::from_str(method.as_str()) {
            response.headers_mut().insert(header::ALLOW, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(body: &str) -> Result<Params, ApiError> {
        Params::from_body(&Bytes::from(body.to_string()))
    }

    #[test]
    fn bodies_must_be_json_objects() {
        for bad in ["", "not json", "[1]", "\"s\"", "{\"scope\":"] {
            let e = params(bad).err().expect(bad);
            assert_eq!(e.code, ErrorCode::MalformedRequest, "{bad}");
        }
    }

    #[test]
    fn fields_must_be_strings_and_present() {
        let p = params(r#"{"scope": 1, "key": null, "extra": [1]}"#).unwrap();
        assert_eq!(
            p.required("scope").unwrap_err().code,
            ErrorCode::MalformedRequest
        );
        let e = p.required("key").unwrap_err();
        assert_eq!(e.message, "Missing required field: key");
        assert_eq!(p.optional("key").unwrap(), None);
    }

    #[test]
    fn query_is_form_decoded() {
        let uri: Uri = "/x?scope=a+b&key=k%2Fx&scope=second".parse().unwrap();
        let p = Params::from_query(&uri).unwrap();
        assert_eq!(p.required("scope").unwrap(), "a b");
        assert_eq!(p.required("key").unwrap(), "k/x");
    }

    #[test]
    fn empty_listings_leave_the_key_out() {
        assert_eq!(listing::<u8>("scopes", vec![]), json!({}));
        assert_eq!(listing("items", vec![1]), json!({"items": [1]}));
    }

    #[test]
    fn every_endpoint_is_distinct() {
        for (i, (a, _, _)) in ENDPOINTS.iter().enumerate() {
            assert!(ENDPOINTS[i + 1..].iter().all(|(b, _, _)| a != b), "{a}");
        }
    }
}
