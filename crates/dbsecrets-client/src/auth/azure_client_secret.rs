//! azure-client-secret: an Azure AD service principal (ARM_CLIENT_ID,
//! ARM_CLIENT_SECRET, ARM_TENANT_ID) gets an Azure AD token for Azure Databricks
//! with the client-credentials grant.

use reqwest::header::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use super::azure::{is_azure, login_base, resource_id_headers, AZURE_DATABRICKS_RESOURCE};
use super::token::{send_json, TokenResponse};
use super::{always, secret, BoxFuture, Cached, Method, Token, TokenSource};
use crate::error::SignInError;
use crate::http::{check_credential_url as check_url, Http};

pub const METHOD: Method = Method {
    name: "azure-client-secret",
    needs: "an Azure Databricks workspace and azure_client_id, azure_client_secret, azure_tenant_id (ARM_CLIENT_ID, ARM_CLIENT_SECRET, ARM_TENANT_ID)",
    configured: |c| {
        is_azure(c)
            && c.get("azure_client_id").is_some()
            && c.get("azure_client_secret").is_some()
            && c.get("azure_tenant_id").is_some()
    },
    usable: always,
    build: |c| {
        let (base, _) = login_base(c)?;
        let mut p = AzureClientSecret::new(
            &base,
            c.get("azure_tenant_id").unwrap_or_default(),
            c.get("azure_client_id").unwrap_or_default(),
            secret(c, "azure_client_secret").expect("configured() checked azure_client_secret"),
        );
        p.headers = resource_id_headers(c)?;
        Ok(Box::new(Cached::new(p)))
    },
};

/// An Azure AD service principal with a client secret.
pub struct AzureClientSecret {
    endpoint: String,
    client_id: String,
    client_secret: SecretString,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl AzureClientSecret {
    /// `login_base` is e.g. `https://login.microsoftonline.com`.
    pub fn new(
        login_base: &str,
        tenant: &str,
        client_id: &str,
        client_secret: SecretString,
    ) -> Self {
        AzureClientSecret {
            endpoint: format!(
                "{}/{}/oauth2/token",
                login_base.trim_end_matches('/'),
                tenant.trim()
            ),
            client_id: client_id.to_string(),
            client_secret,
            headers: Vec::new(),
        }
    }

    async fn fetch_token(&self, http: &Http) -> Result<Token, SignInError> {
        let endpoint = check_url(&self.endpoint, "the Azure AD token endpoint")
            .map_err(|m| SignInError::new(format!("azure-client-secret: {m}")))?;
        let req = http.client().post(endpoint.as_str()).form(&[
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose_secret()),
            ("resource", AZURE_DATABRICKS_RESOURCE),
        ]);
        send_json::<TokenResponse>(http, req, &self.endpoint, "a token")
            .await
            .and_then(|r| r.into_token(&self.endpoint))
            .map_err(|f| {
                f.auth_error(
                    format!(
                        "azure-client-secret: Azure AD gave no token for client id '{}' at {}: {f}",
                        self.client_id, self.endpoint
                    ),
                    || "check ARM_CLIENT_ID, ARM_TENANT_ID and ARM_CLIENT_SECRET (azure_client_id, azure_tenant_id, azure_client_secret): the secret may be wrong or expired".to_string(),
                )
            })
    }
}

impl TokenSource for AzureClientSecret {
    fn name(&self) -> &'static str {
        METHOD.name
    }

    fn fetch<'a>(&'a self, http: &'a Http) -> BoxFuture<'a, Result<Token, SignInError>> {
        Box::pin(self.fetch_token(http))
    }

    fn extra_headers(&self) -> Vec<(HeaderName, HeaderValue)> {
        self.headers.clone()
    }

    fn details(&self) -> Vec<(&'static str, String)> {
        let mut d = vec![("azure_token_endpoint", self.endpoint.clone())];
        for (name, value) in &self.headers {
            d.push((
                "request_header",
                format!("{name}: {}", value.to_str().unwrap_or("")),
            ));
        }
        d
    }
}
