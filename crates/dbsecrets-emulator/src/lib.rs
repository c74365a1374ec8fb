//! A faithful, stateful emulator of the Databricks Secrets API 2.0 (see
//! `shared/spec/secrets-api.md`), of Unity Catalog secrets and their grants
//! (`shared/spec/uc-secrets.md`) and of the workspace's OAuth endpoints
//! (`shared/spec/auth.md`), used by tests and by `dbsecrets emulator` so the
//! CLI and scripts can be tried without a workspace. It is an independent
//! implementation of that contract: it never depends on the client crate.
//!
//! Layers, from the model out:
//! - [`state`]: the model and every rule, ACL and privilege enforcement
//!   included (no HTTP): errors, access, names, the store and its persisted
//!   snapshot; [`state::uc`], the Unity Catalog metastore;
//! - `config`: the `--config` file; `principals`: credentials →
//!   principals, groups and admins; `catalogs`: the declared Unity Catalog
//!   catalogs and schemas; `options`: [`EmulatorOptions`];
//! - `handlers`: the pipeline every request goes through (body limit, the
//!   request log, chaos, authentication, routing); `secrets_api`: Secrets
//!   API requests → state calls, and errors → the server's JSON bodies;
//!   `uc_api`: the same for Unity Catalog (`/api/2.1/unity-catalog/…`);
//!   `oauth` (with `form`): the discovery document and token endpoint;
//! - `chaos`: latency, per-path delays, seeded 503s, throttling, queued
//!   [`Fault`]s and the fault plan; `conn` lets a fault cut a connection;
//! - `log` (the bounded ring), `recorded` ([`RecordedRequest`]) and `redact`
//!   (no credential or secret value in clear): the request log;
//! - `persist`: the `--state` file; `server`: runs it all (in the foreground
//!   for the CLI, on a background thread for tests); `cli`: the
//!   subcommand's arguments.
//!
//! Each request's body is read first, up to [`MAX_REQUEST_BYTES`] (413
//! beyond it, at once); the request is logged on arrival, then goes: latency
//! and any delay for its path, then the next matching queued [`Fault`], else
//! the fault plan's (both before authentication), then the throttle and the
//! `fail_rate` coin, then the endpoint. All of these apply to the OAuth
//! endpoints too, and every request, chaos included, is in
//! [`Emulator::requests`] with its arrival time and, once answered, its
//! status. A change is saved to the `--state` file before it is answered,
//! and undone if it cannot be saved.

mod catalogs;
mod chaos;
mod cli;
mod config;
mod conn;
mod form;
mod handlers;
mod log;
mod oauth;
mod options;
mod persist;
mod principals;
mod recorded;
mod redact;
mod scim;
mod secrets_api;
mod server;
pub mod state;
mod uc_api;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub use catalogs::{CatalogConfig, SchemaConfig};
pub use chaos::{Fault, FaultRequest};
pub use cli::EmulatorArgs;
pub use config::{
    EmulatorConfig, FederationConfig, GroupConfig, OAuthClientConfig, PrincipalConfig,
    PrincipalKind,
};
pub use handlers::MAX_REQUEST_BYTES;
pub use log::{max_in_window, MAX_RECORDED_BODY_BYTES_TOTAL};
pub use options::{
    EmulatorOptions, GetMode, DEFAULT_RECORDED_BODY_BYTES, DEFAULT_REQUEST_LOG_CAPACITY,
    DEFAULT_SEED,
};
pub use recorded::{RecordedAuthorization, RecordedRequest, MAX_RECORDED_TEXT, SECRET_FIELDS};
pub use server::{run_cli, serve, BackgroundEmulator};
pub use state::{Caller, ErrorCode, Permission, ServiceError};

/// Shared handle to the emulator's state (cheap to clone).
#[derive(Clone)]
pub struct Emulator {
    inner: Arc<Inner>,
}

struct Inner {
    store: Mutex<state::Store>,
    requests: Mutex<log::RequestLog>,
    recorded_body_bytes: usize,
    /// The request log's fingerprint keys.
    redactor: Arc<redact::Redactor>,
    get_mode: Mutex<GetMode>,
    directory: principals::Directory,
    /// OAuth access token → (principal, expiry).
    issued: Mutex<HashMap<String, (String, Instant)>>,
    token_lifetime: Duration,
    chaos: Mutex<chaos::Chaos>,
    state_file: Option<PathBuf>,
    verbose: bool,
    /// Groups Unity Catalog does not know (`--workspace-group`).
    workspace_groups: Vec<String>,
}

/// A poisoned lock only means another request panicked mid-way; the data is
/// still the best we have, and the emulator must keep answering.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Emulator {
    /// Like [`Emulator::try_new`], for options known to be good.
    ///
    /// # Panics
    /// When `try_new` fails: a bad credential setup or an unreadable or
    /// corrupt state file.
    pub fn new(opts: EmulatorOptions) -> Self {
        match Self::try_new(opts) {
            Ok(emulator) => emulator,
            Err(e) => panic!("could not start the emulator: {e:#}"),
        }
    }

    /// Builds an emulator, loading `state_file` when it exists, then adding
    /// the declared Unity Catalog catalogs and schemas. Fails on an
    /// inconsistent credential setup, a `fail_rate` outside 0..=1, a state
    /// file that cannot be read or is corrupt (never replaced silently), or
    /// an invalid catalog or schema name.
    pub fn try_new(opts: EmulatorOptions) -> anyhow::Result<Self> {
        if !(0.0..=1.0).contains(&opts.fail_rate) {
            anyhow::bail!(
                "the fail rate must be between 0 and 1, not {}",
                opts.fail_rate
            );
        }
        let directory = principals::Directory::new(&opts)?;
        let mut store = match &opts.state_file {
            Some(path) => persist::load(path, opts.max_scopes)?,
            None => state::Store::new(opts.max_scopes),
        };
        let uc = store.uc_mut();
        uc.set_max_page(opts.uc_page_size.unwrap_or(usize::MAX));
        let first_admin = opts.first_admin(directory.is_open());
        catalogs::declare(
            uc,
            &opts.catalogs,
            &opts.schemas,
            &opts.uc_schemas,
            &first_admin,
        )?;
        let chaos = chaos::Chaos::new(
            Duration::from_millis(opts.latency_ms),
            opts.fail_rate,
            opts.seed,
            opts.throttle_rps,
            opts.retry_after_secs,
        );
        let inner = Inner {
            store: Mutex::new(store),
            requests: Mutex::new(log::RequestLog::new(
                opts.request_log_capacity,
                MAX_RECORDED_BODY_BYTES_TOTAL,
            )),
            recorded_body_bytes: opts.recorded_body_bytes,
            redactor: Arc::new(redact::Redactor::new()),
            get_mode: Mutex::new(opts.get_mode),
            directory,
            issued: Mutex::new(HashMap::new()),
            token_lifetime: Duration::from_secs(opts.token_lifetime_secs),
            chaos: Mutex::new(chaos),
            state_file: opts.state_file,
            verbose: opts.verbose,
            workspace_groups: opts.workspace_groups,
        };
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The axum router serving every Secrets API endpoint. [`serve`] (and so
    /// [`BackgroundEmulator`] and [`run_cli`]) serve it with connect info
    /// that [`Fault::Drop`] needs; served any other way, a drop fault answers
    /// an empty 502 instead of cutting the connection.
    pub fn router(&self) -> axum::Router {
        handlers::router(self.clone())
    }

    /// The most recent requests (see [`EmulatorOptions::request_log_capacity`]),
    /// in arrival order, including those still being answered (status 0).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.inner.requests).entries()
    }

    /// How many requests to exactly `path` have arrived so far, answered or
    /// not (cheaper than [`Emulator::requests`] for a test that polls).
    pub fn count_requests(&self, path: &str) -> usize {
        lock(&self.inner.requests).count(path)
    }

    /// The marker the request log keeps in place of the secret `value`
    /// (see [`RecordedRequest`]), for comparing a recorded body:
    /// `json!({"scope": "s", "key": "k", "string_value": emulator.redacted("v")})`.
    pub fn redacted(&self, value: &str) -> String {
        self.inner.redactor.marker(value.as_bytes())
    }

    /// Empties the request log; a fault plan's [`FaultRequest::nth`] starts
    /// again at 1.
    pub fn clear_requests(&self) {
        lock(&self.inner.requests).clear();
    }

    /// Adds an Azure Key Vault-backed scope, which no PAT-authenticated API
    /// call can create; the default principal holds MANAGE on it. An invalid
    /// or existing name is ignored (tests seed known-good names), and so is a
    /// failed save of the state file (printed to stderr; the scope is then
    /// not added).
    pub fn seed_keyvault_scope(&self, name: &str, resource_id: &str, dns_name: &str) {
        let principal = self.inner.directory.default_caller().name;
        let _ =
            self.change(|store| store.seed_keyvault_scope(&principal, name, resource_id, dns_name));
    }

    /// The stored bytes of a secret (case-insensitive names), bypassing HTTP.
    pub fn secret_bytes(&self, scope: &str, key: &str) -> Option<Vec<u8>> {
        self.store().secret_bytes(scope, key)
    }

    /// The stored value of Unity Catalog secret `full_name`
    /// (`catalog.schema.name`, any case), bypassing HTTP and access.
    pub fn uc_secret_value(&self, full_name: &str) -> Option<String> {
        self.store().uc().secret_value(full_name)
    }

    pub fn set_get_mode(&self, mode: GetMode) {
        *lock(&self.inner.get_mode) = mode;
    }

    /// Queues a fault for the next request, whatever its path.
    pub fn push_fault(&self, fault: Fault) {
        lock(&self.inner.chaos).push_fault(None, fault);
    }

    /// Queues a fault for the next request whose path starts with
    /// `path_prefix` (e.g. `/oidc/v1/token` or `/api/2.0/secrets/get`).
    pub fn push_fault_for(&self, path_prefix: &str, fault: Fault) {
        lock(&self.inner.chaos).push_fault(Some(path_prefix.to_string()), fault);
    }

    /// Faults queued and not yet used.
    pub fn pending_faults(&self) -> usize {
        lock(&self.inner.chaos).pending_faults()
    }

    pub fn clear_faults(&self) {
        lock(&self.inner.chaos).clear_faults();
    }

    /// Lets `plan` decide, for each request, whether it gets a [`Fault`]
    /// instead of its normal answer (`None`: answer normally). It sees the
    /// method, the path, the `key` the request names and how many requests
    /// for that path and key arrived so far, this one included; a queued
    /// fault ([`Emulator::push_fault`]) that matches comes first. The plan
    /// replaces any earlier one.
    ///
    /// ```
    /// # use dbsecrets_emulator::{Emulator, EmulatorOptions, Fault};
    /// let emulator = Emulator::new(EmulatorOptions::default());
    /// // The first two attempts of every put are throttled.
    /// emulator.set_fault_plan(|r| {
    ///     (r.path == "/api/2.0/secrets/put" && r.nth <= 2).then(|| Fault::throttled("0"))
    /// });
    /// ```
    pub fn set_fault_plan(
        &self,
        plan: impl Fn(&FaultRequest<'_>) -> Option<Fault> + Send + Sync + 'static,
    ) {
        lock(&self.inner.chaos).set_plan(Some(Arc::new(plan)));
    }

    pub fn clear_fault_plan(&self) {
        lock(&self.inner.chaos).set_plan(None);
    }

    /// Delays every request whose path starts with `path_prefix` by `delay`
    /// (after `latency_ms`, before any fault), e.g. to make puts slow;
    /// `Duration::ZERO` removes the delay.
    pub fn set_delay_for(&self, path_prefix: &str, delay: Duration) {
        lock(&self.inner.chaos).set_delay(path_prefix, delay);
    }

    /// Changes `latency_ms` while running.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.inner.chaos).latency = latency;
    }

    /// Changes `fail_rate` while running (clamped to 0..=1).
    pub fn set_fail_rate(&self, fail_rate: f64) {
        lock(&self.inner.chaos).fail_rate = fail_rate.clamp(0.0, 1.0);
    }

    /// Changes `throttle_rps` while running.
    pub fn set_throttle_rps(&self, throttle_rps: Option<u32>) {
        lock(&self.inner.chaos).throttle_rps = throttle_rps;
    }

    /// Makes every OAuth token issued so far expire now (their next use gets
    /// 401), so a client's refresh can be tested without waiting.
    pub fn expire_oauth_tokens(&self) {
        let now = Instant::now();
        for (_, expiry) in lock(&self.inner.issued).values_mut() {
            *expiry = now;
        }
    }

    /// How many OAuth tokens the token endpoint has issued.
    pub fn issued_token_count(&self) -> usize {
        lock(&self.inner.issued).len()
    }

    /// Whether Unity Catalog knows `principal`: not a workspace-local group.
    fn uc_knows(&self, principal: &str) -> bool {
        !self
            .inner
            .workspace_groups
            .iter()
            .any(|g| g.eq_ignore_ascii_case(principal))
    }

    fn get_mode(&self) -> GetMode {
        *lock(&self.inner.get_mode)
    }

    fn store(&self) -> MutexGuard<'_, state::Store> {
        lock(&self.inner.store)
    }

    fn chaos(&self) -> MutexGuard<'_, chaos::Chaos> {
        lock(&self.inner.chaos)
    }

    fn log_arrival(&self, request: RecordedRequest) -> log::Arrival {
        lock(&self.inner.requests).arrive(request)
    }

    fn log_answer(&self, seq: u64, status: u16, principal: Option<String>) {
        lock(&self.inner.requests).answer(seq, status, principal);
    }

    fn token_lifetime(&self) -> Duration {
        self.inner.token_lifetime
    }

    /// Issues an OAuth access token for `principal`.
    fn issue_token(&self, principal: &str) -> String {
        let token = oauth::random_token();
        let expiry = Instant::now() + self.inner.token_lifetime;
        lock(&self.inner.issued).insert(token.clone(), (principal.to_string(), expiry));
        token
    }

    /// An issued token's principal and whether it is still valid.
    fn issued_token(&self, token: &str) -> Option<(String, bool)> {
        let issued = lock(&self.inner.issued);
        let (principal, expiry) = issued.get(token)?;
        Some((principal.clone(), Instant::now() < *expiry))
    }

    /// Makes a change to the store under its lock, then saves the state
    /// file, if there is one (still under the lock, so saves happen in the
    /// order of the changes). When the save fails the change is undone and
    /// the answer is `INTERNAL_ERROR`: the emulator never keeps a change it
    /// answered as failed (a retry must not find it done already).
    fn change<T>(
        &self,
        apply: impl FnOnce(&mut state::Store) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        let mut store = self.store();
        let Some(path) = &self.inner.state_file else {
            return apply(&mut store);
        };
        // The save writes the whole store anyway; a copy costs no more.
        let before = store.clone();
        let value = apply(&mut store)?;
        if let Err(e) = persist::save(path, &store) {
            *store = before;
            let message = format!("{e:#}");
            eprintln!("emulator: {message}; the change is undone");
            return Err(ServiceError::new(ErrorCode::InternalError, message));
        }
        Ok(value)
    }
}
