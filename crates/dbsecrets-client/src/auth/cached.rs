//! The methods that fetch short-lived tokens (OAuth, token exchange, Azure AD,
//! the sign-in CLIs) are a [`TokenSource`]; [`Cached`] turns one into a
//! [`CredentialsProvider`] that fetches a token once per process and again
//! only when it is about to expire.

use reqwest::header::{HeaderName, HeaderValue};
use secrecy::SecretString;

use super::{BoxFuture, CredentialsProvider, Token, TokenCache};
use crate::error::SignInError;
use crate::http::Http;

/// A method that fetches tokens.
pub trait TokenSource: Send + Sync {
    /// The auth_type name, e.g. `oauth-m2m`.
    fn name(&self) -> &'static str;

    /// Fetches a new token; called only when the cached one is missing or
    /// about to expire. Mark an unreachable or throttled service
    /// [transient](SignInError::transient_if) so the request is retried.
    fn fetch<'a>(&'a self, http: &'a Http) -> BoxFuture<'a, Result<Token, SignInError>>;

    /// See [`CredentialsProvider::extra_headers`].
    fn extra_headers(&self) -> Vec<(HeaderName, HeaderValue)> {
        Vec::new()
    }

    /// See [`CredentialsProvider::details`].
    fn details(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// See [`CredentialsProvider::remote_endpoints`].
    fn remote_endpoints(&self) -> bool {
        true
    }
}

/// A [`TokenSource`] with a per-process token cache: the
/// [`CredentialsProvider`] for it. The token is fetched at the first request
/// and again when it is within its renewal margin of expiry
/// ([`EARLY_REFRESH`](super::EARLY_REFRESH)); concurrent requests wait for one fetch.
pub struct Cached<S> {
    source: S,
    cache: TokenCache,
}

impl<S: TokenSource> Cached<S> {
    /// Wraps `source` with an empty cache.
    pub fn new(source: S) -> Self {
        Cached {
            source,
            cache: TokenCache::default(),
        }
    }

    /// The wrapped token source.
    pub fn source(&self) -> &S {
        &self.source
    }
}

impl<S: TokenSource> CredentialsProvider for Cached<S> {
    fn name(&self) -> &'static str {
        self.source.name()
    }

    fn authorization<'a>(
        &'a self,
        http: &'a Http,
    ) -> BoxFuture<'a, Result<SecretString, SignInError>> {
        Box::pin(self.cache.get(|| self.source.fetch(http)))
    }

    fn extra_headers(&self) -> Vec<(HeaderName, HeaderValue)> {
        self.source.extra_headers()
    }

    fn details(&self) -> Vec<(&'static str, String)> {
        self.source.details()
    }

    fn remote_endpoints(&self) -> bool {
        self.source.remote_endpoints()
    }
}
