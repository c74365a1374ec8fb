//! The rules on Unity Catalog names and secret fields (uc-secrets.md §3, §6):
//! names of catalogs, schemas and secrets (checked, then folded to lower
//! case), full names, values, comments, owners and timestamps, with the
//! limits the service documents.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::state::errors::ServiceError;

/// Longest name of a catalog, a schema or a secret, in characters.
pub const MAX_UC_NAME_CHARS: usize = 255;
/// Largest secret value: 60 KiB of UTF-8 (counted in bytes).
pub const MAX_UC_VALUE_BYTES: usize = 61_440;
/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 65_536;
/// Most secrets one schema may hold.
pub const MAX_SECRETS_PER_SCHEMA: usize = 1_000;
/// Most secrets the whole metastore may hold.
pub const MAX_SECRETS_PER_METASTORE: usize = 10_000;

/// Checks one part of a name (`kind` is `catalog`, `schema` or `secret`)
/// and returns it in lower case, as the service stores it: 1 to 255
/// characters, none of `.`, space, `/`, 0x00–0x1F or 0x7F.
pub fn uc_name(kind: &str, name: &str) -> Result<String, ServiceError> {
    let count = name.chars().count();
    let bad = name
        .chars()
        .any(|c| matches!(c, '.' | ' ' | '/') || c.is_ascii_control());
    if (1..=MAX_UC_NAME_CHARS).contains(&count) && !bad {
        return Ok(name.to_lowercase());
    }
    Err(ServiceError::invalid(format!(
        "Invalid {kind} name '{}': a name must be 1 to {MAX_UC_NAME_CHARS} characters and may \
         not contain '.', spaces, '/' or control characters.",
        shown(name)
    )))
}

/// A name as an error message may quote it: control characters replaced,
/// at most 80 characters.
pub(crate) fn shown(name: &str) -> String {
    name.chars()
        .take(80)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// A secret value: not empty, at most [`MAX_UC_VALUE_BYTES`] bytes of UTF-8.
pub fn check_value(value: &str) -> Result<(), ServiceError> {
    if value.is_empty() {
        return Err(ServiceError::invalid("The secret value must not be empty."));
    }
    if value.len() > MAX_UC_VALUE_BYTES {
        return Err(ServiceError::invalid(format!(
            "The secret value is {} bytes; the limit is {MAX_UC_VALUE_BYTES} bytes (60 KiB).",
            value.len()
        )));
    }
    Ok(())
}

/// A comment: 1 to [`MAX_COMMENT_CHARS`] characters.
pub fn check_comment(comment: &str) -> Result<(), ServiceError> {
    let count = comment.chars().count();
    if (1..=MAX_COMMENT_CHARS).contains(&count) {
        return Ok(());
    }
    Err(ServiceError::invalid(format!(
        "The comment is {count} characters long; a comment must be 1 to {MAX_COMMENT_CHARS} \
         characters (leave it out, or name it in update_mask without a value, to have none)."
    )))
}

/// An owner or a grantee: a user, service principal or group name.
pub fn check_principal(what: &str, principal: &str) -> Result<(), ServiceError> {
    if principal.trim().is_empty() {
        return Err(ServiceError::invalid(format!(
            "The {what} must not be empty."
        )));
    }
    Ok(())
}

/// An RFC 3339 timestamp, any offset, kept to the millisecond (the
/// precision the emulator answers with).
pub fn parse_time(field: &str, text: &str) -> Result<DateTime<Utc>, ServiceError> {
    let at = DateTime::parse_from_rfc3339(text).map_err(|_| {
        ServiceError::invalid(format!(
            "Invalid {field} '{}': expected an RFC 3339 timestamp such as 2027-01-01T00:00:00Z.",
            shown(text)
        ))
    })?;
    Ok(millis(at.with_timezone(&Utc)))
}

/// `at` without its sub-millisecond part.
pub fn millis(at: DateTime<Utc>) -> DateTime<Utc> {
    let ms = at.timestamp_millis();
    DateTime::from_timestamp_millis(ms).unwrap_or(at)
}

/// How the emulator writes a timestamp: UTC, `Z`, 3 fractional digits.
pub fn format_time(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::code;
    use crate::state::ErrorCode;

    #[test]
    fn names_are_checked_and_folded() {
        assert_eq!(uc_name("secret", "Api-Key@x+1Ü").unwrap(), "api-key@x+1ü");
        let long = "ü".repeat(MAX_UC_NAME_CHARS);
        assert_eq!(uc_name("schema", &long).unwrap(), long);
        let too_long = "a".repeat(MAX_UC_NAME_CHARS + 1);
        for bad in [
            "", "a.b", "a b", "a/b", "a\u{0}", "a\u{1f}", "a\u{7f}", &too_long,
        ] {
            let e = uc_name("secret", bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidParameterValue, "{bad:?}");
            assert!(
                e.message.starts_with("Invalid secret name '"),
                "{}",
                e.message
            );
        }
        let e = uc_name("catalog", "a\nb").unwrap_err();
        assert!(e.message.contains("'a?b'"), "{}", e.message);
    }

    #[test]
    fn values_comments_and_owners() {
        assert!(check_value("x").is_ok());
        assert!(check_value(&"x".repeat(MAX_UC_VALUE_BYTES)).is_ok());
        // Bytes, not characters: 30,721 two-byte characters are 61,442 bytes.
        let e = check_value(&"é".repeat(30_721)).unwrap_err();
        assert_eq!(
            e.message,
            "The secret value is 61442 bytes; the limit is 61440 bytes (60 KiB)."
        );
        assert_eq!(code(check_value("")), ErrorCode::InvalidParameterValue);
        assert!(check_comment("c").is_ok());
        assert!(check_comment(&"é".repeat(MAX_COMMENT_CHARS)).is_ok());
        assert_eq!(code(check_comment("")), ErrorCode::InvalidParameterValue);
        let over = "x".repeat(MAX_COMMENT_CHARS + 1);
        assert_eq!(code(check_comment(&over)), ErrorCode::InvalidParameterValue);
        assert_eq!(
            code(check_principal("owner", " ")),
            ErrorCode::InvalidParameterValue
        );
    }

    #[test]
    fn times_take_any_offset_and_come_out_in_utc_with_milliseconds() {
        for (input, output) in [
            ("2026-01-02T03:04:05Z", "2026-01-02T03:04:05.000Z"),
            ("2026-01-02T03:04:05+02:00", "2026-01-02T01:04:05.000Z"),
            ("2026-01-02T03:04:05.12Z", "2026-01-02T03:04:05.120Z"),
            (
                "2026-01-02T03:04:05.123456789-01:30",
                "2026-01-02T04:34:05.123Z",
            ),
            ("1999-12-31t23:59:59z", "1999-12-31T23:59:59.000Z"),
        ] {
            let at = parse_time("expire_time", input).unwrap();
            assert_eq!(format_time(&at), output, "{input}");
        }
        for bad in [
            "2026-01-02",
            "tomorrow",
            "2026-01-02T03:04:05",
            "1767322800",
        ] {
            let e = parse_time("expire_time", bad).unwrap_err();
            assert!(
                e.message.starts_with("Invalid expire_time"),
                "{}",
                e.message
            );
        }
    }
}
