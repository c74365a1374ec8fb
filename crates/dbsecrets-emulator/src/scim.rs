//! `GET /api/2.0/preview/scim/v2/Me`: who the caller is, as the workspace's
//! SCIM API says it (what `dbsecrets auth describe --check` shows).

use axum::http::Method;
use axum::response::Response;
use serde_json::json;

use super::secrets_api::{endpoint_not_found, error_or_json, error_response};
use super::state::Caller;

/// The path of the current user.
pub const ME_PATH: &str = "/api/2.0/preview/scim/v2/Me";

/// The caller as a SCIM user: `userName` is the principal's name (a user's
/// e-mail address, a service principal's application id).
pub fn me(caller: &Caller, method: &Method) -> Response {
    if method != Method::GET {
        return error_response(&endpoint_not_found(method, ME_PATH), ME_PATH);
    }
    let groups: Vec<_> = caller
        .groups
        .iter()
        .map(|g| json!({"display": g, "type": "direct"}))
        .collect();
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": stable_id(&caller.name),
        "userName": caller.name,
        "displayName": caller.name,
        "active": true,
        "groups": groups,
    });
    error_or_json(Ok(body), ME_PATH)
}

/// A numeric id that stays the same for a name across runs.
fn stable_id(name: &str) -> String {
    // FNV-1a: stable across processes, unlike std's hasher.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    (h % 10_000_000_000_000_000).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        assert_eq!(
            stable_id("alice@example.com"),
            stable_id("alice@example.com")
        );
        assert_ne!(stable_id("alice@example.com"), stable_id("bob@example.com"));
    }
}
