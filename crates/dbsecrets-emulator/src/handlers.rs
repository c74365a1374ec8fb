//! HTTP in front of [`super::state`]: the pipeline every request goes
//! through (the body limit, the request log, latency and delays, scripted
//! faults, throttling and the `fail_rate` coin, then authentication and
//! routing).
//!
//! One fallback handler does the routing itself instead of axum's router so
//! that every answer, including unknown paths, wrong methods and unreadable
//! bodies, is the JSON the real server sends, never axum's plain-text
//! rejections.

use std::pin::Pin;
use std::time::Instant;

use axum::body::{Body, Bytes, HttpBody as _};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;

use super::chaos::{Fault, FaultRequest, Verdict, THROTTLED_MESSAGE, UNAVAILABLE_MESSAGE};
use super::conn::Connection;
use super::secrets_api::{self, endpoint_not_found, error_response, malformed};
use super::state::{Caller, ErrorCode, ServiceError};
use super::{oauth, scim, uc_api, Emulator, RecordedRequest};

/// The largest request body the emulator reads: far above the largest legal
/// request (a 128 KB value, base64-encoded or JSON-escaped), so only abuse
/// hits it. A larger `Content-Length` is answered 413 without reading the
/// body; a chunked body is read up to this much, then answered 413.
pub const MAX_REQUEST_BYTES: usize = 4 * 1024 * 1024;

pub(super) fn router(emulator: Emulator) -> Router {
    Router::new().fallback(handle).with_state(emulator)
}

async fn handle(State(emulator): State<Emulator>, request: Request) -> Response {
    let arrived_at = Instant::now();
    let (parts, body) = request.into_parts();
    let bytes = read_body(&parts.headers, body).await;
    let record = RecordedRequest::on_arrival(
        &parts,
        bytes.as_ref().ok(),
        arrived_at,
        emulator.inner.recorded_body_bytes,
        &emulator.inner.redactor,
    );
    let key = record.key.clone();
    let arrival = emulator.log_arrival(record);
    let request = FaultRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        key: key.as_deref(),
        nth: arrival.nth,
    };
    let answer = answer(&emulator, &parts, &request, bytes).await;
    let status = answer.response.as_ref().map_or(0, |r| r.status().as_u16());
    emulator.log_answer(arrival.seq, status, answer.principal.clone());
    if emulator.inner.verbose {
        // Path and principal only: the query string may hold scope and key
        // names, and nothing from headers or bodies is ever printed.
        let who = answer.principal.as_deref().unwrap_or("-");
        eprintln!("{} {} {who} -> {status}", parts.method, parts.uri.path());
    }
    answer.response.unwrap_or_else(|| drop_connection(&parts))
}

/// The answer to one request (`None`: drop the connection) and, for the
/// log, who made it.
struct Answer {
    response: Option<Response>,
    principal: Option<String>,
}

/// Each step may answer in place of the ones after it: latency, delays and
/// scripted faults, then the throttle and the `fail_rate` coin, then the
/// endpoint.
async fn answer(
    emulator: &Emulator,
    parts: &Parts,
    request: &FaultRequest<'_>,
    bytes: Result<Bytes, BodyError>,
) -> Answer {
    if let Err(BodyError::TooLarge) = bytes {
        return Answer {
            response: Some(too_large(parts.uri.path())),
            principal: None,
        };
    }
    let caller = authenticate(emulator, &parts.headers);
    let principal = caller.as_ref().ok().map(|c| c.name.clone());
    let path = parts.uri.path();
    match scripted(emulator, request).await {
        Some(Scripted::Answer(response)) => {
            return Answer {
                response: Some(response),
                principal,
            }
        }
        Some(Scripted::Drop) => {
            return Answer {
                response: None,
                principal,
            }
        }
        None => {}
    }
    if let Some(response) = chaos_refusal(emulator, path) {
        return Answer {
            response: Some(response),
            principal,
        };
    }
    let (response, principal) = route(emulator, parts, caller, bytes.ok().as_ref());
    Answer {
        response: Some(response),
        principal,
    }
}

/// What a fault decided instead of the normal answer.
enum Scripted {
    Answer(Response),
    /// Close the connection without answering.
    Drop,
}

/// The latency and the path's delay, then the next queued [`Fault`] for the
/// path, else the fault plan's; `None` to answer normally.
async fn scripted(emulator: &Emulator, request: &FaultRequest<'_>) -> Option<Scripted> {
    let (wait, queued, plan) = {
        let mut chaos = emulator.chaos();
        let wait = chaos.latency + chaos.delay_for(request.path);
        (wait, chaos.take_fault(request.path), chaos.plan())
    };
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
    // The plan runs outside the chaos lock: it may call the emulator.
    let fault = queued.or_else(|| plan.and_then(|plan| plan(request)))?;
    fault_response(fault).await
}

/// What a fault does; `None` to go on with normal handling (after a
/// [`Fault::Delay`]).
async fn fault_response(fault: Fault) -> Option<Scripted> {
    match fault {
        Fault::Delay(delay) => {
            tokio::time::sleep(delay).await;
            None
        }
        Fault::Drop => Some(Scripted::Drop),
        Fault::Status {
            status,
            body,
            content_type,
            retry_after,
        } => Some(Scripted::Answer(raw_response(
            status,
            &content_type,
            body,
            retry_after.as_deref(),
        ))),
        Fault::Redirect { status, location } => {
            let mut response = raw_response(status, "text/plain", String::new(), None);
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            Some(Scripted::Answer(response))
        }
    }
}

/// Why a request body was not read.
enum BodyError {
    /// Over [`MAX_REQUEST_BYTES`], declared or sent.
    TooLarge,
    /// The connection failed mid-body.
    Unreadable,
}

/// Reads a request body of at most [`MAX_REQUEST_BYTES`]. A larger
/// `Content-Length` is refused before a single byte of the body is read; a
/// chunked body is read until it goes over.
async fn read_body(headers: &HeaderMap, mut body: Body) -> Result<Bytes, BodyError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_REQUEST_BYTES as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut data = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|_| BodyError::Unreadable)?;
        if let Ok(chunk) = frame.into_data() {
            if data.len() + chunk.len() > MAX_REQUEST_BYTES {
                return Err(BodyError::TooLarge);
            }
            data.extend_from_slice(&chunk);
        }
    }
    Ok(Bytes::from(data))
}

/// 413 `REQUEST_TOO_LARGE`, closing the connection: the rest of the body
/// is never read.
fn too_large(path: &str) -> Response {
    let error = ServiceError::new(
        ErrorCode::RequestTooLarge,
        format!("The request body is larger than the limit of {MAX_REQUEST_BYTES} bytes."),
    );
    let mut response = error_response(&error, path);
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The throttle (429) or the `fail_rate` coin (503), with `Retry-After`.
fn chaos_refusal(emulator: &Emulator, path: &str) -> Option<Response> {
    let (verdict, retry_after) = {
        let mut chaos = emulator.chaos();
        (chaos.verdict(Instant::now()), chaos.retry_after_secs)
    };
    let error = match verdict {
        Verdict::Pass => return None,
        Verdict::Throttled => ServiceError::new(ErrorCode::RequestLimitExceeded, THROTTLED_MESSAGE),
        Verdict::Unavailable => {
            ServiceError::new(ErrorCode::TemporarilyUnavailable, UNAVAILABLE_MESSAGE)
        }
    };
    let mut response = error_response(&error, path);
    if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    Some(response)
}

/// The routing table: the OAuth endpoints, Unity Catalog, else the Secrets
/// API 2.0. Returns
/// the response and who made the request (for a token request, the
/// principal a token was issued for).
fn route(
    emulator: &Emulator,
    parts: &Parts,
    caller: Result<Caller, ServiceError>,
    bytes: Option<&Bytes>,
) -> (Response, Option<String>) {
    let (method, path) = (&parts.method, parts.uri.path());
    let principal = caller.as_ref().ok().map(|c| c.name.clone());
    match path {
        oauth::DISCOVERY_PATH => (oauth::discovery(method, &parts.headers), principal),
        oauth::DATABRICKS_CONFIG_PATH => {
            let error = endpoint_not_found(method, path);
            (error_response(&error, path), principal)
        }
        oauth::TOKEN_PATH => oauth::token(emulator, method, &parts.headers, bytes),
        scim::ME_PATH => match caller {
            Ok(caller) => (scim::me(&caller, method), principal),
            Err(e) => (error_response(&e, path), principal),
        },
        _ => {
            let response = match (bytes, caller) {
                (_, Err(e)) => error_response(&e, path),
                (Some(bytes), Ok(caller)) if path.starts_with(uc_api::PREFIX) => {
                    uc_api::answer(emulator, &caller, method, &parts.uri, bytes)
                }
                (Some(bytes), Ok(caller)) => {
                    secrets_api::answer(emulator, &caller, method, &parts.uri, bytes)
                }
                (None, Ok(_)) => {
                    error_response(&malformed("Could not read the request body."), path)
                }
            };
            (response, principal)
        }
    }
}

/// [`Fault::Drop`]: cut the connection the request came on, so the client
/// gets no answer at all. Served through [`super::serve`], the connection's
/// kill switch is in the request; a caller serving [`Emulator::router`] some
/// other way gets an empty 502 with `Connection: close` instead.
fn drop_connection(parts: &Parts) -> Response {
    if let Some(ConnectInfo(connection)) = parts.extensions.get::<ConnectInfo<Connection>>() {
        connection.kill();
    }
    let mut response = raw_response(502, "text/plain", String::new(), None);
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A response with exactly this status, content type and body.
pub(super) fn raw_response(
    status: u16,
    content_type: &str,
    body: String,
    retry_after: Option<&str>,
) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, Body::from(body)).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(v).ok()) {
        headers.insert(header::RETRY_AFTER, value);
    }
    response
}

const MISSING_CREDENTIALS: &str = "Missing or invalid authorization header";
const INVALID_TOKEN: &str = "Invalid access token.";
const EXPIRED_TOKEN: &str = "Access token has expired.";
const INVALID_BASIC: &str = "Invalid username or password.";

/// Maps the Authorization header to the calling principal. With no
/// credentials configured (open mode), any non-empty `Bearer` token or
/// `Basic` credential is the default admin; otherwise a Bearer token must be
/// a configured one or an unexpired OAuth token the emulator issued, and a
/// Basic credential a configured user name and password.
fn authenticate(emulator: &Emulator, headers: &HeaderMap) -> Result<Caller, ServiceError> {
    let unauthenticated = |message: &str| ServiceError::new(ErrorCode::Unauthenticated, message);
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| unauthenticated(MISSING_CREDENTIALS))?;
    let (scheme, credential) = value
        .trim()
        .split_once(' ')
        .ok_or_else(|| unauthenticated(MISSING_CREDENTIALS))?;
    let credential = credential.trim();
    let bearer = scheme.eq_ignore_ascii_case("bearer");
    if !(bearer || scheme.eq_ignore_ascii_case("basic")) || credential.is_empty() {
        return Err(unauthenticated(MISSING_CREDENTIALS));
    }
    let directory = &emulator.inner.directory;
    if directory.is_open() {
        return Ok(directory.default_caller());
    }
    if bearer {
        if let Some(principal) = directory.token(credential) {
            return Ok(directory.caller(principal));
        }
        return match emulator.issued_token(credential) {
            Some((principal, true)) => Ok(directory.caller(&principal)),
            Some((_, false)) => Err(unauthenticated(EXPIRED_TOKEN)),
            None => Err(unauthenticated(INVALID_TOKEN)),
        };
    }
    base64::engine::general_purpose::STANDARD
        .decode(credential)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|pair| directory.basic(&pair).map(str::to_string))
        .map(|principal| directory.caller(&principal))
        .ok_or_else(|| unauthenticated(INVALID_BASIC))
}
