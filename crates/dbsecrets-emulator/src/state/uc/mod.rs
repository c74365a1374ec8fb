//! Unity Catalog secrets (uc-secrets.md), free of HTTP: one metastore of
//! catalogs, schemas and secrets, with owners and grants.
//!
//! - [`names`]: name, value, comment and timestamp rules, and the limits;
//! - [`securable`]: securable types, full names and privileges;
//! - `model`: the stored objects, and [`SecretInfo`] as the API returns it;
//! - `access`: who may do what (the proposal of §5), in one function;
//! - `secrets`: create, get, list, delete; `update`: the update and its
//!   `update_mask`;
//! - `grants`: direct and effective grants, and changes to them;
//! - `paging`: page sizes and opaque page tokens;
//! - [`snapshot`]: the persisted form (part of `--state`).
//!
//! Catalogs and schemas are not made through the API: the emulator declares
//! them at start ([`UnityCatalog::declare_catalog`],
//! [`UnityCatalog::declare_schema`]). Every operation checks its input
//! first, then that the objects exist (404), then access (403), then its own
//! rules.

mod access;
mod grants;
mod model;
pub mod names;
mod paging;
mod secrets;
pub mod securable;
pub mod snapshot;
mod update;

use std::collections::BTreeMap;

pub use grants::{
    Change, EffectiveAssignment, EffectivePrivilege, PageRequest, PrivilegeAssignment,
};
pub use model::SecretInfo;
pub use paging::Page;
pub use secrets::SecretFields;

use self::access::{Level, Path};
use self::model::{Catalog, Schema};
use self::names::uc_name;
use self::securable::SecurableType;
use super::errors::ServiceError;

/// The metastore id the emulator answers with (stable across restarts).
pub const METASTORE_ID: &str = "7f3c2a10-5e8b-4c1d-9a6f-0b2e4d6c8a01";

/// One metastore: its catalogs, their schemas and secrets. `Clone` so that a
/// change can be undone when it cannot be saved.
#[derive(Clone)]
pub struct UnityCatalog {
    metastore_id: String,
    catalogs: BTreeMap<String, Catalog>,
    /// The most items a list page holds (`--uc-page-size`, at most 1000).
    max_page: usize,
}

impl Default for UnityCatalog {
    fn default() -> Self {
        Self {
            metastore_id: METASTORE_ID.to_string(),
            catalogs: BTreeMap::new(),
            max_page: paging::MAX_PAGE,
        }
    }
}

pub(crate) fn missing(kind: SecurableType, full_name: &str) -> ServiceError {
    ServiceError::not_found(format!("{} '{full_name}' does not exist.", kind.title()))
}

impl UnityCatalog {
    pub fn new() -> Self {
        Self::default()
    }

    /// Caps every list page at `n` items (1 to 1000), so that paging can be
    /// tested with a few secrets.
    pub fn set_max_page(&mut self, n: usize) {
        self.max_page = n.clamp(1, paging::MAX_PAGE);
    }

    pub fn is_empty(&self) -> bool {
        self.catalogs.is_empty()
    }

    /// Adds catalog `name` owned by `owner`, unless it exists (then it is
    /// left as it is). The name is checked and folded to lower case.
    pub fn declare_catalog(&mut self, name: &str, owner: &str) -> Result<(), ServiceError> {
        let name = uc_name("catalog", name)?;
        names::check_principal("owner", owner)?;
        self.catalogs.entry(name).or_insert_with(|| Catalog {
            owner: owner.to_string(),
            grants: BTreeMap::new(),
            schemas: BTreeMap::new(),
        });
        Ok(())
    }

    /// Adds schema `catalog.name` owned by `owner`, unless it exists. The
    /// catalog must exist.
    pub fn declare_schema(
        &mut self,
        catalog: &str,
        name: &str,
        owner: &str,
    ) -> Result<(), ServiceError> {
        let catalog = uc_name("catalog", catalog)?;
        let name = uc_name("schema", name)?;
        names::check_principal("owner", owner)?;
        let c = self
            .catalogs
            .get_mut(&catalog)
            .ok_or_else(|| missing(SecurableType::Catalog, &catalog))?;
        c.schemas.entry(name).or_insert_with(|| Schema {
            owner: owner.to_string(),
            grants: BTreeMap::new(),
            secrets: BTreeMap::new(),
        });
        Ok(())
    }

    /// The stored value of a secret, bypassing access (for tests).
    pub fn secret_value(&self, full_name: &str) -> Option<String> {
        let mut parts = full_name.split('.').map(str::to_lowercase);
        let (c, s, n) = (parts.next()?, parts.next()?, parts.next()?);
        let schema = self.catalogs.get(&c)?.schemas.get(&s)?;
        schema.secrets.get(&n).map(|secret| secret.value.clone())
    }

    /// How many secrets the metastore holds.
    fn secret_count(&self) -> usize {
        self.catalogs
            .values()
            .flat_map(|c| c.schemas.values())
            .map(|s| s.secrets.len())
            .sum()
    }

    /// The catalog and the access path to it, or 404.
    fn catalog_path(&self, catalog: &str) -> Result<(&Catalog, Path<'_>), ServiceError> {
        let c = self
            .catalogs
            .get(catalog)
            .ok_or_else(|| missing(SecurableType::Catalog, catalog))?;
        let path = Path {
            levels: vec![Level {
                kind: SecurableType::Catalog,
                full_name: catalog.to_string(),
                owner: &c.owner,
                grants: &c.grants,
            }],
        };
        Ok((c, path))
    }

    /// The schema and the access path to it, or 404 for it or its catalog.
    fn schema_path(
        &self,
        catalog: &str,
        schema: &str,
    ) -> Result<(&Schema, Path<'_>), ServiceError> {
        let (c, mut path) = self.catalog_path(catalog)?;
        let full_name = format!("{catalog}.{schema}");
        let s = c
            .schemas
            .get(schema)
            .ok_or_else(|| missing(SecurableType::Schema, &full_name))?;
        path.levels.push(Level {
            kind: SecurableType::Schema,
            full_name,
            owner: &s.owner,
            grants: &s.grants,
        });
        Ok((s, path))
    }

    fn schema_mut(&mut self, catalog: &str, schema: &str) -> Option<&mut Schema> {
        self.catalogs.get_mut(catalog)?.schemas.get_mut(schema)
    }
}

/// Helpers shared by the unit tests of the submodules.
#[cfg(test)]
pub(crate) mod testing {
    use chrono::{DateTime, Utc};

    use super::{SecretFields, UnityCatalog};
    use crate::state::Caller;

    pub(crate) const OWNER: &str = "owner@example.com";

    pub(crate) fn admin() -> Caller {
        Caller::admin("admin@example.com")
    }

    pub(crate) fn user(name: &str) -> Caller {
        Caller::user::<&str>(name, &[])
    }

    pub(crate) fn t(n: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(1_767_225_600_000 + n).unwrap()
    }

    /// Catalog `main` and schema `main.app`, owned by [`OWNER`].
    pub(crate) fn metastore() -> UnityCatalog {
        let mut uc = UnityCatalog::new();
        uc.declare_catalog("main", OWNER).unwrap();
        uc.declare_schema("main", "app", OWNER).unwrap();
        uc
    }

    pub(crate) fn fields(name: &str, value: &str) -> SecretFields {
        SecretFields {
            catalog_name: Some("main".into()),
            schema_name: Some("app".into()),
            name: Some(name.into()),
            value: Some(value.into()),
            ..SecretFields::default()
        }
    }

    /// [`metastore`] with secret `main.app.k`, created by `admin()`.
    pub(crate) fn with_secret() -> UnityCatalog {
        let mut uc = metastore();
        uc.create_secret(&admin(), fields("k", "v"), t(0)).unwrap();
        uc
    }
}
