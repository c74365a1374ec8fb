//! The one request path of dbsecrets: authentication, the client-side rate limit,
//! retries with backoff, response size limits, error-body parsing and the
//! `--debug` request log. Endpoint functions (secrets.rs) only build requests.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderValue, AUTHORIZATION, RETRY_AFTER, USER_AGENT};
use reqwest::Method;
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;

use super::error::{parse_error_body, ApiError};
use crate::auth::CredentialsProvider;

/// `--debug` for the requests that do not go through [`ApiClient`] (token
/// endpoints, sign-in commands): set once at start-up.
static DEBUG: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn set_debug(on: bool) {
    DEBUG.store(on, std::sync::atomic::Ordering::Relaxed);
}

pub fn debug_enabled() -> bool {
    DEBUG.load(std::sync::atomic::Ordering::Relaxed)
}

/// Responses larger than this are refused rather than read into memory.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Connection and retry settings (profile keys and flags; defaults of the official SDKs).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Normalized workspace URL.
    pub host: String,
    /// Per-request timeout (`http_timeout_seconds`, default 60).
    pub timeout: Duration,
    /// Total time spent retrying (`retry_timeout_seconds`, default 300).
    pub retry_timeout: Duration,
    /// Requests per second for the whole process (`rate_limit`, default 15).
    pub rate_limit: f64,
    /// Log requests to stderr, credentials and values masked.
    pub debug: bool,
    /// Disable certificate verification (`skip_verify`).
    pub skip_verify: bool,
}

impl Settings {
    pub fn new(host: impl Into<String>) -> Self {
        Settings {
            host: host.into(),
            timeout: Duration::from_secs(60),
            retry_timeout: Duration::from_secs(300),
            rate_limit: 15.0,
            debug: false,
            skip_verify: false,
        }
    }
}

/// A client for one workspace, shared by all requests of the process.
pub struct ApiClient {
    http: reqwest::Client,
    /// `dbsecrets/<version> os/<os> auth/<method>`: set per request so `--debug` shows it.
    user_agent: HeaderValue,
    settings: Settings,
    auth: Box<dyn CredentialsProvider>,
    limiter: Arc<RateLimiter>,
}

/// The workspace URL, refused when credentials would travel unencrypted: plain
/// http is only for the local machine.
pub fn check_host(host: &str) -> Result<reqwest::Url, ApiError> {
    let url = reqwest::Url::parse(host)
        .map_err(|e| ApiError::Refused(format!("invalid host {host}: {e}")))?;
    if url.scheme() == "http" && !is_loopback(url.host_str().unwrap_or_default()) {
        return Err(ApiError::Refused(format!(
            "refusing to send credentials over plain http to {host}: Databricks workspaces are only served over https (use https://, or a loopback address for a local emulator)"
        )));
    }
    Ok(url)
}

/// Is this host the local machine? Plain http is only allowed there.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    if h.eq_ignore_ascii_case("localhost") {
        return true;
    }
    h.parse::<std::net::IpAddr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

impl ApiClient {
    pub fn new(settings: Settings, auth: Box<dyn CredentialsProvider>) -> Result<Self, ApiError> {
        let url = check_host(&settings.host)?;
        let user_agent = format!(
            "dbsecrets/{} os/{} auth/{}",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            auth.name()
        );
        // PAT and basic talk to the workspace only; other methods also reach token
        // endpoints (OAuth, Azure AD, GitHub), which may be https and behind a proxy.
        let workspace_only = matches!(auth.name(), "pat" | "basic");
        let mut builder = reqwest::Client::builder()
            // The API requests set it themselves (so --debug shows it); this covers token requests.
            .user_agent(user_agent.clone())
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            // A redirect means the request did not reach the API (SSO, private link):
            // never follow it, so the Authorization header never goes elsewhere.
            .redirect(reqwest::redirect::Policy::none());
        if url.scheme() == "https" || !workspace_only {
            if settings.skip_verify {
                // reqwest's own no-verification path loads no roots.
                install_crypto_provider();
                builder = builder.tls_danger_accept_invalid_certs(true);
            } else {
                let (config, warnings) = super::tls::verifying();
                for w in warnings {
                    eprintln!("warning: {w}");
                }
                builder = builder.tls_backend_preconfigured(config);
            }
        } else {
            // Plain http to the workspace alone never uses TLS: load no certificate.
            builder = builder.tls_backend_preconfigured(super::tls::unused());
        }
        // Proxies from the environment, but never for the local machine.
        builder = builder.no_proxy();
        if let Some(proxy) = env_proxy() {
            builder = builder.proxy(proxy);
        }
        let http = builder
            .build()
            .map_err(|e| ApiError::Transport(format!("cannot set up the HTTP client: {e}")))?;
        let limiter = Arc::new(RateLimiter::new(settings.rate_limit));
        let user_agent = HeaderValue::from_str(&user_agent).expect("the user agent is ASCII");
        Ok(ApiClient {
            http,
            user_agent,
            settings,
            auth,
            limiter,
        })
    }

    pub fn host(&self) -> &str {
        &self.settings.host
    }

    pub fn auth_name(&self) -> &'static str {
        self.auth.name()
    }

    /// The rate limiter this client's requests go through.
    pub fn limiter(&self) -> Arc<RateLimiter> {
        self.limiter.clone()
    }

    /// Sends this client's requests through `limiter` instead of its own, so
    /// that two clients (two workspaces of one `copy`) share one process-wide
    /// rate limit.
    pub fn with_limiter(mut self, limiter: Arc<RateLimiter>) -> Self {
        self.limiter = limiter;
        self
    }

    /// GET with query parameters; the JSON answer parsed into `T`.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, ApiError> {
        let (status, body) = self.execute(Method::GET, path, query, None).await?;
        parse_body(status, &body)
    }

    /// POST a JSON body; the JSON answer parsed into `T`.
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<T, ApiError> {
        let (status, bytes) = self.execute(Method::POST, path, &[], Some(body)).await?;
        parse_body(status, &bytes)
    }

    /// Sends a request, retrying throttling (429), unavailability (503) and
    /// connection failures until `retry_timeout` is spent.
    async fn execute(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> Result<(u16, Body), ApiError> {
        let started = Instant::now();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            self.limiter.acquire().await;
            let outcome = self.send_once(method.clone(), path, query, body).await;
            let (error, retry_after) = match outcome {
                Ok(ok) => return Ok(ok),
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Retryable(e, retry_after)) => (e, retry_after),
            };
            if matches!(error, ApiError::Status { .. }) {
                self.limiter.note_throttled();
            }
            let wait = retry_after.unwrap_or_else(|| backoff(attempt));
            if started.elapsed() + wait > self.settings.retry_timeout {
                return Err(ApiError::GaveUp {
                    attempts: attempt,
                    seconds: started.elapsed().as_secs_f64(),
                    last: Box::new(error),
                });
            }
            if self.settings.debug {
                eprintln!(
                    "* attempt {attempt} failed ({error}); retrying in {:.1} s",
                    wait.as_secs_f64()
                );
            } else if attempt == 1 && matches!(error, ApiError::Transport(_)) {
                // Throttling is routine; a network failure is worth knowing about while we wait.
                eprintln!(
                    "warning: {error}; retrying for up to {:.0} s (--retry-timeout)",
                    self.settings.retry_timeout.as_secs_f64()
                );
            }
            tokio::time::sleep(wait).await;
        }
    }

    async fn send_once(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> Result<(u16, Body), Failure> {
        let url = format!("{}{}", self.settings.host, path);
        let auth = self.auth.authorization(&self.http).await.map_err(|e| {
            // An unreachable or unavailable token endpoint is retried like the API.
            if e.transient {
                Failure::Retryable(e.into(), None)
            } else {
                Failure::Final(e.into())
            }
        })?;
        let mut auth_value = HeaderValue::from_str(auth.expose_secret()).map_err(|_| {
            Failure::Final(ApiError::Refused(
                "the credential contains characters that cannot be sent in a header".into(),
            ))
        })?;
        auth_value.set_sensitive(true);
        let mut req = self
            .http
            .request(method.clone(), &url)
            .header(AUTHORIZATION, auth_value)
            .header(USER_AGENT, self.user_agent.clone());
        for (name, value) in self.auth.extra_headers() {
            req = req.header(name, value);
        }
        if !query.is_empty() {
            req = req.query(query);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let req = req.build().map_err(|e| {
            Failure::Final(ApiError::Transport(format!(
                "cannot build the request: {e}"
            )))
        })?;
        if self.settings.debug {
            log_request(&req, body, self.auth.name());
        }
        let started = Instant::now();
        let resp = match self.http.execute(req).await {
            Ok(r) => r,
            Err(e) => {
                let msg = transport_message(&e, &url);
                if self.settings.debug {
                    eprintln!("< {msg} ({} ms)", started.elapsed().as_millis());
                }
                // Connection failures and timeouts are worth another try; a
                // certificate that does not verify will not verify next time.
                return Err(if is_tls_failure(&e) {
                    Failure::Final(ApiError::Transport(msg))
                } else if e.is_connect() || e.is_timeout() || e.is_request() {
                    Failure::Retryable(ApiError::Transport(msg), None)
                } else {
                    Failure::Final(ApiError::Transport(msg))
                });
            }
        };
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        if resp.status().is_redirection() {
            let location = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(strip_query)
                .unwrap_or_else(|| "another location".into());
            if self.settings.debug {
                eprintln!(
                    "< {status} redirect to {location} ({} ms)",
                    started.elapsed().as_millis()
                );
            }
            return Err(Failure::Final(ApiError::Redirect { status, location }));
        }
        let bytes = read_capped(resp).await.map_err(|e| match e {
            ReadError::TooLarge => Failure::Final(ApiError::InvalidResponse {
                status,
                detail: format!(
                    "the response is larger than {} MiB",
                    MAX_BODY_BYTES / 1024 / 1024
                ),
            }),
            ReadError::Transport(e) => {
                Failure::Retryable(ApiError::Transport(transport_message(&e, &url)), None)
            }
        })?;
        if self.settings.debug {
            eprintln!(
                "< {status} ({} ms, {} bytes)",
                started.elapsed().as_millis(),
                bytes.len()
            );
        }
        if (200..300).contains(&status) {
            return Ok((status, bytes));
        }
        let (error_code, message) = parse_error_body(&bytes);
        let err = ApiError::Status {
            status,
            error_code,
            message,
        };
        if status == 429 || status == 503 {
            Err(Failure::Retryable(err, retry_after))
        } else {
            Err(Failure::Final(err))
        }
    }
}

enum Failure {
    Final(ApiError),
    Retryable(ApiError, Option<Duration>),
}

enum ReadError {
    TooLarge,
    Transport(reqwest::Error),
}

/// A response body: it may hold a secret value (`get`), so it is wiped on drop.
pub type Body = secrecy::zeroize::Zeroizing<Vec<u8>>;

async fn read_capped(mut resp: reqwest::Response) -> Result<Body, ReadError> {
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_BODY_BYTES as u64)
    {
        return Err(ReadError::TooLarge);
    }
    // Sized up front when the length is known, so no unwiped copy is left by a regrowth.
    let mut out = Body::new(Vec::with_capacity(
        resp.content_length().unwrap_or(0) as usize
    ));
    while let Some(chunk) = resp.chunk().await.map_err(ReadError::Transport)? {
        if out.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ReadError::TooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Parses a success body. An empty body counts as `{}`. Parse errors never quote
/// the body (it may hold a secret value): they say what was wrong and where.
pub fn parse_body<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, ApiError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        &b"{}"[..]
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| {
        let trimmed = String::from_utf8_lossy(&body[..body.len().min(64)]).trim_start().to_ascii_lowercase();
        let detail = if trimmed.starts_with('<') {
            "the server sent an HTML page instead of JSON: the request did not reach the API; check the host, private link or SSO".to_string()
        } else {
            use serde_json::error::Category;
            match e.classify() {
                Category::Eof => "the JSON body is truncated".to_string(),
                Category::Syntax => format!("the body is not valid JSON (line {}, column {})", e.line(), e.column()),
                Category::Data => "the JSON does not have the expected shape".to_string(),
                Category::Io => "the body could not be read".to_string(),
            }
        };
        ApiError::InvalidResponse { status, detail }
    })
}

/// `Retry-After`: delay-seconds or an HTTP date.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs.min(86_400)));
    }
    if let Ok(secs) = v.parse::<f64>() {
        // Anything beyond a day is as good as "never" for the retry budget.
        return Duration::try_from_secs_f64(secs.min(86_400.0)).ok();
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let ms = when.timestamp_millis() - chrono::Utc::now().timestamp_millis();
    Some(Duration::from_millis(ms.max(0) as u64))
}

/// Exponential backoff with full jitter, capped at 10 s: a random wait in
/// [0, min(10 s, 0.5 s × 2^attempt)].
pub fn backoff(attempt: u32) -> Duration {
    let cap = (0.5 * 2f64.powi(attempt.min(10) as i32)).min(10.0);
    Duration::from_secs_f64(cap * jitter())
}

/// A number in [0, 1) from the clock; retries need spread, not cryptography.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// A URL without its query and fragment, for messages.
pub fn strip_query(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or(url).to_string()
}

/// The innermost cause's text: "Connection refused (os error 111)" rather than
/// reqwest's "error sending request".
pub fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut root = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        root = s.to_string();
        source = s.source();
    }
    root
}

fn transport_message(e: &reqwest::Error, url: &str) -> String {
    let url = strip_query(url);
    let root = root_cause(e);
    if e.is_timeout() {
        format!("no answer from {url} in time (timed out)")
    } else if e.is_connect() {
        format!("cannot connect to {url}: {root}")
    } else {
        format!("request to {url} failed: {root}")
    }
}

/// Does the error chain hold a TLS failure (an unknown CA, a wrong name)?
fn is_tls_failure(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.downcast_ref::<rustls::Error>().is_some()
            || err.to_string().contains("invalid peer certificate")
        {
            return true;
        }
        // io::Error hides its inner error from source(): look inside it.
        if let Some(inner) = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            if inner.downcast_ref::<rustls::Error>().is_some() {
                return true;
            }
        }
        source = err.source();
    }
    false
}

pub fn log_request(req: &reqwest::Request, body: Option<&serde_json::Value>, auth: &str) {
    eprintln!("> {} {}", req.method(), req.url());
    for (name, value) in req.headers() {
        let shown = if name == AUTHORIZATION || value.is_sensitive() {
            let scheme = value.to_str().unwrap_or("").split(' ').next().unwrap_or("");
            format!("{scheme} *** ({auth})")
        } else {
            value.to_str().unwrap_or("<binary>").to_string()
        };
        eprintln!("> {name}: {shown}");
    }
    if let Some(b) = body {
        eprintln!("> {}", mask_values(b));
    }
}

/// The request body with secret-bearing fields replaced by `***`.
pub fn mask_values(body: &serde_json::Value) -> serde_json::Value {
    const SECRET_FIELDS: &[&str] = &[
        "string_value",
        "bytes_value",
        "value",
        "client_secret",
        "password",
        "token",
        "subject_token",
    ];
    match body {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if SECRET_FIELDS.contains(&k.as_str()) {
                        serde_json::Value::String("***".into())
                    } else {
                        mask_values(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(mask_values).collect())
        }
        other => other.clone(),
    }
}

/// HTTPS_PROXY / HTTP_PROXY / ALL_PROXY (either case) and NO_PROXY, as curl reads
/// them, except that loopback hosts (the emulator) are always reached directly,
/// whatever the method, so no credential for them ever crosses a proxy.
fn env_proxy() -> Option<reqwest::Proxy> {
    let var = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
    };
    let https = var(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]);
    let http = var(&["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]);
    if https.is_none() && http.is_none() {
        return None;
    }
    let proxy = reqwest::Proxy::custom(move |url| {
        if is_loopback(url.host_str().unwrap_or_default()) {
            return None;
        }
        match url.scheme() {
            "https" => https.clone(),
            _ => http.clone(),
        }
    });
    Some(proxy.no_proxy(reqwest::NoProxy::from_env()))
}

/// rustls needs a process-wide crypto provider; ring is the one compiled in.
fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A process-wide limit of requests per second, shared by concurrent requests:
/// each request takes the next free slot, spaced 1/rate apart.
///
/// It also counts the throttled answers (429 and 503) its requests got, so that
/// bulk commands can lower their concurrency when the workspace pushes back.
pub struct RateLimiter {
    interval: Duration,
    next: tokio::sync::Mutex<Option<Instant>>,
    throttled: std::sync::atomic::AtomicU64,
}

impl RateLimiter {
    pub fn new(per_second: f64) -> Self {
        let interval = if per_second > 0.0 && per_second.is_finite() {
            // 2 % slower than asked, so that scheduling jitter never puts one
            // request too many into a server's one-second window.
            Duration::try_from_secs_f64(1.02 / per_second).unwrap_or(Duration::from_secs(86_400))
        } else {
            Duration::ZERO
        };
        RateLimiter {
            interval,
            next: tokio::sync::Mutex::new(None),
            throttled: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The time between two requests (zero: no limit).
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// How many throttled answers (429, 503) requests have got so far.
    pub fn throttled(&self) -> u64 {
        self.throttled.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn note_throttled(&self) {
        self.throttled
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    pub async fn acquire(&self) {
        if self.interval.is_zero() {
            return;
        }
        let wait = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + self.interval);
            slot - now
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert!(parse_retry_after("soon").is_none());
        assert_eq!(
            parse_retry_after("1e300"),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(
            parse_retry_after("18446744073709551615"),
            Some(Duration::from_secs(86_400))
        );
        assert!(parse_retry_after("-1").is_none());
    }

    #[test]
    fn backoff_is_capped() {
        for attempt in 1..40 {
            assert!(backoff(attempt) <= Duration::from_secs(10));
        }
    }

    #[test]
    fn loopback_hosts() {
        for h in ["localhost", "127.0.0.1", "127.5.6.7", "[::1]", "::1"] {
            assert!(is_loopback(h), "{h}");
        }
        for h in ["example.com", "10.0.0.1", "192.168.1.1", "[::2]"] {
            assert!(!is_loopback(h), "{h}");
        }
    }

    #[test]
    fn masking() {
        let b = serde_json::json!({"scope":"s","key":"k","string_value":"hunter2","nested":{"bytes_value":"AAA="}});
        let m = mask_values(&b).to_string();
        assert!(!m.contains("hunter2") && !m.contains("AAA="), "{m}");
        assert!(m.contains("\"scope\":\"s\""));
    }

    #[test]
    fn parse_body_never_quotes_values() {
        let err = parse_body::<super::super::models::GetSecretResponse>(
            200,
            br#"{"key":"k","value":12345}"#,
        )
        .unwrap_err();
        assert!(!err.to_string().contains("12345"), "{err}");
        let err =
            parse_body::<super::super::models::Empty>(200, b"<html>login</html>").unwrap_err();
        assert!(err.to_string().contains("HTML page"), "{err}");
        let err =
            parse_body::<super::super::models::ListScopesResponse>(200, br#"{"scopes":[{"na"#)
                .unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
        assert!(parse_body::<super::super::models::Empty>(200, b"").is_ok());
    }
}
