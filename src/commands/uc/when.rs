//! Times on the command line: `--expires` (a date, RFC 3339, or a duration
//! from now) and `--expiring` (a window from now). Pure functions of `now`.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::failure::Failure;

/// A duration such as `90d`, `12h`, `2w` or `1h30m`.
pub fn parse_window(flag: &str, text: &str) -> Result<Duration, Failure> {
    humantime::parse_duration(text.trim()).map_err(|_| {
        Failure::usage(format!(
            "invalid {flag} '{text}': write a duration such as 30d, 12h or 2w"
        ))
    })
}

/// `--expires`: `2027-01-01` (midnight UTC), an RFC 3339 instant (any
/// offset), or a duration from `now` (`90d`); as RFC 3339 in UTC.
pub fn parse_expires(text: &str, now: DateTime<Utc>) -> Result<String, Failure> {
    let t = text.trim();
    if let Ok(date) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let at = date
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc();
        return Ok(at.to_rfc3339_opts(SecondsFormat::Secs, true));
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(t) {
        return Ok(at
            .with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::AutoSi, true));
    }
    if let Ok(d) = humantime::parse_duration(t) {
        let at = chrono::Duration::from_std(d)
            .ok()
            .and_then(|d| now.checked_add_signed(d))
            .ok_or_else(|| {
                Failure::usage(format!("invalid --expires '{text}': too far in the future"))
            })?;
        return Ok(at.to_rfc3339_opts(SecondsFormat::Secs, true));
    }
    Err(Failure::usage(format!(
        "invalid --expires '{text}': write a date (2027-01-01), an RFC 3339 time (2027-01-01T12:00:00Z) or a duration from now (90d)"
    )))
}

/// Whether an `expire_time` falls before `now + window` (passed ones included).
pub fn expires_within(expire_time: Option<&str>, now: DateTime<Utc>, window: Duration) -> bool {
    let Some(at) = expire_time.and_then(|t| DateTime::parse_from_rfc3339(t.trim()).ok()) else {
        return false;
    };
    let limit = chrono::Duration::from_std(window)
        .ok()
        .and_then(|w| now.checked_add_signed(w))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    at.with_timezone(&Utc) <= limit
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-29T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn expires_forms() {
        assert_eq!(
            parse_expires("2027-01-01", now()).unwrap(),
            "2027-01-01T00:00:00Z"
        );
        assert_eq!(
            parse_expires("2027-01-02T03:04:05+02:00", now()).unwrap(),
            "2027-01-02T01:04:05Z"
        );
        assert_eq!(
            parse_expires("2027-01-02T03:04:05.120Z", now()).unwrap(),
            "2027-01-02T03:04:05.120Z"
        );
        assert_eq!(parse_expires("90d", now()).unwrap(), "2027-02-27T10:00:00Z");
        assert_eq!(parse_expires("12h", now()).unwrap(), "2026-11-29T22:00:00Z");
        let e = parse_expires("soon", now()).unwrap_err();
        assert_eq!(e.code, 2);
        assert!(e.message.contains("2027-01-01"), "{}", e.message);
    }

    #[test]
    fn windows_keep_expired_and_soon_to_expire() {
        let w = parse_window("--expiring", "30d").unwrap();
        assert!(expires_within(Some("2026-12-01T00:00:00Z"), now(), w));
        assert!(
            expires_within(Some("2020-01-01T00:00:00Z"), now(), w),
            "expired"
        );
        assert!(!expires_within(Some("2027-06-01T00:00:00Z"), now(), w));
        assert!(!expires_within(None, now(), w), "no expiry");
        assert!(!expires_within(Some("garbage"), now(), w));
        assert!(parse_window("--expiring", "thirty").is_err());
    }
}
