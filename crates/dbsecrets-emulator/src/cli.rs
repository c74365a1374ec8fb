//! The `dbsecrets emulator` subcommand's arguments.

use std::path::PathBuf;

use anyhow::Context as _;

use super::catalogs::parse_uc_schema;
use super::principals::{split_pair_principal, split_principal};
use super::{run_cli, EmulatorOptions, GetMode, PrincipalConfig, DEFAULT_SEED};

/// Run a local emulator of the Databricks Secrets API and of Unity Catalog secrets.
///
/// Prints the server's URL on the first line of stdout once it is ready, then
/// serves until Ctrl-C or SIGTERM. With no credentials configured, every token
/// is accepted as the --principal, a workspace admin. With --token, --basic,
/// --oauth-client, --oidc-federation or credentials in --config, only those are
/// accepted (401 otherwise) and secret-scope ACLs and Unity Catalog privileges
/// are enforced (403 PERMISSION_DENIED); workspace admins are metastore admins.
/// Unity Catalog secrets live in schemas declared with --uc-schema or in
/// --config. Data lives in memory unless --state names a file.
#[derive(Clone, clap::Args)]
pub struct EmulatorArgs {
    /// Port to listen on at 127.0.0.1 (0 picks a free port)
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// How `get` answers: return the value, or refuse as workspaces that only
    /// allow reading secrets from notebooks do
    #[arg(long, value_enum, default_value = "allow")]
    pub get_mode: GetMode,

    /// Default principal, always a workspace admin: every caller acts as it
    /// when no credentials are configured
    #[arg(long, default_value = "admin@example.com")]
    pub principal: String,

    /// Most secret scopes the emulated workspace may hold
    #[arg(long, default_value_t = 1000)]
    pub max_scopes: usize,

    /// Log one line per request (method, path, principal, status) to stderr
    #[arg(short, long)]
    pub verbose: bool,

    /// Accept this Bearer token as PRINCIPAL (repeatable)
    #[arg(long = "token", value_name = "TOKEN=PRINCIPAL", value_parser = parse_token)]
    pub tokens: Vec<(String, String)>,

    /// Make PRINCIPAL a workspace admin (repeatable)
    #[arg(long = "admin", value_name = "PRINCIPAL")]
    pub admins: Vec<String>,

    /// Principals, groups, admins, tokens and OAuth clients from a TOML (.toml)
    /// or JSON (.json) file
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Accept HTTP Basic USER:PASSWORD as the principal USER (repeatable)
    #[arg(long = "basic", value_name = "USER:PASSWORD", value_parser = parse_basic)]
    pub basic: Vec<(String, String)>,

    /// OAuth M2M client: the token endpoint issues tokens for PRINCIPAL
    /// (repeatable)
    #[arg(long = "oauth-client", value_name = "ID:SECRET=PRINCIPAL", value_parser = parse_triple)]
    pub oauth_clients: Vec<(String, String, String)>,

    /// Workload identity federation: a token exchange of SUBJECT_TOKEN by
    /// CLIENT_ID issues tokens for PRINCIPAL (repeatable)
    #[arg(
        long = "oidc-federation",
        value_name = "CLIENT_ID:SUBJECT_TOKEN=PRINCIPAL",
        value_parser = parse_triple
    )]
    pub oidc_federation: Vec<(String, String, String)>,

    /// Lifetime (expires_in) of the OAuth tokens the emulator issues
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub token_lifetime: u64,

    /// Keep scopes, secrets and ACLs in FILE across restarts (JSON, mode 0600)
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// Delay every answer by this many milliseconds
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency_ms: u64,

    /// Answer this fraction (0..1) of requests with 503 TEMPORARILY_UNAVAILABLE
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_rate)]
    pub fail_rate: f64,

    /// Seed of --fail-rate's choice, so that runs repeat
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED)]
    pub seed: u64,

    /// Answer 429 REQUEST_LIMIT_EXCEEDED above R requests per second
    #[arg(long, value_name = "R", value_parser = clap::value_parser!(u32).range(1..))]
    pub throttle_rps: Option<u32>,

    /// Retry-After seconds sent with --fail-rate and --throttle-rps answers
    #[arg(long, value_name = "SECONDS", default_value_t = 1)]
    pub retry_after: u64,

    /// Declare a Unity Catalog schema (and its catalog) to keep secrets in,
    /// owned by the first admin (repeatable)
    #[arg(long = "uc-schema", value_name = "CATALOG.SCHEMA", value_parser = check_uc_schema)]
    pub uc_schemas: Vec<String>,

    /// Most items per page of Unity Catalog listings (secrets, grants), to try
    /// paging with a few
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub uc_page_size: Option<u64>,

    /// A workspace-local group: scope ACLs may name it, Unity Catalog grants
    /// to it are refused, as real workspaces refuse them (repeatable)
    #[arg(long = "workspace-group", value_name = "NAME")]
    pub workspace_groups: Vec<String>,
}

/// Tokens and secrets stay out of `{:?}`.
impl std::fmt::Debug for EmulatorArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorArgs")
            .field("port", &self.port)
            .field("config", &self.config)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

fn parse_token(s: &str) -> Result<(String, String), String> {
    split_principal(s)
        .map(|(token, principal)| (token.to_string(), principal.to_string()))
        .ok_or_else(|| "expected TOKEN=PRINCIPAL".to_string())
}

fn parse_basic(s: &str) -> Result<(String, String), String> {
    match s.split_once(':') {
        Some((user, password)) if !user.is_empty() && !password.is_empty() => {
            Ok((user.to_string(), password.to_string()))
        }
        _ => Err("expected USER:PASSWORD".to_string()),
    }
}

fn parse_triple(s: &str) -> Result<(String, String, String), String> {
    split_pair_principal(s)
        .map(|(a, b, p)| (a.to_string(), b.to_string(), p.to_string()))
        .ok_or_else(|| "expected ID:SECRET=PRINCIPAL".to_string())
}

fn check_uc_schema(s: &str) -> Result<String, String> {
    parse_uc_schema(s).map(|_| s.to_string())
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err("expected a number from 0 to 1".to_string()),
    }
}

impl EmulatorArgs {
    /// The options these arguments describe, with the config file read.
    pub fn options(&self) -> anyhow::Result<EmulatorOptions> {
        let mut opts = EmulatorOptions {
            get_mode: self.get_mode,
            principal: self.principal.clone(),
            max_scopes: self.max_scopes,
            verbose: self.verbose,
            tokens: self.tokens.clone(),
            admins: self.admins.clone(),
            oauth_clients: self.oauth_clients.clone(),
            oidc_federation: self.oidc_federation.clone(),
            token_lifetime_secs: self.token_lifetime,
            state_file: self.state.clone(),
            latency_ms: self.latency_ms,
            fail_rate: self.fail_rate,
            seed: self.seed,
            throttle_rps: self.throttle_rps,
            retry_after_secs: self.retry_after,
            uc_schemas: self.uc_schemas.clone(),
            uc_page_size: self.uc_page_size.map(|n| n as usize),
            workspace_groups: self.workspace_groups.clone(),
            ..EmulatorOptions::default()
        };
        opts.principals
            .extend(self.basic.iter().map(|(user, password)| PrincipalConfig {
                name: user.clone(),
                password: Some(password.clone()),
                ..PrincipalConfig::default()
            }));
        if let Some(path) = &self.config {
            opts.add_config_file(path)?;
        }
        Ok(opts)
    }

    pub fn run(self) -> anyhow::Result<()> {
        let opts = self.options().context("could not set up the emulator")?;
        run_cli(self.port, opts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory as _, Parser};

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: EmulatorArgs,
    }

    /// The global flags of dbsecrets' own command line, so a clash with a
    /// flag of the subcommand shows up here.
    #[derive(Parser)]
    struct Dbsecrets {
        #[arg(short, long, global = true)]
        profile: Option<String>,
        #[arg(long, global = true)]
        host: Option<String>,
        #[arg(short, long, global = true)]
        output: Option<String>,
        #[arg(long, global = true)]
        debug: bool,
        #[arg(short, long, global = true)]
        quiet: bool,
        #[arg(long, global = true)]
        timeout: Option<f64>,
        #[arg(long, global = true)]
        retry_timeout: Option<f64>,
        #[arg(long, global = true)]
        rate_limit: Option<f64>,
        #[command(subcommand)]
        command: Sub,
    }

    #[derive(clap::Subcommand)]
    enum Sub {
        Emulator(EmulatorArgs),
    }

    #[test]
    fn command_is_well_formed() {
        Cli::command().debug_assert();
        Dbsecrets::command().debug_assert();
    }

    #[test]
    fn defaults() {
        let a = Cli::try_parse_from(["x"]).unwrap().args;
        assert_eq!(
            (a.port, a.get_mode, a.max_scopes),
            (0, GetMode::Allow, 1000)
        );
        assert_eq!(a.principal, "admin@example.com");
        assert!(!a.verbose);
        let o = a.options().unwrap();
        let d = EmulatorOptions::default();
        assert!(o.tokens.is_empty() && o.principals.is_empty() && o.oauth_clients.is_empty());
        assert_eq!(
            (o.token_lifetime_secs, o.latency_ms, o.fail_rate, o.seed),
            (d.token_lifetime_secs, d.latency_ms, d.fail_rate, d.seed)
        );
        assert_eq!(
            (o.throttle_rps, o.retry_after_secs, o.state_file),
            (None, 1, None)
        );
        assert!(o.uc_schemas.is_empty() && o.uc_page_size.is_none());
    }

    #[test]
    fn flags() {
        let argv = [
            "x",
            "--port",
            "8080",
            "--get-mode",
            "notebook-only",
            "--principal",
            "me",
            "--max-scopes",
            "3",
            "-v",
            "--token",
            "t1=alice@example.com",
            "--token",
            "t2==bob",
            "--admin",
            "carol",
            "--basic",
            "dave:pw:x",
            "--oauth-client",
            "cid:csecret=sp-1",
            "--oidc-federation",
            "gha:eyJ.a.b=sp-2",
            "--token-lifetime",
            "5",
            "--state",
            "/tmp/s.json",
            "--latency-ms",
            "20",
            "--fail-rate",
            "0.25",
            "--seed",
            "9",
            "--throttle-rps",
            "4",
            "--retry-after",
            "0",
            "--uc-schema",
            "main.app",
            "--uc-schema",
            "Other.S",
            "--uc-page-size",
            "2",
        ];
        let a = Cli::try_parse_from(argv).unwrap().args;
        assert_eq!(
            (a.port, a.get_mode, a.max_scopes),
            (8080, GetMode::NotebookOnly, 3)
        );
        assert_eq!(a.principal, "me");
        assert!(a.verbose);
        let o = a.options().unwrap();
        let pairs = |v: &[(String, String)]| {
            v.iter()
                .map(|(a, b)| format!("{a}|{b}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(pairs(&o.tokens), ["t1|alice@example.com", "t2=|bob"]);
        assert_eq!(o.admins, ["carol"]);
        assert_eq!(o.principals[0].name, "dave");
        assert_eq!(o.principals[0].password.as_deref(), Some("pw:x"));
        assert_eq!(
            o.oauth_clients,
            [("cid".into(), "csecret".into(), "sp-1".into())]
        );
        assert_eq!(
            o.oidc_federation,
            [("gha".into(), "eyJ.a.b".into(), "sp-2".into())]
        );
        assert_eq!(
            (o.token_lifetime_secs, o.latency_ms, o.fail_rate, o.seed),
            (5, 20, 0.25, 9)
        );
        assert_eq!((o.throttle_rps, o.retry_after_secs), (Some(4), 0));
        assert_eq!(o.state_file, Some(PathBuf::from("/tmp/s.json")));
        assert_eq!(o.uc_schemas, ["main.app", "Other.S"]);
        assert_eq!(o.uc_page_size, Some(2));

        for bad in [
            &["x", "--get-mode", "never"][..],
            &["x", "--token", "no-principal"],
            &["x", "--fail-rate", "1.5"],
            &["x", "--throttle-rps", "0"],
            &["x", "--oauth-client", "id=p"],
            &["x", "--basic", "nopassword"],
            &["x", "--uc-schema", "main"],
            &["x", "--uc-schema", "main.a.b"],
            &["x", "--uc-page-size", "0"],
            &["x", "--uc-page-size", "1001"],
        ] {
            assert!(Cli::try_parse_from(bad).is_err(), "{bad:?}");
        }
        let nested =
            Dbsecrets::try_parse_from(["dbsecrets", "-p", "DEV", "emulator", "--token", "t=u"]);
        assert!(nested.is_ok());
    }

    #[test]
    fn debug_output_hides_tokens() {
        let a = Cli::try_parse_from(["x", "--token", "sekrit=alice"])
            .unwrap()
            .args;
        let shown = format!("{a:?} {:?}", a.options().unwrap());
        assert!(!shown.contains("sekrit"), "{shown}");
    }
}
