//! Unity Catalog over HTTP (uc-secrets.md): the secrets endpoints, the
//! permissions endpoints, the access model with several principals, and
//! what the emulator is set up with (declarations, state, limits).

mod access;
mod grants;
mod secrets;
mod setup;

use dbsecrets_emulator::EmulatorOptions;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{send, Api};

/// The token every open-workspace call uses (any token is the admin).
pub const OPEN: &str = "dapi-test-token";

/// An emulator and a client for `/api/2.1/unity-catalog/…`.
pub struct Uc {
    pub api: Api,
}

/// An open workspace (every caller is admin@example.com, a metastore admin)
/// with schema `main.app`.
pub fn open() -> Uc {
    Uc::with(EmulatorOptions {
        uc_schemas: vec!["main.app".into()],
        ..EmulatorOptions::default()
    })
}

impl Uc {
    pub fn with(opts: EmulatorOptions) -> Self {
        Self {
            api: Api::with(opts),
        }
    }

    /// `path` is below `/api/2.1/unity-catalog/`, already percent-encoded.
    pub fn url(&self, path: &str) -> String {
        format!("{}/api/2.1/unity-catalog/{path}", self.api.server.url())
    }

    /// One call as the holder of `token`.
    pub async fn call(
        &self,
        token: &str,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .api
            .http
            .request(method, self.url(path))
            .bearer_auth(token)
            .query(query);
        if let Some(body) = body {
            request = request.json(&body);
        }
        send(request).await
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> (u16, Value) {
        self.call(OPEN, Method::GET, path, query, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(OPEN, Method::POST, path, &[], Some(body)).await
    }

    pub async fn patch(&self, path: &str, query: &[(&str, &str)], body: Value) -> (u16, Value) {
        self.call(OPEN, Method::PATCH, path, query, Some(body))
            .await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.call(OPEN, Method::DELETE, path, &[], None).await
    }

    /// Creates `main.app.NAME` with `value` as the open workspace's admin
    /// and returns the answer.
    pub async fn create(&self, name: &str, value: &str) -> Value {
        let body =
            json!({"catalog_name": "main", "schema_name": "app", "name": name, "value": value});
        let (status, answer) = self.post("secrets", body).await;
        assert_eq!(status, 200, "{answer}");
        answer
    }
}

/// Whether `t` is an RFC 3339 UTC timestamp with exactly 3 fractional
/// digits and `Z`, as the emulator writes them.
pub fn is_timestamp(t: &Value) -> bool {
    let Some(t) = t.as_str() else { return false };
    let b = t.as_bytes();
    b.len() == 24
        && t.ends_with('Z')
        && b[10] == b'T'
        && b[19] == b'.'
        && chrono::DateTime::parse_from_rfc3339(t).is_ok()
}
