//! Usage errors: clap's message in one line with a pointer to the right
//! `--help`, and never a secret that was typed on the command line.

use super::Cli;

/// The flags whose values are credentials or secret values: never shown in
/// a usage error.
const SECRET_FLAGS: &[&str] = &[
    "--value",
    "--string-value",
    "--bytes-value",
    "--token",
    "--basic",
    "--oauth-client",
    "--oidc-federation",
];

/// A clap error as the user's failure: clap's message, and where to read the
/// usage. On a command line that may hold a secret (a `put` value, the
/// emulator's tokens and client secrets), the words that may be secrets are
/// shown as `***` wherever clap quotes them, every other quoted word that is
/// not a flag's name too, and clap's tip (which repeats the word) is dropped.
pub fn usage_error(e: &clap::Error, args: &[std::ffi::OsString]) -> crate::failure::Failure {
    let words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let secrets = secret_words(&words);
    let put = words.iter().any(|a| a == "put" || a == "put-secret");
    mask_usage_error(
        e,
        put || !secrets.is_empty(),
        &secrets,
        &command_words(args),
    )
}

/// The words of a command line that may be secrets: the values of
/// [`SECRET_FLAGS`] (`--token X` and `--token=X`), and on a `put` line every
/// word after `put` that is not a flag, and every word after `--`.
fn secret_words(words: &[String]) -> Vec<String> {
    let mut secrets = Vec::new();
    let mut after_put = false;
    let mut after_dashes = false;
    let mut next_is_secret = false;
    for w in words {
        if next_is_secret {
            secrets.push(w.clone());
            next_is_secret = false;
        } else if after_dashes {
            secrets.push(w.clone());
        } else if w == "--" {
            after_dashes = true;
        } else if SECRET_FLAGS.contains(&w.as_str()) {
            next_is_secret = true;
        } else if let Some(value) = SECRET_FLAGS
            .iter()
            .find_map(|f| w.strip_prefix(f).and_then(|r| r.strip_prefix('=')))
        {
            secrets.push(value.to_string());
        } else if w == "put" || w == "put-secret" {
            after_put = true;
        } else if after_put && !w.starts_with('-') {
            secrets.push(w.clone());
        }
    }
    secrets.retain(|s| !s.is_empty());
    // The longest first, so that a secret that holds another is masked whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets
}

/// The subcommand words of a command line (`dbsecrets uc put`), found by
/// walking clap's own definitions (aliases included), for a pointer to the
/// right `--help`.
fn command_words(args: &[std::ffi::OsString]) -> String {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut words = vec!["dbsecrets".to_string()];
    for a in args.iter().skip(1) {
        let a = a.to_string_lossy();
        let Some(sub) = cmd
            .get_subcommands()
            .find(|s| s.get_name() == a || s.get_all_aliases().any(|x| x == a))
            .cloned()
        else {
            continue;
        };
        words.push(sub.get_name().to_string());
        cmd = sub;
    }
    words.join(" ")
}

/// A clap error as two lines: clap's message, and where to read the usage.
/// `secrets` are masked wherever quoted; with `mask`, every quoted word that is not a flag's name is shown as `***`
/// and clap's tip (which repeats the word) is dropped.
fn mask_usage_error(
    e: &clap::Error,
    mask: bool,
    secrets: &[String],
    command: &str,
) -> crate::failure::Failure {
    let mut text = e.to_string();
    // clap quotes the words it shows: a secret goes whole, whatever it holds
    // (quotes, dashes), before the quoted words are masked one by one.
    for secret in secrets {
        text = text.replace(&format!("'{secret}'"), "'***'");
    }
    // The first paragraph: the message and any indented detail under it.
    let first: Vec<&str> = text
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    let mut joined = first.join(" ");
    if mask {
        joined = mask_quoted(&joined);
    }
    let message = joined.trim_start_matches("error: ");
    let usage = text.lines().find_map(|l| l.trim().strip_prefix("Usage: "));
    let tip = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("tip: "))
        .filter(|_| !mask);
    let hint = match (tip, usage) {
        (Some(tip), _) => tip.to_string(),
        (None, Some(usage)) => {
            let command: Vec<&str> = usage
                .split_whitespace()
                .take_while(|w| !w.starts_with(['-', '<', '[']))
                .collect();
            format!("usage: {usage}; see `{} --help`", command.join(" "))
        }
        (None, None) => format!("see `{command} --help`"),
    };
    crate::failure::Failure::usage(message).with_hint(hint)
}

/// Replaces each `'…'` that is not a flag name (`--name` or `--name <V>`) by `'***'`.
fn mask_quoted(s: &str) -> String {
    let is_flag = |w: &str| {
        let name = w.split(' ').next().unwrap_or_default();
        name.len() > 2
            && name.starts_with("--")
            && name[2..]
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-')
    };
    let mut out = String::new();
    for (i, part) in s.split('\'').enumerate() {
        if i > 0 {
            out.push('\'');
        }
        // Odd parts are inside quotes.
        out.push_str(if i % 2 == 1 && !is_flag(part) {
            "***"
        } else {
            part
        });
    }
    out
}
