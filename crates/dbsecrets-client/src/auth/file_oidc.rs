//! file-oidc: the ID token is in a file (DATABRICKS_OIDC_TOKEN_FILEPATH), read
//! at each exchange because platforms rotate it.

use super::oidc::{IdTokenSource, TokenExchange};
use super::{always, origin, Cached, Method};

pub const METHOD: Method = Method {
    name: "file-oidc",
    needs: "oidc_token_filepath (DATABRICKS_OIDC_TOKEN_FILEPATH)",
    configured: |c| c.get("oidc_token_filepath").is_some(),
    usable: always,
    build: |c| {
        let source = IdTokenSource::File {
            path: c.get("oidc_token_filepath").unwrap_or_default().into(),
            origin: origin(c, "oidc_token_filepath"),
        };
        Ok(Box::new(Cached::new(TokenExchange::for_config(
            METHOD.name,
            c,
            source,
        )?)))
    },
};
