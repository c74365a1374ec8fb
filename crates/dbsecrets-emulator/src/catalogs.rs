//! The catalogs and schemas of the emulated metastore, which the API cannot
//! create: declared in the `--config` file or by `--uc-schema`, and added
//! at start.
//!
//! ```toml
//! [[catalogs]]
//! name = "main"
//! owner = "admin@example.com"        # optional: the first admin
//!
//! [[schemas]]
//! catalog = "main"                   # declared above, or made here
//! name = "orders_app"
//! owner = "alice@example.com"        # optional: the first admin
//! ```
//!
//! `--uc-schema main.orders_app` declares the schema and, when needed, its
//! catalog, both owned by the first admin. The first admin is the first
//! `--admin`, else the first config principal with `admin = true`, else, in
//! an open workspace, the default principal, else the first `--token`
//! principal. Names are folded to lower case. A catalog or schema that
//! exists already (loaded from `--state`) is kept as it was saved, owner
//! and grants included.

use anyhow::Context as _;
use serde::Deserialize;

use super::state::uc::UnityCatalog;

/// A `[[catalogs]]` entry of the config file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogConfig {
    pub name: String,
    /// Default: the first admin.
    #[serde(default)]
    pub owner: Option<String>,
}

/// A `[[schemas]]` entry of the config file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaConfig {
    pub catalog: String,
    pub name: String,
    /// Default: the first admin.
    #[serde(default)]
    pub owner: Option<String>,
}

/// Splits `CATALOG.SCHEMA` (`--uc-schema`), checking both names.
pub(super) fn parse_uc_schema(text: &str) -> Result<SchemaConfig, String> {
    let Some((catalog, name)) = text.split_once('.') else {
        return Err("expected CATALOG.SCHEMA".to_string());
    };
    let mut probe = UnityCatalog::new();
    probe
        .declare_catalog(catalog, "x")
        .and_then(|()| probe.declare_schema(catalog, name, "x"))
        .map_err(|e| e.message)?;
    Ok(SchemaConfig {
        catalog: catalog.to_string(),
        name: name.to_string(),
        owner: None,
    })
}

/// Adds the declared catalogs, then the declared schemas (with their
/// catalogs when undeclared), then the `--uc-schema` ones.
pub(super) fn declare(
    uc: &mut UnityCatalog,
    catalogs: &[CatalogConfig],
    schemas: &[SchemaConfig],
    uc_schemas: &[String],
    first_admin: &str,
) -> anyhow::Result<()> {
    for c in catalogs {
        let owner = c.owner.as_deref().unwrap_or(first_admin);
        uc.declare_catalog(&c.name, owner)
            .map_err(|e| anyhow::anyhow!(e.message))
            .with_context(|| format!("invalid catalog {:?} in the emulator config", c.name))?;
    }
    let flags = uc_schemas
        .iter()
        .map(|s| parse_uc_schema(s).map_err(|e| anyhow::anyhow!("invalid --uc-schema {s:?}: {e}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    for s in schemas.iter().chain(&flags) {
        let owner = s.owner.as_deref().unwrap_or(first_admin);
        uc.declare_catalog(&s.catalog, first_admin)
            .and_then(|()| uc.declare_schema(&s.catalog, &s.name, owner))
            .map_err(|e| anyhow::anyhow!(e.message))
            .with_context(|| format!("invalid schema {}.{}", s.catalog, s.name))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Caller;

    #[test]
    fn uc_schema_flags() {
        let s = parse_uc_schema("Main.Orders_App").unwrap();
        assert_eq!(
            (s.catalog.as_str(), s.name.as_str()),
            ("Main", "Orders_App")
        );
        for bad in ["main", "main.a.b", ".x", "main.a b"] {
            assert!(parse_uc_schema(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn declarations_add_what_is_missing() {
        let mut uc = UnityCatalog::new();
        let catalogs = [CatalogConfig {
            name: "Main".into(),
            owner: Some("carol".into()),
        }];
        let schemas = [SchemaConfig {
            catalog: "other".into(),
            name: "s".into(),
            owner: Some("dave".into()),
        }];
        declare(
            &mut uc,
            &catalogs,
            &schemas,
            &["main.app".into(), "MAIN.app".into()],
            "root",
        )
        .unwrap();
        let caller = Caller::user::<&str>("carol", &[]);
        // carol owns catalog main: she may read the grants of main.app.
        use crate::state::uc::PageRequest;
        let r = uc.get_grants(
            &caller,
            "schema",
            "main.app",
            PageRequest::MaxResults(None),
            None,
            None,
        );
        assert!(r.is_ok(), "{r:?}");
        let snapshot = serde_json::to_value(uc.snapshot()).unwrap();
        let owners: Vec<(String, String)> = snapshot["catalogs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap().into(),
                    c["owner"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(
            owners,
            [
                ("main".into(), "carol".into()),
                ("other".into(), "root".into())
            ]
        );
        assert_eq!(snapshot["catalogs"][1]["schemas"][0]["owner"], "dave");
        assert_eq!(snapshot["catalogs"][0]["schemas"][0]["owner"], "root");
        let e = declare(
            &mut uc,
            &[CatalogConfig {
                name: "a b".into(),
                owner: None,
            }],
            &[],
            &[],
            "root",
        )
        .unwrap_err();
        assert!(
            format!("{e:#}").contains("Invalid catalog name 'a b'"),
            "{e:#}"
        );
        let e = declare(&mut uc, &[], &[], &["x".into()], "root").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid --uc-schema \"x\": expected CATALOG.SCHEMA"
        );
    }
}
