//! A faithful, stateful, in-memory emulator of the Databricks Secrets API 2.0
//! (see `shared/spec/secrets-api.md`), used by tests and by
//! `dbsecrets emulator` so the CLI can be tried without a workspace.
//!
//! Layers: [`state`] holds the model and every rule (no HTTP); `handlers`
//! turns HTTP requests into state calls and errors into the server's JSON
//! bodies; `server` runs it (in the foreground for the CLI, on a background
//! thread for tests); `cli` holds the subcommand's arguments.

mod cli;
mod handlers;
mod server;
pub mod state;

use std::sync::{Arc, Mutex, MutexGuard};

pub use cli::EmulatorArgs;
pub use server::{run_cli, serve, BackgroundEmulator};
pub use state::{ApiError, ErrorCode, Permission};

/// How `GET /api/2.0/secrets/get` behaves. Real workspaces differ: many return
/// the value, some refuse a direct call outside a notebook.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum GetMode {
    /// Return the secret's value.
    #[default]
    Allow,
    /// Answer 400 BAD_REQUEST, as workspaces that only allow reads from notebooks do.
    NotebookOnly,
}

/// How an emulator instance behaves.
#[derive(Clone, Debug)]
pub struct EmulatorOptions {
    pub get_mode: GetMode,
    /// The principal every authenticated caller acts as (it gets MANAGE on
    /// scopes it creates).
    pub principal: String,
    /// Most scopes the workspace may hold (real workspaces: 1000, older ones 100).
    pub max_scopes: usize,
    /// Print `METHOD path -> status` to stderr for each request.
    pub verbose: bool,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self {
            get_mode: GetMode::Allow,
            principal: "admin@example.com".to_string(),
            max_scopes: 1000,
            verbose: false,
        }
    }
}

/// One request as the emulator received it, for tests to assert on.
/// It holds tokens and secret values: it stays in memory and is never printed.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// The raw query string, still percent-encoded.
    pub query: Option<String>,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub user_agent: Option<String>,
    /// The body parsed as JSON, or as a JSON string holding the raw text when
    /// it was not JSON; `None` when the body was empty.
    pub body: Option<serde_json::Value>,
    pub status: u16,
}

/// Shared handle to the emulator's state (cheap to clone).
#[derive(Clone)]
pub struct Emulator {
    inner: Arc<Inner>,
}

struct Inner {
    store: Mutex<state::Store>,
    requests: Mutex<Vec<RecordedRequest>>,
    get_mode: Mutex<GetMode>,
    principal: String,
    verbose: bool,
}

/// A poisoned lock only means another request panicked mid-way; the data is
/// still the best we have, and the emulator must keep answering.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Emulator {
    pub fn new(opts: EmulatorOptions) -> Self {
        let inner = Inner {
            store: Mutex::new(state::Store::new(opts.max_scopes)),
            requests: Mutex::new(Vec::new()),
            get_mode: Mutex::new(opts.get_mode),
            principal: opts.principal,
            verbose: opts.verbose,
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The axum router serving every Secrets API endpoint.
    pub fn router(&self) -> axum::Router {
        handlers::router(self.clone())
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.inner.requests).clone()
    }

    pub fn clear_requests(&self) {
        lock(&self.inner.requests).clear();
    }

    /// Adds an Azure Key Vault-backed scope, which no PAT-authenticated API
    /// call can create. An invalid or existing name is ignored (tests seed
    /// known-good names).
    pub fn seed_keyvault_scope(&self, name: &str, resource_id: &str, dns_name: &str) {
        let principal = self.inner.principal.clone();
        let _ = self
            .store()
            .seed_keyvault_scope(&principal, name, resource_id, dns_name);
    }

    /// The stored bytes of a secret (case-insensitive names), bypassing HTTP.
    pub fn secret_bytes(&self, scope: &str, key: &str) -> Option<Vec<u8>> {
        self.store().secret_bytes(scope, key)
    }

    pub fn set_get_mode(&self, mode: GetMode) {
        *lock(&self.inner.get_mode) = mode;
    }

    fn get_mode(&self) -> GetMode {
        *lock(&self.inner.get_mode)
    }

    fn store(&self) -> MutexGuard<'_, state::Store> {
        lock(&self.inner.store)
    }

    fn record(&self, request: RecordedRequest) {
        lock(&self.inner.requests).push(request);
    }
}
