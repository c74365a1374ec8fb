//! azure-cli: a user (or pipeline) signed in with `az login`; the Azure CLI hands
//! out an Azure AD token for Azure Databricks. Only for Azure workspaces.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use serde::Deserialize;

use super::azure::{is_azure, resource_id_headers, AZURE_DATABRICKS_RESOURCE};
use super::command::{
    find_program, probe, quiet_reason, run, take_probed, RunError, COMMAND_TIMEOUT,
};
use super::token::Seconds;
use super::{BoxFuture, Cached, Method, Token, TokenSource};
use crate::error::SignInError;
use crate::http::Http;

pub const METHOD: Method = Method {
    name: "azure-cli",
    needs: "an Azure Databricks workspace (*.azuredatabricks.net, *.databricks.azure.cn, *.databricks.azure.us, or azure_workspace_resource_id) and the Azure CLI (az) on PATH",
    configured: is_azure,
    // It counts only when `az` yields a token, as in the SDK's `azure_cli`
    // (which returns no credentials when the command fails).
    usable: |c| match find_program("az", c.ambient.get("PATH")) {
        Some(program) => {
            let cli = AzureCli::new(program, c.get("azure_tenant_id"));
            probe(&cli.probe_key(), async move { cli.quiet_fetch().await })
        }
        None => Err("the Azure CLI (az) is not on PATH".into()),
    },
    build: |c| {
        let mut p = AzureCli::new(
            find_program("az", c.ambient.get("PATH")).unwrap_or_else(|| PathBuf::from("az")),
            c.get("azure_tenant_id"),
        );
        p.headers = resource_id_headers(c)?;
        Ok(Box::new(Cached::new(p)))
    },
};

/// Asks the Azure CLI for a token: `az account get-access-token --resource
/// <Azure Databricks> --output json [--tenant <tenant>]`, with a time limit of
/// [`COMMAND_TIMEOUT`](super::COMMAND_TIMEOUT). Wrap it in [`Cached`](super::Cached).
pub struct AzureCli {
    program: PathBuf,
    args: Vec<String>,
    tenant: Option<String>,
    headers: Vec<(HeaderName, HeaderValue)>,
    timeout: Duration,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AzToken {
    access_token: Option<String>,
    token_type: Option<String>,
    /// POSIX seconds (Azure CLI 2.54 and later).
    #[serde(rename = "expires_on")]
    expires_on_posix: Option<Seconds>,
    /// Local time, `2024-05-01 12:00:00.000000` (older versions).
    expires_on: Option<String>,
}

impl AzureCli {
    /// Runs `program` (the `az` executable), for `tenant` when given. The
    /// workspace resource id header is not set: the chain's builder adds it
    /// when `azure_workspace_resource_id` is configured.
    pub fn new(program: PathBuf, tenant: Option<&str>) -> Self {
        let mut args: Vec<String> = [
            "account",
            "get-access-token",
            "--resource",
            AZURE_DATABRICKS_RESOURCE,
            "--output",
            "json",
        ]
        .map(String::from)
        .to_vec();
        if let Some(t) = tenant {
            args.extend(["--tenant".to_string(), t.to_string()]);
        }
        AzureCli {
            program,
            args,
            tenant: tenant.map(str::to_string),
            headers: Vec::new(),
            timeout: COMMAND_TIMEOUT,
        }
    }

    fn command_line(&self) -> String {
        format!("az {}", self.args.join(" "))
    }

    /// The command as [`probe`] knows it.
    fn probe_key(&self) -> String {
        format!("{} {}", self.program.display(), self.args.join(" "))
    }

    /// A token, or why there is none in words that quote none of az's output.
    async fn quiet_fetch(self) -> Result<Token, String> {
        let stdout = run(&self.program, &self.args, self.timeout)
            .await
            .map_err(|e| quiet_reason(&self.command_line(), &e))?;
        self.parse(&stdout).map_err(|e| e.message)
    }

    fn login(&self) -> String {
        match &self.tenant {
            Some(t) => format!("az login --tenant {t}"),
            None => "az login".to_string(),
        }
    }

    async fn fetch_token(&self) -> Result<Token, SignInError> {
        if let Some(token) = take_probed(&self.probe_key()) {
            return Ok(token);
        }
        let shown = self.command_line();
        let login = self.login();
        let stdout = run(&self.program, &self.args, self.timeout)
            .await
            .map_err(|e| {
                let err = SignInError::new(format!("azure-cli: `{shown}` gave no token: {e}"));
                match e {
                    RunError::NotFound => err.with_hint(format!(
                        "install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli) and run `{login}`"
                    )),
                    _ => err.with_hint(format!("run `{login}` and try again")),
                }
            })?;
        self.parse(&stdout)
    }

    /// The token in az's output.
    fn parse(&self, stdout: &[u8]) -> Result<Token, SignInError> {
        let shown = self.command_line();
        let login = self.login();
        let parsed: AzToken = serde_json::from_slice(stdout).map_err(|_| {
            SignInError::new(format!(
                "azure-cli: `{shown}` did not print the expected JSON"
            ))
            .with_hint("update the Azure CLI")
        })?;
        let access = parsed
            .access_token
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| {
                SignInError::new(format!("azure-cli: `{shown}` printed no accessToken"))
                    .with_hint(format!("run `{login}` and try again"))
            })?;
        let lifetime = parsed
            .expires_on_posix
            .and_then(|s| s.get())
            .map(|secs| {
                let ms = (secs * 1000.0) as i64 - chrono::Utc::now().timestamp_millis();
                Duration::from_millis(ms.max(0) as u64)
            })
            .or_else(|| parsed.expires_on.as_deref().and_then(local_lifetime));
        Ok(Token::bearer(
            access.trim(),
            parsed.token_type.as_deref(),
            lifetime,
        ))
    }
}

/// Time left until a local time such as `2024-05-01 12:00:00.000000`.
fn local_lifetime(text: &str) -> Option<Duration> {
    let naive = chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S%.f").ok()?;
    let at = naive.and_local_timezone(chrono::Local).earliest()?;
    Some(super::token::until_epoch_millis(at.timestamp_millis()))
}

impl TokenSource for AzureCli {
    fn name(&self) -> &'static str {
        METHOD.name
    }

    fn fetch<'a>(&'a self, _http: &'a Http) -> BoxFuture<'a, Result<Token, SignInError>> {
        Box::pin(self.fetch_token())
    }

    /// The Azure CLI talks to Azure; dbsecrets only runs it.
    fn remote_endpoints(&self) -> bool {
        false
    }

    fn extra_headers(&self) -> Vec<(HeaderName, HeaderValue)> {
        self.headers.clone()
    }

    fn details(&self) -> Vec<(&'static str, String)> {
        let mut d = vec![
            ("command", self.command_line()),
            ("program", self.program.display().to_string()),
        ];
        for (name, value) in &self.headers {
            d.push((
                "request_header",
                format!("{name}: {}", value.to_str().unwrap_or("")),
            ));
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_json_of_old_and_new_versions() {
        let new: AzToken = serde_json::from_str(r#"{"accessToken":"a","expiresOn":"2099-01-01 00:00:00.000000","expires_on":4070908800,"tokenType":"Bearer"}"#).unwrap();
        assert!(new.expires_on_posix.and_then(|s| s.get()).is_some());
        let old: AzToken = serde_json::from_str(
            r#"{"accessToken":"a","expiresOn":"2099-01-01 00:00:00.000000","tokenType":"Bearer"}"#,
        )
        .unwrap();
        assert!(
            local_lifetime(old.expires_on.as_deref().unwrap()).unwrap() > Duration::from_secs(3600)
        );
    }

    #[test]
    fn tenant_is_passed() {
        let p = AzureCli::new(PathBuf::from("/bin/az"), Some("t1"));
        assert!(
            p.command_line().ends_with("--output json --tenant t1"),
            "{}",
            p.command_line()
        );
    }
}
