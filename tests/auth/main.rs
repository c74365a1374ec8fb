//! Every sign-in method end to end through the real binary: OAuth token
//! endpoints, GitHub Actions' ID-token service and Azure AD played by `Fake` on
//! loopback, the databricks and az CLIs played by small scripts on PATH. Each
//! test checks what those servers received and the Authorization header the API
//! server got, and no output ever shows a secret.

#[path = "../common/mod.rs"]
mod common;
mod support;

mod azure_client_secret;
mod chain;
mod cli_tools;
mod describe;
mod emulator;
mod oauth_m2m;
mod oidc;
mod profiles;
