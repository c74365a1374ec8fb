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
    let authorization = create.authorization.as_ref().unwrap();
    assert_eq!(authorization, TOKEN);
    assert_eq!(authorization.scheme, "Bearer");
    assert!(!authorization.matches("Bearer another-token"));
    assert_eq!(create.principal.as_deref(), Some("admin@example.com"));
    assert_eq!(create.key, None);
    assert_eq!(create.content_type.as_deref(), Some("application/json"));
    assert_eq!(create.body, Some(json!({"scope": "s"})));
    assert_eq!(create.status, 200);

    let get = &log[1];
    assert_eq!(
        (get.method.as_str(), get.path.as_str()),
        ("GET", "/api/2.0/secrets/get")
    );
    assert_eq!(get.query.as_deref(), Some("scope=s&key=a+b"));
    assert_eq!(get.key.as_deref(), Some("a b"));
    assert_eq!((get.body.clone(), get.status), (None, 400));

    let anonymous = &log[2];
    assert_eq!(anonymous.authorization, None);
    assert_eq!(anonymous.principal, None);
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

/// Tokens, passwords, client secrets, subject tokens and secret values never
/// reach the request log in clear, yet a test can still check them.
#[tokio::test]
async fn the_request_log_keeps_no_credential_or_secret_in_clear() {
    let api = Api::with(EmulatorOptions {
        tokens: vec![("tok-CANARY1".into(), "admin@example.com".into())],
        principals: vec![dbsecrets_emulator::PrincipalConfig {
            name: "carol".into(),
            password: Some("pw-CANARY2".into()),
            ..Default::default()
        }],
        oauth_clients: vec![("ci".into(), "sec-CANARY3".into(), "sp".into())],
        oidc_federation: vec![("gha".into(), "sub-CANARY4".into(), "sp".into())],
        ..EmulatorOptions::default()
    });
    let emulator = api.server.emulator();
    assert_eq!(
        api.post_as("tok-CANARY1", "scopes/create", json!({"scope": "s"}))
            .await,
        (200, json!({}))
    );
    let put = json!({"scope": "s", "key": "k", "string_value": "val-CANARY5"});
    assert_eq!(api.post_as("tok-CANARY1", "put", put).await.0, 200);
    let bytes = json!({"scope": "s", "key": "b", "bytes_value": "dmFsLUNBTkFSWTY="});
    assert_eq!(api.post_as("tok-CANARY1", "put", bytes).await.0, 200);
    let (status, got) = api
        .get_as("tok-CANARY1", "get", &[("scope", "s"), ("key", "k")])
        .await;
    assert_eq!(
        (status, got["value"].as_str()),
        (200, Some("dmFsLUNBTkFSWTU="))
    );
    let basic = api
        .http
        .get(api.url("scopes/list"))
        .basic_auth("carol", Some("pw-CANARY2"));
    assert_eq!(send(basic).await.0, 200);
    let token_url = format!("{}/oidc/v1/token", api.server.url());
    let m2m = api
        .http
        .post(&token_url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(
            "grant_type=client_credentials&scope=all-apis&client_id=ci&client_secret=sec-CANARY3",
        );
    assert_eq!(send(m2m).await.0, 200);
    let exchange = api
        .http
        .post(&token_url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange\
             &scope=all-apis&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt\
             &subject_token=sub-CANARY4&client_id=gha",
        );
    assert_eq!(send(exchange).await.0, 200);
    // A broken JSON body that carries a secret is kept as one marker.
    let broken = api
        .http
        .post(api.url("put"))
        .bearer_auth("tok-CANARY1")
        .header("Content-Type", "application/json")
        .body(r#"{"scope": "s", "key": "x", "string_value": "val-CANARY7""#);
    error(send(broken).await, 400, "MALFORMED_REQUEST");

    let log = emulator.requests();
    assert_eq!(log.len(), 8);
    let shown = format!("{log:?} {}", serde_json::to_string(&log).unwrap());
    for canary in ["CANARY", "dmFsLUNBTkFSWT", "Y2Fyb2w6cHct"] {
        assert!(!shown.contains(canary), "{canary} in the log: {shown}");
    }

    // What a test can still check: the header and who it was.
    let create = &log[0];
    assert_eq!(create.authorization.as_ref().unwrap(), "Bearer tok-CANARY1");
    assert_eq!(create.principal.as_deref(), Some("admin@example.com"));
    let list = &log[4];
    let basic = list.authorization.as_ref().unwrap();
    assert_eq!(basic.scheme, "Basic");
    assert!(basic.matches("Basic Y2Fyb2w6cHctQ0FOQVJZMg=="));
    assert!(!basic.matches("Basic Y2Fyb2w6cHctQ0FOQVJZMw=="));
    assert_eq!(list.principal.as_deref(), Some("carol"));
    // The values: whole bodies against markers, or one field at a time.
    assert_eq!(
        log[1].body,
        Some(json!({"scope": "s", "key": "k", "string_value": emulator.redacted("val-CANARY5")}))
    );
    assert!(log[1].value_matches("string_value", "val-CANARY5"));
    assert!(!log[1].value_matches("string_value", "val-CANARY6"));
    assert!(log[1].value_matches("key", "k"));
    assert!(log[2].value_matches("bytes_value", "dmFsLUNBTkFSWTY="));
    assert_eq!(log[2].key.as_deref(), Some("b"));
    let form = log[5].body.as_ref().unwrap().as_str().unwrap();
    assert_eq!(
        form,
        format!(
            "grant_type=client_credentials&scope=all-apis&client_id=ci&client_secret={}",
            emulator.redacted("sec-CANARY3")
        )
    );
    assert_eq!(log[5].principal.as_deref(), Some("sp"));
    assert!(log[6].value_matches("subject_token", "sub-CANARY4"));
    assert!(log[6].value_matches("client_id", "gha"));
    assert_eq!(log[7].status, 400);
    assert_eq!(
        log[7].body,
        Some(json!(emulator.redacted(
            r#"{"scope": "s", "key": "x", "string_value": "val-CANARY7""#
        )))
    );
}

/// Sends `head` (and `body`) on a raw connection and returns the status and
/// the body of the answer, failing if none comes within five seconds.
async fn raw_exchange(api: &Api, head: &str, body: &[u8]) -> (u16, String) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let addr = api.server.url().trim_start_matches("http://").to_string();
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(body).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "no answer within 5 s: the body was awaited");
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not HTTP: {text}"));
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

#[tokio::test]
async fn a_too_large_content_length_is_refused_without_reading_the_body() {
    let api = Api::start();
    let limit = dbsecrets_emulator::MAX_REQUEST_BYTES;
    // Nothing but the head is ever sent: waiting for the body would hang.
    let head = format!(
        "POST /api/2.0/secrets/put HTTP/1.1\r\nHost: x\r\nAuthorization: {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        limit + 1
    );
    let (status, body) = raw_exchange(&api, &head, b"").await;
    assert_eq!(status, 413);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        body,
        json!({"error_code": "REQUEST_TOO_LARGE",
               "message": format!("The request body is larger than the limit of {limit} bytes.")})
    );
    // Before authentication too, and the log has it, without a body.
    let head = head.replace(&format!("Authorization: {TOKEN}\r\n"), "");
    assert_eq!(raw_exchange(&api, &head, b"").await.0, 413);
    let log = api.server.emulator().requests();
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|r| r.status == 413 && r.body.is_none()));

    // A body of exactly the limit is read (and refused for its value).
    let padding = limit - r#"{"scope":"s","key":"k","string_value":""}"#.len();
    let exact = format!(
        r#"{{"scope":"s","key":"k","string_value":"{}"}}"#,
        "x".repeat(padding)
    );
    assert_eq!(exact.len(), limit);
    api.scope("s").await;
    let request = api
        .http
        .post(api.url("put"))
        .header("Authorization", TOKEN)
        .header("Content-Type", "application/json")
        .body(exact);
    error(send(request).await, 400, "INVALID_PARAMETER_VALUE");
}

#[tokio::test]
async fn a_chunked_body_is_read_up_to_the_limit() {
    let api = Api::start();
    let limit = dbsecrets_emulator::MAX_REQUEST_BYTES;
    // One chunk one byte over the limit, and nothing after it: the server
    // reads all of it, then answers without waiting for the chunk's end.
    let over = limit + 1;
    let head = format!(
        "POST /api/2.0/secrets/put HTTP/1.1\r\nHost: x\r\nAuthorization: {TOKEN}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{over:x}\r\n"
    );
    let (status, body) = raw_exchange(&api, &head, &vec![b'x'; over]).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("REQUEST_TOO_LARGE"), "{body}");
    // A small chunked body is read whole.
    let chunked = "POST /api/2.0/secrets/scopes/create HTTP/1.1\r\nHost: x\r\n\
         Authorization: Bearer t\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n\
         5\r\n{\"sco\r\n9\r\npe\": \"c\"}\r\n0\r\n\r\n";
    assert_eq!(raw_exchange(&api, chunked, b"").await, (200, "{}".into()));
    assert_eq!(
        api.get("scopes/list", &[]).await.1["scopes"][0]["name"],
        "c"
    );
}
