//! google-credentials: a Google Cloud service account's key (GOOGLE_CREDENTIALS:
//! the key file's path, or its JSON) signs Google's JWT grant for an ID token
//! whose audience is the workspace, sent as the bearer token.
//!
//! Follows the SDK's `google_credentials`: the key is read as a file when the
//! value names one, else as JSON; the ID token comes from
//! `IDTokenCredentials(target_audience=host)`, and an access token of the same
//! account (`Credentials(scopes=GcpScopes)`) goes in
//! `X-Databricks-GCP-SA-Access-Token` when it can be had. Both grants go to
//! DBSECRETS_GOOGLE_TOKEN_URL, else the key's `token_uri`.

use std::sync::Arc;

use super::google::{
    token_endpoint, Grant, ServiceAccountGrant, ServiceAccountKey, GCP_SA_ACCESS_TOKEN_HEADER,
    GCP_SCOPES,
};
use super::paired::Paired;
use super::{always, Method};
use crate::config::ConfigError;

pub const METHOD: Method = Method {
    name: "google-credentials",
    needs: "a host and google_credentials (GOOGLE_CREDENTIALS: a service-account key file, or its JSON)",
    configured: |c| c.get("host").is_some() && c.get("google_credentials").is_some(),
    usable: always,
    build: |c| {
        let v = c
            .value("google_credentials")
            .expect("configured() checked google_credentials");
        let key = Arc::new(load_key(&v.value).map_err(|reason| ConfigError::InvalidValue {
            name: "google_credentials",
            source_desc: v.source.to_string(),
            reason,
        })?);
        let endpoint = token_endpoint(c, key.token_uri.as_deref());
        let grant = |grant| ServiceAccountGrant {
            name: METHOD.name,
            key: key.clone(),
            endpoint: endpoint.clone(),
            grant,
            rejected_hint: "check the service-account key in GOOGLE_CREDENTIALS (google_credentials): it may have been deleted or disabled, or the account may not be a user of the workspace",
        };
        Ok(Box::new(Paired::new(
            grant(Grant::IdToken(c.host()?.to_string())),
            grant(Grant::Access(GCP_SCOPES.join(" "))),
            GCP_SA_ACCESS_TOKEN_HEADER,
            true,
            Vec::new(),
        )))
    },
};

/// The key from a file, when `value` names one, else from `value` as JSON.
fn load_key(value: &str) -> Result<ServiceAccountKey, String> {
    let path = std::path::Path::new(value.trim());
    if path.is_file() {
        let text = super::read_credential_file(path)
            .map_err(|e| format!("cannot read the key file {}: {e}", path.display()))?;
        ServiceAccountKey::parse(&text)
            .map_err(|why| format!("the key file {} is not usable: {why}", path.display()))
    } else {
        ServiceAccountKey::parse(value).map_err(|why| {
            format!("it is neither a key file nor a service-account key's JSON: {why}")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_from_a_file_or_json() {
        let json = super::super::google::tests::key_json();
        assert!(load_key(&json).is_ok());
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("key.json");
        std::fs::write(&file, &json).unwrap();
        assert_eq!(
            load_key(file.to_str().unwrap()).unwrap().client_email,
            "sa@p.iam.gserviceaccount.com"
        );
        let missing = dir.path().join("nope.json");
        let err = load_key(missing.to_str().unwrap()).err().unwrap();
        assert!(err.starts_with("it is neither a key file nor"), "{err}");
        std::fs::write(&file, "{}").unwrap();
        assert!(load_key(file.to_str().unwrap())
            .err()
            .unwrap()
            .contains("it has no type"));
    }
}
