//! Misbehaviour on purpose, for testing a client's retries and error
//! handling: a fixed latency, per-path delays, seeded random 503s, a
//! requests-per-second throttle (429s), a queue of scripted faults and a
//! fault plan that decides per request.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The message of the throttle's 429s (`--throttle-rps`, [`Fault::throttled`]).
pub(super) const THROTTLED_MESSAGE: &str = "Too many requests. Please wait a moment and try again.";

/// The message of the `--fail-rate` 503s.
pub(super) const UNAVAILABLE_MESSAGE: &str =
    "The service is temporarily unavailable. Please try again later.";

/// One scripted answer: queued with [`super::Emulator::push_fault`] (each
/// queued fault answers exactly one matching request, in queue order) or
/// returned by a fault plan ([`super::Emulator::set_fault_plan`]). Either
/// way it comes before any normal handling, authentication included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with exactly this status, body and `Content-Type`, and a
    /// `Retry-After` header when given. A 200 with a cut body scripts a
    /// truncated answer; a 502 with an HTML body scripts a proxy page.
    Status {
        status: u16,
        body: String,
        content_type: String,
        retry_after: Option<String>,
    },
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Close the connection without sending any answer (recorded with
    /// status 0).
    Drop,
    /// Answer with this status (301, 302, 307…) and `Location`, empty body.
    Redirect { status: u16, location: String },
}

impl Fault {
    /// A [`Fault::Status`] with a JSON body and no `Retry-After`.
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self::Status {
            status,
            body: body.into(),
            content_type: "application/json".to_string(),
            retry_after: None,
        }
    }

    /// A [`Fault::Status`] with an HTML body, as a proxy or load balancer sends.
    pub fn html(status: u16, body: impl Into<String>) -> Self {
        Self::Status {
            status,
            body: body.into(),
            content_type: "text/html".to_string(),
            retry_after: None,
        }
    }

    /// A [`Fault::Status`] with the service's JSON error body,
    /// `{"error_code": error_code, "message": message}`.
    pub fn error(status: u16, error_code: &str, message: &str) -> Self {
        let body = serde_json::json!({ "error_code": error_code, "message": message });
        Self::json(status, body.to_string())
    }

    /// 429 `REQUEST_LIMIT_EXCEEDED` with this `Retry-After` (seconds).
    pub fn throttled(retry_after: &str) -> Self {
        let body = serde_json::json!({
            "error_code": "REQUEST_LIMIT_EXCEEDED",
            "message": THROTTLED_MESSAGE,
        });
        Self::Status {
            status: 429,
            body: body.to_string(),
            content_type: "application/json".to_string(),
            retry_after: Some(retry_after.to_string()),
        }
    }
}

/// What a fault plan is told about a request (see
/// [`super::Emulator::set_fault_plan`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FaultRequest<'a> {
    /// `GET`, `POST`, …
    pub method: &'a str,
    pub path: &'a str,
    /// The `key` of the JSON body, else of the query (decoded), if any.
    pub key: Option<&'a str>,
    /// 1 for the first request for this path and key, 2 for the second, …,
    /// counted over the request log (so [`super::Emulator::clear_requests`]
    /// starts again at 1, and requests older than the log's capacity are
    /// forgotten).
    pub nth: usize,
}

/// Decides, per request, whether it gets a [`Fault`] instead of its answer.
pub(super) type FaultPlan = dyn Fn(&FaultRequest<'_>) -> Option<Fault> + Send + Sync;

/// What the chaos layer decided for one request.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    Pass,
    Throttled,
    Unavailable,
}

pub(super) struct Chaos {
    pub(super) latency: Duration,
    pub(super) fail_rate: f64,
    pub(super) throttle_rps: Option<u32>,
    pub(super) retry_after_secs: u64,
    rng: SplitMix64,
    window: Option<(Instant, u32)>,
    faults: VecDeque<(Option<String>, Fault)>,
    /// Shared, so that it is called without holding the chaos lock (a plan
    /// may call back into the emulator).
    plan: Option<Arc<FaultPlan>>,
    /// (path prefix, delay), set by tests; the first match applies.
    delays: Vec<(String, Duration)>,
}

impl Chaos {
    pub(super) fn new(
        latency: Duration,
        fail_rate: f64,
        seed: u64,
        throttle_rps: Option<u32>,
        retry_after_secs: u64,
    ) -> Self {
        Self {
            latency,
            fail_rate,
            throttle_rps,
            retry_after_secs,
            rng: SplitMix64(seed),
            window: None,
            faults: VecDeque::new(),
            plan: None,
            delays: Vec::new(),
        }
    }

    pub(super) fn set_plan(&mut self, plan: Option<Arc<FaultPlan>>) {
        self.plan = plan;
    }

    pub(super) fn plan(&self) -> Option<Arc<FaultPlan>> {
        self.plan.clone()
    }

    /// Sets the delay for paths starting with `prefix`; zero removes it.
    pub(super) fn set_delay(&mut self, prefix: &str, delay: Duration) {
        self.delays.retain(|(p, _)| p != prefix);
        if !delay.is_zero() {
            self.delays.push((prefix.to_string(), delay));
        }
    }

    /// The delay for `path`: the first matching prefix's.
    pub(super) fn delay_for(&self, path: &str) -> Duration {
        self.delays
            .iter()
            .find(|(prefix, _)| path.starts_with(prefix.as_str()))
            .map_or(Duration::ZERO, |(_, delay)| *delay)
    }

    pub(super) fn push_fault(&mut self, prefix: Option<String>, fault: Fault) {
        self.faults.push_back((prefix, fault));
    }

    pub(super) fn clear_faults(&mut self) {
        self.faults.clear();
    }

    pub(super) fn pending_faults(&self) -> usize {
        self.faults.len()
    }

    /// Takes the first queued fault that applies to `path`.
    pub(super) fn take_fault(&mut self, path: &str) -> Option<Fault> {
        let i = self.faults.iter().position(|(prefix, _)| {
            prefix
                .as_deref()
                .is_none_or(|prefix| path.starts_with(prefix))
        })?;
        self.faults.remove(i).map(|(_, fault)| fault)
    }

    /// Throttle first, then the seeded coin. The coin is tossed for every
    /// request that reaches this point, so with a given seed the n-th such
    /// request always fails or passes alike.
    pub(super) fn verdict(&mut self, now: Instant) -> Verdict {
        let coin = self.rng.next_f64();
        if let Some(limit) = self.throttle_rps {
            let count = match self.window {
                Some((start, count)) if now.duration_since(start) < Duration::from_secs(1) => {
                    count + 1
                }
                _ => {
                    self.window = Some((now, 0));
                    1
                }
            };
            if let Some((_, c)) = self.window.as_mut() {
                *c = count;
            }
            if count > limit {
                return Verdict::Throttled;
            }
        }
        if coin < self.fail_rate {
            return Verdict::Unavailable;
        }
        Verdict::Pass
    }
}

/// A tiny, seedable PRNG (SplitMix64): runs repeat exactly for a seed.
pub(super) struct SplitMix64(pub(super) u64);

impl SplitMix64 {
    pub(super) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_match_by_prefix_in_order() {
        let mut c = Chaos::new(Duration::ZERO, 0.0, 1, None, 1);
        c.push_fault(Some("/oidc".into()), Fault::Drop);
        c.push_fault(None, Fault::json(500, "{}"));
        c.push_fault(None, Fault::Delay(Duration::ZERO));
        assert_eq!(c.take_fault("/api/2.0/x"), Some(Fault::json(500, "{}")));
        assert_eq!(c.take_fault("/oidc/v1/token"), Some(Fault::Drop));
        assert_eq!(c.pending_faults(), 1);
        assert_eq!(c.take_fault("/a"), Some(Fault::Delay(Duration::ZERO)));
        assert_eq!(c.take_fault("/a"), None);
    }

    #[test]
    fn delays_by_prefix_and_error_bodies() {
        let mut c = Chaos::new(Duration::ZERO, 0.0, 1, None, 1);
        c.set_delay("/api/2.0/secrets/put", Duration::from_millis(5));
        c.set_delay("/oidc", Duration::from_millis(7));
        assert_eq!(
            c.delay_for("/api/2.0/secrets/put"),
            Duration::from_millis(5)
        );
        assert_eq!(c.delay_for("/oidc/v1/token"), Duration::from_millis(7));
        assert_eq!(c.delay_for("/api/2.0/secrets/get"), Duration::ZERO);
        c.set_delay("/oidc", Duration::ZERO);
        assert_eq!(c.delay_for("/oidc/v1/token"), Duration::ZERO);
        assert_eq!(
            Fault::error(500, "INTERNAL_ERROR", "disk on fire"),
            Fault::json(
                500,
                r#"{"error_code":"INTERNAL_ERROR","message":"disk on fire"}"#
            )
        );
        let Fault::Status {
            status,
            retry_after,
            content_type,
            ..
        } = Fault::throttled("3")
        else {
            panic!("a status fault");
        };
        assert_eq!(
            (status, retry_after.as_deref(), content_type.as_str()),
            (429, Some("3"), "application/json")
        );
    }

    #[test]
    fn fail_rate_is_seeded() {
        let run = |seed| {
            let mut c = Chaos::new(Duration::ZERO, 0.5, seed, None, 1);
            let now = Instant::now();
            (0..64).map(|_| c.verdict(now)).collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let failures = run(7)
            .iter()
            .filter(|v| **v == Verdict::Unavailable)
            .count();
        assert!((16..48).contains(&failures), "{failures}");
        let mut never = Chaos::new(Duration::ZERO, 0.0, 1, None, 1);
        let mut always = Chaos::new(Duration::ZERO, 1.0, 1, None, 1);
        let now = Instant::now();
        for _ in 0..100 {
            assert_eq!(never.verdict(now), Verdict::Pass);
            assert_eq!(always.verdict(now), Verdict::Unavailable);
        }
    }

    #[test]
    fn throttle_counts_per_second_window() {
        let mut c = Chaos::new(Duration::ZERO, 0.0, 1, Some(2), 1);
        let t0 = Instant::now();
        assert_eq!(c.verdict(t0), Verdict::Pass);
        assert_eq!(c.verdict(t0), Verdict::Pass);
        assert_eq!(c.verdict(t0), Verdict::Throttled);
        let t1 = t0 + Duration::from_millis(999);
        assert_eq!(c.verdict(t1), Verdict::Throttled);
        let t2 = t0 + Duration::from_secs(1);
        assert_eq!(c.verdict(t2), Verdict::Pass);
        assert_eq!(c.verdict(t2), Verdict::Pass);
        assert_eq!(c.verdict(t2), Verdict::Throttled);
    }
}
