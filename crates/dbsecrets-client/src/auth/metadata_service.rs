//! metadata-service: a local server hands out tokens for the workspace (as IDE
//! extensions provide), at `metadata_service_url` (DATABRICKS_METADATA_SERVICE_URL).
//!
//! Follows the SDK's `MetadataServiceTokenSource.refresh`: `GET <url>` with
//! `X-Databricks-Metadata-Version: 1` and `X-Databricks-Host: <host>`; the
//! answer's `access_token`, `token_type` and `expires_on` (epoch seconds) are
//! all required. Ten seconds per request, as in the SDKs.

use std::time::Duration;

use serde::Deserialize;

use super::token::{send_json, Seconds, TokenFailure};
use super::{always, BoxFuture, Cached, Method, Token, TokenSource};
use crate::error::{SignInError, SignInFailure};
use crate::http::{check_credential_url, strip_query, Http};

pub const METHOD: Method = Method {
    name: "metadata-service",
    needs: "a host and metadata_service_url (DATABRICKS_METADATA_SERVICE_URL)",
    configured: |c| c.get("host").is_some() && c.get("metadata_service_url").is_some(),
    usable: always,
    build: |c| {
        Ok(Box::new(Cached::new(MetadataService::new(
            c.get("metadata_service_url").unwrap_or_default(),
            c.host()?,
        ))))
    },
};

/// The SDK's `_metadata_service_timeout`.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Asks a local metadata service for the workspace's token. Wrap it in
/// [`Cached`](super::Cached).
pub struct MetadataService {
    url: String,
    host: String,
}

#[derive(Deserialize)]
struct Answer {
    access_token: Option<String>,
    token_type: Option<String>,
    expires_on: Option<Seconds>,
}

impl MetadataService {
    /// The service at `url` (https, or http on the local machine), for the workspace `host`.
    pub fn new(url: &str, host: &str) -> Self {
        MetadataService {
            url: url.trim().to_string(),
            host: host.to_string(),
        }
    }

    /// The URL without its path, which may be a session secret (the SDK marks
    /// the setting sensitive): what messages show.
    fn shown(&self) -> String {
        reqwest::Url::parse(&self.url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| "DATABRICKS_METADATA_SERVICE_URL".into())
    }

    async fn fetch(&self, http: &Http) -> Result<Token, SignInError> {
        let shown = self.shown();
        let url = check_credential_url(&self.url, "the metadata service")
            .map_err(|_| {
                SignInError::new(format!(
                    "metadata-service: refusing to ask {shown} for a token: metadata_service_url must be https, or http on the local machine"
                ))
            })?;
        let req = http
            .client()
            .get(url.as_str())
            .timeout(TIMEOUT)
            .header("X-Databricks-Metadata-Version", "1")
            .header("X-Databricks-Host", self.host.as_str());
        let fail = |f: TokenFailure| {
            // Transport messages name the URL: keep its path out.
            let f = match f {
                TokenFailure::Transport(m) => {
                    TokenFailure::Transport(m.replace(&strip_query(&self.url), &shown))
                }
                other => other,
            };
            f.auth_error(
                format!(
                    "metadata-service: the metadata service at {shown} gave no token for {}: {f}",
                    self.host
                ),
                || "the metadata service refused this workspace: check that DATABRICKS_METADATA_SERVICE_URL (metadata_service_url) belongs to a session for this host".to_string(),
            )
        };
        let answer: Answer = send_json(http, req, &shown, "a token")
            .await
            .map_err(fail)?;
        let invalid = |what: &str| {
            SignInError::new(format!(
                "metadata-service: the metadata service at {shown} answered without {what}"
            ))
            .with_failure(SignInFailure::Invalid)
        };
        let access = answer
            .access_token
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| invalid("an access_token"))?;
        let token_type = answer
            .token_type
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| invalid("a token_type"))?;
        let expires = answer
            .expires_on
            .and_then(|s| s.get())
            .ok_or_else(|| invalid("a valid expires_on"))?;
        let lifetime = super::token::until_epoch_millis((expires.min(1e12) * 1000.0) as i64);
        Ok(Token::bearer(
            access.trim(),
            Some(&token_type),
            Some(lifetime),
        ))
    }
}

impl TokenSource for MetadataService {
    fn name(&self) -> &'static str {
        METHOD.name
    }

    fn fetch<'a>(&'a self, http: &'a Http) -> BoxFuture<'a, Result<Token, SignInError>> {
        Box::pin(MetadataService::fetch(self, http))
    }

    fn details(&self) -> Vec<(&'static str, String)> {
        vec![(
            "metadata_service",
            format!(
                "GET {}/… (X-Databricks-Host: {}, X-Databricks-Metadata-Version: 1)",
                self.shown(),
                self.host
            ),
        )]
    }
}
