//! The emulator behind a fault-injecting layer, for bulk tests: a plan decides,
//! per request, whether it gets a scripted error instead of the emulator's
//! answer (a put that fails for chosen keys, a 429 storm); puts can be slowed
//! down; every arrival is logged with its time, so tests can measure the rate
//! the server saw. Served from its own thread on 127.0.0.1:0, ready when
//! `start` returns.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use dbsecrets_emulator::{Emulator, EmulatorOptions};

pub const PUT: &str = "/api/2.0/secrets/put";

/// A scripted answer.
#[derive(Clone, Debug)]
pub struct Fault {
    pub status: u16,
    pub body: String,
    pub retry_after: Option<String>,
}

impl Fault {
    pub fn new(status: u16, error_code: &str, message: &str) -> Fault {
        Fault {
            status,
            body: serde_json::json!({"error_code": error_code, "message": message}).to_string(),
            retry_after: None,
        }
    }

    pub fn throttled(retry_after: &str) -> Fault {
        Fault {
            retry_after: Some(retry_after.into()),
            ..Fault::new(429, "REQUEST_LIMIT_EXCEEDED", "Too many requests")
        }
    }
}

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Arrival {
    pub at: Instant,
    pub method: String,
    pub path: String,
    /// The `key` of the body or query, when there is one.
    pub key: Option<String>,
    pub status: u16,
}

/// Decides a request's fault: (path, key, the how-many-th request for this path and key).
type Plan = Box<dyn Fn(&str, Option<&str>, usize) -> Option<Fault> + Send + Sync>;

#[derive(Default)]
struct Shared {
    plan: Mutex<Option<Plan>>,
    put_delay: Mutex<Duration>,
    attempts: Mutex<HashMap<(String, String), usize>>,
    log: Mutex<Vec<Arrival>>,
    puts_arrived: AtomicUsize,
}

pub struct Faulty {
    pub url: String,
    emulator: Emulator,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Faulty {
    pub fn start() -> Faulty {
        let emulator = Emulator::new(EmulatorOptions::default());
        let shared = Arc::new(Shared::default());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let router = emulator
            .router()
            .layer(middleware::from_fn_with_state(shared.clone(), layer));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        std::thread::spawn(move || {
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let _ = axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.await;
                    })
                    .await;
            })
        });
        Faulty {
            url,
            emulator,
            shared,
            stop: Some(stop),
        }
    }

    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    pub fn set_plan(
        &self,
        plan: impl Fn(&str, Option<&str>, usize) -> Option<Fault> + Send + Sync + 'static,
    ) {
        *self.shared.plan.lock().unwrap() = Some(Box::new(plan));
    }

    pub fn clear_plan(&self) {
        *self.shared.plan.lock().unwrap() = None;
    }

    /// The server takes this long to answer each put.
    pub fn set_put_delay(&self, d: Duration) {
        *self.shared.put_delay.lock().unwrap() = d;
    }

    pub fn arrivals(&self) -> Vec<Arrival> {
        self.shared.log.lock().unwrap().clone()
    }

    pub fn arrivals_to(&self, path: &str) -> Vec<Arrival> {
        self.arrivals()
            .into_iter()
            .filter(|a| a.path == path)
            .collect()
    }

    /// Puts that have arrived (answered or not yet).
    pub fn puts_arrived(&self) -> usize {
        self.shared.puts_arrived.load(Ordering::SeqCst)
    }

    pub fn clear(&self) {
        self.shared.log.lock().unwrap().clear();
        self.shared.attempts.lock().unwrap().clear();
        self.shared.puts_arrived.store(0, Ordering::SeqCst);
    }
}

impl Drop for Faulty {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Most requests that arrived within any window of `window`.
pub fn max_in_window(arrivals: &[Arrival], window: Duration) -> usize {
    let mut times: Vec<Instant> = arrivals.iter().map(|a| a.at).collect();
    times.sort();
    let mut best = 0;
    let mut start = 0;
    for end in 0..times.len() {
        while times[end].duration_since(times[start]) >= window {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}

async fn layer(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let at = Instant::now();
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 8 << 20)
        .await
        .unwrap_or_default();
    let method = parts.method.to_string();
    let path = parts.uri.path().to_string();
    let key = if method == "POST" {
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.get("key").and_then(|k| k.as_str()).map(str::to_string))
    } else {
        parts.uri.query().and_then(|q| {
            q.split('&')
                .find_map(|p| p.strip_prefix("key="))
                .map(str::to_string)
        })
    };
    if path == PUT {
        shared.puts_arrived.fetch_add(1, Ordering::SeqCst);
    }
    let attempt = {
        let mut attempts = shared.attempts.lock().unwrap();
        let n = attempts
            .entry((path.clone(), key.clone().unwrap_or_default()))
            .or_insert(0);
        *n += 1;
        *n
    };
    let fault = shared
        .plan
        .lock()
        .unwrap()
        .as_ref()
        .and_then(|plan| plan(&path, key.as_deref(), attempt));
    let delay = *shared.put_delay.lock().unwrap();
    if path == PUT && !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let response = match fault {
        Some(f) => {
            let mut r = (
                axum::http::StatusCode::from_u16(f.status).unwrap(),
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                f.body,
            )
                .into_response();
            if let Some(ra) = f.retry_after {
                r.headers_mut().insert("retry-after", ra.parse().unwrap());
            }
            r
        }
        None => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
    };
    shared.log.lock().unwrap().push(Arrival {
        at,
        method,
        path,
        key,
        status: response.status().as_u16(),
    });
    response
}
