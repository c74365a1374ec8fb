//! How an emulator instance behaves: [`EmulatorOptions`], built by tests
//! directly or by the `dbsecrets emulator` subcommand from its flags.

use std::path::{Path, PathBuf};

use super::catalogs::{CatalogConfig, SchemaConfig};
use super::config::{EmulatorConfig, GroupConfig, PrincipalConfig};

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

/// How an emulator instance behaves. `Default` is an open workspace: every
/// non-empty token is `admin@example.com`, a workspace admin; nothing is
/// saved and nothing misbehaves.
#[derive(Clone)]
pub struct EmulatorOptions {
    pub get_mode: GetMode,
    /// The default principal: in an open workspace (no credentials
    /// configured) every caller acts as it. It is always a workspace admin.
    pub principal: String,
    /// Most scopes the workspace may hold (real workspaces: 1000, older ones 100).
    pub max_scopes: usize,
    /// Print `METHOD path principal -> status` to stderr for each request.
    pub verbose: bool,
    /// Static Bearer tokens: (token, principal). Any credential configured
    /// here, in `principals`, `oauth_clients` or `oidc_federation` closes
    /// the workspace: unknown tokens then get 401.
    pub tokens: Vec<(String, String)>,
    /// Extra workspace admins (besides `principal`, principals with
    /// `admin = true` and members of the `admins` group).
    pub admins: Vec<String>,
    /// Users and service principals (tokens, groups, admin, Basic password).
    pub principals: Vec<PrincipalConfig>,
    /// Groups and their members (principals or groups).
    pub groups: Vec<GroupConfig>,
    /// OAuth M2M clients: (client_id, client_secret, principal).
    pub oauth_clients: Vec<(String, String, String)>,
    /// Token-exchange pairs: (client_id, subject_token, principal).
    pub oidc_federation: Vec<(String, String, String)>,
    /// `expires_in` of issued OAuth tokens; 0 issues already expired tokens.
    pub token_lifetime_secs: u64,
    /// Where to keep the state between runs (`None`: memory only).
    pub state_file: Option<PathBuf>,
    /// Added before every answer.
    pub latency_ms: u64,
    /// Fraction (0..=1) of requests answered 503 TEMPORARILY_UNAVAILABLE.
    pub fail_rate: f64,
    /// Seed of the `fail_rate` coin: the same seed fails the same requests.
    pub seed: u64,
    /// Answer 429 REQUEST_LIMIT_EXCEEDED above this many requests in the
    /// current one-second window.
    pub throttle_rps: Option<u32>,
    /// `Retry-After` (seconds) on chaos 429s and 503s.
    pub retry_after_secs: u64,
    /// How many of the most recent requests [`crate::Emulator::requests`]
    /// keeps; older ones are forgotten (0 keeps none).
    pub request_log_capacity: usize,
    /// The most bytes of a body the request log keeps; a longer one is cut
    /// and marked [`crate::RecordedRequest::body_truncated`].
    pub recorded_body_bytes: usize,
    /// Unity Catalog schemas to declare, `CATALOG.SCHEMA` (`--uc-schema`),
    /// their catalogs too; both owned by [`EmulatorOptions::first_admin`].
    pub uc_schemas: Vec<String>,
    /// Unity Catalog catalogs to declare (the config's `[[catalogs]]`).
    pub catalogs: Vec<CatalogConfig>,
    /// Unity Catalog schemas to declare (the config's `[[schemas]]`).
    pub schemas: Vec<SchemaConfig>,
    /// The most items a page of a Unity Catalog listing holds (secrets,
    /// grants), so that paging can be tried with a few; `None`: 1000.
    pub uc_page_size: Option<usize>,
    /// Workspace-local groups (`--workspace-group`): scope ACLs may name
    /// them, but Unity Catalog knows only account-level principals, so a
    /// grant to one is refused with 404 `RESOURCE_DOES_NOT_EXIST`
    /// ("Could not find principal with name …", as real workspaces word it;
    /// the status and code are unconfirmed).
    pub workspace_groups: Vec<String>,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self {
            get_mode: GetMode::Allow,
            principal: "admin@example.com".to_string(),
            max_scopes: 1000,
            verbose: false,
            tokens: Vec::new(),
            admins: Vec::new(),
            principals: Vec::new(),
            groups: Vec::new(),
            oauth_clients: Vec::new(),
            oidc_federation: Vec::new(),
            token_lifetime_secs: 3600,
            state_file: None,
            latency_ms: 0,
            fail_rate: 0.0,
            seed: DEFAULT_SEED,
            throttle_rps: None,
            retry_after_secs: 1,
            request_log_capacity: DEFAULT_REQUEST_LOG_CAPACITY,
            recorded_body_bytes: DEFAULT_RECORDED_BODY_BYTES,
            uc_schemas: Vec::new(),
            catalogs: Vec::new(),
            schemas: Vec::new(),
            uc_page_size: None,
            workspace_groups: Vec::new(),
        }
    }
}

/// `--seed`'s default, so that runs repeat unless asked otherwise.
pub const DEFAULT_SEED: u64 = 1;

/// [`EmulatorOptions::request_log_capacity`]'s default.
pub const DEFAULT_REQUEST_LOG_CAPACITY: usize = 10_000;

/// [`EmulatorOptions::recorded_body_bytes`]'s default (64 KiB): with the
/// default capacity, the request log holds at most about 640 MiB of bodies.
pub const DEFAULT_RECORDED_BODY_BYTES: usize = 64 * 1024;

/// Tokens and secrets stay out of `{:?}`: only their counts show.
impl std::fmt::Debug for EmulatorOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorOptions")
            .field("get_mode", &self.get_mode)
            .field("principal", &self.principal)
            .field("max_scopes", &self.max_scopes)
            .field("verbose", &self.verbose)
            .field("tokens", &self.tokens.len())
            .field("admins", &self.admins)
            .field("principals", &self.principals.len())
            .field("groups", &self.groups.len())
            .field("oauth_clients", &self.oauth_clients.len())
            .field("oidc_federation", &self.oidc_federation.len())
            .field("token_lifetime_secs", &self.token_lifetime_secs)
            .field("state_file", &self.state_file)
            .field("latency_ms", &self.latency_ms)
            .field("fail_rate", &self.fail_rate)
            .field("seed", &self.seed)
            .field("throttle_rps", &self.throttle_rps)
            .field("retry_after_secs", &self.retry_after_secs)
            .field("request_log_capacity", &self.request_log_capacity)
            .field("recorded_body_bytes", &self.recorded_body_bytes)
            .field("uc_schemas", &self.uc_schemas)
            .field("catalogs", &self.catalogs)
            .field("schemas", &self.schemas)
            .field("uc_page_size", &self.uc_page_size)
            .field("workspace_groups", &self.workspace_groups)
            .finish()
    }
}

impl EmulatorOptions {
    /// Adds a config file's principals, groups, OAuth clients, federation
    /// pairs, catalogs and schemas to these options.
    pub fn add_config(&mut self, config: EmulatorConfig) {
        self.principals.extend(config.principals);
        self.groups.extend(config.groups);
        self.catalogs.extend(config.catalogs);
        self.schemas.extend(config.schemas);
        self.oauth_clients.extend(
            config
                .oauth_clients
                .into_iter()
                .map(|c| (c.client_id, c.client_secret, c.principal)),
        );
        self.oidc_federation.extend(
            config
                .oidc_federation
                .into_iter()
                .map(|c| (c.client_id, c.subject_token, c.principal)),
        );
    }

    /// Who owns the catalogs and schemas declared without an owner: the
    /// first `--admin`, else the first principal with `admin = true`, else
    /// in an `open` workspace the default principal, else the first
    /// `--token` principal (else the default principal).
    pub fn first_admin(&self, open: bool) -> String {
        let configured = self.principals.iter().find(|p| p.admin).map(|p| &p.name);
        let first_token = self.tokens.first().map(|(_, principal)| principal);
        let chosen = match (self.admins.first().or(configured), open) {
            (Some(admin), _) => admin,
            (None, true) => &self.principal,
            (None, false) => first_token.unwrap_or(&self.principal),
        };
        chosen.clone()
    }

    /// [`EmulatorConfig::load`] then [`EmulatorOptions::add_config`].
    pub fn add_config_file(&mut self, path: &Path) -> anyhow::Result<()> {
        self.add_config(EmulatorConfig::load(path)?);
        Ok(())
    }
}
