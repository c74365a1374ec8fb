//! google-id: Google's application default credentials impersonate the service
//! account DATABRICKS_GOOGLE_SERVICE_ACCOUNT through the IAM credentials API:
//! its ID token for the workspace is the bearer token, and its access token
//! goes in `X-Databricks-GCP-SA-Access-Token` when it can be had.
//!
//! Follows the SDK's `google_id` and the google-auth calls it makes:
//! `google.auth.default()` finds the source credentials (GOOGLE_APPLICATION_CREDENTIALS,
//! else gcloud's `application_default_credentials.json`, else the GCE metadata
//! server); `impersonated_credentials.IDTokenCredentials` posts
//! `{"audience": <host>, "delegates": null, "includeEmail": true}` to
//! `…/serviceAccounts/<sa>:generateIdToken`, and `impersonated_credentials.Credentials`
//! posts `{"delegates": null, "scope": [GcpScopes], "lifetime": "3600s"}` to
//! `…:generateAccessToken`, each with the source's access token (scoped to
//! `https://www.googleapis.com/auth/iam` where a scope can be asked for).
//! Source files of the types `service_account` and `authorized_user` are
//! read; others (`external_account`, …) are refused with a message.

use std::path::PathBuf;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::google::{
    endpoint_with, id_token, json_problem, until_rfc3339, Grant, ServiceAccountGrant,
    ServiceAccountKey, GCP_SA_ACCESS_TOKEN_HEADER, GCP_SCOPES,
};
use super::paired::Paired;
use super::token::{send_json, TokenCache, TokenFailure, TokenResponse};
use super::{always, BoxFuture, Method, Token, TokenSource};
use crate::config::Config;
use crate::error::{SignInError, SignInFailure};
use crate::http::{check_credential_url as check_url, path_segment, Http};

pub const METHOD: Method = Method {
    name: "google-id",
    needs: "a host and google_service_account (DATABRICKS_GOOGLE_SERVICE_ACCOUNT), with Google application default credentials",
    configured: |c| c.get("host").is_some() && c.get("google_service_account").is_some(),
    usable: always,
    build: |c| {
        let adc = Arc::new(DefaultCredentials::new(c));
        let account = c
            .get("google_service_account")
            .unwrap_or_default()
            .trim()
            .to_string();
        let iam = c
            .ambient
            .get("DBSECRETS_GOOGLE_IAM_URL")
            .unwrap_or(IAM)
            .trim()
            .trim_end_matches('/')
            .to_string();
        let token = |kind| Impersonated {
            adc: adc.clone(),
            iam: iam.clone(),
            account: account.clone(),
            kind,
        };
        Ok(Box::new(Paired::new(
            token(Kind::IdToken(c.host()?.to_string())),
            token(Kind::Access),
            GCP_SA_ACCESS_TOKEN_HEADER,
            true,
            Vec::new(),
        )))
    },
};

/// The IAM credentials API (google-auth's `_IAM_DOMAIN`).
const IAM: &str = "https://iamcredentials.googleapis.com";
/// What source credentials are scoped to (google-auth's `iam._IAM_SCOPE`).
const IAM_SCOPE: &str = "https://www.googleapis.com/auth/iam";
const NO_ADC_HINT: &str = "run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a key file";

/// Where the application default credentials are looked for, as captured from
/// the configuration; they are read at the first token request.
struct DefaultCredentials {
    /// GOOGLE_APPLICATION_CREDENTIALS.
    env_file: Option<PathBuf>,
    /// gcloud's well-known file: `$CLOUDSDK_CONFIG/application_default_credentials.json`,
    /// else under `~/.config/gcloud` (`%APPDATA%\gcloud` on Windows).
    gcloud_file: Option<PathBuf>,
    /// `http://<GCE_METADATA_HOST or metadata.google.internal>`.
    metadata: String,
    /// DBSECRETS_GOOGLE_TOKEN_URL, when set.
    token_override: Option<String>,
    cache: TokenCache,
}

/// The source of the application default credentials.
enum Source {
    ServiceAccount(ServiceAccountGrant),
    AuthorizedUser {
        client_id: String,
        client_secret: SecretString,
        refresh_token: SecretString,
        endpoint: String,
        file: PathBuf,
    },
    Metadata(String),
}

#[derive(Deserialize)]
struct AdcFile {
    #[serde(rename = "type")]
    kind: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    refresh_token: Option<String>,
    token_uri: Option<String>,
}

impl DefaultCredentials {
    fn new(c: &Config) -> Self {
        let gcloud_dir = match c.ambient.get("CLOUDSDK_CONFIG") {
            Some(dir) => Some(PathBuf::from(dir)),
            None if cfg!(windows) => c.home.as_ref().map(|h| h.join("AppData/Roaming/gcloud")),
            None => c.home.as_ref().map(|h| h.join(".config/gcloud")),
        };
        let host = c
            .ambient
            .get("GCE_METADATA_HOST")
            .unwrap_or("metadata.google.internal")
            .trim();
        DefaultCredentials {
            env_file: c
                .ambient
                .get("GOOGLE_APPLICATION_CREDENTIALS")
                .map(PathBuf::from),
            gcloud_file: gcloud_dir.map(|d| d.join("application_default_credentials.json")),
            metadata: format!("http://{host}"),
            token_override: c
                .ambient
                .get("DBSECRETS_GOOGLE_TOKEN_URL")
                .map(str::to_string),
            cache: TokenCache::default(),
        }
    }

    /// google.auth.default()'s order, without the App Engine case.
    fn source(&self) -> Result<Source, SignInError> {
        let name = METHOD.name;
        let file = match (&self.env_file, &self.gcloud_file) {
            (Some(f), _) => f.clone(),
            (None, Some(f)) if f.is_file() => f.clone(),
            _ => return Ok(Source::Metadata(self.metadata.clone())),
        };
        let bad = |why: String| {
            SignInError::new(format!(
                "{name}: the application default credentials in {} are not usable: {why}",
                file.display()
            ))
            .with_hint(NO_ADC_HINT)
        };
        let text = super::read_credential_file(&file).map_err(|e| bad(e.to_string()))?;
        let adc: AdcFile = serde_json::from_str(&text).map_err(|e| bad(json_problem(&e)))?;
        match adc.kind.as_deref() {
            Some("service_account") => {
                let key = ServiceAccountKey::parse(&text).map_err(bad)?;
                Ok(Source::ServiceAccount(ServiceAccountGrant {
                    name,
                    endpoint: endpoint_with(self.token_override.as_deref(), key.token_uri.as_deref()),
                    key: Arc::new(key),
                    grant: Grant::Access(IAM_SCOPE.into()),
                    rejected_hint: "check the key of GOOGLE_APPLICATION_CREDENTIALS: it may have been deleted or disabled",
                }))
            }
            Some("authorized_user") => {
                let field = |v: Option<String>, what: &str| {
                    v.filter(|s| !s.trim().is_empty())
                        .ok_or_else(|| bad(format!("it has no {what}")))
                };
                Ok(Source::AuthorizedUser {
                    client_id: field(adc.client_id, "client_id")?,
                    client_secret: SecretString::from(field(adc.client_secret, "client_secret")?),
                    refresh_token: SecretString::from(field(adc.refresh_token, "refresh_token")?),
                    endpoint: endpoint_with(self.token_override.as_deref(), adc.token_uri.as_deref()),
                    file: file.clone(),
                })
            }
            Some(other) => Err(bad(format!(
                "credentials of type '{other}' are not supported by dbsecrets (service_account and authorized_user are)"
            ))),
            None => Err(bad("it has no type".into())),
        }
    }

    /// The source's access token header (`Bearer …`), cached.
    async fn authorization(&self, http: &Http) -> Result<SecretString, SignInError> {
        self.cache.get(|| self.fetch_source(http)).await
    }

    async fn fetch_source(&self, http: &Http) -> Result<Token, SignInError> {
        let name = METHOD.name;
        match self.source()? {
            Source::ServiceAccount(grant) => grant.fetch(http).await,
            Source::AuthorizedUser {
                client_id,
                client_secret,
                refresh_token,
                endpoint,
                file,
            } => {
                // google-auth's `_client.refresh_grant`.
                let url = check_url(&endpoint, "Google's token endpoint")
                    .map_err(|m| SignInError::new(format!("{name}: {m}")))?;
                let req = http.client().post(url.as_str()).form(&[
                    ("grant_type", "refresh_token"),
                    ("client_id", client_id.as_str()),
                    ("client_secret", client_secret.expose_secret()),
                    ("refresh_token", refresh_token.expose_secret()),
                ]);
                send_json::<TokenResponse>(http, req, &endpoint, "a token")
                    .await
                    .and_then(|r| r.into_token(&endpoint))
                    .map_err(|f| {
                        f.auth_error(
                            format!(
                                "{name}: Google refused to renew the user credentials of {} (client id '{client_id}') at {endpoint}: {f}",
                                file.display()
                            ),
                            || "run `gcloud auth application-default login` again".to_string(),
                        )
                    })
            }
            Source::Metadata(base) => {
                // compute_engine's `get_service_account_token`; the server is
                // plain http on the VM's own network.
                let url =
                    format!("{base}/computeMetadata/v1/instance/service-accounts/default/token");
                let req = http
                    .client()
                    .get(&url)
                    .query(&[("scopes", IAM_SCOPE)])
                    .header("Metadata-Flavor", "Google");
                send_json::<TokenResponse>(http, req, &url, "a token")
                    .await
                    .and_then(|r| r.into_token(&url))
                    .map_err(|f| {
                        let err = f.auth_error(
                            format!(
                                "{name}: no application default credentials: GOOGLE_APPLICATION_CREDENTIALS is not set, gcloud's application_default_credentials.json was not found, and the metadata server at {base} gave no token: {f}"
                            ),
                            || NO_ADC_HINT.to_string(),
                        );
                        if err.hint.is_none() {
                            err.with_hint(NO_ADC_HINT)
                        } else {
                            err
                        }
                    })
            }
        }
    }
}

/// What is asked of the IAM credentials API.
enum Kind {
    /// generateIdToken, for this audience (the workspace URL).
    IdToken(String),
    /// generateAccessToken, for the GCP scopes.
    Access,
}

/// A token of the impersonated service account.
struct Impersonated {
    adc: Arc<DefaultCredentials>,
    iam: String,
    account: String,
    kind: Kind,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IamAnswer {
    /// generateIdToken's.
    token: Option<String>,
    /// generateAccessToken's.
    access_token: Option<String>,
    expire_time: Option<String>,
}

impl Impersonated {
    async fn fetch_token(&self, http: &Http) -> Result<Token, SignInError> {
        let name = METHOD.name;
        let (verb, body, what) = match &self.kind {
            Kind::IdToken(audience) => (
                "generateIdToken",
                serde_json::json!({"audience": audience, "delegates": null, "includeEmail": true}),
                "an ID token",
            ),
            Kind::Access => (
                "generateAccessToken",
                serde_json::json!({"delegates": null, "scope": GCP_SCOPES, "lifetime": "3600s"}),
                "an access token",
            ),
        };
        let endpoint = format!(
            "{}/v1/projects/-/serviceAccounts/{}:{verb}",
            self.iam,
            path_segment(&self.account)
        );
        let url = check_url(&endpoint, "Google's IAM credentials API")
            .map_err(|m| SignInError::new(format!("{name}: {m}")))?;
        let source = self.adc.authorization(http).await?;
        let req = http
            .client()
            .post(url.as_str())
            .header(
                reqwest::header::AUTHORIZATION,
                crate::http::sensitive(source.expose_secret()).ok_or_else(|| {
                    SignInError::new(format!(
                        "{name}: the source credentials' token cannot be sent in a header"
                    ))
                })?,
            )
            .json(&body);
        let fail = |f: TokenFailure| {
            f.auth_error(
                format!(
                    "{name}: Google IAM gave no {} of service account '{}' at {endpoint}: {f}",
                    what.trim_start_matches("an "),
                    self.account
                ),
                || format!("the identity of your application default credentials needs the Service Account Token Creator role (roles/iam.serviceAccountTokenCreator) on {}", self.account),
            )
        };
        let answer: IamAnswer = send_json(http, req, &endpoint, what).await.map_err(fail)?;
        let invalid = || {
            SignInError::new(format!(
                "{name}: {endpoint} answered without {what} and its expiry"
            ))
            .with_failure(SignInFailure::Invalid)
        };
        match self.kind {
            Kind::IdToken(_) => answer
                .token
                .as_deref()
                .and_then(id_token)
                .ok_or_else(invalid),
            Kind::Access => {
                let access = answer
                    .access_token
                    .filter(|t| !t.trim().is_empty())
                    .ok_or_else(invalid)?;
                let lifetime = answer.expire_time.as_deref().and_then(until_rfc3339);
                Ok(Token::bearer(
                    access.trim(),
                    None,
                    Some(lifetime.ok_or_else(invalid)?),
                ))
            }
        }
    }
}

impl TokenSource for Impersonated {
    fn name(&self) -> &'static str {
        METHOD.name
    }

    fn fetch<'a>(&'a self, http: &'a Http) -> BoxFuture<'a, Result<Token, SignInError>> {
        Box::pin(self.fetch_token(http))
    }

    fn details(&self) -> Vec<(&'static str, String)> {
        let (what, verb) = match &self.kind {
            Kind::IdToken(a) => (format!("an ID token for audience {a}"), "generateIdToken"),
            Kind::Access => (
                format!("an access token for scopes {}", GCP_SCOPES.join(" ")),
                "generateAccessToken",
            ),
        };
        let mut d = vec![(
            "google_impersonation",
            format!(
                "{what} of {}, from {}/v1/projects/-/serviceAccounts/…:{verb}",
                self.account, self.iam
            ),
        )];
        if matches!(self.kind, Kind::IdToken(_)) {
            let source = match (&self.adc.env_file, &self.adc.gcloud_file) {
                (Some(f), _) => format!("{} (GOOGLE_APPLICATION_CREDENTIALS)", f.display()),
                (None, Some(f)) if f.is_file() => format!("{} (gcloud)", f.display()),
                _ => format!("the GCE metadata server at {}", self.adc.metadata),
            };
            d.push(("google_source_credentials", source));
        }
        d
    }
}
