//! What can be wrong with a configuration. Nothing was sent when one of these is returned.

use std::path::{Path, PathBuf};

use super::attributes::AUTH_DOCS;

/// Configuration errors: all exit with code 2 (nothing was sent).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {}: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    #[error("cannot parse config file {}: {reason}", path.display())]
    Parse { path: PathBuf, reason: String },
    #[error("config file {} has a duplicate [{section}] section", path.display())]
    DuplicateSection { path: PathBuf, section: String },
    #[error("resolve: {} has no {profile} profile configured", path.display())]
    ProfileNotFound {
        path: PathBuf,
        profile: String,
        available: Vec<String>,
    },
    #[error("resolve: config file {} does not exist, so it has no {profile} profile", path.display())]
    NoConfigFile { path: PathBuf, profile: String },
    #[error("validate: more than one authorization method configured: {}", methods.join(" and "))]
    MultipleMethods { methods: Vec<String> },
    #[error("no workspace host configured (looked at {looked_at})")]
    NoHost { looked_at: String },
    #[error("invalid host '{host}': {reason}")]
    InvalidHost { host: String, reason: String },
    #[error("invalid value for {name} ({source_desc}): {reason}")]
    InvalidValue {
        name: &'static str,
        source_desc: String,
        reason: String,
    },
    #[error("unknown auth_type '{value}' ({source_desc})")]
    UnknownAuthType {
        value: String,
        source_desc: String,
        known: Vec<&'static str>,
    },
    #[error("auth_type {method} is set ({source_desc}) but {missing} is not configured")]
    IncompleteMethod {
        method: &'static str,
        source_desc: String,
        missing: String,
    },
    #[error("no credentials configured for {host} (looked at {looked_at})")]
    NoCredentials { host: String, looked_at: String },
    #[error("{setting} is {value}: it must be {rule} and at most 1000000")]
    OutOfRange {
        setting: String,
        value: f64,
        rule: &'static str,
    },
}

impl ConfigError {
    /// The config file this error comes from, when the file was read.
    pub fn file_read(&self) -> Option<&Path> {
        match self {
            ConfigError::Parse { path, .. }
            | ConfigError::DuplicateSection { path, .. }
            | ConfigError::ProfileNotFound { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The next step for the user, printed as `hint:`.
    pub fn hint(&self) -> Option<String> {
        match self {
            ConfigError::ProfileNotFound { available, .. } if available.is_empty() => {
                Some("the file defines no profiles; add one with host and token, or run `databricks configure`".into())
            }
            ConfigError::ProfileNotFound { available, .. } => Some(format!(
                "profiles in the file: {}; pick one with -p/--profile",
                available.join(", ")
            )),
            ConfigError::NoConfigFile { .. } => Some(
                "create it with `databricks configure`, set DATABRICKS_CONFIG_FILE, or set DATABRICKS_HOST and DATABRICKS_TOKEN".into(),
            ),
            ConfigError::MultipleMethods { .. } => Some(
                "remove all but one method's settings, or choose one with auth_type (DATABRICKS_AUTH_TYPE)".into(),
            ),
            ConfigError::NoHost { .. } => Some(
                "set DATABRICKS_HOST, or pick a profile that has a host with -p/--profile".into(),
            ),
            ConfigError::UnknownAuthType { known, .. } => {
                Some(format!("known auth types: {}", known.join(", ")))
            }
            ConfigError::NoCredentials { .. } => Some(format!(
                "set DATABRICKS_TOKEN, or a profile's token (or another method); see {AUTH_DOCS}"
            )),
            _ => None,
        }
    }
}
