//! What the Azure methods share: which workspaces are Azure Databricks, the
//! Azure AD login and service management endpoints of each cloud (the SDK's
//! `environments.py`), and the workspace resource id header.

use reqwest::header::{HeaderName, HeaderValue};

use crate::config::{Config, ConfigError};

/// The application id of Azure Databricks: the resource an Azure AD token is for.
pub const AZURE_DATABRICKS_RESOURCE: &str = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";

/// Sent with every request when azure_workspace_resource_id is set.
pub const RESOURCE_ID_HEADER: &str = "x-databricks-azure-workspace-resource-id";

/// Sent by azure-msi with the workspace token: a token of the same identity
/// for the cloud's service management endpoint (the SDK's `add_sp_management_token`).
pub const SP_MANAGEMENT_TOKEN_HEADER: &str = "x-databricks-azure-sp-management-token";

const PUBLIC: &str = "https://login.microsoftonline.com";
const CHINA: &str = "https://login.chinacloudapi.cn";
const US_GOVERNMENT: &str = "https://login.microsoftonline.us";

/// The service management endpoint of each cloud, by its login endpoint
/// (`service_management_endpoint` of the SDK's `ENVIRONMENTS`).
const MANAGEMENT: &[(&str, &str)] = &[
    (PUBLIC, "https://management.core.windows.net/"),
    (CHINA, "https://management.core.chinacloudapi.cn/"),
    (US_GOVERNMENT, "https://management.core.usgovcloudapi.net/"),
];

/// Workspace domains of the Azure clouds and their login endpoints.
const DOMAINS: &[(&str, &str)] = &[
    (".azuredatabricks.net", PUBLIC),
    (".databricks.azure.cn", CHINA),
    (".databricks.azure.us", US_GOVERNMENT),
];

fn host_name(host: &str) -> String {
    reqwest::Url::parse(host)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_else(|| host.to_ascii_lowercase())
}

/// Is this (normalized) host an Azure Databricks workspace?
pub fn is_azure_host(host: &str) -> bool {
    let name = host_name(host);
    DOMAINS.iter().any(|(d, _)| name.ends_with(d))
}

/// An Azure workspace: an Azure host, or a workspace resource id is configured.
pub fn is_azure(cfg: &Config) -> bool {
    cfg.get("azure_workspace_resource_id").is_some() || cfg.get("host").is_some_and(is_azure_host)
}

/// The Azure AD login endpoint and where it came from: DBSECRETS_AZURE_LOGIN_URL
/// (for tests), else ARM_ENVIRONMENT (public, china, usgovernment), else the
/// cloud of the workspace's domain, else the public cloud.
pub fn login_base(cfg: &Config) -> Result<(String, String), ConfigError> {
    if let Some(url) = cfg.ambient.get("DBSECRETS_AZURE_LOGIN_URL") {
        return Ok((
            url.trim().trim_end_matches('/').to_string(),
            "environment variable DBSECRETS_AZURE_LOGIN_URL".into(),
        ));
    }
    cloud_login(cfg)
}

/// The service management endpoint of the workspace's cloud (e.g.
/// `https://management.core.windows.net/`): the resource of the token that
/// azure-msi sends in [`SP_MANAGEMENT_TOKEN_HEADER`].
pub fn management_resource(cfg: &Config) -> Result<&'static str, ConfigError> {
    let (login, _) = cloud_login(cfg)?;
    Ok(MANAGEMENT
        .iter()
        .find(|(l, _)| *l == login)
        .map_or(MANAGEMENT[0].1, |(_, m)| m))
}

/// The login endpoint of the cloud: ARM_ENVIRONMENT, else the workspace's
/// domain, else the public cloud.
fn cloud_login(cfg: &Config) -> Result<(String, String), ConfigError> {
    if let Some(v) = cfg.value("azure_environment") {
        let name = v.value.trim().to_ascii_lowercase();
        let name = name.trim_start_matches("azure").trim_end_matches("cloud");
        let base = match name {
            "public" | "" => PUBLIC,
            "china" => CHINA,
            "usgovernment" | "usgov" => US_GOVERNMENT,
            _ => {
                return Err(ConfigError::InvalidValue {
                    name: "azure_environment",
                    source_desc: v.source.to_string(),
                    reason: format!(
                        "'{}' is not an Azure cloud: use public, china or usgovernment",
                        v.value
                    ),
                })
            }
        };
        return Ok((base.to_string(), v.source.to_string()));
    }
    if let Some(host) = cfg.get("host") {
        let name = host_name(host);
        if let Some((d, base)) = DOMAINS.iter().find(|(d, _)| name.ends_with(d)) {
            return Ok((base.to_string(), format!("the workspace domain *{d}")));
        }
    }
    Ok((
        PUBLIC.to_string(),
        "the public Azure cloud (the default)".into(),
    ))
}

/// The workspace resource id header, when azure_workspace_resource_id is set.
pub fn resource_id_headers(cfg: &Config) -> Result<Vec<(HeaderName, HeaderValue)>, ConfigError> {
    let Some(v) = cfg.value("azure_workspace_resource_id") else {
        return Ok(Vec::new());
    };
    let value = HeaderValue::from_str(v.value.trim()).map_err(|_| ConfigError::InvalidValue {
        name: "azure_workspace_resource_id",
        source_desc: v.source.to_string(),
        reason: "it contains characters that cannot be sent in a header".into(),
    })?;
    Ok(vec![(HeaderName::from_static(RESOURCE_ID_HEADER), value)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Source;

    fn cfg(pairs: &[(&'static str, &str)]) -> Config {
        let mut c = Config::default();
        for (k, v) in pairs {
            c.set(k, *v, Source::Env(format!("X_{k}")));
        }
        c
    }

    #[test]
    fn azure_hosts() {
        assert!(is_azure_host("https://adb-123.4.azuredatabricks.net"));
        assert!(is_azure_host("https://adb-1.2.databricks.azure.cn"));
        assert!(is_azure_host("https://adb-1.2.databricks.azure.us"));
        assert!(!is_azure_host("https://x.cloud.databricks.com"));
        assert!(!is_azure_host("https://azuredatabricks.net.evil.example"));
        assert!(is_azure(&cfg(&[(
            "azure_workspace_resource_id",
            "/subscriptions/x"
        )])));
    }

    #[test]
    fn login_endpoints() {
        let base = |pairs: &[(&'static str, &str)]| login_base(&cfg(pairs)).map(|(b, _)| b);
        assert_eq!(base(&[]).unwrap(), PUBLIC);
        assert_eq!(base(&[("azure_environment", "china")]).unwrap(), CHINA);
        assert_eq!(
            base(&[("azure_environment", "USGOVERNMENT")]).unwrap(),
            US_GOVERNMENT
        );
        assert_eq!(
            base(&[("azure_environment", "AzurePublicCloud")]).unwrap(),
            PUBLIC
        );
        assert_eq!(
            base(&[("host", "https://adb-1.2.databricks.azure.cn")]).unwrap(),
            CHINA
        );
        assert!(base(&[("azure_environment", "mars")]).is_err());
        let mgmt = |pairs: &[(&'static str, &str)]| management_resource(&cfg(pairs)).unwrap();
        assert_eq!(mgmt(&[]), "https://management.core.windows.net/");
        assert_eq!(
            mgmt(&[("host", "https://adb-1.2.databricks.azure.us")]),
            "https://management.core.usgovcloudapi.net/"
        );
        assert_eq!(
            mgmt(&[("azure_environment", "china")]),
            "https://management.core.chinacloudapi.cn/"
        );
        let mut c = cfg(&[("azure_environment", "china")]);
        c.ambient
            .set("DBSECRETS_AZURE_LOGIN_URL", "http://127.0.0.1:9/");
        assert_eq!(login_base(&c).unwrap().0, "http://127.0.0.1:9");
    }

    #[test]
    fn resource_id_header() {
        assert!(resource_id_headers(&cfg(&[])).unwrap().is_empty());
        let h = resource_id_headers(&cfg(&[(
            "azure_workspace_resource_id",
            "/subscriptions/s/rg",
        )]))
        .unwrap();
        assert_eq!(h[0].0.as_str(), RESOURCE_ID_HEADER);
        assert_eq!(h[0].1, "/subscriptions/s/rg");
    }
}
