//! A client for Databricks secrets.
//!
//! - It finds the workspace and the identity as every official Databricks tool
//!   does: overrides, then `DATABRICKS_*` environment variables, then one profile
//!   of `~/.databrickscfg` ([`config`]), and signs in with the same methods, in
//!   the same order ([`auth`]).
//! - It speaks the Secrets API 2.0 (workspace secret scopes, [`secrets`]) and
//!   Unity Catalog secrets and grants ([`secrets_uc`], [`grants`]) as the
//!   official SDKs do: the same requests, the same retries of throttling, the
//!   same timeouts and rate limit ([`http`], [`Settings`]).
//! - Every failure is one [`Error`] whose [`ErrorKind`] is decided once, where it
//!   happens: callers never match server strings.
//! - It never prints. Traces and warnings go to an [`EventSink`] the caller
//!   provides; secret values and credentials are masked in everything it emits,
//!   wiped from memory when dropped ([`SecretValue`]) and never in `Debug` output.
//!
//! ```no_run
//! use dbsecrets_client::config::{self, Overrides, ProcessEnv};
//! use dbsecrets_client::{names, Client, SecretValue};
//!
//! # async fn demo() -> Result<(), dbsecrets_client::Error> {
//! // The DEV profile of ~/.databrickscfg, as `databricks -p DEV` would use it.
//! let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
//! let cfg = config::resolve(
//!     &Overrides::default().profile("DEV", "--profile"),
//!     &ProcessEnv,
//!     home.as_deref(),
//! )?;
//! let client = Client::from_config(&cfg)?;
//! names::scope("my-app-secrets")?;
//! names::key("api-key")?;
//! client
//!     .secrets()
//!     .put_secret("my-app-secrets", "api-key", &SecretValue::text("sk-xxx"))
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! The layers, from the bottom: [`config`] and [`Settings`] (what to talk to),
//! [`http`] (how: one transport for the API and sign-in services), [`auth`]
//! (as whom), [`Client`] (one request path with retries and error
//! classification), and one module per Databricks service ([`secrets`],
//! [`secrets_uc`], [`grants`]).

#![warn(missing_docs)]

pub mod auth;
mod cancel;
mod client;
pub mod config;
pub mod error;
pub mod events;
pub mod grants;
pub mod http;
pub mod names;
pub mod scim;
pub mod secrets;
pub mod secrets_uc;
mod settings;
mod value;

pub use cancel::Cancel;
pub use client::Client;
pub use client::{parse_ack, parse_body};
pub use error::{Error, ErrorKind};
pub use events::{Event, EventSink, NoEvents};
pub use settings::Settings;
pub use value::SecretValue;
