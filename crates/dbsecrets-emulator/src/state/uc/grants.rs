//! The permissions endpoints' operations on a catalog, a schema or a
//! secret: the grants made on it, the privileges in force on it (inherited
//! from its schema and catalog too, with where each comes from), and
//! changes. Reading grants needs what changing them needs (see `access`).
//!
//! Principals are open strings: any non-empty name may be granted to (the
//! emulator does not check that it exists). Effective privileges are listed
//! per principal as granted (a group's grants under the group), never
//! expanded through group membership, and ownership is not a grant.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::state::access::Caller;
use crate::state::errors::ServiceError;

use super::access::{authorize, Action, Path};
use super::model::Grants;
use super::names::check_principal;
use super::paging::{grants_page_size, page, Page};
use super::securable::{Privilege, Securable, SecurableType};
use super::UnityCatalog;

/// A principal's privileges granted on the securable itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PrivilegeAssignment {
    pub principal: String,
    pub privileges: Vec<&'static str>,
}

/// One privilege in force; `inherited_from_*` are left out when it is
/// granted on the securable itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EffectivePrivilege {
    pub privilege: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inherited_from_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inherited_from_name: Option<String>,
}

/// A principal's privileges in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EffectiveAssignment {
    pub principal: String,
    pub privileges: Vec<EffectivePrivilege>,
}

/// One entry of an update's `changes`, as sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Change {
    pub principal: Option<String>,
    pub add: Vec<String>,
    pub remove: Vec<String>,
}

/// How a read of grants asks for its pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageRequest {
    /// `permissions` and `effective-permissions`: `max_results`; unset
    /// returns everything at once.
    MaxResults(Option<i64>),
    /// `privilege-assignments` and `effective-privilege-assignments`:
    /// `page_size`; unset is the server's page size.
    PageSize(Option<i64>),
}

impl PageRequest {
    fn size(self, max: usize) -> Result<usize, ServiceError> {
        match self {
            Self::MaxResults(None) => Ok(usize::MAX),
            Self::MaxResults(Some(n)) => grants_page_size("max_results", n, max),
            Self::PageSize(None) => Ok(max),
            Self::PageSize(Some(n)) => grants_page_size("page_size", n, max),
        }
    }
}

fn assignment(
    principal: &str,
    privileges: &std::collections::BTreeSet<Privilege>,
) -> PrivilegeAssignment {
    PrivilegeAssignment {
        principal: principal.to_string(),
        privileges: privileges.iter().map(|p| p.as_str()).collect(),
    }
}

fn direct(grants: &Grants) -> Vec<PrivilegeAssignment> {
    grants
        .iter()
        .map(|(p, privileges)| assignment(p, privileges))
        .collect()
}

impl UnityCatalog {
    /// The securable `full_name` of type `securable_type`, and the access
    /// path to it (400 for a bad type or name, 404 when it does not exist).
    fn securable_path(
        &self,
        securable_type: &str,
        full_name: &str,
    ) -> Result<Path<'_>, ServiceError> {
        let kind = SecurableType::parse(securable_type)?;
        let parts = Securable::parse(kind, full_name)?.parts;
        match parts.as_slice() {
            [c] => Ok(self.catalog_path(c)?.1),
            [c, s] => Ok(self.schema_path(c, s)?.1),
            _ => Ok(self.secret_path(full_name)?.2),
        }
    }

    /// `GET permissions/{type}/{name}` and `privilege-assignments/…`: the
    /// grants made on the securable itself, by principal.
    pub fn get_grants(
        &self,
        caller: &Caller,
        securable_type: &str,
        full_name: &str,
        request: PageRequest,
        page_token: Option<&str>,
        principal: Option<&str>,
    ) -> Result<Page<PrivilegeAssignment>, ServiceError> {
        let size = request.size(self.max_page)?;
        let path = self.securable_path(securable_type, full_name)?;
        authorize(&path, caller, Action::Grants)?;
        let target = path.levels.last().expect("a path holds its catalog");
        let items = direct(target.grants)
            .into_iter()
            .filter(|a| principal.is_none_or(|p| a.principal == p))
            .map(|a| (a.principal.clone(), a))
            .collect();
        page(items, size, page_token)
    }

    /// `GET effective-permissions/{type}/{name}` and
    /// `effective-privilege-assignments/…`: the privileges in force, granted
    /// on the securable or inherited from its schema and catalog, each
    /// privilege sorted by name then nearest source first.
    pub fn get_effective_grants(
        &self,
        caller: &Caller,
        securable_type: &str,
        full_name: &str,
        request: PageRequest,
        page_token: Option<&str>,
        principal: Option<&str>,
    ) -> Result<Page<EffectiveAssignment>, ServiceError> {
        let size = request.size(self.max_page)?;
        let path = self.securable_path(securable_type, full_name)?;
        authorize(&path, caller, Action::Grants)?;
        let deepest = path.levels.len() - 1;
        // principal → (privilege, distance from the securable, source)
        let mut found: BTreeMap<&str, Vec<(Privilege, usize, EffectivePrivilege)>> =
            BTreeMap::new();
        for (depth, level) in path.levels.iter().enumerate() {
            let inherited = depth != deepest;
            for (who, privileges) in level.grants {
                if principal.is_some_and(|p| p != who) {
                    continue;
                }
                for p in privileges {
                    let entry = EffectivePrivilege {
                        privilege: p.as_str(),
                        inherited_from_type: inherited.then(|| level.kind.wire()),
                        inherited_from_name: inherited.then(|| level.full_name.clone()),
                    };
                    found
                        .entry(who)
                        .or_default()
                        .push((*p, deepest - depth, entry));
                }
            }
        }
        let items = found
            .into_iter()
            .map(|(who, mut privileges)| {
                privileges.sort_by_key(|(p, distance, _)| (*p, *distance));
                let assignment = EffectiveAssignment {
                    principal: who.to_string(),
                    privileges: privileges.into_iter().map(|(_, _, e)| e).collect(),
                };
                (who.to_string(), assignment)
            })
            .collect();
        page(items, size, page_token)
    }

    /// `PATCH permissions/{type}/{name}`: each change adds, then removes,
    /// privileges of one principal (removing one not held is no error; a
    /// principal left with none is gone). Answers the grants made on the
    /// securable afterwards.
    pub fn update_grants(
        &mut self,
        caller: &Caller,
        securable_type: &str,
        full_name: &str,
        changes: Vec<Change>,
    ) -> Result<Vec<PrivilegeAssignment>, ServiceError> {
        let kind = SecurableType::parse(securable_type)?;
        let securable = Securable::parse(kind, full_name)?;
        let parse = |names: &[String]| -> Result<Vec<Privilege>, ServiceError> {
            names
                .iter()
                .map(|name| {
                    let p = Privilege::parse(name)?;
                    if !p.applies_to(kind) {
                        return Err(ServiceError::invalid(format!(
                            "Privilege {} is not applicable to this entity [{}:{}].",
                            p.as_str(),
                            securable.full_name(),
                            kind.wire()
                        )));
                    }
                    Ok(p)
                })
                .collect()
        };
        let mut parsed = Vec::new();
        for change in &changes {
            let principal = change.principal.as_deref().ok_or_else(|| {
                ServiceError::invalid("Missing required field: principal (in a change).")
            })?;
            check_principal("principal", principal)?;
            parsed.push((
                principal.to_string(),
                parse(&change.add)?,
                parse(&change.remove)?,
            ));
        }
        let path = self.securable_path(securable_type, full_name)?;
        authorize(&path, caller, Action::Grants)?;
        let grants = self.grants_mut(&securable.parts).expect("looked up above");
        for (principal, add, remove) in parsed {
            let held = grants.entry(principal.clone()).or_default();
            held.extend(add);
            for p in remove {
                held.remove(&p);
            }
            if held.is_empty() {
                grants.remove(&principal);
            }
        }
        Ok(direct(grants))
    }

    fn grants_mut(&mut self, parts: &[String]) -> Option<&mut Grants> {
        let catalog = self.catalogs.get_mut(parts.first()?)?;
        let Some(schema) = parts.get(1) else {
            return Some(&mut catalog.grants);
        };
        let schema = catalog.schemas.get_mut(schema)?;
        match parts.get(2) {
            None => Some(&mut schema.grants),
            Some(secret) => Some(&mut schema.secrets.get_mut(secret)?.grants),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::code;
    use crate::state::uc::testing::{admin, with_secret};
    use crate::state::ErrorCode;

    fn change(principal: &str, add: &[&str], remove: &[&str]) -> Change {
        Change {
            principal: Some(principal.into()),
            add: add.iter().map(|s| s.to_string()).collect(),
            remove: remove.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn grant(uc: &mut UnityCatalog, kind: &str, name: &str, principal: &str, add: &[&str]) {
        uc.update_grants(&admin(), kind, name, vec![change(principal, add, &[])])
            .unwrap();
    }

    #[test]
    fn changes_add_then_remove_and_answer_the_direct_grants() {
        let mut uc = with_secret();
        let after = uc
            .update_grants(
                &admin(),
                "secret",
                "main.app.k",
                vec![
                    change("sp", &["READ_SECRET", "MANAGE"], &[]),
                    change("bob", &["WRITE_SECRET"], &["WRITE_SECRET"]),
                ],
            )
            .unwrap();
        assert_eq!(after, [assignment_of("sp", &["MANAGE", "READ_SECRET"])]);
        let after = uc
            .update_grants(
                &admin(),
                "SECRET",
                "main.app.k",
                vec![change("sp", &[], &["MANAGE", "REFERENCE_SECRET"])],
            )
            .unwrap();
        assert_eq!(after, [assignment_of("sp", &["READ_SECRET"])]);
        let after = uc
            .update_grants(
                &admin(),
                "secret",
                "main.app.k",
                vec![change("sp", &[], &["READ_SECRET"])],
            )
            .unwrap();
        assert!(after.is_empty());
    }

    fn assignment_of(principal: &str, privileges: &[&'static str]) -> PrivilegeAssignment {
        PrivilegeAssignment {
            principal: principal.into(),
            privileges: privileges.to_vec(),
        }
    }

    #[test]
    fn changes_are_checked_before_anything_changes() {
        let mut uc = with_secret();
        for (kind, name, c, message) in [
            (
                "schema",
                "main.app",
                change("sp", &["BROWSE"], &[]),
                "Privilege BROWSE is not applicable to this entity [main.app:SCHEMA].",
            ),
            (
                "secret",
                "main.app.k",
                change("sp", &["USE_SCHEMA"], &[]),
                "Privilege USE_SCHEMA is not applicable to this entity [main.app.k:SECRET].",
            ),
            (
                "catalog",
                "main",
                change("sp", &["read_secret"], &[]),
                "Invalid privilege 'read_secret'",
            ),
            (
                "catalog",
                "main",
                change(" ", &["BROWSE"], &[]),
                "The principal must not be empty.",
            ),
            (
                "catalog",
                "main",
                Change {
                    principal: None,
                    ..Change::default()
                },
                "Missing required field: principal",
            ),
            (
                "table",
                "main.app.t",
                change("sp", &[], &[]),
                "Unsupported securable type 'table'",
            ),
            (
                "secret",
                "main.app",
                change("sp", &[], &[]),
                "Invalid secret full name 'main.app'",
            ),
        ] {
            let e = uc
                .update_grants(
                    &admin(),
                    kind,
                    name,
                    vec![change("ok", &["MANAGE"], &[]), c],
                )
                .unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidParameterValue, "{message}");
            assert!(e.message.starts_with(message), "{}", e.message);
        }
        let none = uc
            .get_grants(
                &admin(),
                "catalog",
                "main",
                PageRequest::MaxResults(None),
                None,
                None,
            )
            .unwrap();
        assert!(none.items.is_empty(), "nothing was applied");
        let e = uc
            .update_grants(&admin(), "secret", "main.app.nope", vec![])
            .unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                ErrorCode::ResourceDoesNotExist,
                "Secret 'main.app.nope' does not exist."
            )
        );
        let e = uc
            .get_grants(
                &admin(),
                "schema",
                "main.nope",
                PageRequest::MaxResults(None),
                None,
                None,
            )
            .unwrap_err();
        assert_eq!(e.message, "Schema 'main.nope' does not exist.");
        assert_eq!(
            code(uc.get_grants(
                &admin(),
                "catalog",
                "x",
                PageRequest::PageSize(None),
                None,
                None
            )),
            ErrorCode::ResourceDoesNotExist
        );
    }

    #[test]
    fn effective_grants_name_their_source() {
        let mut uc = with_secret();
        grant(
            &mut uc,
            "catalog",
            "main",
            "sp",
            &["USE_CATALOG", "READ_SECRET"],
        );
        grant(
            &mut uc,
            "schema",
            "main.app",
            "sp",
            &["USE_SCHEMA", "READ_SECRET"],
        );
        grant(&mut uc, "secret", "main.app.k", "sp", &["READ_SECRET"]);
        grant(&mut uc, "secret", "main.app.k", "bob", &["MANAGE"]);
        let page = uc
            .get_effective_grants(
                &admin(),
                "secret",
                "main.app.k",
                PageRequest::MaxResults(None),
                None,
                Some("sp"),
            )
            .unwrap();
        let got = serde_json::to_value(&page.items).unwrap();
        assert_eq!(
            got,
            serde_json::json!([{"principal": "sp", "privileges": [
                {"privilege": "READ_SECRET"},
                {"privilege": "READ_SECRET", "inherited_from_type": "SCHEMA", "inherited_from_name": "main.app"},
                {"privilege": "READ_SECRET", "inherited_from_type": "CATALOG", "inherited_from_name": "main"},
                {"privilege": "USE_CATALOG", "inherited_from_type": "CATALOG", "inherited_from_name": "main"},
                {"privilege": "USE_SCHEMA", "inherited_from_type": "SCHEMA", "inherited_from_name": "main.app"},
            ]}])
        );
        let all = uc
            .get_effective_grants(
                &admin(),
                "schema",
                "main.app",
                PageRequest::PageSize(None),
                None,
                None,
            )
            .unwrap();
        let principals: Vec<&str> = all.items.iter().map(|a| a.principal.as_str()).collect();
        assert_eq!(
            principals,
            ["sp"],
            "bob's grant on the secret is not in force on the schema"
        );
        let direct = uc
            .get_grants(
                &admin(),
                "secret",
                "main.app.k",
                PageRequest::MaxResults(None),
                None,
                None,
            )
            .unwrap();
        assert_eq!(
            direct.items,
            [
                assignment_of("bob", &["MANAGE"]),
                assignment_of("sp", &["READ_SECRET"])
            ]
        );
    }

    #[test]
    fn grants_pages() {
        let mut uc = with_secret();
        for p in ["a", "b", "c"] {
            grant(&mut uc, "catalog", "main", p, &["BROWSE"]);
        }
        uc.set_max_page(2);
        let all = uc
            .get_grants(
                &admin(),
                "catalog",
                "main",
                PageRequest::MaxResults(None),
                None,
                None,
            )
            .unwrap();
        assert_eq!((all.items.len(), all.next_page_token), (3, None));
        let first = uc
            .get_grants(
                &admin(),
                "catalog",
                "main",
                PageRequest::PageSize(None),
                None,
                None,
            )
            .unwrap();
        assert_eq!(first.items.len(), 2);
        let token = first.next_page_token.unwrap();
        let second = uc
            .get_effective_grants(
                &admin(),
                "catalog",
                "main",
                PageRequest::MaxResults(Some(0)),
                Some(&token),
                None,
            )
            .unwrap();
        assert_eq!(
            second
                .items
                .iter()
                .map(|a| a.principal.as_str())
                .collect::<Vec<_>>(),
            ["c"]
        );
        for bad in [
            PageRequest::MaxResults(Some(10)),
            PageRequest::PageSize(Some(-1)),
        ] {
            assert_eq!(
                code(uc.get_grants(&admin(), "catalog", "main", bad, None, None)),
                ErrorCode::InvalidParameterValue
            );
        }
    }
}
