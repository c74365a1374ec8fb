//! Workload identity federation: an ID token from the CI platform (an
//! environment variable, a file, GitHub Actions' or Azure DevOps' ID-token
//! service) exchanged at the workspace's token endpoint for a Databricks token
//! (the SDK's `_oidc_credentials_provider` and `DatabricksOidcTokenSource`).
//! No stored secret.

use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};

use super::oidc_supplier::{github_id_token, AzureDevOps};
use super::token::{send_json, Discovery, TokenResponse};
use super::{BoxFuture, Token, TokenSource};
use crate::config::Config;
use crate::error::SignInError;
use crate::http::{strip_query, Http};

/// Where the ID token comes from.
#[non_exhaustive]
pub enum IdTokenSource {
    /// DATABRICKS_OIDC_TOKEN, or the variable DATABRICKS_OIDC_TOKEN_ENV names.
    Env {
        /// The ID token (a JWT).
        token: SecretString,
        /// Where it came from, for messages, e.g. `environment variable DATABRICKS_OIDC_TOKEN`.
        origin: String,
    },
    /// A file the platform keeps up to date (read at each exchange).
    File {
        /// The file holding the ID token (surrounding whitespace is ignored).
        path: PathBuf,
        /// Where the path came from, for messages.
        origin: String,
    },
    /// GitHub Actions: `GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=…` with
    /// `Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`.
    GitHub {
        /// `ACTIONS_ID_TOKEN_REQUEST_URL`: must be https (or http on loopback).
        request_url: String,
        /// `ACTIONS_ID_TOKEN_REQUEST_TOKEN`.
        request_token: SecretString,
    },
    /// Azure DevOps: `POST <collection>/<project>/_apis/distributedtask/…/oidctoken`
    /// with `Authorization: Bearer $SYSTEM_ACCESSTOKEN`.
    AzureDevOps(AzureDevOps),
}

/// Exchanges an ID token for a Databricks token (RFC 8693 token exchange):
/// `POST <token endpoint>` with `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`,
/// `scope=all-apis`, the ID token as `subject_token` and, when set, `client_id`;
/// no `Authorization` header. Used by `github-oidc`, `azure-devops-oidc`,
/// `env-oidc` and `file-oidc`.
/// Wrap it in [`Cached`](super::Cached).
pub struct TokenExchange {
    name: &'static str,
    discovery: Discovery,
    client_id: Option<String>,
    /// token_audience, else account_id; else the token endpoint is the audience.
    audience: Option<String>,
    source: IdTokenSource,
}

impl TokenExchange {
    /// A token exchange reported as method `name` (e.g. `env-oidc`).
    /// `client_id`: the service principal whose federation policy applies
    /// (`None`: account-wide federation). `audience`: the audience to ask
    /// GitHub for (`None`: the token endpoint's URL).
    pub fn new(
        name: &'static str,
        discovery: Discovery,
        client_id: Option<&str>,
        audience: Option<&str>,
        source: IdTokenSource,
    ) -> Self {
        TokenExchange {
            name,
            discovery,
            client_id: client_id.map(str::to_string),
            audience: audience.map(str::to_string),
            source,
        }
    }

    /// The provider for `cfg` with the given ID-token source: its discovery
    /// URL (or host), `client_id`, and `token_audience` (else `account_id`) as
    /// the audience. Fails with [`ConfigError::NoHost`](crate::config::ConfigError::NoHost)
    /// when there is neither a discovery URL nor a host.
    pub fn for_config(
        name: &'static str,
        cfg: &Config,
        source: IdTokenSource,
    ) -> Result<Self, crate::config::ConfigError> {
        Ok(TokenExchange::new(
            name,
            Discovery::for_config(cfg)?,
            cfg.get("client_id"),
            cfg.get("token_audience").or(cfg.get("account_id")),
            source,
        ))
    }

    async fn id_token(&self, http: &Http, audience: &str) -> Result<SecretString, SignInError> {
        let name = self.name;
        match &self.source {
            IdTokenSource::Env { token, .. } => Ok(token.clone()),
            IdTokenSource::File { path, origin } => match super::read_credential_file(path) {
                Ok(text) if !text.trim().is_empty() => Ok(SecretString::from(text.trim().to_string())),
                Ok(_) => Err(SignInError::new(format!(
                    "{name}: the ID token file {} ({origin}) is empty",
                    path.display()
                ))),
                Err(e) => Err(SignInError::new(format!(
                    "{name}: cannot read the ID token file {} ({origin}): {e}",
                    path.display()
                ))
                .with_hint("check DATABRICKS_OIDC_TOKEN_FILEPATH (oidc_token_filepath): the file must hold the ID token your CI platform issues")),
            },
            IdTokenSource::GitHub {
                request_url,
                request_token,
            } => github_id_token(http, name, request_url, request_token, audience).await,
            // Azure DevOps decides the audience (api://AzureADTokenExchange):
            // the SDK's supplier ignores the one it is given.
            IdTokenSource::AzureDevOps(ado) => ado.id_token(http, name).await,
        }
    }

    async fn fetch_token(&self, http: &Http) -> Result<Token, SignInError> {
        let name = self.name;
        let endpoint = self.discovery.token_endpoint(http, name).await?;
        let audience = self.audience.as_deref().unwrap_or(endpoint);
        let id_token = self.id_token(http, audience).await?;
        let mut form = vec![
            (
                "grant_type",
                "urn:ietf:params:oauth:grant-type:token-exchange",
            ),
            ("scope", "all-apis"),
            ("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"),
            ("subject_token", id_token.expose_secret()),
        ];
        if let Some(id) = &self.client_id {
            form.push(("client_id", id));
        }
        // No Authorization header: the ID token is the credential.
        let req = http.client().post(endpoint).form(&form);
        let who = match &self.client_id {
            Some(id) => format!("client id '{id}'"),
            None => "account-wide token federation (no client id)".to_string(),
        };
        send_json::<TokenResponse>(http, req, endpoint, "a token")
            .await
            .and_then(|r| r.into_token(endpoint))
            .map_err(|f| {
                f.auth_error(
                    format!("{name}: the token exchange for {who} at {endpoint} failed: {f}"),
                    || "check the service principal's federation policy: its issuer, audience and subject must match the ID token's claims".to_string(),
                )
            })
    }
}

impl TokenSource for TokenExchange {
    fn name(&self) -> &'static str {
        self.name
    }

    fn fetch<'a>(&'a self, http: &'a Http) -> BoxFuture<'a, Result<Token, SignInError>> {
        Box::pin(self.fetch_token(http))
    }

    fn details(&self) -> Vec<(&'static str, String)> {
        let source = match &self.source {
            IdTokenSource::Env { origin, .. } => origin.clone(),
            IdTokenSource::File { path, origin } => format!("file {} ({origin})", path.display()),
            IdTokenSource::GitHub { request_url, .. } => {
                format!("GitHub Actions ({})", strip_query(request_url))
            }
            IdTokenSource::AzureDevOps(ado) => {
                format!("Azure DevOps ({})", strip_query(&ado.request_url))
            }
        };
        vec![
            ("id_token", source),
            ("oauth_discovery", self.discovery.url.clone()),
            (
                "token_exchange",
                match &self.client_id {
                    Some(id) => format!("for client id '{id}', scope all-apis"),
                    None => "account-wide federation (no client id), scope all-apis".into(),
                },
            ),
        ]
    }
}
