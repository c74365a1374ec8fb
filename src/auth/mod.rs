//! Credential providers: each authentication method of auth.md behind one trait,
//! and the chain that picks the method for a resolved [`Config`].
//!
//! A provider hands out the value of the `Authorization` header. Providers that
//! fetch tokens (OAuth, CLIs) cache them, so a process fetches each token once.

mod basic;
mod pat;

use std::future::Future;
use std::pin::Pin;

use secrecy::SecretString;

use crate::config::{Config, ConfigError};

pub use basic::Basic;
pub use pat::Pat;

/// A boxed future, so the trait stays object-safe without extra crates.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Failures while obtaining a credential (exit code 4).
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("{0}")]
    Failed(String),
}

/// One authentication method.
pub trait CredentialsProvider: Send + Sync {
    /// The auth_type name, e.g. `pat`; it also goes into the User-Agent.
    fn name(&self) -> &'static str;
    /// The `Authorization` header value for the next request.
    fn authorization<'a>(
        &'a self,
        http: &'a reqwest::Client,
    ) -> BoxFuture<'a, Result<SecretString, AuthError>>;
}

/// A method of the chain: its name, whether its attributes are present, and how to build it.
pub struct Method {
    pub name: &'static str,
    /// The attributes it needs, for error messages.
    pub needs: &'static str,
    pub configured: fn(&Config) -> bool,
    pub build: fn(&Config) -> Result<Box<dyn CredentialsProvider>, ConfigError>,
}

/// The methods in the order auth.md tries them when auth_type is not set.
pub const CHAIN: &[Method] = &[pat::METHOD, basic::METHOD];

/// Picks the provider: the forced `auth_type`, else the first configured method of
/// the chain. Applies the "more than one authorization method" check first.
pub fn provider(cfg: &Config) -> Result<Box<dyn CredentialsProvider>, ConfigError> {
    if let Some(forced) = cfg.value("auth_type") {
        let Some(method) = CHAIN.iter().find(|m| m.name == forced.value) else {
            return Err(ConfigError::UnknownAuthType {
                value: forced.value.clone(),
                source_desc: forced.source.to_string(),
                known: CHAIN.iter().map(|m| m.name).collect(),
            });
        };
        if !(method.configured)(cfg) {
            return Err(ConfigError::IncompleteMethod {
                method: method.name,
                source_desc: forced.source.to_string(),
                missing: method.needs.to_string(),
            });
        }
        return (method.build)(cfg);
    }
    let methods = cfg.methods_present();
    if methods.len() > 1 {
        return Err(ConfigError::MultipleMethods { methods });
    }
    match CHAIN.iter().find(|m| (m.configured)(cfg)) {
        Some(m) => (m.build)(cfg),
        None => Err(ConfigError::NoCredentials {
            host: cfg.get("host").unwrap_or("the workspace").to_string(),
            looked_at: cfg.looked_at(),
        }),
    }
}

/// Reads a required attribute as a secret.
fn secret(cfg: &Config, name: &str) -> Option<SecretString> {
    cfg.get(name).map(|v| SecretString::from(v.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Source;

    fn cfg(pairs: &[(&'static str, &str)]) -> Config {
        let mut c = Config::default();
        for (k, v) in pairs {
            c.set(k, *v, Source::Env(format!("X_{k}")));
        }
        c
    }

    #[test]
    fn pat_is_chosen() {
        let p = provider(&cfg(&[("host", "https://h"), ("token", "t")])).unwrap();
        assert_eq!(p.name(), "pat");
    }

    #[test]
    fn basic_is_chosen() {
        let p = provider(&cfg(&[
            ("host", "https://h"),
            ("username", "u"),
            ("password", "p"),
        ]))
        .unwrap();
        assert_eq!(p.name(), "basic");
    }

    #[test]
    fn more_than_one_method() {
        let err = provider(&cfg(&[
            ("token", "t"),
            ("username", "u"),
            ("password", "p"),
        ]))
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            "validate: more than one authorization method configured: basic and pat"
        );
    }

    #[test]
    fn auth_type_forces_and_skips_the_check() {
        let p = provider(&cfg(&[
            ("token", "t"),
            ("username", "u"),
            ("password", "p"),
            ("auth_type", "basic"),
        ]))
        .unwrap();
        assert_eq!(p.name(), "basic");
        let err = provider(&cfg(&[("token", "t"), ("auth_type", "basic")]))
            .err()
            .unwrap();
        assert!(err.to_string().contains("auth_type basic is set"), "{err}");
        let err = provider(&cfg(&[("token", "t"), ("auth_type", "magic")]))
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("unknown auth_type 'magic'"),
            "{err}"
        );
    }

    #[test]
    fn nothing_configured() {
        let err = provider(&cfg(&[("host", "https://h")])).err().unwrap();
        assert!(
            err.to_string()
                .starts_with("no credentials configured for https://h"),
            "{err}"
        );
    }
}
