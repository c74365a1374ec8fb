//! Inputs the fuzz targets (`fuzz/`) found, kept as regression tests in the
//! normal suite: each failed a property before the fix named beside it.

use dbsecrets_client::config::{ConfigFile, ParseProblem};

/// `config_file`: text the line check let through but the INI parser refused,
/// so that the error came from the parser, not in the user's terms. Each is
/// now refused by the line check, at the line that is wrong.
#[test]
fn config_lines_the_ini_parser_reads_differently() {
    for (text, line) in [
        // A lone carriage return ends a line for the parser.
        ("\u{feff}&ast = x\r\n  k = v\r\u{1a}", 2),
        // Whitespace other than spaces and tabs is not trimmed by the parser.
        ("\u{b}", 1),
        ("\r\n\0x\0\0\0\\=o@ ", 2),
        // A backslash takes the next character: `\=` is not a key's `=`.
        ("[a]\nZ__se    \\\\\\Die_nti\\\\\\= DEV\n", 2),
        // A backslash at the end of a line continues it: no key before the `=`.
        ("\\\n=\n", 1),
        // In a comment a backslash is only a character: the next line is a line.
        ("# a comment \\\nh..\n", 2),
        // A key of Unicode spaces only is no key.
        ("[a]\n\u{3000}= v\n", 2),
    ] {
        match ConfigFile::parse(text) {
            Err(ParseProblem::Syntax(why)) => {
                assert!(
                    why.starts_with(&format!("line {line}: ")),
                    "{text:?}: {why}"
                );
                assert!(!why.contains("INI parser"), "{text:?}: {why}");
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

/// `config_file`: a byte order mark changes nothing (one, at the start).
#[test]
fn a_byte_order_mark_changes_nothing() {
    for text in [
        "[a]\r\nhost = x\r\n  k = v\r\n",
        "[a]\nh =hsot2[a]\r\nh =hsot2",
    ] {
        let with = ConfigFile::parse(&format!("\u{feff}{text}")).unwrap();
        assert_eq!(ConfigFile::parse(text).unwrap(), with);
    }
}
