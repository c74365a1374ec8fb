//! The process-wide request rate limit.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A process-wide limit of requests per second, shared by concurrent requests:
/// a sliding window. With a limit of `r` per second, at most `n = floor(r)`
/// requests (at least one) are sent in any window of one second, or of
/// `1 / r` seconds when `r < 1` (2 % longer, for scheduling jitter): so no
/// second ever holds more than `r`, and the few requests of a paged listing
/// go out at once instead of spaced `1 / r` apart. A fractional limit above
/// one counts whole requests (2.5 per second lets 2 through per second).
///
/// It also counts the throttled answers (429 and 503) its requests got, so that
/// callers running many requests at once can lower their concurrency when the
/// workspace pushes back.
pub struct RateLimiter {
    /// At most this many requests…
    burst: usize,
    /// …in any window this long (zero: no limit).
    window: Duration,
    /// The send times of the last `burst` requests, oldest first.
    sent: tokio::sync::Mutex<VecDeque<Instant>>,
    throttled: AtomicU64,
}

impl RateLimiter {
    /// A limit of `per_second` requests per second. Zero, a negative number
    /// or a non-finite number means no limit.
    pub fn new(per_second: f64) -> Self {
        let (burst, window) = if per_second > 0.0 && per_second.is_finite() {
            let burst = per_second.floor().clamp(1.0, 1e6);
            // 2 % slower than asked, so that scheduling jitter never puts one
            // request too many into a server's one-second window.
            let window = Duration::try_from_secs_f64(1.02 * (1.0 / per_second).max(1.0))
                .unwrap_or(Duration::from_secs(86_400));
            (burst as usize, window)
        } else {
            (0, Duration::ZERO)
        };
        RateLimiter {
            burst,
            window,
            sent: tokio::sync::Mutex::new(VecDeque::with_capacity(burst.min(1024))),
            throttled: AtomicU64::new(0),
        }
    }

    /// The average time between two requests at the limit (zero: no limit):
    /// what compares two limits.
    pub fn interval(&self) -> Duration {
        match u32::try_from(self.burst) {
            Ok(n) if n > 0 => self.window / n,
            _ => Duration::ZERO,
        }
    }

    /// How many throttled answers (429, 503) requests have got so far.
    pub fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }

    pub(crate) fn note_throttled(&self) {
        self.throttled.fetch_add(1, Ordering::Relaxed);
    }

    /// Waits for the next free slot. Each call takes a slot, so call it once
    /// per request (retries included); the first `floor(rate)` calls do not wait.
    pub async fn acquire(&self) {
        if self.window.is_zero() {
            return;
        }
        let wait = {
            let mut sent = self.sent.lock().await;
            let now = Instant::now();
            // Slots are taken in order: the new one is no earlier than the
            // last, and a full window's oldest request must have left it.
            let mut slot = sent.back().map_or(now, |&last| last.max(now));
            if sent.len() >= self.burst {
                if let Some(oldest) = sent.pop_front() {
                    slot = slot.max(oldest + self.window);
                }
            }
            sent.push_back(slot);
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
        assert_eq!(RateLimiter::new(f64::NAN).interval(), Duration::ZERO);
        let i = RateLimiter::new(10.0).interval();
        assert!(
            i > Duration::from_millis(100) && i < Duration::from_millis(103),
            "{i:?}"
        );
        let i = RateLimiter::new(0.5).interval();
        assert!(
            i > Duration::from_millis(2000) && i < Duration::from_millis(2050),
            "{i:?}"
        );
        // Whole requests per second above one.
        let i = RateLimiter::new(2.5).interval();
        assert!(
            i > Duration::from_millis(500) && i < Duration::from_millis(515),
            "{i:?}"
        );
        assert_eq!(
            RateLimiter::new(1e-300).interval(),
            Duration::from_secs(86_400)
        );
    }

    /// The times `n` requests are let through, measured on a paused clock.
    async fn slots(per_second: f64, n: usize) -> Vec<Duration> {
        let limiter = RateLimiter::new(per_second);
        let start = tokio::time::Instant::now();
        let mut at = Vec::new();
        for _ in 0..n {
            limiter.acquire().await;
            at.push(start.elapsed());
        }
        at
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_of_the_rate_goes_at_once_then_one_window_per_burst() {
        let at = slots(15.0, 31).await;
        let window = Duration::from_millis(1020);
        assert!(
            at[..15].iter().all(|t| *t < Duration::from_millis(1)),
            "{at:?}"
        );
        assert!(
            at[15] >= window && at[15] < window + Duration::from_millis(5),
            "{at:?}"
        );
        assert!(at[30] >= 2 * window, "{at:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn no_second_ever_holds_more_than_the_rate() {
        for rate in [0.5, 1.0, 2.5, 15.0, 40.0] {
            let at = slots(rate, 200).await;
            let most = (rate as usize).max(1);
            for (i, t) in at.iter().enumerate() {
                let within = at[i..]
                    .iter()
                    .take_while(|u| **u < *t + Duration::from_secs(1))
                    .count();
                assert!(within <= most, "{within} in one second at {rate}/s");
            }
            // And the average holds: the last of 200 is no earlier than the
            // rate allows.
            assert!(
                at[199].as_secs_f64() >= (200.0 - most as f64) / rate,
                "{rate}"
            );
        }
    }
}
