//! azure-devops-oidc: in an Azure DevOps pipeline, the job's ID token (from
//! Azure DevOps' ID-token service, with the job's `SYSTEM_ACCESSTOKEN`) is
//! exchanged at the workspace's token endpoint for a Databricks token; the
//! service principal's client_id says whose federation policy to use.
//!
//! As the SDK's `azure_devops_oidc` (`_oidc_credentials_provider` with an
//! `AzureDevOpsOIDCTokenSupplier`): the exchange is Databricks' token
//! exchange, like github-oidc's, not a Microsoft Entra ID grant.

use super::oidc::{IdTokenSource, TokenExchange};
use super::oidc_supplier::AzureDevOps;
use super::{always, Cached, Method};

pub const METHOD: Method = Method {
    name: "azure-devops-oidc",
    needs: "client_id (DATABRICKS_CLIENT_ID) in an Azure DevOps pipeline step given the job's access token (SYSTEM_ACCESSTOKEN: $(System.AccessToken), with SYSTEM_TEAMFOUNDATIONCOLLECTIONURI, SYSTEM_TEAMPROJECTID, SYSTEM_PLANID, SYSTEM_JOBID, SYSTEM_HOSTTYPE)",
    configured: |c| c.get("client_id").is_some() && AzureDevOps::from_config(c).is_some(),
    usable: always,
    build: |c| {
        let ado = AzureDevOps::from_config(c).expect("configured() checked the variables");
        Ok(Box::new(Cached::new(TokenExchange::for_config(
            METHOD.name,
            c,
            IdTokenSource::AzureDevOps(ado),
        )?)))
    },
};
