//! Finding the workspace and the credentials: flags, then the environment, then
//! one profile of the config file, exactly as ../shared/spec/auth.md describes
//! (the rules every official Databricks tool follows).
//!
//! The result is a [`Config`]: every attribute that is set, with the place it came
//! from, so that `auth describe` and error messages can say where a value came from.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use ini::{Ini, ParseOption};

/// The config file used when DATABRICKS_CONFIG_FILE is not set, under `$HOME`.
pub const DEFAULT_CONFIG_FILE: &str = ".databrickscfg";
/// Where the unified-authentication rules are documented.
pub const AUTH_DOCS: &str = "https://docs.databricks.com/en/dev-tools/auth/unified-auth.html";

/// A configuration attribute: its profile key, environment variables, and the
/// authentication method it belongs to (for the "more than one method" check).
#[derive(Debug)]
pub struct Attribute {
    pub name: &'static str,
    pub env: &'static [&'static str],
    /// The method group of auth.md's validation rule: pat, basic, oauth, azure, oidc.
    pub method: Option<&'static str>,
    /// Never shown: masked as `***` everywhere.
    pub sensitive: bool,
}

const fn attr(
    name: &'static str,
    env: &'static [&'static str],
    method: Option<&'static str>,
    sensitive: bool,
) -> Attribute {
    Attribute {
        name,
        env,
        method,
        sensitive,
    }
}

/// Every attribute dbsecrets knows. Unknown profile keys are ignored.
pub const ATTRIBUTES: &[Attribute] = &[
    attr("host", &["DATABRICKS_HOST"], None, false),
    attr("token", &["DATABRICKS_TOKEN"], Some("pat"), true),
    attr("username", &["DATABRICKS_USERNAME"], Some("basic"), false),
    attr("password", &["DATABRICKS_PASSWORD"], Some("basic"), true),
    attr("client_id", &["DATABRICKS_CLIENT_ID"], Some("oauth"), false),
    attr(
        "client_secret",
        &["DATABRICKS_CLIENT_SECRET"],
        Some("oauth"),
        true,
    ),
    attr("auth_type", &["DATABRICKS_AUTH_TYPE"], None, false),
    attr("account_id", &["DATABRICKS_ACCOUNT_ID"], None, false),
    attr(
        "azure_workspace_resource_id",
        &["DATABRICKS_AZURE_RESOURCE_ID"],
        Some("azure"),
        false,
    ),
    attr("azure_client_id", &["ARM_CLIENT_ID"], Some("azure"), false),
    attr(
        "azure_client_secret",
        &["ARM_CLIENT_SECRET"],
        Some("azure"),
        true,
    ),
    attr("azure_tenant_id", &["ARM_TENANT_ID"], Some("azure"), false),
    attr("azure_use_msi", &["ARM_USE_MSI"], Some("azure"), false),
    attr("azure_environment", &["ARM_ENVIRONMENT"], None, false),
    attr("oidc_token", &["DATABRICKS_OIDC_TOKEN"], Some("oidc"), true),
    attr(
        "oidc_token_env",
        &["DATABRICKS_OIDC_TOKEN_ENV"],
        None,
        false,
    ),
    attr(
        "oidc_token_filepath",
        &["DATABRICKS_OIDC_TOKEN_FILEPATH"],
        Some("oidc"),
        false,
    ),
    attr("discovery_url", &["DATABRICKS_DISCOVERY_URL"], None, false),
    attr(
        "token_audience",
        &["DATABRICKS_TOKEN_AUDIENCE"],
        None,
        false,
    ),
    attr("databricks_cli_path", &["DATABRICKS_CLI_PATH"], None, false),
    attr("http_timeout_seconds", &[], None, false),
    attr("retry_timeout_seconds", &[], None, false),
    attr("rate_limit", &["DATABRICKS_RATE_LIMIT"], None, false),
    attr("skip_verify", &[], None, false),
];

/// Environment variables that are not configuration attributes but that some
/// methods need: whether a tool is on PATH, GitHub Actions' ID-token service,
/// and the test override of the Azure AD login endpoint. Captured once by
/// [`resolve`], so that the auth methods never read the process environment.
pub const AMBIENT: &[(&str, bool)] = &[
    ("PATH", false),
    ("ACTIONS_ID_TOKEN_REQUEST_URL", false),
    ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", true),
    ("DBSECRETS_AZURE_LOGIN_URL", false),
];

/// Looks up an attribute definition by its profile key.
pub fn attribute(name: &str) -> Option<&'static Attribute> {
    ATTRIBUTES.iter().find(|a| a.name == name)
}

/// Where a resolved value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag, e.g. `--profile`.
    Flag(&'static str),
    /// An environment variable, by name.
    Env(String),
    /// A key of a profile in a config file.
    File { path: PathBuf, profile: String },
    /// Chosen by a rule, not set anywhere (e.g. the `DEFAULT` profile).
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

/// One resolved attribute value and its origin.
#[derive(Clone, PartialEq, Eq)]
pub struct Value {
    pub value: String,
    pub source: Source,
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values may be credentials: Debug never shows them.
        write!(f, "Value(***, {:?})", self.source)
    }
}

/// What the command line decided before configuration is resolved.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub profile: Option<String>,
    pub host: Option<String>,
}

/// Read access to environment variables, so tests can supply their own.
pub trait Env {
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment. Empty variables count as unset, as in the SDKs.
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

impl From<ConfigError> for crate::error::CliError {
    fn from(e: ConfigError) -> Self {
        let hint = e.hint();
        let err = crate::error::CliError::usage(e.to_string());
        match hint {
            Some(h) => err.with_hint(h),
            None => err,
        }
    }
}

/// The resolved configuration: attribute values with their sources.
#[derive(Debug, Clone, Default)]
pub struct Config {
    values: BTreeMap<&'static str, Value>,
    /// The config file that was (or would have been) read.
    pub config_file: PathBuf,
    /// Whether the config file was read at all.
    pub file_read: bool,
    /// The file was not read because the environment already decides.
    pub file_skipped: bool,
    /// The profile whose keys were used, and why it was chosen.
    pub profile: Option<(String, Source)>,
    /// Profiles defined in the file (when it was read).
    pub profiles: Vec<String>,
    /// Problems worth a warning that do not stop the command (e.g. file permissions).
    pub warnings: Vec<String>,
    /// The [`AMBIENT`] environment variables that are set.
    pub ambient: Ambient,
}

/// Captured [`AMBIENT`] variables; Debug shows only their names.
#[derive(Clone, Default)]
pub struct Ambient(BTreeMap<&'static str, String>);

impl Ambient {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub fn set(&mut self, name: &'static str, value: impl Into<String>) {
        self.0.insert(name, value.into());
    }

    /// The set variables in [`AMBIENT`] order, with whether each is sensitive.
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
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(|v| v.value.as_str())
    }

    pub fn value(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// Every set attribute, in the order of [`ATTRIBUTES`].
    pub fn values(&self) -> impl Iterator<Item = (&'static Attribute, &Value)> {
        ATTRIBUTES
            .iter()
            .filter_map(|a| self.values.get(a.name).map(|v| (a, v)))
    }

    pub fn profile_name(&self) -> Option<&str> {
        self.profile.as_ref().map(|(p, _)| p.as_str())
    }

    /// The normalized workspace URL, e.g. `https://adb-1.2.azuredatabricks.net`.
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

    /// A numeric attribute, if set.
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

    /// A boolean attribute (`true`/`false`, `1`/`0`, `yes`/`no`), false when unset.
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

    /// The auth method groups whose credential attributes are set (sorted).
    pub fn methods_present(&self) -> Vec<String> {
        let set: BTreeSet<&str> = self.values().filter_map(|(a, _)| a.method).collect();
        set.into_iter().map(str::to_string).collect()
    }

    /// Test and tool helper: sets an attribute.
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

/// The config file's path: DATABRICKS_CONFIG_FILE (with `~/` expanded), else `~/.databrickscfg`.
pub fn config_file_path(env: &dyn Env, home: Option<&Path>) -> PathBuf {
    let home = home.map(Path::to_path_buf).unwrap_or_default();
    match env.var("DATABRICKS_CONFIG_FILE") {
        Some(p) if p == "~" => home,
        Some(p) => match p.strip_prefix("~/") {
            Some(rest) => home.join(rest),
            None => PathBuf::from(p),
        },
        None => home.join(DEFAULT_CONFIG_FILE),
    }
}

/// Resolves the configuration from flags, the environment and the config file.
pub fn resolve(
    overrides: &Overrides,
    env: &dyn Env,
    home: Option<&Path>,
) -> Result<Config, ConfigError> {
    let mut cfg = Config {
        config_file: config_file_path(env, home),
        ..Config::default()
    };
    for (name, _) in AMBIENT {
        if let Some(v) = env.var(name) {
            cfg.ambient.set(name, v);
        }
    }

    // 1. Flags.
    if let Some(h) = &overrides.host {
        cfg.set("host", h.clone(), Source::Flag("--host"));
    }
    let asked_profile = match (&overrides.profile, env.var("DATABRICKS_CONFIG_PROFILE")) {
        (Some(p), _) => Some((p.clone(), Source::Flag("--profile"))),
        (None, Some(p)) => Some((p, Source::Env("DATABRICKS_CONFIG_PROFILE".into()))),
        (None, None) => None,
    };

    // 2. The environment fills what is still unset.
    for a in ATTRIBUTES {
        if cfg.values.contains_key(a.name) {
            continue;
        }
        if let Some((var, v)) = a.env.iter().find_map(|var| env.var(var).map(|v| (*var, v))) {
            cfg.set(a.name, v, Source::Env(var.to_string()));
        }
    }
    // DATABRICKS_OIDC_TOKEN_ENV names another variable that holds the ID token.
    if !cfg.values.contains_key("oidc_token") {
        if let Some(var) = cfg.get("oidc_token_env").map(str::to_string) {
            if let Some(v) = env.var(&var) {
                cfg.set("oidc_token", v, Source::Env(var));
            }
        }
    }

    // 3. The config file, unless the environment already decides and no profile was asked for.
    let env_configures = cfg
        .values()
        .any(|(a, _)| a.name == "host" || a.method.is_some());
    if asked_profile.is_some() || !env_configures {
        load_profile(&mut cfg, asked_profile)?;
    } else {
        cfg.file_skipped = true;
    }

    if let Some(v) = cfg.values.get_mut("host") {
        v.value = normalize_host(&v.value).map_err(|reason| ConfigError::InvalidHost {
            host: v.value.clone(),
            reason,
        })?;
    }
    Ok(cfg)
}

/// One profile of the config file on its own, as `auth profiles` shows it: its
/// keys only, with no DATABRICKS_* or ARM_* variable filling in (the file's location
/// and the [`AMBIENT`] variables still come from the environment).
pub fn resolve_profile_alone(
    name: &str,
    env: &dyn Env,
    home: Option<&Path>,
) -> Result<Config, ConfigError> {
    let overrides = Overrides {
        profile: Some(name.to_string()),
        host: None,
    };
    resolve(&overrides, &ProfileOnly(env), home)
}

struct ProfileOnly<'a>(&'a dyn Env);

impl Env for ProfileOnly<'_> {
    fn var(&self, name: &str) -> Option<String> {
        let passed = name == "DATABRICKS_CONFIG_FILE" || AMBIENT.iter().any(|(n, _)| *n == name);
        passed.then(|| self.0.var(name)).flatten()
    }
}

/// The environment variables that set the host, credentials or auth_type: they
/// take precedence over every profile.
pub fn env_overrides(env: &dyn Env) -> Vec<&'static str> {
    ATTRIBUTES
        .iter()
        .filter(|a| a.name == "host" || a.name == "auth_type" || a.method.is_some())
        .flat_map(|a| a.env.iter().copied())
        .filter(|var| env.var(var).is_some())
        .collect()
}

/// The profiles of the config file, in file order, and the one used when none is
/// asked for. `None` when the file does not exist.
pub fn list_profiles(
    env: &dyn Env,
    home: Option<&Path>,
) -> Result<Option<ProfileList>, ConfigError> {
    let path = config_file_path(env, home);
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| ConfigError::Parse {
            path: path.clone(),
            reason: "it is not UTF-8 text".into(),
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ConfigError::Read {
                path,
                reason: e.to_string(),
            })
        }
    };
    let file = ConfigFile::parse(&text).map_err(|e| e.at(&path))?;
    let default = match file.settings.get("default_profile") {
        Some(p) if !p.is_empty() => Some(p.clone()),
        _ => file
            .sections
            .get("DEFAULT")
            .filter(|keys| !keys.is_empty())
            .map(|_| "DEFAULT".to_string()),
    };
    Ok(Some(ProfileList {
        names: file.profile_names(),
        default,
        path,
    }))
}

/// What [`list_profiles`] found.
#[derive(Debug, Clone)]
pub struct ProfileList {
    pub path: PathBuf,
    pub names: Vec<String>,
    pub default: Option<String>,
}

fn load_profile(cfg: &mut Config, asked: Option<(String, Source)>) -> Result<(), ConfigError> {
    let path = cfg.config_file.clone();
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| ConfigError::Parse {
            path: path.clone(),
            reason: "it is not UTF-8 text".into(),
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return match asked {
                Some((profile, _)) => Err(ConfigError::NoConfigFile { path, profile }),
                None => Ok(()),
            };
        }
        Err(e) => {
            return Err(ConfigError::Read {
                path,
                reason: e.to_string(),
            })
        }
    };
    cfg.file_read = true;
    if let Some(w) = permission_warning(&path) {
        cfg.warnings.push(w);
    }
    let file = ConfigFile::parse(&text).map_err(|e| e.at(&path))?;
    cfg.profiles = file.profile_names();

    let chosen = match asked {
        Some(p) => Some(p),
        None => match file.settings.get("default_profile") {
            Some(p) if !p.is_empty() => Some((
                p.clone(),
                Source::File {
                    path: path.clone(),
                    profile: "__settings__".into(),
                },
            )),
            _ => file
                .sections
                .get("DEFAULT")
                .filter(|keys| !keys.is_empty())
                .map(|_| {
                    (
                        "DEFAULT".to_string(),
                        Source::Default("the DEFAULT profile"),
                    )
                }),
        },
    };
    let Some((name, why)) = chosen else {
        return Ok(());
    };
    let Some(keys) = file.sections.get(&name) else {
        return Err(ConfigError::ProfileNotFound {
            path,
            available: cfg.profiles.clone(),
            profile: name,
        });
    };
    for a in ATTRIBUTES {
        if cfg.values.contains_key(a.name) {
            continue;
        }
        if let Some(v) = keys.get(a.name).filter(|v| !v.is_empty()) {
            cfg.set(
                a.name,
                v.clone(),
                Source::File {
                    path: path.clone(),
                    profile: name.clone(),
                },
            );
        }
    }
    cfg.profile = Some((name, why));
    Ok(())
}

/// Like ssh with a private key: credentials in a file that others can read deserve a warning.
#[cfg(unix)]
pub fn permission_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "{} is accessible by other users (mode {mode:03o}) and may hold credentials; run: chmod 600 {}",
            path.display(),
            path.display()
        )
    })
}

#[cfg(not(unix))]
pub fn permission_warning(_path: &Path) -> Option<String> {
    None
}

/// A parsed config file: each profile's keys (lower-cased), plus `[__settings__]`.
#[derive(Debug, Default, PartialEq)]
pub struct ConfigFile {
    pub sections: BTreeMap<String, HashMap<String, String>>,
    pub settings: HashMap<String, String>,
    order: Vec<String>,
}

/// A parse problem before the file's path is known.
#[derive(Debug)]
pub enum ParseProblem {
    Syntax(String),
    Duplicate(String),
}

impl ParseProblem {
    fn at(self, path: &Path) -> ConfigError {
        match self {
            ParseProblem::Syntax(reason) => ConfigError::Parse {
                path: path.to_path_buf(),
                reason,
            },
            ParseProblem::Duplicate(section) => ConfigError::DuplicateSection {
                path: path.to_path_buf(),
                section,
            },
        }
    }
}

impl ConfigFile {
    /// Parses INI text by the rules of auth.md: case-sensitive section names,
    /// case-insensitive keys, raw values (no escapes, quotes or interpolation),
    /// `#`/`;` after whitespace start an inline comment, duplicate sections are an
    /// error, and `[DEFAULT]` is a profile like any other (nothing is inherited).
    pub fn parse(text: &str) -> Result<ConfigFile, ParseProblem> {
        let opt = ParseOption {
            enabled_quote: false,
            enabled_escape: false,
            ..ParseOption::default()
        };
        let ini =
            Ini::load_from_str_opt(text, opt).map_err(|e| ParseProblem::Syntax(e.to_string()))?;
        let mut file = ConfigFile::default();
        for (section, props) in ini.iter() {
            let Some(section) = section else {
                continue; // keys before any section belong to no profile
            };
            let keys: HashMap<String, String> = props
                .iter()
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                .collect();
            if section == "__settings__" {
                file.settings.extend(keys);
                continue;
            }
            if file.sections.contains_key(section) {
                return Err(ParseProblem::Duplicate(section.to_string()));
            }
            file.order.push(section.to_string());
            file.sections.insert(section.to_string(), keys);
        }
        Ok(file)
    }

    /// Profile names in file order.
    pub fn profile_names(&self) -> Vec<String> {
        self.order.clone()
    }
}

/// Host normalization of the Go SDK: add `https://` when there is no scheme, keep
/// only scheme, host and a non-default port.
pub fn normalize_host(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("it is empty".into());
    }
    let with_scheme = if raw.contains("://") {
        raw.to_string()
    } else {
        format!("https://{raw}")
    };
    let url = reqwest::Url::parse(&with_scheme).map_err(|e| e.to_string())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "the scheme must be https (or http for a local emulator), not {}",
            url.scheme()
        ));
    }
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or("it has no host name")?;
    Ok(match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    })
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
        let o = Overrides {
            profile: Some("DEV".into()),
            host: None,
        };
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
        let o = Overrides {
            profile: Some("DEV".into()),
            host: None,
        };
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
        let o = Overrides {
            profile: Some("PROD".into()),
            host: None,
        };
        let err = resolve(&o, &env(&[]), Some(&home)).unwrap_err();
        assert!(
            err.to_string().contains("has no PROD profile configured"),
            "{err}"
        );
        assert_eq!(
            err.hint().unwrap(),
            "profiles in the file: a, b; pick one with -p/--profile"
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
