//! The checks on names and values that every operation applies first: scope
//! names, secret keys, principals and secret values, with the messages the
//! real server gives.

use base64::Engine as _;

use super::errors::ServiceError;

/// Longest scope name or secret key the server accepts.
pub const MAX_NAME_LEN: usize = 128;
/// Largest secret value the server accepts (128 KB).
pub const MAX_VALUE_BYTES: usize = 131_072;

/// Scope names: letters, digits, `-`, `_`, `.`, `@`; 1..=128 characters.
pub fn validate_scope_name(name: &str) -> Result<(), ServiceError> {
    let ok = valid_name(name, |c| c.is_ascii_alphanumeric() || "-_.@".contains(c));
    ok.then_some(()).ok_or_else(|| {
        ServiceError::invalid(
            "Scope name must consist of alphanumeric characters, dashes, underscores, periods, \
             and at signs, and may not exceed 128 characters.",
        )
    })
}

/// Secret keys: letters, digits, `-`, `_`, `.`; 1..=128 characters.
pub fn validate_key(key: &str) -> Result<(), ServiceError> {
    let ok = valid_name(key, |c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    ok.then_some(()).ok_or_else(|| {
        ServiceError::invalid(
            "Secret key must consist of alphanumeric characters, dashes, underscores, and \
             periods, and may not exceed 128 characters.",
        )
    })
}

fn valid_name(name: &str, allowed: impl Fn(char) -> bool) -> bool {
    !name.is_empty() && name.len() <= MAX_NAME_LEN && name.chars().all(allowed)
}

/// Principals are user names, group names or application ids; the server
/// only insists on something being there.
pub fn validate_principal(principal: &str) -> Result<(), ServiceError> {
    if principal.trim().is_empty() {
        return Err(ServiceError::invalid("Principal must not be empty."));
    }
    Ok(())
}

/// Turns the `put` request's two optional value fields into the bytes to
/// store, enforcing "exactly one", valid standard base64 and the size limit.
pub fn decode_value(
    string_value: Option<&str>,
    bytes_value: Option<&str>,
) -> Result<Vec<u8>, ServiceError> {
    let bytes = match (string_value, bytes_value) {
        (Some(_), Some(_)) => {
            return Err(ServiceError::invalid(
                "Only one of string_value and bytes_value may be specified.",
            ))
        }
        (None, None) => {
            return Err(ServiceError::invalid(
                "Either string_value or bytes_value must be specified.",
            ))
        }
        (Some(s), None) => s.as_bytes().to_vec(),
        (None, Some(b)) => base64::engine::general_purpose::STANDARD
            .decode(b)
            .map_err(|e| ServiceError::invalid(format!("bytes_value is not valid base64: {e}")))?,
    };
    if bytes.len() > MAX_VALUE_BYTES {
        return Err(ServiceError::invalid(format!(
            "Size of secret value ({} bytes) exceeds the limit of {MAX_VALUE_BYTES} bytes (128 KB).",
            bytes.len()
        )));
    }
    Ok(bytes)
}

/// Lower-cased lookup form: names are ASCII once validated.
pub(crate) fn fold(name: &str) -> String {
    name.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::code;
    use crate::state::ErrorCode;

    #[test]
    fn scope_names() {
        let long = "a".repeat(128);
        for ok in ["a", "A-b_c.d@e", "0", long.as_str()] {
            assert!(validate_scope_name(ok).is_ok(), "{ok}");
        }
        let too_long = "a".repeat(129);
        for bad in ["", "a b", "a/b", "ä", "a+b", too_long.as_str()] {
            let e = validate_scope_name(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidParameterValue, "{bad}");
            assert!(e.message.starts_with("Scope name must consist of"));
        }
    }

    #[test]
    fn keys() {
        assert!(validate_key("API_key-1.x").is_ok());
        assert!(validate_key(&"k".repeat(128)).is_ok());
        for bad in ["", "a@b", "a b", "a/b", &"k".repeat(129)] {
            assert_eq!(
                validate_key(bad).unwrap_err().code,
                ErrorCode::InvalidParameterValue
            );
        }
    }

    #[test]
    fn values() {
        assert_eq!(decode_value(Some("hi"), None).unwrap(), b"hi");
        assert_eq!(decode_value(None, Some("AAE=")).unwrap(), vec![0, 1]);
        assert_eq!(decode_value(None, Some("")).unwrap(), Vec::<u8>::new());
        for (s, b) in [
            (Some("x"), Some("eA==")),
            (None, None),
            (None, Some("not base64!")),
            (None, Some("eA")), // padding is required in standard base64
            (None, Some("eA-_")),
        ] {
            assert_eq!(code(decode_value(s, b)), ErrorCode::InvalidParameterValue);
        }
        let max = "x".repeat(MAX_VALUE_BYTES);
        assert!(decode_value(Some(&max), None).is_ok());
        let over = "x".repeat(MAX_VALUE_BYTES + 1);
        let e = decode_value(Some(&over), None).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameterValue);
        assert!(e.message.contains("131072"));
    }
}
