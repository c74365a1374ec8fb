//! env-oidc: the ID token is in an environment variable (DATABRICKS_OIDC_TOKEN,
//! or the one DATABRICKS_OIDC_TOKEN_ENV names).

use super::oidc::{IdTokenSource, TokenExchange};
use super::{always, origin, secret, Cached, Method};

pub const METHOD: Method = Method {
    name: "env-oidc",
    needs: "an ID token in DATABRICKS_OIDC_TOKEN (or the variable DATABRICKS_OIDC_TOKEN_ENV names)",
    configured: |c| c.get("oidc_token").is_some(),
    usable: always,
    build: |c| {
        let source = IdTokenSource::Env {
            token: secret(c, "oidc_token").expect("configured() checked oidc_token"),
            origin: origin(c, "oidc_token"),
        };
        Ok(Box::new(Cached::new(TokenExchange::for_config(
            METHOD.name,
            c,
            source,
        )?)))
    },
};
