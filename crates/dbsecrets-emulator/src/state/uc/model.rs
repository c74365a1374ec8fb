//! The objects of the emulated metastore: catalogs, schemas, secrets, their
//! owners and grants, and the Secret as the API returns it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::names::format_time;
use super::securable::Privilege;

/// Direct grants on one securable: principal → privileges.
pub(crate) type Grants = BTreeMap<String, BTreeSet<Privilege>>;

#[derive(Clone)]
pub(crate) struct Catalog {
    pub(crate) owner: String,
    pub(crate) grants: Grants,
    /// By name (lower case).
    pub(crate) schemas: BTreeMap<String, Schema>,
}

#[derive(Clone)]
pub(crate) struct Schema {
    pub(crate) owner: String,
    pub(crate) grants: Grants,
    /// By name (lower case).
    pub(crate) secrets: BTreeMap<String, Secret>,
}

/// A stored secret. No `Debug`, so its value cannot reach a log by accident.
#[derive(Clone)]
pub(crate) struct Secret {
    pub(crate) value: String,
    pub(crate) comment: Option<String>,
    pub(crate) owner: String,
    pub(crate) expire_time: Option<DateTime<Utc>>,
    pub(crate) create_time: DateTime<Utc>,
    pub(crate) created_by: String,
    pub(crate) update_time: DateTime<Utc>,
    pub(crate) updated_by: String,
    pub(crate) grants: Grants,
}

/// A Secret as the API answers with it. `owner` is input only: the owner in
/// force is `effective_owner`. `effective_value` is only ever set by a get
/// with `include_value=true` that READ SECRET allows; its `Debug` shows
/// no value.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct SecretInfo {
    pub name: String,
    pub catalog_name: String,
    pub schema_name: String,
    pub full_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
    pub effective_owner: String,
    pub metastore_id: String,
    pub create_time: String,
    pub created_by: String,
    pub update_time: String,
    pub updated_by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_value: Option<String>,
}

impl std::fmt::Debug for SecretInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretInfo")
            .field("full_name", &self.full_name)
            .field("effective_owner", &self.effective_owner)
            .field("comment", &self.comment)
            .field("expire_time", &self.expire_time)
            .field(
                "effective_value",
                &self.effective_value.as_ref().map(|_| "***"),
            )
            .finish_non_exhaustive()
    }
}

impl Secret {
    /// The API's view of this secret, named `[catalog, schema, name]`,
    /// without its value.
    pub(crate) fn info(&self, parts: [&str; 3], metastore_id: &str) -> SecretInfo {
        let [catalog, schema, name] = parts;
        SecretInfo {
            name: name.to_string(),
            catalog_name: catalog.to_string(),
            schema_name: schema.to_string(),
            full_name: format!("{catalog}.{schema}.{name}"),
            comment: self.comment.clone(),
            expire_time: self.expire_time.as_ref().map(format_time),
            effective_owner: self.owner.clone(),
            metastore_id: metastore_id.to_string(),
            create_time: format_time(&self.create_time),
            created_by: self.created_by.clone(),
            update_time: format_time(&self.update_time),
            updated_by: self.updated_by.clone(),
            effective_value: None,
        }
    }
}
