//! Resolution: flags (overrides), then the environment, then one profile of the
//! config file, each filling only what is still unset.

use std::path::Path;

use super::file::{config_file_path, load_profile};
use super::{Config, ConfigError, Env, Overrides, Source, AMBIENT, ATTRIBUTES};

/// Resolves the configuration from flags, the environment and the config file,
/// by the rules of the [module documentation](super).
///
/// `env` is where environment variables are read ([`ProcessEnv`](super::ProcessEnv)
/// for the real ones); `home` is the home directory, for `~/.databrickscfg` and a
/// `~/` in `DATABRICKS_CONFIG_FILE`. The file is read from disk; nothing is sent.
///
/// Succeeds without a host or credentials: those are checked when a client is
/// built. Fails when the file cannot be read or parsed, a profile that was
/// asked for does not exist, or the host is not a valid URL.
pub fn resolve(
    overrides: &Overrides,
    env: &dyn Env,
    home: Option<&Path>,
) -> Result<Config, ConfigError> {
    let mut cfg = Config {
        config_file: config_file_path(env, home),
        home: home.map(Path::to_path_buf),
        ..Config::default()
    };
    for (name, _) in AMBIENT {
        if let Some(v) = env.var(name) {
            cfg.ambient.set(name, v);
        }
    }

    // 1. Flags.
    for (name, value, flag) in &overrides.values {
        if let Some(a) = super::attribute(name) {
            cfg.set(a.name, value.clone(), Source::Flag(flag));
        }
    }
    let asked_profile = match (&overrides.profile, env.var("DATABRICKS_CONFIG_PROFILE")) {
        (Some((p, flag)), _) => Some((p.clone(), Source::Flag(flag))),
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
/// and the [`AMBIENT`] variables still come from the environment). Errors as
/// [`resolve()`].
pub fn resolve_profile_alone(
    name: &str,
    env: &dyn Env,
    home: Option<&Path>,
) -> Result<Config, ConfigError> {
    // The flag label is only shown for values set by flags; here there are none.
    let overrides = Overrides::default().profile(name, "--profile");
    resolve(&overrides, &ProfileOnly(env), home)
}

struct ProfileOnly<'a>(&'a dyn Env);

impl Env for ProfileOnly<'_> {
    fn var(&self, name: &str) -> Option<String> {
        let passed = name == "DATABRICKS_CONFIG_FILE" || AMBIENT.iter().any(|(n, _)| *n == name);
        passed.then(|| self.0.var(name)).flatten()
    }
}

/// The environment variables that are set and that set the host, credentials
/// or auth_type: they take precedence over every profile, which is worth a
/// warning when a profile is asked for.
pub fn env_overrides(env: &dyn Env) -> Vec<&'static str> {
    ATTRIBUTES
        .iter()
        .filter(|a| a.name == "host" || a.name == "auth_type" || a.method.is_some())
        .flat_map(|a| a.env.iter().copied())
        .filter(|var| env.var(var).is_some())
        .collect()
}

/// Host normalization of the Go SDK: add `https://` when there is no scheme, keep
/// only scheme, host and a non-default port.
///
/// The error is a reason in words (empty, not a URL, a scheme other than
/// `http`/`https`, no host name).
///
/// ```
/// use dbsecrets_client::config::normalize_host;
/// assert_eq!(
///     normalize_host("adb-1.2.azuredatabricks.net/?o=123#job/1").unwrap(),
///     "https://adb-1.2.azuredatabricks.net"
/// );
/// assert_eq!(normalize_host("http://127.0.0.1:8080/api").unwrap(), "http://127.0.0.1:8080");
/// ```
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
