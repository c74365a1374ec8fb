//! The permissions endpoints: `permissions` (`GET`, `PATCH`),
//! `effective-permissions`, `privilege-assignments` and
//! `effective-privilege-assignments` (`GET`).

use axum::body::Bytes;
use axum::http::Method;
use serde_json::{Map, Value};

use super::{object, page_json, string, Grants, GrantsTarget, Query};
use crate::secrets_api::malformed;
use crate::state::uc::{Change, Page, PageRequest};
use crate::state::{Caller, ErrorCode, ServiceError};
use crate::Emulator;

/// The permissions endpoints.
pub(super) fn grants(
    emulator: &Emulator,
    caller: &Caller,
    method: &Method,
    target: &GrantsTarget,
    query: &Query,
    body: &Bytes,
) -> Result<Value, ServiceError> {
    let (endpoint, kind, full_name) = (
        target.endpoint,
        target.kind.as_str(),
        target.full_name.as_str(),
    );
    if method == Method::PATCH {
        let (changes, omit) = changes(body)?;
        // Unity Catalog grants only account-level principals.
        if let Some(local) = changes
            .iter()
            .filter_map(|c| c.principal.as_deref())
            .find(|p| !emulator.uc_knows(p))
        {
            return Err(ServiceError::new(
                ErrorCode::ResourceDoesNotExist,
                format!("Could not find principal with name {local}."),
            ));
        }
        let after = emulator.change(|store| {
            store
                .uc_mut()
                .update_grants(caller, kind, full_name, changes)
        })?;
        let page = Page {
            items: if omit { Vec::new() } else { after },
            next_page_token: None,
        };
        return Ok(page_json("privilege_assignments", page));
    }
    let request = match endpoint {
        Grants::Permissions | Grants::Effective => {
            PageRequest::MaxResults(query.int("max_results")?)
        }
        Grants::Assignments | Grants::EffectiveAssignments => {
            PageRequest::PageSize(query.int("page_size")?)
        }
    };
    let (token, principal) = (query.get("page_token")?, query.get("principal")?);
    let store = emulator.store();
    let uc = store.uc();
    Ok(match endpoint {
        Grants::Permissions | Grants::Assignments => {
            let page = uc.get_grants(caller, kind, full_name, request, token, principal)?;
            page_json("privilege_assignments", page)
        }
        Grants::Effective => {
            let page =
                uc.get_effective_grants(caller, kind, full_name, request, token, principal)?;
            page_json("privilege_assignments", page)
        }
        Grants::EffectiveAssignments => {
            let page =
                uc.get_effective_grants(caller, kind, full_name, request, token, principal)?;
            page_json("effective_privilege_assignments", page)
        }
    })
}

/// An update's `changes` and `omit_permissions_in_response`.
fn changes(body: &Bytes) -> Result<(Vec<Change>, bool), ServiceError> {
    let map = object(body)?;
    let bad = |what: &str| malformed(format!("Could not parse request object: {what}."));
    let omit = match map.get("omit_permissions_in_response") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(bad(
                "field 'omit_permissions_in_response' must be a boolean",
            ))
        }
    };
    let items = match map.get("changes") {
        None | Some(Value::Null) => return Ok((Vec::new(), omit)),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(bad("field 'changes' must be an array")),
    };
    let strings = |change: &Map<String, Value>, name: &str| -> Result<Vec<String>, ServiceError> {
        match change.get(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(values)) => values
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| bad(&format!("field '{name}' must be an array of strings"))),
            Some(_) => Err(bad(&format!("field '{name}' must be an array of strings"))),
        }
    };
    let mut out = Vec::new();
    for item in items {
        let change = item
            .as_object()
            .ok_or_else(|| bad("each change must be an object"))?;
        out.push(Change {
            principal: string(change, "principal")?,
            add: strings(change, "add")?,
            remove: strings(change, "remove")?,
        });
    }
    Ok((out, omit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::ErrorCode;

    #[test]
    fn changes_parse_with_their_types() {
        let (c, omit) = changes(&Bytes::from(
            r#"{"changes":[{"principal":"a","add":["X"]}],"omit_permissions_in_response":true}"#,
        ))
        .unwrap();
        assert_eq!(
            c,
            [Change {
                principal: Some("a".into()),
                add: vec!["X".into()],
                remove: vec![]
            }]
        );
        assert!(omit);
        for bad in [
            r#"{"changes":{}}"#,
            r#"{"changes":[{"add":"X"}]}"#,
            r#"{"changes":[1]}"#,
            "[]",
            "",
        ] {
            assert_eq!(
                changes(&Bytes::from(bad)).unwrap_err().code,
                ErrorCode::MalformedRequest,
                "{bad}"
            );
        }
    }
}
