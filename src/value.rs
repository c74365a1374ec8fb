//! Where a secret value comes from, from the most to the least explicit:
//! `--value`, `--value-file`, standard input when it is not a terminal, and a
//! hidden prompt on a terminal.

use std::io::Read;
use std::path::Path;

use crate::error::CliError;
use crate::secret::SecretValue;
use crate::validate;

/// The inputs of `put` that decide the value.
pub struct ValueSource<'a> {
    pub value: Option<crate::cli::Redacted>,
    pub value_file: Option<&'a Path>,
    pub stdin_is_terminal: bool,
    /// Shown in the prompt, e.g. `my-scope/api-key`.
    pub label: String,
}

/// Reads the value and checks it: non-empty, at most 128 KiB.
pub fn read(src: ValueSource<'_>) -> Result<SecretValue, CliError> {
    let value = if let Some(v) = src.value {
        SecretValue::text(v.0)
    } else if let Some(path) = src.value_file {
        let bytes = std::fs::read(path).map_err(|e| {
            CliError::usage(format!(
                "cannot read the value file {}: {}",
                path.display(),
                io_reason(&e)
            ))
        })?;
        SecretValue::from_bytes(bytes)
    } else if !src.stdin_is_terminal {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| {
                CliError::usage(format!(
                    "cannot read the value from standard input: {}",
                    io_reason(&e)
                ))
            })?;
        if bytes.is_empty() {
            return Err(CliError::usage("no value given: standard input is empty")
                .with_hint("pass --value, --value-file, or pipe the value in (e.g. printf '%s' \"$TOKEN\" | dbsecrets put SCOPE KEY)"));
        }
        SecretValue::from_bytes(strip_one_newline(bytes))
    } else {
        prompt_twice(&src.label)?
    };
    validate::value_len(value.len())?;
    Ok(value)
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

fn prompt_twice(label: &str) -> Result<SecretValue, CliError> {
    let ask = |prompt: String| {
        rpassword::prompt_password(prompt).map_err(|e| {
            CliError::usage(format!(
                "cannot read the value from the terminal: {}",
                io_reason(&e)
            ))
        })
    };
    let first = secrecy::SecretString::from(ask(format!("Value for {label} (input hidden): "))?);
    use secrecy::ExposeSecret;
    if first.expose_secret().is_empty() {
        return Err(CliError::usage(
            "the secret value is empty: an empty secret is refused",
        ));
    }
    let second = secrecy::SecretString::from(ask("Repeat the value: ".to_string())?);
    if first.expose_secret() != second.expose_secret() {
        return Err(CliError::usage("the two values differ: nothing was stored"));
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

    #[test]
    fn flag_value_is_exact_and_checked() {
        let v = read(ValueSource {
            value: Some(crate::cli::Redacted(" sk x \n".into())),
            value_file: None,
            stdin_is_terminal: true,
            label: String::new(),
        })
        .unwrap();
        assert_eq!(v.expose_bytes(), b" sk x \n");
        let e = read(ValueSource {
            value: Some(crate::cli::Redacted(String::new())),
            value_file: None,
            stdin_is_terminal: true,
            label: String::new(),
        })
        .unwrap_err();
        assert_eq!(e.code, 2);
    }

    #[test]
    fn file_value_is_verbatim() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bin");
        std::fs::write(&p, [0u8, 255, 10]).unwrap();
        let v = read(ValueSource {
            value: None,
            value_file: Some(&p),
            stdin_is_terminal: true,
            label: String::new(),
        })
        .unwrap();
        assert!(matches!(v, SecretValue::Bytes(_)));
        assert_eq!(v.expose_bytes(), &[0u8, 255, 10]);
        let missing = dir.path().join("nope");
        let e = read(ValueSource {
            value: None,
            value_file: Some(&missing),
            stdin_is_terminal: true,
            label: String::new(),
        })
        .unwrap_err();
        assert!(e.message.contains("no such file"), "{}", e.message);
    }
}
