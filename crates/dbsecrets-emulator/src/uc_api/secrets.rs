//! The secrets endpoints: `POST` and `GET /secrets`, and `GET`, `PATCH`
//! and `DELETE /secrets/{full_name}`.

use axum::body::Bytes;
use axum::http::Method;
use serde_json::{json, Value};

use super::{object, page_json, string, to_value, Query};
use crate::state::uc::names::millis;
use crate::state::uc::SecretFields;
use crate::state::{Caller, ServiceError};
use crate::Emulator;

/// A flat Secret from a create's or an update's body.
pub(super) fn secret_fields(body: &Bytes) -> Result<SecretFields, ServiceError> {
    let map = object(body)?;
    Ok(SecretFields {
        name: string(&map, "name")?,
        catalog_name: string(&map, "catalog_name")?,
        schema_name: string(&map, "schema_name")?,
        full_name: string(&map, "full_name")?,
        value: string(&map, "value")?,
        comment: string(&map, "comment")?,
        owner: string(&map, "owner")?,
        expire_time: string(&map, "expire_time")?,
    })
}

fn now() -> chrono::DateTime<chrono::Utc> {
    millis(chrono::Utc::now())
}

/// `POST /secrets` (create) and `GET /secrets` (list).
pub(super) fn secrets(
    emulator: &Emulator,
    caller: &Caller,
    method: &Method,
    query: &Query,
    body: &Bytes,
) -> Result<Value, ServiceError> {
    if method == Method::POST {
        let fields = secret_fields(body)?;
        let info = emulator.change(|store| store.uc_mut().create_secret(caller, fields, now()))?;
        return Ok(to_value(info));
    }
    let (catalog, schema) = (query.get("catalog_name")?, query.get("schema_name")?);
    let (size, token) = (query.int("page_size")?, query.get("page_token")?);
    let page = emulator
        .store()
        .uc()
        .list_secrets(caller, catalog, schema, size, token)?;
    Ok(page_json("secrets", page))
}

/// `GET`, `PATCH` and `DELETE /secrets/{full_name}`.
pub(super) fn secret(
    emulator: &Emulator,
    caller: &Caller,
    method: &Method,
    full_name: &str,
    query: &Query,
    body: &Bytes,
) -> Result<Value, ServiceError> {
    match *method {
        Method::GET => {
            let include_value = query.bool("include_value")?;
            let info = emulator
                .store()
                .uc()
                .get_secret(caller, full_name, include_value)?;
            Ok(to_value(info))
        }
        Method::PATCH => {
            let mask = query.get("update_mask")?;
            let fields = secret_fields(body)?;
            let info = emulator.change(|store| {
                store
                    .uc_mut()
                    .update_secret(caller, full_name, mask, fields, now())
            })?;
            Ok(to_value(info))
        }
        _ => {
            emulator.change(|store| store.uc_mut().delete_secret(caller, full_name))?;
            Ok(json!({}))
        }
    }
}
