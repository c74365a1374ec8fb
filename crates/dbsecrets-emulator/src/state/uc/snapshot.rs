//! The metastore's part of the `--state` file, and the conversions both
//! ways. Loading checks every rule a live metastore keeps (names in lower
//! case and unique, privileges that apply where they are granted, values,
//! comments, timestamps, quotas), so a damaged or hand-edited file is
//! refused, not half-loaded.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::model::{Catalog, Grants, Schema, Secret};
use super::names::{
    check_comment, check_principal, check_value, format_time, parse_time, uc_name,
    MAX_SECRETS_PER_METASTORE, MAX_SECRETS_PER_SCHEMA,
};
use super::securable::{Privilege, SecurableType};
use super::UnityCatalog;

/// The metastore in the state file.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UcSnapshot {
    pub metastore_id: String,
    #[serde(default)]
    pub catalogs: Vec<CatalogSnapshot>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogSnapshot {
    pub name: String,
    pub owner: String,
    #[serde(default)]
    pub grants: Vec<GrantSnapshot>,
    #[serde(default)]
    pub schemas: Vec<SchemaSnapshot>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaSnapshot {
    pub name: String,
    pub owner: String,
    #[serde(default)]
    pub grants: Vec<GrantSnapshot>,
    #[serde(default)]
    pub secrets: Vec<UcSecretSnapshot>,
}

/// A stored secret, its value in clear (the state file is 0600); no
/// `Debug` of the value.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UcSecretSnapshot {
    pub name: String,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
    pub create_time: String,
    pub created_by: String,
    pub update_time: String,
    pub updated_by: String,
    #[serde(default)]
    pub grants: Vec<GrantSnapshot>,
}

impl std::fmt::Debug for UcSecretSnapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UcSecretSnapshot")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantSnapshot {
    pub principal: String,
    pub privileges: Vec<String>,
}

fn grants_out(grants: &Grants) -> Vec<GrantSnapshot> {
    grants
        .iter()
        .map(|(principal, privileges)| GrantSnapshot {
            principal: principal.clone(),
            privileges: privileges.iter().map(|p| p.as_str().to_string()).collect(),
        })
        .collect()
}

fn grants_in(grants: Vec<GrantSnapshot>, kind: SecurableType, at: &str) -> Result<Grants, String> {
    let mut out = BTreeMap::new();
    for g in grants {
        let what = format!("{at}: grant to {:?}", g.principal);
        check_principal("principal", &g.principal).map_err(|e| format!("{what}: {}", e.message))?;
        let mut privileges = BTreeSet::new();
        for p in &g.privileges {
            let p = Privilege::parse(p).map_err(|e| format!("{what}: {}", e.message))?;
            if !p.applies_to(kind) {
                return Err(format!("{what}: {} does not apply here", p.as_str()));
            }
            privileges.insert(p);
        }
        if privileges.is_empty() {
            return Err(format!("{what}: no privileges"));
        }
        if out.insert(g.principal.clone(), privileges).is_some() {
            return Err(format!("{at}: principal {:?} appears twice", g.principal));
        }
    }
    Ok(out)
}

/// A name as stored: valid and already in lower case.
fn stored_name(kind: &str, name: &str, at: &str) -> Result<String, String> {
    match uc_name(kind, name) {
        Ok(folded) if folded == name => Ok(folded),
        Ok(_) => Err(format!("{at}: {kind} name {name:?} is not in lower case")),
        Err(e) => Err(format!("{at}: {}", e.message)),
    }
}

fn secret_in(s: UcSecretSnapshot, at: &str) -> Result<Secret, String> {
    let check =
        |r: Result<(), crate::state::ServiceError>| r.map_err(|e| format!("{at}: {}", e.message));
    check(check_value(&s.value))?;
    if let Some(comment) = &s.comment {
        check(check_comment(comment))?;
    }
    for (what, who) in [
        ("owner", &s.owner),
        ("created_by", &s.created_by),
        ("updated_by", &s.updated_by),
    ] {
        check(check_principal(what, who))?;
    }
    let time = |field: &str, text: &str| {
        parse_time(field, text).map_err(|e| format!("{at}: {}", e.message))
    };
    Ok(Secret {
        expire_time: s
            .expire_time
            .as_deref()
            .map(|t| time("expire_time", t))
            .transpose()?,
        create_time: time("create_time", &s.create_time)?,
        update_time: time("update_time", &s.update_time)?,
        grants: grants_in(s.grants, SecurableType::Secret, at)?,
        value: s.value,
        comment: s.comment,
        owner: s.owner,
        created_by: s.created_by,
        updated_by: s.updated_by,
    })
}

impl UnityCatalog {
    pub fn snapshot(&self) -> UcSnapshot {
        let catalogs = self
            .catalogs
            .iter()
            .map(|(name, c)| CatalogSnapshot {
                name: name.clone(),
                owner: c.owner.clone(),
                grants: grants_out(&c.grants),
                schemas: c
                    .schemas
                    .iter()
                    .map(|(name, s)| SchemaSnapshot {
                        name: name.clone(),
                        owner: s.owner.clone(),
                        grants: grants_out(&s.grants),
                        secrets: s
                            .secrets
                            .iter()
                            .map(|(name, secret)| UcSecretSnapshot {
                                name: name.clone(),
                                value: secret.value.clone(),
                                comment: secret.comment.clone(),
                                owner: secret.owner.clone(),
                                expire_time: secret.expire_time.as_ref().map(format_time),
                                create_time: format_time(&secret.create_time),
                                created_by: secret.created_by.clone(),
                                update_time: format_time(&secret.update_time),
                                updated_by: secret.updated_by.clone(),
                                grants: grants_out(&secret.grants),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        UcSnapshot {
            metastore_id: self.metastore_id.clone(),
            catalogs,
        }
    }

    /// Rebuilds a metastore from the state file, checking every rule.
    pub fn from_snapshot(snapshot: UcSnapshot) -> Result<Self, String> {
        if snapshot.metastore_id.trim().is_empty() {
            return Err("the metastore_id is empty".to_string());
        }
        let mut uc = UnityCatalog {
            metastore_id: snapshot.metastore_id,
            ..UnityCatalog::default()
        };
        let mut total = 0;
        for c in snapshot.catalogs {
            let cname = stored_name("catalog", &c.name, "a catalog")?;
            check_principal("owner", &c.owner)
                .map_err(|e| format!("catalog {cname}: {}", e.message))?;
            let mut catalog = Catalog {
                owner: c.owner,
                grants: grants_in(
                    c.grants,
                    SecurableType::Catalog,
                    &format!("catalog {cname}"),
                )?,
                schemas: BTreeMap::new(),
            };
            for s in c.schemas {
                let at = format!("catalog {cname}");
                let sname = stored_name("schema", &s.name, &at)?;
                let at = format!("schema {cname}.{sname}");
                check_principal("owner", &s.owner).map_err(|e| format!("{at}: {}", e.message))?;
                if s.secrets.len() > MAX_SECRETS_PER_SCHEMA {
                    return Err(format!("{at}: more than {MAX_SECRETS_PER_SCHEMA} secrets"));
                }
                total += s.secrets.len();
                let mut schema = Schema {
                    owner: s.owner,
                    grants: grants_in(s.grants, SecurableType::Schema, &at)?,
                    secrets: BTreeMap::new(),
                };
                for secret in s.secrets {
                    let name = stored_name("secret", &secret.name, &at)?;
                    let sat = format!("secret {cname}.{sname}.{name}");
                    let stored = secret_in(secret, &sat)?;
                    if schema.secrets.insert(name, stored).is_some() {
                        return Err(format!("{sat} appears twice"));
                    }
                }
                if catalog.schemas.insert(sname, schema).is_some() {
                    return Err(format!("{at} appears twice"));
                }
            }
            if uc.catalogs.insert(cname.clone(), catalog).is_some() {
                return Err(format!("catalog {cname} appears twice"));
            }
        }
        if total > MAX_SECRETS_PER_METASTORE {
            return Err(format!(
                "more than {MAX_SECRETS_PER_METASTORE} secrets in the metastore"
            ));
        }
        Ok(uc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::uc::testing::{admin, fields, metastore, t};
    use crate::state::uc::PageRequest;
    use crate::state::uc::{Change, SecretFields};

    #[test]
    fn snapshots_round_trip_and_refuse_bad_data() {
        let mut uc = metastore();
        let f = SecretFields {
            comment: Some("c".into()),
            expire_time: Some("2027-01-01T00:00:00Z".into()),
            ..fields("k", "v@lue")
        };
        uc.create_secret(&admin(), f, t(7)).unwrap();
        let change = Change {
            principal: Some("sp".into()),
            add: vec!["READ_SECRET".into()],
            remove: vec![],
        };
        uc.update_grants(&admin(), "schema", "main.app", vec![change])
            .unwrap();
        let json = serde_json::to_string(&uc.snapshot()).unwrap();
        let back = UnityCatalog::from_snapshot(serde_json::from_str(&json).unwrap()).unwrap();
        assert_eq!(
            back.get_secret(&admin(), "main.app.k", true).unwrap(),
            uc.get_secret(&admin(), "main.app.k", true).unwrap()
        );
        let grants = |u: &UnityCatalog| {
            u.get_grants(
                &admin(),
                "schema",
                "main.app",
                PageRequest::MaxResults(None),
                None,
                None,
            )
            .unwrap()
        };
        assert_eq!(grants(&back), grants(&uc));
        assert!(!format!("{:?}", uc.snapshot()).contains("v@lue"));
        for (from, to) in [
            ("\"app\"", "\"App\""),
            ("\"READ_SECRET\"", "\"BROWSE\""),
            ("\"READ_SECRET\"", "\"read_secret\""),
            ("\"v@lue\"", "\"\""),
            ("\"2027-01-01T00:00:00.000Z\"", "\"2027\""),
            ("\"c\"", "\"\""),
            (&format!("\"{}\"", super::super::METASTORE_ID), "\" \""),
            ("\"name\":\"k\"", "\"name\":\"a.b\""),
        ] {
            assert!(json.contains(from), "{from} in {json}");
            let bad: UcSnapshot = serde_json::from_str(&json.replacen(from, to, 1)).unwrap();
            assert!(UnityCatalog::from_snapshot(bad).is_err(), "{to}");
        }
    }
}
