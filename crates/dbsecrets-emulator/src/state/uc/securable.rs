//! What grants are made on: the three securable types the emulator knows
//! (catalog, schema, secret), their names, and the privileges that apply to
//! each (uc-secrets.md §4, §5).

use crate::state::errors::ServiceError;

use super::names::{shown, uc_name};

/// A securable type of the permissions API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SecurableType {
    Catalog,
    Schema,
    Secret,
}

impl SecurableType {
    /// The type in a permissions path: `catalog`, `schema` or `secret`, in
    /// any case (the SDK's enum spells them in upper case).
    pub fn parse(text: &str) -> Result<Self, ServiceError> {
        match text.to_ascii_lowercase().as_str() {
            "catalog" => Ok(Self::Catalog),
            "schema" => Ok(Self::Schema),
            "secret" => Ok(Self::Secret),
            _ => Err(ServiceError::invalid(format!(
                "Unsupported securable type '{}': this emulator serves catalog, schema and secret.",
                shown(text)
            ))),
        }
    }

    /// `inherited_from_type` on the wire.
    pub fn wire(self) -> &'static str {
        match self {
            Self::Catalog => "CATALOG",
            Self::Schema => "SCHEMA",
            Self::Secret => "SECRET",
        }
    }

    /// As messages name it: `Schema 'main.app' does not exist.`
    pub fn title(self) -> &'static str {
        match self {
            Self::Catalog => "Catalog",
            Self::Schema => "Schema",
            Self::Secret => "Secret",
        }
    }

    fn parts(self) -> usize {
        match self {
            Self::Catalog => 1,
            Self::Schema => 2,
            Self::Secret => 3,
        }
    }
}

/// A securable's name, folded to lower case: `[catalog]`, `[catalog,
/// schema]` or `[catalog, schema, secret]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Securable {
    pub kind: SecurableType,
    pub parts: Vec<String>,
}

impl Securable {
    /// Parses `full_name` as a securable of type `kind`: exactly as many
    /// `.`-separated parts as the type has, each a valid name.
    pub fn parse(kind: SecurableType, full_name: &str) -> Result<Self, ServiceError> {
        let parts: Vec<&str> = full_name.split('.').collect();
        if parts.len() != kind.parts() {
            let form = ["CATALOG", "CATALOG.SCHEMA", "CATALOG.SCHEMA.SECRET"][kind.parts() - 1];
            return Err(ServiceError::invalid(format!(
                "Invalid {} full name '{}': expected {form}.",
                kind.title().to_lowercase(),
                shown(full_name)
            )));
        }
        let kinds = ["catalog", "schema", "secret"];
        let parts = kinds
            .iter()
            .zip(parts)
            .map(|(k, p)| uc_name(k, p))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { kind, parts })
    }

    pub fn full_name(&self) -> String {
        self.parts.join(".")
    }
}

/// The privileges that govern secrets. Declared in alphabetical order of
/// their wire names, so sets of them sort as the wire names do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Privilege {
    AllPrivileges,
    Browse,
    CreateSecret,
    Manage,
    ReadSecret,
    ReferenceSecret,
    UseCatalog,
    UseSchema,
    WriteSecret,
}

impl Privilege {
    pub const ALL: [Privilege; 9] = [
        Self::AllPrivileges,
        Self::Browse,
        Self::CreateSecret,
        Self::Manage,
        Self::ReadSecret,
        Self::ReferenceSecret,
        Self::UseCatalog,
        Self::UseSchema,
        Self::WriteSecret,
    ];

    /// The REST spelling, `READ_SECRET`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AllPrivileges => "ALL_PRIVILEGES",
            Self::Browse => "BROWSE",
            Self::CreateSecret => "CREATE_SECRET",
            Self::Manage => "MANAGE",
            Self::ReadSecret => "READ_SECRET",
            Self::ReferenceSecret => "REFERENCE_SECRET",
            Self::UseCatalog => "USE_CATALOG",
            Self::UseSchema => "USE_SCHEMA",
            Self::WriteSecret => "WRITE_SECRET",
        }
    }

    /// The SQL spelling that messages use, `READ SECRET`.
    pub fn sql(self) -> String {
        self.as_str().replace('_', " ")
    }

    /// The exact REST spelling (upper case, `_`); anything else is refused.
    pub fn parse(text: &str) -> Result<Self, ServiceError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == text)
            .ok_or_else(|| {
                ServiceError::invalid(format!(
                    "Invalid privilege '{}': expected one of {}.",
                    shown(text),
                    Self::ALL.map(Self::as_str).join(", ")
                ))
            })
    }

    /// Whether it may be granted on a securable of type `kind`: BROWSE and
    /// USE_CATALOG on catalogs only, USE_SCHEMA and CREATE_SECRET on
    /// catalogs and schemas, the rest everywhere.
    pub fn applies_to(self, kind: SecurableType) -> bool {
        match self {
            Self::Browse | Self::UseCatalog => kind == SecurableType::Catalog,
            Self::UseSchema | Self::CreateSecret => kind != SecurableType::Secret,
            _ => true,
        }
    }

    /// What a grant of `self` gives: itself, and for ALL_PRIVILEGES every
    /// privilege except MANAGE (which ALL PRIVILEGES never includes).
    pub fn implies(self, wanted: Privilege) -> bool {
        self == wanted || (self == Self::AllPrivileges && wanted != Self::Manage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::code;
    use crate::state::ErrorCode;

    #[test]
    fn securable_types_in_any_case() {
        assert_eq!(
            SecurableType::parse("SECRET").unwrap(),
            SecurableType::Secret
        );
        assert_eq!(
            SecurableType::parse("Schema").unwrap(),
            SecurableType::Schema
        );
        let e = SecurableType::parse("table").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameterValue);
    }

    #[test]
    fn full_names_have_as_many_parts_as_their_type() {
        let s = Securable::parse(SecurableType::Secret, "Main.App.Key").unwrap();
        assert_eq!(s.full_name(), "main.app.key");
        assert_eq!(s.parts, ["main", "app", "key"]);
        let e = Securable::parse(SecurableType::Secret, "main.app").unwrap_err();
        assert_eq!(
            e.message,
            "Invalid secret full name 'main.app': expected CATALOG.SCHEMA.SECRET."
        );
        let e = Securable::parse(SecurableType::Schema, "main.a b").unwrap_err();
        assert!(
            e.message.starts_with("Invalid schema name 'a b'"),
            "{}",
            e.message
        );
        assert_eq!(
            code(Securable::parse(SecurableType::Catalog, "")),
            ErrorCode::InvalidParameterValue
        );
    }

    #[test]
    fn privileges_parse_exactly_and_apply_by_type() {
        for p in Privilege::ALL {
            assert_eq!(Privilege::parse(p.as_str()).unwrap(), p);
        }
        for bad in ["read_secret", "READ SECRET", "SELECT", ""] {
            assert_eq!(
                code(Privilege::parse(bad)),
                ErrorCode::InvalidParameterValue
            );
        }
        let mut sorted = Privilege::ALL.map(Privilege::as_str);
        sorted.sort_unstable();
        assert_eq!(sorted, Privilege::ALL.map(Privilege::as_str));
        use SecurableType::*;
        assert!(Privilege::Browse.applies_to(Catalog) && !Privilege::Browse.applies_to(Schema));
        assert!(
            Privilege::UseSchema.applies_to(Schema) && !Privilege::UseSchema.applies_to(Secret)
        );
        assert!(Privilege::ReadSecret.applies_to(Secret) && Privilege::Manage.applies_to(Secret));
        assert!(Privilege::AllPrivileges.implies(Privilege::ReadSecret));
        assert!(!Privilege::AllPrivileges.implies(Privilege::Manage));
        assert!(!Privilege::ReadSecret.implies(Privilege::WriteSecret));
        assert_eq!(Privilege::CreateSecret.sql(), "CREATE SECRET");
    }
}
