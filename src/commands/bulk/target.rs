//! Where a bulk command reads and writes: a workspace scope, or a Unity
//! Catalog schema written `uc:CATALOG.SCHEMA` (scope names cannot hold `:`).
//! import, export, copy and sync go through [`Target`], so each verb works on
//! either with the same flags, reports and guarantees; the rules that differ
//! (names, values, limits) are decided here.

use dbsecrets_client::names::{self, UcName};
use dbsecrets_client::secrets_uc::{NewSecret, SecretUpdate};
use dbsecrets_client::{Client, Error, ErrorKind, SecretValue};
use secrecy::SecretString;

use super::runner::Done;
use super::{delete_job, get_job, list_keys, put_job};
use crate::commands::uc::{uc_failure, Operation};
use crate::context::Context;
use crate::failure::{exit, Failure};

/// Most secrets a Unity Catalog schema holds (uc-secrets.md §6).
pub const MAX_PER_SCHEMA: usize = 1_000;
/// Most secrets a Unity Catalog metastore holds.
pub const MAX_PER_METASTORE: usize = 10_000;

/// A scope, or a Unity Catalog schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Scope(String),
    /// Catalog and schema, lower case.
    Uc(String, String),
}

impl Target {
    /// `uc:CATALOG.SCHEMA`, else a scope name; both checked (exit 2).
    pub fn parse(arg: &str) -> Result<Target, Failure> {
        match arg.strip_prefix("uc:") {
            Some(rest) => match UcName::schema(rest)? {
                UcName::Schema(c, s) => Ok(Target::Uc(c, s)),
                _ => unreachable!("UcName::schema gives a schema"),
            },
            None => {
                names::scope(arg).map_err(|e| match arg.contains(':') {
                    true => Failure::from(e).or_hint(
                        "a Unity Catalog schema is written uc:CATALOG.SCHEMA, e.g. uc:main.my_app",
                    ),
                    false => Failure::from(e),
                })?;
                Ok(Target::Scope(arg.to_string()))
            }
        }
    }

    pub fn is_uc(&self) -> bool {
        matches!(self, Target::Uc(..))
    }

    /// `scope 'app'` or `schema 'main.app'`, for messages.
    pub fn label(&self) -> String {
        match self {
            Target::Scope(s) => format!("scope '{s}'"),
            Target::Uc(c, s) => format!("schema '{c}.{s}'"),
        }
    }

    /// A key as the service compares it: both services ignore case.
    pub fn fold(&self, key: &str) -> String {
        match self {
            Target::Scope(_) => key.to_ascii_lowercase(),
            Target::Uc(..) => key.to_lowercase(),
        }
    }

    /// Why `key` cannot be a name here, if it cannot.
    pub fn name_problem(&self, key: &str) -> Option<String> {
        let problem = match self {
            Target::Scope(_) => names::key(key).err()?,
            Target::Uc(..) => names::uc_part("secret", key).err()?,
        };
        let mut text = format!("key '{key}': {problem}");
        if self.is_uc() && key.contains('.') {
            text.push_str(" (`dbsecrets migrate` renames keys with '.' to '_')");
        }
        Some(text)
    }

    /// Why `value` cannot be stored here, if it cannot (never shows the value).
    pub fn value_problem(&self, value: &SecretValue) -> Option<String> {
        match self {
            Target::Scope(_) => names::value_len(value.len()).err().map(|e| e.to_string()),
            Target::Uc(..) => names::uc_value(value.expose_bytes()).err().map(|e| {
                if std::str::from_utf8(value.expose_bytes()).is_err() {
                    format!("{e}; `dbsecrets migrate --binary base64` stores such values as base64 text")
                } else {
                    e.to_string()
                }
            }),
        }
    }

    /// The full name of `key` in a schema.
    fn full_name(&self, key: &str) -> String {
        match self {
            Target::Scope(s) => format!("{s}/{key}"),
            Target::Uc(c, s) => format!("{c}.{s}.{}", key.to_lowercase()),
        }
    }

    /// Every name, sorted case-insensitively: the preflight (a missing scope
    /// or schema, rejected credentials stop the command here).
    pub async fn list(&self, ctx: &Context, client: &Client) -> Result<Vec<String>, Failure> {
        let (catalog, schema) = match self {
            Target::Scope(scope) => return list_keys(ctx, client, scope).await,
            Target::Uc(c, s) => (c, s),
        };
        let secrets = client
            .secrets_uc()
            .list(Some((catalog, schema)), None)
            .await
            .map_err(|e| {
                let doing = format!("cannot list the secrets of schema '{catalog}.{schema}'");
                let name = UcName::Schema(catalog.clone(), schema.clone());
                let failure = uc_failure(ctx, &e, &doing, Operation::ReadMetadata, &name);
                if e.is_not_found() {
                    failure.with_hint(format!("check that schema '{catalog}.{schema}' exists and that you can use it (USE CATALOG, USE SCHEMA); schemas are created in Unity Catalog itself (CREATE SCHEMA)"))
                } else {
                    failure
                }
            })?;
        let mut names: Vec<String> = secrets
            .iter()
            .map(|s| match &s.name {
                Some(n) => n.clone(),
                None => s.display_name().rsplit('.').next().unwrap_or("").into(),
            })
            .collect();
        names.sort_by_key(|n| n.to_lowercase());
        Ok(names)
    }

    /// A value, as a job: `why` names the command for a fatal refusal.
    pub async fn get(
        &self,
        ctx: &Context,
        client: &Client,
        key: &str,
        why: &str,
    ) -> Done<SecretValue> {
        if let Target::Scope(scope) = self {
            return get_job(ctx, client, scope, key, why).await;
        }
        let full = self.full_name(key);
        match client.secrets_uc().get(&full, true).await {
            Ok(secret) => match secret.effective_value {
                Some(v) => Done::Ok(SecretValue::Text(v)),
                None => Done::Fatal(
                    Failure::new(
                        exit::AUTH,
                        format!("{why}: secret '{full}' came back without its value"),
                    )
                    .with_hint(Operation::ReadValue.missing()),
                ),
            },
            Err(e) => {
                let doing = format!("cannot read secret '{full}'");
                self.uc_error(ctx, &e, &doing, (Operation::ReadValue, key), false)
            }
        }
    }

    /// Stores a value, as a job. In a schema, `exists` picks create or
    /// update, and the other is tried when the service says otherwise (a
    /// secret created or deleted since the listing): a put is idempotent.
    pub async fn put(
        &self,
        ctx: &Context,
        client: &Client,
        key: &str,
        value: &SecretValue,
        exists: bool,
    ) -> Done<()> {
        let (catalog, schema) = match self {
            Target::Scope(scope) => return put_job(ctx, client, scope, key, value).await,
            Target::Uc(c, s) => (c, s),
        };
        let Ok(text) = names::uc_value(value.expose_bytes()) else {
            return Done::Failed(self.value_problem(value).unwrap_or_default());
        };
        let full = self.full_name(key);
        let text = || Some(SecretString::from(text.to_string()));
        let api = client.secrets_uc();
        let update = || SecretUpdate {
            value: text(),
            ..SecretUpdate::default()
        };
        let create = || NewSecret {
            value: text(),
            ..NewSecret::default()
        };
        let name = key.to_lowercase();
        let result = if exists {
            match api.update(&full, update()).await {
                Err(e) if e.is_not_found() => api.create(catalog, schema, &name, create()).await,
                other => other,
            }
        } else {
            match api.create(catalog, schema, &name, create()).await {
                Err(e) if e.is_already_exists() => api.update(&full, update()).await,
                other => other,
            }
        };
        match result {
            Ok(_) => Done::Ok(()),
            Err(e) => {
                let doing = format!("cannot store secret '{full}'");
                self.uc_error(ctx, &e, &doing, (Operation::Create, key), true)
            }
        }
    }

    /// Deletes, as a job; a name that is already gone counts as deleted.
    pub async fn delete(&self, ctx: &Context, client: &Client, key: &str) -> Done<()> {
        if let Target::Scope(scope) = self {
            return delete_job(ctx, client, scope, key).await;
        }
        let full = self.full_name(key);
        match client.secrets_uc().delete(&full).await {
            Ok(()) => Done::Ok(()),
            Err(e) if e.is_not_found() => Done::Ok(()),
            Err(e) => {
                let doing = format!("cannot delete secret '{full}'");
                self.uc_error(ctx, &e, &doing, (Operation::Delete, key), false)
            }
        }
    }

    /// A Unity Catalog failure as a job's end: what every other request would
    /// get too (credentials, privileges, a missing schema when writing) is fatal.
    fn uc_error<T>(
        &self,
        ctx: &Context,
        e: &Error,
        doing: &str,
        (op, key): (Operation, &str),
        writing: bool,
    ) -> Done<T> {
        if e.kind() == ErrorKind::Cancelled {
            return Done::NotSent;
        }
        let fatal = matches!(
            e.kind(),
            ErrorKind::Unauthenticated | ErrorKind::PermissionDenied
        ) || (writing && e.is_not_found());
        match self {
            Target::Uc(c, s) if fatal => {
                let name = UcName::Secret(c.clone(), s.clone(), key.to_lowercase());
                Done::Fatal(uc_failure(ctx, e, doing, op, &name))
            }
            _ => Done::Failed(e.to_string()),
        }
    }

    /// The problems of adding `adds` secrets to a schema that holds
    /// `existing`: Unity Catalog's 1,000 per schema and 10,000 per metastore
    /// (counted over the secrets the caller can see). None for a scope.
    pub async fn limit_problems(
        &self,
        ctx: &Context,
        client: &Client,
        existing: usize,
        adds: usize,
    ) -> Result<Vec<String>, Failure> {
        let Target::Uc(c, s) = self else {
            return Ok(Vec::new());
        };
        if adds == 0 {
            return Ok(Vec::new());
        }
        let all = client
            .secrets_uc()
            .list(None, None)
            .await
            .map_err(|e| ctx.api_failure(&e, "cannot count the secrets of the metastore"))?;
        Ok(limit_problems(
            &format!("{c}.{s}"),
            existing,
            all.len(),
            adds,
        ))
    }
}

/// Unity Catalog's limits for `adds` more secrets in a schema that holds
/// `in_schema`, in a metastore that holds `in_metastore`.
fn limit_problems(schema: &str, in_schema: usize, in_metastore: usize, adds: usize) -> Vec<String> {
    let mut problems = Vec::new();
    if in_schema + adds > MAX_PER_SCHEMA {
        problems.push(format!(
            "schema '{schema}' holds {in_schema} secret{}; {adds} more would pass Unity Catalog's limit of {MAX_PER_SCHEMA} per schema",
            if in_schema == 1 { "" } else { "s" }
        ));
    }
    if in_metastore + adds > MAX_PER_METASTORE {
        problems.push(format!(
            "the metastore holds {in_metastore} secrets that you can see; {adds} more would pass Unity Catalog's limit of {MAX_PER_METASTORE} per metastore"
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uc_targets_are_written_with_a_prefix() {
        assert_eq!(
            Target::parse("uc:Main.App").unwrap(),
            Target::Uc("main".into(), "app".into())
        );
        assert_eq!(
            Target::parse("my-scope").unwrap(),
            Target::Scope("my-scope".into())
        );
        assert_eq!(Target::parse("uc:main").unwrap_err().code, 2);
        assert_eq!(Target::parse("uc:main.a.b").unwrap_err().code, 2);
        let e = Target::parse("main:app").unwrap_err();
        assert!(e.hint.unwrap().contains("uc:CATALOG.SCHEMA"));
    }

    #[test]
    fn names_and_values_by_the_target_s_rules() {
        let uc = Target::Uc("main".into(), "app".into());
        let scope = Target::Scope("s".into());
        assert!(uc.name_problem("API_KEY").is_none());
        assert!(uc.name_problem("db.host").unwrap().contains("migrate"));
        assert!(scope.name_problem("db.host").is_none());
        assert!(scope.name_problem("a@b").is_some());
        let binary = SecretValue::from_bytes(vec![0xff, 0]);
        assert!(scope.value_problem(&binary).is_none());
        assert!(uc
            .value_problem(&binary)
            .unwrap()
            .contains("--binary base64"));
        let big = SecretValue::text("x".repeat(names::MAX_UC_VALUE_BYTES + 1));
        assert!(uc.value_problem(&big).unwrap().contains("61440"));
        assert!(scope.value_problem(&big).is_none());
        assert_eq!(uc.label(), "schema 'main.app'");
        assert_eq!(uc.fold("API_Key"), "api_key");
    }

    #[test]
    fn limits_per_schema_and_per_metastore() {
        assert!(limit_problems("m.s", 990, 9_990, 10).is_empty());
        assert_eq!(
            limit_problems("m.s", 990, 5_000, 11),
            ["schema 'm.s' holds 990 secrets; 11 more would pass Unity Catalog's limit of 1000 per schema"]
        );
        assert_eq!(
            limit_problems("m.s", 1, 9_995, 6),
            ["the metastore holds 9995 secrets that you can see; 6 more would pass Unity Catalog's limit of 10000 per metastore"]
        );
        assert_eq!(limit_problems("m.s", 999, 9_999, 2).len(), 2);
    }
}
