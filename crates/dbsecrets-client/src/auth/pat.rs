//! Personal access tokens: `Authorization: Bearer <token>`.

use secrecy::{ExposeSecret, SecretString};

use super::{always, secret, AuthError, BoxFuture, CredentialsProvider, Method};

pub const METHOD: Method = Method {
    name: "pat",
    needs: "token (DATABRICKS_TOKEN)",
    configured: |c| c.get("token").is_some(),
    usable: always,
    build: |c| {
        let token = secret(c, "token").expect("configured() checked token");
        Ok(Box::new(Pat::new(token)))
    },
};

/// A personal access token.
pub struct Pat {
    header: SecretString,
}

impl Pat {
    pub fn new(token: SecretString) -> Self {
        let header = SecretString::from(format!("Bearer {}", token.expose_secret()));
        Pat { header }
    }
}

impl CredentialsProvider for Pat {
    fn name(&self) -> &'static str {
        "pat"
    }

    fn authorization<'a>(
        &'a self,
        _http: &'a reqwest::Client,
    ) -> BoxFuture<'a, Result<SecretString, AuthError>> {
        Box::pin(async move { Ok(self.header.clone()) })
    }
}
