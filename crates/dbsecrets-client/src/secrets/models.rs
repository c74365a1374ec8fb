//! Request and response bodies of the Secrets API 2.0 (serde only).
//!
//! Responses are parsed tolerantly: absent lists are empty, unknown fields are
//! ignored, enum-like fields stay strings, and timestamps may be numbers or
//! numeric strings (see secrets-api.md).

use serde::{Deserialize, Deserializer, Serialize};

#[derive(Debug, Default, Deserialize)]
pub struct ListScopesResponse {
    #[serde(default, deserialize_with = "null_as_default")]
    pub scopes: Vec<SecretScope>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct SecretScope {
    pub name: String,
    #[serde(default)]
    pub backend_type: Option<String>,
    #[serde(default)]
    pub keyvault_metadata: Option<KeyVaultMetadata>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct KeyVaultMetadata {
    #[serde(default)]
    pub resource_id: Option<String>,
    #[serde(default)]
    pub dns_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListSecretsResponse {
    #[serde(default, deserialize_with = "null_as_default")]
    pub secrets: Vec<SecretMetadata>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct SecretMetadata {
    pub key: String,
    #[serde(default, deserialize_with = "lenient_millis")]
    pub last_updated_timestamp: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListAclsResponse {
    #[serde(default, deserialize_with = "null_as_default")]
    pub items: Vec<AclItem>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct AclItem {
    pub principal: String,
    /// READ, WRITE or MANAGE; kept as a string so that a new value is shown, not refused.
    pub permission: String,
}

/// `GET /secrets/get`: the value is base64 of the stored bytes.
#[derive(Deserialize)]
pub struct GetSecretResponse {
    #[serde(default)]
    pub key: Option<String>,
    /// Base64 of the value: a secret too, wiped on drop.
    pub value: secrecy::SecretString,
}

impl std::fmt::Debug for GetSecretResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GetSecretResponse {{ key: {:?}, value: *** }}", self.key)
    }
}

/// The empty object that mutating endpoints answer.
#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

#[derive(Debug, Clone, Serialize)]
pub struct CreateScope {
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_manage_principal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope_backend_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backend_azure_keyvault: Option<KeyVaultMetadata>,
}

pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Milliseconds as an integer, a float, or a numeric string; anything else is "unknown".
fn lenient_millis<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        serde_json::Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_and_null_lists_are_empty() {
        let r: ListScopesResponse = serde_json::from_str("{}").unwrap();
        assert!(r.scopes.is_empty());
        let r: ListSecretsResponse = serde_json::from_str(r#"{"secrets": null}"#).unwrap();
        assert!(r.secrets.is_empty());
    }

    #[test]
    fn timestamps_are_tolerant() {
        let r: ListSecretsResponse = serde_json::from_str(
            r#"{"secrets":[{"key":"a","last_updated_timestamp":1700000000000},{"key":"b","last_updated_timestamp":"1700000000001"},{"key":"c"},{"key":"d","last_updated_timestamp":true}]}"#,
        )
        .unwrap();
        let ts: Vec<_> = r.secrets.iter().map(|s| s.last_updated_timestamp).collect();
        assert_eq!(
            ts,
            vec![Some(1_700_000_000_000), Some(1_700_000_000_001), None, None]
        );
    }

    #[test]
    fn unknown_fields_and_values_are_kept() {
        let r: ListAclsResponse = serde_json::from_str(
            r#"{"items":[{"principal":"u","permission":"OWN","extra":1}],"next":2}"#,
        )
        .unwrap();
        assert_eq!(r.items[0].permission, "OWN");
    }

    #[test]
    fn create_scope_leaves_out_unset_fields() {
        let body = CreateScope {
            scope: "s".into(),
            initial_manage_principal: None,
            scope_backend_type: None,
            backend_azure_keyvault: None,
        };
        assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"scope":"s"}"#);
    }
}
