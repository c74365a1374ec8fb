//! `--with-grants`: a scope's ACLs as Unity Catalog grants (uc-secrets.md §9).
//! READ -> USE SCHEMA, READ SECRET on the schema; WRITE adds CREATE SECRET and
//! WRITE SECRET; MANAGE adds MANAGE; each with USE CATALOG on the catalog. The
//! workspace's built-in groups (`users`, `admins`) have no Unity Catalog
//! equivalent: skipped unless `--map-principal` names one. Applied with one
//! PATCH per securable (the schema, then the catalog).

use dbsecrets_client::grants::PermissionsChange;
use dbsecrets_client::names::UcName;
use dbsecrets_client::secrets::models::AclItem;
use dbsecrets_client::{Client, ErrorKind};

/// One scope ACL and what it becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub principal: String,
    pub permission: String,
    /// Who is granted in Unity Catalog; `None`: skipped (see `notes`).
    pub grantee: Option<String>,
    pub on_schema: Vec<&'static str>,
    pub on_catalog: Vec<&'static str>,
    /// Why it is skipped; what a mapping means; what Unity Catalog does differently.
    pub notes: Vec<String>,
}

const READ: &[&str] = &["USE_SCHEMA", "READ_SECRET"];
const WRITE: &[&str] = &["CREATE_SECRET", "WRITE_SECRET"];
const MANAGE: &[&str] = &["MANAGE"];

/// The grants of `acls`, sorted by principal; `map` is `--map-principal`.
pub fn translate(acls: &[AclItem], map: &[(String, String)]) -> Vec<Grant> {
    let mut grants: Vec<Grant> = acls.iter().map(|acl| translate_one(acl, map)).collect();
    grants.sort_by_key(|g| g.principal.to_lowercase());
    grants
}

fn translate_one(acl: &AclItem, map: &[(String, String)]) -> Grant {
    let permission = acl.permission.to_ascii_uppercase();
    let mut grant = Grant {
        principal: acl.principal.clone(),
        permission: permission.clone(),
        grantee: None,
        on_schema: Vec::new(),
        on_catalog: Vec::new(),
        notes: Vec::new(),
    };
    let on_schema: Vec<&'static str> = match permission.as_str() {
        "READ" => READ.to_vec(),
        "WRITE" => [READ, WRITE].concat(),
        "MANAGE" => [READ, WRITE, MANAGE].concat(),
        other => {
            grant
                .notes
                .push(format!("unknown scope permission '{other}'"));
            return grant;
        }
    };
    let mapped = map
        .iter()
        .find(|(from, _)| from == &acl.principal)
        .or_else(|| {
            map.iter()
                .find(|(from, _)| from.eq_ignore_ascii_case(&acl.principal))
        })
        .map(|(_, to)| to.clone());
    let builtin = match acl.principal.as_str() {
        "users" => Some("'users' is every user of this workspace and has no Unity Catalog equivalent; --map-principal users='account users' grants it to every user of the account"),
        "admins" => Some("'admins' is this workspace's admins, who are not metastore admins, and has no Unity Catalog equivalent; --map-principal admins=GROUP grants it to an account group"),
        _ => None,
    };
    match (mapped, builtin) {
        (None, Some(why)) => {
            grant.notes.push(why.to_string());
            return grant;
        }
        (Some(to), builtin) => {
            grant
                .notes
                .push(format!("mapped to '{to}' by --map-principal"));
            if builtin.is_some() || to.eq_ignore_ascii_case("account users") {
                grant.notes.push(format!(
                    "'{to}' holds it in every workspace attached to the metastore, not only this one"
                ));
            }
            grant.grantee = Some(to);
        }
        (None, None) => grant.grantee = Some(acl.principal.clone()),
    }
    grant.on_catalog = vec!["USE_CATALOG"];
    match permission.as_str() {
        "READ" => grant.notes.push(
            "Unity Catalog lists a schema's secrets only to their owners and MANAGE holders: READ holders read each one by name".into(),
        ),
        "WRITE" => grant.notes.push(
            "deleting secrets that others created needs MANAGE in Unity Catalog (not granted: WRITE did not allow changing ACLs)".into(),
        ),
        _ => {}
    }
    grant.on_schema = on_schema;
    grant
}

/// One change per grantee for each securable: (schema, catalog).
fn changes(grants: &[Grant]) -> (Vec<PermissionsChange>, Vec<PermissionsChange>) {
    let mut schema: Vec<PermissionsChange> = Vec::new();
    let mut catalog: Vec<PermissionsChange> = Vec::new();
    for g in grants {
        let Some(grantee) = &g.grantee else { continue };
        for (list, privileges) in [(&mut schema, &g.on_schema), (&mut catalog, &g.on_catalog)] {
            let at = match list.iter().position(|c| &c.principal == grantee) {
                Some(at) => at,
                None => {
                    list.push(PermissionsChange {
                        principal: grantee.clone(),
                        ..PermissionsChange::default()
                    });
                    list.len() - 1
                }
            };
            for p in privileges.iter() {
                if !list[at].add.iter().any(|have| have == p) {
                    list[at].add.push(p.to_string());
                }
            }
        }
    }
    (schema, catalog)
}

/// How applying one grant ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Granted,
    /// Skipped before sending (see the grant's notes).
    Skipped,
    /// Unity Catalog does not know the grantee: a workspace-local group, or a
    /// principal outside the account. Reported, not a failure.
    Unknown(String),
    Failed(String),
}

/// Applies the grants; how each one ended. When Unity Catalog refuses the
/// PATCH of several principals, each one is tried on its own, so that the
/// report names the one it refused; a principal it does not know (404) has
/// no Unity Catalog equivalent, like `users` and `admins`.
pub async fn apply(client: &Client, schema: &UcName, grants: &[Grant]) -> Vec<Applied> {
    let catalog = UcName::Catalog(schema.catalog().to_string());
    let (on_schema, on_catalog) = changes(grants);
    // grantee -> what went wrong, the first time
    let mut refused: Vec<(String, Applied)> = Vec::new();
    for (name, list) in [(schema, on_schema), (&catalog, on_catalog)] {
        if list.is_empty() {
            continue;
        }
        let Err(e) = client.grants().update(name, list.clone()).await else {
            continue;
        };
        let one_by_one =
            list.len() > 1 && matches!(e.kind(), ErrorKind::Rejected | ErrorKind::NotFound);
        // (principal, not found, what went wrong)
        let mut errors: Vec<(String, bool, String)> = Vec::new();
        let what = |e: &dbsecrets_client::Error| format!("{} '{name}': {e}", name.securable_type());
        if one_by_one {
            for change in list {
                if let Err(e) = client.grants().update(name, vec![change.clone()]).await {
                    errors.push((change.principal, e.is_not_found(), what(&e)));
                }
            }
        } else {
            let text = what(&e);
            for change in list {
                errors.push((change.principal, e.is_not_found(), text.clone()));
            }
        }
        for (principal, not_found, what) in errors {
            let applied = if not_found {
                Applied::Unknown(format!(
                    "Unity Catalog does not know '{principal}' (a workspace-local group, or a principal outside the account, has no Unity Catalog equivalent): --map-principal {principal}=ACCOUNT_GROUP grants it to an account group; {what}"
                ))
            } else {
                Applied::Failed(what)
            };
            if !refused.iter().any(|(p, _)| p == &principal) {
                refused.push((principal, applied));
            }
        }
    }
    grants
        .iter()
        .map(|g| match &g.grantee {
            None => Applied::Skipped,
            Some(grantee) => refused
                .iter()
                .find(|(p, _)| p == grantee)
                .map(|(_, a)| a.clone())
                .unwrap_or(Applied::Granted),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acl(p: &str, perm: &str) -> AclItem {
        AclItem {
            principal: p.into(),
            permission: perm.into(),
        }
    }

    #[test]
    fn acls_become_privileges_on_the_schema_and_catalog() {
        let g = translate(
            &[
                acl("sp-app-id", "MANAGE"),
                acl("data-team", "READ"),
                acl("bob@example.com", "WRITE"),
            ],
            &[],
        );
        assert_eq!(g[0].principal, "bob@example.com");
        assert_eq!(
            g[0].on_schema,
            ["USE_SCHEMA", "READ_SECRET", "CREATE_SECRET", "WRITE_SECRET"]
        );
        assert!(g[0].notes[0].starts_with("deleting secrets that others created needs MANAGE"));
        assert_eq!(g[1].on_schema, ["USE_SCHEMA", "READ_SECRET"]);
        assert_eq!(g[1].on_catalog, ["USE_CATALOG"]);
        assert_eq!(g[2].on_schema.last(), Some(&"MANAGE"));
        assert!(g[2].notes.is_empty());
        let (schema, catalog) = changes(&g);
        assert_eq!(schema.len(), 3);
        assert_eq!(catalog[0].add, ["USE_CATALOG"]);
    }

    #[test]
    fn built_in_groups_are_skipped_unless_mapped() {
        let map = vec![("users".to_string(), "account users".to_string())];
        let g = translate(&[acl("admins", "MANAGE"), acl("users", "READ")], &map);
        assert_eq!(g[0].grantee, None);
        assert!(g[0].notes[0].starts_with("'admins' is this workspace's admins"));
        assert_eq!(g[1].grantee.as_deref(), Some("account users"));
        assert_eq!(
            g[1].notes[0],
            "mapped to 'account users' by --map-principal"
        );
        assert!(g[1].notes[1].contains("every workspace attached to the metastore"));
        let (schema, _) = changes(&g);
        assert_eq!(schema.len(), 1, "nothing for the skipped one");
    }

    #[test]
    fn two_acls_onto_one_grantee_make_one_change() {
        let map = vec![("ops".to_string(), "eng".to_string())];
        let g = translate(&[acl("eng", "READ"), acl("ops", "WRITE")], &map);
        let (schema, catalog) = changes(&g);
        assert_eq!(schema.len(), 1);
        assert_eq!(
            schema[0].add,
            ["USE_SCHEMA", "READ_SECRET", "CREATE_SECRET", "WRITE_SECRET"]
        );
        assert_eq!(catalog.len(), 1);
    }
}
