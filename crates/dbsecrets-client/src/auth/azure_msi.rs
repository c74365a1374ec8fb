//! azure-msi: an Azure managed identity (ARM_USE_MSI=true) on a VM, agent or
//! container in Azure gets its tokens from the instance metadata service.
//!
//! The Python SDK does not have this method ("not yet implemented" in its
//! README); this follows the Go SDK's `AzureMsiCredentials`, tried in the same
//! chain place relative to the Azure methods the two share:
//! `GET <imds>/identity/oauth2/token?api-version=2018-02-01&client_id=<ARM_CLIENT_ID>&resource=<resource>`
//! with `Metadata: true`, once for Azure Databricks (`Authorization`) and once
//! for the cloud's service management endpoint
//! (`X-Databricks-Azure-SP-Management-Token`, required), plus the workspace
//! resource id header when it is set. Ten seconds per request, as in Go.
//! `DBSECRETS_AZURE_IMDS_URL` replaces `http://169.254.169.254/metadata`.

use std::time::Duration;

use serde::Deserialize;

use super::azure::{
    is_azure, management_resource, resource_id_headers, AZURE_DATABRICKS_RESOURCE,
    SP_MANAGEMENT_TOKEN_HEADER,
};
use super::paired::Paired;
use super::token::{send_json, Seconds, TokenFailure};
use super::{always, BoxFuture, Method, Token, TokenSource};
use crate::config::Config;
use crate::error::{SignInError, SignInFailure};
use crate::http::{is_loopback, Http};

pub const METHOD: Method = Method {
    name: "azure-msi",
    needs: "an Azure Databricks workspace and azure_use_msi = true (ARM_USE_MSI)",
    // An unreadable value counts as set, so that building reports it.
    configured: |c| {
        is_azure(c) && c.get("azure_use_msi").is_some() && c.flag("azure_use_msi").unwrap_or(true)
    },
    usable: always,
    build: |c| {
        c.flag("azure_use_msi")?;
        c.host()?;
        let imds = imds_base(c);
        let client_id = c.get("azure_client_id");
        let token = |resource: &str| ImdsToken {
            base: imds.clone(),
            resource: resource.to_string(),
            client_id: client_id.map(str::to_string),
        };
        Ok(Box::new(Paired::new(
            token(AZURE_DATABRICKS_RESOURCE),
            token(management_resource(c)?),
            SP_MANAGEMENT_TOKEN_HEADER,
            false,
            resource_id_headers(c)?,
        )))
    },
};

/// The Go SDK's `instanceMetadataPrefix`.
const IMDS: &str = "http://169.254.169.254/metadata";
/// The Go SDK's `azureMsiTimeout`.
const TIMEOUT: Duration = Duration::from_secs(10);

/// DBSECRETS_AZURE_IMDS_URL (a loopback stand-in), else Azure's address.
fn imds_base(c: &Config) -> String {
    c.ambient
        .get("DBSECRETS_AZURE_IMDS_URL")
        .unwrap_or(IMDS)
        .trim()
        .trim_end_matches('/')
        .to_string()
}

/// One token of the managed identity for one resource.
pub struct ImdsToken {
    base: String,
    resource: String,
    /// ARM_CLIENT_ID: a user-assigned identity; none for the system-assigned one.
    client_id: Option<String>,
}

/// The instance metadata service's answer (the Go SDK's `msiToken`).
#[derive(Deserialize)]
struct MsiToken {
    access_token: Option<String>,
    token_type: Option<String>,
    /// Epoch seconds, as a number or a string.
    expires_on: Option<Seconds>,
}

impl ImdsToken {
    fn identity(&self) -> String {
        match &self.client_id {
            Some(id) => format!("client id '{id}'"),
            None => "the system-assigned identity".into(),
        }
    }

    async fn fetch_token(&self, http: &Http) -> Result<Token, SignInError> {
        let name = METHOD.name;
        let endpoint = format!("{}/identity/oauth2/token", self.base);
        let url = reqwest::Url::parse(&endpoint)
            .ok()
            .filter(|u| {
                // The metadata service is plain http on a link-local address.
                u.scheme() == "https" || {
                    let host = u.host_str().unwrap_or_default();
                    is_loopback(host)
                        || host
                            .parse::<std::net::Ipv4Addr>()
                            .is_ok_and(|ip| ip.is_link_local())
                }
            })
            .ok_or_else(|| {
                SignInError::new(format!(
                    "{name}: refusing to ask {endpoint} for a token: DBSECRETS_AZURE_IMDS_URL must be https, or http on the local machine"
                ))
            })?;
        let mut query = vec![("api-version", "2018-02-01")];
        if let Some(id) = &self.client_id {
            query.push(("client_id", id.as_str()));
        }
        query.push(("resource", self.resource.as_str()));
        let req = http
            .client()
            .get(url.as_str())
            .query(&query)
            .timeout(TIMEOUT)
            .header("Metadata", "true");
        let fail = |f: TokenFailure| {
            f.auth_error(
                format!(
                    "{name}: the instance metadata service gave no token for {} (resource {}) at {endpoint}: {f}",
                    self.identity(),
                    self.resource
                ),
                || "check that a managed identity is assigned to this VM or agent (ARM_CLIENT_ID names a user-assigned one), and that it is a user of the workspace".to_string(),
            )
        };
        let answer: MsiToken = send_json(http, req, &endpoint, "a token")
            .await
            .map_err(fail)?;
        let access = answer
            .access_token
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| {
                SignInError::new(format!(
                    "{name}: the instance metadata service answered without an access_token"
                ))
                .with_failure(SignInFailure::Invalid)
            })?;
        let expires = answer.expires_on.and_then(|s| s.get()).ok_or_else(|| {
            SignInError::new(format!(
                "{name}: the instance metadata service answered without a valid expires_on"
            ))
            .with_failure(SignInFailure::Invalid)
        })?;
        let lifetime = super::token::until_epoch_millis((expires.min(1e12) * 1000.0) as i64);
        Ok(Token::bearer(
            access.trim(),
            answer.token_type.as_deref(),
            Some(lifetime),
        ))
    }
}

impl TokenSource for ImdsToken {
    fn name(&self) -> &'static str {
        METHOD.name
    }

    fn fetch<'a>(&'a self, http: &'a Http) -> BoxFuture<'a, Result<Token, SignInError>> {
        Box::pin(self.fetch_token(http))
    }

    fn details(&self) -> Vec<(&'static str, String)> {
        vec![(
            "azure_msi",
            format!(
                "GET {}/identity/oauth2/token for {}, resource {}",
                self.base,
                self.identity(),
                self.resource
            ),
        )]
    }
}
