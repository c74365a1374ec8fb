//! A small async client for the emulator that checks what every response
//! must be (JSON) and hands back status and body.

#![allow(dead_code)]

use dbsecrets_emulator::{BackgroundEmulator, EmulatorOptions};
use serde_json::Value;

mod answers;
pub use answers::*;

pub const TOKEN: &str = "Bearer dapi-test-token";

pub struct Api {
    pub server: BackgroundEmulator,
    pub http: reqwest::Client,
}

impl Api {
    pub fn start() -> Self {
        Self::with(EmulatorOptions::default())
    }

    pub fn with(opts: EmulatorOptions) -> Self {
        let server = BackgroundEmulator::start(opts).expect("emulator starts");
        Self {
            server,
            http: http_client(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/2.0/secrets/{path}", self.server.url())
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let request = self
            .http
            .post(self.url(path))
            .header("Authorization", TOKEN);
        send(request.json(&body)).await
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> (u16, Value) {
        let request = self.http.get(self.url(path)).header("Authorization", TOKEN);
        send(request.query(query)).await
    }

    /// POST as the holder of Bearer `token`.
    pub async fn post_as(&self, token: &str, path: &str, body: Value) -> (u16, Value) {
        let request = self.http.post(self.url(path)).bearer_auth(token);
        send(request.json(&body)).await
    }

    /// GET as the holder of Bearer `token`.
    pub async fn get_as(&self, token: &str, path: &str, query: &[(&str, &str)]) -> (u16, Value) {
        let request = self.http.get(self.url(path)).bearer_auth(token);
        send(request.query(query)).await
    }

    /// Creates a scope and asserts it worked.
    pub async fn scope(&self, name: &str) {
        let r = self
            .post("scopes/create", serde_json::json!({ "scope": name }))
            .await;
        assert_eq!(r, (200, serde_json::json!({})), "create {name}");
    }

    pub async fn put(&self, scope: &str, key: &str, value: &str) {
        let body = serde_json::json!({ "scope": scope, "key": key, "string_value": value });
        assert_eq!(self.post("put", body).await, (200, serde_json::json!({})));
    }
}
