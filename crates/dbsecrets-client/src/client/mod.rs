//! [`Client`]: one workspace, one sign-in method, one rate limit. Every API
//! request goes through [`Client::execute`]: the rate limit, the credential,
//! one attempt through the transport, classification of the answer into an
//! [`Error`], and retries of throttling, unavailability and connection
//! failures within the retry budget. The service modules ([`crate::secrets`])
//! only build requests and read answers.

mod answer;

pub use answer::{parse_ack, parse_body};

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderValue, AUTHORIZATION, USER_AGENT};
use reqwest::Method;
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;

use crate::auth::CredentialsProvider;
use crate::cancel::Cancel;
use crate::config::Config;
use crate::error::{parse_error_body, Detail};
use crate::events::{Event, EventSink, NoEvents};
use crate::http::{retry, Body, Http, RateLimiter, SendFailure};
use crate::settings::Settings;
use crate::Error;

/// A client for one workspace, shared by all the requests of a process.
///
/// It holds the connection pool, the sign-in method (and its cached token) and
/// the rate limiter: build one and share it (`&Client` or `Arc<Client>`) rather
/// than one per request. Its `Debug` output shows the host and the sign-in
/// method, never a credential.
///
/// ```no_run
/// # async fn demo() -> Result<(), dbsecrets_client::Error> {
/// use dbsecrets_client::{config, Client};
/// let cfg = config::resolve(&config::Overrides::default(), &config::ProcessEnv, None)?;
/// let client = Client::from_config(&cfg)?;
/// for scope in client.secrets().list_scopes().await? {
///     println!("{}", scope.name);
/// }
/// # Ok(()) }
/// ```
pub struct Client {
    http: Http,
    /// `<product> os/<os> auth/<method>`: set per request so the trace shows it.
    user_agent: HeaderValue,
    settings: Settings,
    auth: Box<dyn CredentialsProvider>,
    limiter: Arc<RateLimiter>,
    cancel: Cancel,
}

impl Client {
    /// A client for a resolved configuration: its settings and its sign-in
    /// method (the forced `auth_type`, else the first of the chain that applies,
    /// see [`auth::choose`](crate::auth::choose)). Events are dropped ([`NoEvents`]).
    ///
    /// Nothing is sent yet: a token is fetched at the first request. Fails with
    /// [`ErrorKind::InvalidSettings`](crate::ErrorKind::InvalidSettings) when the
    /// configuration has no host, no credentials or more than one sign-in
    /// method, a setting is out of range, or the host is plain `http` to
    /// another machine. For a configuration problem [`Error::config`] gives the
    /// [`ConfigError`](crate::config::ConfigError) and [`Error::hint`] the next step.
    pub fn from_config(cfg: &Config) -> Result<Self, Error> {
        Self::from_config_with(cfg, Settings::from_config(cfg)?, Arc::new(NoEvents))
    }

    /// Like [`Client::from_config`], with settings the caller adjusted (e.g.
    /// its User-Agent) and an event sink for traces and warnings.
    ///
    /// `settings.host` is used, not the configuration's host: start from
    /// [`Settings::from_config`] so that the two agree.
    pub fn from_config_with(
        cfg: &Config,
        settings: Settings,
        events: Arc<dyn EventSink>,
    ) -> Result<Self, Error> {
        let auth = crate::auth::provider(cfg)?;
        Client::new(settings, auth, events)
    }

    /// A client with an explicit sign-in method, e.g. a
    /// [`StaticHeader`](crate::auth::StaticHeader) or a
    /// [`Cached`](crate::auth::Cached) token source of your own.
    ///
    /// Emits an [`Event::Warning`] when `settings.skip_verify` is set, and
    /// warnings about CA certificates that could not be read. Fails with
    /// [`ErrorKind::InvalidSettings`](crate::ErrorKind::InvalidSettings) for a host that is
    /// not a URL or is plain `http` to another machine, or a User-Agent that is
    /// not ASCII; with [`ErrorKind::Transport`](crate::ErrorKind::Transport) when the
    /// HTTP client cannot be set up.
    pub fn new(
        settings: Settings,
        auth: Box<dyn CredentialsProvider>,
        events: Arc<dyn EventSink>,
    ) -> Result<Self, Error> {
        if settings.skip_verify {
            events.event(Event::Warning("skip_verify is set: TLS certificates are NOT verified; anyone on the network path can read your credentials"));
        }
        let http = Http::new(&settings, auth.remote_endpoints(), events)?;
        let user_agent = format!(
            "{} os/{} auth/{}",
            settings.user_agent,
            std::env::consts::OS,
            auth.name()
        );
        let user_agent = HeaderValue::from_str(&user_agent)
            .map_err(|_| Error::invalid_settings("the User-Agent is not ASCII"))?;
        let limiter = Arc::new(RateLimiter::new(settings.rate_limit));
        Ok(Client {
            http,
            user_agent,
            settings,
            auth,
            limiter,
            cancel: Cancel::new(),
        })
    }

    /// The workspace URL requests go to, e.g. `https://adb-1.2.azuredatabricks.net`.
    pub fn host(&self) -> &str {
        &self.settings.host
    }

    /// The settings this client was built with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The sign-in method's `auth_type` name, e.g. `pat` or `oauth-m2m`.
    pub fn auth_name(&self) -> &'static str {
        self.auth.name()
    }

    /// The rate limiter this client's requests go through: pass it to another
    /// client's [`Client::with_limiter`] to share it, or read its
    /// [`throttled`](RateLimiter::throttled) count.
    pub fn limiter(&self) -> Arc<RateLimiter> {
        self.limiter.clone()
    }

    /// Sends this client's requests through `limiter` instead of its own, so
    /// that two clients (e.g. the source and target workspaces of a copy) share
    /// one process-wide rate limit.
    #[must_use]
    pub fn with_limiter(mut self, limiter: Arc<RateLimiter>) -> Self {
        self.limiter = limiter;
        self
    }

    /// Stops sending when `cancel` fires: see [`Cancel`]. Requests not sent
    /// yet, and requests waiting to be retried, end with
    /// [`ErrorKind::Cancelled`](crate::ErrorKind::Cancelled).
    #[must_use]
    pub fn with_cancel(mut self, cancel: Cancel) -> Self {
        self.cancel = cancel;
        self
    }

    /// `GET <host><path>?<query>` (`path` starts with `/`; the query is
    /// form-encoded); the JSON answer parsed into `T` with [`parse_body`].
    /// Retries and errors as [`Client::execute`].
    ///
    /// For endpoints this crate has no method for; the service modules use it too.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, Error> {
        let (status, body) = self.execute(Method::GET, path, query, None).await?;
        parse_body(status, &body)
    }

    /// `POST <host><path>` with a JSON body (`Content-Type: application/json`);
    /// the JSON answer parsed into `T` with [`parse_body`]. Retries and errors
    /// as [`Client::execute`].
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<T, Error> {
        let (status, bytes) = self.execute(Method::POST, path, &[], Some(body)).await?;
        parse_body(status, &bytes)
    }

    /// A request whose answer is only an acknowledgement (`{}`, or an empty
    /// body): the mutating endpoints. Retries and errors as [`Client::execute`].
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> Result<(), Error> {
        let (status, bytes) = self.execute(method, path, query, body).await?;
        parse_ack(status, &bytes)
    }

    /// Any request; the JSON answer parsed into `T` with [`parse_body`] (an
    /// empty body is an invalid response).
    pub async fn request<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> Result<T, Error> {
        let (status, bytes) = self.execute(method, path, query, body).await?;
        parse_body(status, &bytes)
    }

    /// Sends a request, retrying throttling (429), unavailability (503) and
    /// connection failures until `retry_timeout` is spent. Returns the status
    /// and body of a success; every failure is classified into an [`Error`].
    ///
    /// Each attempt waits for the rate limiter, gets the `Authorization` value
    /// from the sign-in method (fetching a token when needed), and sends
    /// `method <host><path>` with `query` and the JSON `body`. A retry waits
    /// `Retry-After` when the server sent one, else a jittered backoff of up to
    /// 10 s, and emits [`Event::Retrying`]. When the budget runs out the error
    /// keeps the last attempt's kind and wraps it in
    /// [`Detail::GaveUp`](crate::error::Detail::GaveUp). A redirect is never
    /// followed: it is an [`ErrorKind::InvalidResponse`](crate::ErrorKind::InvalidResponse) error.
    /// The body is wiped from memory when dropped (it may hold a secret value).
    pub async fn execute(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> Result<(u16, Body), Error> {
        let started = Instant::now();
        let mut attempt: u32 = 0;
        let cancelled = |last: Option<Error>| {
            let last = last.map(Box::new);
            Error::new(crate::ErrorKind::Cancelled, Detail::Cancelled { last })
        };
        loop {
            attempt += 1;
            // Nothing new is sent once cancelled: neither a first attempt nor a retry.
            if self
                .cancel
                .unless_cancelled(self.limiter.acquire())
                .await
                .is_none()
            {
                return Err(cancelled(None));
            }
            let (error, retry_after, window) =
                match self.send_once(method.clone(), path, query, body).await {
                    Ok(ok) => return Ok(ok),
                    Err(Attempt::Final(e)) => return Err(e),
                    Err(Attempt::Retryable(e, retry_after, window)) => (e, retry_after, window),
                };
            if matches!(error.detail(), Detail::Status { .. }) {
                self.limiter.note_throttled();
            }
            let budget = match window {
                Window::Throttled => self.settings.retry_timeout,
                Window::Connection => self.settings.connect_retry_timeout,
            };
            let wait = retry_after.unwrap_or_else(|| retry::backoff(attempt));
            if started.elapsed() + wait > budget {
                return Err(Error::new(
                    error.kind(),
                    Detail::GaveUp {
                        attempts: attempt,
                        elapsed: started.elapsed(),
                        last: Box::new(error),
                    },
                ));
            }
            self.http.events().event(Event::Retrying {
                attempt,
                wait,
                budget,
                error: &error,
            });
            let slept = self.cancel.unless_cancelled(tokio::time::sleep(wait));
            if slept.await.is_none() {
                return Err(cancelled(Some(error)));
            }
        }
    }

    async fn send_once(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> Result<(u16, Body), Attempt> {
        let url = format!("{}{}", self.settings.host, path);
        let auth = self.auth.authorization(&self.http).await.map_err(|e| {
            // An unreachable or unavailable token endpoint is retried like the API.
            if e.is_transient() {
                Attempt::Retryable(e.into(), None, Window::Connection)
            } else {
                Attempt::Final(e.into())
            }
        })?;
        let auth_value = crate::http::sensitive(auth.expose_secret()).ok_or_else(|| {
            Attempt::Final(Error::invalid_settings(
                "the credential contains characters that cannot be sent in a header",
            ))
        })?;
        let mut req = self
            .http
            .client()
            .request(method, &url)
            .header(AUTHORIZATION, auth_value)
            .header(USER_AGENT, self.user_agent.clone());
        for (name, value) in self.auth.extra_headers() {
            req = req.header(name, value);
        }
        if let Some(id) = &self.settings.workspace_id {
            req = req.header("X-Databricks-Workspace-Id", id.as_str());
        }
        if !query.is_empty() {
            req = req.query(query);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let req = req.build().map_err(|e| {
            Attempt::Final(Error::transport(format!("cannot build the request: {e}")))
        })?;
        let resp = match self.http.send(req, body, self.auth.name()).await {
            Ok(resp) => resp,
            Err(f) if f.is_retryable() => {
                let window = if f.is_connection() {
                    Window::Connection
                } else {
                    Window::Throttled
                };
                return Err(Attempt::Retryable(f.into_error(), None, window));
            }
            Err(f) => return Err(Attempt::Final(f.into_error())),
        };
        let status = resp.status;
        if (200..300).contains(&status) {
            return Ok((status, resp.body));
        }
        // A server that quotes the request back must not make us show the value.
        let echoes = body.map(crate::http::echo_forms).unwrap_or_default();
        let (error_code, message) = if echoes.is_empty() {
            parse_error_body(&resp.body)
        } else {
            parse_error_body(&crate::http::mask_echoes(&resp.body, &echoes))
        };
        let err = Error::status(status, error_code, message);
        if status == 429 || status == 503 {
            Err(Attempt::Retryable(err, resp.retry_after, Window::Throttled))
        } else {
            Err(Attempt::Final(err))
        }
    }
}

/// How one attempt ended, when it did not succeed.
enum Attempt {
    Final(Error),
    Retryable(Error, Option<Duration>, Window),
}

/// Which retry budget a failure draws on.
#[derive(Clone, Copy)]
enum Window {
    /// Throttling, unavailability, a slow answer: the SDKs' long budget.
    Throttled,
    /// A connection that fails: the short connection window.
    Connection,
}

impl From<SendFailure> for Error {
    fn from(f: SendFailure) -> Self {
        f.into_error()
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("host", &self.settings.host)
            .field("auth", &self.auth.name())
            .finish_non_exhaustive()
    }
}
