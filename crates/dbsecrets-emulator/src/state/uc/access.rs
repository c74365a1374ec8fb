//! The Unity Catalog access model: the proposal of uc-secrets.md §5
//! ("emulator permission model"), exactly. [`authorize`] is the single place
//! where it is enforced.
//!
//! A metastore admin (a workspace admin of the emulator) may do everything,
//! reading values and changing every field included: the proposal's "P is
//! metastore admin" is read as a bypass, where the SDK's docstrings would
//! let an admin who is not the owner change only `owner`. Anyone else first
//! needs the use of
//! the parents: USE_CATALOG on the catalog (or owning it) and, below a
//! schema, USE_SCHEMA on the schema (or owning the schema or the catalog).
//! Then, on secret S in schema C.H:
//!
//! | action | allowed to |
//! |---|---|
//! | list a schema | (the use of the parents only; each secret listed is one the caller may get) |
//! | create | the owner of C.H; CREATE_SECRET on C.H or C |
//! | get (metadata), list | the owner of S; MANAGE on S, C.H or C; BROWSE on C; READ_SECRET or WRITE_SECRET on S, C.H or C |
//! | value (`include_value`) | the owner of S; READ_SECRET on S, C.H or C |
//! | update | the owner of S, MANAGE (any field); WRITE_SECRET (only `value`) |
//! | delete | the owner of S; MANAGE |
//! | grants (read or change) | the owner of the object, its schema or catalog; MANAGE on any of them |
//!
//! A privilege granted on a catalog or schema holds for everything below it;
//! ALL_PRIVILEGES holds every privilege but MANAGE; a grant to a group holds
//! for its members (nested groups included), and so does ownership by a
//! group. A schema grant reaches secrets created later, since it is looked up
//! at each request.

use crate::state::access::Caller;
use crate::state::errors::{ErrorCode, ServiceError};

use super::model::Grants;
use super::securable::{Privilege, SecurableType};

/// One level of the path from the catalog down to the object acted on.
pub(crate) struct Level<'a> {
    pub(crate) kind: SecurableType,
    pub(crate) full_name: String,
    pub(crate) owner: &'a str,
    pub(crate) grants: &'a Grants,
}

/// The catalog, then the schema, then the secret, as deep as the object.
pub(crate) struct Path<'a> {
    pub(crate) levels: Vec<Level<'a>>,
}

/// What a caller asks to do; see the module's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Only the use of the parents (listing a schema).
    UseSchema,
    CreateSecret,
    ReadMetadata,
    ReadValue,
    /// `value_only`: the update mask names nothing but `value`.
    Update {
        value_only: bool,
    },
    Delete,
    Grants,
}

impl Path<'_> {
    fn level(&self, kind: SecurableType) -> Option<&Level<'_>> {
        self.levels.iter().find(|l| l.kind == kind)
    }

    fn target(&self) -> &Level<'_> {
        self.levels
            .last()
            .expect("a path holds at least its catalog")
    }

    fn name(&self, kind: SecurableType) -> String {
        self.level(kind)
            .map(|l| format!("{} '{}'", kind.title(), l.full_name))
            .unwrap_or_default()
    }

    /// Whether `caller` (or a group it is in) owns the object of type `kind`.
    fn owns(&self, caller: &Caller, kind: SecurableType) -> bool {
        self.level(kind).is_some_and(|l| caller.is(l.owner))
    }

    /// Whether `caller` holds `wanted` on the object of type `at`: granted
    /// there or on a parent, to it or to one of its groups.
    fn holds(&self, caller: &Caller, wanted: Privilege, at: SecurableType) -> bool {
        self.levels
            .iter()
            .filter(|l| l.kind <= at)
            .flat_map(|l| l.grants.iter())
            .filter(|(principal, _)| caller.is(principal))
            .any(|(_, held)| held.iter().any(|p| p.implies(wanted)))
    }
}

fn denied(message: String) -> ServiceError {
    ServiceError::new(ErrorCode::PermissionDenied, message)
}

/// May `caller` do `action` on the last object of `path`? `Ok`, or 403
/// `PERMISSION_DENIED` naming what is missing.
pub(crate) fn authorize(path: &Path, caller: &Caller, action: Action) -> Result<(), ServiceError> {
    use SecurableType::{Catalog, Schema, Secret};
    if caller.admin {
        return Ok(());
    }
    let target = path.target().kind;
    if target != Catalog
        && !(path.owns(caller, Catalog) || path.holds(caller, Privilege::UseCatalog, Catalog))
    {
        return Err(denied(format!(
            "User does not have USE CATALOG on {}.",
            path.name(Catalog)
        )));
    }
    let needs_schema = target == Secret || (target == Schema && action != Action::Grants);
    let uses_schema = path.owns(caller, Schema)
        || path.owns(caller, Catalog)
        || path.holds(caller, Privilege::UseSchema, Schema);
    if needs_schema && !uses_schema {
        return Err(denied(format!(
            "User does not have USE SCHEMA on {}.",
            path.name(Schema)
        )));
    }
    let holds = |p| path.holds(caller, p, Secret);
    let owner = path.owns(caller, Secret);
    let secret = path.name(Secret);
    let not_owner = || {
        denied(format!(
            "User is not an owner of {secret} and does not have MANAGE on it."
        ))
    };
    match action {
        Action::UseSchema => Ok(()),
        Action::CreateSecret => (path.owns(caller, Schema) || holds(Privilege::CreateSecret))
            .then_some(())
            .ok_or_else(|| {
                denied(format!(
                    "User does not have CREATE SECRET on {}.",
                    path.name(Schema)
                ))
            }),
        Action::ReadMetadata => {
            let allowed = owner
                || holds(Privilege::Manage)
                || path.holds(caller, Privilege::Browse, Catalog)
                || holds(Privilege::ReadSecret)
                || holds(Privilege::WriteSecret);
            allowed.then_some(()).ok_or_else(|| {
                denied(format!(
                    "User does not have MANAGE, READ SECRET, WRITE SECRET or BROWSE on {secret}."
                ))
            })
        }
        Action::ReadValue => (owner || holds(Privilege::ReadSecret))
            .then_some(())
            .ok_or_else(|| denied(format!("User does not have READ SECRET on {secret}."))),
        Action::Update { value_only } => {
            if owner || holds(Privilege::Manage) || (value_only && holds(Privilege::WriteSecret)) {
                Ok(())
            } else if value_only {
                Err(denied(format!(
                    "User does not have WRITE SECRET on {secret}."
                )))
            } else if holds(Privilege::WriteSecret) {
                Err(denied(format!(
                    "User is not an owner of {secret} and does not have MANAGE on it \
                     (WRITE SECRET only allows setting a new value)."
                )))
            } else {
                Err(not_owner())
            }
        }
        Action::Delete => (owner || holds(Privilege::Manage))
            .then_some(())
            .ok_or_else(not_owner),
        Action::Grants => {
            let owns_any = path.levels.iter().any(|l| caller.is(l.owner));
            let what = path.name(target);
            (owns_any || path.holds(caller, Privilege::Manage, target))
                .then_some(())
                .ok_or_else(|| {
                    denied(format!(
                        "User is not an owner of {what} or of what contains it, and does not \
                         have MANAGE on it."
                    ))
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::state::access::Caller;
    use crate::state::errors::{ErrorCode, ServiceError};
    use crate::state::uc::testing::{admin, fields, metastore, t, user, OWNER};
    use crate::state::uc::{Change, PageRequest, SecretFields, UnityCatalog};

    /// (securable type, full name, principal, privileges)
    type Grant = (
        &'static str,
        &'static str,
        &'static str,
        &'static [&'static str],
    );

    const USE: &[Grant] = &[
        ("catalog", "main", "alice", &["USE_CATALOG"]),
        ("schema", "main.app", "alice", &["USE_SCHEMA"]),
    ];

    /// Catalog `main` and schema `main.app` owned by OWNER, secret
    /// `main.app.k` owned by `secret_owner`, and the grants.
    fn setup(secret_owner: &str, grants: &[&[Grant]]) -> UnityCatalog {
        let mut uc = metastore();
        let f = SecretFields {
            owner: Some(secret_owner.into()),
            ..fields("k", "v")
        };
        uc.create_secret(&admin(), f, t(0)).unwrap();
        for (kind, name, principal, privileges) in grants.iter().flat_map(|g| g.iter()) {
            let change = Change {
                principal: Some(principal.to_string()),
                add: privileges.iter().map(|p| p.to_string()).collect(),
                remove: vec![],
            };
            uc.update_grants(&admin(), kind, name, vec![change])
                .unwrap();
        }
        uc
    }

    /// Which operations `caller` may do, each probed on a fresh copy of
    /// `uc`; a refusal must be 403 PERMISSION_DENIED.
    fn allowed(uc: &UnityCatalog, caller: &Caller) -> Vec<&'static str> {
        let all = PageRequest::MaxResults(None);
        let listed = uc.list_secrets(caller, None, None, None, None).unwrap();
        let mut out = Vec::new();
        if !listed.items.is_empty() {
            out.push("list");
        }
        let mut check = |name, r: Result<(), ServiceError>| match r {
            Ok(()) => out.push(name),
            Err(e) => {
                assert_eq!(e.code, ErrorCode::PermissionDenied, "{name}: {e}");
                assert!(e.message.starts_with("User "), "{name}: {}", e.message);
            }
        };
        check(
            "list-schema",
            uc.list_secrets(caller, Some("main"), Some("app"), None, None)
                .map(drop),
        );
        check(
            "create",
            uc.clone()
                .create_secret(caller, fields("new", "v"), t(1))
                .map(drop),
        );
        check("get", uc.get_secret(caller, "main.app.k", false).map(drop));
        check("value", uc.get_secret(caller, "main.app.k", true).map(drop));
        let value = SecretFields {
            value: Some("v2".into()),
            ..SecretFields::default()
        };
        check(
            "set-value",
            uc.clone()
                .update_secret(caller, "main.app.k", Some("value"), value, t(1))
                .map(drop),
        );
        let comment = SecretFields {
            comment: Some("c".into()),
            ..SecretFields::default()
        };
        check(
            "set-comment",
            uc.clone()
                .update_secret(caller, "main.app.k", Some("comment"), comment, t(1))
                .map(drop),
        );
        check("delete", uc.clone().delete_secret(caller, "main.app.k"));
        check(
            "grants",
            uc.get_grants(caller, "secret", "main.app.k", all, None, None)
                .map(drop),
        );
        let change = || {
            vec![Change {
                principal: Some("x".into()),
                add: vec!["READ_SECRET".into()],
                remove: vec![],
            }]
        };
        check(
            "grant",
            uc.clone()
                .update_grants(caller, "secret", "main.app.k", change())
                .map(drop),
        );
        check(
            "schema-grants",
            uc.get_effective_grants(caller, "schema", "main.app", all, None, None)
                .map(drop),
        );
        check(
            "catalog-grants",
            uc.clone()
                .update_grants(caller, "catalog", "main", change())
                .map(drop),
        );
        out
    }

    const READ: &[&str] = &["list", "list-schema", "get", "value"];
    const EVERYTHING: &[&str] = &[
        "list",
        "list-schema",
        "create",
        "get",
        "value",
        "set-value",
        "set-comment",
        "delete",
        "grants",
        "grant",
        "schema-grants",
        "catalog-grants",
    ];

    #[test]
    fn each_privilege_allows_exactly_its_operations() {
        let alice = user("alice");
        let none: &[&str] = &[];
        let g = |kind, name, privileges| -> &'static [Grant] {
            Box::leak(Box::new([(kind, name, "alice", privileges)]))
        };
        for (what, grants, expected) in [
            ("nothing", vec![], none),
            (
                "only the use of the parents",
                vec![USE],
                &["list-schema"][..],
            ),
            (
                "READ_SECRET without USE_SCHEMA",
                vec![
                    g("schema", "main.app", &["READ_SECRET"]),
                    g("catalog", "main", &["USE_CATALOG"]),
                ],
                none,
            ),
            (
                "READ_SECRET without USE_CATALOG",
                vec![g("schema", "main.app", &["READ_SECRET", "USE_SCHEMA"])],
                none,
            ),
            (
                "READ_SECRET on the secret",
                vec![USE, g("secret", "main.app.k", &["READ_SECRET"])],
                READ,
            ),
            (
                "READ_SECRET on the schema",
                vec![USE, g("schema", "main.app", &["READ_SECRET"])],
                READ,
            ),
            (
                "READ_SECRET on the catalog",
                vec![USE, g("catalog", "main", &["READ_SECRET"])],
                READ,
            ),
            (
                "WRITE_SECRET",
                vec![USE, g("secret", "main.app.k", &["WRITE_SECRET"])],
                &["list", "list-schema", "get", "set-value"][..],
            ),
            (
                "REFERENCE_SECRET",
                vec![USE, g("secret", "main.app.k", &["REFERENCE_SECRET"])],
                &["list-schema"][..],
            ),
            (
                "BROWSE on the catalog",
                vec![USE, g("catalog", "main", &["BROWSE"])],
                &["list", "list-schema", "get"][..],
            ),
            (
                "CREATE_SECRET on the schema",
                vec![USE, g("schema", "main.app", &["CREATE_SECRET"])],
                &["list-schema", "create"][..],
            ),
            (
                "CREATE_SECRET on the catalog",
                vec![USE, g("catalog", "main", &["CREATE_SECRET"])],
                &["list-schema", "create"][..],
            ),
            (
                "MANAGE on the secret",
                vec![USE, g("secret", "main.app.k", &["MANAGE"])],
                &[
                    "list",
                    "list-schema",
                    "get",
                    "set-value",
                    "set-comment",
                    "delete",
                    "grants",
                    "grant",
                ][..],
            ),
            (
                "MANAGE on the schema",
                vec![USE, g("schema", "main.app", &["MANAGE"])],
                &[
                    "list",
                    "list-schema",
                    "get",
                    "set-value",
                    "set-comment",
                    "delete",
                    "grants",
                    "grant",
                    "schema-grants",
                ][..],
            ),
            (
                "MANAGE on the catalog without USE_SCHEMA",
                vec![g("catalog", "main", &["USE_CATALOG", "MANAGE"])],
                &["schema-grants", "catalog-grants"][..],
            ),
            (
                "ALL_PRIVILEGES on the catalog",
                vec![g("catalog", "main", &["ALL_PRIVILEGES"])],
                &["list", "list-schema", "create", "get", "value", "set-value"][..],
            ),
            (
                "USE_SCHEMA from the catalog",
                vec![g(
                    "catalog",
                    "main",
                    &["USE_CATALOG", "USE_SCHEMA", "READ_SECRET"],
                )],
                READ,
            ),
        ] {
            let uc = setup("admin@example.com", &grants);
            assert_eq!(allowed(&uc, &alice), expected, "{what}");
        }
    }

    #[test]
    fn owners() {
        let alice = user("alice");
        // The secret's owner: everything on it, with the use of the parents.
        let uc = setup("alice", &[USE]);
        let owner: &[&str] = &[
            "list",
            "list-schema",
            "get",
            "value",
            "set-value",
            "set-comment",
            "delete",
            "grants",
            "grant",
        ];
        assert_eq!(allowed(&uc, &alice), owner);
        assert!(
            allowed(&setup("alice", &[]), &alice).is_empty(),
            "no use of the parents"
        );
        // The schema's owner: creates, manages grants, but reads no secret it does not own.
        let schema_owner = user(OWNER);
        let uc = setup(
            "admin@example.com",
            &[&[("catalog", "main", OWNER, &["USE_CATALOG"])]],
        );
        let mut expected = vec![
            "list-schema",
            "create",
            "grants",
            "grant",
            "schema-grants",
            "catalog-grants",
        ];
        // OWNER owns the catalog too: it needs no USE_CATALOG, and may grant on the catalog.
        assert_eq!(allowed(&uc, &schema_owner), expected);
        let mut uc = metastore();
        uc.declare_catalog("other", "carol").unwrap();
        uc.declare_schema("other", "app", OWNER).unwrap();
        let f = SecretFields {
            catalog_name: Some("other".into()),
            ..fields("k", "v")
        };
        uc.create_secret(&admin(), f, t(0)).unwrap();
        let e = uc
            .create_secret(
                &schema_owner,
                SecretFields {
                    catalog_name: Some("other".into()),
                    ..fields("n", "v")
                },
                t(0),
            )
            .unwrap_err();
        assert_eq!(
            e.message,
            "User does not have USE CATALOG on Catalog 'other'."
        );
        expected.retain(|op| *op != "catalog-grants");
        let change = Change {
            principal: Some("carol".into()),
            add: vec!["USE_CATALOG".into()],
            remove: vec![],
        };
        uc.update_grants(&admin(), "catalog", "other", vec![change])
            .unwrap();
        let change = Change {
            principal: Some(OWNER.into()),
            add: vec!["USE_CATALOG".into()],
            remove: vec![],
        };
        uc.update_grants(&admin(), "catalog", "other", vec![change])
            .unwrap();
        uc.create_secret(
            &schema_owner,
            SecretFields {
                catalog_name: Some("other".into()),
                ..fields("n", "v")
            },
            t(0),
        )
        .unwrap();
        // A catalog owner may use every schema in it, but creates only with CREATE_SECRET.
        let carol = user("carol");
        let e = uc
            .create_secret(
                &carol,
                SecretFields {
                    catalog_name: Some("other".into()),
                    ..fields("m", "v")
                },
                t(0),
            )
            .unwrap_err();
        assert_eq!(
            e.message,
            "User does not have CREATE SECRET on Schema 'other.app'."
        );
        assert!(uc
            .get_grants(
                &carol,
                "secret",
                "other.app.k",
                PageRequest::MaxResults(None),
                None,
                None
            )
            .is_ok());
        assert!(uc.get_secret(&carol, "other.app.k", false).is_err());
    }

    #[test]
    fn admins_may_do_everything() {
        let uc = setup("alice", &[]);
        assert_eq!(allowed(&uc, &admin()), EVERYTHING);
        assert_eq!(allowed(&uc, &Caller::user("root", &["admins"])), EVERYTHING);
    }

    #[test]
    fn groups_count_for_grants_and_ownership() {
        let eng = [
            ("catalog", "main", "eng", &["USE_CATALOG"][..]),
            ("schema", "main.app", "users", &["USE_SCHEMA"][..]),
            ("secret", "main.app.k", "eng", &["READ_SECRET"][..]),
        ];
        let uc = setup("admin@example.com", &[&eng]);
        assert_eq!(allowed(&uc, &Caller::user("alice", &["eng"])), READ);
        assert!(allowed(&uc, &user("bob")).is_empty());
        let uc = setup(
            "eng",
            &[
                USE,
                &[
                    ("catalog", "main", "eng", &["USE_CATALOG"]),
                    ("schema", "main.app", "eng", &["USE_SCHEMA"]),
                ],
            ],
        );
        let member = Caller::user("dave", &["eng"]);
        assert!(
            allowed(&uc, &member).contains(&"delete"),
            "a group's member acts as its owner"
        );
    }

    #[test]
    fn a_schema_grant_reaches_secrets_created_later_and_a_revoke_takes_it_away() {
        let mut uc = setup(
            "admin@example.com",
            &[USE, &[("schema", "main.app", "alice", &["READ_SECRET"])]],
        );
        uc.create_secret(&admin(), fields("later", "v"), t(1))
            .unwrap();
        assert_eq!(
            uc.get_secret(&user("alice"), "main.app.later", true)
                .unwrap()
                .effective_value
                .as_deref(),
            Some("v")
        );
        let revoke = Change {
            principal: Some("alice".into()),
            add: vec![],
            remove: vec!["READ_SECRET".into()],
        };
        uc.update_grants(&admin(), "schema", "main.app", vec![revoke])
            .unwrap();
        let e = uc
            .get_secret(&user("alice"), "main.app.later", true)
            .unwrap_err();
        assert_eq!(e.message, "User does not have MANAGE, READ SECRET, WRITE SECRET or BROWSE on Secret 'main.app.later'.");
    }

    #[test]
    fn messages_name_what_is_missing() {
        let uc = setup(
            "admin@example.com",
            &[
                USE,
                &[("secret", "main.app.k", "alice", &["MANAGE", "WRITE_SECRET"])],
            ],
        );
        let alice = user("alice");
        let e = uc.get_secret(&alice, "main.app.k", true).unwrap_err();
        assert_eq!(
            e.message,
            "User does not have READ SECRET on Secret 'main.app.k'."
        );
        let e = uc
            .get_secret(&user("bob"), "main.app.k", false)
            .unwrap_err();
        assert_eq!(
            e.message,
            "User does not have USE CATALOG on Catalog 'main'."
        );
        let uc = setup(
            "admin@example.com",
            &[USE, &[("secret", "main.app.k", "alice", &["WRITE_SECRET"])]],
        );
        let comment = SecretFields {
            comment: Some("c".into()),
            ..SecretFields::default()
        };
        let e = uc
            .clone()
            .update_secret(
                &alice,
                "main.app.k",
                Some("value,comment"),
                SecretFields {
                    value: Some("x".into()),
                    ..comment
                },
                t(1),
            )
            .unwrap_err();
        assert!(
            e.message
                .ends_with("(WRITE SECRET only allows setting a new value)."),
            "{}",
            e.message
        );
        let uc = setup("admin@example.com", &[USE]);
        let e = uc.clone().delete_secret(&alice, "main.app.k").unwrap_err();
        assert_eq!(
            e.message,
            "User is not an owner of Secret 'main.app.k' and does not have MANAGE on it."
        );
        let e = uc
            .clone()
            .update_secret(
                &alice,
                "main.app.k",
                Some("value"),
                SecretFields {
                    value: Some("x".into()),
                    ..SecretFields::default()
                },
                t(1),
            )
            .unwrap_err();
        assert_eq!(
            e.message,
            "User does not have WRITE SECRET on Secret 'main.app.k'."
        );
        let e = uc
            .clone()
            .create_secret(&alice, fields("n", "v"), t(1))
            .unwrap_err();
        assert_eq!(
            e.message,
            "User does not have CREATE SECRET on Schema 'main.app'."
        );
        let e = uc
            .list_secrets(&user("bob"), Some("main"), Some("app"), None, None)
            .unwrap_err();
        assert_eq!(
            e.message,
            "User does not have USE CATALOG on Catalog 'main'."
        );
        let uc = setup(
            "admin@example.com",
            &[&[("catalog", "main", "alice", &["USE_CATALOG"])]],
        );
        let e = uc.get_secret(&alice, "main.app.k", false).unwrap_err();
        assert_eq!(
            e.message,
            "User does not have USE SCHEMA on Schema 'main.app'."
        );
    }
}
