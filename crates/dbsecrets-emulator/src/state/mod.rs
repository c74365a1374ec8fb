//! The data model and rules of the Secrets API 2.0 and of Unity Catalog
//! secrets, free of HTTP.
//!
//! Every operation validates its input and answers either a plain value or an
//! [`ServiceError`] carrying the error code and message the real server would send,
//! so the HTTP layer only translates; the rules can be unit-tested here.
//!
//! - [`errors`]: the error answer and its codes;
//! - [`access`]: READ/WRITE/MANAGE, who is calling, and who may do what;
//! - [`names`]: the checks on scope names, keys, principals and values;
//! - [`store`]: the scopes, secrets and ACLs, and the API's operations;
//!   it also holds the Unity Catalog metastore;
//! - [`uc`]: Unity Catalog: catalogs, schemas, secrets, grants, and who
//!   may do what;
//! - [`snapshot`]: the persisted form (`--state`).

pub mod access;
pub mod errors;
pub mod names;
pub mod snapshot;
pub mod store;
pub mod uc;

pub use access::{Caller, Permission, ADMINS_GROUP, USERS_GROUP};
pub use errors::{ErrorCode, ServiceError};
pub use names::{
    decode_value, validate_key, validate_principal, validate_scope_name, MAX_NAME_LEN,
    MAX_VALUE_BYTES,
};
pub use snapshot::{
    AclSnapshot, KeyVaultMetadataSnapshot, ScopeSnapshot, SecretSnapshot, Snapshot,
    SNAPSHOT_VERSION,
};
pub use store::{
    AclInfo, KeyVaultMetadata, ScopeBackend, ScopeInfo, SecretInfo, Store, MAX_SECRETS_PER_SCOPE,
};

/// Helpers shared by the unit tests of the submodules.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Caller, ErrorCode, ServiceError, Store};

    pub(crate) const ADMIN: &str = "admin@example.com";

    pub(crate) fn admin() -> Caller {
        Caller::admin(ADMIN)
    }

    pub(crate) fn store_with(scope: &str) -> Store {
        let mut store = Store::new(1000);
        store.create_scope(&admin(), scope, None, None).unwrap();
        store
    }

    pub(crate) fn code(r: Result<impl Sized, ServiceError>) -> ErrorCode {
        match r {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.code,
        }
    }
}
