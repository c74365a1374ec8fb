//! The secrets endpoints' operations: create, get (with or without the
//! value), list (one schema or the whole metastore, in pages), delete; the
//! update and its `update_mask` are in `update`.

use chrono::{DateTime, Utc};

use crate::state::access::Caller;
use crate::state::errors::{ErrorCode, ServiceError};

use super::access::{authorize, Action, Level, Path};
use super::model::{Secret, SecretInfo};
use super::names::{
    check_comment, check_principal, check_value, parse_time, uc_name, MAX_SECRETS_PER_METASTORE,
    MAX_SECRETS_PER_SCHEMA,
};
use super::paging::{page, secrets_page_size, Page};
use super::securable::{Securable, SecurableType};
use super::{missing, UnityCatalog};

/// A flat Secret as a create or an update sends it. Fields the API only
/// outputs are not read, except `full_name`, which an update checks
/// against its path. No `Debug`: it holds the value.
#[derive(Clone, Default)]
pub struct SecretFields {
    pub name: Option<String>,
    pub catalog_name: Option<String>,
    pub schema_name: Option<String>,
    pub full_name: Option<String>,
    pub value: Option<String>,
    pub comment: Option<String>,
    pub owner: Option<String>,
    pub expire_time: Option<String>,
}

fn required<'a>(value: &'a Option<String>, field: &str) -> Result<&'a str, ServiceError> {
    value
        .as_deref()
        .ok_or_else(|| ServiceError::invalid(format!("Missing required field: {field}.")))
}

impl UnityCatalog {
    /// `POST /secrets`: the creator owns the secret unless `owner` names
    /// someone else. An existing name is 409 (checked before the caller's
    /// right to create, so that `put` can fall back to an update).
    pub fn create_secret(
        &mut self,
        caller: &Caller,
        fields: SecretFields,
        now: DateTime<Utc>,
    ) -> Result<SecretInfo, ServiceError> {
        let catalog = uc_name("catalog", required(&fields.catalog_name, "catalog_name")?)?;
        let schema = uc_name("schema", required(&fields.schema_name, "schema_name")?)?;
        let name = uc_name("secret", required(&fields.name, "name")?)?;
        let value = required(&fields.value, "value")?;
        check_value(value)?;
        if let Some(comment) = &fields.comment {
            check_comment(comment)?;
        }
        if let Some(owner) = &fields.owner {
            check_principal("owner", owner)?;
        }
        let expire_time = (fields.expire_time.as_deref())
            .map(|t| parse_time("expire_time", t))
            .transpose()?;
        let full_name = format!("{catalog}.{schema}.{name}");
        {
            let (s, path) = self.schema_path(&catalog, &schema)?;
            if s.secrets.contains_key(&name) {
                return Err(ServiceError::new(
                    ErrorCode::Conflict,
                    format!("Secret '{full_name}' already exists."),
                ));
            }
            authorize(&path, caller, Action::CreateSecret)?;
            if s.secrets.len() >= MAX_SECRETS_PER_SCHEMA {
                return Err(ServiceError::limit(format!(
                    "Schema '{catalog}.{schema}' already holds the maximum of \
                     {MAX_SECRETS_PER_SCHEMA} secrets."
                )));
            }
        }
        if self.secret_count() >= MAX_SECRETS_PER_METASTORE {
            return Err(ServiceError::limit(format!(
                "The metastore already holds the maximum of {MAX_SECRETS_PER_METASTORE} secrets."
            )));
        }
        let secret = Secret {
            value: value.to_string(),
            comment: fields.comment,
            owner: fields.owner.unwrap_or_else(|| caller.name.clone()),
            expire_time,
            create_time: now,
            created_by: caller.name.clone(),
            update_time: now,
            updated_by: caller.name.clone(),
            grants: Default::default(),
        };
        let info = secret.info([&catalog, &schema, &name], &self.metastore_id);
        let s = self.schema_mut(&catalog, &schema).expect("looked up above");
        s.secrets.insert(name, secret);
        Ok(info)
    }

    /// The secret named by `full_name` (checked), and the access path to it.
    pub(crate) fn secret_path(
        &self,
        full_name: &str,
    ) -> Result<([String; 3], &Secret, Path<'_>), ServiceError> {
        let parts = Securable::parse(SecurableType::Secret, full_name)?.parts;
        let [c, s, n]: [String; 3] = parts.try_into().expect("three parts");
        let (schema, mut path) = self.schema_path(&c, &s)?;
        let full_name = format!("{c}.{s}.{n}");
        let secret = schema
            .secrets
            .get(&n)
            .ok_or_else(|| missing(SecurableType::Secret, &full_name))?;
        path.levels.push(Level {
            kind: SecurableType::Secret,
            full_name,
            owner: &secret.owner,
            grants: &secret.grants,
        });
        Ok(([c, s, n], secret, path))
    }

    /// `GET /secrets/{full_name}`: the metadata, and with `include_value`
    /// the value as `effective_value` (403 without READ SECRET, never a
    /// silent omission). An expired secret reads as any other.
    pub fn get_secret(
        &self,
        caller: &Caller,
        full_name: &str,
        include_value: bool,
    ) -> Result<SecretInfo, ServiceError> {
        let ([c, s, n], secret, path) = self.secret_path(full_name)?;
        authorize(&path, caller, Action::ReadMetadata)?;
        let mut info = secret.info([&c, &s, &n], &self.metastore_id);
        if include_value {
            authorize(&path, caller, Action::ReadValue)?;
            info.effective_value = Some(secret.value.clone());
        }
        Ok(info)
    }

    /// `GET /secrets`: the secrets of schema `catalog_name.schema_name`
    /// (both or neither), or of the whole metastore, that the caller may
    /// see, sorted by full name, one page at a time.
    pub fn list_secrets(
        &self,
        caller: &Caller,
        catalog_name: Option<&str>,
        schema_name: Option<&str>,
        page_size: Option<i64>,
        page_token: Option<&str>,
    ) -> Result<Page<SecretInfo>, ServiceError> {
        let size = secrets_page_size(page_size, self.max_page)?;
        let schemas: Vec<(String, String)> = match (catalog_name, schema_name) {
            (Some(c), Some(s)) => {
                let (c, s) = (uc_name("catalog", c)?, uc_name("schema", s)?);
                let (_, path) = self.schema_path(&c, &s)?;
                authorize(&path, caller, Action::UseSchema)?;
                vec![(c, s)]
            }
            (None, None) => self
                .catalogs
                .iter()
                .flat_map(|(c, catalog)| catalog.schemas.keys().map(|s| (c.clone(), s.clone())))
                .collect(),
            _ => {
                return Err(ServiceError::invalid(
                    "catalog_name and schema_name must be specified together (or neither, to \
                     list every secret you may see).",
                ))
            }
        };
        let mut visible = Vec::new();
        for (c, s) in &schemas {
            let (schema, _) = self.schema_path(c, s)?;
            for n in schema.secrets.keys() {
                let (_, secret, path) = self.secret_path(&format!("{c}.{s}.{n}"))?;
                if authorize(&path, caller, Action::ReadMetadata).is_ok() {
                    let info = secret.info([c, s, n], &self.metastore_id);
                    visible.push((info.full_name.clone(), info));
                }
            }
        }
        visible.sort_by(|a, b| a.0.cmp(&b.0));
        page(visible, size, page_token)
    }

    /// `DELETE /secrets/{full_name}`: the secret goes with its grants.
    pub fn delete_secret(&mut self, caller: &Caller, full_name: &str) -> Result<(), ServiceError> {
        let ([c, s, n], _, path) = self.secret_path(full_name)?;
        authorize(&path, caller, Action::Delete)?;
        let schema = self.schema_mut(&c, &s).expect("looked up above");
        schema.secrets.remove(&n);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::code;
    use crate::state::uc::testing::{admin, fields, metastore, t, user, with_secret, OWNER};

    #[test]
    fn create_answers_the_secret_without_its_value() {
        let mut uc = metastore();
        let mut f = fields("Vendor_API_Key", "s3cr3t");
        f.catalog_name = Some("MAIN".into());
        f.comment = Some("Vendor X".into());
        f.expire_time = Some("2027-01-01T01:00:00+01:00".into());
        let info = uc.create_secret(&user(OWNER), f, t(123)).unwrap();
        assert_eq!(info.full_name, "main.app.vendor_api_key");
        assert_eq!(
            (info.name.as_str(), info.catalog_name.as_str()),
            ("vendor_api_key", "main")
        );
        assert_eq!(
            info.expire_time.as_deref(),
            Some("2027-01-01T00:00:00.000Z")
        );
        assert_eq!(info.create_time, "2026-01-01T00:00:00.123Z");
        assert_eq!(
            (info.effective_owner.as_str(), info.created_by.as_str()),
            (OWNER, OWNER)
        );
        assert_eq!(info.effective_value, None);
        let json = serde_json::to_value(&info).unwrap();
        assert!(json.get("owner").is_none() && json.get("effective_value").is_none());
        assert!(!format!("{info:?}").contains("s3cr3t"));
        assert_eq!(
            uc.secret_value("main.app.VENDOR_API_KEY").unwrap(),
            "s3cr3t"
        );
        // An owner given on create is the owner.
        let mut f = fields("k2", "v");
        f.owner = Some("team".into());
        assert_eq!(
            uc.create_secret(&admin(), f, t(0)).unwrap().effective_owner,
            "team"
        );
    }

    #[test]
    fn create_checks_input_then_existence() {
        let mut uc = with_secret();
        for (f, message) in [
            (
                SecretFields {
                    value: None,
                    ..fields("x", "v")
                },
                "Missing required field: value.",
            ),
            (
                SecretFields {
                    catalog_name: None,
                    ..fields("x", "v")
                },
                "Missing required field: catalog_name.",
            ),
            (fields("x", ""), "The secret value must not be empty."),
            (
                SecretFields {
                    comment: Some(String::new()),
                    ..fields("x", "v")
                },
                "The comment is 0",
            ),
            (
                SecretFields {
                    expire_time: Some("soon".into()),
                    ..fields("x", "v")
                },
                "Invalid expire_time 'soon'",
            ),
            (
                SecretFields {
                    owner: Some(" ".into()),
                    ..fields("x", "v")
                },
                "The owner must not be empty.",
            ),
            (fields("a.b", "v"), "Invalid secret name 'a.b'"),
        ] {
            let e = uc.create_secret(&admin(), f, t(0)).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidParameterValue, "{message}");
            assert!(e.message.starts_with(message), "{}", e.message);
        }
        let e = uc
            .create_secret(&admin(), fields("K", "v"), t(0))
            .unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (ErrorCode::Conflict, "Secret 'main.app.k' already exists.")
        );
        let mut f = fields("x", "v");
        f.schema_name = Some("nope".into());
        let e = uc.create_secret(&admin(), f, t(0)).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                ErrorCode::ResourceDoesNotExist,
                "Schema 'main.nope' does not exist."
            )
        );
        let mut f = fields("x", "v");
        f.catalog_name = Some("other".into());
        let e = uc.create_secret(&admin(), f, t(0)).unwrap_err();
        assert_eq!(e.message, "Catalog 'other' does not exist.");
    }

    #[test]
    fn quotas_per_schema_and_per_metastore() {
        let mut uc = metastore();
        uc.declare_schema("main", "other", OWNER).unwrap();
        for i in 0..MAX_SECRETS_PER_SCHEMA {
            uc.create_secret(&admin(), fields(&format!("k{i}"), "v"), t(0))
                .unwrap();
        }
        let e = uc
            .create_secret(&admin(), fields("one-more", "v"), t(0))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ResourceLimitExceeded);
        assert_eq!(
            e.message,
            "Schema 'main.app' already holds the maximum of 1000 secrets."
        );
        // An existing name is still 409, not the limit.
        assert_eq!(
            code(uc.create_secret(&admin(), fields("k1", "v"), t(0))),
            ErrorCode::Conflict
        );
        for i in 1..MAX_SECRETS_PER_METASTORE / MAX_SECRETS_PER_SCHEMA {
            uc.declare_schema("main", &format!("s{i}"), OWNER).unwrap();
            for j in 0..MAX_SECRETS_PER_SCHEMA {
                let mut f = fields(&format!("k{j}"), "v");
                f.schema_name = Some(format!("s{i}"));
                uc.create_secret(&admin(), f, t(0)).unwrap();
            }
        }
        let mut f = fields("k", "v");
        f.schema_name = Some("other".into());
        let e = uc.create_secret(&admin(), f, t(0)).unwrap_err();
        assert_eq!(e.code, ErrorCode::ResourceLimitExceeded);
        assert_eq!(
            e.message,
            "The metastore already holds the maximum of 10000 secrets."
        );
        uc.delete_secret(&admin(), "main.app.k0").unwrap();
        let mut f = fields("k", "v");
        f.schema_name = Some("other".into());
        uc.create_secret(&admin(), f, t(0)).unwrap();
    }

    #[test]
    fn get_with_and_without_the_value() {
        let uc = with_secret();
        let info = uc.get_secret(&admin(), "Main.App.K", false).unwrap();
        assert_eq!(
            (info.full_name.as_str(), info.effective_value.as_deref()),
            ("main.app.k", None)
        );
        let info = uc.get_secret(&admin(), "main.app.k", true).unwrap();
        assert_eq!(info.effective_value.as_deref(), Some("v"));
        let e = uc.get_secret(&admin(), "main.app.nope", false).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                ErrorCode::ResourceDoesNotExist,
                "Secret 'main.app.nope' does not exist."
            )
        );
        assert_eq!(
            code(uc.get_secret(&admin(), "main.app", false)),
            ErrorCode::InvalidParameterValue
        );
        assert_eq!(
            code(uc.get_secret(&admin(), "main.x.k", false)),
            ErrorCode::ResourceDoesNotExist
        );
    }

    #[test]
    fn an_expired_secret_stays_readable() {
        let mut uc = metastore();
        let mut f = fields("old", "v");
        f.expire_time = Some("2001-01-01T00:00:00Z".into());
        uc.create_secret(&admin(), f, t(0)).unwrap();
        let info = uc.get_secret(&admin(), "main.app.old", true).unwrap();
        assert_eq!(info.effective_value.as_deref(), Some("v"));
        assert_eq!(
            info.expire_time.as_deref(),
            Some("2001-01-01T00:00:00.000Z")
        );
    }

    #[test]
    fn lists_are_sorted_paged_and_filtered() {
        let mut uc = metastore();
        uc.declare_catalog("abc", OWNER).unwrap();
        uc.declare_schema("abc", "z", OWNER).unwrap();
        for n in ["c", "a", "b"] {
            uc.create_secret(&admin(), fields(n, "v"), t(0)).unwrap();
        }
        let mut f = fields("x", "v");
        (f.catalog_name, f.schema_name) = (Some("abc".into()), Some("z".into()));
        uc.create_secret(&admin(), f, t(0)).unwrap();
        let names = |p: &Page<SecretInfo>| {
            p.items
                .iter()
                .map(|s| s.full_name.clone())
                .collect::<Vec<_>>()
        };
        let all = uc.list_secrets(&admin(), None, None, None, None).unwrap();
        assert_eq!(
            names(&all),
            ["abc.z.x", "main.app.a", "main.app.b", "main.app.c"]
        );
        assert!(all.items.iter().all(|s| s.effective_value.is_none()));
        let one = uc
            .list_secrets(&admin(), Some("MAIN"), Some("app"), Some(2), None)
            .unwrap();
        assert_eq!(names(&one), ["main.app.a", "main.app.b"]);
        let token = one.next_page_token.clone().unwrap();
        let two = uc
            .list_secrets(&admin(), Some("main"), Some("app"), Some(2), Some(&token))
            .unwrap();
        assert_eq!(
            (names(&two), two.next_page_token),
            (vec!["main.app.c".to_string()], None)
        );
        uc.set_max_page(1);
        let capped = uc
            .list_secrets(&admin(), None, None, Some(500), None)
            .unwrap();
        assert_eq!(capped.items.len(), 1);
        for (c, s) in [(Some("main"), None), (None, Some("app"))] {
            let e = uc.list_secrets(&admin(), c, s, None, None).unwrap_err();
            assert!(e
                .message
                .starts_with("catalog_name and schema_name must be specified together"));
        }
        assert_eq!(
            code(uc.list_secrets(&admin(), Some("main"), Some("nope"), None, None)),
            ErrorCode::ResourceDoesNotExist
        );
        assert_eq!(
            code(uc.list_secrets(&admin(), None, None, Some(-1), None)),
            ErrorCode::InvalidParameterValue
        );
        assert_eq!(
            code(uc.list_secrets(&admin(), None, None, None, Some("junk"))),
            ErrorCode::InvalidParameterValue
        );
        let empty = UnityCatalog::new()
            .list_secrets(&admin(), None, None, None, None)
            .unwrap();
        assert_eq!((empty.items.len(), empty.next_page_token), (0, None));
    }

    #[test]
    fn delete_takes_the_grants_along() {
        let mut uc = with_secret();
        uc.delete_secret(&admin(), "main.app.K").unwrap();
        assert_eq!(
            code(uc.delete_secret(&admin(), "main.app.k")),
            ErrorCode::ResourceDoesNotExist
        );
        assert!(uc.secret_value("main.app.k").is_none());
    }
}
