//! Connection settings: the workspace URL, timeouts, the retry budget, the rate
//! limit and TLS verification, with the official SDKs' defaults, read from a
//! resolved [`Config`] and checked to be in range.

use std::time::Duration;

use crate::config::{Config, ConfigError, Source};

/// Connection and retry settings of a [`Client`](crate::Client).
///
/// Start from [`Settings::from_config`] (or [`Settings::new`] for the SDK
/// defaults) and change fields as needed; the struct is `#[non_exhaustive]`, so
/// it cannot be built with a literal outside this crate.
///
/// ```
/// use std::time::Duration;
/// let mut s = dbsecrets_client::Settings::new("https://adb-1.2.azuredatabricks.net")
///     .with_user_agent("my-tool", "1.0.0");
/// s.retry_timeout = Duration::from_secs(30);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Settings {
    /// Normalized workspace URL, e.g. `https://adb-1.2.azuredatabricks.net`:
    /// scheme, host and port only, no trailing `/`. Plain `http` is refused
    /// when a client is built, except to a loopback address (a local emulator).
    pub host: String,
    /// Time limit of one attempt, from sending to the end of the body
    /// (`http_timeout_seconds`, default 60 s). Connecting is limited to the
    /// smaller of this and 10 s.
    pub timeout: Duration,
    /// Budget for retrying one call (`retry_timeout_seconds`, default 300 s):
    /// no retry is started whose wait would end later than this after the
    /// first attempt began. Zero disables retries.
    pub retry_timeout: Duration,
    /// Budget for retrying a connection that fails (refused, reset): long
    /// enough for a local server to start, short enough for a wrong port to
    /// fail fast. Default 10 s; `retry_timeout_seconds`, when set, sets it too.
    pub connect_retry_timeout: Duration,
    /// Most requests per second this client sends (`rate_limit`, default 15);
    /// clients share one limit only through [`Client::with_limiter`](crate::Client::with_limiter).
    /// Zero or less means no limit.
    pub rate_limit: f64,
    /// Accept any TLS certificate (`skip_verify`, default false). Dangerous:
    /// building a client with it emits an [`Event::Warning`](crate::Event::Warning).
    pub skip_verify: bool,
    /// The product part of the User-Agent, e.g. `dbsecrets/0.1.0` (default
    /// `dbsecrets-client/<version>`); the client appends `os/<os> auth/<method>`.
    pub user_agent: String,
    /// The workspace id (`workspace_id`, `DATABRICKS_WORKSPACE_ID`): sent as
    /// `X-Databricks-Workspace-Id` on every request, as the SDKs do, to route
    /// workspace calls on unified hosts.
    pub workspace_id: Option<String>,
}

impl Settings {
    /// The official SDKs' defaults for `host`: 60 s per request, 300 s of
    /// retries, 15 requests per second, certificates verified. `host` is used
    /// as given: pass a normalized URL ([`normalize_host`](crate::config::normalize_host)).
    pub fn new(host: impl Into<String>) -> Self {
        Settings {
            host: host.into(),
            timeout: Duration::from_secs(60),
            retry_timeout: Duration::from_secs(300),
            connect_retry_timeout: Duration::from_secs(10),
            rate_limit: 15.0,
            skip_verify: false,
            user_agent: format!("dbsecrets-client/{}", env!("CARGO_PKG_VERSION")),
            workspace_id: None,
        }
    }

    /// The settings of a resolved configuration: its host, and each setting
    /// (from an override, the environment or the profile) checked to be in range.
    ///
    /// Fails with [`ConfigError::NoHost`] when no host is configured, and with
    /// [`ConfigError::InvalidValue`] or [`ConfigError::OutOfRange`] for a setting
    /// that is not a number, not a boolean, or out of range: the timeout and the
    /// rate limit must be above 0, the retry budget 0 or more, each at most 1,000,000.
    pub fn from_config(cfg: &Config) -> Result<Self, ConfigError> {
        let mut settings = Settings::new(cfg.host()?);
        if let Some(t) = number(cfg, "http_timeout_seconds", true)? {
            settings.timeout = Duration::from_secs_f64(t);
        }
        if let Some(t) = number(cfg, "retry_timeout_seconds", false)? {
            settings.retry_timeout = Duration::from_secs_f64(t);
            settings.connect_retry_timeout = settings.retry_timeout;
        }
        if let Some(r) = number(cfg, "rate_limit", true)? {
            settings.rate_limit = r;
        }
        settings.skip_verify = cfg.flag("skip_verify")?;
        if let Some(v) = cfg.value("workspace_id") {
            let id = v.value.trim();
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
                return Err(ConfigError::InvalidValue {
                    name: "workspace_id",
                    source_desc: v.source.to_string(),
                    reason: format!("'{}' is not a workspace id (digits only)", v.value),
                });
            }
            settings.workspace_id = Some(id.to_string());
        }
        Ok(settings)
    }

    /// Sets the product name and version of the User-Agent (`product/version`),
    /// so that the workspace's audit logs name the tool that made the requests.
    #[must_use]
    pub fn with_user_agent(mut self, product: &str, version: &str) -> Self {
        self.user_agent = format!("{product}/{version}");
        self
    }
}

/// A numeric setting, at most 1,000,000 and above zero (or, with
/// `!min_exclusive`, zero or more).
fn number(
    cfg: &Config,
    name: &'static str,
    min_exclusive: bool,
) -> Result<Option<f64>, ConfigError> {
    let Some(v) = cfg.value(name) else {
        return Ok(None);
    };
    // An override names its flag; anything else is "the configuration".
    let (n, label) = match &v.source {
        Source::Flag(flag) => match v.value.trim().parse::<f64>() {
            Ok(n) => (n, flag.to_string()),
            Err(_) => return cfg.number(name),
        },
        _ => (
            cfg.number(name)?.unwrap_or_default(),
            format!("{name} in the configuration"),
        ),
    };
    if n.is_finite() && (n > 0.0 || (!min_exclusive && n == 0.0)) && n <= 1e6 {
        return Ok(Some(n));
    }
    Err(ConfigError::OutOfRange {
        setting: label,
        value: n,
        rule: if min_exclusive {
            "greater than 0"
        } else {
            "0 or more"
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&'static str, &str, Source)]) -> Config {
        let mut c = Config::default();
        c.set("host", "https://h", Source::Default("test"));
        for (k, v, s) in pairs {
            c.set(k, *v, s.clone());
        }
        c
    }

    #[test]
    fn defaults_and_overrides() {
        let s = Settings::from_config(&cfg(&[])).unwrap();
        assert_eq!(s.timeout, Duration::from_secs(60));
        assert_eq!(s.rate_limit, 15.0);
        let s = Settings::from_config(&cfg(&[(
            "retry_timeout_seconds",
            "0",
            Source::Flag("--retry-timeout"),
        )]))
        .unwrap();
        assert_eq!(s.retry_timeout, Duration::ZERO);
    }

    #[test]
    fn out_of_range_names_the_source() {
        let e = Settings::from_config(&cfg(&[(
            "http_timeout_seconds",
            "0",
            Source::Flag("--timeout"),
        )]))
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "--timeout is 0: it must be greater than 0 and at most 1000000"
        );
        let file = Source::File {
            path: "/c".into(),
            profile: "P".into(),
        };
        let e = Settings::from_config(&cfg(&[("rate_limit", "1e7", file)])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "rate_limit in the configuration is 10000000: it must be greater than 0 and at most 1000000"
        );
    }
}
