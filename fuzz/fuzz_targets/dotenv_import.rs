//! `import`/`sync` of a dotenv file: any bytes parse into entries and
//! problems without panicking, and what parsed, rendered as `export
//! --format env` writes it, parses back to exactly the same entries.
#![no_main]

use dbsecrets::cli::FileFormat;
use dbsecrets::commands::bulk::file::{env_key_ok, parse, render_env};
use dbsecrets_client::SecretValue;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (entries, problems) = parse(data, FileFormat::Env);
    for p in &problems {
        assert!(!p.is_empty());
    }
    // The round trip: the entries a dotenv file can hold.
    let items: Vec<(String, SecretValue)> = entries
        .iter()
        .filter(|e| env_key_ok(&e.key) && std::str::from_utf8(e.value.expose_bytes()).is_ok())
        .map(|e| (e.key.clone(), SecretValue::from_bytes(e.value.expose_bytes().to_vec())))
        .collect();
    let text = render_env(&items).expect("every item is one dotenv can hold");
    let (back, problems) = parse(&text, FileFormat::Env);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(back.len(), items.len());
    for ((key, value), e) in items.iter().zip(&back) {
        assert_eq!(key, &e.key);
        assert_eq!(value.expose_bytes(), e.value.expose_bytes(), "{key}");
    }
});
