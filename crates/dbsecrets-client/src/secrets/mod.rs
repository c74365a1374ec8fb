//! One function per endpoint of secrets-api.md. Bodies carry only the fields that
//! are set; names are sent as given (validation happens before, in the commands).

use base64::Engine;
use secrecy::{ExposeSecret, SecretBox};
use serde_json::json;

use super::models::*;
use super::{ApiClient, ApiError};
use crate::secret::SecretValue;

impl ApiClient {
    pub async fn list_scopes(&self) -> Result<Vec<SecretScope>, ApiError> {
        let r: ListScopesResponse = self.get("/api/2.0/secrets/scopes/list", &[]).await?;
        Ok(r.scopes)
    }

    pub async fn create_scope(&self, req: &CreateScope) -> Result<(), ApiError> {
        let body = serde_json::to_value(req).expect("CreateScope serializes");
        self.post::<Empty>("/api/2.0/secrets/scopes/create", &body)
            .await
            .map(drop)
    }

    pub async fn delete_scope(&self, scope: &str) -> Result<(), ApiError> {
        self.post::<Empty>("/api/2.0/secrets/scopes/delete", &json!({ "scope": scope }))
            .await
            .map(drop)
    }

    pub async fn list_secrets(&self, scope: &str) -> Result<Vec<SecretMetadata>, ApiError> {
        let r: ListSecretsResponse = self
            .get("/api/2.0/secrets/list", &[("scope", scope)])
            .await?;
        Ok(r.secrets)
    }

    /// Puts a value: `string_value` for text, `bytes_value` (base64) for bytes.
    pub async fn put_secret(
        &self,
        scope: &str,
        key: &str,
        value: &SecretValue,
    ) -> Result<(), ApiError> {
        let body = match value {
            SecretValue::Text(s) => {
                json!({ "scope": scope, "key": key, "string_value": s.expose_secret() })
            }
            SecretValue::Bytes(_) => {
                json!({ "scope": scope, "key": key, "bytes_value": value.to_base64().expose_secret() })
            }
        };
        self.post::<Empty>("/api/2.0/secrets/put", &body)
            .await
            .map(drop)
    }

    pub async fn delete_secret(&self, scope: &str, key: &str) -> Result<(), ApiError> {
        self.post::<Empty>(
            "/api/2.0/secrets/delete",
            &json!({ "scope": scope, "key": key }),
        )
        .await
        .map(drop)
    }

    /// Reads a value and decodes its base64.
    pub async fn get_secret(&self, scope: &str, key: &str) -> Result<SecretBox<Vec<u8>>, ApiError> {
        let r: GetSecretResponse = self
            .get("/api/2.0/secrets/get", &[("scope", scope), ("key", key)])
            .await?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(r.value.expose_secret().trim())
            .map_err(|_| ApiError::InvalidResponse {
                status: 200,
                detail: "the secret value is not valid base64".into(),
            })?;
        Ok(SecretBox::new(Box::new(bytes)))
    }

    pub async fn list_acls(&self, scope: &str) -> Result<Vec<AclItem>, ApiError> {
        let r: ListAclsResponse = self
            .get("/api/2.0/secrets/acls/list", &[("scope", scope)])
            .await?;
        Ok(r.items)
    }

    pub async fn get_acl(&self, scope: &str, principal: &str) -> Result<AclItem, ApiError> {
        self.get(
            "/api/2.0/secrets/acls/get",
            &[("scope", scope), ("principal", principal)],
        )
        .await
    }

    pub async fn put_acl(
        &self,
        scope: &str,
        principal: &str,
        permission: &str,
    ) -> Result<(), ApiError> {
        let body = json!({ "scope": scope, "principal": principal, "permission": permission });
        self.post::<Empty>("/api/2.0/secrets/acls/put", &body)
            .await
            .map(drop)
    }

    pub async fn delete_acl(&self, scope: &str, principal: &str) -> Result<(), ApiError> {
        self.post::<Empty>(
            "/api/2.0/secrets/acls/delete",
            &json!({ "scope": scope, "principal": principal }),
        )
        .await
        .map(drop)
    }
}
