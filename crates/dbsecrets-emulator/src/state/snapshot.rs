//! The persisted form of the store (`--state`): a versioned, serde-friendly
//! snapshot, and the conversions both ways. Loading checks every rule a live
//! store keeps, so a damaged or hand-edited file is refused, not half-loaded.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::access::Permission;
use super::names::{decode_value, fold, validate_key, validate_principal, validate_scope_name};
use super::store::{scope_info, Scope, ScopeBackend, Secret, Store, MAX_SECRETS_PER_SCOPE};
use super::uc::snapshot::UcSnapshot;
use super::uc::UnityCatalog;

/// The state file's contents (`--state`): every scope with its secrets
/// (values in base64), ACLs and timestamps, and the Unity Catalog metastore
/// when it holds anything. Versioned so that a later format can still read
/// it; a file without `unity_catalog` (as version 1 was first written)
/// still loads.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub version: u32,
    pub scopes: Vec<ScopeSnapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unity_catalog: Option<UcSnapshot>,
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
            unity_catalog: (!self.uc.is_empty()).then(|| self.uc.snapshot()),
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
        if let Some(uc) = snapshot.unity_catalog {
            store.uc =
                UnityCatalog::from_snapshot(uc).map_err(|e| format!("unity_catalog: {e}"))?;
        }
        for scope in snapshot.scopes {
            let name = scope.name;
            validate_scope_name(&name).map_err(|e| format!("scope {name:?}: {}", e.message))?;
            let backend = match (scope.backend_type.as_str(), scope.keyvault_metadata) {
                ("DATABRICKS", None) => ScopeBackend::Databricks,
                ("AZURE_KEYVAULT", Some(m)) => ScopeBackend::AzureKeyVault {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::{admin, store_with, ADMIN};

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
