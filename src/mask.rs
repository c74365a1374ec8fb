//! The masking filter of `run`: a stream of bytes in, the same stream out with
//! every occurrence of a secret value replaced by `<redacted>`, whatever the
//! chunks the stream arrives in.
//!
//! Matching is leftmost-longest and non-overlapping, as if the whole stream
//! were searched at once: at the first position where some value starts, the
//! longest value that starts there is replaced, and the search goes on after
//! it. Finding the values is aho-corasick's (its SIMD "packed" searcher where
//! the CPU and the number of values allow, several GB/s; else its automaton,
//! about ten times slower); carrying them across chunk boundaries is this
//! module's:
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

use aho_corasick::{packed, AhoCorasick, Input, MatchKind};
use secrecy::zeroize::Zeroizing;

/// What a masked value becomes.
pub const REDACTED: &[u8] = b"<redacted>";

/// Values shorter than this are not masked: too many innocent matches.
pub const MIN_MASKED: usize = 4;

/// What finds the values: both give leftmost-longest matches.
#[derive(Clone)]
enum Finder {
    Packed(packed::Searcher),
    Automaton(AhoCorasick),
}

impl Finder {
    fn new(values: &[Zeroizing<Vec<u8>>], packed_allowed: bool) -> Finder {
        let packed = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostLongest)
            .builder()
            .extend(values.iter().map(|v| v.as_slice()))
            .build()
            .filter(|_| packed_allowed);
        match packed {
            Some(searcher) => Finder::Packed(searcher),
            None => Finder::Automaton(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(values.iter().map(|v| v.as_slice()))
                    .expect("values of at most 128 KiB build an automaton"),
            ),
        }
    }

    /// The first match in `buf[from..]`: (start, end).
    fn find(&self, buf: &[u8], from: usize) -> Option<(usize, usize)> {
        let span = aho_corasick::Span::from(from..buf.len());
        let m = match self {
            Finder::Packed(s) => s.find_in(buf, span),
            Finder::Automaton(a) => a.find(Input::new(buf).span(span)),
        }?;
        Some((m.start(), m.end()))
    }
}

/// A streaming filter for one stream (give each stream its own clone).
#[derive(Clone)]
pub struct Masker {
    finder: Finder,
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
        Self::build(values, true)
    }

    fn build<'a>(values: impl IntoIterator<Item = &'a [u8]>, packed: bool) -> Option<Masker> {
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
        let finder = Finder::new(&values, packed);
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
        while let Some((start, end)) = self.finder.find(buf, at) {
            if start >= open {
                break;
            }
            out.extend_from_slice(&buf[at..start]);
            out.extend_from_slice(REDACTED);
            at = end;
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
    fn streamed(values: &[Vec<u8>], input: &[u8], cuts: &[usize], packed: bool) -> Vec<u8> {
        let Some(mut m) = Masker::build(values.iter().map(|v| v.as_slice()), packed) else {
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
    fn the_fast_finder_is_used_where_it_can_be() {
        let m = Masker::new([b"hunter22".as_slice(), b"correct horse"]).unwrap();
        let packed = matches!(m.finder, Finder::Packed(_));
        let simd = cfg!(any(target_arch = "x86_64", target_arch = "aarch64"));
        assert!(
            packed || !simd,
            "x86_64 and aarch64 have the packed searcher"
        );
        // Many values: the automaton.
        let many: Vec<Vec<u8>> = (0..500)
            .map(|i| format!("value-{i:04}").into_bytes())
            .collect();
        let m = Masker::new(many.iter().map(|v| v.as_slice())).unwrap();
        assert!(matches!(m.finder, Finder::Automaton(_)));
        let mut out = Vec::new();
        let mut m2 = m.clone();
        m2.feed(b"a value-0499 b value-0007", &mut out);
        m2.finish(&mut out);
        assert_eq!(out, b"a <redacted> b <redacted>");
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
            // Both finders: the packed one where it can be built, the automaton.
            for packed in [true, false] {
                prop_assert_eq!(streamed(&values, &input, &cuts, packed), want.clone());
                // One byte at a time: the hardest chunking.
                let every: Vec<usize> = (0..input.len()).collect();
                prop_assert_eq!(streamed(&values, &input, &every, packed), want.clone());
            }
        }
    }
}
