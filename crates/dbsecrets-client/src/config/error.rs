//! What can be wrong with a configuration. Nothing was sent when one of these is returned.

use std::path::{Path, PathBuf};

use super::attributes::AUTH_DOCS;

/// A configuration that cannot be used. Nothing was sent when one of these is
/// returned; as an [`Error`](crate::Error) its kind is
/// [`InvalidSettings`](crate::ErrorKind::InvalidSettings).
///
/// The messages follow the official tools' wording where they have one
/// (`validate: …`) and never show a credential;
/// [`ConfigError::hint`] gives the next step. New variants may be added.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The config file exists but could not be read (permissions, a directory, …).
    #[error("cannot read config file {}: {reason}", path.display())]
    Read {
        /// The config file.
        path: PathBuf,
        /// The operating system's error.
        reason: String,
    },
    /// The config file is not INI text that can be parsed (or not UTF-8).
    #[error("cannot parse config file {}: {reason}", path.display())]
    Parse {
        /// The config file.
        path: PathBuf,
        /// What the parser found wrong, with its position when known.
        reason: String,
    },
    /// The same `[section]` appears twice in the config file.
    #[error("config file {} has a duplicate [{section}] section", path.display())]
    DuplicateSection {
        /// The config file.
        path: PathBuf,
        /// The section name, as written.
        section: String,
    },
    /// The profile asked for (flag, `DATABRICKS_CONFIG_PROFILE` or
    /// `default_profile`) is not a section of the config file.
    #[error("{} has no {profile} profile configured", path.display())]
    ProfileNotFound {
        /// The config file.
        path: PathBuf,
        /// The profile asked for.
        profile: String,
        /// The profiles the file does define, in file order.
        available: Vec<String>,
    },
    /// A profile was asked for, but the config file does not exist.
    #[error("config file {} does not exist, so it has no {profile} profile", path.display())]
    NoConfigFile {
        /// The config file that was looked for.
        path: PathBuf,
        /// The profile asked for.
        profile: String,
    },
    /// Credentials of more than one sign-in method are set and `auth_type`
    /// does not choose one.
    #[error("validate: more than one authorization method configured: {}", methods.join(" and "))]
    MultipleMethods {
        /// The method groups present, sorted (e.g. `["basic", "pat"]`).
        methods: Vec<String>,
    },
    /// No workspace host is configured anywhere.
    #[error("no workspace host configured (looked at {looked_at})")]
    NoHost {
        /// Every place that was searched, as a phrase ([`Config::looked_at`](super::Config::looked_at)).
        looked_at: String,
    },
    /// The host is not a URL, or not an `http`/`https` one.
    #[error("invalid host '{host}': {reason}")]
    InvalidHost {
        /// The host as configured.
        host: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// An attribute's value cannot be read (a number, a boolean, an Azure cloud, a header value).
    #[error("invalid value for {name} ({source_desc}): {reason}")]
    InvalidValue {
        /// The attribute, e.g. `skip_verify`.
        name: &'static str,
        /// Where it was set, as a phrase ([`Source`](super::Source)'s `Display`).
        source_desc: String,
        /// What is wrong with it; it may quote the value.
        reason: String,
    },
    /// `auth_type` names no method this library knows.
    #[error("unknown auth_type '{value}' ({source_desc})")]
    UnknownAuthType {
        /// The `auth_type` value as set.
        value: String,
        /// Where it was set, as a phrase.
        source_desc: String,
        /// The method names that are accepted, in chain order.
        known: Vec<&'static str>,
    },
    /// `auth_type` forces a method whose attributes are not all set.
    #[error("auth_type {method} is set ({source_desc}) but {missing} is not configured")]
    IncompleteMethod {
        /// The forced method, e.g. `oauth-m2m`.
        method: &'static str,
        /// Where `auth_type` was set, as a phrase.
        source_desc: String,
        /// What the method needs, as a phrase naming attributes and environment variables.
        missing: String,
    },
    /// No sign-in method of the chain has its attributes set (or its tool installed).
    #[error("no credentials configured for {host} (looked at {looked_at})")]
    NoCredentials {
        /// The workspace URL, or `the workspace` when there is none.
        host: String,
        /// Every place that was searched, as a phrase.
        looked_at: String,
    },
    /// A numeric setting (timeout, retry budget, rate limit) is out of range.
    #[error("{setting} is {value}: it must be {rule} and at most 1000000")]
    OutOfRange {
        /// The flag that set it, or `<attribute> in the configuration`.
        setting: String,
        /// The value given.
        value: f64,
        /// The lower bound: `greater than 0` or `0 or more`.
        rule: &'static str,
    },
}

impl ConfigError {
    /// The config file this error comes from, when the file was read (for
    /// [`Parse`](ConfigError::Parse), [`DuplicateSection`](ConfigError::DuplicateSection)
    /// and [`ProfileNotFound`](ConfigError::ProfileNotFound)).
    pub fn file_read(&self) -> Option<&Path> {
        match self {
            ConfigError::Parse { path, .. }
            | ConfigError::DuplicateSection { path, .. }
            | ConfigError::ProfileNotFound { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The next step for the user, when there is an obvious one (e.g. the
    /// profiles that do exist, or how to choose one method). The CLI prints it
    /// after `hint:`.
    pub fn hint(&self) -> Option<String> {
        match self {
            ConfigError::ProfileNotFound { available, .. } if available.is_empty() => {
                Some("the file defines no profiles; add one with host and token, or run `databricks configure`".into())
            }
            ConfigError::ProfileNotFound {
                available, profile, ..
            } => Some(
                match available.iter().find(|a| a.eq_ignore_ascii_case(profile)) {
                    Some(near) => format!(
                        "profile names are case-sensitive: the file has {near}, not {profile}"
                    ),
                    None => format!("profiles in the file: {}", available.join(", ")),
                },
            ),
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
