//! `list`, `put`, `get`, `delete`.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
pub struct ScopeArg {
    /// Scope name
    pub scope: String,
}

#[derive(Debug, Args)]
pub struct SecretArg {
    /// Scope name
    pub scope: String,
    /// Secret key
    pub key: String,
}

#[derive(Debug, Args)]
pub struct PutArgs {
    /// Scope name
    pub scope: String,
    /// Secret key: letters, digits, '-', '_' and '.', at most 128 characters
    pub key: String,
    /// The value, as text. Visible to other users of this machine (process list) and
    /// kept in shell history: prefer standard input, --value-file or the prompt
    #[arg(
        long,
        visible_alias = "string-value",
        allow_hyphen_values = true,
        value_name = "V",
        conflicts_with = "value_file"
    )]
    pub value: Option<Redacted>,
    /// Read the value from a file, byte for byte (binary files are sent as bytes)
    #[arg(long, value_name = "PATH")]
    pub value_file: Option<PathBuf>,
    /// The value's bytes, base64-encoded (the official CLI's put-secret flag);
    /// visible in the process list like --value
    #[arg(long, value_name = "BASE64", conflicts_with_all = ["value", "value_file"])]
    pub bytes_value: Option<Redacted>,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Scope name
    pub scope: String,
    /// Secret key
    pub key: String,
    /// Succeed (exit 0) when the secret (or its scope) does not exist
    #[arg(long)]
    pub if_exists: bool,
}

/// A command-line string that is a secret: its Debug output is masked, so that
/// logging parsed arguments can never show it.
#[derive(Clone)]
pub struct Redacted(pub String);

impl std::str::FromStr for Redacted {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Redacted(s.to_string()))
    }
}

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(redacted)")
    }
}
