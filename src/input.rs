//! Where a secret value comes from, from the most to the least explicit:
//! `--value`, `--value-file`, standard input when it is not a terminal, and a
//! hidden prompt on a terminal.

use std::path::Path;

use dbsecrets_client::{names, SecretValue};

use crate::context::Io;
use crate::failure::Failure;

/// The inputs of `put` that decide the value.
pub struct ValueSource<'a> {
    pub value: Option<&'a crate::cli::Redacted>,
    /// Base64 of the value's bytes (`--bytes-value`).
    pub bytes_value: Option<&'a crate::cli::Redacted>,
    pub value_file: Option<&'a Path>,
    /// Shown in the prompt, e.g. `my-scope/api-key`.
    pub label: String,
    /// The service's rule for a value (size, encoding).
    pub rule: &'static ValueRule,
}

/// A service's rule for a value.
pub struct ValueRule {
    /// Checks a value that was read.
    pub check: fn(&SecretValue) -> Result<(), Failure>,
    /// The most bytes the service takes: a file or standard input is read no
    /// further than this (one byte more tells that it is too large).
    pub limit: usize,
    /// The service, as the error for a value over `limit` names it.
    pub service: &'static str,
    /// The next step for a value the service does not take.
    pub hint: Option<&'static str>,
}

/// A workspace secret's value.
pub const SCOPE_VALUE: &ValueRule = &ValueRule {
    check: scope_value,
    limit: names::MAX_VALUE_BYTES,
    service: "the service",
    hint: None,
};

/// A Unity Catalog secret's value.
pub const UC_VALUE: &ValueRule = &ValueRule {
    check: uc_value,
    limit: names::MAX_UC_VALUE_BYTES,
    service: "Unity Catalog",
    hint: Some(UC_VALUE_HINT),
};

/// What a Unity Catalog secret holds, and where other values go.
const UC_VALUE_HINT: &str = "Unity Catalog secrets hold UTF-8 text of 1 byte to 60 KiB; store binary data base64-encoded, or use a workspace scope (`dbsecrets put`), which takes 128 KiB of any bytes";

/// A workspace secret's value: not empty, at most 128 KiB.
pub fn scope_value(value: &SecretValue) -> Result<(), Failure> {
    Ok(names::value_len(value.len())?)
}

/// A Unity Catalog secret's value: UTF-8 text, not empty, at most 60 KiB.
pub fn uc_value(value: &SecretValue) -> Result<(), Failure> {
    names::uc_value(value.expose_bytes())
        .map(drop)
        .map_err(|e| Failure::from(e).with_hint(UC_VALUE_HINT))
}

/// Reads the value and checks it by the service's rule.
pub fn read_value(io: &Io, src: ValueSource<'_>) -> Result<SecretValue, Failure> {
    let value = if let Some(v) = src.value {
        SecretValue::text(v.0.clone())
    } else if let Some(b64) = src.bytes_value {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64.0.trim())
            .map_err(|_| {
                Failure::usage("--bytes-value is not valid base64")
                    .with_hint("give the value's bytes in standard base64 (e.g. `base64 -w0 FILE`), or use --value-file FILE")
            })?;
        SecretValue::Bytes(secrecy::SecretBox::new(Box::new(bytes)))
    } else if let Some(path) = src.value_file {
        let shown = format!("the value file {}", path.display());
        let cannot =
            |e: std::io::Error| Failure::usage(format!("cannot read {shown}: {}", io_reason(&e)));
        let mut bytes = Vec::new();
        let whole = std::fs::File::open(path)
            .and_then(|mut f| {
                crate::terminal::read_at_most(&mut f, &mut bytes, src.rule.limit as u64)
            })
            .map_err(cannot)?;
        if !whole {
            secrecy::zeroize::Zeroize::zeroize(&mut bytes);
            return Err(too_large(&shown, src.rule));
        }
        SecretValue::from_bytes(bytes)
    } else if !io.term.stdin {
        let mut bytes = Vec::new();
        // Two bytes more than the limit, so that the newline that `echo` adds
        // (`\r\n` on Windows) to a value of exactly the limit still fits.
        let whole = io
            .read_stdin(&mut bytes, src.rule.limit as u64 + 2)
            .map_err(|e| {
                Failure::usage(format!(
                    "cannot read the value from standard input: {}",
                    io_reason(&e)
                ))
            })?;
        if !whole {
            secrecy::zeroize::Zeroize::zeroize(&mut bytes);
            return Err(too_large("standard input", src.rule));
        }
        if bytes.is_empty() {
            return Err(Failure::usage("no value given: standard input is empty")
                .with_hint("pass --value, --value-file, or pipe the value in (e.g. printf '%s' \"$TOKEN\" | dbsecrets put SCOPE KEY)"));
        }
        SecretValue::from_bytes(strip_one_newline(bytes))
    } else {
        prompt_twice(io, &src.label)?
    };
    (src.rule.check)(&value)?;
    Ok(value)
}

/// A value larger than the service takes, found while reading it.
fn too_large(source: &str, rule: &ValueRule) -> Failure {
    let limit = rule.limit;
    let failure = Failure::usage(format!(
        "the secret value in {source} is larger than {limit} bytes; {} accepts at most {limit} bytes ({} KiB): nothing was sent",
        rule.service,
        limit / 1024
    ));
    match rule.hint {
        Some(hint) => failure.with_hint(hint),
        None => failure,
    }
}

/// Removes ONE trailing `\n` or `\r\n` (what `echo` and `$(…)` add), nothing else.
pub fn strip_one_newline(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.ends_with(b"\r\n") {
        bytes.truncate(bytes.len() - 2);
    } else if bytes.ends_with(b"\n") {
        bytes.truncate(bytes.len() - 1);
    }
    bytes
}

fn prompt_twice(io: &Io, label: &str) -> Result<SecretValue, Failure> {
    let ask = |prompt: String| {
        (io.prompt_hidden)(&prompt).map_err(|e| {
            Failure::usage(format!(
                "cannot read the value from the terminal: {}",
                io_reason(&e)
            ))
        })
    };
    let first = secrecy::SecretString::from(ask(format!("Value for {label} (input hidden): "))?);
    use secrecy::ExposeSecret;
    if first.expose_secret().is_empty() {
        return Err(Failure::usage(
            "the secret value is empty: an empty secret is refused",
        ));
    }
    let second = secrecy::SecretString::from(ask("Repeat the value: ".to_string())?);
    if first.expose_secret() != second.expose_secret() {
        return Err(Failure::usage("the two values differ: nothing was stored"));
    }
    Ok(SecretValue::Text(first))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_exactly_one_newline() {
        assert_eq!(strip_one_newline(b"abc\n".to_vec()), b"abc");
        assert_eq!(strip_one_newline(b"abc\r\n".to_vec()), b"abc");
        assert_eq!(strip_one_newline(b"abc\n\n".to_vec()), b"abc\n");
        assert_eq!(strip_one_newline(b" abc \t".to_vec()), b" abc \t");
        assert_eq!(strip_one_newline(b"\n".to_vec()), b"");
    }

    fn io(stdin: &[u8], terminal: bool) -> Io {
        let sink = || -> crate::context::Stream {
            std::sync::Arc::new(std::sync::Mutex::new(Vec::<u8>::new()))
        };
        Io::with(
            crate::context::Terminal {
                stdin: terminal,
                ..Default::default()
            },
            Box::new(std::io::Cursor::new(stdin.to_vec())),
            sink(),
            sink(),
        )
    }

    fn source<'a>(
        value: Option<&'a crate::cli::Redacted>,
        file: Option<&'a Path>,
    ) -> ValueSource<'a> {
        ValueSource {
            value,
            bytes_value: None,
            value_file: file,
            label: String::new(),
            rule: SCOPE_VALUE,
        }
    }

    #[test]
    fn flag_value_is_exact_and_checked() {
        let v = crate::cli::Redacted(" sk x \n".into());
        let got = read_value(&io(b"", true), source(Some(&v), None)).unwrap();
        assert_eq!(got.expose_bytes(), b" sk x \n");
        let empty = crate::cli::Redacted(String::new());
        let e = read_value(&io(b"", true), source(Some(&empty), None)).unwrap_err();
        assert_eq!(e.code, 2);
    }

    #[test]
    fn stdin_loses_one_newline_and_empty_is_refused() {
        let got = read_value(&io(b"v\n\n", false), source(None, None)).unwrap();
        assert_eq!(got.expose_bytes(), b"v\n");
        let e = read_value(&io(b"", false), source(None, None)).unwrap_err();
        assert!(
            e.message.contains("standard input is empty"),
            "{}",
            e.message
        );
    }

    #[test]
    fn file_value_is_verbatim() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bin");
        std::fs::write(&p, [0u8, 255, 10]).unwrap();
        let v = read_value(&io(b"", true), source(None, Some(&p))).unwrap();
        assert!(matches!(v, SecretValue::Bytes(_)));
        assert_eq!(v.expose_bytes(), &[0u8, 255, 10]);
        let missing = dir.path().join("nope");
        let e = read_value(&io(b"", true), source(None, Some(&missing))).unwrap_err();
        assert!(e.message.contains("no such file"), "{}", e.message);
    }
}
