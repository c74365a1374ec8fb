//! The store: every scope with its secrets and ACLs, and the eleven
//! operations of the Secrets API on it. Each operation checks names first,
//! then that the scope exists, then the caller's access, then its own rules.
//!
//! One thing: eleven short operations over one data structure (over 400
//! lines with their tests).

use std::collections::BTreeMap;

use serde::Serialize;

use super::access::{authorize, Caller, Permission, ScopeAction, USERS_GROUP};
use super::errors::{ErrorCode, ServiceError};
use super::names::{fold, validate_key, validate_principal, validate_scope_name};
use super::uc::UnityCatalog;

/// Most secrets one scope may hold.
pub const MAX_SECRETS_PER_SCOPE: usize = 1000;

/// Where a scope keeps its secrets (`scope_backend_type` on the wire).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScopeBackend {
    Databricks,
    AzureKeyVault {
        resource_id: String,
        dns_name: String,
    },
}

/// `keyvault_metadata` in a scope listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyVaultMetadata {
    pub resource_id: String,
    pub dns_name: String,
}

/// One entry of `scopes/list`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScopeInfo {
    pub name: String,
    pub backend_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyvault_metadata: Option<KeyVaultMetadata>,
}

/// One entry of `list` (secret metadata; never the value).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SecretInfo {
    pub key: String,
    pub last_updated_timestamp: i64,
}

/// One ACL entry, as `acls/get` and `acls/list` show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AclInfo {
    pub principal: String,
    pub permission: &'static str,
}

/// A stored secret. No `Debug`, so a value can't leak into a log by accident.
#[derive(Clone)]
pub(super) struct Secret {
    /// The key as it was first written (lookups use the lower-case map key).
    pub(super) key: String,
    pub(super) value: Vec<u8>,
    pub(super) last_updated_timestamp: i64,
}

#[derive(Clone)]
pub(super) struct Scope {
    /// The name as created; the map key is its lower-case form.
    pub(super) name: String,
    pub(super) backend: ScopeBackend,
    pub(super) secrets: BTreeMap<String, Secret>,
    pub(super) acls: BTreeMap<String, Permission>,
}

impl Scope {
    /// Whether `caller` may do `action` to this scope (see [`authorize`]).
    fn authorize(&self, caller: &Caller, action: ScopeAction) -> Result<(), ServiceError> {
        authorize(&self.name, &self.acls, caller, action)
    }
}

/// The whole workspace's secrets: scopes, their secrets and ACLs, and the
/// Unity Catalog metastore it is attached to. `Clone` so that a change can
/// be undone when it cannot be saved.
#[derive(Clone)]
pub struct Store {
    pub(super) scopes: BTreeMap<String, Scope>,
    pub(super) max_scopes: usize,
    pub(super) uc: UnityCatalog,
}

/// Parses `scope_backend_type` (absent means `DATABRICKS`).
fn parse_backend_type(value: Option<&str>) -> Result<bool, ServiceError> {
    match value {
        None | Some("DATABRICKS") => Ok(false),
        Some("AZURE_KEYVAULT") => Ok(true),
        Some(other) => Err(ServiceError::invalid(format!(
            "Invalid scope_backend_type {other}: must be DATABRICKS or AZURE_KEYVAULT."
        ))),
    }
}

fn scope_missing(name: &str) -> ServiceError {
    ServiceError::not_found(format!("Scope {name} does not exist!"))
}

impl Store {
    pub fn new(max_scopes: usize) -> Self {
        Self {
            scopes: BTreeMap::new(),
            max_scopes,
            uc: UnityCatalog::new(),
        }
    }

    /// The Unity Catalog metastore.
    pub fn uc(&self) -> &UnityCatalog {
        &self.uc
    }

    pub fn uc_mut(&mut self) -> &mut UnityCatalog {
        &mut self.uc
    }

    fn scope(&self, name: &str) -> Result<&Scope, ServiceError> {
        validate_scope_name(name)?;
        self.scopes
            .get(&fold(name))
            .ok_or_else(|| scope_missing(name))
    }

    fn scope_mut(&mut self, name: &str) -> Result<&mut Scope, ServiceError> {
        validate_scope_name(name)?;
        self.scopes
            .get_mut(&fold(name))
            .ok_or_else(|| scope_missing(name))
    }

    /// `scopes/create`. `caller` gets MANAGE unless `initial_manage_principal`
    /// is `users`, the only other value the server accepts.
    pub fn create_scope(
        &mut self,
        caller: &Caller,
        name: &str,
        initial_manage_principal: Option<&str>,
        scope_backend_type: Option<&str>,
    ) -> Result<(), ServiceError> {
        validate_scope_name(name)?;
        let manager = match initial_manage_principal {
            None => caller.name.as_str(),
            Some(USERS_GROUP) => USERS_GROUP,
            Some(other) => {
                return Err(ServiceError::invalid(format!(
                    "Invalid initial_manage_principal {other}: only users is supported."
                )))
            }
        };
        if parse_backend_type(scope_backend_type)? {
            // A personal access token can never create one; only seeding can.
            return Err(ServiceError::invalid(
                "Scope with Azure KeyVault must have userAADToken defined!",
            ));
        }
        self.insert_scope(name, ScopeBackend::Databricks, manager)
    }

    /// Adds a Key Vault-backed scope, which the HTTP API cannot create.
    pub fn seed_keyvault_scope(
        &mut self,
        caller: &str,
        name: &str,
        resource_id: &str,
        dns_name: &str,
    ) -> Result<(), ServiceError> {
        validate_scope_name(name)?;
        let backend = ScopeBackend::AzureKeyVault {
            resource_id: resource_id.to_string(),
            dns_name: dns_name.to_string(),
        };
        self.insert_scope(name, backend, caller)
    }

    fn insert_scope(
        &mut self,
        name: &str,
        backend: ScopeBackend,
        manager: &str,
    ) -> Result<(), ServiceError> {
        let folded = fold(name);
        if let Some(existing) = self.scopes.get(&folded) {
            return Err(ServiceError::new(
                ErrorCode::ResourceAlreadyExists,
                format!("Scope {} already exists!", existing.name),
            ));
        }
        if self.scopes.len() >= self.max_scopes {
            return Err(ServiceError::limit(format!(
                "Exceeded the maximum number of secret scopes ({}) in this workspace.",
                self.max_scopes
            )));
        }
        let acls = BTreeMap::from([(manager.to_string(), Permission::Manage)]);
        let scope = Scope {
            name: name.to_string(),
            backend,
            secrets: BTreeMap::new(),
            acls,
        };
        self.scopes.insert(folded, scope);
        Ok(())
    }

    /// `scopes/delete`: the scope goes with its secrets and ACLs.
    pub fn delete_scope(&mut self, caller: &Caller, name: &str) -> Result<(), ServiceError> {
        self.scope(name)?
            .authorize(caller, ScopeAction::DeleteScope)?;
        self.scopes.remove(&fold(name));
        Ok(())
    }

    /// `scopes/list`, sorted by name as listed. Like the real service, every
    /// scope is listed to every caller, whatever its ACLs.
    pub fn list_scopes(&self, _caller: &Caller) -> Vec<ScopeInfo> {
        let mut out: Vec<ScopeInfo> = self.scopes.values().map(scope_info).collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// `put`: creates or overwrites. `now_ms` is wall-clock time; an overwrite
    /// always moves the timestamp forward, even within the same millisecond.
    pub fn put_secret(
        &mut self,
        caller: &Caller,
        scope: &str,
        key: &str,
        value: Vec<u8>,
        now_ms: i64,
    ) -> Result<(), ServiceError> {
        validate_scope_name(scope)?;
        validate_key(key)?;
        let s = self.scope_mut(scope)?;
        s.authorize(caller, ScopeAction::PutSecret)?;
        reject_keyvault_write(s, "Cannot write secrets to Azure KeyVault-backed scope")?;
        let folded = fold(key);
        match s.secrets.get_mut(&folded) {
            Some(existing) => {
                existing.value = value;
                existing.last_updated_timestamp =
                    now_ms.max(existing.last_updated_timestamp.saturating_add(1));
            }
            None => {
                if s.secrets.len() >= MAX_SECRETS_PER_SCOPE {
                    return Err(ServiceError::limit(format!(
                        "Exceeded the maximum number of secrets ({MAX_SECRETS_PER_SCOPE}) in scope {}.",
                        s.name
                    )));
                }
                let secret = Secret {
                    key: key.to_string(),
                    value,
                    last_updated_timestamp: now_ms,
                };
                s.secrets.insert(folded, secret);
            }
        }
        Ok(())
    }

    /// `delete` (a secret).
    pub fn delete_secret(
        &mut self,
        caller: &Caller,
        scope: &str,
        key: &str,
    ) -> Result<(), ServiceError> {
        validate_scope_name(scope)?;
        validate_key(key)?;
        let s = self.scope_mut(scope)?;
        s.authorize(caller, ScopeAction::DeleteSecret)?;
        reject_keyvault_write(s, "Cannot delete secrets from Azure KeyVault-backed scope")?;
        match s.secrets.remove(&fold(key)) {
            Some(_) => Ok(()),
            None => Err(secret_missing(scope, key)),
        }
    }

    /// `list` (secrets), sorted by key as listed.
    pub fn list_secrets(
        &self,
        caller: &Caller,
        scope: &str,
    ) -> Result<Vec<SecretInfo>, ServiceError> {
        let s = self.scope(scope)?;
        s.authorize(caller, ScopeAction::ListSecrets)?;
        let mut out: Vec<SecretInfo> = s
            .secrets
            .values()
            .map(|secret| SecretInfo {
                key: secret.key.clone(),
                last_updated_timestamp: secret.last_updated_timestamp,
            })
            .collect();
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    /// `get`: the stored key name (its original case) and the value bytes.
    pub fn get_secret(
        &self,
        caller: &Caller,
        scope: &str,
        key: &str,
    ) -> Result<(String, Vec<u8>), ServiceError> {
        validate_scope_name(scope)?;
        validate_key(key)?;
        let s = self.scope(scope)?;
        s.authorize(caller, ScopeAction::GetSecret)?;
        let secret = s
            .secrets
            .get(&fold(key))
            .ok_or_else(|| secret_missing(scope, key))?;
        Ok((secret.key.clone(), secret.value.clone()))
    }

    /// Raw value lookup for tests, with no validation or authorization.
    pub fn secret_bytes(&self, scope: &str, key: &str) -> Option<Vec<u8>> {
        let s = self.scopes.get(&fold(scope))?;
        s.secrets.get(&fold(key)).map(|secret| secret.value.clone())
    }

    /// `acls/put`: creates or overwrites.
    pub fn put_acl(
        &mut self,
        caller: &Caller,
        scope: &str,
        principal: &str,
        permission: &str,
    ) -> Result<(), ServiceError> {
        validate_principal(principal)?;
        let permission = Permission::parse(permission)?;
        let s = self.scope_mut(scope)?;
        s.authorize(caller, ScopeAction::PutAcl)?;
        s.acls.insert(principal.to_string(), permission);
        Ok(())
    }

    /// `acls/get`.
    pub fn get_acl(
        &self,
        caller: &Caller,
        scope: &str,
        principal: &str,
    ) -> Result<AclInfo, ServiceError> {
        validate_principal(principal)?;
        let s = self.scope(scope)?;
        s.authorize(caller, ScopeAction::GetAcl)?;
        let permission = s
            .acls
            .get(principal)
            .ok_or_else(|| acl_missing(scope, principal))?;
        Ok(acl_info(principal, *permission))
    }

    /// `acls/list`, sorted by principal.
    pub fn list_acls(&self, caller: &Caller, scope: &str) -> Result<Vec<AclInfo>, ServiceError> {
        let s = self.scope(scope)?;
        s.authorize(caller, ScopeAction::ListAcls)?;
        Ok(s.acls.iter().map(|(p, perm)| acl_info(p, *perm)).collect())
    }

    /// `acls/delete`.
    pub fn delete_acl(
        &mut self,
        caller: &Caller,
        scope: &str,
        principal: &str,
    ) -> Result<(), ServiceError> {
        validate_principal(principal)?;
        let s = self.scope_mut(scope)?;
        s.authorize(caller, ScopeAction::DeleteAcl)?;
        match s.acls.remove(principal) {
            Some(_) => Ok(()),
            None => Err(acl_missing(scope, principal)),
        }
    }
}

pub(super) fn scope_info(scope: &Scope) -> ScopeInfo {
    let (backend_type, keyvault_metadata) = match &scope.backend {
        ScopeBackend::Databricks => ("DATABRICKS", None),
        ScopeBackend::AzureKeyVault {
            resource_id,
            dns_name,
        } => (
            "AZURE_KEYVAULT",
            Some(KeyVaultMetadata {
                resource_id: resource_id.clone(),
                dns_name: dns_name.clone(),
            }),
        ),
    };
    ScopeInfo {
        name: scope.name.clone(),
        backend_type,
        keyvault_metadata,
    }
}

fn acl_info(principal: &str, permission: Permission) -> AclInfo {
    AclInfo {
        principal: principal.to_string(),
        permission: permission.as_str(),
    }
}

/// Key Vault scopes are read-only through this API.
fn reject_keyvault_write(scope: &Scope, what: &str) -> Result<(), ServiceError> {
    match scope.backend {
        ScopeBackend::Databricks => Ok(()),
        ScopeBackend::AzureKeyVault { .. } => {
            Err(ServiceError::bad_request(format!("{what} {}.", scope.name)))
        }
    }
}

fn secret_missing(scope: &str, key: &str) -> ServiceError {
    ServiceError::not_found(format!(
        "Secret does not exist with scope: {scope} and key: {key}"
    ))
}

fn acl_missing(scope: &str, principal: &str) -> ServiceError {
    ServiceError::not_found(format!(
        "ACL for principal {principal} does not exist in scope {scope}!"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::{admin, code, store_with, ADMIN};

    #[test]
    fn create_scope_rules() {
        let mut store = store_with("Foo");
        let e = store.create_scope(&admin(), "foo", None, None).unwrap_err();
        assert_eq!(e.code, ErrorCode::ResourceAlreadyExists);
        assert_eq!(e.message, "Scope Foo already exists!");
        let e = store
            .create_scope(&admin(), "x", Some("bob"), None)
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameterValue);
        let e = store
            .create_scope(&admin(), "kv", None, Some("AZURE_KEYVAULT"))
            .unwrap_err();
        assert_eq!(
            e.message,
            "Scope with Azure KeyVault must have userAADToken defined!"
        );
        let e = store
            .create_scope(&admin(), "x", None, Some("databricks"))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameterValue);
        store
            .create_scope(&admin(), "x", None, Some("DATABRICKS"))
            .unwrap();
    }

    #[test]
    fn initial_manage_principal_decides_manage_acl() {
        let mut store = store_with("mine");
        store
            .create_scope(&admin(), "all", Some("users"), None)
            .unwrap();
        let mine = store.list_acls(&admin(), "mine").unwrap();
        assert_eq!(mine, vec![acl_info(ADMIN, Permission::Manage)]);
        let all = store.list_acls(&admin(), "all").unwrap();
        assert_eq!(all, vec![acl_info("users", Permission::Manage)]);
    }

    #[test]
    fn scope_limit() {
        let mut store = Store::new(2);
        store.create_scope(&admin(), "a", None, None).unwrap();
        store.create_scope(&admin(), "b", None, None).unwrap();
        let e = store.create_scope(&admin(), "c", None, None).unwrap_err();
        assert_eq!(e.code, ErrorCode::ResourceLimitExceeded);
        // An existing name is still reported as existing, not as the limit.
        assert_eq!(
            code(store.create_scope(&admin(), "A", None, None)),
            ErrorCode::ResourceAlreadyExists
        );
        store.delete_scope(&admin(), "a").unwrap();
        store.create_scope(&admin(), "c", None, None).unwrap();
    }

    #[test]
    fn secrets_are_case_insensitive_and_keep_their_case() {
        let mut store = store_with("S");
        store
            .put_secret(&admin(), "s", "Api-Key", b"v1".to_vec(), 10)
            .unwrap();
        let (key, value) = store.get_secret(&admin(), "S", "API-KEY").unwrap();
        assert_eq!((key.as_str(), value.as_slice()), ("Api-Key", &b"v1"[..]));
        store
            .put_secret(&admin(), "S", "api-key", b"v2".to_vec(), 10)
            .unwrap();
        let list = store.list_secrets(&admin(), "s").unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].key, "Api-Key");
        // Same millisecond, but an overwrite still moves the timestamp.
        assert_eq!(list[0].last_updated_timestamp, 11);
        assert_eq!(store.secret_bytes("s", "API-key").unwrap(), b"v2");
    }

    #[test]
    fn secret_lists_are_sorted_by_key() {
        let mut store = store_with("s");
        for key in ["b", "C", "a"] {
            store.put_secret(&admin(), "s", key, vec![], 1).unwrap();
        }
        let keys: Vec<String> = store
            .list_secrets(&admin(), "s")
            .unwrap()
            .into_iter()
            .map(|s| s.key)
            .collect();
        assert_eq!(keys, ["C", "a", "b"]);
    }

    #[test]
    fn missing_things() {
        let mut store = store_with("s");
        let e = store.list_secrets(&admin(), "nope").unwrap_err();
        assert_eq!(e.code, ErrorCode::ResourceDoesNotExist);
        assert_eq!(e.message, "Scope nope does not exist!");
        let e = store.get_secret(&admin(), "s", "k").unwrap_err();
        assert_eq!(e.code, ErrorCode::ResourceDoesNotExist);
        assert_eq!(e.message, "Secret does not exist with scope: s and key: k");
        assert_eq!(
            code(store.delete_secret(&admin(), "s", "k")),
            ErrorCode::ResourceDoesNotExist
        );
        assert_eq!(
            code(store.get_acl(&admin(), "s", "bob")),
            ErrorCode::ResourceDoesNotExist
        );
        assert_eq!(
            code(store.delete_acl(&admin(), "s", "bob")),
            ErrorCode::ResourceDoesNotExist
        );
        assert_eq!(
            code(store.delete_scope(&admin(), "nope")),
            ErrorCode::ResourceDoesNotExist
        );
    }

    #[test]
    fn secret_limit_counts_new_keys_only() {
        let mut store = store_with("s");
        for i in 0..MAX_SECRETS_PER_SCOPE {
            store
                .put_secret(&admin(), "s", &format!("k{i}"), vec![], 1)
                .unwrap();
        }
        let e = store
            .put_secret(&admin(), "s", "one-more", vec![], 1)
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ResourceLimitExceeded);
        store.put_secret(&admin(), "s", "K0", vec![1], 2).unwrap();
    }

    #[test]
    fn keyvault_scopes_are_read_only() {
        let mut store = Store::new(10);
        store
            .seed_keyvault_scope(ADMIN, "kv", "/subs/x", "https://x.vault.azure.net/")
            .unwrap();
        let e = store
            .put_secret(&admin(), "KV", "k", vec![], 1)
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::BadRequest);
        assert_eq!(
            e.message,
            "Cannot write secrets to Azure KeyVault-backed scope kv."
        );
        let e = store.delete_secret(&admin(), "kv", "k").unwrap_err();
        assert_eq!(e.code, ErrorCode::BadRequest);
        let scopes = store.list_scopes(&admin());
        assert_eq!(scopes[0].backend_type, "AZURE_KEYVAULT");
        assert_eq!(
            scopes[0].keyvault_metadata.as_ref().unwrap().resource_id,
            "/subs/x"
        );
    }

    #[test]
    fn acls_overwrite_and_go_with_the_scope() {
        let mut store = store_with("s");
        store.put_acl(&admin(), "s", "users", "READ").unwrap();
        store.put_acl(&admin(), "s", "users", "WRITE").unwrap();
        assert_eq!(
            store.get_acl(&admin(), "s", "users").unwrap().permission,
            "WRITE"
        );
        let principals: Vec<String> = store
            .list_acls(&admin(), "s")
            .unwrap()
            .into_iter()
            .map(|a| a.principal)
            .collect();
        assert_eq!(principals, [ADMIN, "users"]);
        assert_eq!(
            code(store.put_acl(&admin(), "s", " ", "READ")),
            ErrorCode::InvalidParameterValue
        );
        assert_eq!(
            code(store.put_acl(&admin(), "s", "u", "read")),
            ErrorCode::InvalidParameterValue
        );
        store.put_secret(&admin(), "s", "k", vec![1], 1).unwrap();
        store.delete_scope(&admin(), "S").unwrap();
        store.create_scope(&admin(), "s", None, None).unwrap();
        assert!(store.list_secrets(&admin(), "s").unwrap().is_empty());
        assert_eq!(store.list_acls(&admin(), "s").unwrap().len(), 1);
        store.delete_acl(&admin(), "s", ADMIN).unwrap();
        assert!(store.list_acls(&admin(), "s").unwrap().is_empty());
    }
}
