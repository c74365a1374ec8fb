//! Client-side checks of names, permissions and values by the service's own
//! rules (secrets-api.md), so that a request the server would refuse is never
//! sent: each failure is an [`ErrorKind::InvalidInput`](crate::ErrorKind) error.

use crate::Error;

/// Longest scope name or key the service accepts.
pub const MAX_NAME_LEN: usize = 128;
/// Largest secret value the service accepts, in bytes.
pub const MAX_VALUE_BYTES: usize = 131_072;

fn check(kind: &str, name: &str, extra: &[char], allowed: &str) -> Result<(), Error> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') || extra.contains(&c));
    if !name.is_empty() && name.len() <= MAX_NAME_LEN && ok_chars {
        return Ok(());
    }
    let shown: String = name.chars().take(40).collect();
    let problem = if name.is_empty() {
        "is empty".to_string()
    } else if name.len() > MAX_NAME_LEN {
        format!("is {} characters long", name.len())
    } else {
        let bad = name
            .chars()
            .find(|c| {
                !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') || extra.contains(c))
            })
            .unwrap_or(' ');
        format!("contains {bad:?}")
    };
    Err(Error::invalid_input(format!(
        "invalid {kind} name '{shown}': it {problem}; {kind} names are 1 to {MAX_NAME_LEN} characters of {allowed}"
    )))
}

/// Scope names: letters, digits, `-`, `_`, `.` and `@`, 1 to 128 characters.
pub fn scope(name: &str) -> Result<(), Error> {
    check(
        "scope",
        name,
        &['@'],
        "letters, digits, '-', '_', '.' and '@'",
    )
}

/// Secret keys: letters, digits, `-`, `_` and `.`, 1 to 128 characters.
pub fn key(name: &str) -> Result<(), Error> {
    check("key", name, &[], "letters, digits, '-', '_' and '.'")
}

/// An ACL principal: a user name, service principal application id or group name.
pub fn principal(name: &str) -> Result<(), Error> {
    if name.trim().is_empty() {
        return Err(Error::invalid_input("the principal is empty: give a user name, a service principal's application id or a group name such as 'users'"));
    }
    Ok(())
}

/// A scope ACL permission, accepted in any case and returned upper case.
pub fn permission(p: &str) -> Result<&'static str, Error> {
    match p.to_ascii_uppercase().as_str() {
        "READ" => Ok("READ"),
        "WRITE" => Ok("WRITE"),
        "MANAGE" => Ok("MANAGE"),
        _ => Err(Error::invalid_input(format!(
            "invalid permission '{p}': use READ, WRITE or MANAGE"
        ))),
    }
}

/// A secret value must be non-empty and at most 128 KiB.
pub fn value_len(len: usize) -> Result<(), Error> {
    if len == 0 {
        return Err(Error::invalid_input(
            "the secret value is empty: an empty secret is refused",
        ));
    }
    if len > MAX_VALUE_BYTES {
        return Err(Error::invalid_input(format!(
            "the secret value is {len} bytes; the service accepts at most {MAX_VALUE_BYTES} bytes (128 KiB)"
        )));
    }
    Ok(())
}

// ----- Unity Catalog (uc-secrets.md §6) -----

/// Longest name of a Unity Catalog object (catalog, schema, secret), in characters.
pub const MAX_UC_NAME_CHARS: usize = 255;
/// Largest Unity Catalog secret value, in UTF-8 bytes (60 KiB).
pub const MAX_UC_VALUE_BYTES: usize = 61_440;

/// One part of a Unity Catalog name: 1 to 255 characters, none of `.`,
/// space, `/`, control characters (0x00–0x1F) or DEL.
pub fn uc_part(kind: &str, part: &str) -> Result<(), Error> {
    let bad = part
        .chars()
        .find(|c| matches!(c, '.' | ' ' | '/') || c.is_ascii_control());
    let count = part.chars().count();
    if !part.is_empty() && count <= MAX_UC_NAME_CHARS && bad.is_none() {
        return Ok(());
    }
    let shown: String = part
        .chars()
        .take(40)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    let problem = match (part.is_empty(), bad) {
        (true, _) => "is empty".to_string(),
        (_, Some(c)) => format!("contains {c:?}"),
        _ => format!("is {count} characters long"),
    };
    Err(Error::invalid_input(format!(
        "invalid {kind} name '{shown}': it {problem}; Unity Catalog names are 1 to {MAX_UC_NAME_CHARS} characters, without '.', spaces, '/' or control characters"
    )))
}

/// A Unity Catalog name: a catalog, a schema or a secret, told apart by the
/// number of dot-separated parts. Names are folded to lower case, as the
/// service stores them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UcName {
    /// `CATALOG`
    Catalog(String),
    /// `CATALOG.SCHEMA`
    Schema(String, String),
    /// `CATALOG.SCHEMA.SECRET`
    Secret(String, String, String),
}

impl UcName {
    /// Parses and checks `catalog`, `catalog.schema` or `catalog.schema.secret`.
    pub fn parse(name: &str) -> Result<UcName, Error> {
        let parts: Vec<&str> = name.split('.').collect();
        let kinds = ["catalog", "schema", "secret"];
        if parts.len() > 3 {
            return Err(Error::invalid_input(format!(
                "invalid Unity Catalog name '{}': it has {} parts; write CATALOG, CATALOG.SCHEMA or CATALOG.SCHEMA.SECRET",
                name.chars().take(80).collect::<String>(),
                parts.len()
            )));
        }
        for (kind, part) in kinds.iter().zip(&parts) {
            uc_part(kind, part)?;
        }
        let low = |s: &str| s.to_lowercase();
        Ok(match parts.as_slice() {
            [c] => UcName::Catalog(low(c)),
            [c, s] => UcName::Schema(low(c), low(s)),
            [c, s, n] => UcName::Secret(low(c), low(s), low(n)),
            _ => unreachable!("1 to 3 parts"),
        })
    }

    /// A secret's full name, `CATALOG.SCHEMA.SECRET`, or an error naming what was given.
    pub fn secret(name: &str) -> Result<UcName, Error> {
        match Self::parse(name)? {
            n @ UcName::Secret(..) => Ok(n),
            other => Err(Error::invalid_input(format!(
                "'{name}' names a {}, not a secret: write CATALOG.SCHEMA.SECRET",
                other.securable_type()
            ))),
        }
    }

    /// A schema's name, `CATALOG.SCHEMA`.
    pub fn schema(name: &str) -> Result<UcName, Error> {
        match Self::parse(name)? {
            n @ UcName::Schema(..) => Ok(n),
            other => Err(Error::invalid_input(format!(
                "'{name}' names a {}, not a schema: write CATALOG.SCHEMA",
                other.securable_type()
            ))),
        }
    }

    /// The securable type of the permissions API: `catalog`, `schema` or `secret`.
    pub fn securable_type(&self) -> &'static str {
        match self {
            UcName::Catalog(_) => "catalog",
            UcName::Schema(..) => "schema",
            UcName::Secret(..) => "secret",
        }
    }

    /// The full name, parts joined by `.`.
    pub fn full_name(&self) -> String {
        match self {
            UcName::Catalog(c) => c.clone(),
            UcName::Schema(c, s) => format!("{c}.{s}"),
            UcName::Secret(c, s, n) => format!("{c}.{s}.{n}"),
        }
    }

    /// The catalog's name.
    pub fn catalog(&self) -> &str {
        match self {
            UcName::Catalog(c) | UcName::Schema(c, _) | UcName::Secret(c, _, _) => c,
        }
    }
}

impl std::fmt::Display for UcName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.full_name())
    }
}

/// A Unity Catalog secret value: text (UTF-8), not empty, at most 60 KiB.
pub fn uc_value(bytes: &[u8]) -> Result<&str, Error> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Error::invalid_input(
            "the value is not UTF-8 text: Unity Catalog secrets hold text only (encode binary data, e.g. as base64, first)",
        )
    })?;
    if text.is_empty() {
        return Err(Error::invalid_input(
            "the secret value is empty: an empty secret is refused",
        ));
    }
    if text.len() > MAX_UC_VALUE_BYTES {
        return Err(Error::invalid_input(format!(
            "the secret value is {} bytes; Unity Catalog accepts at most {MAX_UC_VALUE_BYTES} bytes (60 KiB)",
            text.len()
        )));
    }
    Ok(text)
}

/// A Unity Catalog privilege in any spelling (`read secret`, `READ_SECRET`,
/// `read-secret`), as the API spells it. Privileges are open strings: a name
/// this library does not know is passed on as written (upper case, `_`).
pub fn uc_privilege(p: &str) -> Result<String, Error> {
    let spelled: String = p
        .trim()
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
        .to_ascii_uppercase();
    if spelled.is_empty()
        || !spelled
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(Error::invalid_input(format!(
            "invalid privilege '{p}': write it as in SQL (READ SECRET) or as the API does (READ_SECRET)"
        )));
    }
    Ok(spelled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_names() {
        for ok in ["a", "my-app_secrets.v2", "team@corp", &"x".repeat(128)] {
            assert!(scope(ok).is_ok(), "{ok}");
        }
        for bad in ["", "has space", "slash/", "ünïcode", &"x".repeat(129)] {
            let err = scope(bad).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
            assert!(err.to_string().starts_with("invalid scope name"), "{err}");
        }
    }

    #[test]
    fn keys_do_not_allow_at() {
        assert!(key("api-key.v1_x").is_ok());
        let err = key("a@b").unwrap_err();
        assert!(err.to_string().contains("contains '@'"), "{err}");
    }

    #[test]
    fn permissions_any_case() {
        assert_eq!(permission("read").unwrap(), "READ");
        assert_eq!(permission("Manage").unwrap(), "MANAGE");
        assert!(permission("OWNER").is_err());
    }

    #[test]
    fn uc_names_by_number_of_parts() {
        assert_eq!(
            UcName::parse("Main").unwrap(),
            UcName::Catalog("main".into())
        );
        assert_eq!(
            UcName::parse("main.App").unwrap(),
            UcName::Schema("main".into(), "app".into())
        );
        let s = UcName::parse("main.app.api-key@x+1ü").unwrap();
        assert_eq!(s.full_name(), "main.app.api-key@x+1ü");
        assert_eq!(s.securable_type(), "secret");
        for bad in [
            "",
            "a..b",
            "a.b.c.d",
            "a b.c.d",
            "a.b/c.d",
            "a.b.c\u{7f}",
            "x.y.\u{1}",
        ] {
            let e = UcName::parse(bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidInput, "{bad:?}");
        }
        assert!(UcName::parse(&"x".repeat(255)).is_ok());
        assert!(UcName::parse(&"x".repeat(256)).is_err());
        let e = UcName::secret("main.app").unwrap_err();
        assert_eq!(
            e.to_string(),
            "'main.app' names a schema, not a secret: write CATALOG.SCHEMA.SECRET"
        );
        assert!(UcName::schema("main.app.k").is_err());
    }

    #[test]
    fn uc_values_are_text_up_to_60_kib() {
        assert!(uc_value(b"v").is_ok());
        assert!(uc_value(&[b'x'; MAX_UC_VALUE_BYTES]).is_ok());
        assert!(uc_value(&[b'x'; MAX_UC_VALUE_BYTES + 1]).is_err());
        assert!(uc_value(b"").is_err());
        assert!(uc_value(&[0xff, 0xfe])
            .unwrap_err()
            .to_string()
            .contains("not UTF-8"));
    }

    #[test]
    fn privileges_in_any_spelling() {
        for p in [
            "read secret",
            "READ_SECRET",
            "Read-Secret",
            "  read   secret ",
        ] {
            assert_eq!(uc_privilege(p).unwrap(), "READ_SECRET", "{p}");
        }
        assert_eq!(uc_privilege("manage").unwrap(), "MANAGE");
        assert_eq!(uc_privilege("use schema").unwrap(), "USE_SCHEMA");
        assert!(uc_privilege("read;drop").is_err());
        assert!(uc_privilege(" ").is_err());
    }

    #[test]
    fn value_limits() {
        assert!(value_len(1).is_ok());
        assert!(value_len(MAX_VALUE_BYTES).is_ok());
        assert!(value_len(0).is_err());
        assert!(value_len(MAX_VALUE_BYTES + 1).is_err());
    }
}
