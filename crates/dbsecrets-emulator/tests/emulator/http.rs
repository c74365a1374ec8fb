//! Authentication, routing, the request log, get modes, shutdown and the CLI
//! entry point.

use std::time::{Duration, Instant};

use crate::common::{error, send, Api, TOKEN};
use dbsecrets_emulator::{BackgroundEmulator, EmulatorOptions, GetMode};
use serde_json::json;

#[tokio::test]
async fn authorization_is_required() {
    let api = Api::start();
    let url = api.url("scopes/list");
    let msg = error(send(api.http.get(&url)).await, 401, "UNAUTHENTICATED");
    assert_eq!(msg, "Missing or invalid authorization header");
    for bad in [
        "Bearer",
        "Bearer ",
        "Bearer    ",
        "Token abc",
        "dapi123",
        "Basic ",
    ] {
        let r = send(api.http.get(&url).header("Authorization", bad)).await;
        error(r, 401, "UNAUTHENTICATED");
    }
    for good in ["Bearer x", "bearer dapi123", "Basic dXNlcjpwYXNz"] {
        let r = send(api.http.get(&url).header("Authorization", good)).await;
        assert_eq!(r, (200, json!({})), "{good}");
    }
    // Unauthenticated calls change nothing, whatever the endpoint.
    let r = send(
        api.http
            .post(api.url("scopes/create"))
            .json(&json!({"scope": "s"})),
    )
    .await;
    error(r, 401, "UNAUTHENTICATED");
    let r = send(api.http.get(format!("{}/nowhere", api.server.url()))).await;
    error(r, 401, "UNAUTHENTICATED");
    assert_eq!(api.get("scopes/list", &[]).await, (200, json!({})));
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods() {
    let api = Api::start();
    let base = api.server.url();
    let r = send(
        api.http
            .get(format!("{base}/api/2.0/secrets/nope"))
            .header("Authorization", TOKEN),
    )
    .await;
    let msg = error(r, 404, "ENDPOINT_NOT_FOUND");
    assert_eq!(msg, "No API found for 'GET /api/2.0/secrets/nope'");
    let r = send(
        api.http
            .post(format!("{base}/api/2.0/secrets/scopes/list/"))
            .header("Authorization", TOKEN),
    )
    .await;
    let msg = error(r, 404, "ENDPOINT_NOT_FOUND");
    assert_eq!(msg, "No API found for 'POST /api/2.0/secrets/scopes/list/'");

    let response = api
        .http
        .get(api.url("put"))
        .header("Authorization", TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "POST");
    let r = send(api.http.get(api.url("put")).header("Authorization", TOKEN)).await;
    error(r, 405, "METHOD_NOT_ALLOWED");
    let r = send(
        api.http
            .post(api.url("scopes/list"))
            .header("Authorization", TOKEN),
    )
    .await;
    error(r, 405, "METHOD_NOT_ALLOWED");
    let r = send(
        api.http
            .delete(api.url("acls/delete"))
            .header("Authorization", TOKEN),
    )
    .await;
    error(r, 405, "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn malformed_bodies() {
    let api = Api::start();
    for body in ["", "not json", "[\"scope\"]", "{\"scope\": \"s\""] {
        let request = api
            .http
            .post(api.url("scopes/create"))
            .header("Authorization", TOKEN)
            .header("Content-Type", "application/json")
            .body(body);
        let msg = error(send(request).await, 400, "MALFORMED_REQUEST");
        assert!(!msg.is_empty(), "{body}");
    }
    assert_eq!(api.get("scopes/list", &[]).await, (200, json!({})));
}

#[tokio::test]
async fn request_log_records_every_request() {
    let api = Api::start();
    let emulator = api.server.emulator();
    api.scope("s").await;
    api.get("get", &[("scope", "s"), ("key", "a b")]).await;
    send(
        api.http
            .get(api.url("scopes/list"))
            .header("User-Agent", "probe/1"),
    )
    .await;
    let request = api
        .http
        .post(api.url("put"))
        .header("Authorization", "Basic dTpw")
        .header("Content-Type", "text/plain")
        .body("plain text");
    send(request).await;

    let log = emulator.requests();
    assert_eq!(log.len(), 4);
    let create = &log[0];
    assert_eq!(
        (create.method.as_str(), create.path.as_str()),
        ("POST", "/api/2.0/secrets/scopes/create")
    );
    assert_eq!(create.query, None);
    assert_eq!(create.authorization.as_deref(), Some(TOKEN));
    assert_eq!(create.content_type.as_deref(), Some("application/json"));
    assert_eq!(create.body, Some(json!({"scope": "s"})));
    assert_eq!(create.status, 200);

    let get = &log[1];
    assert_eq!(
        (get.method.as_str(), get.path.as_str()),
        ("GET", "/api/2.0/secrets/get")
    );
    assert_eq!(get.query.as_deref(), Some("scope=s&key=a+b"));
    assert_eq!((get.body.clone(), get.status), (None, 400));

    let anonymous = &log[2];
    assert_eq!(anonymous.authorization, None);
    assert_eq!(anonymous.user_agent.as_deref(), Some("probe/1"));
    assert_eq!(anonymous.status, 401);

    let text = &log[3];
    assert_eq!(text.body, Some(json!("plain text")));
    assert_eq!(text.content_type.as_deref(), Some("text/plain"));
    assert_eq!(text.status, 400);

    emulator.clear_requests();
    assert!(emulator.requests().is_empty());
    api.get("scopes/list", &[]).await;
    assert_eq!(emulator.requests().len(), 1);
}

#[tokio::test]
async fn notebook_only_get_mode() {
    let api = Api::with(EmulatorOptions {
        get_mode: GetMode::NotebookOnly,
        ..EmulatorOptions::default()
    });
    api.scope("s").await;
    api.put("s", "k", "v").await;
    let msg = error(
        api.get("get", &[("scope", "s"), ("key", "k")]).await,
        400,
        "BAD_REQUEST",
    );
    assert!(
        msg.starts_with("Secrets can only be read from within a notebook or job"),
        "{msg}"
    );
    // Listing still works; only reading values is refused.
    let (status, _) = api.get("list", &[("scope", "s")]).await;
    assert_eq!(status, 200);
    api.server.emulator().set_get_mode(GetMode::Allow);
    let (status, body) = api.get("get", &[("scope", "s"), ("key", "k")]).await;
    assert_eq!((status, body["value"].as_str()), (200, Some("dg==")));
}

#[tokio::test]
async fn emulators_are_independent() {
    let (a, b) = (Api::start(), Api::start());
    assert_ne!(a.server.url(), b.server.url());
    a.scope("only-in-a").await;
    assert_eq!(b.get("scopes/list", &[]).await, (200, json!({})));
}

#[tokio::test]
async fn drop_stops_the_server_promptly() {
    let server = BackgroundEmulator::start(EmulatorOptions::default()).unwrap();
    let url = server.url();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    // A pooled keep-alive connection must not hold the shutdown up.
    let http = crate::common::http_client();
    let list = format!("{url}/api/2.0/secrets/scopes/list");
    send(http.get(&list).header("Authorization", TOKEN)).await;
    let started = Instant::now();
    drop(server);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(http.get(&list).send().await.is_err());
}

#[tokio::test]
async fn the_request_log_keeps_the_most_recent_requests_with_capped_bodies() {
    let api = Api::with(EmulatorOptions {
        tokens: vec![("the-token".into(), "admin@example.com".into())],
        request_log_capacity: 3,
        recorded_body_bytes: 1000,
        ..EmulatorOptions::default()
    });
    let emulator = api.server.emulator();
    // A flood of unauthenticated requests with big bodies costs at most the
    // ring: three entries, each body cut to 1000 bytes.
    let junk = "j".repeat(200_000);
    for i in 0..10 {
        let request = api
            .http
            .post(format!("{}?n={i}", api.url("scopes/create")))
            .header("Authorization", "Bearer wrong")
            .body(junk.clone());
        error(send(request).await, 401, "UNAUTHENTICATED");
    }
    let log = emulator.requests();
    let queries: Vec<Option<&str>> = log.iter().map(|r| r.query.as_deref()).collect();
    assert_eq!(queries, [Some("n=7"), Some("n=8"), Some("n=9")]);
    for r in &log {
        assert_eq!(r.status, 401);
        assert!(r.body_truncated);
        assert_eq!(r.body, Some(json!("j".repeat(1000))));
    }
    // A short body is kept whole, and a long JSON body is cut as JSON text.
    let r = api
        .post_as("the-token", "scopes/create", json!({"scope": "s"}))
        .await;
    assert_eq!(r, (200, json!({})));
    let long = json!({"scope": "x".repeat(2000)});
    let r = api.post_as("the-token", "scopes/create", long).await;
    error(r, 400, "INVALID_PARAMETER_VALUE");
    let log = emulator.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(
        (&log[1].body, log[1].body_truncated),
        (&Some(json!({"scope": "s"})), false)
    );
    let cut = log[2].body.as_ref().unwrap().as_str().unwrap();
    assert!(log[2].body_truncated);
    assert_eq!(cut.len(), 1000);
    assert!(cut.starts_with(r#"{"scope":"xxx"#), "{cut}");
}
