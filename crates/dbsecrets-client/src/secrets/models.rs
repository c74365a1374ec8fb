//! Request and response bodies of the Secrets API 2.0 (serde only).
//!
//! [`SecretsApi`](super::SecretsApi) returns the items ([`SecretScope`],
//! [`SecretMetadata`], [`AclItem`]) rather than the list responses; the
//! responses are public for code that calls [`Client::get`](crate::Client::get) itself.
//!
//! Responses are parsed tolerantly: absent lists are empty, unknown fields are
//! ignored, enum-like fields stay strings, and timestamps may be numbers or
//! numeric strings (see secrets-api.md).

use serde::{Deserialize, Deserializer, Serialize};

/// The answer of `GET /api/2.0/secrets/scopes/list`.
#[derive(Debug, Default, Deserialize)]
pub struct ListScopesResponse {
    /// Every scope of the workspace, in the server's order; empty when the
    /// server leaves the key out.
    #[serde(default, deserialize_with = "null_as_default")]
    pub scopes: Vec<SecretScope>,
}

/// A secret scope, as listed.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct SecretScope {
    /// The scope name. The service compares names case-insensitively.
    pub name: String,
    /// Where its secrets are stored: `DATABRICKS` or `AZURE_KEYVAULT` (kept as
    /// a string so that a new value is shown, not refused).
    #[serde(default)]
    pub backend_type: Option<String>,
    /// The Azure Key Vault behind an `AZURE_KEYVAULT` scope.
    #[serde(default)]
    pub keyvault_metadata: Option<KeyVaultMetadata>,
}

/// The Azure Key Vault behind a scope: in a listed scope, and in
/// [`CreateScope::backend_azure_keyvault`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct KeyVaultMetadata {
    /// The vault's Azure resource id,
    /// `/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>`.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// The vault's DNS name, e.g. `https://my-vault.vault.azure.net/`.
    #[serde(default)]
    pub dns_name: Option<String>,
}

/// The answer of `GET /api/2.0/secrets/list`.
#[derive(Debug, Default, Deserialize)]
pub struct ListSecretsResponse {
    /// Every secret of the scope (keys only, never values); empty when the
    /// server leaves the key out.
    #[serde(default, deserialize_with = "null_as_default")]
    pub secrets: Vec<SecretMetadata>,
}

/// A secret's key and when it was last written: never its value.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct SecretMetadata {
    /// The secret's key. The service compares keys case-insensitively.
    pub key: String,
    /// When the value was last written, in milliseconds since the Unix epoch
    /// (UTC); `None` when the server sent none, or sent something that is
    /// neither a number nor a numeric string.
    #[serde(default, deserialize_with = "lenient_millis")]
    pub last_updated_timestamp: Option<i64>,
}

/// The answer of `GET /api/2.0/secrets/acls/list`.
#[derive(Debug, Default, Deserialize)]
pub struct ListAclsResponse {
    /// Every ACL of the scope (the server names the array `items`, not `acls`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub items: Vec<AclItem>,
}

/// One principal's permission on a scope.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct AclItem {
    /// A user name (e-mail), a service principal's application id, or a
    /// group name such as `users` (all workspace users).
    pub principal: String,
    /// READ, WRITE or MANAGE; kept as a string so that a new value is shown, not refused.
    pub permission: String,
}

/// The answer of `GET /api/2.0/secrets/get`: the value is base64 of the stored
/// bytes. `Debug` masks the value.
#[derive(Deserialize)]
pub struct GetSecretResponse {
    /// The key, as the server echoes it.
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

/// The empty object that mutating endpoints answer (any fields are ignored).
#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

/// The body of `POST /api/2.0/secrets/scopes/create`. Fields that are `None`
/// are left out of the JSON.
///
/// ```
/// use dbsecrets_client::secrets::models::CreateScope;
/// // A Databricks-backed scope that every workspace user may manage.
/// let req = CreateScope {
///     scope: "team-secrets".into(),
///     initial_manage_principal: Some("users".into()),
///     scope_backend_type: None,
///     backend_azure_keyvault: None,
/// };
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct CreateScope {
    /// The new scope's name ([`crate::names::scope`] checks it).
    pub scope: String,
    /// `users` to give every workspace user MANAGE (the only value the service
    /// accepts); `None` to give MANAGE to the caller only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_manage_principal: Option<String>,
    /// `DATABRICKS` (the default when `None`) or `AZURE_KEYVAULT`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope_backend_type: Option<String>,
    /// The Key Vault of an `AZURE_KEYVAULT` scope (both fields needed).
    /// Creating one needs an Azure AD token, not a personal access token.
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
