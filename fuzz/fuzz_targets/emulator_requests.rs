//! The emulator's request handling, in process through its router: any
//! method, path, query, headers and body gets an answer (no panic, never a
//! 500 from a handler, which only a failed state write or chaos may send),
//! and its request log never holds the credential or a value in clear.
//!
//! Input: byte 0 the method, byte 1 the endpoint, byte 2 the credential,
//! then `query \n body`.
#![no_main]

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::Request;
use dbsecrets_emulator::{Emulator, EmulatorOptions};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

const TOKEN: &str = "dapi-fuzz-0123456789";

const PATHS: &[&str] = &[
    "/api/2.0/secrets/scopes/create",
    "/api/2.0/secrets/scopes/delete",
    "/api/2.0/secrets/scopes/list",
    "/api/2.0/secrets/put",
    "/api/2.0/secrets/delete",
    "/api/2.0/secrets/list",
    "/api/2.0/secrets/get",
    "/api/2.0/secrets/acls/put",
    "/api/2.0/secrets/acls/get",
    "/api/2.0/secrets/acls/list",
    "/api/2.0/secrets/acls/delete",
    "/api/2.1/unity-catalog/secrets",
    "/api/2.1/unity-catalog/secrets/main.app.k",
    "/api/2.1/unity-catalog/permissions/secret/main.app.k",
    "/api/2.1/unity-catalog/effective-permissions/schema/main.app",
    "/oidc/.well-known/oauth-authorization-server",
    "/oidc/v1/token",
    "/api/2.0/preview/scim/v2/Me",
];

fn world() -> &'static (tokio::runtime::Runtime, Emulator) {
    static WORLD: OnceLock<(tokio::runtime::Runtime, Emulator)> = OnceLock::new();
    WORLD.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let opts = EmulatorOptions {
            tokens: vec![(TOKEN.to_string(), "admin@example.com".to_string())],
            request_log_capacity: 64,
            ..EmulatorOptions::default()
        };
        (rt, Emulator::new(opts))
    })
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let (rt, emu) = world();
    let method = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"][data[0] as usize % 6];
    let path = PATHS[data[1] as usize % PATHS.len()];
    let rest = &data[3..];
    let (query, body) = match rest.iter().position(|b| *b == b'\n') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&rest[..0], rest),
    };
    let query = String::from_utf8_lossy(query);
    let uri = if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.replace(['#', ' '], "%20"))
    };
    let mut req = Request::builder().method(method).uri(uri.as_str());
    match data[2] % 4 {
        0 => req = req.header("Authorization", format!("Bearer {TOKEN}")),
        1 => req = req.header("Authorization", "Basic dXNlcjpwYXNz"),
        2 => req = req.header("Authorization", format!("Bearer x{TOKEN}")),
        _ => {}
    }
    if data[2] & 4 != 0 {
        req = req.header("Content-Type", "application/json");
    }
    let Ok(req) = req.body(Body::from(body.to_vec())) else {
        return; // a URI the HTTP layer itself refuses never reaches the emulator
    };
    let status = rt.block_on(async { emu.router().oneshot(req).await.unwrap().status() });
    assert_ne!(status.as_u16(), 500, "{method} {uri}");
    // The request log: the credential is never kept in clear.
    for r in emu.requests() {
        assert!(!format!("{r:?}").contains(TOKEN), "{r:?}");
    }
});
