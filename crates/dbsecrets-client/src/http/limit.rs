//! The process-wide request rate limit.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A process-wide limit of requests per second, shared by concurrent requests:
/// each request takes the next free slot, spaced 1/rate apart.
///
/// It also counts the throttled answers (429 and 503) its requests got, so that
/// callers running many requests at once can lower their concurrency when the
/// workspace pushes back.
pub struct RateLimiter {
    interval: Duration,
    next: tokio::sync::Mutex<Option<Instant>>,
    throttled: AtomicU64,
}

impl RateLimiter {
    /// A limit of `per_second` requests per second (slots spaced 2 % wider
    /// than `1 / per_second`, for scheduling jitter). Zero, a negative number
    /// or a non-finite number means no limit.
    pub fn new(per_second: f64) -> Self {
        let interval = if per_second > 0.0 && per_second.is_finite() {
            // 2 % slower than asked, so that scheduling jitter never puts one
            // request too many into a server's one-second window.
            Duration::try_from_secs_f64(1.02 / per_second).unwrap_or(Duration::from_secs(86_400))
        } else {
            Duration::ZERO
        };
        RateLimiter {
            interval,
            next: tokio::sync::Mutex::new(None),
            throttled: AtomicU64::new(0),
        }
    }

    /// The time between two requests (zero: no limit).
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// How many throttled answers (429, 503) requests have got so far.
    pub fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }

    pub(crate) fn note_throttled(&self) {
        self.throttled.fetch_add(1, Ordering::Relaxed);
    }

    /// Waits for the next free slot. Each call takes a slot, so call it once
    /// per request (retries included); the first call does not wait.
    pub async fn acquire(&self) {
        if self.interval.is_zero() {
            return;
        }
        let wait = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + self.interval);
            slot - now
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_has_a_margin() {
        assert_eq!(RateLimiter::new(0.0).interval(), Duration::ZERO);
        let i = RateLimiter::new(10.0).interval();
        assert!(
            i > Duration::from_millis(100) && i < Duration::from_millis(103),
            "{i:?}"
        );
        assert_eq!(
            RateLimiter::new(1e-300).interval(),
            Duration::from_secs(86_400)
        );
    }
}
