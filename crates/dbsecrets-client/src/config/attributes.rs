//! The attributes of the unified configuration: profile keys, their environment
//! variables and the sign-in method each belongs to (auth.md).

/// The config file used when `DATABRICKS_CONFIG_FILE` is not set, relative to
/// the home directory.
pub const DEFAULT_CONFIG_FILE: &str = ".databrickscfg";
/// Where Databricks documents the unified-authentication rules (quoted in
/// [`ConfigError::NoCredentials`](super::ConfigError::NoCredentials)'s hint).
pub const AUTH_DOCS: &str = "https://docs.databricks.com/en/dev-tools/auth/unified-auth.html";

/// A configuration attribute: its profile key, environment variables, and the
/// authentication method it belongs to (for the "more than one method" check).
#[derive(Debug)]
#[non_exhaustive]
pub struct Attribute {
    /// The profile key, lower case (keys are case-insensitive in the file),
    /// e.g. `host`; also the name [`Config::get`](super::Config::get) and
    /// [`Overrides::set`](super::Overrides::set) take.
    pub name: &'static str,
    /// The environment variables that set it, in order of precedence; empty
    /// for profile-only settings such as `skip_verify`.
    pub env: &'static [&'static str],
    /// The method group of auth.md's validation rule: pat, basic, oauth, azure,
    /// oidc, google, metadata-service (the groups of the Python SDK's `auth=`).
    pub method: Option<&'static str>,
    /// A credential: never shown, masked as `***` everywhere.
    pub sensitive: bool,
}

const fn attr(
    name: &'static str,
    env: &'static [&'static str],
    method: Option<&'static str>,
    sensitive: bool,
) -> Attribute {
    Attribute {
        name,
        env,
        method,
        sensitive,
    }
}

/// Every attribute the library reads, in a stable order (the order of
/// [`Config::values`](super::Config::values)). Unknown profile keys are ignored.
pub const ATTRIBUTES: &[Attribute] = &[
    attr("host", &["DATABRICKS_HOST"], None, false),
    attr("token", &["DATABRICKS_TOKEN"], Some("pat"), true),
    attr("username", &["DATABRICKS_USERNAME"], Some("basic"), false),
    attr("password", &["DATABRICKS_PASSWORD"], Some("basic"), true),
    attr("client_id", &["DATABRICKS_CLIENT_ID"], Some("oauth"), false),
    attr(
        "client_secret",
        &["DATABRICKS_CLIENT_SECRET"],
        Some("oauth"),
        true,
    ),
    attr("auth_type", &["DATABRICKS_AUTH_TYPE"], None, false),
    attr("account_id", &["DATABRICKS_ACCOUNT_ID"], None, false),
    attr("workspace_id", &["DATABRICKS_WORKSPACE_ID"], None, false),
    attr(
        "azure_workspace_resource_id",
        &["DATABRICKS_AZURE_RESOURCE_ID"],
        Some("azure"),
        false,
    ),
    attr("azure_client_id", &["ARM_CLIENT_ID"], Some("azure"), false),
    attr(
        "azure_client_secret",
        &["ARM_CLIENT_SECRET"],
        Some("azure"),
        true,
    ),
    attr("azure_tenant_id", &["ARM_TENANT_ID"], Some("azure"), false),
    attr("azure_use_msi", &["ARM_USE_MSI"], Some("azure"), false),
    attr("azure_environment", &["ARM_ENVIRONMENT"], None, false),
    attr("oidc_token", &["DATABRICKS_OIDC_TOKEN"], Some("oidc"), true),
    attr(
        "oidc_token_env",
        &["DATABRICKS_OIDC_TOKEN_ENV"],
        None,
        false,
    ),
    attr(
        "oidc_token_filepath",
        &["DATABRICKS_OIDC_TOKEN_FILEPATH"],
        Some("oidc"),
        false,
    ),
    attr("discovery_url", &["DATABRICKS_DISCOVERY_URL"], None, false),
    attr(
        "token_audience",
        &["DATABRICKS_TOKEN_AUDIENCE"],
        None,
        false,
    ),
    attr("databricks_cli_path", &["DATABRICKS_CLI_PATH"], None, false),
    // The Python SDK's config.py: google_service_account and google_credentials
    // (auth "google"), metadata_service_url (auth "metadata-service", sensitive).
    attr(
        "google_service_account",
        &["DATABRICKS_GOOGLE_SERVICE_ACCOUNT"],
        Some("google"),
        false,
    ),
    attr(
        "google_credentials",
        &["GOOGLE_CREDENTIALS"],
        Some("google"),
        true,
    ),
    attr(
        "metadata_service_url",
        &["DATABRICKS_METADATA_SERVICE_URL"],
        Some("metadata-service"),
        true,
    ),
    attr("http_timeout_seconds", &[], None, false),
    attr("retry_timeout_seconds", &[], None, false),
    attr("rate_limit", &["DATABRICKS_RATE_LIMIT"], None, false),
    attr("skip_verify", &[], None, false),
];

/// Environment variables that are not configuration attributes but that some
/// methods need: whether a tool is on PATH, the CI platforms' ID-token
/// services (GitHub Actions, Azure DevOps), Google's application default
/// credentials, and the overrides of the sign-in endpoints (the `DBSECRETS_*`
/// ones, for tests and private clouds; `GCE_METADATA_HOST` is Google's own).
/// Captured once by [`resolve`](super::resolve()), so that the auth methods
/// never read the process environment. Each entry is `(variable, sensitive)`.
pub const AMBIENT: &[(&str, bool)] = &[
    ("PATH", false),
    ("ACTIONS_ID_TOKEN_REQUEST_URL", false),
    ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", true),
    // Azure DevOps' predefined variables (the SDK's AzureDevOpsOIDCTokenSupplier).
    ("SYSTEM_ACCESSTOKEN", true),
    ("SYSTEM_TEAMFOUNDATIONCOLLECTIONURI", false),
    ("SYSTEM_TEAMPROJECTID", false),
    ("SYSTEM_PLANID", false),
    ("SYSTEM_JOBID", false),
    ("SYSTEM_HOSTTYPE", false),
    // Google's application default credentials (google.auth.default()).
    ("GOOGLE_APPLICATION_CREDENTIALS", false),
    ("CLOUDSDK_CONFIG", false),
    ("GCE_METADATA_HOST", false),
    // Where the sign-in services are: loopback stand-ins in tests.
    ("DBSECRETS_AZURE_LOGIN_URL", false),
    ("DBSECRETS_AZURE_IMDS_URL", false),
    ("DBSECRETS_GOOGLE_TOKEN_URL", false),
    ("DBSECRETS_GOOGLE_IAM_URL", false),
];

/// Looks up an attribute definition by its profile key (exact, lower case).
pub fn attribute(name: &str) -> Option<&'static Attribute> {
    ATTRIBUTES.iter().find(|a| a.name == name)
}
