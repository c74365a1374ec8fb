//! github-oidc-azure: in a GitHub Actions job with `permissions: id-token:
//! write`, GitHub's ID token (audience `api://AzureADTokenExchange`) is the
//! client assertion of a Microsoft Entra ID application (ARM_CLIENT_ID) with a
//! federated credential for the repository: no stored secret.
//!
//! Follows the SDK's `github_oidc_azure`: `POST <login>/<tenant>/oauth2/token`
//! with `grant_type=client_credentials`, `scope=all-apis`,
//! `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`,
//! `resource=<Azure Databricks>`, `client_assertion=<ID token>`, `client_id`;
//! only the `Authorization` header is added. Without ARM_TENANT_ID the tenant
//! is read from where the workspace's `/oidc/oauth2/v2.0/authorize` redirects
//! (the SDK's `get_azure_entra_id_workspace_endpoints`). Unlike the SDK, which
//! asks GitHub once, a new ID token is asked for at each renewal: GitHub's
//! expire within minutes, Entra's tokens last an hour or more.

use secrecy::{ExposeSecret, SecretString};

use super::azure::{is_azure, login_base, AZURE_DATABRICKS_RESOURCE};
use super::oidc_supplier::{github_id_token, AZURE_AD_TOKEN_EXCHANGE};
use super::token::{send_json, TokenResponse};
use super::{always, BoxFuture, Cached, Method, Token, TokenSource};
use crate::error::{SignInError, SignInFailure};
use crate::http::{check_credential_url as check_url, Http, SendFailure};

pub const METHOD: Method = Method {
    name: "github-oidc-azure",
    needs: "an Azure Databricks workspace and azure_client_id (ARM_CLIENT_ID) in a GitHub Actions job with `permissions: id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN)",
    configured: |c| {
        is_azure(c)
            && c.get("host").is_some()
            && c.get("azure_client_id").is_some()
            && c.ambient.get("ACTIONS_ID_TOKEN_REQUEST_URL").is_some()
            && c.ambient.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN").is_some()
    },
    usable: always,
    build: |c| {
        let (login, _) = login_base(c)?;
        let ambient = |name| c.ambient.get(name).unwrap_or_default().to_string();
        Ok(Box::new(Cached::new(GitHubOidcAzure {
            login,
            host: c.host()?.to_string(),
            tenant: tokio::sync::OnceCell::new_with(c.get("azure_tenant_id").map(str::to_string)),
            client_id: c.get("azure_client_id").unwrap_or_default().to_string(),
            request_url: ambient("ACTIONS_ID_TOKEN_REQUEST_URL"),
            request_token: SecretString::from(ambient("ACTIONS_ID_TOKEN_REQUEST_TOKEN")),
        })))
    },
};

/// GitHub's ID token as the client assertion of an Entra ID application.
pub struct GitHubOidcAzure {
    login: String,
    host: String,
    /// ARM_TENANT_ID, else found once from the workspace.
    tenant: tokio::sync::OnceCell<String>,
    client_id: String,
    request_url: String,
    request_token: SecretString,
}

impl GitHubOidcAzure {
    /// The tenant: ARM_TENANT_ID, else the first path segment of the Entra ID
    /// URL that `<host>/oidc/oauth2/v2.0/authorize` redirects to.
    async fn tenant(&self, http: &Http) -> Result<&str, SignInError> {
        let name = METHOD.name;
        self.tenant
            .get_or_try_init(|| async {
                let url = format!("{}/oidc/oauth2/v2.0/authorize", self.host);
                let req = http.client().get(&url).build().map_err(|e| {
                    SignInError::new(format!("{name}: cannot build the request to {url}: {e}"))
                })?;
                let unknown = |why: String| {
                    SignInError::new(format!(
                        "{name}: cannot find the Azure tenant of {}: {why}",
                        self.host
                    ))
                    .with_hint("set ARM_TENANT_ID (azure_tenant_id) to the tenant of the Entra ID application")
                };
                match http.send(req, None, "tenant lookup").await {
                    Err(SendFailure::Redirect { location, .. }) => tenant_of(&location)
                        .ok_or_else(|| unknown(format!("GET {url} redirects to {location}"))),
                    Err(SendFailure::Transport { message, retryable, .. }) => {
                        Err(unknown(message).transient_if(retryable))
                    }
                    Err(SendFailure::TooLarge { status }) => {
                        Err(unknown(format!("GET {url} answered HTTP {status}")))
                    }
                    Ok(r) => Err(unknown(format!(
                        "GET {url} answered HTTP {} instead of redirecting to Entra ID",
                        r.status
                    ))
                    .with_failure(SignInFailure::Invalid)),
                }
            })
            .await
            .map(String::as_str)
    }

    async fn fetch_token(&self, http: &Http) -> Result<Token, SignInError> {
        let name = METHOD.name;
        let tenant = self.tenant(http).await?;
        let endpoint = format!("{}/{}/oauth2/token", self.login, tenant.trim());
        let url = check_url(&endpoint, "the Microsoft Entra ID token endpoint")
            .map_err(|m| SignInError::new(format!("{name}: {m}")))?;
        let assertion = github_id_token(
            http,
            name,
            &self.request_url,
            &self.request_token,
            AZURE_AD_TOKEN_EXCHANGE,
        )
        .await?;
        let req = http.client().post(url.as_str()).form(&[
            ("grant_type", "client_credentials"),
            ("scope", "all-apis"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("resource", AZURE_DATABRICKS_RESOURCE),
            ("client_assertion", assertion.expose_secret()),
            ("client_id", self.client_id.as_str()),
        ]);
        send_json::<TokenResponse>(http, req, &endpoint, "a token")
            .await
            .and_then(|r| r.into_token(&endpoint))
            .map_err(|f| {
                f.auth_error(
                    format!(
                        "{name}: Microsoft Entra ID gave no token for client id '{}' at {endpoint}: {f}",
                        self.client_id
                    ),
                    || format!("check the federated credential of the Entra ID application '{}': its issuer (https://token.actions.githubusercontent.com), subject (repo:OWNER/REPO:…) and audience ({AZURE_AD_TOKEN_EXCHANGE}) must match this workflow run", self.client_id),
                )
            })
    }
}

/// The tenant in an Entra ID URL: its first path segment
/// (`https://login.microsoftonline.com/<tenant>/oauth2/v2.0/authorize`).
fn tenant_of(location: &str) -> Option<String> {
    let url = reqwest::Url::parse(location).ok()?;
    let first = url.path_segments()?.next()?.trim();
    (!first.is_empty()).then(|| first.to_string())
}

impl TokenSource for GitHubOidcAzure {
    fn name(&self) -> &'static str {
        METHOD.name
    }

    fn fetch<'a>(&'a self, http: &'a Http) -> BoxFuture<'a, Result<Token, SignInError>> {
        Box::pin(self.fetch_token(http))
    }

    fn details(&self) -> Vec<(&'static str, String)> {
        let tenant = match self.tenant.get() {
            Some(t) => t.clone(),
            None => format!("<found from {}/oidc/oauth2/v2.0/authorize>", self.host),
        };
        vec![
            (
                "id_token",
                format!(
                    "GitHub Actions ({}), audience {AZURE_AD_TOKEN_EXCHANGE}",
                    crate::http::strip_query(&self.request_url)
                ),
            ),
            (
                "azure_token_endpoint",
                format!("{}/{tenant}/oauth2/token", self.login),
            ),
            (
                "oauth_grant",
                format!(
                    "client_credentials with the ID token as client assertion, for client id '{}'",
                    self.client_id
                ),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_from_the_redirect() {
        assert_eq!(
            tenant_of("https://login.microsoftonline.com/e3fe3f22-4b98-4c04-82cc-d8817d1b17da/oauth2/v2.0/authorize")
                .as_deref(),
            Some("e3fe3f22-4b98-4c04-82cc-d8817d1b17da")
        );
        assert_eq!(tenant_of("https://login.microsoftonline.com/"), None);
        assert_eq!(tenant_of("/relative"), None);
    }
}
