//! Chaos options (latency, seeded 503s, throttling), queued faults, the
//! fault plan and per-path delays, and the request log as an arrivals log,
//! as a client sees them.

use std::time::{Duration, Instant};

use crate::common::{error, send, Api, TOKEN};
use dbsecrets_emulator::{max_in_window, EmulatorOptions, Fault};
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Statuses and Retry-After headers of `n` sequential list-scopes calls.
async fn statuses(api: &Api, n: usize) -> Vec<(u16, Option<String>)> {
    let mut out = Vec::new();
    for _ in 0..n {
        let response = api
            .http
            .get(api.url("scopes/list"))
            .header("Authorization", TOKEN)
            .send()
            .await
            .unwrap();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_string());
        out.push((response.status().as_u16(), retry_after));
    }
    out
}

fn chaotic(fail_rate: f64, seed: u64) -> Api {
    Api::with(EmulatorOptions {
        fail_rate,
        seed,
        retry_after_secs: 0,
        ..EmulatorOptions::default()
    })
}

#[tokio::test]
async fn fail_rate_is_deterministic_for_a_seed() {
    let a = statuses(&chaotic(0.5, 7), 24).await;
    let b = statuses(&chaotic(0.5, 7), 24).await;
    assert_eq!(a, b, "same seed, same failures");
    let c = statuses(&chaotic(0.5, 8), 24).await;
    assert_ne!(a, c, "another seed, other failures");
    let failed = a.iter().filter(|(s, _)| *s == 503).count();
    assert!((4..=20).contains(&failed), "{a:?}");
    for (status, retry_after) in &a {
        match status {
            200 => assert_eq!(retry_after, &None),
            503 => assert_eq!(retry_after.as_deref(), Some("0")),
            other => panic!("{other}"),
        }
    }
    let api = chaotic(1.0, 1);
    let msg = error(
        api.get("scopes/list", &[]).await,
        503,
        "TEMPORARILY_UNAVAILABLE",
    );
    assert_eq!(
        msg,
        "The service is temporarily unavailable. Please try again later."
    );
    // A failed write changes nothing, and the log shows the 503.
    let r = api.post("scopes/create", json!({"scope": "s"})).await;
    error(r, 503, "TEMPORARILY_UNAVAILABLE");
    api.server.emulator().set_fail_rate(0.0);
    assert_eq!(api.get("scopes/list", &[]).await, (200, json!({})));
    let log: Vec<u16> = api
        .server
        .emulator()
        .requests()
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(log, [503, 503, 200]);
}

#[tokio::test]
async fn throttle_answers_429_above_the_rate() {
    let api = Api::with(EmulatorOptions {
        throttle_rps: Some(3),
        ..EmulatorOptions::default()
    });
    let got = statuses(&api, 8).await;
    assert!(got[..3].iter().all(|(s, _)| *s == 200), "{got:?}");
    let throttled: Vec<_> = got.iter().filter(|(s, _)| *s == 429).collect();
    assert!(!throttled.is_empty(), "{got:?}");
    assert!(
        throttled.iter().all(|(_, r)| r.as_deref() == Some("1")),
        "{got:?}"
    );
    let msg = error(
        api.get("scopes/list", &[]).await,
        429,
        "REQUEST_LIMIT_EXCEEDED",
    );
    assert!(msg.starts_with("Too many requests"), "{msg}");
    assert!(api
        .server
        .emulator()
        .requests()
        .iter()
        .any(|r| r.status == 429));
    api.server.emulator().set_throttle_rps(None);
    assert_eq!(api.get("scopes/list", &[]).await.0, 200);
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let api = Api::with(EmulatorOptions {
        latency_ms: 150,
        ..EmulatorOptions::default()
    });
    let started = Instant::now();
    assert_eq!(api.get("scopes/list", &[]).await.0, 200);
    error(
        api.get_as("", "scopes/list", &[]).await,
        401,
        "UNAUTHENTICATED",
    );
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    api.server.emulator().set_latency(Duration::ZERO);
}

fn raw_client() -> reqwest::Client {
    crate::common::http_client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn fault_plan_scripts_each_kind_of_answer_in_order() {
    let api = Api::start();
    let emulator = api.server.emulator();
    let http = raw_client();
    let list = api.url("scopes/list");
    let call = || http.get(&list).header("Authorization", TOKEN).send();

    emulator.push_fault(Fault::Status {
        status: 503,
        body: r#"{"error_code":"TEMPORARILY_UNAVAILABLE","message":"busy"}"#.into(),
        content_type: "application/json".into(),
        retry_after: Some("0".into()),
    });
    emulator.push_fault(Fault::html(
        502,
        "<html><title>502 Bad Gateway</title></html>",
    ));
    emulator.push_fault(Fault::json(200, r#"{"scopes": [{"na"#));
    emulator.push_fault(Fault::Redirect {
        status: 302,
        location: "/login.html?next=api".into(),
    });
    emulator.push_fault(Fault::Delay(Duration::from_millis(200)));
    emulator.push_fault(Fault::Drop);
    assert_eq!(emulator.pending_faults(), 6);

    let r = call().await.unwrap();
    assert_eq!(
        (
            r.status().as_u16(),
            r.headers()["retry-after"].to_str().unwrap()
        ),
        (503, "0")
    );
    assert_eq!(
        r.text().await.unwrap(),
        r#"{"error_code":"TEMPORARILY_UNAVAILABLE","message":"busy"}"#
    );

    let r = call().await.unwrap();
    assert_eq!(r.status().as_u16(), 502);
    assert_eq!(r.headers()["content-type"], "text/html");
    assert!(r.text().await.unwrap().contains("502 Bad Gateway"));

    let r = call().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.text().await.unwrap(), r#"{"scopes": [{"na"#);

    let r = call().await.unwrap();
    assert_eq!(r.status().as_u16(), 302);
    assert_eq!(r.headers()["location"], "/login.html?next=api");

    let started = Instant::now();
    let r = call().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(
        (r.status().as_u16(), r.text().await.unwrap()),
        (200, "{}".to_string())
    );

    // Drop: the connection closes with no answer at all.
    let e = call().await.expect_err("no answer");
    assert!(!e.is_status() && !e.is_timeout(), "{e:?}");

    // At the TCP level: not a single byte comes back.
    emulator.push_fault(Fault::Drop);
    let addr = api.server.url().trim_start_matches("http://").to_string();
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET /api/2.0/secrets/scopes/list HTTP/1.1\r\nHost: x\r\nAuthorization: {TOKEN}\r\n\r\n"
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tcp.read_to_end(&mut answer).await;
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));

    // The plan is used up: normal answers again, on a new connection.
    assert_eq!(
        send(http.get(&list).header("Authorization", TOKEN)).await,
        (200, json!({}))
    );
    assert_eq!(emulator.pending_faults(), 0);
    let log: Vec<u16> = emulator.requests().iter().map(|r| r.status).collect();
    assert_eq!(log, [503, 502, 200, 302, 200, 0, 0, 200]);
}

#[tokio::test]
async fn faults_for_a_path_prefix_wait_for_a_matching_request() {
    let api = Api::start();
    let emulator = api.server.emulator();
    api.scope("s").await;
    api.put("s", "k", "v").await;
    emulator.push_fault_for("/api/2.0/secrets/get", Fault::json(500, "{}"));
    // Other paths pass by the queued fault.
    assert_eq!(api.get("list", &[("scope", "s")]).await.0, 200);
    assert_eq!(emulator.pending_faults(), 1);
    assert_eq!(
        api.get("get", &[("scope", "s"), ("key", "k")]).await,
        (500, json!({}))
    );
    assert_eq!(api.get("get", &[("scope", "s"), ("key", "k")]).await.0, 200);
    // Faults come before authentication, and clear_faults empties the plan.
    emulator.push_fault(Fault::json(418, "{}"));
    assert_eq!(
        send(api.http.get(api.url("scopes/list"))).await,
        (418, json!({}))
    );
    emulator.push_fault(Fault::Drop);
    emulator.clear_faults();
    assert_eq!(api.get("scopes/list", &[]).await.0, 200);
}

const PUT: &str = "/api/2.0/secrets/put";

#[tokio::test]
async fn a_fault_plan_decides_by_method_path_key_and_attempt() {
    let api = Api::start();
    let emulator = api.server.emulator().clone();
    api.scope("s").await;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let inner = emulator.clone();
    emulator.set_fault_plan(move |r| {
        log.lock().unwrap().push((
            r.method.to_string(),
            r.path.to_string(),
            r.key.map(str::to_string),
            r.nth,
        ));
        // A plan may call back into the emulator without a deadlock.
        assert_eq!(inner.pending_faults(), 0);
        match (r.path, r.key) {
            (PUT, Some("broken")) => Some(Fault::error(500, "INTERNAL_ERROR", "disk on fire")),
            (PUT, Some("busy")) if r.nth <= 2 => Some(Fault::throttled("0")),
            _ => None,
        }
    });
    let put = |key: &str| json!({"scope": "s", "key": key, "string_value": "v"});
    let msg = error(api.post("put", put("broken")).await, 500, "INTERNAL_ERROR");
    assert_eq!(msg, "disk on fire");
    for _ in 0..2 {
        let response = api
            .http
            .post(api.url("put"))
            .header("Authorization", TOKEN)
            .json(&put("busy"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 429);
        assert_eq!(response.headers()["retry-after"], "0");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error_code"], "REQUEST_LIMIT_EXCEEDED");
    }
    assert_eq!(api.post("put", put("busy")).await, (200, json!({})));
    assert_eq!(api.post("put", put("fine")).await, (200, json!({})));
    assert!(emulator.secret_bytes("s", "broken").is_none());
    assert_eq!(emulator.secret_bytes("s", "busy").unwrap(), b"v");
    // The key of a GET comes from the query, decoded.
    let r = api.get("get", &[("scope", "s"), ("key", "busy")]).await;
    assert_eq!(r.0, 200);
    let seen = seen.lock().unwrap().clone();
    let attempts: Vec<(&str, Option<&str>, usize)> = seen
        .iter()
        .map(|(_, path, key, nth)| (path.as_str(), key.as_deref(), *nth))
        .collect();
    assert_eq!(
        attempts,
        [
            (PUT, Some("broken"), 1),
            (PUT, Some("busy"), 1),
            (PUT, Some("busy"), 2),
            (PUT, Some("busy"), 3),
            (PUT, Some("fine"), 1),
            ("/api/2.0/secrets/get", Some("busy"), 1),
        ]
    );
    assert!(seen[..5].iter().all(|(method, ..)| method == "POST"));
    assert_eq!(seen[5].0, "GET");

    // A queued fault that matches comes before the plan; clearing the log
    // starts the count again; clearing the plan ends it.
    emulator.push_fault_for(PUT, Fault::json(418, "{}"));
    assert_eq!(api.post("put", put("broken")).await, (418, json!({})));
    emulator.clear_requests();
    emulator.set_fault_plan(|r| (r.nth == 1).then(|| Fault::json(409, "{}")));
    assert_eq!(api.post("put", put("busy")).await, (409, json!({})));
    assert_eq!(api.post("put", put("busy")).await, (200, json!({})));
    emulator.clear_fault_plan();
    emulator.clear_requests();
    assert_eq!(api.post("put", put("busy")).await, (200, json!({})));
}

#[tokio::test]
async fn a_delay_for_a_path_slows_only_that_path() {
    let api = Api::start();
    let emulator = api.server.emulator();
    api.scope("s").await;
    emulator.set_delay_for(PUT, Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(api.get("list", &[("scope", "s")]).await.0, 200);
    assert!(started.elapsed() < Duration::from_millis(300));
    let started = Instant::now();
    api.put("s", "k", "v").await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    emulator.set_delay_for(PUT, Duration::ZERO);
    let started = Instant::now();
    api.put("s", "k", "v").await;
    assert!(started.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn the_request_log_records_arrivals_with_their_key_and_time() {
    let api = Api::start();
    let emulator = api.server.emulator();
    api.scope("s").await;
    emulator.clear_requests();
    // A slow put is in the log, with status 0, while it is being answered.
    emulator.set_delay_for(PUT, Duration::from_millis(400));
    let before = Instant::now();
    let slow = tokio::spawn({
        let http = api.http.clone();
        let url = api.url("put");
        async move {
            let body = json!({"scope": "s", "key": "slow", "string_value": "v"});
            send(http.post(url).header("Authorization", TOKEN).json(&body)).await
        }
    });
    let deadline = Instant::now() + Duration::from_secs(5);
    while emulator.count_requests(PUT) == 0 {
        assert!(Instant::now() < deadline, "the put never arrived");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let in_flight = emulator.requests();
    assert_eq!(in_flight.len(), 1);
    assert_eq!(
        (in_flight[0].key.as_deref(), in_flight[0].status),
        (Some("slow"), 0)
    );
    assert_eq!(slow.await.unwrap(), (200, json!({})));
    emulator.set_delay_for(PUT, Duration::ZERO);
    for _ in 0..4 {
        api.get("get", &[("scope", "s"), ("key", "slow")]).await;
    }
    let log = emulator.requests();
    assert_eq!(log.len(), 5);
    assert_eq!(log[0].status, 200);
    assert!(log[0].arrived_at >= before);
    assert!(log.windows(2).all(|w| w[0].arrived_at <= w[1].arrived_at));
    assert!(log[1..].iter().all(|r| r.key.as_deref() == Some("slow")));
    // Four gets came within a second of each other; the put 400 ms before.
    assert_eq!(max_in_window(&log[1..], Duration::from_secs(1)), 4);
    assert_eq!(max_in_window(&log, Duration::from_secs(60)), 5);
    assert_eq!(emulator.count_requests(PUT), 1);
    assert_eq!(emulator.count_requests("/api/2.0/secrets/get"), 4);
}
