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
    fn value_limits() {
        assert!(value_len(1).is_ok());
        assert!(value_len(MAX_VALUE_BYTES).is_ok());
        assert!(value_len(0).is_err());
        assert!(value_len(MAX_VALUE_BYTES + 1).is_err());
    }
}
