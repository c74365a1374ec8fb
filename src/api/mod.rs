//! The Databricks Secrets API 2.0 client: transport (client.rs), errors
//! (error.rs), wire models (models.rs) and one function per endpoint (secrets.rs).
//! Nothing here knows about the command line or output formats.

pub mod client;
pub mod error;
pub mod models;
pub mod secrets;
pub mod tls;

pub use client::{ApiClient, Settings};
pub use error::ApiError;
