//! Finding the workspace and the credentials: overrides (the caller's flags),
//! then the environment, then one profile of the config file, exactly as the
//! official Databricks tools do ("unified client authentication").
//!
//! The result is a [`Config`]: every attribute that is set, with the place it
//! came from, so that a caller can say where a value came from. The parts:
//! [`ATTRIBUTES`] (what can be set, and where), [`ConfigFile`] and
//! [`list_profiles`] (the INI file), [`resolve()`] (the order),
//! [`ConfigError`] (what can be wrong).
//!
//! The rules, in short:
//! - Overrides (the caller's flags) win; `DATABRICKS_*` (and `ARM_*`)
//!   environment variables fill what is still unset; then the keys of one
//!   profile of the config file. So `DATABRICKS_TOKEN` beats a profile's
//!   `token` even when the profile was asked for by name.
//! - The file is `DATABRICKS_CONFIG_FILE`, else `~/.databrickscfg`. The profile
//!   is the one asked for (override, else `DATABRICKS_CONFIG_PROFILE`), else
//!   `default_profile` of `[__settings__]`, else `DEFAULT` when it has keys.
//!   `[DEFAULT]` is not inherited by other profiles.
//! - When no profile was asked for and the environment already sets the host
//!   or a credential, the file is not read at all.
//! - The host is normalized: `https://` added when there is no scheme; path,
//!   query and fragment dropped ([`normalize_host`]).
//!
//! ```no_run
//! use dbsecrets_client::config::{self, Overrides, ProcessEnv};
//! # fn demo() -> Result<(), dbsecrets_client::config::ConfigError> {
//! let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
//! let cfg = config::resolve(&Overrides::default(), &ProcessEnv, home.as_deref())?;
//! if let Some(v) = cfg.value("host") {
//!     println!("host {} (from {})", v.value, v.source);
//! }
//! # Ok(()) }
//! ```

mod attributes;
mod error;
mod file;
mod resolve;
mod syntax;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::PathBuf;

pub use attributes::{attribute, Attribute, AMBIENT, ATTRIBUTES, AUTH_DOCS, DEFAULT_CONFIG_FILE};
pub use error::ConfigError;
pub use file::{
    config_file_path, list_profiles, permission_warning, ConfigFile, ParseProblem, ProfileList,
};
pub use resolve::{env_overrides, normalize_host, resolve, resolve_profile_alone};

/// Where a resolved value came from. Its `Display` is a phrase for messages,
/// e.g. `environment variable DATABRICKS_TOKEN` or `profile [DEV] of /home/me/.databrickscfg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag, e.g. `--profile`.
    Flag(&'static str),
    /// An environment variable, by name.
    Env(String),
    /// A key of a profile in a config file.
    File {
        /// The config file.
        path: PathBuf,
        /// The profile (section) name; `__settings__` for a `default_profile`.
        profile: String,
    },
    /// Chosen by a rule, not set anywhere (e.g. the `DEFAULT` profile); the
    /// text says which rule.
    Default(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Env(var) => write!(f, "environment variable {var}"),
            Source::File { path, profile } => {
                write!(f, "profile [{profile}] of {}", path.display())
            }
            Source::Default(why) => f.write_str(why),
        }
    }
}

/// One resolved attribute value and its origin. `Debug` masks the value (it
/// may be a credential); check [`Attribute::sensitive`] before showing it.
#[derive(Clone, PartialEq, Eq)]
pub struct Value {
    /// The value as set, unparsed (the host is already normalized).
    pub value: String,
    /// Where it was set.
    pub source: Source,
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values may be credentials: Debug never shows them.
        write!(f, "Value(***, {:?})", self.source)
    }
}

/// What the caller decided before the configuration is resolved (a command
/// line's flags): they win over the environment and the profile. Each carries
/// the name of the flag that set it, for messages.
///
/// ```
/// use dbsecrets_client::config::Overrides;
/// let o = Overrides::default()
///     .profile("DEV", "--profile")
///     .set("http_timeout_seconds", "120", "--timeout");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// The profile asked for, and the flag that asked. It beats
    /// `DATABRICKS_CONFIG_PROFILE`.
    pub profile: Option<(String, &'static str)>,
    /// Attribute values: (attribute, value, flag). An attribute name that is
    /// not in [`ATTRIBUTES`] is ignored.
    pub values: Vec<(&'static str, String, &'static str)>,
}

impl Overrides {
    /// Asks for `profile` (with `flag`, e.g. `--profile`). A profile that is
    /// not in the file is then an error ([`ConfigError::ProfileNotFound`]).
    #[must_use]
    pub fn profile(mut self, profile: impl Into<String>, flag: &'static str) -> Self {
        self.profile = Some((profile.into(), flag));
        self
    }

    /// Sets `attribute` (a name of [`ATTRIBUTES`]) to `value` (with `flag`, e.g. `--host`).
    #[must_use]
    pub fn set(
        mut self,
        attribute: &'static str,
        value: impl Into<String>,
        flag: &'static str,
    ) -> Self {
        self.values.push((attribute, value.into(), flag));
        self
    }
}

/// Read access to environment variables, so tests can supply their own.
///
/// [`ProcessEnv`] reads the real environment; a `HashMap<String, String>` is an
/// environment too.
pub trait Env {
    /// The variable's value, or `None` when it is unset. Implementations
    /// return `None` for an empty variable too: empty counts as unset, as in
    /// the SDKs.
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment. Empty variables, and variables that are not
/// valid Unicode, count as unset.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

impl Env for HashMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.is_empty()).cloned()
    }
}

/// The resolved configuration: attribute values with their sources.
///
/// `Debug` never shows a value. Build a [`Client`](crate::Client) from it with
/// [`Client::from_config`](crate::Client::from_config).
#[derive(Debug, Clone, Default)]
pub struct Config {
    values: BTreeMap<&'static str, Value>,
    /// The config file that was (or would have been) read; relative to the
    /// current directory when no home directory was given.
    pub config_file: PathBuf,
    /// Whether the config file was read at all.
    pub file_read: bool,
    /// The file was not read because the environment already decides.
    pub file_skipped: bool,
    /// The profile whose keys were used, and why it was chosen.
    pub profile: Option<(String, Source)>,
    /// Profiles defined in the file (when it was read).
    pub profiles: Vec<String>,
    /// Problems worth a warning that do not stop the command (e.g. a config
    /// file other users can read). The library does not emit them: show them.
    pub warnings: Vec<String>,
    /// Settings of the chosen profile that environment variables override:
    /// (variable, attribute), e.g. `("DATABRICKS_HOST", "host")`. The
    /// environment wins (auth.md); a caller that named the profile may warn.
    pub overridden: Vec<(String, &'static str)>,
    /// The [`AMBIENT`] environment variables that are set.
    pub ambient: Ambient,
    /// The home directory [`resolve()`] was given (where Google's gcloud keeps
    /// its application default credentials).
    pub home: Option<PathBuf>,
}

/// Captured [`AMBIENT`] variables; `Debug` shows only their names.
#[derive(Clone, Default)]
pub struct Ambient(BTreeMap<&'static str, String>);

impl Ambient {
    /// The captured value of the variable `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Records `name` as set to `value` (for tests and tools that build a
    /// [`Config`] by hand).
    pub fn set(&mut self, name: &'static str, value: impl Into<String>) {
        self.0.insert(name, value.into());
    }

    /// The set variables in [`AMBIENT`] order: `(name, value, sensitive)`. Mask
    /// a sensitive value before showing it.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str, bool)> {
        AMBIENT
            .iter()
            .filter_map(|(n, s)| self.0.get(n).map(|v| (*n, v.as_str(), *s)))
    }
}

impl fmt::Debug for Ambient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

impl Config {
    /// The value of the attribute `name` (a profile key such as `host`), if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(|v| v.value.as_str())
    }

    /// The value of the attribute `name` and where it came from, if set.
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// Every set attribute, in the order of [`ATTRIBUTES`].
    pub fn values(&self) -> impl Iterator<Item = (&'static Attribute, &Value)> {
        ATTRIBUTES
            .iter()
            .filter_map(|a| self.values.get(a.name).map(|v| (a, v)))
    }

    /// The name of the profile whose keys were used, if any.
    pub fn profile_name(&self) -> Option<&str> {
        self.profile.as_ref().map(|(p, _)| p.as_str())
    }

    /// The normalized workspace URL, e.g. `https://adb-1.2.azuredatabricks.net`;
    /// [`ConfigError::NoHost`] when none is configured.
    pub fn host(&self) -> Result<&str, ConfigError> {
        self.get("host").ok_or_else(|| ConfigError::NoHost {
            looked_at: self.looked_at(),
        })
    }

    /// A sentence naming every place that was searched, for error messages.
    pub fn looked_at(&self) -> String {
        let mut parts = vec![
            "flags".to_string(),
            "the environment (DATABRICKS_HOST, DATABRICKS_TOKEN, DATABRICKS_CONFIG_PROFILE, …)"
                .to_string(),
        ];
        if self.file_read {
            match &self.profile {
                Some((p, _)) => {
                    parts.push(format!("profile [{p}] of {}", self.config_file.display()))
                }
                None => parts.push(format!(
                    "{} (no profile selected)",
                    self.config_file.display()
                )),
            }
        } else if self.file_skipped {
            parts.push(format!(
                "not {} (skipped: the environment configures the workspace and no profile was asked for)",
                self.config_file.display()
            ));
        } else {
            parts.push(format!(
                "{} (it does not exist)",
                self.config_file.display()
            ));
        }
        parts.join(", ")
    }

    /// A numeric attribute, if set: [`ConfigError::InvalidValue`] when it is not
    /// a finite number of 0 or more.
    pub fn number(&self, name: &'static str) -> Result<Option<f64>, ConfigError> {
        let Some(v) = self.values.get(name) else {
            return Ok(None);
        };
        match v.value.trim().parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => Ok(Some(n)),
            _ => Err(ConfigError::InvalidValue {
                name,
                source_desc: v.source.to_string(),
                reason: format!("'{}' is not a non-negative number", v.value),
            }),
        }
    }

    /// A boolean attribute (`true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`, in
    /// any case), false when unset or empty; [`ConfigError::InvalidValue`] otherwise.
    pub fn flag(&self, name: &'static str) -> Result<bool, ConfigError> {
        let Some(v) = self.values.get(name) else {
            return Ok(false);
        };
        match v.value.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(true),
            "false" | "0" | "no" | "off" | "" => Ok(false),
            _ => Err(ConfigError::InvalidValue {
                name,
                source_desc: v.source.to_string(),
                reason: format!("'{}' is not true or false", v.value),
            }),
        }
    }

    /// The auth method groups whose credential attributes are set, sorted and
    /// without repeats: some of `azure`, `basic`, `oauth`, `oidc`, `pat` (see
    /// [`Attribute::method`]). More than one is an error unless `auth_type` is set.
    pub fn methods_present(&self) -> Vec<String> {
        let set: BTreeSet<&str> = self.values().filter_map(|(a, _)| a.method).collect();
        set.into_iter().map(str::to_string).collect()
    }

    /// Test and tool helper: sets an attribute, replacing its value. `name`
    /// should be one of [`ATTRIBUTES`]; a host set here is not normalized.
    pub fn set(&mut self, name: &'static str, value: impl Into<String>, source: Source) {
        self.values.insert(
            name,
            Value {
                value: value.into(),
                source,
            },
        );
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn host_normalization() {
        let cases = [
            (
                "adb-1.2.azuredatabricks.net",
                "https://adb-1.2.azuredatabricks.net",
            ),
            (
                "https://adb-1.2.azuredatabricks.net/?o=123#job/1",
                "https://adb-1.2.azuredatabricks.net",
            ),
            (
                "https://x.cloud.databricks.com/",
                "https://x.cloud.databricks.com",
            ),
            (
                "https://x.cloud.databricks.com:443/path",
                "https://x.cloud.databricks.com",
            ),
            (
                "https://x.cloud.databricks.com:8443",
                "https://x.cloud.databricks.com:8443",
            ),
            ("http://127.0.0.1:8080/api", "http://127.0.0.1:8080"),
            ("http://[::1]:9000", "http://[::1]:9000"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_host(input).unwrap(), want, "{input}");
        }
        assert!(normalize_host("").is_err());
        assert!(normalize_host("ftp://x").is_err());
    }

    #[test]
    fn parse_rules() {
        let text = "[DEFAULT]\nhost = https://d\ntoken = dapiDEFAULT\n\n[dev]\nHOST = https://dev # inline comment\nToken=abc%def;not-a-comment\n\n[Dev]\nhost=https://other\n\n[__settings__]\ndefault_profile = dev\n";
        let f = ConfigFile::parse(text).unwrap();
        assert_eq!(f.profile_names(), vec!["DEFAULT", "dev", "Dev"]);
        let dev = &f.sections["dev"];
        assert_eq!(dev["host"], "https://dev");
        assert_eq!(dev["token"], "abc%def;not-a-comment");
        assert!(!dev.contains_key("username"));
        assert_eq!(f.settings["default_profile"], "dev");
    }

    #[test]
    fn duplicate_section_is_an_error() {
        let err = ConfigFile::parse("[a]\nhost=x\n[a]\nhost=y\n").unwrap_err();
        assert!(matches!(err, ParseProblem::Duplicate(s) if s == "a"));
    }

    fn write_cfg(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".databrickscfg"), text).unwrap();
        let home = dir.path().to_path_buf();
        (dir, home)
    }

    #[test]
    fn env_beats_profile_even_when_profile_is_named() {
        let (_d, home) = write_cfg("[DEV]\nhost = https://dev.example\ntoken = from-file\n");
        let e = env(&[("DATABRICKS_TOKEN", "from-env")]);
        let o = Overrides::default().profile("DEV", "--profile");
        let c = resolve(&o, &e, Some(&home)).unwrap();
        assert_eq!(c.get("token"), Some("from-env"));
        assert_eq!(c.get("host"), Some("https://dev.example"));
        assert_eq!(
            c.value("token").unwrap().source,
            Source::Env("DATABRICKS_TOKEN".into())
        );
    }

    #[test]
    fn default_is_not_inherited() {
        let (_d, home) = write_cfg("[DEFAULT]\ntoken = t\n[DEV]\nhost = https://dev\n");
        let o = Overrides::default().profile("DEV", "--profile");
        let c = resolve(&o, &env(&[]), Some(&home)).unwrap();
        assert_eq!(c.get("token"), None);
    }

    #[test]
    fn env_only_skips_the_file() {
        let (_d, home) = write_cfg("[DEFAULT]\nhost = https://file\nusername = u\n");
        let e = env(&[
            ("DATABRICKS_HOST", "https://env"),
            ("DATABRICKS_TOKEN", "t"),
        ]);
        let c = resolve(&Overrides::default(), &e, Some(&home)).unwrap();
        assert!(!c.file_read);
        assert_eq!(c.get("username"), None);
        assert_eq!(c.get("host"), Some("https://env"));
    }

    #[test]
    fn settings_default_profile_then_default_section() {
        let (_d, home) = write_cfg("[DEFAULT]\nhost = https://d\n[p]\nhost = https://p\n[__settings__]\ndefault_profile = p\n");
        let c = resolve(&Overrides::default(), &env(&[]), Some(&home)).unwrap();
        assert_eq!(c.profile_name(), Some("p"));
        let (_d2, home2) = write_cfg("[DEFAULT]\nhost = https://d\n[p]\nhost = https://p\n");
        let c = resolve(&Overrides::default(), &env(&[]), Some(&home2)).unwrap();
        assert_eq!(c.profile_name(), Some("DEFAULT"));
        let (_d3, home3) = write_cfg("[DEFAULT]\n[p]\nhost = https://p\n");
        let c = resolve(&Overrides::default(), &env(&[]), Some(&home3)).unwrap();
        assert_eq!(c.profile_name(), None);
    }

    #[test]
    fn missing_profile_lists_the_others() {
        let (_d, home) = write_cfg("[a]\nhost=x\n[b]\nhost=y\n");
        let o = Overrides::default().profile("PROD", "--profile");
        let err = resolve(&o, &env(&[]), Some(&home)).unwrap_err();
        assert!(
            err.to_string().contains("has no PROD profile configured"),
            "{err}"
        );
        assert_eq!(err.hint().unwrap(), "profiles in the file: a, b");
        let o = Overrides::default().profile("A", "--profile");
        let err = resolve(&o, &env(&[]), Some(&home)).unwrap_err();
        assert_eq!(
            err.hint().unwrap(),
            "profile names are case-sensitive: the file has a, not A"
        );
    }

    #[test]
    fn config_file_env_and_profile_env() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("custom.cfg");
        std::fs::write(&p, "[X]\nhost = h.example\ntoken = t\n").unwrap();
        let e = env(&[
            ("DATABRICKS_CONFIG_FILE", p.to_str().unwrap()),
            ("DATABRICKS_CONFIG_PROFILE", "X"),
        ]);
        let c = resolve(&Overrides::default(), &e, None).unwrap();
        assert_eq!(c.get("host"), Some("https://h.example"));
        assert_eq!(
            c.profile.unwrap().1,
            Source::Env("DATABRICKS_CONFIG_PROFILE".into())
        );
    }

    #[test]
    fn methods_present_sorted() {
        let e = env(&[
            ("DATABRICKS_HOST", "h"),
            ("DATABRICKS_TOKEN", "t"),
            ("DATABRICKS_CLIENT_ID", "c"),
        ]);
        let c = resolve(&Overrides::default(), &e, None).unwrap();
        assert_eq!(c.methods_present(), vec!["oauth", "pat"]);
    }

    #[test]
    fn debug_never_shows_values() {
        let e = env(&[
            ("DATABRICKS_HOST", "h"),
            ("DATABRICKS_TOKEN", "dapi-SECRET"),
        ]);
        let c = resolve(&Overrides::default(), &e, None).unwrap();
        assert!(!format!("{c:?}").contains("dapi-SECRET"));
    }
}
