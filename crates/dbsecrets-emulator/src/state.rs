//! The Secrets API's data model and rules, free of HTTP.
//!
//! Every operation validates its input and answers either a plain value or an
//! [`ApiError`] carrying the error code and message the real server would send,
//! so the HTTP layer only translates; the rules can be unit-tested here.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;
use serde::{Deserialize, Serialize};

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
    RequestLimitExceeded,
    TemporarilyUnavailable,
    InternalError,
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
            Self::RequestLimitExceeded => "REQUEST_LIMIT_EXCEEDED",
            Self::TemporarilyUnavailable => "TEMPORARILY_UNAVAILABLE",
            Self::InternalError => "INTERNAL_ERROR",
        }
    }

    /// The HTTP status the real server pairs with the code.
    pub fn status(self) -> u16 {
        match self {
            Self::ResourceDoesNotExist | Self::EndpointNotFound => 404,
            Self::Unauthenticated => 401,
            Self::PermissionDenied => 403,
            Self::MethodNotAllowed => 405,
            Self::RequestLimitExceeded => 429,
            Self::InternalError => 500,
            Self::TemporarilyUnavailable => 503,
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

/// The group every principal of the workspace belongs to.
pub const USERS_GROUP: &str = "users";
/// The workspace admins' group: its members may do everything.
pub const ADMINS_GROUP: &str = "admins";

/// Who is calling: a user or service principal, every group it belongs to
/// (directly or through other groups, always including `users`) and whether
/// it is a workspace admin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub name: String,
    pub admin: bool,
    pub groups: BTreeSet<String>,
}

impl Caller {
    /// A workspace admin (member of `users` and `admins`).
    pub fn admin(name: &str) -> Self {
        Self {
            name: name.to_string(),
            admin: true,
            groups: BTreeSet::from([USERS_GROUP.to_string(), ADMINS_GROUP.to_string()]),
        }
    }

    /// A non-admin principal in `groups` (and, always, `users`).
    pub fn user<S: AsRef<str>>(name: &str, groups: &[S]) -> Self {
        let mut all: BTreeSet<String> = groups.iter().map(|g| g.as_ref().to_string()).collect();
        all.insert(USERS_GROUP.to_string());
        Self {
            name: name.to_string(),
            admin: all.contains(ADMINS_GROUP),
            groups: all,
        }
    }

    /// Whether an ACL entry for `principal` applies to this caller.
    fn is(&self, principal: &str) -> bool {
        principal == self.name || self.groups.contains(principal)
    }
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

/// The single place where ACLs are enforced; every scope operation calls it
/// with the level it needs. Workspace admins may do everything; anyone else
/// needs an ACL entry, for themselves or for a group they are in, at the
/// level needed or higher (MANAGE implies WRITE implies READ).
fn authorize(scope: &Scope, caller: &Caller, needed: Permission) -> Result<(), ApiError> {
    if caller.admin {
        return Ok(());
    }
    let held = scope
        .acls
        .iter()
        .filter(|(principal, _)| caller.is(principal))
        .map(|(_, permission)| *permission)
        .max();
    if held >= Some(needed) {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::PermissionDenied,
        format!(
            "User {} does not have {} permission on scope {} to perform this action.",
            caller.name,
            needed.as_str(),
            scope.name
        ),
    ))
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
        caller: &Caller,
        name: &str,
        initial_manage_principal: Option<&str>,
        scope_backend_type: Option<&str>,
    ) -> Result<(), ApiError> {
        validate_scope_name(name)?;
        let manager = match initial_manage_principal {
            None => caller.name.as_str(),
            Some(USERS_GROUP) => USERS_GROUP,
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
    pub fn delete_scope(&mut self, caller: &Caller, name: &str) -> Result<(), ApiError> {
        authorize(self.scope(name)?, caller, Permission::Manage)?;
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
    ) -> Result<(), ApiError> {
        validate_scope_name(scope)?;
        validate_key(key)?;
        let s = self.scope_mut(scope)?;
        authorize(s, caller, Permission::Write)?;
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
    pub fn delete_secret(
        &mut self,
        caller: &Caller,
        scope: &str,
        key: &str,
    ) -> Result<(), ApiError> {
        validate_scope_name(scope)?;
        validate_key(key)?;
        let s = self.scope_mut(scope)?;
        authorize(s, caller, Permission::Write)?;
        reject_keyvault_write(s, "Cannot delete secrets from Azure KeyVault-backed scope")?;
        match s.secrets.remove(&fold(key)) {
            Some(_) => Ok(()),
            None => Err(secret_missing(scope, key)),
        }
    }

    /// `list` (secrets), sorted by key as listed.
    pub fn list_secrets(&self, caller: &Caller, scope: &str) -> Result<Vec<SecretInfo>, ApiError> {
        let s = self.scope(scope)?;
        authorize(s, caller, Permission::Read)?;
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
    ) -> Result<(String, Vec<u8>), ApiError> {
        validate_scope_name(scope)?;
        validate_key(key)?;
        let s = self.scope(scope)?;
        authorize(s, caller, Permission::Read)?;
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
    ) -> Result<(), ApiError> {
        validate_principal(principal)?;
        let permission = Permission::parse(permission)?;
        let s = self.scope_mut(scope)?;
        authorize(s, caller, Permission::Manage)?;
        s.acls.insert(principal.to_string(), permission);
        Ok(())
    }

    /// `acls/get`.
    pub fn get_acl(
        &self,
        caller: &Caller,
        scope: &str,
        principal: &str,
    ) -> Result<AclInfo, ApiError> {
        validate_principal(principal)?;
        let s = self.scope(scope)?;
        authorize(s, caller, Permission::Manage)?;
        let permission = s
            .acls
            .get(principal)
            .ok_or_else(|| acl_missing(scope, principal))?;
        Ok(acl_info(principal, *permission))
    }

    /// `acls/list`, sorted by principal.
    pub fn list_acls(&self, caller: &Caller, scope: &str) -> Result<Vec<AclInfo>, ApiError> {
        let s = self.scope(scope)?;
        authorize(s, caller, Permission::Manage)?;
        Ok(s.acls.iter().map(|(p, perm)| acl_info(p, *perm)).collect())
    }

    /// `acls/delete`.
    pub fn delete_acl(
        &mut self,
        caller: &Caller,
        scope: &str,
        principal: &str,
    ) -> Result<(), ApiError> {
        validate_principal(principal)?;
        let s = self.scope_mut(scope)?;
        authorize(s, caller, Permission::Manage)?;
        match s.acls.remove(principal) {
            Some(_) => Ok(()),
            None => Err(acl_missing(scope, principal)),
        }
    }
}

/// The state file's contents (`--state`): every scope with its secrets
/// (values in base64), ACLs and timestamps. Versioned so that a later format
/// can still read it.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub version: u32,
    pub scopes: Vec<ScopeSnapshot>,
}

/// One scope in a [`Snapshot`].
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeSnapshot {
    pub name: String,
    /// `DATABRICKS` or `AZURE_KEYVAULT`.
    pub backend_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyvault_metadata: Option<KeyVaultMetadataSnapshot>,
    #[serde(default)]
    pub secrets: Vec<SecretSnapshot>,
    #[serde(default)]
    pub acls: Vec<AclSnapshot>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyVaultMetadataSnapshot {
    pub resource_id: String,
    pub dns_name: String,
}

/// A stored secret; no `Debug` so that its value never reaches a log.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretSnapshot {
    pub key: String,
    /// Standard base64 of the value's bytes.
    pub value: String,
    pub last_updated_timestamp: i64,
}

impl std::fmt::Debug for SecretSnapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretSnapshot")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AclSnapshot {
    pub principal: String,
    pub permission: String,
}

/// The only [`Snapshot::version`] this emulator writes and reads.
pub const SNAPSHOT_VERSION: u32 = 1;

impl Store {
    /// Everything the store holds, for the state file.
    pub fn snapshot(&self) -> Snapshot {
        let b64 = base64::engine::general_purpose::STANDARD;
        let scopes = self
            .scopes
            .values()
            .map(|scope| {
                let info = scope_info(scope);
                ScopeSnapshot {
                    name: scope.name.clone(),
                    backend_type: info.backend_type.to_string(),
                    keyvault_metadata: info.keyvault_metadata.map(|m| KeyVaultMetadataSnapshot {
                        resource_id: m.resource_id,
                        dns_name: m.dns_name,
                    }),
                    secrets: scope
                        .secrets
                        .values()
                        .map(|s| SecretSnapshot {
                            key: s.key.clone(),
                            value: b64.encode(&s.value),
                            last_updated_timestamp: s.last_updated_timestamp,
                        })
                        .collect(),
                    acls: scope
                        .acls
                        .iter()
                        .map(|(principal, permission)| AclSnapshot {
                            principal: principal.clone(),
                            permission: permission.as_str().to_string(),
                        })
                        .collect(),
                }
            })
            .collect();
        Snapshot {
            version: SNAPSHOT_VERSION,
            scopes,
        }
    }

    /// Rebuilds a store from a state file's contents, checking every rule a
    /// live store keeps (names, sizes, duplicates, permissions, base64), so
    /// that a hand-edited or damaged file is refused, not half-loaded.
    pub fn from_snapshot(snapshot: Snapshot, max_scopes: usize) -> Result<Self, String> {
        if snapshot.version != SNAPSHOT_VERSION {
            return Err(format!(
                "unsupported state version {} (this emulator reads version {SNAPSHOT_VERSION})",
                snapshot.version
            ));
        }
        let mut store = Self::new(max_scopes);
        for scope in snapshot.scopes {
            let name = scope.name;
            validate_scope_name(&name).map_err(|e| format!("scope {name:?}: {}", e.message))?;
            let backend = match (scope.backend_type.as_str(), scope.keyvault_metadata) {
                ("DATABRICKS", None) => Backend::Databricks,
                ("AZURE_KEYVAULT", Some(m)) => Backend::AzureKeyVault {
                    resource_id: m.resource_id,
                    dns_name: m.dns_name,
                },
                (other, _) => {
                    return Err(format!(
                        "scope {name}: backend_type {other:?} does not match its keyvault_metadata"
                    ))
                }
            };
            let mut secrets = BTreeMap::new();
            if scope.secrets.len() > MAX_SECRETS_PER_SCOPE {
                return Err(format!(
                    "scope {name}: more than {MAX_SECRETS_PER_SCOPE} secrets"
                ));
            }
            for secret in scope.secrets {
                let key = secret.key;
                validate_key(&key)
                    .map_err(|e| format!("scope {name}, key {key:?}: {}", e.message))?;
                let value = decode_value(None, Some(&secret.value))
                    .map_err(|e| format!("scope {name}, key {key}: {}", e.message))?;
                let stored = Secret {
                    key: key.clone(),
                    value,
                    last_updated_timestamp: secret.last_updated_timestamp,
                };
                if secrets.insert(fold(&key), stored).is_some() {
                    return Err(format!("scope {name}: key {key} appears twice"));
                }
            }
            let mut acls = BTreeMap::new();
            for acl in scope.acls {
                let principal = acl.principal;
                validate_principal(&principal)
                    .map_err(|e| format!("scope {name}: {}", e.message))?;
                let permission = Permission::parse(&acl.permission)
                    .map_err(|e| format!("scope {name}: {}", e.message))?;
                if acls.insert(principal.clone(), permission).is_some() {
                    return Err(format!("scope {name}: principal {principal} appears twice"));
                }
            }
            let folded = fold(&name);
            if store.scopes.contains_key(&folded) {
                return Err(format!("scope {name} appears twice"));
            }
            let scope = Scope {
                name,
                backend,
                secrets,
                acls,
            };
            store.scopes.insert(folded, scope);
        }
        Ok(store)
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

    fn admin() -> Caller {
        Caller::admin(ADMIN)
    }

    fn store_with(scope: &str) -> Store {
        let mut store = Store::new(1000);
        store.create_scope(&admin(), scope, None, None).unwrap();
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

    /// Which of the eleven operations `caller` may run on scope `s` (whose
    /// secret `k` exists), probing each one on a fresh copy of `setup`.
    fn allowed(setup: &dyn Fn() -> Store, caller: &Caller) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut check = |name, r: Result<(), ApiError>| match r {
            Ok(()) => out.push(name),
            Err(e) => {
                assert_eq!(e.code, ErrorCode::PermissionDenied, "{name}: {e}");
                assert!(
                    e.message
                        .starts_with(&format!("User {} does not have ", caller.name))
                        && e.message
                            .ends_with(" permission on scope s to perform this action."),
                    "{}",
                    e.message
                );
            }
        };
        check("list", setup().list_secrets(caller, "s").map(drop));
        check("get", setup().get_secret(caller, "s", "k").map(drop));
        check("put", setup().put_secret(caller, "s", "k2", vec![], 1));
        check("delete", setup().delete_secret(caller, "s", "k"));
        check("acl-list", setup().list_acls(caller, "s").map(drop));
        check("acl-get", setup().get_acl(caller, "s", ADMIN).map(drop));
        check("acl-put", setup().put_acl(caller, "s", "x", "READ"));
        check("acl-delete", setup().delete_acl(caller, "s", ADMIN));
        check("scope-delete", setup().delete_scope(caller, "s"));
        out
    }

    fn scope_granting(
        principal: &'static str,
        permission: Option<&'static str>,
    ) -> impl Fn() -> Store {
        move || {
            let mut store = store_with("s");
            store
                .put_secret(&admin(), "s", "k", b"v".to_vec(), 1)
                .unwrap();
            if let Some(permission) = permission {
                store.put_acl(&admin(), "s", principal, permission).unwrap();
            }
            store
        }
    }

    const READS: &[&str] = &["list", "get"];
    const WRITES: &[&str] = &["list", "get", "put", "delete"];
    const ALL: &[&str] = &[
        "list",
        "get",
        "put",
        "delete",
        "acl-list",
        "acl-get",
        "acl-put",
        "acl-delete",
        "scope-delete",
    ];

    #[test]
    fn each_permission_level_allows_exactly_its_operations() {
        let alice = Caller::user::<&str>("alice", &[]);
        let none: &[&str] = &[];
        for (permission, expected) in [
            (None, none),
            (Some("READ"), READS),
            (Some("WRITE"), WRITES),
            (Some("MANAGE"), ALL),
        ] {
            let got = allowed(&scope_granting("alice", permission), &alice);
            assert_eq!(got, expected, "{permission:?}");
        }
        // Someone else's ACL gives alice nothing.
        assert!(allowed(&scope_granting("bob", Some("MANAGE")), &alice).is_empty());
    }

    #[test]
    fn groups_users_and_admins() {
        let alice = Caller::user("alice", &["eng"]);
        assert_eq!(
            allowed(&scope_granting("eng", Some("WRITE")), &alice),
            WRITES
        );
        assert_eq!(
            allowed(&scope_granting("users", Some("READ")), &alice),
            READS
        );
        let bob = Caller::user::<&str>("bob", &[]);
        assert!(allowed(&scope_granting("eng", Some("MANAGE")), &bob).is_empty());
        assert_eq!(allowed(&scope_granting("users", Some("READ")), &bob), READS);
        // An admin needs no ACL; the `admins` group makes one.
        assert_eq!(
            allowed(&scope_granting("x", None), &Caller::admin("root")),
            ALL
        );
        assert_eq!(
            allowed(
                &scope_granting("x", None),
                &Caller::user("carol", &["admins"])
            ),
            ALL
        );
        // The highest of several matching entries counts.
        let setup = || {
            let mut store = scope_granting("alice", Some("READ"))();
            store.put_acl(&admin(), "s", "eng", "MANAGE").unwrap();
            store
        };
        assert_eq!(allowed(&setup, &alice), ALL);
    }

    #[test]
    fn creators_manage_their_scopes_and_everyone_may_create_and_list() {
        let alice = Caller::user::<&str>("alice", &[]);
        let bob = Caller::user::<&str>("bob", &[]);
        let mut store = Store::new(10);
        store.create_scope(&alice, "mine", None, None).unwrap();
        store
            .create_scope(&alice, "ours", Some("users"), None)
            .unwrap();
        assert_eq!(store.list_scopes(&bob).len(), 2);
        store.put_secret(&alice, "mine", "k", vec![1], 1).unwrap();
        let e = store.get_secret(&bob, "mine", "k").unwrap_err();
        assert_eq!(
            e.message,
            "User bob does not have READ permission on scope mine to perform this action."
        );
        let e = store.put_acl(&bob, "mine", "bob", "READ").unwrap_err();
        assert_eq!(
            e.message,
            "User bob does not have MANAGE permission on scope mine to perform this action."
        );
        store.put_acl(&bob, "ours", "bob", "READ").unwrap();
        store.delete_scope(&bob, "ours").unwrap();
        // A missing scope is 404 for anyone, before any ACL check.
        assert_eq!(
            code(store.list_secrets(&bob, "nope")),
            ErrorCode::ResourceDoesNotExist
        );
    }

    #[test]
    fn snapshots_round_trip_and_refuse_bad_data() {
        let mut store = store_with("S");
        store
            .put_secret(&admin(), "S", "Key", vec![0, 255], 42)
            .unwrap();
        store.put_acl(&admin(), "s", "users", "READ").unwrap();
        store
            .seed_keyvault_scope(ADMIN, "kv", "/subs/x", "https://x.vault.azure.net/")
            .unwrap();
        let json = serde_json::to_string(&store.snapshot()).unwrap();
        let back = Store::from_snapshot(serde_json::from_str(&json).unwrap(), 10).unwrap();
        assert_eq!(back.secret_bytes("s", "KEY").unwrap(), vec![0, 255]);
        assert_eq!(
            back.list_secrets(&admin(), "s").unwrap()[0].last_updated_timestamp,
            42
        );
        assert_eq!(back.list_acls(&admin(), "s").unwrap().len(), 2);
        assert_eq!(back.list_scopes(&admin()), store.list_scopes(&admin()));
        for (from, to) in [
            ("\"version\":1", "\"version\":2"),
            ("\"AP8=\"", "\"not base64\""),
            ("\"READ\"", "\"read\""),
            ("\"Key\"", "\"a b\""),
            ("\"kv\"", "\"s\""),
            ("\"AZURE_KEYVAULT\"", "\"DATABRICKS\""),
        ] {
            assert!(json.contains(from), "{from} in {json}");
            let bad: Snapshot = serde_json::from_str(&json.replacen(from, to, 1)).unwrap();
            assert!(Store::from_snapshot(bad, 10).is_err(), "{to}");
        }
    }
}
