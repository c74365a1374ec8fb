//! The secret-scope access model: the READ/WRITE/MANAGE levels, who is
//! calling, and which level each action on a scope needs. `authorize` is
//! the single place where ACLs are enforced.

use std::collections::{BTreeMap, BTreeSet};

use super::errors::{ErrorCode, ServiceError};

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
    pub fn parse(s: &str) -> Result<Self, ServiceError> {
        match s {
            "READ" => Ok(Self::Read),
            "WRITE" => Ok(Self::Write),
            "MANAGE" => Ok(Self::Manage),
            _ => Err(ServiceError::invalid(format!(
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

    /// Whether an ACL entry, a grant or an ownership by `principal` applies
    /// to this caller (it is the principal, or in that group).
    pub(crate) fn is(&self, principal: &str) -> bool {
        principal == self.name || self.groups.contains(principal)
    }
}

/// Something a caller may ask to do to an existing scope. Creating and
/// listing scopes need no ACL: anyone in the workspace may.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScopeAction {
    ListSecrets,
    GetSecret,
    PutSecret,
    DeleteSecret,
    ListAcls,
    GetAcl,
    PutAcl,
    DeleteAcl,
    DeleteScope,
}

impl ScopeAction {
    /// Who may do what: READ reads and lists secrets, WRITE also puts and
    /// deletes them, MANAGE also reads and changes ACLs and deletes the scope.
    pub(crate) fn needs(self) -> Permission {
        match self {
            Self::ListSecrets | Self::GetSecret => Permission::Read,
            Self::PutSecret | Self::DeleteSecret => Permission::Write,
            Self::ListAcls | Self::GetAcl | Self::PutAcl | Self::DeleteAcl | Self::DeleteScope => {
                Permission::Manage
            }
        }
    }
}

/// The single place where ACLs are enforced; every scope operation calls it
/// with its action. Workspace admins may do everything; anyone else needs an
/// ACL entry on the scope (`acls`, named `scope`), for themselves or for a
/// group they are in, at the level the action needs or higher (MANAGE
/// implies WRITE implies READ).
pub(crate) fn authorize(
    scope: &str,
    acls: &BTreeMap<String, Permission>,
    caller: &Caller,
    action: ScopeAction,
) -> Result<(), ServiceError> {
    if caller.admin {
        return Ok(());
    }
    let needed = action.needs();
    let held = acls
        .iter()
        .filter(|(principal, _)| caller.is(principal))
        .map(|(_, permission)| *permission)
        .max();
    if held >= Some(needed) {
        return Ok(());
    }
    Err(ServiceError::new(
        ErrorCode::PermissionDenied,
        format!(
            "User {} does not have {} permission on scope {scope} to perform this action.",
            caller.name,
            needed.as_str(),
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::{admin, code, store_with, ADMIN};
    use crate::state::Store;

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

    /// Which of the eleven operations `caller` may run on scope `s` (whose
    /// secret `k` exists), probing each one on a fresh copy of `setup`.
    fn allowed(setup: &dyn Fn() -> Store, caller: &Caller) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut check = |name, r: Result<(), ServiceError>| match r {
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
}
