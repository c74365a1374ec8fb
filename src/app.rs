//! Builds the context a command runs in (terminal facts, configuration, the API
//! client, the output format) and dispatches to the command.

use std::cell::OnceCell;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use serde::Serialize;

use crate::api::{ApiClient, ApiError, Settings};
use crate::cli::{Cli, Command, GlobalArgs};
use crate::config::{self, Config, Overrides, ProcessEnv};
use crate::error::{exit, CliError};
use crate::output::{self, Format, Row, Style};

/// Parses the command line, runs the command, prints any error, returns the exit code.
pub fn main() -> ExitCode {
    // A bug must still end in one line, and never in a dump that could hold a value.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: internal error{at}: this is a bug in dbsecrets, please report it");
        std::process::exit(exit::FAILURE.into());
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version: clap prints them on stdout, exit 0.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // On a `put` command line any stray word may be a secret value.
            let secret_line = std::env::args().any(|a| {
                matches!(
                    a.as_str(),
                    "put" | "put-secret" | "--value" | "--string-value"
                ) || a.starts_with("--value=")
                    || a.starts_with("--string-value=")
            });
            let err = usage_error(&e, secret_line);
            let _ = std::io::stderr().write_all(err.render().as_bytes());
            return ExitCode::from(exit::USAGE);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = std::io::stderr().write_all(e.render().as_bytes());
            ExitCode::from(e.code)
        }
    }
}

/// A clap error as two lines: clap's message, and where to read the usage.
/// With `mask`, every quoted word that is not a flag's name is shown as `***`
/// and clap's tip (which repeats the word) is dropped.
fn usage_error(e: &clap::Error, mask: bool) -> CliError {
    let text = e.to_string();
    // The first paragraph: the message and any indented detail under it.
    let first: Vec<&str> = text
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    let mut joined = first.join(" ");
    if mask {
        joined = mask_quoted(&joined);
    }
    let message = joined.trim_start_matches("error: ");
    let usage = text.lines().find_map(|l| l.trim().strip_prefix("Usage: "));
    let tip = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("tip: "))
        .filter(|_| !mask);
    let hint = match (tip, usage) {
        (Some(tip), _) => tip.to_string(),
        (None, Some(usage)) => {
            let command: Vec<&str> = usage
                .split_whitespace()
                .take_while(|w| !w.starts_with(['-', '<', '[']))
                .collect();
            format!("usage: {usage}; see `{} --help`", command.join(" "))
        }
        (None, None) => "see `dbsecrets --help`".to_string(),
    };
    CliError::usage(message).with_hint(hint)
}

/// Replaces each `'…'` that is not a flag name (`--name` or `--name <V>`) by `'***'`.
fn mask_quoted(s: &str) -> String {
    let is_flag = |w: &str| {
        let name = w.split(' ').next().unwrap_or_default();
        name.len() > 2
            && name.starts_with("--")
            && name[2..]
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-')
    };
    let mut out = String::new();
    for (i, part) in s.split('\'').enumerate() {
        if i > 0 {
            out.push('\'');
        }
        // Odd parts are inside quotes.
        out.push_str(if i % 2 == 1 && !is_flag(part) {
            "***"
        } else {
            part
        });
    }
    out
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<(), CliError> {
    let mut ctx = Context::new(cli.global);
    match cli.command {
        Command::Emulator(args) => args.run().map_err(CliError::from),
        Command::Completions(args) => {
            let mut out = Vec::new();
            clap_complete::generate(
                args.shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "dbsecrets",
                &mut out,
            );
            write_stdout(&out)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut out)
                .map_err(|e| CliError::failure(format!("cannot render the manual page: {e}")))?;
            write_stdout(&out)
        }
        mut command => {
            crate::commands::prepare(&ctx, &mut command)?;
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| CliError::failure(format!("cannot start the async runtime: {e}")))?;
            if !crate::commands::stops_gracefully(&command) {
                return rt.block_on(async {
                    tokio::select! {
                        biased;
                        _ = tokio::signal::ctrl_c() => Err(interrupted()),
                        result = crate::commands::dispatch(&ctx, command) => result,
                    }
                });
            }
            // Bulk commands watch the first Ctrl-C themselves (stop sending, let
            // the requests in flight finish, report); a second one stops at once.
            let (tx, rx) = tokio::sync::watch::channel(false);
            ctx.interrupt = Interrupt(Some(rx));
            rt.block_on(async {
                let signals = async {
                    if tokio::signal::ctrl_c().await.is_err() {
                        std::future::pending::<()>().await;
                    }
                    let _ = tx.send(true);
                    let _ = tokio::signal::ctrl_c().await;
                };
                tokio::select! {
                    result = crate::commands::dispatch(&ctx, command) => result,
                    _ = signals => Err(interrupted()),
                }
            })
        }
    }
}

/// The connection settings for a configuration (flags first, then profile keys),
/// each checked: what every client is built from, and what `auth profiles` and
/// `auth describe` check without connecting.
pub fn settings_for(cfg: &Config, global: &GlobalArgs) -> Result<Settings, CliError> {
    let host = cfg.host()?.to_string();
    crate::api::client::check_host(&host)
        .map_err(|e| CliError::new(e.exit_code(), e.to_string()))?;
    let mut settings = Settings::new(host);
    settings.debug = global.debug;
    // Each setting: the flag, else the profile key; checked to be in range.
    let setting = |flag: Option<f64>, key: &'static str, min_exclusive: bool| {
        let (n, source) = match flag {
            Some(n) => (Some(n), format!("--{}", flag_name(key))),
            None => (cfg.number(key)?, format!("{key} in the configuration")),
        };
        match n {
            Some(n) if n.is_finite() && (n > 0.0 || (!min_exclusive && n == 0.0)) && n <= 1e6 => {
                Ok(Some(n))
            }
            Some(n) => Err(CliError::usage(format!(
                "{source} is {n}: it must be {} and at most 1000000",
                if min_exclusive {
                    "greater than 0"
                } else {
                    "0 or more"
                }
            ))),
            None => Ok(None),
        }
    };
    if let Some(t) = setting(global.timeout, "http_timeout_seconds", true)? {
        settings.timeout = Duration::from_secs_f64(t);
    }
    if let Some(t) = setting(global.retry_timeout, "retry_timeout_seconds", false)? {
        settings.retry_timeout = Duration::from_secs_f64(t);
    }
    if let Some(r) = setting(global.rate_limit, "rate_limit", true)? {
        settings.rate_limit = r;
    }
    settings.skip_verify = cfg.flag("skip_verify")?;
    Ok(settings)
}

/// The flag that sets a profile key.
fn flag_name(key: &str) -> &'static str {
    match key {
        "http_timeout_seconds" => "timeout",
        "retry_timeout_seconds" => "retry-timeout",
        _ => "rate-limit",
    }
}

/// Ctrl-C: stop at once and say what that means for the workspace.
fn interrupted() -> CliError {
    CliError::new(exit::INTERRUPTED, "interrupted (Ctrl-C): the command stopped before it finished")
        .with_hint("a request in flight may or may not have been applied; run the command again to be sure (every dbsecrets write is idempotent)")
}

/// Terminal facts, decided once.
#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    /// Colour allowed: stdout is a terminal and NO_COLOR is not set.
    pub color: bool,
}

impl Terminal {
    pub fn detect() -> Self {
        let stdout = std::io::stdout().is_terminal();
        Terminal {
            stdin: std::io::stdin().is_terminal(),
            stdout,
            stderr: std::io::stderr().is_terminal(),
            color: stdout && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

/// Whether Ctrl-C was pressed, for the commands that stop gracefully (see
/// `commands::stops_gracefully`); for the others it never fires.
#[derive(Clone, Default)]
pub struct Interrupt(Option<tokio::sync::watch::Receiver<bool>>);

impl Interrupt {
    pub fn is_set(&self) -> bool {
        self.0.as_ref().is_some_and(|rx| *rx.borrow())
    }

    /// Resolves once Ctrl-C is pressed; never when it cannot be.
    pub async fn wait(&self) {
        if let Some(rx) = &self.0 {
            let mut rx = rx.clone();
            if rx.wait_for(|set| *set).await.is_ok() {
                return;
            }
        }
        std::future::pending::<()>().await
    }
}

/// Everything a command needs besides its own arguments.
pub struct Context {
    pub global: GlobalArgs,
    pub term: Terminal,
    pub interrupt: Interrupt,
    config: OnceCell<Config>,
}

impl Context {
    pub fn new(global: GlobalArgs) -> Self {
        Context {
            global,
            term: Terminal::detect(),
            interrupt: Interrupt::default(),
            config: OnceCell::new(),
        }
    }

    pub fn format(&self) -> Format {
        self.global.output
    }

    /// The resolved configuration (read once, only by commands that need it).
    pub fn config(&self) -> Result<&Config, CliError> {
        if let Some(c) = self.config.get() {
            return Ok(c);
        }
        let overrides = Overrides {
            profile: self.global.profile.clone(),
            host: self.global.host.clone(),
        };
        let home = dirs::home_dir();
        let cfg = config::resolve(&overrides, &ProcessEnv, home.as_deref()).inspect_err(|e| {
            // The file was read before the failure: its permissions still deserve the warning.
            if let Some(w) = e.file_read().and_then(config::permission_warning) {
                self.warn(&w);
            }
        })?;
        for w in &cfg.warnings {
            self.warn(w);
        }
        Ok(self.config.get_or_init(|| cfg))
    }

    /// An API client for the resolved workspace and credentials.
    pub fn client(&self) -> Result<ApiClient, CliError> {
        self.client_for(self.config()?)
    }

    /// An API client for another profile of the config file (`copy
    /// --from-profile/--to-profile`); `None` is the command line's profile.
    /// `--host` applies only to the command line's profile.
    pub fn client_for_profile(&self, profile: Option<&str>) -> Result<ApiClient, CliError> {
        match profile {
            None => self.client(),
            Some(p) if self.global.profile.as_deref() == Some(p) => self.client(),
            Some(p) => {
                let overrides = Overrides {
                    profile: Some(p.to_string()),
                    host: None,
                };
                let home = dirs::home_dir();
                let cfg = config::resolve(&overrides, &ProcessEnv, home.as_deref())?;
                for w in &cfg.warnings {
                    self.warn(w);
                }
                self.client_for(&cfg)
            }
        }
    }

    /// An API client for another resolved configuration (`auth profiles --check`).
    pub fn client_for(&self, cfg: &Config) -> Result<ApiClient, CliError> {
        let settings = settings_for(cfg, &self.global)?;
        let auth = crate::auth::provider(cfg)?;
        crate::api::client::set_debug(self.global.debug);
        if settings.skip_verify {
            self.warn("skip_verify is set: TLS certificates are NOT verified; anyone on the network path can read your credentials");
        }
        ApiClient::new(settings, auth).map_err(|e| self.api_error(e, "cannot reach the workspace"))
    }

    /// Turns an API failure into the user's error: what we were doing, what the
    /// server said, and a hint for the common cases.
    pub fn api_error(&self, e: ApiError, doing: &str) -> CliError {
        let code = e.exit_code();
        let mut err = CliError::new(code, format!("{doing}: {e}"));
        if let ApiError::Auth(auth) = e.root() {
            // The method knows the next step best (sign in again, install a tool).
            let fallback = if auth.transient {
                "check the host and your network connection; --debug shows each request".to_string()
            } else {
                self.identity_hint()
            };
            err = err.with_hint(auth.hint.clone().unwrap_or(fallback));
        } else if code == exit::AUTH && matches!(e.status(), Some(401))
            || e.error_code() == Some("UNAUTHENTICATED")
        {
            err = err.with_hint(self.identity_hint());
        } else if matches!(e.root(), ApiError::Transport(_)) {
            err = err.with_hint(
                "check the host and your network connection; --debug shows each request",
            );
        } else if e.status() == Some(403) && e.error_code() == Some("403") {
            err = err.with_hint(self.identity_hint());
        } else if e.error_code() == Some("PERMISSION_DENIED") {
            err = err.with_hint(
                "a user with MANAGE on the scope, or a workspace admin, can grant the permission with `dbsecrets put-acl SCOPE PRINCIPAL PERMISSION`",
            );
        }
        err
    }

    /// "which profile, host and method were used": the first thing to check after a 401.
    fn identity_hint(&self) -> String {
        let Some(cfg) = self.config.get() else {
            return "check your credentials".into();
        };
        let host = cfg.get("host").unwrap_or("?");
        let origin = match [
            "token",
            "client_id",
            "username",
            "azure_client_id",
            "oidc_token",
            "oidc_token_filepath",
        ]
        .iter()
        .find_map(|name| cfg.value(name))
        {
            Some(v) => v.source.to_string(),
            None => match cfg.profile_name() {
                Some(p) => format!("profile [{p}]"),
                None => "no credential setting".into(),
            },
        };
        let method = crate::auth::choose(cfg)
            .map(|(m, _)| m.name)
            .unwrap_or("none");
        format!("the credentials were rejected by {host} (credential from {origin}): check that they are valid and not expired; `dbsecrets auth describe` shows the auth method ({method}) and where each setting comes from")
    }

    /// How tables look on this stdout.
    pub fn style(&self) -> Style {
        Style {
            terminal: self.term.stdout,
            color: self.term.color,
        }
    }

    /// Prints rows to stdout in the chosen format; an empty table prints `empty` on stderr.
    pub fn print_rows<R: Row>(&self, rows: &[R], empty: &str) -> Result<(), CliError> {
        let style = self.style();
        if rows.is_empty() && self.format() == Format::Table {
            self.info(empty);
            return Ok(());
        }
        write_stdout(&output::render(self.format(), rows, style))
    }

    /// Reports what a mutating command did: a JSON object or a CSV row on stdout,
    /// or a sentence on stderr for tables (unless --quiet).
    pub fn print_outcome(&self, outcome: &Outcome, sentence: &str) -> Result<(), CliError> {
        match self.format() {
            Format::Table => {
                self.info(sentence);
                Ok(())
            }
            Format::Json => write_stdout(&output::render_json(outcome)),
            Format::Csv => {
                let (headers, cells) = outcome.columns();
                write_stdout(&output::render_csv(&headers, std::iter::once(cells)))
            }
        }
    }

    /// A confirmation or note for people, on stderr; silenced by --quiet.
    pub fn info(&self, msg: &str) {
        if !self.global.quiet {
            eprintln!("{msg}");
        }
    }

    /// A warning on stderr; never silenced.
    pub fn warn(&self, msg: &str) {
        eprintln!("warning: {msg}");
    }
}

/// Writes data to stdout. A closed pipe (`| head`) is success, not a failure.
pub fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::failure(format!(
            "cannot write to standard output: {e}"
        ))),
    }
}

/// What a mutating command did, as printed with `-o json` / `-o csv`.
#[derive(Debug, Default, Serialize)]
pub struct Outcome {
    /// created, deleted, stored, exists (already there), absent (already gone).
    pub result: &'static str,
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backend_type: Option<String>,
    /// For put: `string` or `bytes`, and the value's size (never the value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<usize>,
}

impl Outcome {
    pub fn new(result: &'static str, scope: &str) -> Self {
        Outcome {
            result,
            scope: scope.to_string(),
            ..Outcome::default()
        }
    }

    /// The fields that are set, as CSV header and cells.
    fn columns(&self) -> (Vec<&'static str>, Vec<String>) {
        let value = serde_json::to_value(self).expect("outcome serializes");
        let order = [
            "result",
            "scope",
            "key",
            "principal",
            "permission",
            "backend_type",
            "value_type",
            "bytes",
        ];
        let mut headers = Vec::new();
        let mut cells = Vec::new();
        for name in order {
            if let Some(v) = value.get(name) {
                headers.push(name);
                cells.push(match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                });
            }
        }
        (headers, cells)
    }
}
