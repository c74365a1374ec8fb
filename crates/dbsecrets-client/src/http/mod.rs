//! The one HTTP transport of the library, for the API and for sign-in
//! services alike: TLS set up only when needed, proxies from the environment
//! (never for the local machine), redirects never followed, every response
//! body read with a size cap, and the masked request trace.
//!
//! [`Http::send`] makes one attempt. Retrying is the caller's policy
//! ([`retry`]); the process-wide rate limit is [`RateLimiter`].
//! Public for credential providers, which send their token requests through it.

mod diagnose;
mod limit;
mod log;
pub mod retry;
mod tls;
mod url;

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderValue, LOCATION, RETRY_AFTER};

pub use limit::RateLimiter;
pub use log::{echo_forms, mask_echoes, mask_values, SECRET_FIELDS};
pub use url::{check_credential_url, check_host, is_loopback, path_segment, strip_query};

use crate::events::{Event, EventSink};
use crate::settings::Settings;
use crate::Error;

/// Responses larger than this (16 MiB) are refused rather than read into memory.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// A response body: it may hold a secret value, so it is wiped on drop.
pub type Body = secrecy::zeroize::Zeroizing<Vec<u8>>;

/// An answer of any status but a redirect.
#[non_exhaustive]
pub struct Response {
    /// The HTTP status code; an error status is an answer too.
    pub status: u16,
    /// `Retry-After`, parsed (seconds or an HTTP date).
    pub retry_after: Option<Duration>,
    /// The whole body, at most [`MAX_RESPONSE_BYTES`]; wiped on drop.
    pub body: Body,
}

/// Why an attempt got no answer to read.
#[derive(Debug)]
#[non_exhaustive]
pub enum SendFailure {
    /// No answer (refused, reset, DNS, timeout); `retryable` when another
    /// attempt may get one (a certificate that does not verify never will).
    Transport {
        /// One line naming the URL (without its query) and the innermost cause.
        message: String,
        /// Whether another attempt may get an answer.
        retryable: bool,
        /// The connection itself failed (refused, reset, connect timeout):
        /// retried within [`Settings::connect_retry_timeout`](crate::Settings).
        connection: bool,
    },
    /// A redirect: the request did not reach its endpoint. Never followed.
    Redirect {
        /// The redirect status (301, 302, 307, …).
        status: u16,
        /// The `Location` header without its query and fragment.
        location: String,
    },
    /// The body is larger than [`MAX_RESPONSE_BYTES`].
    TooLarge {
        /// The status of the answer whose body was refused.
        status: u16,
    },
}

impl SendFailure {
    /// The library error for this failure (a redirect or a huge body is final).
    pub fn into_error(self) -> Error {
        match self {
            SendFailure::Transport { message, .. } => Error::transport(message),
            SendFailure::Redirect { status, location } => Error::new(
                crate::ErrorKind::InvalidResponse,
                crate::error::Detail::Redirect { status, location },
            ),
            SendFailure::TooLarge { status } => Error::invalid_response(
                status,
                format!(
                    "the response is larger than {} MiB",
                    MAX_RESPONSE_BYTES / 1024 / 1024
                ),
            ),
        }
    }

    /// Whether the connection itself failed (see [`SendFailure::Transport`]).
    pub fn is_connection(&self) -> bool {
        matches!(
            self,
            SendFailure::Transport {
                connection: true,
                ..
            }
        )
    }

    /// Whether another attempt may succeed (a retryable [`SendFailure::Transport`]).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            SendFailure::Transport {
                retryable: true,
                ..
            }
        )
    }
}

/// An HTTP client for one workspace and the sign-in services it needs.
/// Proxies come from `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`
/// (either case), never for a loopback host.
pub struct Http {
    client: reqwest::Client,
    events: Arc<dyn EventSink>,
}

impl Http {
    /// `remote_endpoints`: whether requests may go to hosts other than the
    /// workspace (token endpoints, which may be https and behind a proxy). A
    /// plain-http workspace with no other endpoint never loads a certificate.
    /// Warnings go to `events`; the host is checked with [`check_host`].
    pub fn new(
        settings: &Settings,
        remote_endpoints: bool,
        events: Arc<dyn EventSink>,
    ) -> Result<Self, Error> {
        let url = check_host(&settings.host)?;
        let mut builder = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            // A redirect means the request did not reach the API (SSO, private link):
            // never follow it, so the Authorization header never goes elsewhere.
            .redirect(reqwest::redirect::Policy::none());
        if url.scheme() == "https" || remote_endpoints {
            if settings.skip_verify {
                // reqwest's own no-verification path loads no roots.
                tls::install_crypto_provider();
                builder = builder.tls_danger_accept_invalid_certs(true);
            } else {
                let (config, warnings) = tls::verifying();
                for w in warnings {
                    events.event(Event::Warning(&w));
                }
                builder = builder.tls_backend_preconfigured(config);
            }
        } else {
            builder = builder.tls_backend_preconfigured(tls::unused());
        }
        // Proxies from the environment, but never for the local machine.
        builder = builder.no_proxy();
        if let Some(proxy) = env_proxy() {
            builder = builder.proxy(proxy);
        }
        let client = builder
            .build()
            .map_err(|e| Error::transport(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Http { client, events })
    }

    /// The underlying client, to build requests with.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The sink this transport's trace lines and warnings go to.
    pub fn events(&self) -> &dyn EventSink {
        self.events.as_ref()
    }

    /// Whether trace lines are wanted.
    pub fn tracing(&self) -> bool {
        self.events.tracing()
    }

    pub(crate) fn trace(&self, line: &str) {
        self.events.event(Event::Trace(line));
    }

    /// Sends one request and reads its answer, at most [`MAX_RESPONSE_BYTES`].
    /// `json` is the request's JSON body, logged masked; `credential` names
    /// the credential in the trace (`pat`, `token request`).
    pub async fn send(
        &self,
        req: reqwest::Request,
        json: Option<&serde_json::Value>,
        credential: &str,
    ) -> Result<Response, SendFailure> {
        let url = strip_query(req.url().as_str());
        if self.tracing() {
            for line in log::request_lines(&req, json, credential) {
                self.trace(&line);
            }
        }
        let started = Instant::now();
        let resp = match self.client.execute(req).await {
            Ok(r) => r,
            Err(e) => {
                let d = diagnose::diagnose(&e, &url);
                if self.tracing() {
                    self.trace(&format!(
                        "< {} ({} ms)",
                        d.message,
                        started.elapsed().as_millis()
                    ));
                }
                return Err(SendFailure::Transport {
                    message: d.message,
                    retryable: d.retryable,
                    connection: d.connection,
                });
            }
        };
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(retry::parse_retry_after);
        if resp.status().is_redirection() {
            let location = resp
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(|l| crate::error::clean(&strip_query(l), 200))
                .unwrap_or_else(|| "another location".into());
            if self.tracing() {
                self.trace(&format!(
                    "< {status} redirect to {location} ({} ms)",
                    started.elapsed().as_millis()
                ));
            }
            return Err(SendFailure::Redirect { status, location });
        }
        let body = read_capped(resp).await.map_err(|e| match e {
            ReadError::TooLarge => SendFailure::TooLarge { status },
            ReadError::Transport(e) => SendFailure::Transport {
                message: diagnose::diagnose(&e, &url).message,
                retryable: true,
                connection: false,
            },
        })?;
        if self.tracing() {
            self.trace(&format!(
                "< {status} ({} ms, {} bytes)",
                started.elapsed().as_millis(),
                body.len()
            ));
        }
        Ok(Response {
            status,
            retry_after,
            body,
        })
    }
}

enum ReadError {
    TooLarge,
    Transport(reqwest::Error),
}

async fn read_capped(mut resp: reqwest::Response) -> Result<Body, ReadError> {
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_RESPONSE_BYTES as u64)
    {
        return Err(ReadError::TooLarge);
    }
    // Sized up front when the length is known, so no unwiped copy is left by a regrowth.
    let mut out = Body::new(Vec::with_capacity(
        resp.content_length().unwrap_or(0) as usize
    ));
    while let Some(chunk) = resp.chunk().await.map_err(ReadError::Transport)? {
        if out.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(ReadError::TooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
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

/// A header value that must not be logged.
pub(crate) fn sensitive(value: &str) -> Option<HeaderValue> {
    let mut v = HeaderValue::from_str(value).ok()?;
    v.set_sensitive(true);
    Some(v)
}
