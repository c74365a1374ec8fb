//! The Unity Catalog `Secret` object (uc-secrets.md §3), as sent and as read.
//!
//! Responses are parsed tolerantly: every field may be absent and unknown
//! fields are ignored. The value is a secret: wiped on drop, never in `Debug`.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// A secret as the service returns it. `effective_value` is only present on
/// a get with `include_value=true` by a principal holding READ_SECRET.
#[derive(Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Secret {
    #[serde(default)]
    /// The secret's name within its schema (lower case).
    pub name: Option<String>,
    #[serde(default)]
    /// The catalog it is in.
    pub catalog_name: Option<String>,
    #[serde(default)]
    /// The schema it is in.
    pub schema_name: Option<String>,
    #[serde(default)]
    /// `catalog.schema.name`.
    pub full_name: Option<String>,
    #[serde(default)]
    /// What it is for, as its owner wrote it.
    pub comment: Option<String>,
    /// The owner in force (show this, not `owner`).
    #[serde(default)]
    pub effective_owner: Option<String>,
    /// Input only by the documentation; read when a server sends it anyway.
    #[serde(default)]
    pub owner: Option<String>,
    /// RFC 3339; informational only: it triggers nothing.
    #[serde(default)]
    pub expire_time: Option<String>,
    #[serde(default)]
    /// When it was created (RFC 3339, UTC).
    pub create_time: Option<String>,
    #[serde(default)]
    /// Who created it.
    pub created_by: Option<String>,
    #[serde(default)]
    /// When it last changed (RFC 3339, UTC).
    pub update_time: Option<String>,
    #[serde(default)]
    /// Who changed it last.
    pub updated_by: Option<String>,
    #[serde(default)]
    /// The metastore that holds it.
    pub metastore_id: Option<String>,
    /// The value, on `get` with `include_value=true` only.
    #[serde(default)]
    pub effective_value: Option<SecretString>,
}

impl Secret {
    /// `full_name`, or the parts joined when the server left it out.
    pub fn display_name(&self) -> String {
        match (
            &self.full_name,
            &self.catalog_name,
            &self.schema_name,
            &self.name,
        ) {
            (Some(f), ..) => f.clone(),
            (None, Some(c), Some(s), Some(n)) => format!("{c}.{s}.{n}"),
            (None, _, _, Some(n)) => n.clone(),
            _ => String::new(),
        }
    }

    /// The owner in force: `effective_owner`, else `owner`.
    pub fn owner_in_force(&self) -> Option<&str> {
        self.effective_owner.as_deref().or(self.owner.as_deref())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secret")
            .field("full_name", &self.display_name())
            .field("effective_owner", &self.effective_owner)
            .field("comment", &self.comment)
            .field("expire_time", &self.expire_time)
            .field("update_time", &self.update_time)
            .field(
                "effective_value",
                &self.effective_value.as_ref().map(|_| "***"),
            )
            .finish_non_exhaustive()
    }
}

/// `GET /api/2.1/unity-catalog/secrets`: one page.
#[derive(Debug, Default, Deserialize)]
pub struct ListSecretsResponse {
    #[serde(default, deserialize_with = "crate::secrets::models::null_as_default")]
    /// The secrets of this page (absent means none).
    pub secrets: Vec<Secret>,
    #[serde(default)]
    /// The token of the next page; absent or empty on the last.
    pub next_page_token: Option<String>,
}

/// The fields a create or an update sends: a flat Secret, only what is set.
/// JSON keys come out in alphabetical order, as the SDK sends them.
#[derive(Default, Serialize)]
pub struct SecretFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The catalog (create only; immutable).
    pub catalog_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// A comment.
    pub comment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// When it should no longer be used (RFC 3339).
    pub expire_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The name within the schema (create only; immutable).
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// A new owner.
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The schema (create only; immutable).
    pub schema_name: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "expose_value"
    )]
    /// The value (input only, never returned).
    pub value: Option<SecretString>,
}

impl std::fmt::Debug for SecretFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretFields")
            .field("name", &self.name)
            .field("comment", &self.comment)
            .field("expire_time", &self.expire_time)
            .field("owner", &self.owner)
            .field("value", &self.value.as_ref().map(|_| "***"))
            .finish_non_exhaustive()
    }
}

fn expose_value<S: serde::Serializer>(v: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    use secrecy::ExposeSecret;
    match v {
        Some(v) => s.serialize_str(v.expose_secret()),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerant_reading_and_masked_debug() {
        let s: Secret = serde_json::from_str(
            r#"{"full_name":"m.s.k","effective_value":"s3cr3t","browse_only":true,"extra":{"x":1}}"#,
        )
        .unwrap();
        assert_eq!(s.display_name(), "m.s.k");
        assert!(!format!("{s:?}").contains("s3cr3t"));
        let s: Secret =
            serde_json::from_str(r#"{"catalog_name":"m","schema_name":"s","name":"k"}"#).unwrap();
        assert_eq!(s.display_name(), "m.s.k");
        let page: ListSecretsResponse = serde_json::from_str(r#"{"secrets":null}"#).unwrap();
        assert!(page.secrets.is_empty() && page.next_page_token.is_none());
    }

    #[test]
    fn bodies_carry_only_what_is_set_in_alphabetical_order() {
        let b = SecretFields {
            name: Some("k".into()),
            catalog_name: Some("m".into()),
            schema_name: Some("s".into()),
            value: Some(SecretString::from("v")),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            r#"{"catalog_name":"m","name":"k","schema_name":"s","value":"v"}"#
        );
        assert!(!format!("{b:?}").contains("\"v\""));
    }
}
