//! Credential providers: each authentication method of auth.md behind one trait,
//! and the chain that picks the method for a resolved [`Config`].
//!
//! A provider hands out the value of the `Authorization` header. Providers that
//! fetch tokens (OAuth, token exchange, CLIs) cache them, so a process fetches
//! each token once and again only when it is about to expire.
//!
//! When `auth_type` is not set, the methods are tried in this order ([`CHAIN`])
//! and the first whose attributes are present is used; the CLI methods count
//! only when their tool yields a token:
//!
//! | `auth_type` | needs | how |
//! |---|---|---|
//! | `pat` | `token` | `Authorization: Bearer <token>` ([`StaticHeader`]) |
//! | `basic` | `username`, `password` | `Authorization: Basic …` ([`StaticHeader`]) |
//! | `metadata-service` | `metadata_service_url` | a token from a local metadata service |
//! | `oauth-m2m` | `client_id`, `client_secret` | client-credentials grant at the workspace's token endpoint ([`OAuthM2m`]) |
//! | `databricks-cli` | a host or profile, and the `databricks` CLI | `databricks auth token` ([`DatabricksCli`]) |
//! | `github-oidc` | `client_id` in a GitHub Actions job with `id-token: write` | GitHub's ID token exchanged for a Databricks token ([`TokenExchange`]) |
//! | `env-oidc` | `DATABRICKS_OIDC_TOKEN` | an ID token exchanged ([`TokenExchange`]) |
//! | `file-oidc` | `oidc_token_filepath` | an ID token read from a file and exchanged ([`TokenExchange`]) |
//! | `azure-client-secret` | an Azure workspace, `azure_client_id`, `azure_client_secret`, `azure_tenant_id` | Azure AD client-credentials grant ([`AzureClientSecret`]) |
//! | `github-oidc-azure` | an Azure workspace, `azure_client_id`, a GitHub Actions job | GitHub's ID token as the client assertion of an Entra ID application |
//! | `azure-msi` | an Azure workspace, `azure_use_msi` | the managed identity's tokens from the instance metadata service |
//! | `azure-cli` | an Azure workspace and `az` on PATH | `az account get-access-token` ([`AzureCli`]) |
//! | `azure-devops-oidc` | `client_id` in an Azure DevOps pipeline | the job's ID token exchanged for a Databricks token ([`TokenExchange`]) |
//! | `google-credentials` | `google_credentials` (a service-account key) | an ID token for the workspace from Google's JWT grant |
//! | `google-id` | `google_service_account`, Google's default credentials | the impersonated account's ID token from the IAM credentials API |
//!
//! The order is the Python SDK's (`DefaultCredentials`) for the methods it
//! has, keeping shared/spec/auth.md's order of the methods that spec lists;
//! azure-msi (Go SDK only) comes after the Azure methods Go also tries first.
//!
//! [`provider`] builds the provider for a [`Config`]; [`choose`] says which
//! method and why; [`candidates`] explains every method. To sign in another
//! way, implement [`TokenSource`] (wrapped in [`Cached`]) or
//! [`CredentialsProvider`] and pass it to [`Client::new`](crate::Client::new).

mod azure;
mod azure_cli;
mod azure_client_secret;
mod azure_devops_oidc;
mod azure_msi;
mod cached;
mod command;
mod databricks_cli;
mod env_oidc;
mod file_oidc;
mod github_oidc;
mod github_oidc_azure;
mod google;
mod google_credentials;
mod google_id;
mod metadata_service;
mod oauth_m2m;
mod oidc;
mod oidc_supplier;
mod paired;
mod static_header;
mod token;

use std::future::Future;
use std::pin::Pin;

use reqwest::header::{HeaderName, HeaderValue};
use secrecy::SecretString;

use crate::config::{Config, ConfigError};
use crate::error::SignInError;
use crate::http::Http;

pub use azure::{is_azure_host, login_base, AZURE_DATABRICKS_RESOURCE};
pub use azure_cli::AzureCli;
pub use azure_client_secret::AzureClientSecret;
pub use cached::{Cached, TokenSource};
pub use command::{summarize_stderr, COMMAND_TIMEOUT};
pub use databricks_cli::DatabricksCli;
pub use oauth_m2m::OAuthM2m;
pub use oidc::{IdTokenSource, TokenExchange};
pub use static_header::StaticHeader;
pub use token::{Discovery, Token, TokenCache, EARLY_REFRESH};

/// A boxed, `Send` future, so the traits stay object-safe without extra
/// crates: implement with `Box::pin(async move { … })`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One authentication method: what a [`Client`](crate::Client) asks for the
/// `Authorization` header of each request.
///
/// ```
/// use dbsecrets_client::auth::{BoxFuture, CredentialsProvider};
/// use dbsecrets_client::error::SignInError;
/// use dbsecrets_client::http::Http;
/// use secrecy::SecretString;
///
/// /// A token from a secret store of your own.
/// struct FromVault(SecretString);
///
/// impl CredentialsProvider for FromVault {
///     fn name(&self) -> &'static str {
///         "vault"
///     }
///     fn authorization<'a>(
///         &'a self,
///         _http: &'a Http,
///     ) -> BoxFuture<'a, Result<SecretString, SignInError>> {
///         use secrecy::ExposeSecret;
///         let header = format!("Bearer {}", self.0.expose_secret());
///         Box::pin(async move { Ok(SecretString::from(header)) })
///     }
///     fn remote_endpoints(&self) -> bool {
///         false
///     }
/// }
/// ```
pub trait CredentialsProvider: Send + Sync {
    /// The auth_type name, e.g. `pat`; it also goes into the User-Agent.
    fn name(&self) -> &'static str;

    /// The `Authorization` header value for the next request, scheme included
    /// (`Bearer …`). Called before every attempt, so cache what is costly to
    /// get. Token requests go through `http`, with its timeouts, TLS, proxies
    /// and trace. A [transient](SignInError::transient_if) error is retried
    /// like a request.
    fn authorization<'a>(
        &'a self,
        http: &'a Http,
    ) -> BoxFuture<'a, Result<SecretString, SignInError>>;

    /// Whether the method talks to hosts other than the workspace (token
    /// endpoints, which need TLS even for a plain-http local workspace).
    fn remote_endpoints(&self) -> bool {
        true
    }

    /// Headers besides `Authorization` that every API request carries (Azure's
    /// workspace resource id). Asked for right after each successful
    /// [`authorization`](Self::authorization), so a method may return a second
    /// token it fetched there (azure-msi's management token, the Google
    /// methods' access token); mark such values sensitive, so that the trace
    /// masks them.
    fn extra_headers(&self) -> Vec<(HeaderName, HeaderValue)> {
        Vec::new()
    }

    /// How this method gets its credential, for `auth describe`: no secrets, no
    /// network (e.g. the command it runs, the endpoint it asks).
    fn details(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// A method of the chain: its name, whether its attributes are present, and how to build it.
pub struct Method {
    /// The `auth_type` name, e.g. `oauth-m2m`.
    pub name: &'static str,
    /// The attributes it needs, as a phrase for error messages, e.g.
    /// `token (DATABRICKS_TOKEN)`.
    pub needs: &'static str,
    /// Its attributes are present: enough for `auth_type` to force it.
    pub configured: fn(&Config) -> bool,
    /// Whether the chain may pick it when it is configured, or why not (e.g. its
    /// command-line tool is not installed). Not asked when `auth_type` forces it:
    /// then the tool's absence is a clear error at first use.
    pub usable: fn(&Config) -> Result<(), String>,
    /// Builds the provider from the configuration. Sends nothing; fails only
    /// for an unusable setting (e.g. no host to discover the token endpoint from).
    pub build: fn(&Config) -> Result<Box<dyn CredentialsProvider>, ConfigError>,
}

/// [`Method::usable`] for methods whose attributes are all they need.
fn always(_: &Config) -> Result<(), String> {
    Ok(())
}

/// The methods in the order they are tried when `auth_type` is not set, as in
/// the official tools: `pat`, `basic`, `metadata-service`, `oauth-m2m`,
/// `databricks-cli`, `github-oidc`, `env-oidc`, `file-oidc`,
/// `azure-client-secret`, `github-oidc-azure`, `azure-msi`, `azure-cli`,
/// `azure-devops-oidc`, `google-credentials`, `google-id`.
pub const CHAIN: &[Method] = &[
    static_header::PAT,
    static_header::BASIC,
    metadata_service::METHOD,
    oauth_m2m::METHOD,
    databricks_cli::METHOD,
    github_oidc::METHOD,
    env_oidc::METHOD,
    file_oidc::METHOD,
    azure_client_secret::METHOD,
    github_oidc_azure::METHOD,
    azure_msi::METHOD,
    azure_cli::METHOD,
    azure_devops_oidc::METHOD,
    google_credentials::METHOD,
    google_id::METHOD,
];

/// Looks up a method by its `auth_type` name (exact, lower case).
pub fn method(name: &str) -> Option<&'static Method> {
    CHAIN.iter().find(|m| m.name == name)
}

/// Why a method was picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// `auth_type` names it; the text says where auth_type was set.
    Forced(String),
    /// The first method of the chain whose settings are present.
    Chain,
}

/// Picks the method: the forced `auth_type`, else the first configured and usable
/// method of the chain. Applies the "more than one authorization method" check first.
///
/// Fails with [`ConfigError::UnknownAuthType`], [`ConfigError::IncompleteMethod`]
/// (a forced method without its attributes), [`ConfigError::MultipleMethods`]
/// or [`ConfigError::NoCredentials`]. Looks on PATH for the CLI tools; sends nothing.
pub fn choose(cfg: &Config) -> Result<(&'static Method, Reason), ConfigError> {
    if let Some(forced) = cfg.value("auth_type") {
        let Some(method) = method(forced.value.trim()) else {
            return Err(ConfigError::UnknownAuthType {
                value: forced.value.clone(),
                source_desc: forced.source.to_string(),
                known: CHAIN.iter().map(|m| m.name).collect(),
            });
        };
        if !(method.configured)(cfg) {
            return Err(ConfigError::IncompleteMethod {
                method: method.name,
                source_desc: forced.source.to_string(),
                missing: method.needs.to_string(),
            });
        }
        return Ok((method, Reason::Forced(forced.source.to_string())));
    }
    let methods = cfg.methods_present();
    if methods.len() > 1 {
        return Err(ConfigError::MultipleMethods { methods });
    }
    match CHAIN
        .iter()
        .find(|m| (m.configured)(cfg) && (m.usable)(cfg).is_ok())
    {
        Some(m) => Ok((m, Reason::Chain)),
        None => Err(ConfigError::NoCredentials {
            host: cfg.get("host").unwrap_or("the workspace").to_string(),
            looked_at: cfg.looked_at(),
        }),
    }
}

/// The provider for the resolved configuration: [`choose`], then the method's
/// [`build`](Method::build). Sends nothing.
pub fn provider(cfg: &Config) -> Result<Box<dyn CredentialsProvider>, ConfigError> {
    let (method, _) = choose(cfg)?;
    (method.build)(cfg)
}

/// Each method of the chain and whether it could be used, for `auth describe`:
/// `Ok(())`, or why not (`needs …`, or e.g. that its tool is not on PATH).
pub fn candidates(cfg: &Config) -> Vec<(&'static str, Result<(), String>)> {
    CHAIN
        .iter()
        .map(|m| {
            let state = if !(m.configured)(cfg) {
                Err(format!("needs {}", m.needs))
            } else {
                (m.usable)(cfg)
            };
            (m.name, state)
        })
        .collect()
}

/// Reads a required attribute as a secret.
fn secret(cfg: &Config, name: &str) -> Option<SecretString> {
    cfg.get(name).map(|v| SecretString::from(v.to_string()))
}

/// The largest credential file read (an ID token, a service-account key, the
/// application default credentials): a few KiB in practice.
const MAX_CREDENTIAL_FILE_BYTES: u64 = 1024 * 1024;

/// Reads a credential file as UTF-8 text, no more than
/// [`MAX_CREDENTIAL_FILE_BYTES`]: a path that names `/dev/zero` or a stream
/// that never ends stops there with an error, in bounded memory and time.
fn read_credential_file(path: &std::path::Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_CREDENTIAL_FILE_BYTES + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_CREDENTIAL_FILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "it is larger than 1 MiB, more than a credential holds",
        ));
    }
    Ok(text)
}

/// Where an attribute came from, for error messages ("" when unset).
fn origin(cfg: &Config, name: &str) -> String {
    cfg.value(name)
        .map(|v| v.source.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_files_are_read_up_to_a_cap() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("token");
        std::fs::write(&small, "eyJ.x.y\n").unwrap();
        assert_eq!(read_credential_file(&small).unwrap(), "eyJ.x.y\n");
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'a'; 1024 * 1024 + 1]).unwrap();
        let e = read_credential_file(&big).unwrap_err();
        assert_eq!(
            e.to_string(),
            "it is larger than 1 MiB, more than a credential holds"
        );
        #[cfg(unix)]
        assert!(read_credential_file(std::path::Path::new("/dev/zero")).is_err());
    }
    use crate::config::Source;

    fn cfg(pairs: &[(&'static str, &str)]) -> Config {
        let mut c = Config::default();
        for (k, v) in pairs {
            c.set(k, *v, Source::Env(format!("X_{k}")));
        }
        c
    }

    fn chosen(c: &Config) -> &'static str {
        choose(c).map(|(m, _)| m.name).unwrap_or("error")
    }

    #[test]
    fn pat_is_chosen() {
        let p = provider(&cfg(&[("host", "https://h"), ("token", "t")])).unwrap();
        assert_eq!(p.name(), "pat");
    }

    #[test]
    fn basic_is_chosen() {
        let p = provider(&cfg(&[
            ("host", "https://h"),
            ("username", "u"),
            ("password", "p"),
        ]))
        .unwrap();
        assert_eq!(p.name(), "basic");
    }

    #[test]
    fn chain_order() {
        let h = ("host", "https://h.cloud.databricks.com");
        assert_eq!(
            chosen(&cfg(&[h, ("client_id", "c"), ("client_secret", "s")])),
            "oauth-m2m"
        );
        assert_eq!(chosen(&cfg(&[h, ("oidc_token", "jwt")])), "env-oidc");
        assert_eq!(
            chosen(&cfg(&[h, ("oidc_token_filepath", "/f")])),
            "file-oidc"
        );
        let mut gh = cfg(&[h, ("client_id", "c")]);
        gh.ambient
            .set("ACTIONS_ID_TOKEN_REQUEST_URL", "https://gh/x?a=1");
        gh.ambient.set("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "rt");
        assert_eq!(chosen(&gh), "github-oidc");
        let az = [
            ("host", "https://adb-1.2.azuredatabricks.net"),
            ("azure_client_id", "a"),
            ("azure_client_secret", "s"),
            ("azure_tenant_id", "t"),
        ];
        assert_eq!(chosen(&cfg(&az)), "azure-client-secret");
        // Outside Azure, ARM_* variables are not for this workspace.
        let mut aws = az;
        aws[0] = h;
        assert_eq!(chosen(&cfg(&aws)), "error");
    }

    /// A fake tool that prints `stdout` and exits `code`.
    #[cfg(unix)]
    fn tool(path: &std::path::Path, stdout: &str, code: i32) {
        command::tests::executable(path);
        let text = format!("#!/bin/sh\ncat <<'EOF'\n{stdout}\nEOF\nexit {code}\n");
        std::fs::write(path, text).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn tools_count_only_when_they_yield_a_token() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path();
        let host = ("host", "https://adb-1.2.azuredatabricks.net");
        let mut c = cfg(&[host]);
        c.ambient.set("PATH", bin.to_str().unwrap());
        assert_eq!(chosen(&c), "error");
        tool(
            &bin.join("az"),
            r#"{"accessToken":"a","expires_on":4070908800}"#,
            0,
        );
        assert_eq!(chosen(&c), "azure-cli");
        // Installed but signed out: skipped, as the SDK skips it.
        tool(&bin.join("databricks"), "Error: not logged in", 1);
        assert_eq!(chosen(&c), "azure-cli");
        let reasons = candidates(&c);
        let cli = reasons
            .iter()
            .find(|(n, _)| *n == "databricks-cli")
            .unwrap();
        assert_eq!(
            cli.1.as_ref().unwrap_err(),
            "`databricks auth token --host https://adb-1.2.azuredatabricks.net` gave no token (exit 1)"
        );
        // Another host: another command, run once.
        let mut c3 = cfg(&[("host", "https://adb-3.4.azuredatabricks.net")]);
        c3.ambient.set("PATH", bin.to_str().unwrap());
        tool(
            &bin.join("databricks"),
            r#"{"access_token":"t","expiry":"2099-01-01T00:00:00Z"}"#,
            0,
        );
        assert_eq!(chosen(&c3), "databricks-cli");
        // With settings of another method present (a client id), azure-cli
        // comes before the databricks CLI, as in the Python SDK.
        let mut c2 = cfg(&[
            ("host", "https://adb-5.6.azuredatabricks.net"),
            ("client_id", "c"),
        ]);
        c2.ambient.set("PATH", bin.to_str().unwrap());
        assert_eq!(chosen(&c2), "azure-cli");
        // azure-cli only for Azure workspaces.
        let mut aws = cfg(&[("host", "https://x.cloud.databricks.com")]);
        std::fs::remove_file(bin.join("databricks")).unwrap();
        aws.ambient.set("PATH", bin.to_str().unwrap());
        assert_eq!(chosen(&aws), "error");
    }

    #[test]
    fn new_methods_in_the_chain() {
        let h = ("host", "https://h.gcp.databricks.com");
        assert_eq!(
            chosen(&cfg(&[h, ("metadata_service_url", "http://127.0.0.1:9/x")])),
            "metadata-service"
        );
        assert_eq!(
            chosen(&cfg(&[h, ("google_credentials", "{}")])),
            "google-credentials"
        );
        assert_eq!(
            chosen(&cfg(&[
                h,
                ("google_service_account", "sa@p.iam.gserviceaccount.com")
            ])),
            "google-id"
        );
        // google_credentials and google_service_account are one group, as in the SDK.
        assert_eq!(
            chosen(&cfg(&[
                h,
                ("google_credentials", "{}"),
                ("google_service_account", "s")
            ])),
            "google-credentials"
        );
        let err = choose(&cfg(&[h, ("token", "t"), ("google_credentials", "{}")]))
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "validate: more than one authorization method configured: google and pat"
        );
        let az = ("host", "https://adb-1.2.azuredatabricks.net");
        let mut gh = cfg(&[az, ("azure_client_id", "a")]);
        gh.ambient
            .set("ACTIONS_ID_TOKEN_REQUEST_URL", "https://gh/x?a=1");
        gh.ambient.set("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "rt");
        assert_eq!(chosen(&gh), "github-oidc-azure");
        // azure-client-secret comes first, as in the SDK.
        gh.set("azure_client_secret", "s", Source::Env("X".into()));
        gh.set("azure_tenant_id", "t", Source::Env("X".into()));
        assert_eq!(chosen(&gh), "azure-client-secret");
        assert_eq!(chosen(&cfg(&[az, ("azure_use_msi", "true")])), "azure-msi");
        assert_eq!(chosen(&cfg(&[az, ("azure_use_msi", "false")])), "error");
        assert_eq!(
            chosen(&cfg(&[
                ("host", "https://x.cloud.databricks.com"),
                ("azure_use_msi", "true")
            ])),
            "error"
        );
        let mut ado = cfg(&[az, ("client_id", "c")]);
        for (k, v) in [
            ("SYSTEM_ACCESSTOKEN", "t"),
            (
                "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI",
                "https://dev.azure.com/o/",
            ),
            ("SYSTEM_TEAMPROJECTID", "p"),
            ("SYSTEM_PLANID", "pl"),
            ("SYSTEM_JOBID", "j"),
            ("SYSTEM_HOSTTYPE", "build"),
        ] {
            ado.ambient.set(k, v);
        }
        assert_eq!(chosen(&ado), "azure-devops-oidc");
        let names: Vec<&str> = CHAIN.iter().map(|m| m.name).collect();
        assert_eq!(
            names,
            [
                "pat",
                "basic",
                "metadata-service",
                "oauth-m2m",
                "databricks-cli",
                "github-oidc",
                "env-oidc",
                "file-oidc",
                "azure-client-secret",
                "github-oidc-azure",
                "azure-msi",
                "azure-cli",
                "azure-devops-oidc",
                "google-credentials",
                "google-id",
            ]
        );
    }

    #[test]
    fn more_than_one_method() {
        let err = provider(&cfg(&[
            ("token", "t"),
            ("username", "u"),
            ("password", "p"),
        ]))
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            "validate: more than one authorization method configured: basic and pat"
        );
        let err = provider(&cfg(&[
            ("token", "t"),
            ("client_id", "c"),
            ("client_secret", "s"),
        ]))
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            "validate: more than one authorization method configured: oauth and pat"
        );
    }

    #[test]
    fn auth_type_forces_and_skips_the_check() {
        let p = provider(&cfg(&[
            ("token", "t"),
            ("username", "u"),
            ("password", "p"),
            ("auth_type", "basic"),
        ]))
        .unwrap();
        assert_eq!(p.name(), "basic");
        let err = provider(&cfg(&[("token", "t"), ("auth_type", "basic")]))
            .err()
            .unwrap();
        assert!(err.to_string().contains("auth_type basic is set"), "{err}");
        let err = provider(&cfg(&[("token", "t"), ("auth_type", "magic")]))
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("unknown auth_type 'magic'"),
            "{err}"
        );
        // Forcing a CLI method does not need the tool to be installed yet.
        let c = cfg(&[
            ("host", "https://h"),
            ("auth_type", "databricks-cli"),
            ("client_id", "x"),
        ]);
        assert_eq!(chosen(&c), "databricks-cli");
        assert!(matches!(choose(&c).unwrap().1, Reason::Forced(_)));
    }

    #[test]
    fn nothing_configured() {
        let err = provider(&cfg(&[("host", "https://h")])).err().unwrap();
        assert!(
            err.to_string()
                .starts_with("no credentials configured for https://h"),
            "{err}"
        );
    }

    #[test]
    fn candidates_explain_each_method() {
        let c = cfg(&[("host", "https://h"), ("token", "t")]);
        let all = candidates(&c);
        assert_eq!(all.len(), CHAIN.len());
        assert_eq!(all[0], ("pat", Ok(())));
        assert!(all[1].1.as_ref().unwrap_err().starts_with("needs username"));
    }
}
