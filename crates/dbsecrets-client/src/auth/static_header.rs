//! Methods whose credential is a fixed header: personal access tokens
//! (`Authorization: Bearer <token>`) and basic authentication
//! (`Authorization: Basic base64(username:password)`).

use base64::Engine;
use secrecy::{ExposeSecret, SecretString};

use super::{always, secret, BoxFuture, CredentialsProvider, Method};
use crate::error::SignInError;
use crate::http::Http;

pub const PAT: Method = Method {
    name: "pat",
    needs: "token (DATABRICKS_TOKEN)",
    configured: |c| c.get("token").is_some(),
    usable: always,
    build: |c| {
        let token = secret(c, "token").expect("configured() checked token");
        Ok(Box::new(StaticHeader::bearer(&token)))
    },
};

pub const BASIC: Method = Method {
    name: "basic",
    needs: "username and password (DATABRICKS_USERNAME, DATABRICKS_PASSWORD)",
    configured: |c| c.get("username").is_some() && c.get("password").is_some(),
    usable: always,
    build: |c| {
        let user = c.get("username").unwrap_or_default().to_string();
        let password = secret(c, "password").expect("configured() checked password");
        Ok(Box::new(StaticHeader::basic(&user, &password)))
    },
};

/// A credential that is the same header for every request.
pub struct StaticHeader {
    name: &'static str,
    header: SecretString,
}

impl StaticHeader {
    /// A personal access token (`pat`).
    pub fn bearer(token: &SecretString) -> Self {
        StaticHeader {
            name: PAT.name,
            header: SecretString::from(format!("Bearer {}", token.expose_secret())),
        }
    }

    /// A username and password (`basic`).
    pub fn basic(user: &str, password: &SecretString) -> Self {
        let pair = format!("{user}:{}", password.expose_secret());
        StaticHeader {
            name: BASIC.name,
            header: SecretString::from(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            )),
        }
    }
}

impl CredentialsProvider for StaticHeader {
    fn name(&self) -> &'static str {
        self.name
    }

    fn authorization<'a>(
        &'a self,
        _http: &'a Http,
    ) -> BoxFuture<'a, Result<SecretString, SignInError>> {
        Box::pin(async move { Ok(self.header.clone()) })
    }

    /// Only the workspace is ever contacted.
    fn remote_endpoints(&self) -> bool {
        false
    }
}
