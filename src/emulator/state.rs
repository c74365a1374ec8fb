//! The Secrets API's data model and rules, free of HTTP.
//!
//! Every operation validates its input and answers either a plain value or an
//! [`ApiError`] carrying the error code and message the real server would send,
//! so the HTTP layer only translates; the rules can be unit-tested here.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::Serialize;

/// Longest scope name or secret key the server accepts.
pub const MAX_NAME_LEN: usize = 128;
/// Largest secret value the server accepts (128 KB).
pub const MAX_VALUE_BYTES: usize = 131_072;
/// Most secrets one scope may hold.
pub const MAX_SECRETS_PER_SCOPE: usize = 1000;

/// The `error_code` values the emulator answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    ResourceAlreadyExists,
    ResourceDoesNotExist,
    InvalidParameterValue,
    ResourceLimitExceeded,
    PermissionDenied,
    BadRequest,
    MalformedRequest,
    Unauthenticated,
    EndpointNotFound,
    MethodNotAllowed,
}

impl ErrorCode {
    /// The wire spelling of the code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ResourceAlreadyExists => "RESOURCE_ALREADY_EXISTS",
            Self::ResourceDoesNotExist => "RESOURCE_DOES_NOT_EXIST",
            Self::InvalidParameterValue => "INVALID_PARAMETER_VALUE",
            Self::ResourceLimitExceeded => "RESOURCE_LIMIT_EXCEEDED",
            Self::PermissionDenied => "PERMISSION_DENIED",
            Self::BadRequest => "BAD_REQUEST",
            Self::MalformedRequest => "MALFORMED_REQUEST",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::EndpointNotFound => "ENDPOINT_NOT_FOUND",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
        }
    }

    /// The HTTP status the real server pairs with the code.
    pub fn status(self) -> u16 {
        match self {
            Self::ResourceDoesNotExist | Self::EndpointNotFound => 404,
            Self::Unauthenticated => 401,
            Self::PermissionDenied => 403,
            Self::MethodNotAllowed => 405,
            _ => 400,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error answer: the HTTP layer turns it into `{"error_code", "message"}`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameterValue, message)
    }

    fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ResourceDoesNotExist, message)
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    fn limit(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ResourceLimitExceeded, message)
    }
}

/// A secret-scope ACL level. Ordered so that a later check can ask
/// `held >= needed` (MANAGE implies WRITE implies READ).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Permission {
    Read,
    Write,
    Manage,
}

impl Permission {
    /// Parses the wire value; the server is strict about upper case.
    pub fn parse(s: &str) -> Result<Self, ApiError> {
        match s {
            "READ" => Ok(Self::Read),
            "WRITE" => Ok(Self::Write),
            "MANAGE" => Ok(Self::Manage),
            _ => Err(ApiError::invalid(format!(
                "Invalid permission {s}: must be one of READ, WRITE or MANAGE."
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "READ",
            Self::Write => "WRITE",
            Self::Manage => "MANAGE",
        }
    }
}

/// What an operation needs from the caller's ACL on a scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needed {
    Read,
    Write,
    Manage,
}

/// Where a scope keeps its secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backend {
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
struct Secret {
    /// The key as it was first written (lookups use the lower-case map key).
    key: String,
    value: Vec<u8>,
    last_updated_timestamp: i64,
}

struct Scope {
    /// The name as created; the map key is its lower-case form.
    name: String,
    backend: Backend,
    secrets: BTreeMap<String, Secret>,
    acls: BTreeMap<String, Permission>,
}

/// The whole workspace's secrets: scopes, their secrets and ACLs.
pub struct Store {
    scopes: BTreeMap<String, Scope>,
    max_scopes: usize,
}

/// Scope names: letters, digits, `-`, `_`, `.`, `@`; 1..=128 characters.
pub fn validate_scope_name(name: &str) -> Result<(), ApiError> {
    let ok = valid_name(name, |c| c.is_ascii_alphanumeric() || "-_.@".contains(c));
    ok.then_some(()).ok_or_else(|| {
        ApiError::invalid(
            "Scope name must consist of alphanumeric characters, dashes, underscores, periods, \
             and at signs, and may not exceed 128 characters.",
        )
    })
}

/// Secret keys: letters, digits, `-`, `_`, `.`; 1..=128 characters.
pub fn validate_key(key: &str) -> Result<(), ApiError> {
    let ok = valid_name(key, |c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    ok.then_some(()).ok_or_else(|| {
        ApiError::invalid(
            "Secret key must consist of alphanumeric characters, dashes, underscores, and \
             periods, and may not exceed 128 characters.",
        )
    })
}

fn valid_name(name: &str, allowed: impl Fn(char) -> bool) -> bool {
    !name.is_empty() && name.len() <= MAX_NAME_LEN && name.chars().all(allowed)
}

/// Principals are user names, group names or application ids; the server
/// only insists on something being there.
pub fn validate_principal(principal: &str) -> Result<(), ApiError> {
    if principal.trim().is_empty() {
        return Err(ApiError::invalid("Principal must not be empty."));
    }
    Ok(())
}

/// Turns the `put` request's two optional value fields into the bytes to
/// store, enforcing "exactly one", valid standard base64 and the size limit.
pub fn decode_value(
    string_value: Option<&str>,
    bytes_value: Option<&str>,
) -> Result<Vec<u8>, ApiError> {
    let bytes = match (string_value, bytes_value) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "Only one of string_value and bytes_value may be specified.",
            ))
        }
        (None, None) => {
            return Err(ApiError::invalid(
                "Either string_value or bytes_value must be specified.",
            ))
        }
        (Some(s), None) => s.as_bytes().to_vec(),
        (None, Some(b)) => base64::engine::general_purpose::STANDARD
            .decode(b)
            .map_err(|e| ApiError::invalid(format!("bytes_value is not valid base64: {e}")))?,
    };
    if bytes.len() > MAX_VALUE_BYTES {
        return Err(ApiError::invalid(format!(
            "Size of secret value ({} bytes) exceeds the limit of {MAX_VALUE_BYTES} bytes (128 KB).",
            bytes.len()
        )));
    }
    Ok(bytes)
}

/// Parses `scope_backend_type` (absent means `DATABRICKS`).
fn parse_backend_type(value: Option<&str>) -> Result<bool, ApiError> {
    match value {
        None | Some("DATABRICKS") => Ok(false),
        Some("AZURE_KEYVAULT") => Ok(true),
        Some(other) => Err(ApiError::invalid(format!(
            "Invalid scope_backend_type {other}: must be DATABRICKS or AZURE_KEYVAULT."
        ))),
    }
}

/// Lower-cased lookup form: names are ASCII once validated.
fn fold(name: &str) -> String {
    name.to_ascii_lowercase()
}

fn scope_missing(name: &str) -> ApiError {
    ApiError::not_found(format!("Scope {name} does not exist!"))
}

/// The single place where ACLs will be enforced. Every scope operation calls
/// it with what it needs; today every caller is an admin, so it allows all.
/// A later change maps the token to a principal upstream and compares
/// `scope.acls` (plus group membership) with `needed` here.
fn authorize(_scope: &Scope, _principal: &str, _needed: Needed) -> Result<(), ApiError> {
    Ok(())
}

impl Store {
    pub fn new(max_scopes: usize) -> Self {
        Self {
            scopes: BTreeMap::new(),
            max_scopes,
        }
    }

    fn scope(&self, name: &str) -> Result<&Scope, ApiError> {
        validate_scope_name(name)?;
        self.scopes
            .get(&fold(name))
            .ok_or_else(|| scope_missing(name))
    }

    fn scope_mut(&mut self, name: &str) -> Result<&mut Scope, ApiError> {
        validate_scope_name(name)?;
        self.scopes
            .get_mut(&fold(name))
            .ok_or_else(|| scope_missing(name))
    }

    /// `scopes/create`. `caller` gets MANAGE unless `initial_manage_principal`
    /// is `users`, the only other value the server accepts.
    pub fn create_scope(
        &mut self,
        caller: &str,
        name: &str,
        initial_manage_principal: Option<&str>,
        scope_backend_type: Option<&str>,
    ) -> Result<(), ApiError> {
        validate_scope_name(name)?;
        let manager = match initial_manage_principal {
            None => caller,
            Some("users") => "users",
            Some(other) => {
                return Err(ApiError::invalid(format!(
                    "Invalid initial_manage_principal {other}: only users is supported."
                )))
            }
        };
        if parse_backend_type(scope_backend_type)? {
            // A personal access token can never create one; only seeding can.
            return Err(ApiError::invalid(
                "Scope with Azure KeyVault must have userAADToken defined!",
            ));
        }
        self.insert_scope(name, Backend::Databricks, manager)
    }

    /// Adds a Key Vault-backed scope, which the HTTP API cannot create.
    pub fn seed_keyvault_scope(
        &mut self,
        caller: &str,
        name: &str,
        resource_id: &str,
        dns_name: &str,
    ) -> Result<(), ApiError> {
        validate_scope_name(name)?;
        let backend = Backend::AzureKeyVault {
            resource_id: resource_id.to_string(),
            dns_name: dns_name.to_string(),
        };
        self.insert_scope(name, backend, caller)
    }

    fn insert_scope(
        &mut self,
        name: &str,
        backend: Backend,
        manager: &str,
    ) -> Result<(), ApiError> {
        let folded = fold(name);
        if let Some(existing) = self.scopes.get(&folded) {
            return Err(ApiError::new(
                ErrorCode::ResourceAlreadyExists,
                format!("Scope {} already exists!", existing.name),
            ));
        }
        if self.scopes.len() >= self.max_scopes {
            return Err(ApiError::limit(format!(
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
    pub fn delete_scope(&mut self, caller: &str, name: &str) -> Result<(), ApiError> {
        authorize(self.scope(name)?, caller, Needed::Manage)?;
        self.scopes.remove(&fold(name));
        Ok(())
    }

    /// `scopes/list`, sorted by name as listed.
    pub fn list_scopes(&self, _caller: &str) -> Vec<ScopeInfo> {
        let mut out: Vec<ScopeInfo> = self.scopes.values().map(scope_info).collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// `put`: creates or overwrites. `now_ms` is wall-clock time; an overwrite
    /// always moves the timestamp forward, even within the same millisecond.
    pub fn put_secret(
        &mut self,
        caller: &str,
        scope: &str,
        key: &str,
        value: Vec<u8>,
        now_ms: i64,
    ) -> Result<(), ApiError> {
        validate_scope_name(scope)?;
        validate_key(key)?;
        let s = self.scope_mut(scope)?;
        authorize(s, caller, Needed::Write)?;
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
                    return Err(ApiError::limit(format!(
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
    pub fn delete_secret(&mut self, caller: &str, scope: &str, key: &str) -> Result<(), ApiError> {
        validate_scope_name(scope)?;
        validate_key(key)?;
        let s = self.scope_mut(scope)?;
        authorize(s, caller, Needed::Write)?;
        reject_keyvault_write(s, "Cannot delete secrets from Azure KeyVault-backed scope")?;
        match s.secrets.remove(&fold(key)) {
            Some(_) => Ok(()),
            None => Err(secret_missing(scope, key)),
        }
    }

    /// `list` (secrets), sorted by key as listed.
    pub fn list_secrets(&self, caller: &str, scope: &str) -> Result<Vec<SecretInfo>, ApiError> {
        let s = self.scope(scope)?;
        authorize(s, caller, Needed::Read)?;
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
        caller: &str,
        scope: &str,
        key: &str,
    ) -> Result<(String, Vec<u8>), ApiError> {
        validate_scope_name(scope)?;
        validate_key(key)?;
        let s = self.scope(scope)?;
        authorize(s, caller, Needed::Read)?;
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
        caller: &str,
        scope: &str,
        principal: &str,
        permission: &str,
    ) -> Result<(), ApiError> {
        validate_principal(principal)?;
        let permission = Permission::parse(permission)?;
        let s = self.scope_mut(scope)?;
        authorize(s, caller, Needed::Manage)?;
        s.acls.insert(principal.to_string(), permission);
        Ok(())
    }

    /// `acls/get`.
    pub fn get_acl(&self, caller: &str, scope: &str, principal: &str) -> Result<AclInfo, ApiError> {
        validate_principal(principal)?;
        let s = self.scope(scope)?;
        authorize(s, caller, Needed::Manage)?;
        let permission = s
            .acls
            .get(principal)
            .ok_or_else(|| acl_missing(scope, principal))?;
        Ok(acl_info(principal, *permission))
    }

    /// `acls/list`, sorted by principal.
    pub fn list_acls(&self, caller: &str, scope: &str) -> Result<Vec<AclInfo>, ApiError> {
        let s = self.scope(scope)?;
        authorize(s, caller, Needed::Manage)?;
        Ok(s.acls.iter().map(|(p, perm)| acl_info(p, *perm)).collect())
    }

    /// `acls/delete`.
    pub fn delete_acl(
        &mut self,
        caller: &str,
        scope: &str,
        principal: &str,
    ) -> Result<(), ApiError> {
        validate_principal(principal)?;
        let s = self.scope_mut(scope)?;
        authorize(s, caller, Needed::Manage)?;
        match s.acls.remove(principal) {
            Some(_) => Ok(()),
            None => Err(acl_missing(scope, principal)),
        }
    }
}

fn scope_info(scope: &Scope) -> ScopeInfo {
    let (backend_type, keyvault_metadata) = match &scope.backend {
        Backend::Databricks => ("DATABRICKS", None),
        Backend::AzureKeyVault {
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
fn reject_keyvault_write(scope: &Scope, what: &str) -> Result<(), ApiError> {
    match scope.backend {
        Backend::Databricks => Ok(()),
        Backend::AzureKeyVault { .. } => {
            Err(ApiError::bad_request(format!("{what} {}.", scope.name)))
        }
    }
}

fn secret_missing(scope: &str, key: &str) -> ApiError {
    ApiError::not_found(format!(
        "Secret does not exist with scope: {scope} and key: {key}"
    ))
}

fn acl_missing(scope: &str, principal: &str) -> ApiError {
    ApiError::not_found(format!(
        "ACL for principal {principal} does not exist in scope {scope}!"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADMIN: &str = "admin@example.com";

    fn store_with(scope: &str) -> Store {
        let mut store = Store::new(1000);
        store.create_scope(ADMIN, scope, None, None).unwrap();
        store
    }

    fn code(r: Result<impl Sized, ApiError>) -> ErrorCode {
        match r {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.code,
        }
    }

    #[test]
    fn scope_names() {
        let long = "a".repeat(128);
        for ok in ["a", "A-b_c.d@e", "0", long.as_str()] {
            assert!(validate_scope_name(ok).is_ok(), "{ok}");
        }
        let too_long = "a".repeat(129);
        for bad in ["", "a b", "a/b", "ä", "a+b", too_long.as_str()] {
            let e = validate_scope_name(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidParameterValue, "{bad}");
            assert!(e.message.starts_with("Scope name must consist of"));
        }
    }

    #[test]
    fn keys() {
        assert!(validate_key("API_key-1.x").is_ok());
        assert!(validate_key(&"k".repeat(128)).is_ok());
        for bad in ["", "a@b", "a b", "a/b", &"k".repeat(129)] {
            assert_eq!(
                validate_key(bad).unwrap_err().code,
                ErrorCode::InvalidParameterValue
            );
        }
    }

    #[test]
    fn values() {
        assert_eq!(decode_value(Some("hi"), None).unwrap(), b"hi");
        assert_eq!(decode_value(None, Some("AAE=")).unwrap(), vec![0, 1]);
        assert_eq!(decode_value(None, Some("")).unwrap(), Vec::<u8>::new());
        for (s, b) in [
            (Some("x"), Some("eA==")),
            (None, None),
            (None, Some("not base64!")),
            (None, Some("eA")), // padding is required in standard base64
            (None, Some("eA-_")),
        ] {
            assert_eq!(code(decode_value(s, b)), ErrorCode::InvalidParameterValue);
        }
        let max = "x".repeat(MAX_VALUE_BYTES);
        assert!(decode_value(Some(&max), None).is_ok());
        let over = "x".repeat(MAX_VALUE_BYTES + 1);
        let e = decode_value(Some(&over), None).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameterValue);
        assert!(e.message.contains("131072"));
    }

    #[test]
    fn permissions_are_upper_case_only() {
        assert_eq!(Permission::parse("MANAGE").unwrap(), Permission::Manage);
        for bad in ["read", "Read", "OWNER", ""] {
            assert_eq!(
                code(Permission::parse(bad)),
                ErrorCode::InvalidParameterValue
            );
        }
        assert!(Permission::Manage > Permission::Write && Permission::Write > Permission::Read);
    }

    #[test]
    fn create_scope_rules() {
        let mut store = store_with("Foo");
        let e = store.create_scope(ADMIN, "foo", None, None).unwrap_err();
        assert_eq!(e.code, ErrorCode::ResourceAlreadyExists);
        assert_eq!(e.message, "Scope Foo already exists!");
        let e = store
            .create_scope(ADMIN, "x", Some("bob"), None)
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameterValue);
        let e = store
            .create_scope(ADMIN, "kv", None, Some("AZURE_KEYVAULT"))
            .unwrap_err();
        assert_eq!(
            e.message,
            "Scope with Azure KeyVault must have userAADToken defined!"
        );
        let e = store
            .create_scope(ADMIN, "x", None, Some("databricks"))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameterValue);
        store
            .create_scope(ADMIN, "x", None, Some("DATABRICKS"))
            .unwrap();
    }

    #[test]
    fn initial_manage_principal_decides_manage_acl() {
        let mut store = store_with("mine");
        store
            .create_scope(ADMIN, "all", Some("users"), None)
            .unwrap();
        let mine = store.list_acls(ADMIN, "mine").unwrap();
        assert_eq!(mine, vec![acl_info(ADMIN, Permission::Manage)]);
        let all = store.list_acls(ADMIN, "all").unwrap();
        assert_eq!(all, vec![acl_info("users", Permission::Manage)]);
    }

    #[test]
    fn scope_limit() {
        let mut store = Store::new(2);
        store.create_scope(ADMIN, "a", None, None).unwrap();
        store.create_scope(ADMIN, "b", None, None).unwrap();
        let e = store.create_scope(ADMIN, "c", None, None).unwrap_err();
        assert_eq!(e.code, ErrorCode::ResourceLimitExceeded);
        // An existing name is still reported as existing, not as the limit.
        assert_eq!(
            code(store.create_scope(ADMIN, "A", None, None)),
            ErrorCode::ResourceAlreadyExists
        );
        store.delete_scope(ADMIN, "a").unwrap();
        store.create_scope(ADMIN, "c", None, None).unwrap();
    }

    #[test]
    fn secrets_are_case_insensitive_and_keep_their_case() {
        let mut store = store_with("S");
        store
            .put_secret(ADMIN, "s", "Api-Key", b"v1".to_vec(), 10)
            .unwrap();
        let (key, value) = store.get_secret(ADMIN, "S", "API-KEY").unwrap();
        assert_eq!((key.as_str(), value.as_slice()), ("Api-Key", &b"v1"[..]));
        store
            .put_secret(ADMIN, "S", "api-key", b"v2".to_vec(), 10)
            .unwrap();
        let list = store.list_secrets(ADMIN, "s").unwrap();
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
            store.put_secret(ADMIN, "s", key, vec![], 1).unwrap();
        }
        let keys: Vec<String> = store
            .list_secrets(ADMIN, "s")
            .unwrap()
            .into_iter()
            .map(|s| s.key)
            .collect();
        assert_eq!(keys, ["C", "a", "b"]);
    }

    #[test]
    fn missing_things() {
        let mut store = store_with("s");
        let e = store.list_secrets(ADMIN, "nope").unwrap_err();
        assert_eq!(e.code, ErrorCode::ResourceDoesNotExist);
        assert_eq!(e.message, "Scope nope does not exist!");
        let e = store.get_secret(ADMIN, "s", "k").unwrap_err();
        assert_eq!(e.code, ErrorCode::ResourceDoesNotExist);
        assert_eq!(e.message, "Secret does not exist with scope: s and key: k");
        assert_eq!(
            code(store.delete_secret(ADMIN, "s", "k")),
            ErrorCode::ResourceDoesNotExist
        );
        assert_eq!(
            code(store.get_acl(ADMIN, "s", "bob")),
            ErrorCode::ResourceDoesNotExist
        );
        assert_eq!(
            code(store.delete_acl(ADMIN, "s", "bob")),
            ErrorCode::ResourceDoesNotExist
        );
        assert_eq!(
            code(store.delete_scope(ADMIN, "nope")),
            ErrorCode::ResourceDoesNotExist
        );
    }

    #[test]
    fn secret_limit_counts_new_keys_only() {
        let mut store = store_with("s");
        for i in 0..MAX_SECRETS_PER_SCOPE {
            store
                .put_secret(ADMIN, "s", &format!("k{i}"), vec![], 1)
                .unwrap();
        }
        let e = store
            .put_secret(ADMIN, "s", "one-more", vec![], 1)
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ResourceLimitExceeded);
        store.put_secret(ADMIN, "s", "K0", vec![1], 2).unwrap();
    }

    #[test]
    fn keyvault_scopes_are_read_only() {
        let mut store = Store::new(10);
        store
            .seed_keyvault_scope(ADMIN, "kv", "/subs/x", "https://x.vault.azure.net/")
            .unwrap();
        let e = store.put_secret(ADMIN, "KV", "k", vec![], 1).unwrap_err();
        assert_eq!(e.code, ErrorCode::BadRequest);
        assert_eq!(
            e.message,
            "Cannot write secrets to Azure KeyVault-backed scope kv."
        );
        let e = store.delete_secret(ADMIN, "kv", "k").unwrap_err();
        assert_eq!(e.code, ErrorCode::BadRequest);
        let scopes = store.list_scopes(ADMIN);
        assert_eq!(scopes[0].backend_type, "AZURE_KEYVAULT");
        assert_eq!(
            scopes[0].keyvault_metadata.as_ref().unwrap().resource_id,
            "/subs/x"
        );
    }

    #[test]
    fn acls_overwrite_and_go_with_the_scope() {
        let mut store = store_with("s");
        store.put_acl(ADMIN, "s", "users", "READ").unwrap();
        store.put_acl(ADMIN, "s", "users", "WRITE").unwrap();
        assert_eq!(
            store.get_acl(ADMIN, "s", "users").unwrap().permission,
            "WRITE"
        );
        let principals: Vec<String> = store
            .list_acls(ADMIN, "s")
            .unwrap()
            .into_iter()
            .map(|a| a.principal)
            .collect();
        assert_eq!(principals, [ADMIN, "users"]);
        assert_eq!(
            code(store.put_acl(ADMIN, "s", " ", "READ")),
            ErrorCode::InvalidParameterValue
        );
        assert_eq!(
            code(store.put_acl(ADMIN, "s", "u", "read")),
            ErrorCode::InvalidParameterValue
        );
        store.put_secret(ADMIN, "s", "k", vec![1], 1).unwrap();
        store.delete_scope(ADMIN, "S").unwrap();
        store.create_scope(ADMIN, "s", None, None).unwrap();
        assert!(store.list_secrets(ADMIN, "s").unwrap().is_empty());
        assert_eq!(store.list_acls(ADMIN, "s").unwrap().len(), 1);
        store.delete_acl(ADMIN, "s", ADMIN).unwrap();
        assert!(store.list_acls(ADMIN, "s").unwrap().is_empty());
    }
}
