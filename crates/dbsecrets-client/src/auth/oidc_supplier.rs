//! The CI platforms' ID-token services (the SDK's `oidc_token_supplier.py`):
//! GitHub Actions (`GitHubOIDCTokenSupplier`) and Azure DevOps
//! (`AzureDevOpsOIDCTokenSupplier`). Their URLs come from the platforms' own
//! variables, so tests point them at loopback stand-ins.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::token::send_json;
use crate::config::Config;
use crate::error::{SignInError, SignInFailure};
use crate::http::{check_credential_url as check_url, strip_query, Http};

/// The audience GitHub is asked for when the token goes to Microsoft Entra ID
/// (the SDK's `github_oidc_azure`); Azure DevOps' tokens always have it.
pub const AZURE_AD_TOKEN_EXCHANGE: &str = "api://AzureADTokenExchange";

#[derive(Deserialize)]
struct GitHubIdToken {
    value: Option<String>,
}

/// `GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=<audience>` with
/// `Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`; the answer's `value`.
pub async fn github_id_token(
    http: &Http,
    method: &str,
    request_url: &str,
    request_token: &SecretString,
    audience: &str,
) -> Result<SecretString, SignInError> {
    let mut url = check_url(
        request_url,
        "GitHub Actions' ID-token service (ACTIONS_ID_TOKEN_REQUEST_URL)",
    )
    .map_err(|m| SignInError::new(format!("{method}: {m}")))?;
    url.query_pairs_mut().append_pair("audience", audience);
    let req = http
        .client()
        .get(url.as_str())
        .bearer_auth(request_token.expose_secret());
    let answer: GitHubIdToken = send_json(http, req, url.as_str(), "an ID token")
        .await
        .map_err(|f| {
            f.auth_error(
                format!(
                    "{method}: cannot get an ID token from GitHub Actions ({}): {f}",
                    strip_query(request_url)
                ),
                || "the workflow job needs `permissions: id-token: write`".to_string(),
            )
        })?;
    answer
        .value
        .filter(|v| !v.trim().is_empty())
        .map(SecretString::from)
        .ok_or_else(|| {
            SignInError::new(format!(
                "{method}: GitHub Actions' ID-token service answered without a value"
            ))
            .with_failure(SignInFailure::Invalid)
        })
}

/// The Azure DevOps variables the SDK's supplier requires, in its order.
pub const AZURE_DEVOPS_VARIABLES: [&str; 6] = [
    "SYSTEM_ACCESSTOKEN",
    "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI",
    "SYSTEM_TEAMPROJECTID",
    "SYSTEM_PLANID",
    "SYSTEM_JOBID",
    "SYSTEM_HOSTTYPE",
];

/// Where an Azure DevOps job asks for its ID token, and with what.
pub struct AzureDevOps {
    /// `{collection uri}{project}/_apis/distributedtask/hubs/{hub}/plans/{plan}/jobs/{job}/oidctoken?api-version=7.2-preview.1`.
    pub request_url: String,
    /// `SYSTEM_ACCESSTOKEN`: the job's access token.
    pub access_token: SecretString,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AzureDevOpsIdToken {
    oidc_token: Option<String>,
}

impl AzureDevOps {
    /// From the pipeline's predefined variables; `None` unless all six are set.
    pub fn from_config(cfg: &Config) -> Option<Self> {
        let [token, collection, project, plan, job, hub] =
            AZURE_DEVOPS_VARIABLES.map(|v| cfg.ambient.get(v).map(str::trim));
        let collection = collection?;
        // The SDK concatenates the collection URI as Azure DevOps gives it, with
        // its trailing slash; one is added when it is missing.
        let slash = if collection.ends_with('/') { "" } else { "/" };
        Some(AzureDevOps {
            request_url: format!(
                "{collection}{slash}{}/_apis/distributedtask/hubs/{}/plans/{}/jobs/{}/oidctoken?api-version=7.2-preview.1",
                project?, hub?, plan?, job?
            ),
            access_token: SecretString::from(token?.to_string()),
        })
    }

    /// `POST <request url>` with an empty body and `Authorization: Bearer
    /// $SYSTEM_ACCESSTOKEN`; the answer's `oidcToken`. Its audience is always
    /// `api://AzureADTokenExchange`.
    pub async fn id_token(&self, http: &Http, method: &str) -> Result<SecretString, SignInError> {
        let url = check_url(
            &self.request_url,
            "Azure DevOps' ID-token service (SYSTEM_TEAMFOUNDATIONCOLLECTIONURI)",
        )
        .map_err(|m| SignInError::new(format!("{method}: {m}")))?;
        let req = http
            .client()
            .post(url.as_str())
            .bearer_auth(self.access_token.expose_secret())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::CONTENT_LENGTH, "0");
        let answer: AzureDevOpsIdToken = send_json(http, req, url.as_str(), "an ID token")
            .await
            .map_err(|f| {
                f.auth_error(
                    format!(
                        "{method}: cannot get an ID token from Azure DevOps ({}): {f}",
                        strip_query(&self.request_url)
                    ),
                    || "give the step the job's access token (`env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)`), and run it in a job of this pipeline".to_string(),
                )
            })?;
        answer
            .oidc_token
            .filter(|v| !v.trim().is_empty())
            .map(SecretString::from)
            .ok_or_else(|| {
                SignInError::new(format!(
                    "{method}: Azure DevOps' ID-token service answered without an oidcToken"
                ))
                .with_failure(SignInFailure::Invalid)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn azure_devops_request_url() {
        let mut c = Config::default();
        let vars = [
            ("SYSTEM_ACCESSTOKEN", "ado-token"),
            (
                "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI",
                "https://dev.azure.com/org/",
            ),
            ("SYSTEM_TEAMPROJECTID", "project-123"),
            ("SYSTEM_PLANID", "plan-456"),
            ("SYSTEM_JOBID", "job-789"),
        ];
        for (k, v) in vars {
            c.ambient.set(k, v);
        }
        assert!(
            AzureDevOps::from_config(&c).is_none(),
            "SYSTEM_HOSTTYPE missing"
        );
        c.ambient.set("SYSTEM_HOSTTYPE", "build");
        assert_eq!(
            AzureDevOps::from_config(&c).unwrap().request_url,
            "https://dev.azure.com/org/project-123/_apis/distributedtask/hubs/build/plans/plan-456/jobs/job-789/oidctoken?api-version=7.2-preview.1"
        );
        c.ambient.set(
            "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI",
            "https://dev.azure.com/org",
        );
        assert!(AzureDevOps::from_config(&c)
            .unwrap()
            .request_url
            .starts_with("https://dev.azure.com/org/project-123/"));
    }
}
