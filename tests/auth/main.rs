//! Every sign-in method end to end through the real binary: OAuth token
//! endpoints, GitHub Actions' and Azure DevOps' ID-token services, Azure AD,
//! Azure's instance metadata service, Google's token, IAM and metadata
//! endpoints and a local metadata service played by `Fake` on loopback, the
//! databricks and az CLIs played by small scripts on PATH. Each test checks
//! what those servers received and the headers the API server got, and no
//! output ever shows a secret. No test reaches a real address: `sandbox`
//! points every default endpoint at a closed loopback port.

#[path = "../common/mod.rs"]
mod common;
mod support;

mod azure_ci;
mod azure_client_secret;
mod chain;
mod cli_tools;
mod describe;
mod emulator;
mod google;
mod metadata_service;
mod oauth_m2m;
mod oidc;
mod profiles;
