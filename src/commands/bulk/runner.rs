//! Runs many requests at once: at most `--jobs` in flight, fewer while the
//! workspace throttles (additive increase, multiplicative decrease), under the
//! client's process-wide rate limit and retry policy; stops starting new ones on
//! Ctrl-C or a fatal error and lets the ones in flight finish.

use std::future::Future;
use std::sync::Arc;

use futures_util::stream::{FuturesUnordered, StreamExt};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use dbsecrets_client::http::RateLimiter;

use crate::context::Context;
use crate::failure::Failure;

/// How one job ended.
pub enum Done<T> {
    Ok(T),
    /// This job failed; the others go on. The message names no value.
    Failed(String),
    /// This job failed in a way that every other would too (credentials,
    /// permissions, a workspace that refuses `get`): start no more.
    Fatal(Failure),
    /// Ctrl-C came before its request was sent, or while it waited to be
    /// retried: it was not sent (again), and is reported as not done.
    NotSent,
}

/// What a run did besides the jobs' own results.
#[derive(Debug, Default)]
pub struct Stats {
    /// Ctrl-C was pressed: jobs not started were left out.
    pub interrupted: bool,
    /// A job failed fatally: jobs not started were left out.
    pub fatal: Option<Failure>,
    /// Throttled answers (429/503) during the run; each was retried.
    pub throttled: u64,
    /// The lowest concurrency the run went down to.
    pub lowest_jobs: usize,
}

/// Additive increase, multiplicative decrease of the number of requests in flight.
///
/// A throttled completion halves the limit, at most once per window of
/// completions (the requests already in flight were sent before the decrease);
/// every other completion adds 1/limit, so a full window of successes adds one.
#[derive(Debug, Clone)]
pub struct Aimd {
    max: f64,
    limit: f64,
    hold: usize,
}

impl Aimd {
    pub fn new(max: usize) -> Self {
        let max = max.max(1) as f64;
        Aimd {
            max,
            limit: max,
            hold: 0,
        }
    }

    pub fn limit(&self) -> usize {
        self.limit.floor().max(1.0) as usize
    }

    /// One job completed; `throttled`: the workspace throttled since the last one.
    pub fn completed(&mut self, throttled: bool) {
        if throttled && self.hold == 0 {
            self.limit = (self.limit / 2.0).max(1.0);
            self.hold = self.limit();
        } else if self.hold > 0 {
            self.hold -= 1;
        } else if !throttled {
            self.limit = (self.limit + 1.0 / self.limit).min(self.max);
        }
    }
}

pub struct Runner<'a> {
    ctx: &'a Context,
    jobs: usize,
    limiter: Arc<RateLimiter>,
}

impl<'a> Runner<'a> {
    pub fn new(ctx: &'a Context, jobs: u16, limiter: Arc<RateLimiter>) -> Self {
        Runner {
            ctx,
            jobs: jobs.max(1) as usize,
            limiter,
        }
    }

    /// Runs `work` on every item; a result per item, `None` for those never started.
    pub async fn run<I, T, F, Fut>(
        &self,
        label: &str,
        items: Vec<I>,
        work: F,
    ) -> (Vec<Option<Done<T>>>, Stats)
    where
        F: Fn(I) -> Fut,
        Fut: Future<Output = Done<T>>,
    {
        let total = items.len();
        let mut results: Vec<Option<Done<T>>> = (0..total).map(|_| None).collect();
        let bar = self.progress(label, total);
        let mut aimd = Aimd::new(self.jobs);
        let mut stats = Stats {
            lowest_jobs: aimd.limit(),
            ..Stats::default()
        };
        let throttled_at_start = self.limiter.throttled();
        let mut throttled_seen = throttled_at_start;
        let mut told_throttled = false;
        let mut pending = items.into_iter().enumerate();
        let mut in_flight = FuturesUnordered::new();
        let work = &work;
        loop {
            // Ctrl-C may have come before this run (during a preflight request).
            stats.interrupted |= self.ctx.interrupt.is_set();
            let stopping = stats.interrupted || stats.fatal.is_some();
            while !stopping && in_flight.len() < aimd.limit() {
                let Some((i, item)) = pending.next() else {
                    break;
                };
                in_flight.push(async move { (i, work(item).await) });
            }
            if in_flight.is_empty() {
                break;
            }
            tokio::select! {
                biased;
                _ = self.ctx.interrupt.wait(), if !stats.interrupted => {
                    stats.interrupted = true;
                    let msg = format!(
                        "Ctrl-C: sending nothing more; waiting for the {} request{} in flight (Ctrl-C again stops at once)",
                        in_flight.len(),
                        if in_flight.len() == 1 { "" } else { "s" }
                    );
                    bar.suspend(|| self.ctx.io.write_stderr(&format!("{msg}\n")));
                }
                Some((i, done)) = in_flight.next() => {
                    if let Done::Fatal(msg) = &done {
                        stats.fatal.get_or_insert_with(|| msg.clone());
                    }
                    results[i] = Some(done);
                    bar.inc(1);
                    let now = self.limiter.throttled();
                    let throttled = now > throttled_seen;
                    throttled_seen = now;
                    let before = aimd.limit();
                    aimd.completed(throttled);
                    stats.lowest_jobs = stats.lowest_jobs.min(aimd.limit());
                    if throttled && aimd.limit() < before && !told_throttled {
                        told_throttled = true;
                        let msg = format!(
                            "the workspace is throttling requests (HTTP 429 or 503): fewer at once ({before} -> {}), then more again as it recovers",
                            aimd.limit()
                        );
                        bar.suspend(|| self.ctx.info(&msg));
                    }
                }
            }
        }
        bar.finish_and_clear();
        stats.throttled = self.limiter.throttled() - throttled_at_start;
        (results, stats)
    }

    /// A bar on stderr when it is a terminal (and not --quiet); nothing otherwise.
    fn progress(&self, label: &str, total: usize) -> ProgressBar {
        if !self.ctx.term().stderr || self.ctx.global.quiet || total == 0 {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({per_sec}, {eta})")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_message(label.to_string());
        bar
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aimd_halves_on_throttling_and_recovers() {
        let mut a = Aimd::new(8);
        assert_eq!(a.limit(), 8);
        a.completed(false);
        assert_eq!(a.limit(), 8, "never above --jobs");
        a.completed(true);
        assert_eq!(a.limit(), 4);
        // The requests already in flight were sent before: no second halving yet.
        for _ in 0..3 {
            a.completed(true);
            assert_eq!(a.limit(), 4);
        }
        a.completed(true);
        a.completed(true);
        assert_eq!(a.limit(), 2);
        a.completed(true);
        a.completed(true);
        a.completed(true);
        a.completed(true);
        assert_eq!(a.limit(), 1);
        for _ in 0..4 {
            a.completed(true);
        }
        assert_eq!(a.limit(), 1, "never below one");
        // Recovery: one more per window of successes.
        let mut n = 0;
        while a.limit() < 8 {
            a.completed(false);
            n += 1;
            assert!(n < 100, "recovers");
        }
        assert!(n > 8, "recovers gradually, not at once: {n}");
    }
}
