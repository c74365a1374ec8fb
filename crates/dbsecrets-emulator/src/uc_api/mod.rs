//! Unity Catalog over HTTP (uc-secrets.md §2, §4): the secrets endpoints
//! under `/api/2.1/unity-catalog/secrets` and the permissions endpoints
//! (`permissions`, `effective-permissions`, `privilege-assignments`,
//! `effective-privilege-assignments`) for catalogs, schemas and secrets.
//! Requests become calls of [`super::state::uc`]; its answers and errors
//! become the server's JSON.
//!
//! Wire rules: the `{full_name}` path segment is percent-decoded once (`+`
//! stays `+`); query parameters are form-decoded and each may be given once
//! (so `update_mask` must be one comma-joined parameter); booleans are
//! `true` / `false`; bodies are JSON objects whose fields have their JSON
//! types (else 400 `MALFORMED_REQUEST`); fields a request does not use are
//! ignored. Empty listings leave their array out. `X-Databricks-Workspace-Id`
//! and `X-Databricks-Org-Id` are accepted and ignored (the request log keeps
//! them).

use axum::body::Bytes;
use axum::http::{header, HeaderValue, Method, Uri};
use axum::response::Response;
use serde::Serialize;
use serde_json::{Map, Value};

mod grants;
mod secrets;

use super::secrets_api::{endpoint_not_found, error_or_json, error_response, malformed};
use super::state::uc::Page;
use super::state::{Caller, ErrorCode, ServiceError};
use super::Emulator;

/// Where every Unity Catalog path starts.
pub(super) const PREFIX: &str = "/api/2.1/unity-catalog/";

/// The permissions endpoints, by their path's first segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Grants {
    Permissions,
    Effective,
    Assignments,
    EffectiveAssignments,
}

/// What a path names.
enum Route {
    /// `/secrets`
    Secrets,
    /// `/secrets/{full_name}`
    Secret(String),
    /// `/{endpoint}/{securable_type}/{full_name}`
    Grants(GrantsTarget),
}

/// A permissions endpoint and the securable its path names (decoded).
pub(crate) struct GrantsTarget {
    pub(crate) endpoint: Grants,
    pub(crate) kind: String,
    pub(crate) full_name: String,
}

/// The route and the methods it answers, or 404 `ENDPOINT_NOT_FOUND`.
fn route(method: &Method, path: &str) -> Result<(Route, &'static [Method]), ServiceError> {
    let not_found = || endpoint_not_found(method, path);
    let rest = path.strip_prefix(PREFIX).ok_or_else(not_found)?;
    let segments: Vec<&str> = rest.split('/').collect();
    let grants = |name: &str| match name {
        "permissions" => Some(Grants::Permissions),
        "effective-permissions" => Some(Grants::Effective),
        "privilege-assignments" => Some(Grants::Assignments),
        "effective-privilege-assignments" => Some(Grants::EffectiveAssignments),
        _ => None,
    };
    const READ_WRITE: &[Method] = &[Method::GET, Method::POST];
    const ONE: &[Method] = &[Method::GET, Method::PATCH, Method::DELETE];
    const PERMISSIONS: &[Method] = &[Method::GET, Method::PATCH];
    const GET: &[Method] = &[Method::GET];
    match segments.as_slice() {
        ["secrets"] => Ok((Route::Secrets, READ_WRITE)),
        ["secrets", name] => Ok((Route::Secret(decode_segment(name)?), ONE)),
        [endpoint, kind, name] => {
            let endpoint = grants(endpoint).ok_or_else(not_found)?;
            let methods = if endpoint == Grants::Permissions {
                PERMISSIONS
            } else {
                GET
            };
            let route = Route::Grants(GrantsTarget {
                endpoint,
                kind: decode_segment(kind)?,
                full_name: decode_segment(name)?,
            });
            Ok((route, methods))
        }
        _ => Err(not_found()),
    }
}

/// Percent-decodes a path segment once; `+` is a plus sign.
fn decode_segment(segment: &str) -> Result<String, ServiceError> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            let byte = hex
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| ServiceError::invalid("The path holds a broken percent-escape."))?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ServiceError::invalid("The path is not UTF-8 once decoded."))
}

/// Answers one authenticated request under [`PREFIX`].
pub(super) fn answer(
    emulator: &Emulator,
    caller: &Caller,
    method: &Method,
    uri: &Uri,
    body: &Bytes,
) -> Response {
    let (route, methods) = match route(method, uri.path()) {
        Ok(found) => found,
        Err(e) => return error_response(&e, uri.path()),
    };
    if !methods.contains(method) {
        let allowed: Vec<&str> = methods.iter().map(Method::as_str).collect();
        let error = ServiceError::new(
            ErrorCode::MethodNotAllowed,
            format!(
                "Method {method} is not allowed for '{}'; use {}.",
                uri.path(),
                allowed.join(" or ")
            ),
        );
        let mut response = error_response(&error, uri.path());
        if let Ok(value) = HeaderValue::from_str(&allowed.join(", ")) {
            response.headers_mut().insert(header::ALLOW, value);
        }
        return response;
    }
    let result = Query::from_uri(uri).and_then(|query| match route {
        Route::Secrets => secrets::secrets(emulator, caller, method, &query, body),
        Route::Secret(name) => secrets::secret(emulator, caller, method, &name, &query, body),
        Route::Grants(target) => grants::grants(emulator, caller, method, &target, &query, body),
    });
    error_or_json(result, uri.path())
}

/// The query's parameters, form-decoded; each may be given once.
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    fn from_uri(uri: &Uri) -> Result<Self, ServiceError> {
        let axum::extract::Query(pairs) =
            axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri)
                .map_err(|e| malformed(format!("Could not parse query string: {e}")))?;
        Ok(Self(pairs))
    }

    pub(crate) fn get(&self, name: &str) -> Result<Option<&str>, ServiceError> {
        let mut found = self
            .0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str());
        let first = found.next();
        if found.next().is_some() {
            return Err(ServiceError::invalid(format!(
                "The query parameter '{name}' is given more than once; a list (such as \
                 update_mask) is one comma-separated value."
            )));
        }
        Ok(first)
    }

    pub(crate) fn bool(&self, name: &str) -> Result<bool, ServiceError> {
        match self.get(name)? {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(other) => Err(ServiceError::invalid(format!(
                "Invalid {name} '{other}': expected true or false."
            ))),
        }
    }

    pub(crate) fn int(&self, name: &str) -> Result<Option<i64>, ServiceError> {
        self.get(name)?
            .map(|v| {
                v.parse().map_err(|_| {
                    ServiceError::invalid(format!("Invalid {name} '{v}': expected an integer."))
                })
            })
            .transpose()
    }
}

/// A request body: a JSON object.
pub(crate) fn object(body: &Bytes) -> Result<Map<String, Value>, ServiceError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(malformed(
            "Could not parse request object: expected a JSON object.",
        )),
        Err(_) if body.is_empty() => {
            Err(malformed("Request body is empty; expected a JSON object."))
        }
        Err(e) => Err(malformed(format!("Could not parse request object: {e}"))),
    }
}

/// A string field (`null` is absent).
pub(crate) fn string(map: &Map<String, Value>, name: &str) -> Result<Option<String>, ServiceError> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(malformed(format!(
            "Could not parse request object: field '{name}' must be a string."
        ))),
    }
}

pub(crate) fn to_value<T: Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// `{"<name>": [...], "next_page_token"?}`, the array left out when empty.
pub(crate) fn page_json<T: Serialize>(name: &str, page: Page<T>) -> Value {
    let mut map = Map::new();
    if !page.items.is_empty() {
        map.insert(name.to_string(), to_value(page.items));
    }
    if let Some(token) = page.next_page_token {
        map.insert("next_page_token".to_string(), Value::String(token));
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_decode_once_and_keep_plus() {
        assert_eq!(
            decode_segment("main.app.k%C3%BC+x%2541").unwrap(),
            "main.app.kü+x%41"
        );
        assert_eq!(decode_segment("a%2Fb%20c").unwrap(), "a/b c");
        assert!(decode_segment("a%zz").is_err());
        assert!(decode_segment("a%ff").is_err());
        assert!(decode_segment("a%4").is_err());
    }

    #[test]
    fn routes() {
        let get = &Method::GET;
        assert!(matches!(
            route(get, "/api/2.1/unity-catalog/secrets").unwrap().0,
            Route::Secrets
        ));
        match route(get, "/api/2.1/unity-catalog/secrets/m.s.k%40x")
            .unwrap()
            .0
        {
            Route::Secret(name) => assert_eq!(name, "m.s.k@x"),
            _ => panic!("a secret"),
        }
        match route(
            get,
            "/api/2.1/unity-catalog/effective-privilege-assignments/SECRET/m.s.k",
        )
        .unwrap()
        {
            (
                Route::Grants(GrantsTarget {
                    endpoint: Grants::EffectiveAssignments,
                    kind,
                    full_name: name,
                }),
                methods,
            ) => {
                assert_eq!(
                    (kind.as_str(), name.as_str(), methods),
                    ("SECRET", "m.s.k", &[Method::GET][..])
                );
            }
            _ => panic!("grants"),
        }
        for bad in [
            "/api/2.1/unity-catalog/tables",
            "/api/2.1/unity-catalog/secrets/a/b",
            "/api/2.1/unity-catalog/grants/x/y",
        ] {
            let e = route(get, bad).err().expect(bad);
            assert_eq!(e.code, ErrorCode::EndpointNotFound, "{bad}");
        }
    }

    #[test]
    fn query_parameters_are_given_once() {
        let uri: Uri = "/x?update_mask=value&update_mask=comment&b=true&n=-3"
            .parse()
            .unwrap();
        let q = Query::from_uri(&uri).unwrap();
        assert!(q
            .get("update_mask")
            .unwrap_err()
            .message
            .contains("more than once"));
        assert!(q.bool("b").unwrap() && !q.bool("missing").unwrap());
        assert_eq!(q.int("n").unwrap(), Some(-3));
        let q = Query::from_uri(&"/x?b=True&n=x".parse().unwrap()).unwrap();
        assert!(q.bool("b").is_err() && q.int("n").is_err());
    }
}
