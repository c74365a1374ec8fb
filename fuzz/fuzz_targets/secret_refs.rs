//! `run` and `inject` finding secret references in an environment or a
//! template: any bytes scan without panicking, in linear time; what is found
//! lies inside the text, in order and apart, reads back as the same reference
//! when written canonically, and substituting the found references leaves the
//! rest of the text exactly as it was.
#![no_main]

use dbsecrets::refs::{scan, substitute};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let found = scan(data);
    let mut end = 0;
    for f in &found.found {
        assert!(f.span.start >= end && f.span.end <= data.len(), "{:?}", f.span);
        assert!(data[f.span.clone()].starts_with(b"{{") && data[f.span.clone()].ends_with(b"}}"));
        end = f.span.end;
        // The canonical form is a reference, and the same one.
        let canonical = f.reference.to_string();
        let again = scan(canonical.as_bytes());
        assert!(again.problems.is_empty(), "{canonical}: {:?}", again.problems);
        assert_eq!(again.found.len(), 1, "{canonical}");
        assert_eq!(again.found[0].reference, f.reference);
        assert_eq!(again.found[0].span, 0..canonical.len());
    }
    for p in &found.problems {
        assert!(p.at < data.len());
        assert!(!p.problem.is_empty());
        assert!(!p.text.chars().any(char::is_control), "{:?}", p.text);
    }
    // Each reference replaced by nothing: the text between them is kept.
    let out = substitute(data, &found.found, |_| b"");
    let removed: usize = found.found.iter().map(|f| f.span.len()).sum();
    assert_eq!(out.len(), data.len() - removed);
});
