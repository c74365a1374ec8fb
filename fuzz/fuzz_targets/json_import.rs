//! `import`/`sync` of a JSON file: any bytes parse into entries and problems
//! without panicking, and entries rendered as `export --format json` writes
//! them parse back to the same keys and bytes (text and binary values alike).
#![no_main]

use dbsecrets::cli::FileFormat;
use dbsecrets::commands::bulk::file::{parse, render_json};
use dbsecrets_client::SecretValue;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (entries, _problems) = parse(data, FileFormat::Json);
    // A JSON object keeps one member per key: the round trip is for unique keys.
    let mut seen = std::collections::HashSet::new();
    if !entries.iter().all(|e| seen.insert(e.key.clone())) {
        return;
    }
    let items: Vec<(String, SecretValue)> = entries
        .iter()
        .map(|e| (e.key.clone(), SecretValue::from_bytes(e.value.expose_bytes().to_vec())))
        .collect();
    let text = render_json(&items);
    // Nothing in the rendered file drives a terminal: it is read on one.
    let shown = std::str::from_utf8(&text).expect("JSON is UTF-8");
    assert!(
        !shown.chars().any(|c| c != '\n' && dbsecrets::terminal::is_terminal_control(c)),
        "{shown:?}"
    );
    let (back, problems) = parse(&text, FileFormat::Json);
    assert!(problems.is_empty(), "{problems:?}");
    let mut want: Vec<(&str, &[u8])> = items.iter().map(|(k, v)| (k.as_str(), v.expose_bytes())).collect();
    let mut got: Vec<(&str, &[u8])> = back.iter().map(|e| (e.key.as_str(), e.value.expose_bytes())).collect();
    want.sort();
    got.sort();
    assert_eq!(want, got);
});
