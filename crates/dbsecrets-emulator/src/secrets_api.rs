//! The Secrets API 2.0 endpoints over [`super::state`]: the routing table,
//! request parameters (JSON body or query), one function per endpoint group,
//! and the server's JSON answers and error bodies.

use axum::body::{Body, Bytes};
use axum::extract::Query;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::state::{self, Caller, ErrorCode, ServiceError, Store};
use super::{Emulator, GetMode};

/// The message a workspace that refuses direct reads gives.
const NOTEBOOK_ONLY_MESSAGE: &str = "Secrets can only be read from within a notebook or job \
    running on a Databricks cluster; this workspace does not allow reading secret values \
    through the REST API.";

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

/// Answers one authenticated Secrets API request (or the error for an
/// unknown path or a wrong method).
pub(super) fn answer(
    emulator: &Emulator,
    caller: &Caller,
    method: &Method,
    uri: &Uri,
    body: &Bytes,
) -> Response {
    error_or_json(dispatch(emulator, caller, method, uri, body), uri.path())
}

fn dispatch(
    emulator: &Emulator,
    caller: &Caller,
    method: &Method,
    uri: &Uri,
    body: &Bytes,
) -> Result<Value, ServiceError> {
    let path = uri.path();
    let Some((_, allowed, op)) = ENDPOINTS.iter().find(|(p, _, _)| *p == path) else {
        return Err(endpoint_not_found(method, path));
    };
    if method != allowed {
        return Err(ServiceError::new(
            ErrorCode::MethodNotAllowed,
            format!("Method {method} is not allowed for '{path}'; use {allowed}."),
        ));
    }
    let params = if *allowed == Method::GET {
        Params::from_query(uri)?
    } else {
        Params::from_body(body)?
    };
    run(emulator, caller, *op, &params)
}

/// `ENDPOINT_NOT_FOUND` for a path no endpoint serves.
pub(super) fn endpoint_not_found(method: &Method, path: &str) -> ServiceError {
    ServiceError::new(
        ErrorCode::EndpointNotFound,
        format!("No API found for '{method} {path}'"),
    )
}

/// Request parameters from either a JSON body (POST) or the query (GET).
struct Params(Map<String, Value>);

impl Params {
    fn from_body(body: &Bytes) -> Result<Self, ServiceError> {
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
    fn from_query(uri: &Uri) -> Result<Self, ServiceError> {
        let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(uri)
            .map_err(|e| malformed(format!("Could not parse query string: {e}")))?;
        let mut map = Map::new();
        for (name, value) in pairs {
            map.entry(name).or_insert(Value::String(value));
        }
        Ok(Self(map))
    }

    /// A string field that may be absent (`null` counts as absent).
    fn optional(&self, name: &str) -> Result<Option<&str>, ServiceError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(malformed(format!(
                "Could not parse request object: field '{name}' must be a string."
            ))),
        }
    }

    fn required(&self, name: &str) -> Result<&str, ServiceError> {
        self.optional(name)?
            .ok_or_else(|| malformed(format!("Missing required field: {name}")))
    }
}

/// `MALFORMED_REQUEST`: a body or query the server cannot understand.
pub(super) fn malformed(message: impl Into<String>) -> ServiceError {
    ServiceError::new(ErrorCode::MalformedRequest, message)
}

/// Runs one operation under the store's lock; a change is saved to the
/// state file, and undone if that fails ([`Emulator::change`]).
fn run(emulator: &Emulator, caller: &Caller, op: Op, p: &Params) -> Result<Value, ServiceError> {
    let get_mode = emulator.get_mode();
    if op.changes_state() {
        emulator.change(|store| apply(store, get_mode, caller, op, p))
    } else {
        apply(&mut emulator.store(), get_mode, caller, op, p)
    }
}

/// The routing table from operation to endpoint group.
fn apply(
    store: &mut Store,
    get_mode: GetMode,
    caller: &Caller,
    op: Op,
    p: &Params,
) -> Result<Value, ServiceError> {
    match op {
        Op::CreateScope | Op::DeleteScope | Op::ListScopes => scopes(store, caller, op, p),
        Op::PutSecret | Op::DeleteSecret | Op::ListSecrets => secrets(store, caller, op, p),
        Op::GetSecret => get_secret(store, get_mode, caller, p),
        Op::PutAcl | Op::GetAcl | Op::ListAcls | Op::DeleteAcl => acls(store, caller, op, p),
    }
}

fn scopes(store: &mut Store, caller: &Caller, op: Op, p: &Params) -> Result<Value, ServiceError> {
    match op {
        Op::CreateScope => {
            let scope = p.required("scope")?;
            let manager = p.optional("initial_manage_principal")?;
            let backend = p.optional("scope_backend_type")?;
            store.create_scope(caller, scope, manager, backend)?;
            Ok(empty())
        }
        Op::DeleteScope => {
            store.delete_scope(caller, p.required("scope")?)?;
            Ok(empty())
        }
        _ => Ok(listing("scopes", store.list_scopes(caller))),
    }
}

fn secrets(store: &mut Store, caller: &Caller, op: Op, p: &Params) -> Result<Value, ServiceError> {
    let scope = p.required("scope")?;
    match op {
        Op::PutSecret => put_secret(store, caller, scope, p),
        Op::DeleteSecret => {
            store.delete_secret(caller, scope, p.required("key")?)?;
            Ok(empty())
        }
        _ => Ok(listing("secrets", store.list_secrets(caller, scope)?)),
    }
}

fn put_secret(
    store: &mut Store,
    caller: &Caller,
    scope: &str,
    p: &Params,
) -> Result<Value, ServiceError> {
    let key = p.required("key")?;
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
) -> Result<Value, ServiceError> {
    let (scope, key) = (p.required("scope")?, p.required("key")?);
    if get_mode == GetMode::NotebookOnly {
        return Err(ServiceError::new(
            ErrorCode::BadRequest,
            NOTEBOOK_ONLY_MESSAGE,
        ));
    }
    let (key, value) = store.get_secret(caller, scope, key)?;
    let value = base64::engine::general_purpose::STANDARD.encode(value);
    Ok(json!({ "key": key, "value": value }))
}

fn acls(store: &mut Store, caller: &Caller, op: Op, p: &Params) -> Result<Value, ServiceError> {
    let scope = p.required("scope")?;
    if op == Op::ListAcls {
        return Ok(listing("items", store.list_acls(caller, scope)?));
    }
    let principal = p.required("principal")?;
    match op {
        Op::PutAcl => {
            let permission = p.required("permission")?;
            store.put_acl(caller, scope, principal, permission)?;
            Ok(empty())
        }
        Op::GetAcl => Ok(to_value(store.get_acl(caller, scope, principal)?)),
        _ => {
            store.delete_acl(caller, scope, principal)?;
            Ok(empty())
        }
    }
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

/// 200 with the value, or the error's status and JSON body (with `Allow`
/// on a 405 for a known path).
pub(super) fn error_or_json(result: Result<Value, ServiceError>, path: &str) -> Response {
    match result {
        Ok(value) => json_response(StatusCode::OK, &value),
        Err(e) => error_response(&e, path),
    }
}

/// `{"error_code", "message"}` with the code's status.
pub(super) fn error_response(e: &ServiceError, path: &str) -> Response {
    let status = StatusCode::from_u16(e.code.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let body = json!({ "error_code": e.code.as_str(), "message": e.message });
    let mut response = json_response(status, &body);
    if e.code == ErrorCode::MethodNotAllowed {
        add_allow_header(&mut response, path);
    }
    response
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

    fn params(body: &str) -> Result<Params, ServiceError> {
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
