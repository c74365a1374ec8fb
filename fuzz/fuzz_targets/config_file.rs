//! The config file (`~/.databrickscfg`): any text parses or fails with the
//! first bad line in the user's terms; a byte order mark changes nothing; the
//! INI parser never fails on text the line check let through.
#![no_main]

use dbsecrets_client::config::{ConfigFile, ParseProblem};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = ConfigFile::parse(text);
    if let Err(ParseProblem::Syntax(why)) = &parsed {
        // Never the parser's own text: each failure names a line of the file.
        let n: usize = why
            .strip_prefix("line ")
            .and_then(|rest| rest.split(':').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("not `line N: …`: {why:?}"));
        assert!(n >= 1 && n <= text.split('\n').count(), "{why:?}");
        // The line check found it, not the INI parser after it, except for
        // the INI parser's own backslash rules (a continued section header),
        // which the line check does not follow in every corner.
        if !text.contains('\\') {
            assert!(!why.contains("the INI parser cannot read it"), "{why:?}");
        }
        assert!(!why.chars().any(char::is_control), "{why:?}");
    }
    // A byte order mark (one, at the start) is not part of the file's text.
    if text.starts_with('\u{feff}') {
        return; // a second mark is text, and may well be refused
    }
    let with = ConfigFile::parse(&format!("\u{feff}{text}"));
    match (&parsed, &with) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}")),
        (a, b) => panic!("{a:?} but {b:?}"),
    }
});
