//! The retry policy of the official SDKs: 429 and 503 are retried for every
//! method (the write calls are idempotent), waiting `Retry-After` when given;
//! connection failures and timeouts with a capped, jittered backoff; all
//! within a total budget.

use std::time::{Duration, Instant};

/// `Retry-After`: delay-seconds or an HTTP date.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs.min(86_400)));
    }
    if let Ok(secs) = v.parse::<f64>() {
        // Anything beyond a day is as good as "never" for the retry budget.
        return Duration::try_from_secs_f64(secs.min(86_400.0)).ok();
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let ms = when.timestamp_millis() - chrono::Utc::now().timestamp_millis();
    Some(Duration::from_millis(ms.max(0) as u64))
}

/// Exponential backoff with full jitter, capped at 10 s: a random wait in
/// [0, min(10 s, 0.5 s × 2^attempt)].
pub fn backoff(attempt: u32) -> Duration {
    let cap = (0.5 * 2f64.powi(attempt.min(10) as i32)).min(10.0);
    Duration::from_secs_f64(cap * jitter())
}

/// A number in [0, 1) from the clock; retries need spread, not cryptography.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert!(parse_retry_after("soon").is_none());
        assert_eq!(
            parse_retry_after("1e300"),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(
            parse_retry_after("18446744073709551615"),
            Some(Duration::from_secs(86_400))
        );
        assert!(parse_retry_after("-1").is_none());
    }

    #[test]
    fn backoff_is_capped() {
        for attempt in 1..40 {
            assert!(backoff(attempt) <= Duration::from_secs(10));
        }
    }
}
