//! What the token-fetching methods share: the per-process token cache, the OAuth
//! token endpoint's answers, endpoint discovery and the rule that credentials
//! only travel over https (or plain http to the local machine).

use std::time::{Duration, Instant};

use secrecy::SecretString;
use serde::Deserialize;

use crate::error::{parse_error_body, status_text, SignInError, SignInFailure};
use crate::http::{check_credential_url as check_url, strip_query, Http, SendFailure};

/// Tokens are renewed this long before they expire, so that a request never
/// carries a token that expires in flight.
pub const EARLY_REFRESH: Duration = Duration::from_secs(40);

/// An access token, as the `Authorization` header value, and when it expires
/// (`None`: the issuer did not say; it is kept for the life of the process).
///
/// What a [`TokenSource`](super::TokenSource) returns; build it with [`Token::bearer`].
pub struct Token {
    /// The whole header value, scheme included: `Bearer <access token>`.
    pub header: SecretString,
    /// When the token stops being valid; `None` when the issuer did not say.
    pub expires_at: Option<Instant>,
    /// How long before expiry it is renewed: 40 s, or half the lifetime of a
    /// short-lived token (so that it is not fetched again for every request).
    pub margin: Duration,
}

impl Token {
    /// A bearer token that expires `lifetime` from now (`None`: never, for
    /// this process). `token_type` is the issuer's scheme; `Bearer` when it is
    /// absent, empty or any case of `bearer`.
    pub fn bearer(
        access_token: &str,
        token_type: Option<&str>,
        lifetime: Option<Duration>,
    ) -> Self {
        let scheme = match token_type.map(str::trim) {
            Some(t) if !t.is_empty() && !t.eq_ignore_ascii_case("bearer") => t,
            _ => "Bearer",
        };
        Token {
            header: SecretString::from(format!("{scheme} {access_token}")),
            // A lifetime too large to add to the clock means "for this process".
            expires_at: lifetime.and_then(|l| Instant::now().checked_add(l)),
            margin: lifetime.map_or(EARLY_REFRESH, |l| EARLY_REFRESH.min(l / 2)),
        }
    }

    /// Still good at `now` for longer than its renewal margin.
    pub fn fresh(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|at| {
            at.checked_duration_since(now)
                .is_some_and(|left| left > self.margin)
        })
    }
}

/// The time left until an instant given in milliseconds since the epoch (zero
/// when it has passed): how the CLI methods turn an expiry time into a lifetime.
pub fn until_epoch_millis(ms: i64) -> Duration {
    let left = ms - chrono::Utc::now().timestamp_millis();
    Duration::from_millis(left.max(0) as u64)
}

/// One token per provider, fetched on first use and again only when it is
/// about to expire. Concurrent requests wait for the one fetch in progress.
/// [`Cached`](super::Cached) uses one; use it directly in a
/// [`CredentialsProvider`](super::CredentialsProvider) of your own.
#[derive(Default)]
pub struct TokenCache {
    slot: tokio::sync::Mutex<Option<Token>>,
}

impl TokenCache {
    /// The cached token's header while it is [fresh](Token::fresh), else the
    /// header of a new token from `fetch`, which is then cached. A failed fetch
    /// caches nothing: the next call tries again.
    pub async fn get<F, Fut>(&self, fetch: F) -> Result<SecretString, SignInError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Token, SignInError>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some(t) = slot.as_ref().filter(|t| t.fresh(Instant::now())) {
            return Ok(t.header.clone());
        }
        let token = fetch().await?;
        let header = token.header.clone();
        *slot = Some(token);
        Ok(header)
    }
}

/// Why a token request failed.
pub enum TokenFailure {
    /// No answer: connection refused, timeout, DNS.
    Transport(String),
    /// An error status; the OAuth error code and description when the body has them.
    Status {
        status: u16,
        code: Option<String>,
        message: Option<String>,
    },
    /// A success status without a usable token.
    Invalid(String),
}

impl std::fmt::Display for TokenFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenFailure::Transport(m) | TokenFailure::Invalid(m) => f.write_str(m),
            TokenFailure::Status {
                status,
                code,
                message,
            } => f.write_str(&status_text(*status, code.as_deref(), message.as_deref())),
        }
    }
}

impl TokenFailure {
    /// The sign-in error for this failure: `message` (which should quote it),
    /// transient when worth another try, and `rejected_hint` as the hint when the
    /// endpoint refused the credentials.
    pub fn auth_error(
        &self,
        message: String,
        rejected_hint: impl FnOnce() -> String,
    ) -> SignInError {
        let err = SignInError::new(message).with_failure(self.failure());
        if self.failure() == SignInFailure::Rejected {
            err.with_hint(rejected_hint())
        } else {
            err
        }
    }

    /// What kind of failure this is: unreachable, throttled or unavailable is
    /// worth another try; 401, 403 or an OAuth error code is a refusal of the
    /// credentials; anything else (an HTML page, a server error, JSON without
    /// a token) is an answer that is not what the endpoint sends.
    pub fn failure(&self) -> SignInFailure {
        match self {
            TokenFailure::Transport(_)
            | TokenFailure::Status {
                status: 429 | 503, ..
            } => SignInFailure::Unreachable,
            TokenFailure::Status {
                status: 401 | 403, ..
            }
            | TokenFailure::Status {
                status: 400,
                code: Some(_),
                ..
            } => SignInFailure::Rejected,
            _ => SignInFailure::Invalid,
        }
    }
}

/// Sends a token request through the shared transport (capped, traced, never
/// redirected) and reads the JSON answer into `T`. The body of an error answer
/// is only read for its OAuth error code and description.
pub async fn send_json<T: serde::de::DeserializeOwned>(
    http: &Http,
    req: reqwest::RequestBuilder,
    url: &str,
    what: &str,
) -> Result<T, TokenFailure> {
    let req = req.build().map_err(|e| {
        TokenFailure::Transport(format!(
            "cannot build the request to {}: {e}",
            strip_query(url)
        ))
    })?;
    let resp = http
        .send(req, None, "token request")
        .await
        .map_err(|f| match f {
            SendFailure::Transport { message, .. } => TokenFailure::Transport(message),
            SendFailure::Redirect { status, .. } => TokenFailure::Invalid(format!(
                "{} answered with a redirect (HTTP {status}) instead of {what}",
                strip_query(url)
            )),
            SendFailure::TooLarge { status } => TokenFailure::Invalid(format!(
                "{} answered HTTP {status} with a body larger than {} MiB",
                strip_query(url),
                crate::http::MAX_RESPONSE_BYTES / 1024 / 1024
            )),
        })?;
    let status = resp.status;
    if !(200..300).contains(&status) {
        let (code, message) = parse_error_body(&resp.body);
        return Err(TokenFailure::Status {
            status,
            code,
            message,
        });
    }
    serde_json::from_slice(&resp.body).map_err(|_| {
        TokenFailure::Invalid(format!(
            "{} answered HTTP {status} with something that is not {what}",
            strip_query(url)
        ))
    })
}

/// A number of seconds, sent as a JSON number or (Azure AD v1) a string.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum Seconds {
    Number(f64),
    Text(String),
}

impl Seconds {
    pub fn get(&self) -> Option<f64> {
        match self {
            Seconds::Number(n) => Some(*n),
            Seconds::Text(s) => s.trim().parse().ok(),
        }
        .filter(|n: &f64| n.is_finite() && *n >= 0.0)
    }
}

/// An OAuth token endpoint's success answer.
#[derive(Deserialize)]
pub struct TokenResponse {
    access_token: Option<String>,
    token_type: Option<String>,
    expires_in: Option<Seconds>,
}

impl TokenResponse {
    pub fn into_token(self, url: &str) -> Result<Token, TokenFailure> {
        let access = self
            .access_token
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| {
                TokenFailure::Invalid(format!(
                    "{} answered without an access_token",
                    strip_query(url)
                ))
            })?;
        let lifetime = self
            .expires_in
            .and_then(|s| s.get())
            .and_then(|s| Duration::try_from_secs_f64(s.min(1e9)).ok());
        Ok(Token::bearer(
            access.trim(),
            self.token_type.as_deref(),
            lifetime,
        ))
    }
}

/// Finds an OAuth token endpoint once per process: `GET <discovery URL>` and its
/// `token_endpoint`. Both URLs must be https (or http on loopback). A failed
/// lookup is not remembered: the next request tries again.
pub struct Discovery {
    /// The discovery document's URL.
    pub url: String,
    /// Where the URL came from, for messages: DATABRICKS_DISCOVERY_URL or the host.
    pub origin: String,
    endpoint: tokio::sync::OnceCell<String>,
}

#[derive(Deserialize)]
struct DiscoveryDocument {
    token_endpoint: Option<String>,
}

impl Discovery {
    /// `discovery_url` when set, else the workspace's well-known document
    /// `<host>/oidc/.well-known/oauth-authorization-server`. Fails with
    /// [`ConfigError::NoHost`](crate::config::ConfigError::NoHost) when neither is set.
    pub fn for_config(cfg: &crate::config::Config) -> Result<Self, crate::config::ConfigError> {
        Ok(match cfg.value("discovery_url") {
            Some(v) => Discovery::new(v.value.trim(), v.source.to_string()),
            None => {
                let host = cfg.host()?;
                Discovery::new(
                    &format!("{host}/oidc/.well-known/oauth-authorization-server"),
                    format!("the workspace {host}"),
                )
            }
        })
    }

    /// The discovery document at `url`; `origin` says where the URL came from,
    /// for messages (e.g. `environment variable DATABRICKS_DISCOVERY_URL`).
    pub fn new(url: &str, origin: impl Into<String>) -> Self {
        Discovery {
            url: url.to_string(),
            origin: origin.into(),
            endpoint: tokio::sync::OnceCell::new(),
        }
    }

    /// The token endpoint (checked to be https or loopback), fetched at the
    /// first call. `method` prefixes the error messages (e.g. `oauth-m2m`).
    pub async fn token_endpoint(&self, http: &Http, method: &str) -> Result<&str, SignInError> {
        self.endpoint
            .get_or_try_init(|| async {
                check_url(&self.url, "the OAuth discovery URL")
                    .map_err(|m| SignInError::new(format!("{method}: {m}")))?;
                let doc: DiscoveryDocument = send_json(
                    http,
                    http.client().get(&self.url),
                    &self.url,
                    "an OAuth discovery document",
                )
                .await
                .map_err(|f| {
                        SignInError::new(format!(
                            "{method}: cannot find the OAuth token endpoint: GET {} (from {}): {f}",
                            strip_query(&self.url),
                            self.origin
                        ))
                        .with_failure(match f.failure() {
                            SignInFailure::Unreachable => SignInFailure::Unreachable,
                            _ => SignInFailure::Invalid,
                        })
                        .with_hint("check that the host is a Databricks workspace URL, or set DATABRICKS_DISCOVERY_URL (discovery_url) to its OAuth discovery document")
                    })?;
                let endpoint = doc
                    .token_endpoint
                    .filter(|e| !e.trim().is_empty())
                    .ok_or_else(|| {
                        SignInError::new(format!(
                            "{method}: the OAuth discovery document {} has no token_endpoint",
                            strip_query(&self.url)
                        ))
                        .with_failure(SignInFailure::Invalid)
                    })?;
                check_url(&endpoint, "the OAuth token endpoint")
                    .map_err(|m| SignInError::new(format!("{method}: {m}")))?;
                Ok(endpoint)
            })
            .await
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn absurd_lifetimes_do_not_panic() {
        for expires in ["1e300", "\"1e300\"", "-5", "18446744073709551615"] {
            let body = format!(r#"{{"access_token":"a","expires_in":{expires}}}"#);
            let r: TokenResponse = serde_json::from_str(&body).unwrap();
            let t = r.into_token("https://x").ok().unwrap();
            assert!(t.fresh(Instant::now()) || expires == "-5");
        }
    }

    #[test]
    fn freshness_leaves_forty_seconds() {
        let now = Instant::now();
        let t = |secs| Token::bearer("x", None, Some(Duration::from_secs(secs)));
        assert!(t(3600).fresh(now));
        assert!(
            !t(3600).fresh(now + Duration::from_secs(3561)),
            "renewed 40 s before expiry"
        );
        // A short-lived token is renewed at half its life, not at every request.
        assert!(t(30).fresh(now));
        assert!(!t(30).fresh(now + Duration::from_secs(16)));
        let expired = t(0);
        assert!(!expired.fresh(Instant::now()));
        assert!(Token::bearer("x", None, None).fresh(now));
    }

    #[test]
    fn token_type_normalized() {
        let t = Token::bearer("abc", Some("bearer"), None);
        assert_eq!(t.header.expose_secret(), "Bearer abc");
        let t = Token::bearer("abc", Some("MAC"), None);
        assert_eq!(t.header.expose_secret(), "MAC abc");
    }

    #[test]
    fn expires_in_as_number_or_text() {
        let r: TokenResponse = serde_json::from_str(
            r#"{"access_token":"a","expires_in":"3599","token_type":"Bearer"}"#,
        )
        .unwrap();
        let t = r.into_token("u").ok().unwrap();
        assert!(t.expires_at.is_some());
        let r: TokenResponse =
            serde_json::from_str(r#"{"access_token":"a","expires_in":60}"#).unwrap();
        assert!(r.into_token("u").ok().unwrap().expires_at.is_some());
        let r: TokenResponse = serde_json::from_str(r#"{"token_type":"Bearer"}"#).unwrap();
        assert!(r.into_token("u").is_err());
    }
}
