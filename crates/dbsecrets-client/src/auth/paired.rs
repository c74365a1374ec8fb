//! Methods that send two tokens: the workspace token in `Authorization` and a
//! second token of the same identity in a header of its own (azure-msi's
//! `X-Databricks-Azure-SP-Management-Token`, the Google methods'
//! `X-Databricks-GCP-SA-Access-Token`). Each token is cached and renewed on
//! its own.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use reqwest::header::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use super::{BoxFuture, Cached, CredentialsProvider, TokenSource};
use crate::error::SignInError;
use crate::events::Event;
use crate::http::Http;

/// Two [`TokenSource`]s of one identity: `primary` for `Authorization`,
/// `secondary` for `header` (its bare access token, no scheme), and fixed
/// headers (the Azure workspace resource id).
pub struct Paired<P, S> {
    primary: Cached<P>,
    secondary: Cached<S>,
    header: HeaderName,
    /// Google: a failure only drops the header, with one warning (the SDK
    /// logs and goes on). Azure MSI: a failure fails the request (the Go
    /// SDK's `serviceToServiceVisitor` with `secondaryOptional` false).
    optional: bool,
    fixed: Vec<(HeaderName, HeaderValue)>,
    /// The secondary header of the last `authorization`, for `extra_headers`.
    last: Mutex<Option<HeaderValue>>,
    warned: AtomicBool,
}

impl<P: TokenSource, S: TokenSource> Paired<P, S> {
    pub fn new(
        primary: P,
        secondary: S,
        header: &'static str,
        optional: bool,
        fixed: Vec<(HeaderName, HeaderValue)>,
    ) -> Self {
        Paired {
            primary: Cached::new(primary),
            secondary: Cached::new(secondary),
            header: HeaderName::from_static(header),
            optional,
            fixed,
            last: Mutex::new(None),
            warned: AtomicBool::new(false),
        }
    }

    async fn both(&self, http: &Http) -> Result<SecretString, SignInError> {
        let auth = self.primary.authorization(http).await?;
        let second = match self.secondary.authorization(http).await {
            Ok(h) => bare_token(&h),
            Err(e) if self.optional => {
                if !self.warned.swap(true, Ordering::Relaxed) {
                    http.events().event(Event::Warning(&format!(
                        "{e}; requests go on without the {} header (only some account-level operations need it)",
                        self.header
                    )));
                }
                None
            }
            Err(e) => return Err(e),
        };
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = second;
        Ok(auth)
    }
}

/// The token of a `Bearer <token>` header value, as a header value that the
/// trace masks.
fn bare_token(header: &SecretString) -> Option<HeaderValue> {
    let value = header.expose_secret();
    let token = value.split_once(' ').map_or(value, |(_, t)| t);
    crate::http::sensitive(token)
}

impl<P: TokenSource, S: TokenSource> CredentialsProvider for Paired<P, S> {
    fn name(&self) -> &'static str {
        self.primary.name()
    }

    fn authorization<'a>(
        &'a self,
        http: &'a Http,
    ) -> BoxFuture<'a, Result<SecretString, SignInError>> {
        Box::pin(self.both(http))
    }

    /// The fixed headers and the second token fetched by the `authorization`
    /// call that came just before.
    fn extra_headers(&self) -> Vec<(HeaderName, HeaderValue)> {
        let mut headers = self.fixed.clone();
        if let Some(v) = self.last.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            headers.push((self.header.clone(), v));
        }
        headers
    }

    fn details(&self) -> Vec<(&'static str, String)> {
        let mut d = self.primary.details();
        d.extend(self.secondary.details());
        for (name, value) in &self.fixed {
            d.push((
                "request_header",
                format!("{name}: {}", value.to_str().unwrap_or("")),
            ));
        }
        let how = if self.optional {
            "(left out when it cannot be had)"
        } else {
            ""
        };
        d.push((
            "request_header",
            format!("{}: *** {how}", self.header).trim_end().to_string(),
        ));
        d
    }
}
