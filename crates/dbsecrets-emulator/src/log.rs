//! The request log: the most recent requests the emulator received,
//! recorded when they arrive and completed when they are answered, for tests
//! to assert on (what was sent, in what order, how fast) and for the fault
//! plan to count with.
//!
//! It is bounded, since an emulator may run for long on a shared machine and
//! anyone who can reach it can send requests: it keeps the most recent
//! [`crate::EmulatorOptions::request_log_capacity`] requests, each body cut
//! to [`crate::EmulatorOptions::recorded_body_bytes`], each header, path,
//! query and key to [`crate::MAX_RECORDED_TEXT`] bytes, and at most
//! [`MAX_RECORDED_BODY_BYTES_TOTAL`] of bodies in all (older requests go
//! first). Nothing else the emulator keeps grows with requests.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::recorded::RecordedRequest;

/// The most bytes of bodies the whole log holds; beyond it the oldest
/// requests are forgotten even before the log is full.
pub const MAX_RECORDED_BODY_BYTES_TOTAL: usize = 64 * 1024 * 1024;

/// The log itself, a ring. Each entry gets a sequence number at arrival, so
/// its answer can find it again even after older entries went.
pub(crate) struct RequestLog {
    /// Each request with the size of its recorded body.
    entries: VecDeque<(usize, RecordedRequest)>,
    /// The sequence number of `entries[0]`.
    first: u64,
    capacity: usize,
    /// The most bytes of bodies all entries may hold together.
    body_budget: usize,
    body_bytes: usize,
}

/// Where a new entry went, and how many requests for the same path and key
/// the log holds, this one included (a fault plan's `nth`).
pub(crate) struct Arrival {
    pub(crate) seq: u64,
    pub(crate) nth: usize,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize, body_budget: usize) -> Self {
        Self {
            entries: VecDeque::new(),
            first: 0,
            capacity,
            body_budget,
            body_bytes: 0,
        }
    }

    /// Records a request on arrival, forgetting the oldest ones beyond the
    /// capacity or the bodies' total.
    pub(crate) fn arrive(&mut self, request: RecordedRequest) -> Arrival {
        let nth = 1 + self
            .entries
            .iter()
            .filter(|(_, r)| r.path == request.path && r.key == request.key)
            .count();
        let seq = self.first + self.entries.len() as u64;
        let size = body_size(request.body.as_ref());
        self.entries.push_back((size, request));
        self.body_bytes += size;
        while self.entries.len() > self.capacity || self.body_bytes > self.body_budget {
            let Some((size, _)) = self.entries.pop_front() else {
                break;
            };
            self.body_bytes -= size;
            self.first += 1;
        }
        Arrival { seq, nth }
    }

    /// Fills in the answer's status and who made the request, if the entry
    /// is still there.
    pub(crate) fn answer(&mut self, seq: u64, status: u16, principal: Option<String>) {
        let Some(index) = seq.checked_sub(self.first) else {
            return;
        };
        if let Some(entry) = usize::try_from(index)
            .ok()
            .and_then(|i| self.entries.get_mut(i))
        {
            entry.1.status = status;
            entry.1.principal = principal;
        }
    }

    pub(crate) fn entries(&self) -> Vec<RecordedRequest> {
        self.entries.iter().map(|(_, r)| r.clone()).collect()
    }

    /// Requests to exactly `path` so far, answered or not.
    pub(crate) fn count(&self, path: &str) -> usize {
        self.entries.iter().filter(|(_, r)| r.path == path).count()
    }

    pub(crate) fn clear(&mut self) {
        self.first += self.entries.len() as u64;
        self.entries.clear();
        self.body_bytes = 0;
    }
}

/// The bytes a recorded body holds (its text, or its JSON text).
fn body_size(body: Option<&Value>) -> usize {
    match body {
        None => 0,
        Some(Value::String(text)) => text.len(),
        Some(value) => value.to_string().len(),
    }
}

/// The most requests that arrived within any span of `window`: the peak
/// rate a client held, from the requests' arrival times.
pub fn max_in_window(requests: &[RecordedRequest], window: Duration) -> usize {
    let mut times: Vec<Instant> = requests.iter().map(|r| r.arrived_at).collect();
    times.sort();
    let mut best = 0;
    let mut start = 0;
    for end in 0..times.len() {
        while times[end].duration_since(times[start]) >= window {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str, key: Option<&str>, arrived_at: Instant) -> RecordedRequest {
        RecordedRequest::for_test(path, key, arrived_at)
    }

    #[test]
    fn arrivals_count_per_path_and_key_and_answers_find_their_entry() {
        let now = Instant::now();
        let mut log = RequestLog::new(100, 1000);
        let a = log.arrive(request("/p", Some("k"), now));
        let b = log.arrive(request("/p", Some("other"), now));
        let c = log.arrive(request("/p", Some("k"), now));
        let d = log.arrive(request("/q", Some("k"), now));
        assert_eq!((a.nth, b.nth, c.nth, d.nth), (1, 1, 2, 1));
        log.answer(c.seq, 429, None);
        assert_eq!(log.entries()[2].status, 429);
        assert_eq!(log.count("/p"), 3);
        log.clear();
        // An answer after a clear finds nothing and changes nothing.
        log.answer(d.seq, 200, None);
        let e = log.arrive(request("/p", Some("k"), now));
        assert_eq!((e.nth, e.seq), (1, 4));
        log.answer(e.seq, 201, None);
        assert_eq!(log.entries()[0].status, 201);
    }

    #[test]
    fn the_log_is_a_ring_of_the_most_recent_requests() {
        let now = Instant::now();
        let mut log = RequestLog::new(3, 1000);
        let seqs: Vec<u64> = (0..5)
            .map(|i| log.arrive(request(&format!("/{i}"), None, now)).seq)
            .collect();
        let paths: Vec<String> = log.entries().into_iter().map(|r| r.path).collect();
        assert_eq!(paths, ["/2", "/3", "/4"]);
        // The answer of a forgotten request changes nothing.
        log.answer(seqs[1], 500, None);
        log.answer(seqs[2], 200, None);
        let statuses: Vec<u16> = log.entries().iter().map(|r| r.status).collect();
        assert_eq!(statuses, [200, 0, 0]);
        let mut none = RequestLog::new(0, 1000);
        let a = none.arrive(request("/p", None, now));
        assert_eq!((a.nth, none.entries().len()), (1, 0));
        none.answer(a.seq, 200, None);
    }

    #[test]
    fn bodies_are_capped_in_total() {
        let now = Instant::now();
        let mut log = RequestLog::new(1000, 100);
        let body = "z".repeat(26);
        for i in 0..8 {
            let mut r = request(&format!("/{i}"), None, now);
            r.body = Some(Value::String(body.clone()));
            log.arrive(r);
        }
        let paths: Vec<String> = log.entries().into_iter().map(|r| r.path).collect();
        assert_eq!(paths, ["/5", "/6", "/7"]);
    }

    #[test]
    fn peak_rate_within_a_window() {
        let t0 = Instant::now();
        let at = |ms| request("/p", None, t0 + Duration::from_millis(ms));
        let log: Vec<_> = [0, 100, 900, 999, 1000, 1500, 2600].map(at).into();
        assert_eq!(max_in_window(&log, Duration::from_secs(1)), 4);
        assert_eq!(max_in_window(&log[4..], Duration::from_secs(1)), 2);
        assert_eq!(max_in_window(&[], Duration::from_secs(1)), 0);
    }
}
