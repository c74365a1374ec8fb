//! The masking filter of `run`: a stream of bytes in, the same stream out with
//! every occurrence of a secret value replaced by `<redacted>`, whatever the
//! chunks the stream arrives in.
//!
//! Matching is leftmost-longest and non-overlapping, as if the whole stream
//! were searched at once: at the first position where some value starts, the
//! longest value that starts there is replaced, and the search goes on after
//! it. Finding the values is aho-corasick's; carrying them across chunk
//! boundaries is this module's:
//!
//! - A match is final once no value that could still complete with later
//!   bytes starts at or before it (an earlier start would win, so would a
//!   longer value at the same start).
//! - The only bytes held back are the shortest tail of the input that is a
//!   prefix of some value (so at most the longest value less one byte, and
//!   usually nothing: a prompt such as `Password: ` is passed on at once
//!   unless its end is the beginning of a value).
//! - At the end of the stream the tail is searched once more and passed on.
//!
//! Binary-safe (bytes, not text); the values and the held-back tail live in
//! memory that is wiped when the filter is dropped.

use aho_corasick::{AhoCorasick, Input, MatchKind};
use secrecy::zeroize::Zeroizing;

/// What a masked value becomes.
pub const REDACTED: &[u8] = b"<redacted>";

/// Values shorter than this are not masked: too many innocent matches.
pub const MIN_MASKED: usize = 4;

/// A streaming filter for one stream (give each stream its own clone).
#[derive(Clone)]
pub struct Masker {
    finder: AhoCorasick,
    values: Vec<Zeroizing<Vec<u8>>>,
    longest: usize,
    /// Input not passed on yet: a prefix of some value.
    held: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Masker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Masker({} values)", self.values.len())
    }
}

impl Masker {
    /// A filter for these values (those shorter than [`MIN_MASKED`] bytes
    /// are left out); `None` when no value is left to mask.
    pub fn new<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> Option<Masker> {
        let mut values: Vec<Zeroizing<Vec<u8>>> = values
            .into_iter()
            .filter(|v| v.len() >= MIN_MASKED)
            .map(|v| Zeroizing::new(v.to_vec()))
            .collect();
        values.sort_by(|a, b| a.as_slice().cmp(b.as_slice()));
        values.dedup_by(|a, b| a.as_slice() == b.as_slice());
        if values.is_empty() {
            return None;
        }
        let finder = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(values.iter().map(|v| v.as_slice()))
            .expect("a few values of at most 128 KiB build an automaton");
        let longest = values.iter().map(|v| v.len()).max().unwrap_or(0);
        Some(Masker {
            finder,
            values,
            longest,
            held: Zeroizing::new(Vec::new()),
        })
    }

    /// The longest value: the most this filter ever holds back, plus one.
    pub fn longest(&self) -> usize {
        self.longest
    }

    /// Filters the next chunk of the stream, appending what can be passed on
    /// to `out`.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        if self.held.is_empty() {
            self.filter(chunk, false, out);
        } else {
            let mut joined = Zeroizing::new(Vec::with_capacity(self.held.len() + chunk.len()));
            joined.extend_from_slice(&self.held);
            joined.extend_from_slice(chunk);
            self.held.clear();
            self.filter(&joined, false, out);
        }
    }

    /// The end of the stream: passes on what was held back, masked.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        let held = std::mem::take(&mut *self.held);
        let held = Zeroizing::new(held);
        self.filter(&held, true, out);
    }

    /// Masks `buf`, holding back (unless `last`) the tail where a value may
    /// still begin.
    fn filter(&mut self, buf: &[u8], last: bool, out: &mut Vec<u8>) {
        // The first position from which the rest of `buf` is a proper prefix
        // of a longer value: a match there or before it is not final yet.
        let open = if last { buf.len() } else { self.open_tail(buf) };
        let mut at = 0;
        while let Some(m) = self.finder.find(Input::new(buf).span(at..buf.len())) {
            if m.start() >= open {
                break;
            }
            out.extend_from_slice(&buf[at..m.start()]);
            out.extend_from_slice(REDACTED);
            at = m.end();
        }
        let keep_from = open.max(at);
        out.extend_from_slice(&buf[at..keep_from]);
        self.held.extend_from_slice(&buf[keep_from..]);
    }

    /// The smallest `p` such that `buf[p..]` is a proper prefix of some
    /// value (one that would need more bytes), else `buf.len()`.
    fn open_tail(&self, buf: &[u8]) -> usize {
        let from = buf.len().saturating_sub(self.longest - 1);
        (from..buf.len())
            .find(|&p| {
                let tail = &buf[p..];
                self.values
                    .iter()
                    .any(|v| v.len() > tail.len() && v.starts_with(tail))
            })
            .unwrap_or(buf.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The meaning of masking, written the slow and obvious way: at each
    /// position the longest value that starts there, else the byte.
    fn reference(values: &[Vec<u8>], input: &[u8]) -> Vec<u8> {
        let values: Vec<&Vec<u8>> = values.iter().filter(|v| v.len() >= MIN_MASKED).collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < input.len() {
            let longest = values
                .iter()
                .filter(|v| input[i..].starts_with(v))
                .map(|v| v.len())
                .max();
            match longest {
                Some(n) => {
                    out.extend_from_slice(REDACTED);
                    i += n;
                }
                None => {
                    out.push(input[i]);
                    i += 1;
                }
            }
        }
        out
    }

    /// Streams `input` through a filter in chunks cut at `cuts`.
    fn streamed(values: &[Vec<u8>], input: &[u8], cuts: &[usize]) -> Vec<u8> {
        let Some(mut m) = Masker::new(values.iter().map(|v| v.as_slice())) else {
            return input.to_vec();
        };
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
        cuts.sort();
        let mut out = Vec::new();
        let mut at = 0;
        for c in cuts {
            m.feed(&input[at..c], &mut out);
            assert!(m.held.len() < m.longest(), "holds less than a value");
            at = c;
        }
        m.feed(&input[at..], &mut out);
        m.finish(&mut out);
        out
    }

    fn masked(values: &[&str], chunks: &[&str]) -> String {
        let values: Vec<&[u8]> = values.iter().map(|v| v.as_bytes()).collect();
        let mut m = Masker::new(values).unwrap();
        let mut out = Vec::new();
        for c in chunks {
            m.feed(c.as_bytes(), &mut out);
        }
        m.finish(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn values_are_masked_whole_and_split() {
        assert_eq!(masked(&["hunter2"], &["pw=hunter2\n"]), "pw=<redacted>\n");
        assert_eq!(
            masked(&["hunter2"], &["pw=hun", "ter2\n"]),
            "pw=<redacted>\n"
        );
        assert_eq!(
            masked(&["hunter2"], &["h", "u", "n", "t", "e", "r", "2", "h"]),
            "<redacted>h"
        );
        assert_eq!(
            masked(&["hunter2"], &["hunter2hunter2", "hunter"]),
            "<redacted><redacted>hunter"
        );
    }

    #[test]
    fn the_longest_value_at_the_leftmost_start_wins() {
        assert_eq!(
            masked(&["abcd", "abcdefgh"], &["xabcdefghx"]),
            "x<redacted>x"
        );
        assert_eq!(
            masked(&["abcd", "abcdefgh"], &["xabcd", "efghx"]),
            "x<redacted>x"
        );
        assert_eq!(
            masked(&["abcd", "abcdefgh"], &["xabcd", "efx"]),
            "x<redacted>efx"
        );
        // An earlier start wins over a longer value that starts later.
        assert_eq!(
            masked(&["abcdef", "cdefghij"], &["abcdefghij"]),
            "<redacted>ghij"
        );
    }

    #[test]
    fn short_values_and_no_values() {
        assert!(Masker::new([b"abc".as_slice()]).is_none());
        assert!(Masker::new(Vec::<&[u8]>::new()).is_none());
        assert_eq!(masked(&["abc", "abcd"], &["abc abcd"]), "abc <redacted>");
    }

    #[test]
    fn only_a_prefix_of_a_value_is_held_back() {
        let mut m = Masker::new([b"secret-value".as_slice()]).unwrap();
        let mut out = Vec::new();
        m.feed(b"Password: ", &mut out);
        assert_eq!(out, b"Password: ", "a prompt is passed on at once");
        out.clear();
        m.feed(b"xx secr", &mut out);
        assert_eq!(out, b"xx ", "'secr' may begin the value");
        out.clear();
        m.feed(b"et", &mut out);
        assert_eq!(out, b"");
        m.feed(b"!", &mut out);
        assert_eq!(out, b"secret!", "it did not");
    }

    #[test]
    fn binary_values_and_streams() {
        let v = [0u8, 255, 10, 0, 13];
        let mut m = Masker::new([v.as_slice()]).unwrap();
        let mut out = Vec::new();
        m.feed(&[1, 0, 255], &mut out);
        m.feed(&[10, 0, 13, 0], &mut out);
        m.finish(&mut out);
        assert_eq!(out, [&[1u8][..], REDACTED, &[0]].concat());
    }

    #[test]
    fn finish_passes_on_an_unfinished_prefix() {
        assert_eq!(masked(&["abcdef"], &["xxabc"]), "xxabc");
        assert_eq!(masked(&["abcd", "abcdef"], &["xxabcde"]), "xx<redacted>e");
    }

    /// Inputs made of pieces of the values, so that matches, near misses and
    /// splits are common.
    fn case() -> impl Strategy<Value = (Vec<Vec<u8>>, Vec<u8>, Vec<usize>)> {
        let alphabet = prop::sample::select(vec![b'a', b'b', b'c', 0u8, 0xff]);
        let value = prop::collection::vec(alphabet.clone(), 1..9);
        prop::collection::vec(value, 1..5).prop_flat_map(move |values| {
            let pieces = values.clone();
            let piece = prop_oneof![
                prop::sample::select(pieces.clone()),
                prop::sample::select(pieces).prop_flat_map(|v| {
                    let n = v.len();
                    (Just(v), 0..=n).prop_map(|(v, k)| v[..k].to_vec())
                }),
                prop::collection::vec(alphabet.clone(), 0..4),
            ];
            let input = prop::collection::vec(piece, 0..12).prop_map(|p| p.concat());
            let cuts = prop::collection::vec(any::<usize>(), 0..10);
            (Just(values), input, cuts)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn any_chunking_gives_the_whole_stream_masked((values, input, cuts) in case()) {
            let want = reference(&values, &input);
            prop_assert_eq!(streamed(&values, &input, &cuts), want.clone());
            // One byte at a time: the hardest chunking.
            let every: Vec<usize> = (0..input.len()).collect();
            prop_assert_eq!(streamed(&values, &input, &every), want);
        }
    }
}
