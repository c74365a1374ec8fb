//! The Secrets API 2.0 (secrets-api.md): workspace secret scopes, their
//! secrets and ACLs, one method per endpoint. Bodies carry only the fields
//! that are set. Names are sent as given: check them first with
//! [`crate::names`].
//!
//! This is also where the endpoint-specific meaning of a generic answer is
//! decided, once: `400 BAD_REQUEST` to `get` is a notebook-only workspace; to
//! a write, a Key Vault-backed (read-only) scope.
//!
//! Every method can fail with the kinds every request can
//! ([`ErrorKind::Unauthenticated`], [`ErrorKind::PermissionDenied`],
//! [`ErrorKind::Throttled`], [`ErrorKind::Transport`], …); each method lists
//! the ones particular to it. No list call is paginated.
//!
//! ```no_run
//! # async fn demo(client: &dbsecrets_client::Client) -> Result<(), dbsecrets_client::Error> {
//! use dbsecrets_client::{names, SecretValue};
//! let api = client.secrets();
//! names::scope("my-app")?;
//! names::key("db-password")?;
//! api.put_secret("my-app", "db-password", &SecretValue::text("s3cr3t")).await?;
//! for s in api.list_secrets("my-app").await? {
//!     println!("{} {:?}", s.key, s.last_updated_timestamp);
//! }
//! # Ok(()) }
//! ```

pub mod models;

use base64::Engine;
use reqwest::Method;
use secrecy::{ExposeSecret, SecretBox};
use serde_json::json;

use self::models::*;
use crate::value::SecretValue;
use crate::{Client, Error, ErrorKind};

impl Client {
    /// The Secrets API 2.0: workspace secret scopes, their secrets and ACLs.
    /// Cheap: a borrowed view of the client, made for each use.
    pub fn secrets(&self) -> SecretsApi<'_> {
        SecretsApi { client: self }
    }
}

/// The Secrets API 2.0 of one workspace: `client.secrets()`. One method per
/// endpoint; each sends one request (retried on throttling as
/// [`Client::execute`] says).
#[derive(Clone, Copy)]
pub struct SecretsApi<'a> {
    client: &'a Client,
}

impl SecretsApi<'_> {
    /// `GET /api/2.0/secrets/scopes/list`: every scope of the workspace, with
    /// its backend. Empty when there are none.
    pub async fn list_scopes(&self) -> Result<Vec<SecretScope>, Error> {
        let r: ListScopesResponse = self.client.get("/api/2.0/secrets/scopes/list", &[]).await?;
        Ok(r.scopes)
    }

    /// `POST /api/2.0/secrets/scopes/create` with `req` as the body (unset
    /// fields left out).
    ///
    /// A scope that exists is [`ErrorKind::AlreadyExists`]; too many scopes,
    /// [`ErrorKind::LimitExceeded`]; a Key Vault-backed scope created without an
    /// Azure AD token, [`ErrorKind::AzureTokenRequired`].
    pub async fn create_scope(&self, req: &CreateScope) -> Result<(), Error> {
        let body = serde_json::to_value(req).expect("CreateScope serializes");
        self.client
            .send(
                Method::POST,
                "/api/2.0/secrets/scopes/create",
                &[],
                Some(&body),
            )
            .await
            .map_err(|e| {
                let keyvault = req.scope_backend_type.is_some()
                    && e.server_message()
                        .is_some_and(|m| m.contains("AADToken") || m.contains("AAD token"));
                if keyvault {
                    e.reclassified(ErrorKind::AzureTokenRequired)
                } else {
                    e
                }
            })
    }

    /// `POST /api/2.0/secrets/scopes/delete` with `{"scope"}`: deletes the scope
    /// with all its secrets and ACLs. A missing scope is [`ErrorKind::NotFound`].
    pub async fn delete_scope(&self, scope: &str) -> Result<(), Error> {
        self.client
            .send(
                Method::POST,
                "/api/2.0/secrets/scopes/delete",
                &[],
                Some(&json!({ "scope": scope })),
            )
            .await
    }

    /// `GET /api/2.0/secrets/list?scope=…`: keys and when each was last
    /// updated, never values. A missing scope is [`ErrorKind::NotFound`].
    pub async fn list_secrets(&self, scope: &str) -> Result<Vec<SecretMetadata>, Error> {
        let r: ListSecretsResponse = self
            .client
            .get("/api/2.0/secrets/list", &[("scope", scope)])
            .await?;
        Ok(r.secrets)
    }

    /// `POST /api/2.0/secrets/put` with `{"scope", "key", "string_value"}` for
    /// text or `{"scope", "key", "bytes_value"}` (base64) for bytes: creates the
    /// secret, or overwrites the value of an existing key. The trace masks the value.
    ///
    /// The length is not checked here: call [`crate::names::value_len`] first.
    /// A missing scope is [`ErrorKind::NotFound`]; a scope that already holds
    /// the most secrets, [`ErrorKind::LimitExceeded`]; a Key Vault-backed scope,
    /// [`ErrorKind::ReadOnlyScope`].
    pub async fn put_secret(
        &self,
        scope: &str,
        key: &str,
        value: &SecretValue,
    ) -> Result<(), Error> {
        let body = match value {
            SecretValue::Text(s) => {
                json!({ "scope": scope, "key": key, "string_value": s.expose_secret() })
            }
            SecretValue::Bytes(_) => {
                json!({ "scope": scope, "key": key, "bytes_value": value.to_base64().expose_secret() })
            }
        };
        self.client
            .send(Method::POST, "/api/2.0/secrets/put", &[], Some(&body))
            .await
            .map_err(write_failure)
    }

    /// `POST /api/2.0/secrets/delete` with `{"scope", "key"}`. A missing scope
    /// or key is [`ErrorKind::NotFound`]; a Key Vault-backed scope,
    /// [`ErrorKind::ReadOnlyScope`].
    pub async fn delete_secret(&self, scope: &str, key: &str) -> Result<(), Error> {
        self.client
            .send(
                Method::POST,
                "/api/2.0/secrets/delete",
                &[],
                Some(&json!({ "scope": scope, "key": key })),
            )
            .await
            .map_err(write_failure)
    }

    /// `GET /api/2.0/secrets/get?scope=…&key=…`: the value's bytes (decoded
    /// from base64), in memory that is wiped on drop.
    /// A workspace that only lets notebooks read values answers
    /// [`ErrorKind::NotebookOnly`]; a missing scope or key is
    /// [`ErrorKind::NotFound`]; a value that is not base64,
    /// [`ErrorKind::InvalidResponse`].
    pub async fn get_secret(&self, scope: &str, key: &str) -> Result<SecretBox<Vec<u8>>, Error> {
        let r: GetSecretResponse = self
            .client
            .get("/api/2.0/secrets/get", &[("scope", scope), ("key", key)])
            .await
            .map_err(|e| {
                if e.http_status() == Some(400) && e.error_code() == Some("BAD_REQUEST") {
                    e.reclassified(ErrorKind::NotebookOnly)
                } else {
                    e
                }
            })?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(r.value.expose_secret().trim())
            .map_err(|_| Error::invalid_response(200, "the secret value is not valid base64"))?;
        Ok(SecretBox::new(Box::new(bytes)))
    }

    /// `GET /api/2.0/secrets/acls/list?scope=…`: every principal's permission
    /// on the scope. A missing scope is [`ErrorKind::NotFound`].
    pub async fn list_acls(&self, scope: &str) -> Result<Vec<AclItem>, Error> {
        let r: ListAclsResponse = self
            .client
            .get("/api/2.0/secrets/acls/list", &[("scope", scope)])
            .await?;
        Ok(r.items)
    }

    /// `GET /api/2.0/secrets/acls/get?scope=…&principal=…`: one principal's
    /// permission. A missing scope, or a principal with no ACL on it, is
    /// [`ErrorKind::NotFound`].
    pub async fn get_acl(&self, scope: &str, principal: &str) -> Result<AclItem, Error> {
        self.client
            .get(
                "/api/2.0/secrets/acls/get",
                &[("scope", scope), ("principal", principal)],
            )
            .await
    }

    /// `POST /api/2.0/secrets/acls/put` with `{"scope", "principal",
    /// "permission"}`: creates or replaces the principal's permission.
    /// `permission` is sent as given: normalize it with
    /// [`crate::names::permission`] (`READ`, `WRITE` or `MANAGE`).
    pub async fn put_acl(
        &self,
        scope: &str,
        principal: &str,
        permission: &str,
    ) -> Result<(), Error> {
        let body = json!({ "scope": scope, "principal": principal, "permission": permission });
        self.client
            .send(Method::POST, "/api/2.0/secrets/acls/put", &[], Some(&body))
            .await
    }

    /// `POST /api/2.0/secrets/acls/delete` with `{"scope", "principal"}`. A
    /// missing scope or ACL is [`ErrorKind::NotFound`].
    pub async fn delete_acl(&self, scope: &str, principal: &str) -> Result<(), Error> {
        self.client
            .send(
                Method::POST,
                "/api/2.0/secrets/acls/delete",
                &[],
                Some(&json!({ "scope": scope, "principal": principal })),
            )
            .await
    }
}

/// A write to a Key Vault-backed scope is refused with `400 BAD_REQUEST` and a
/// message naming the Key Vault: the one case where the message decides.
fn write_failure(e: Error) -> Error {
    let keyvault = e.http_status() == Some(400)
        && e.error_code() == Some("BAD_REQUEST")
        && e.server_message().is_some_and(|m| {
            let m = m.to_ascii_lowercase();
            m.contains("keyvault") || m.contains("key vault")
        });
    if keyvault {
        e.reclassified(ErrorKind::ReadOnlyScope)
    } else {
        e
    }
}
