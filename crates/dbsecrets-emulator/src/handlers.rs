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

use std::time::Instant;

use axum::extract::ConnectInfo;

use super::chaos::{Fault, Verdict};
use super::conn::Connection;
use super::oauth;
use super::state::{self, ApiError, Caller, ErrorCode, Store};
use super::{Emulator, GetMode, RecordedRequest};

/// Far above the largest legal request (a 128 KB value, base64-encoded or
/// JSON-escaped), so only abuse hits it.
const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// The message a workspace that refuses direct reads gives.
const NOTEBOOK_ONLY_MESSAGE: &str = "Secrets can only be read from within a notebook or job \
    running on a Databricks cluster; this workspace does not allow reading secret values \
    through the REST API.";

/// `--throttle-rps` answers (429 REQUEST_LIMIT_EXCEEDED).
const THROTTLED_MESSAGE: &str = "Too many requests. Please wait a moment and try again.";

/// `--fail-rate` answers (503 TEMPORARILY_UNAVAILABLE).
const UNAVAILABLE_MESSAGE: &str = "The service is temporarily unavailable. Please try again later.";

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

impl Op {
    /// Whether a successful call changes the state (and so is saved).
    fn changes_state(self) -> bool {
        !matches!(
            self,
            Op::ListScopes | Op::ListSecrets | Op::GetSecret | Op::GetAcl | Op::ListAcls
        )
    }
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
    let answer = answer(&emulator, &parts, bytes).await;
    record.status = answer.response.as_ref().map_or(0, |r| r.status().as_u16());
    if emulator.inner.verbose {
        // Path and principal only: the query string may hold scope and key
        // names, and nothing from headers or bodies is ever printed.
        let who = answer.principal.as_deref().unwrap_or("-");
        eprintln!(
            "{} {} {who} -> {}",
            record.method, record.path, record.status
        );
    }
    emulator.record(record);
    answer.response.unwrap_or_else(|| drop_connection(&parts))
}

/// The answer to one request (`None`: drop the connection) and, for the
/// log, who made it.
struct Answer {
    response: Option<Response>,
    principal: Option<String>,
}

async fn answer(
    emulator: &Emulator,
    parts: &axum::http::request::Parts,
    bytes: Result<Bytes, axum::Error>,
) -> Answer {
    let caller = authenticate(emulator, &parts.headers);
    let mut principal = caller.as_ref().ok().map(|c| c.name.clone());
    let path = parts.uri.path();
    let (latency, fault) = {
        let mut chaos = emulator.chaos();
        (chaos.latency, chaos.take_fault(path))
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match fault {
        None => {}
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::Drop) => {
            return Answer {
                response: None,
                principal,
            }
        }
        Some(Fault::Status {
            status,
            body,
            content_type,
            retry_after,
        }) => {
            let response = raw_response(status, &content_type, body, retry_after.as_deref());
            return Answer {
                response: Some(response),
                principal,
            };
        }
        Some(Fault::Redirect { status, location }) => {
            let mut response = raw_response(status, "text/plain", String::new(), None);
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            return Answer {
                response: Some(response),
                principal,
            };
        }
    }
    let (verdict, retry_after) = {
        let mut chaos = emulator.chaos();
        (chaos.verdict(Instant::now()), chaos.retry_after_secs)
    };
    let chaos_error = match verdict {
        Verdict::Pass => None,
        Verdict::Throttled => Some(ApiError::new(
            ErrorCode::RequestLimitExceeded,
            THROTTLED_MESSAGE,
        )),
        Verdict::Unavailable => Some(ApiError::new(
            ErrorCode::TemporarilyUnavailable,
            UNAVAILABLE_MESSAGE,
        )),
    };
    if let Some(e) = chaos_error {
        let mut response = into_response(Reply::Err(e), path);
        if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Answer {
            response: Some(response),
            principal,
        };
    }
    let response = match path {
        oauth::DISCOVERY_PATH => oauth::discovery(&parts.method, &parts.headers),
        oauth::DATABRICKS_CONFIG_PATH => into_response(
            Reply::Err(ApiError::new(
                ErrorCode::EndpointNotFound,
                format!("No API found for '{} {path}'", parts.method),
            )),
            path,
        ),
        oauth::TOKEN_PATH => {
            let (response, client) = oauth::token(emulator, &parts.method, &parts.headers, &bytes);
            principal = client;
            response
        }
        _ => {
            let reply = match (bytes, caller) {
                (_, Err(e)) => Reply::Err(e),
                (Ok(bytes), Ok(caller)) => {
                    dispatch(emulator, &caller, &parts.method, &parts.uri, &bytes)
                }
                (Err(_), Ok(_)) => Reply::Err(malformed(format!(
                    "Could not read the request body (at most {MAX_BODY_BYTES} bytes)."
                ))),
            };
            into_response(reply, path)
        }
    };
    Answer {
        response: Some(response),
        principal,
    }
}

/// [`Fault::Drop`]: cut the connection the request came on, so the client
/// gets no answer at all. Served through [`super::serve`], the connection's
/// kill switch is in the request; a caller serving [`Emulator::router`] some
/// other way gets an empty 502 with `Connection: close` instead.
fn drop_connection(parts: &axum::http::request::Parts) -> Response {
    if let Some(ConnectInfo(connection)) = parts.extensions.get::<ConnectInfo<Connection>>() {
        connection.kill();
    }
    let mut response = raw_response(502, "text/plain", String::new(), None);
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A response with exactly this status, content type and body.
pub(super) fn raw_response(
    status: u16,
    content_type: &str,
    body: String,
    retry_after: Option<&str>,
) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, Body::from(body)).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(v).ok()) {
        headers.insert(header::RETRY_AFTER, value);
    }
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
    caller: &Caller,
    method: &Method,
    uri: &Uri,
    body: &Bytes,
) -> Reply {
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
    params.and_then(|p| run(emulator, caller, *op, &p)).into()
}

const MISSING_CREDENTIALS: &str = "Missing or invalid authorization header";
const INVALID_TOKEN: &str = "Invalid access token.";
const EXPIRED_TOKEN: &str = "Access token has expired.";
const INVALID_BASIC: &str = "Invalid username or password.";

/// Maps the Authorization header to the calling principal. With no
/// credentials configured (open mode), any non-empty `Bearer` token or
/// `Basic` credential is the default admin; otherwise a Bearer token must be
/// a configured one or an unexpired OAuth token the emulator issued, and a
/// Basic credential a configured user name and password.
fn authenticate(emulator: &Emulator, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let unauthenticated = |message: &str| ApiError::new(ErrorCode::Unauthenticated, message);
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| unauthenticated(MISSING_CREDENTIALS))?;
    let (scheme, credential) = value
        .trim()
        .split_once(' ')
        .ok_or_else(|| unauthenticated(MISSING_CREDENTIALS))?;
    let credential = credential.trim();
    let bearer = scheme.eq_ignore_ascii_case("bearer");
    if !(bearer || scheme.eq_ignore_ascii_case("basic")) || credential.is_empty() {
        return Err(unauthenticated(MISSING_CREDENTIALS));
    }
    let directory = &emulator.inner.directory;
    if directory.is_open() {
        return Ok(directory.default_caller());
    }
    if bearer {
        if let Some(principal) = directory.token(credential) {
            return Ok(directory.caller(principal));
        }
        return match emulator.issued_token(credential) {
            Some((principal, true)) => Ok(directory.caller(&principal)),
            Some((_, false)) => Err(unauthenticated(EXPIRED_TOKEN)),
            None => Err(unauthenticated(INVALID_TOKEN)),
        };
    }
    base64::engine::general_purpose::STANDARD
        .decode(credential)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|pair| directory.basic(&pair).map(str::to_string))
        .map(|principal| directory.caller(&principal))
        .ok_or_else(|| unauthenticated(INVALID_BASIC))
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

/// Runs one operation under the store's lock, and saves the state file
/// after every successful change (still under the lock, so saves happen in
/// the order of the changes).
fn run(emulator: &Emulator, caller: &Caller, op: Op, p: &Params) -> Result<Value, ApiError> {
    let mut store = emulator.store();
    let value = apply(&mut store, emulator.get_mode(), caller, op, p)?;
    if op.changes_state() {
        emulator.persist(&store)?;
    }
    Ok(value)
}

fn apply(
    store: &mut Store,
    get_mode: GetMode,
    caller: &Caller,
    op: Op,
    p: &Params,
) -> Result<Value, ApiError> {
    match op {
        Op::CreateScope => create_scope(store, caller, p),
        Op::DeleteScope => {
            let scope = p.required("scope")?;
            store.delete_scope(caller, scope)?;
            Ok(empty())
        }
        Op::ListScopes => Ok(listing("scopes", store.list_scopes(caller))),
        Op::PutSecret => put_secret(store, caller, p),
        Op::DeleteSecret => {
            let (scope, key) = (p.required("scope")?, p.required("key")?);
            store.delete_secret(caller, scope, key)?;
            Ok(empty())
        }
        Op::ListSecrets => {
            let scope = p.required("scope")?;
            let secrets = store.list_secrets(caller, scope)?;
            Ok(listing("secrets", secrets))
        }
        Op::GetSecret => get_secret(store, get_mode, caller, p),
        Op::PutAcl => {
            let scope = p.required("scope")?;
            let (principal, permission) = (p.required("principal")?, p.required("permission")?);
            store.put_acl(caller, scope, principal, permission)?;
            Ok(empty())
        }
        Op::GetAcl => {
            let (scope, principal) = (p.required("scope")?, p.required("principal")?);
            let acl = store.get_acl(caller, scope, principal)?;
            Ok(to_value(acl))
        }
        Op::ListAcls => {
            let scope = p.required("scope")?;
            Ok(listing("items", store.list_acls(caller, scope)?))
        }
        Op::DeleteAcl => {
            let (scope, principal) = (p.required("scope")?, p.required("principal")?);
            store.delete_acl(caller, scope, principal)?;
            Ok(empty())
        }
    }
}

fn create_scope(store: &mut Store, caller: &Caller, p: &Params) -> Result<Value, ApiError> {
    let scope = p.required("scope")?;
    let manager = p.optional("initial_manage_principal")?;
    let backend = p.optional("scope_backend_type")?;
    store.create_scope(caller, scope, manager, backend)?;
    Ok(empty())
}

fn put_secret(store: &mut Store, caller: &Caller, p: &Params) -> Result<Value, ApiError> {
    let (scope, key) = (p.required("scope")?, p.required("key")?);
    let (string_value, bytes_value) = (p.optional("string_value")?, p.optional("bytes_value")?);
    // Names first: a bad name is reported before any problem with the value,
    // and before the scope lookup (so the order matches the other endpoints).
    state::validate_scope_name(scope)?;
    state::validate_key(key)?;
    let value = state::decode_value(string_value, bytes_value)?;
    let now = chrono::Utc::now().timestamp_millis();
    store.put_secret(caller, scope, key, value, now)?;
    Ok(empty())
}

fn get_secret(
    store: &Store,
    get_mode: GetMode,
    caller: &Caller,
    p: &Params,
) -> Result<Value, ApiError> {
    let (scope, key) = (p.required("scope")?, p.required("key")?);
    if get_mode == GetMode::NotebookOnly {
        return Err(ApiError::new(ErrorCode::BadRequest, NOTEBOOK_ONLY_MESSAGE));
    }
    let (key, value) = store.get_secret(caller, scope, key)?;
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
