//! Files of secrets: dotenv and JSON in (import, sync) and out (export). Pure
//! functions from bytes to entries and back; no value ever appears in a
//! problem message, only keys and line numbers.

use std::path::Path;

use base64::Engine;
use dbsecrets_client::{names, SecretValue};
use secrecy::zeroize::Zeroizing;

use super::env_lines;
use crate::cli::FileFormat;
use crate::context::Io;
use crate::failure::Failure;

/// One key and its value, as read from a file.
#[derive(Debug)]
pub struct Entry {
    pub key: String,
    pub value: SecretValue,
}

/// `--format`, else by the file's name: JSON when it ends in `.json`, dotenv otherwise.
pub fn format_for(path: Option<&Path>, explicit: Option<FileFormat>) -> FileFormat {
    explicit.unwrap_or_else(|| {
        let json = path
            .and_then(|p| p.extension())
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if json {
            FileFormat::Json
        } else {
            FileFormat::Env
        }
    })
}

/// Reads, parses and checks a file (`-` is standard input): every entry, or an
/// error (exit 2) that lists every problem.
pub fn load(
    io: &Io,
    path: &Path,
    format: Option<FileFormat>,
    prefix: Option<&str>,
) -> Result<Vec<Entry>, Failure> {
    let name = if path == Path::new("-") {
        "standard input".to_string()
    } else {
        path.display().to_string()
    };
    let bytes = read(io, path, &name)?;
    let format = format_for(Some(path), format);
    // Parse problems and entry problems are listed together.
    let (entries, mut problems) = parse(&bytes, format);
    let entries = match check(entries, prefix) {
        Ok(e) if problems.is_empty() => Ok(e),
        Ok(_) => Err(problems),
        Err(more) => {
            problems.extend(more);
            Err(problems)
        }
    };
    match entries {
        Ok(e) if e.is_empty() => Err(Failure::usage(format!(
            "{name} holds no entries: nothing to do"
        ))),
        Ok(e) => Ok(e),
        Err(problems) => {
            let n = problems.len();
            Err(Failure::usage(format!(
                "{name}: {n} problem{} found; nothing was sent",
                if n == 1 { "" } else { "s" }
            ))
            .with_details(problems)
            .with_hint(match format {
                FileFormat::Env => "fix the file and run again; dotenv keys are letters, digits, '_' and '.' (use JSON for keys with '-'), values 1 byte to 128 KiB",
                FileFormat::Json => "fix the file and run again; it must be one object of key -> \"text\" or key -> {\"value_base64\": \"...\"}",
            }))
        }
    }
}

/// The largest file `import` and `sync` read: far more than a scope holds
/// (1,000 secrets of up to 128 KiB, as dotenv), far less than a machine.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

fn read(io: &Io, path: &Path, name: &str) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let mut bytes = Zeroizing::new(Vec::new());
    // Size-checked while reading: a file that never ends stops at the limit.
    let result = if path == Path::new("-") {
        io.read_stdin(&mut bytes, MAX_FILE_BYTES)
    } else {
        std::fs::File::open(path)
            .and_then(|mut f| crate::terminal::read_at_most(&mut f, &mut bytes, MAX_FILE_BYTES))
    };
    let whole = result.map_err(|e| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        };
        Failure::usage(format!("cannot read {name}: {reason}"))
    })?;
    if !whole {
        return Err(Failure::usage(format!(
            "{name} is larger than {} MiB, more than a scope can hold: nothing was sent",
            MAX_FILE_BYTES / 1024 / 1024
        ))
        .with_hint("split the file, or check that it is the file you meant"));
    }
    Ok(bytes)
}

/// Parses the bytes of a file: the entries that could be read and the problems,
/// which say where, never what the value is.
pub fn parse(bytes: &[u8], format: FileFormat) -> (Vec<Entry>, Vec<String>) {
    match format {
        FileFormat::Env => parse_env(bytes),
        FileFormat::Json => parse_json(bytes),
    }
}

fn parse_env(bytes: &[u8]) -> (Vec<Entry>, Vec<String>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return (
            Vec::new(),
            vec![
                "the file is not UTF-8 text; binary values need JSON with \"value_base64\"".into(),
            ],
        );
    };
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        match item {
            Ok((key, value)) => entries.push(Entry {
                key,
                value: SecretValue::text(value),
            }),
            // The error's text holds the line, and so maybe a value: only its
            // key is shown, and what is wrong.
            Err(dotenvy::Error::LineParse(line, _)) => {
                let after = entries.last().map(|e: &Entry| e.key.as_str());
                let (at, whole) = env_lines::locate(text, &line, after);
                problems.push(format!("{at}: {}", env_lines::what_is_wrong(whole)));
            }
            Err(_) => problems.push("the file cannot be read".into()),
        }
    }
    (entries, problems)
}

/// The top-level object's members in file order, duplicates included (a map
/// would keep only the last of two equal keys, hiding the mistake).
struct Members(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("one JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, serde_json::Value>()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(Visit)
    }
}

fn parse_json(bytes: &[u8]) -> (Vec<Entry>, Vec<String>) {
    let map = match serde_json::from_slice::<Members>(bytes) {
        Ok(Members(members)) => members,
        Err(e) => {
            use serde_json::error::Category;
            let problem = match e.classify() {
                Category::Eof => format!(
                    "the file is truncated (line {}, column {})",
                    e.line(),
                    e.column()
                ),
                Category::Data => "the file must be one JSON object of key -> value".to_string(),
                _ => format!(
                    "the file is not valid JSON (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            };
            return (Vec::new(), vec![problem]);
        }
    };
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for (key, value) in map {
        let value = match value {
            serde_json::Value::String(s) => Ok(SecretValue::text(s)),
            serde_json::Value::Object(o) => match (o.get("value_base64"), o.len()) {
                (Some(serde_json::Value::String(b64)), 1) => {
                    base64::engine::general_purpose::STANDARD
                        .decode(b64.trim())
                        .map(|b| SecretValue::Bytes(secrecy::SecretBox::new(Box::new(b))))
                        .map_err(|_| format!("key '{key}': value_base64 is not valid base64"))
                }
                _ => Err(format!(
                    "key '{key}': an object value must be {{\"value_base64\": \"...\"}} and nothing else"
                )),
            },
            other => Err(format!(
                "key '{key}': the value is {}; it must be a string or {{\"value_base64\": \"...\"}}",
                json_kind(&other)
            )),
        };
        match value {
            Ok(value) => entries.push(Entry { key, value }),
            Err(p) => problems.push(p),
        }
    }
    (entries, problems)
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Applies the prefix and checks every key and value: the full list of problems.
pub fn check(entries: Vec<Entry>, prefix: Option<&str>) -> Result<Vec<Entry>, Vec<String>> {
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(entries.len());
    for mut e in entries {
        if let Some(p) = prefix {
            e.key = format!("{p}{}", e.key);
        }
        if let Err(err) = names::key(&e.key) {
            problems.push(err.to_string());
            continue;
        }
        if let Err(err) = names::value_len(e.value.len()) {
            problems.push(format!("key '{}': {err}", e.key));
        }
        // The service's keys are case-insensitive: `A` and `a` are one secret.
        if !seen.insert(e.key.to_ascii_lowercase()) {
            problems.push(format!(
                "key '{}' appears more than once (keys are case-insensitive)",
                e.key
            ));
        }
        out.push(e);
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Can dotenv (as dotenvy reads it) hold this key?
pub fn env_key_ok(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// Dotenv text that dotenvy reads back to exactly these values: one
/// `KEY="value"` line each, with `\`, `"`, `$` and newlines escaped. Keys that
/// dotenv cannot hold and values that are not text are refused: their list.
pub fn render_env(items: &[(String, SecretValue)]) -> Result<Zeroizing<Vec<u8>>, Vec<String>> {
    let mut out = Zeroizing::new(Vec::new());
    let mut refused = Vec::new();
    for (key, value) in items {
        if !env_key_ok(key) {
            refused.push(format!(
                "key '{key}': dotenv keys are letters, digits, '_' and '.', starting with a letter or '_'"
            ));
            continue;
        }
        let Ok(text) = std::str::from_utf8(value.expose_bytes()) else {
            refused.push(format!("key '{key}': the value is binary (not UTF-8 text)"));
            continue;
        };
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"=\"");
        for c in text.chars() {
            match c {
                '\\' => out.extend_from_slice(b"\\\\"),
                '"' => out.extend_from_slice(b"\\\""),
                '$' => out.extend_from_slice(b"\\$"),
                '\n' => out.extend_from_slice(b"\\n"),
                c => {
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        out.extend_from_slice(b"\"\n");
    }
    if refused.is_empty() {
        Ok(out)
    } else {
        Err(refused)
    }
}

/// One JSON object: text values as strings, binary ones as {"value_base64": ...}.
pub fn render_json(items: &[(String, SecretValue)]) -> Zeroizing<Vec<u8>> {
    let mut map = serde_json::Map::new();
    for (key, value) in items {
        let v = match std::str::from_utf8(value.expose_bytes()) {
            Ok(text) => serde_json::Value::String(text.to_string()),
            Err(_) => serde_json::json!({
                "value_base64": base64::engine::general_purpose::STANDARD.encode(value.expose_bytes())
            }),
        };
        map.insert(key.clone(), v);
    }
    // Keys come from a server: the output layer's JSON, whose strings cannot
    // drive a terminal (the same text once parsed).
    Zeroizing::new(crate::output::render_json(&serde_json::Value::Object(map)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(entries: &[Entry]) -> Vec<(&str, &[u8])> {
        entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.expose_bytes()))
            .collect()
    }

    #[test]
    fn dotenv_features() {
        let text = "# a comment\n\
            PLAIN=value # trailing comment\n\
            export EXPORTED=yes\n\
            SINGLE='it has $dollar and \"quotes\"'\n\
            DOUBLE=\"line1\\nline2 \\\"q\\\" \\\\ \\$HOME\"\n\
            MULTI=\"first\n\
            second\"\n\
            SPACED = 'around equals'\n\
            \n\
            REF=\"${PLAIN}-ref\"\n";
        let (entries, problems) = parse(text.as_bytes(), FileFormat::Env);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            pairs(&entries),
            vec![
                ("PLAIN", &b"value"[..]),
                ("EXPORTED", b"yes"),
                ("SINGLE", b"it has $dollar and \"quotes\""),
                ("DOUBLE", b"line1\nline2 \"q\" \\ $HOME"),
                ("MULTI", b"first\nsecond"),
                ("SPACED", b"around equals"),
                ("REF", b"value-ref"),
            ]
        );
    }

    #[test]
    fn dotenv_problems_never_show_values() {
        let text = "GOOD=1\nBAD=\"unclosed s3cr3t\nALSO=2\n";
        let (entries, problems) = parse(text.as_bytes(), FileFormat::Env);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(entries[0].key, "GOOD");
        assert_eq!(
            problems[0], "line 2: key \"BAD\": its value's opening \" is never closed",
            "{problems:?}"
        );
        assert!(!problems.concat().contains("s3cr3t"));
        let (entries, problems) = parse(b"A=1\nbad line s3cr3t\nB=2\n", FileFormat::Env);
        assert_eq!(entries.len(), 2, "the other lines are still read");
        assert_eq!(problems[0], "line 2: it is not KEY=value (it has no '=')");
        assert!(!problems.concat().contains("s3cr3t"));
    }

    #[test]
    fn json_values() {
        let doc = br#"{"a": "text", "b": {"value_base64": "AP8="}}"#;
        let (entries, problems) = parse(doc, FileFormat::Json);
        assert!(problems.is_empty());
        assert_eq!(
            pairs(&entries),
            vec![("a", &b"text"[..]), ("b", &[0u8, 255][..])]
        );
        assert!(matches!(entries[1].value, SecretValue::Bytes(_)));
        let (_, problems) = parse(
            br#"{"n": 1, "o": {"x": "s3cr3t"}, "b": {"value_base64": "!!s3cr3t"}, "ok": "v"}"#,
            FileFormat::Json,
        );
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(!problems.concat().contains("s3cr3t"));
        let (_, problems) = parse(br#"{"a": "s3cr3t"#, FileFormat::Json);
        assert!(problems[0].contains("truncated"), "{problems:?}");
        assert!(!problems.concat().contains("s3cr3t"));
        assert_eq!(parse(b"[1]", FileFormat::Json).1.len(), 1);
    }

    #[test]
    fn check_lists_every_problem() {
        let entries = vec![
            Entry {
                key: "ok".into(),
                value: SecretValue::text("v"),
            },
            Entry {
                key: "bad key".into(),
                value: SecretValue::text("v"),
            },
            Entry {
                key: "empty".into(),
                value: SecretValue::text(""),
            },
            Entry {
                key: "OK".into(),
                value: SecretValue::text("v"),
            },
        ];
        let problems = check(entries, None).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("invalid key name 'bad key'"));
        assert!(problems[1].starts_with("key 'empty': the secret value is empty"));
        assert!(problems[2].contains("more than once"));
        let entries = vec![Entry {
            key: "k".into(),
            value: SecretValue::text("v"),
        }];
        let out = check(entries, Some("app.")).unwrap();
        assert_eq!(out[0].key, "app.k");
    }

    #[test]
    fn env_round_trip() {
        let values = [
            "plain",
            "with space",
            "quote ' and \" and \\ and $HOME and ${X}",
            "multi\nline\n",
            "tab\tand # hash",
            "  leading and trailing  ",
            "ünïcødé",
            "cr\r\nlf",
        ];
        let items: Vec<(String, SecretValue)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("K{i}"), SecretValue::text(*v)))
            .collect();
        let text = render_env(&items).unwrap();
        let (back, problems) = parse(&text, FileFormat::Env);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(back.len(), values.len());
        for (e, v) in back.iter().zip(values) {
            assert_eq!(e.value.expose_bytes(), v.as_bytes(), "{}", e.key);
        }
    }

    #[test]
    fn env_refuses_binary_and_dashed_keys() {
        let items = vec![
            ("api-key".to_string(), SecretValue::text("v")),
            ("bin".to_string(), SecretValue::from_bytes(vec![0xff])),
            ("ok".to_string(), SecretValue::text("v")),
        ];
        let refused = render_env(&items).unwrap_err();
        assert_eq!(refused.len(), 2);
        assert!(refused[0].starts_with("key 'api-key'"));
        assert!(refused[1].starts_with("key 'bin': the value is binary"));
    }

    #[test]
    fn json_round_trip() {
        let items = vec![
            ("a".to_string(), SecretValue::text("t\"x")),
            ("b".to_string(), SecretValue::from_bytes(vec![0, 0xff])),
        ];
        let text = render_json(&items);
        assert_eq!(
            std::str::from_utf8(&text).unwrap(),
            "{\n  \"a\": \"t\\\"x\",\n  \"b\": {\n    \"value_base64\": \"AP8=\"\n  }\n}\n"
        );
        let (back, _) = parse(&text, FileFormat::Json);
        assert_eq!(back[1].value.expose_bytes(), &[0, 0xff]);
    }

    #[test]
    fn formats_by_name() {
        assert_eq!(
            format_for(Some(Path::new("a.JSON")), None),
            FileFormat::Json
        );
        assert_eq!(format_for(Some(Path::new(".env")), None), FileFormat::Env);
        assert_eq!(format_for(Some(Path::new("-")), None), FileFormat::Env);
        assert_eq!(
            format_for(Some(Path::new("a.json")), Some(FileFormat::Env)),
            FileFormat::Env
        );
    }
}
