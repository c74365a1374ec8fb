//! OAuth machine-to-machine: a service principal's client id and OAuth secret,
//! exchanged for a short-lived token with the client-credentials grant.

use secrecy::{ExposeSecret, SecretString};

use super::token::{Discovery, TokenResponse};
use super::{always, origin, secret, BoxFuture, Cached, Method, Token, TokenSource};
use crate::error::SignInError;
use crate::http::Http;

pub const METHOD: Method = Method {
    name: "oauth-m2m",
    needs: "client_id and client_secret (DATABRICKS_CLIENT_ID, DATABRICKS_CLIENT_SECRET)",
    configured: |c| c.get("client_id").is_some() && c.get("client_secret").is_some(),
    usable: always,
    build: |c| {
        let mut p = OAuthM2m::new(
            Discovery::for_config(c)?,
            c.get("client_id").unwrap_or_default(),
            secret(c, "client_secret").expect("configured() checked client_secret"),
        );
        p.origin = origin(c, "client_id");
        Ok(Box::new(Cached::new(p)))
    },
};

/// A service principal's client id and OAuth secret, exchanged for a token:
/// `POST <token endpoint>` with `Authorization: Basic base64(client_id:secret)`
/// and `grant_type=client_credentials&scope=all-apis`. The token endpoint is
/// found once through the [`Discovery`] document. Wrap it in [`Cached`](super::Cached).
pub struct OAuthM2m {
    discovery: Discovery,
    client_id: String,
    client_secret: SecretString,
    /// Where the client id came from, for the hint after a rejection.
    origin: String,
}

impl OAuthM2m {
    /// A service principal of the workspace (or account) whose token endpoint
    /// `discovery` finds.
    pub fn new(discovery: Discovery, client_id: &str, client_secret: SecretString) -> Self {
        OAuthM2m {
            discovery,
            client_id: client_id.to_string(),
            client_secret,
            origin: String::new(),
        }
    }

    async fn fetch_token(&self, http: &Http) -> Result<Token, SignInError> {
        let endpoint = self.discovery.token_endpoint(http, METHOD.name).await?;
        let req = http
            .client()
            .post(endpoint)
            .basic_auth(&self.client_id, Some(self.client_secret.expose_secret()))
            .form(&[("grant_type", "client_credentials"), ("scope", "all-apis")]);
        let result = super::token::send_json::<TokenResponse>(http, req, endpoint, "a token")
            .await
            .and_then(|r| r.into_token(endpoint));
        result.map_err(|f| {
            f.auth_error(
                format!(
                    "oauth-m2m: cannot get a token for client id '{}' from {endpoint}: {f}",
                    self.client_id
                ),
                || {
                    let from = if self.origin.is_empty() {
                        String::new()
                    } else {
                        format!(" (client id from {})", self.origin)
                    };
                    format!("check the service principal's client id and OAuth secret{from}: the secret may be wrong, expired or revoked; create a new one in the account console")
                },
            )
        })
    }
}

impl TokenSource for OAuthM2m {
    fn name(&self) -> &'static str {
        METHOD.name
    }

    fn fetch<'a>(&'a self, http: &'a Http) -> BoxFuture<'a, Result<Token, SignInError>> {
        Box::pin(self.fetch_token(http))
    }

    fn details(&self) -> Vec<(&'static str, String)> {
        vec![
            ("oauth_discovery", self.discovery.url.clone()),
            (
                "oauth_grant",
                format!(
                    "client_credentials for client id '{}', scope all-apis",
                    self.client_id
                ),
            ),
        ]
    }
}
