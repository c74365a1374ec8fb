//! `run`'s masking of the command's output: for any values and any stream
//! cut into any chunks, the masked output is the same as masking the whole
//! stream at once, and holds no value (of the values that share no byte with
//! the `<redacted>` marker, which could otherwise be spelled by it). The input: a byte N (number of values, 1–4), N values of
//! lengths given by the next N bytes (mod 16), a byte of chunk size, the stream.
#![no_main]

use dbsecrets::mask::{Masker, REDACTED};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else { return };
    let n = usize::from(n % 4) + 1;
    if rest.len() < n + 1 {
        return;
    }
    let (lens, mut rest) = rest.split_at(n);
    let mut values = Vec::new();
    for &len in lens {
        let len = usize::from(len % 16).min(rest.len());
        let (v, tail) = rest.split_at(len);
        values.push(v.to_vec());
        rest = tail;
    }
    let Some((&chunk, stream)) = rest.split_first() else { return };
    let chunk = usize::from(chunk % 32) + 1;
    let Some(whole_masker) = Masker::new(values.iter().map(Vec::as_slice)) else { return };

    let mut whole = Vec::new();
    let mut m = whole_masker.clone();
    m.feed(stream, &mut whole);
    m.finish(&mut whole);

    let mut streamed = Vec::new();
    let mut m = whole_masker;
    for piece in stream.chunks(chunk) {
        m.feed(piece, &mut streamed);
    }
    m.finish(&mut streamed);
    assert_eq!(streamed, whole, "chunks of {chunk}");

    // Between two markers the output is input that no match touched, and
    // the search found every value there: no value survives.
    for v in values.iter().filter(|v| v.len() >= dbsecrets::mask::MIN_MASKED) {
        if !v.iter().any(|b| REDACTED.contains(b)) {
            assert!(!whole.windows(v.len()).any(|w| w == v.as_slice()), "a value was passed on");
        }
    }
});
