//! `PATCH /secrets/{full_name}`: what `update_mask` means.
//!
//! The mask is one comma-joined parameter: `*`, or paths among `value`,
//! `comment`, `owner` and `expire_time`. With `*`, every one of those
//! fields the body sets is updated. With paths, exactly the named fields
//! are, and a body field the mask does not name is ignored.
//!
//! A decision of ours beyond the spec, by the field-mask rule of AIP-134:
//! a path naming `comment` or `expire_time` whose field the body leaves out
//! **clears** that field (how `dbsecrets uc update --no-expiry` works). A
//! path naming `value` or `owner` whose field is absent is 400
//! `INVALID_PARAMETER_VALUE`, as the spec's proposal says: a secret always
//! has both. `name`, `catalog_name`, `schema_name` and `full_name` in the
//! body must equal the path's (after folding to lower case), or 400: a
//! secret cannot be renamed.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::state::access::Caller;
use crate::state::errors::ServiceError;

use super::access::{authorize, Action};
use super::model::SecretInfo;
use super::names::{check_comment, check_principal, check_value, parse_time, shown};
use super::secrets::SecretFields;
use super::securable::{Securable, SecurableType};
use super::UnityCatalog;

/// A field an update may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Value,
    Comment,
    Owner,
    ExpireTime,
}

const FIELDS: [(&str, Field); 4] = [
    ("value", Field::Value),
    ("comment", Field::Comment),
    ("owner", Field::Owner),
    ("expire_time", Field::ExpireTime),
];

/// The fields `update_mask` names; `None` for `*`.
fn parse_mask(mask: Option<&str>) -> Result<Option<BTreeSet<Field>>, ServiceError> {
    let mask = mask.filter(|m| !m.is_empty()).ok_or_else(|| {
        ServiceError::invalid(
            "update_mask is required: name the fields to change (value, comment, owner, \
             expire_time), comma-separated, or '*'.",
        )
    })?;
    if mask == "*" {
        return Ok(None);
    }
    let mut fields = BTreeSet::new();
    for path in mask.split(',') {
        let field = FIELDS
            .iter()
            .find(|(name, _)| *name == path)
            .map(|(_, f)| *f);
        let Some(field) = field else {
            let why = if path == "*" {
                "'*' must be the whole mask".to_string()
            } else {
                "the fields an update may change are value, comment, owner and expire_time".into()
            };
            return Err(ServiceError::invalid(format!(
                "Invalid update_mask path '{}': {why}.",
                shown(path)
            )));
        };
        fields.insert(field);
    }
    Ok(Some(fields))
}

/// The change an update makes: for each field, its new value (`None`:
/// clear it).
#[derive(Default)]
struct Changes {
    value: Option<String>,
    owner: Option<String>,
    comment: Option<Option<String>>,
    expire_time: Option<Option<DateTime<Utc>>>,
}

impl Changes {
    fn from(fields: &BTreeSet<Field>, body: SecretFields) -> Result<Self, ServiceError> {
        let mut out = Changes::default();
        let absent = |name: &str| {
            ServiceError::invalid(format!(
                "update_mask names '{name}', but the body does not set it."
            ))
        };
        for field in fields {
            match field {
                Field::Value => {
                    let value = body.value.clone().ok_or_else(|| absent("value"))?;
                    check_value(&value)?;
                    out.value = Some(value);
                }
                Field::Owner => {
                    let owner = body.owner.clone().ok_or_else(|| absent("owner"))?;
                    check_principal("owner", &owner)?;
                    out.owner = Some(owner);
                }
                Field::Comment => {
                    if let Some(comment) = &body.comment {
                        check_comment(comment)?;
                    }
                    out.comment = Some(body.comment.clone());
                }
                Field::ExpireTime => {
                    let at = (body.expire_time.as_deref())
                        .map(|t| parse_time("expire_time", t))
                        .transpose()?;
                    out.expire_time = Some(at);
                }
            }
        }
        Ok(out)
    }
}

/// A body's `name`, `catalog_name`, `schema_name` or `full_name` must be
/// the path's own.
fn check_immutable(field: &str, given: Option<&str>, expected: &str) -> Result<(), ServiceError> {
    match given {
        Some(given) if given.to_lowercase() != expected => Err(ServiceError::invalid(format!(
            "The body's {field} '{}' differs from the secret's '{expected}': a secret cannot be \
             renamed or moved (delete it and create it again).",
            shown(given)
        ))),
        _ => Ok(()),
    }
}

impl UnityCatalog {
    /// `PATCH /secrets/{full_name}?update_mask=…` (see the module's rules).
    pub fn update_secret(
        &mut self,
        caller: &Caller,
        full_name: &str,
        update_mask: Option<&str>,
        body: SecretFields,
        now: DateTime<Utc>,
    ) -> Result<SecretInfo, ServiceError> {
        let mask = parse_mask(update_mask)?;
        let parts = Securable::parse(SecurableType::Secret, full_name)?.parts;
        let [c, s, n]: [String; 3] = parts.try_into().expect("three parts");
        check_immutable("catalog_name", body.catalog_name.as_deref(), &c)?;
        check_immutable("schema_name", body.schema_name.as_deref(), &s)?;
        check_immutable("name", body.name.as_deref(), &n)?;
        check_immutable(
            "full_name",
            body.full_name.as_deref(),
            &format!("{c}.{s}.{n}"),
        )?;
        let fields = match mask {
            Some(fields) => fields,
            None => {
                let set = [
                    (body.value.is_some(), Field::Value),
                    (body.comment.is_some(), Field::Comment),
                    (body.owner.is_some(), Field::Owner),
                    (body.expire_time.is_some(), Field::ExpireTime),
                ];
                let fields: BTreeSet<Field> =
                    set.iter().filter(|(s, _)| *s).map(|(_, f)| *f).collect();
                if fields.is_empty() {
                    return Err(ServiceError::invalid(
                        "update_mask is '*' but the body sets none of value, comment, owner and \
                         expire_time: there is nothing to update.",
                    ));
                }
                fields
            }
        };
        let changes = Changes::from(&fields, body)?;
        let (_, _, path) = self.secret_path(full_name)?;
        let value_only = fields.iter().all(|f| *f == Field::Value);
        authorize(&path, caller, Action::Update { value_only })?;
        let metastore_id = self.metastore_id.clone();
        let schema = self.schema_mut(&c, &s).expect("looked up above");
        let secret = schema.secrets.get_mut(&n).expect("looked up above");
        if let Some(value) = changes.value {
            secret.value = value;
        }
        if let Some(owner) = changes.owner {
            secret.owner = owner;
        }
        if let Some(comment) = changes.comment {
            secret.comment = comment;
        }
        if let Some(expire_time) = changes.expire_time {
            secret.expire_time = expire_time;
        }
        secret.update_time = now;
        secret.updated_by = caller.name.clone();
        Ok(secret.info([&c, &s, &n], &metastore_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::code;
    use crate::state::uc::testing::{admin, fields, metastore, t, user};
    use crate::state::ErrorCode;

    fn body() -> SecretFields {
        SecretFields::default()
    }

    fn secret_with_everything() -> UnityCatalog {
        let mut uc = metastore();
        let mut f = fields("k", "v1");
        f.comment = Some("c1".into());
        f.expire_time = Some("2027-01-01T00:00:00Z".into());
        uc.create_secret(&admin(), f, t(0)).unwrap();
        uc
    }

    #[test]
    fn masks_parse_strictly() {
        assert_eq!(parse_mask(Some("*")).unwrap(), None);
        let both = parse_mask(Some("expire_time,value,value"))
            .unwrap()
            .unwrap();
        assert_eq!(
            both.into_iter().collect::<Vec<_>>(),
            [Field::Value, Field::ExpireTime]
        );
        for bad in [
            None,
            Some(""),
            Some("name"),
            Some("value,*"),
            Some("value, comment"),
            Some("Value"),
        ] {
            assert_eq!(
                code(parse_mask(bad)),
                ErrorCode::InvalidParameterValue,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn named_fields_change_and_others_stay() {
        let mut uc = secret_with_everything();
        let b = SecretFields {
            value: Some("v2".into()),
            comment: Some("ignored".into()),
            ..body()
        };
        let info = uc
            .update_secret(&user("bob"), "main.app.k", Some("value"), b, t(5))
            .err();
        assert_eq!(info.map(|e| e.code), Some(ErrorCode::PermissionDenied));
        let b = SecretFields {
            value: Some("v2".into()),
            comment: Some("ignored".into()),
            ..body()
        };
        let info = uc
            .update_secret(&admin(), "main.app.k", Some("value"), b, t(5))
            .unwrap();
        assert_eq!(uc.secret_value("main.app.k").unwrap(), "v2");
        assert_eq!(info.comment.as_deref(), Some("c1"));
        assert_eq!(info.update_time, "2026-01-01T00:00:00.005Z");
        assert_eq!(info.create_time, "2026-01-01T00:00:00.000Z");
        assert_eq!(info.effective_value, None);
        let b = SecretFields {
            owner: Some("team".into()),
            expire_time: Some("2028-02-03T04:05:06+01:00".into()),
            ..body()
        };
        let info = uc
            .update_secret(&admin(), "main.app.k", Some("owner,expire_time"), b, t(6))
            .unwrap();
        assert_eq!(info.effective_owner, "team");
        assert_eq!(
            info.expire_time.as_deref(),
            Some("2028-02-03T03:05:06.000Z")
        );
    }

    #[test]
    fn a_named_comment_or_expiry_left_out_of_the_body_is_cleared() {
        let mut uc = secret_with_everything();
        let info = uc
            .update_secret(&admin(), "main.app.k", Some("expire_time"), body(), t(1))
            .unwrap();
        assert_eq!(
            (info.expire_time, info.comment.as_deref()),
            (None, Some("c1"))
        );
        let info = uc
            .update_secret(&admin(), "main.app.k", Some("comment"), body(), t(2))
            .unwrap();
        assert_eq!(info.comment, None);
        // Value and owner can never be cleared.
        for mask in ["value", "owner", "comment,owner"] {
            let e = uc
                .update_secret(&admin(), "main.app.k", Some(mask), body(), t(3))
                .unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidParameterValue, "{mask}");
            assert!(
                e.message.ends_with("but the body does not set it."),
                "{}",
                e.message
            );
        }
        assert_eq!(uc.secret_value("main.app.k").unwrap(), "v1");
    }

    #[test]
    fn star_updates_what_the_body_sets() {
        let mut uc = secret_with_everything();
        // The official CLI's bundle engine sends the whole object, immutable fields included.
        let b = SecretFields {
            comment: Some("c2".into()),
            ..fields("K", "v3")
        };
        let info = uc
            .update_secret(&admin(), "main.app.k", Some("*"), b, t(1))
            .unwrap();
        assert_eq!(info.comment.as_deref(), Some("c2"));
        assert_eq!(
            info.expire_time.as_deref(),
            Some("2027-01-01T00:00:00.000Z"),
            "not in the body: kept"
        );
        assert_eq!(uc.secret_value("main.app.k").unwrap(), "v3");
        let e = uc
            .update_secret(&admin(), "main.app.k", Some("*"), body(), t(1))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameterValue);
    }

    #[test]
    fn immutable_fields_must_match_the_path() {
        let mut uc = secret_with_everything();
        for b in [
            SecretFields {
                name: Some("other".into()),
                value: Some("x".into()),
                ..body()
            },
            SecretFields {
                schema_name: Some("x".into()),
                value: Some("x".into()),
                ..body()
            },
            SecretFields {
                full_name: Some("main.app.j".into()),
                value: Some("x".into()),
                ..body()
            },
        ] {
            let e = uc
                .update_secret(&admin(), "main.app.k", Some("value"), b, t(1))
                .unwrap_err();
            assert!(e.message.contains("cannot be renamed"), "{}", e.message);
        }
        let b = SecretFields {
            full_name: Some("MAIN.app.k".into()),
            value: Some("x".into()),
            ..body()
        };
        uc.update_secret(&admin(), "main.app.k", Some("value"), b, t(1))
            .unwrap();
        let e = uc
            .update_secret(&admin(), "main.app.nope", Some("comment"), body(), t(1))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ResourceDoesNotExist);
        let b = SecretFields {
            value: Some(String::new()),
            ..body()
        };
        assert_eq!(
            code(uc.update_secret(&admin(), "main.app.k", Some("value"), b, t(1))),
            ErrorCode::InvalidParameterValue
        );
    }
}
