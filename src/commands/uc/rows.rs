//! What the `uc` commands print: a secret in a listing, one secret's
//! metadata, and what a change did.

use dbsecrets_client::secrets_uc::models::Secret;
use serde::Serialize;

use crate::output::{set_columns, Columns, Row};

/// One secret in a listing (never its value).
#[derive(Debug, Serialize, PartialEq)]
pub struct UcSecretRow {
    pub full_name: String,
    pub owner: Option<String>,
    pub comment: Option<String>,
    pub expires: Option<String>,
    pub updated: Option<String>,
    pub updated_by: Option<String>,
}

impl From<&Secret> for UcSecretRow {
    fn from(s: &Secret) -> Self {
        UcSecretRow {
            full_name: s.display_name(),
            owner: s.owner_in_force().map(str::to_string),
            comment: s.comment.clone(),
            expires: s.expire_time.clone(),
            updated: s.update_time.clone(),
            updated_by: s.updated_by.clone(),
        }
    }
}

fn cell(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

impl Row for UcSecretRow {
    const HEADERS: &'static [&'static str] = &[
        "full_name",
        "owner",
        "comment",
        "expires",
        "updated",
        "updated_by",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.full_name.clone(),
            cell(&self.owner),
            cell(&self.comment),
            cell(&self.expires),
            cell(&self.updated),
            cell(&self.updated_by),
        ]
    }
}

/// One secret's metadata (`uc show`, and the fields of `uc get -o json`).
#[derive(Debug, Serialize, PartialEq)]
pub struct UcSecretDetail {
    pub full_name: String,
    pub owner: Option<String>,
    pub comment: Option<String>,
    pub expires: Option<String>,
    pub created: Option<String>,
    pub created_by: Option<String>,
    pub updated: Option<String>,
    pub updated_by: Option<String>,
    pub metastore_id: Option<String>,
}

impl From<&Secret> for UcSecretDetail {
    fn from(s: &Secret) -> Self {
        UcSecretDetail {
            full_name: s.display_name(),
            owner: s.owner_in_force().map(str::to_string),
            comment: s.comment.clone(),
            expires: s.expire_time.clone(),
            created: s.create_time.clone(),
            created_by: s.created_by.clone(),
            updated: s.update_time.clone(),
            updated_by: s.updated_by.clone(),
            metastore_id: s.metastore_id.clone(),
        }
    }
}

impl Row for UcSecretDetail {
    const HEADERS: &'static [&'static str] = &[
        "full_name",
        "owner",
        "comment",
        "expires",
        "created",
        "created_by",
        "updated",
        "updated_by",
        "metastore_id",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.full_name.clone(),
            cell(&self.owner),
            cell(&self.comment),
            cell(&self.expires),
            cell(&self.created),
            cell(&self.created_by),
            cell(&self.updated),
            cell(&self.updated_by),
            cell(&self.metastore_id),
        ]
    }
}

/// What `uc put`, `update` and `delete` did, as printed with `-o json` / `-o csv`.
#[derive(Debug, Default, Serialize)]
pub struct UcOutcome {
    /// created, updated, deleted, absent.
    pub result: &'static str,
    pub full_name: String,
    /// The fields that were set, e.g. `value,comment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<String>,
    /// The new value's size (never the value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

impl Columns for UcOutcome {
    fn columns(&self) -> (Vec<&'static str>, Vec<String>) {
        set_columns(
            self,
            &[
                "result",
                "full_name",
                "changed",
                "bytes",
                "expires",
                "owner",
            ],
        )
    }
}
