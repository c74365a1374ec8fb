//! The request log: every request the emulator received, recorded when it
//! arrives and completed when it is answered, for tests to assert on (what
//! was sent, in what order, how fast) and for the fault plan to count with.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

/// One request as the emulator received it, for tests to assert on.
/// It holds tokens and secret values: it stays in memory and is never printed.
#[derive(Clone, Debug, Serialize)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// The raw query string, still percent-encoded.
    pub query: Option<String>,
    /// The `key` parameter: the JSON body's `key` string, else the query's
    /// (decoded). What a fault plan sees as [`crate::FaultRequest::key`].
    pub key: Option<String>,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub user_agent: Option<String>,
    /// The body parsed as JSON, or as a JSON string holding the raw text when
    /// it was not JSON; `None` when the body was empty.
    pub body: Option<Value>,
    /// The answer's status; 0 while the request is still being answered, or
    /// when the connection was dropped without an answer.
    pub status: u16,
    /// When the request arrived (before latency, delays and faults).
    #[serde(skip)]
    pub arrived_at: Instant,
}

/// The log itself. Each entry gets a sequence number at arrival, so its
/// answer can find it again even after older entries were cleared.
#[derive(Default)]
pub(crate) struct RequestLog {
    entries: VecDeque<RecordedRequest>,
    /// The sequence number of `entries[0]`.
    first: u64,
}

/// Where a new entry went, and how many requests for the same path and key
/// the log holds, this one included (a fault plan's `nth`).
pub(crate) struct Arrival {
    pub(crate) seq: u64,
    pub(crate) nth: usize,
}

impl RequestLog {
    /// Records a request on arrival.
    pub(crate) fn arrive(&mut self, request: RecordedRequest) -> Arrival {
        let nth = 1 + self
            .entries
            .iter()
            .filter(|r| r.path == request.path && r.key == request.key)
            .count();
        let seq = self.first + self.entries.len() as u64;
        self.entries.push_back(request);
        Arrival { seq, nth }
    }

    /// Fills in the answer's status, if the entry is still there.
    pub(crate) fn answer(&mut self, seq: u64, status: u16) {
        let Some(index) = seq.checked_sub(self.first) else {
            return;
        };
        if let Some(entry) = usize::try_from(index)
            .ok()
            .and_then(|i| self.entries.get_mut(i))
        {
            entry.status = status;
        }
    }

    pub(crate) fn entries(&self) -> Vec<RecordedRequest> {
        self.entries.iter().cloned().collect()
    }

    /// Requests to exactly `path` so far, answered or not.
    pub(crate) fn count(&self, path: &str) -> usize {
        self.entries.iter().filter(|r| r.path == path).count()
    }

    pub(crate) fn clear(&mut self) {
        self.first += self.entries.len() as u64;
        self.entries.clear();
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
        RecordedRequest {
            method: "POST".into(),
            path: path.into(),
            query: None,
            key: key.map(str::to_string),
            authorization: None,
            content_type: None,
            user_agent: None,
            body: None,
            status: 0,
            arrived_at,
        }
    }

    #[test]
    fn arrivals_count_per_path_and_key_and_answers_find_their_entry() {
        let now = Instant::now();
        let mut log = RequestLog::default();
        let a = log.arrive(request("/p", Some("k"), now));
        let b = log.arrive(request("/p", Some("other"), now));
        let c = log.arrive(request("/p", Some("k"), now));
        let d = log.arrive(request("/q", Some("k"), now));
        assert_eq!((a.nth, b.nth, c.nth, d.nth), (1, 1, 2, 1));
        log.answer(c.seq, 429);
        assert_eq!(log.entries()[2].status, 429);
        assert_eq!(log.count("/p"), 3);
        log.clear();
        // An answer after a clear finds nothing and changes nothing.
        log.answer(d.seq, 200);
        let e = log.arrive(request("/p", Some("k"), now));
        assert_eq!((e.nth, e.seq), (1, 4));
        log.answer(e.seq, 201);
        assert_eq!(log.entries()[0].status, 201);
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
