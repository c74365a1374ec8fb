//! github-oidc: in a GitHub Actions job with `permissions: id-token: write`, the
//! ID token comes from GitHub's ID-token service; the service principal's
//! client_id says whose federation policy to use.

use secrecy::SecretString;

use super::oidc::{IdTokenSource, TokenExchange};
use super::{always, Cached, Method};

pub const METHOD: Method = Method {
    name: "github-oidc",
    needs: "client_id (DATABRICKS_CLIENT_ID) and a GitHub Actions job with `permissions: id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN)",
    configured: |c| {
        c.get("client_id").is_some()
            && c.ambient.get("ACTIONS_ID_TOKEN_REQUEST_URL").is_some()
            && c.ambient.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN").is_some()
    },
    usable: always,
    build: |c| {
        let source = IdTokenSource::GitHub {
            request_url: c
                .ambient
                .get("ACTIONS_ID_TOKEN_REQUEST_URL")
                .unwrap_or_default()
                .to_string(),
            request_token: SecretString::from(
                c.ambient
                    .get("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
                    .unwrap_or_default()
                    .to_string(),
            ),
        };
        Ok(Box::new(Cached::new(TokenExchange::for_config(
            METHOD.name,
            c,
            source,
        )?)))
    },
};
