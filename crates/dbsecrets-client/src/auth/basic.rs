//! Basic authentication: `Authorization: Basic base64(username:password)`.

use base64::Engine;
use secrecy::{ExposeSecret, SecretString};

use super::{always, secret, AuthError, BoxFuture, CredentialsProvider, Method};

pub const METHOD: Method = Method {
    name: "basic",
    needs: "username and password (DATABRICKS_USERNAME, DATABRICKS_PASSWORD)",
    configured: |c| c.get("username").is_some() && c.get("password").is_some(),
    usable: always,
    build: |c| {
        let user = c.get("username").unwrap_or_default().to_string();
        let password = secret(c, "password").expect("configured() checked password");
        Ok(Box::new(Basic::new(&user, &password)))
    },
};

/// A username and password.
pub struct Basic {
    header: SecretString,
}

impl Basic {
    pub fn new(user: &str, password: &SecretString) -> Self {
        let pair = format!("{user}:{}", password.expose_secret());
        let header = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        );
        Basic {
            header: SecretString::from(header),
        }
    }
}

impl CredentialsProvider for Basic {
    fn name(&self) -> &'static str {
        "basic"
    }

    fn authorization<'a>(
        &'a self,
        _http: &'a reqwest::Client,
    ) -> BoxFuture<'a, Result<SecretString, AuthError>> {
        Box::pin(async move { Ok(self.header.clone()) })
    }
}
