//! What a command runs with besides its own arguments: the global flags, the
//! terminal facts and standard streams ([`Io`], injected so that tests can run
//! a command in-process as on a terminal or a pipe), Ctrl-C ([`Interrupt`]),
//! the configuration (resolved once, only by commands that need it) and API
//! clients built from it.

use std::cell::OnceCell;

use std::sync::Arc;

use dbsecrets_client::config::{self, Config, Env, Overrides, ProcessEnv};
use dbsecrets_client::{Client, Error, ErrorKind, Event, EventSink, Settings};

use crate::cli::GlobalArgs;
use crate::failure::Failure;
use crate::output::{Format, Style};
pub use crate::terminal::{Io, Stream, Terminal};

/// Whether Ctrl-C was pressed, for the commands that stop gracefully; for the
/// others it never fires (the whole command stops at once). The clients a
/// context builds hold its token: once it fires they send nothing new, and a
/// request waiting to be retried is abandoned
/// ([`ErrorKind::Cancelled`](dbsecrets_client::ErrorKind::Cancelled)).
#[derive(Clone, Default)]
pub struct Interrupt(pub(crate) dbsecrets_client::Cancel);

impl Interrupt {
    pub fn is_set(&self) -> bool {
        self.0.is_cancelled()
    }

    /// Resolves once Ctrl-C is pressed; never when it cannot be.
    pub async fn wait(&self) {
        self.0.cancelled().await
    }
}

/// Renders the client library's events on stderr: the request trace with
/// `--debug`, a note when a network failure is being retried, warnings.
struct StderrEvents {
    debug: bool,
    out: Stream,
}

impl StderrEvents {
    /// One line, made inert: trace lines show what a server and a sign-in
    /// method controls.
    fn line(&self, text: &str) {
        let text = crate::terminal::inert(text);
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(out, "{text}");
    }
}

impl EventSink for StderrEvents {
    fn tracing(&self) -> bool {
        self.debug
    }

    fn event(&self, event: Event<'_>) {
        match event {
            Event::Trace(line) => self.line(line),
            Event::Retrying {
                attempt,
                wait,
                budget,
                error,
            } => {
                if self.debug {
                    self.line(&format!(
                        "* attempt {attempt} failed ({error}); retrying in {:.1} s",
                        wait.as_secs_f64()
                    ));
                } else if attempt == 1 && error.kind() == ErrorKind::Transport {
                    // Throttling is routine; a network failure is worth knowing about while we wait.
                    self.line(&format!(
                        "warning: {error}; retrying for up to {:.0} s (--retry-timeout)",
                        budget.as_secs_f64()
                    ));
                }
            }
            Event::Warning(w) => self.line(&format!("warning: {w}")),
            _ => {}
        }
    }
}

/// Everything a command needs besides its own arguments.
pub struct Context {
    pub global: GlobalArgs,
    pub io: Io,
    pub interrupt: Interrupt,
    /// The environment variables and home directory configuration is read from.
    env: Box<dyn Env>,
    home: Option<std::path::PathBuf>,
    config: OnceCell<Config>,
    events: Arc<dyn EventSink>,
}

/// The user's home directory, where `~/.databrickscfg` is looked for: `$HOME`.
#[cfg(not(windows))]
fn home_dir() -> Option<std::path::PathBuf> {
    dirs::home_dir()
}

/// On Windows, `%USERPROFILE%` when it is set, as the official CLI (Go's
/// `os.UserHomeDir`) and the Python SDK (`expanduser`) read it, so that it can
/// be pointed elsewhere as `HOME` can on Unix; otherwise the profile folder
/// that Windows reports.
#[cfg(windows)]
fn home_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("USERPROFILE")
        .filter(|p| !p.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(dirs::home_dir)
}

impl Context {
    /// A context that reads the process's environment and the user's home directory.
    pub fn new(global: GlobalArgs, io: Io) -> Self {
        Self::with_env(global, io, Box::new(ProcessEnv), home_dir())
    }

    /// A context with the environment and home directory of the caller's choosing (tests).
    pub fn with_env(
        global: GlobalArgs,
        io: Io,
        env: Box<dyn Env>,
        home: Option<std::path::PathBuf>,
    ) -> Self {
        let events = Arc::new(StderrEvents {
            debug: global.debug,
            out: io.stderr(),
        });
        Context {
            global,
            io,
            interrupt: Interrupt::default(),
            env,
            home,
            config: OnceCell::new(),
            events,
        }
    }

    /// The environment configuration is read from.
    pub fn env(&self) -> &dyn Env {
        self.env.as_ref()
    }

    /// The home directory (where `~/.databrickscfg` is).
    pub fn home(&self) -> Option<&std::path::Path> {
        self.home.as_deref()
    }

    pub fn format(&self) -> Format {
        self.global.output
    }

    pub fn term(&self) -> Terminal {
        self.io.term
    }

    /// How tables look on this stdout.
    pub fn style(&self) -> Style {
        Style {
            terminal: self.io.term.stdout,
            color: self.io.term.color,
            width: self.io.term.width,
        }
    }

    /// The command line's flags as configuration overrides; `profile` as
    /// named by the flag `profile_flag`.
    fn overrides(&self, profile: Option<(&str, &'static str)>, with_host: bool) -> Overrides {
        let g = &self.global;
        let mut o = Overrides::default();
        if let Some((p, flag)) = profile {
            o = o.profile(p, flag);
        }
        if let (true, Some(h)) = (with_host, &g.host) {
            o = o.set("host", h, "--host");
        }
        for (attr, value, flag) in [
            ("http_timeout_seconds", g.timeout, "--timeout"),
            ("retry_timeout_seconds", g.retry_timeout, "--retry-timeout"),
            ("rate_limit", g.rate_limit, "--rate-limit"),
        ] {
            if let Some(v) = value {
                o = o.set(attr, v.to_string(), flag);
            }
        }
        o
    }

    /// `cfg` with the command line's --timeout, --retry-timeout and
    /// --rate-limit applied (for configurations resolved on their own, such as
    /// each profile of `auth profiles`).
    pub fn with_flag_settings(&self, mut cfg: Config) -> Config {
        for (attr, value, flag) in self.overrides(None, false).values {
            cfg.set(attr, value, dbsecrets_client::config::Source::Flag(flag));
        }
        cfg
    }

    /// The resolved configuration (read once, only by commands that need it).
    pub fn config(&self) -> Result<&Config, Failure> {
        if let Some(c) = self.config.get() {
            return Ok(c);
        }
        let overrides = self.overrides(
            self.global.profile.as_deref().map(|p| (p, "--profile")),
            true,
        );
        let cfg = config::resolve(&overrides, self.env(), self.home()).inspect_err(|e| {
            // The file was read before the failure: its permissions still deserve the warning.
            if let Some(w) = e.file_read().and_then(config::permission_warning) {
                self.advise(&w);
            }
        })?;
        for w in &cfg.warnings {
            self.advise(w);
        }
        self.warn_overridden(&cfg);
        Ok(self.config.get_or_init(|| cfg))
    }

    /// An API client for the resolved workspace and credentials.
    pub fn client(&self) -> Result<Client, Failure> {
        self.client_for(self.config()?)
    }

    /// An API client for another profile of the config file (`copy
    /// --from-profile/--to-profile`, named by `flag`); `None` is the command
    /// line's profile. `--host` applies only to the command line's profile.
    pub fn client_for_profile(
        &self,
        profile: Option<&str>,
        flag: &'static str,
    ) -> Result<Client, Failure> {
        match profile {
            None => self.client(),
            Some(p) if self.global.profile.as_deref() == Some(p) => self.client(),
            Some(p) => {
                let overrides = self.overrides(Some((p, flag)), false);
                let cfg = config::resolve(&overrides, self.env(), self.home())?;
                for w in &cfg.warnings {
                    self.advise(w);
                }
                self.warn_overridden(&cfg);
                self.client_for(&cfg)
            }
        }
    }

    /// One warning when environment variables override settings of a profile
    /// the command line named: the environment wins, which surprises.
    fn warn_overridden(&self, cfg: &Config) {
        let (Some((profile, config::Source::Flag(flag))), false) =
            (&cfg.profile, cfg.overridden.is_empty())
        else {
            return;
        };
        let vars: Vec<&str> = cfg.overridden.iter().map(|(v, _)| v.as_str()).collect();
        let attrs: Vec<&str> = cfg.overridden.iter().map(|(_, a)| *a).collect();
        self.warn(&format!(
            "{} in the environment {} the {} of profile [{profile}] named with {flag}: the environment wins over every profile; unset {} to use the profile's",
            vars.join(", "),
            if vars.len() == 1 { "overrides" } else { "override" },
            attrs.join(", "),
            if vars.len() == 1 { "it" } else { "them" },
        ));
    }

    /// The connection settings of a configuration, checked: what every client
    /// is built from, and what `auth` checks without connecting.
    pub fn settings(cfg: &Config) -> Result<Settings, Failure> {
        let settings =
            Settings::from_config(cfg)?.with_user_agent("dbsecrets", env!("CARGO_PKG_VERSION"));
        dbsecrets_client::http::check_host(&settings.host)?;
        Ok(settings)
    }

    /// An API client for a resolved configuration (`auth profiles --check`).
    pub fn client_for(&self, cfg: &Config) -> Result<Client, Failure> {
        let settings = Self::settings(cfg)?;
        let auth = dbsecrets_client::auth::provider(cfg)?;
        Client::new(settings, auth, self.events.clone())
            .map(|c| c.with_cancel(self.interrupt.0.clone()))
            .map_err(|e| self.api_failure(&e, "cannot reach the workspace"))
    }

    /// A library error while `doing` something, as the user's failure.
    pub fn api_failure(&self, e: &Error, doing: &str) -> Failure {
        Failure::api(e, doing, &|| self.identity_hint())
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
        let method = dbsecrets_client::auth::choose(cfg)
            .map(|(m, _)| m.name)
            .unwrap_or("none");
        format!("the credentials were rejected by {host} (credential from {origin}): check that they are valid and not expired; {} shows the auth method ({method}) and where each setting comes from", self.suggest("auth describe"))
    }

    /// A command for a hint, with the `-p`/`--host` the user gave, so that it
    /// can be pasted as it is: `` `dbsecrets list-scopes -p DEV` ``.
    pub fn suggest(&self, command: &str) -> String {
        let mut s = format!("`dbsecrets {command}");
        if let Some(p) = &self.global.profile {
            s.push_str(&format!(" -p {}", shell_word(p)));
        }
        if let Some(h) = &self.global.host {
            s.push_str(&format!(" --host {}", shell_word(h)));
        }
        s.push('`');
        s
    }

    /// A confirmation or note for people, on stderr; silenced by --quiet.
    pub fn info(&self, msg: &str) {
        if !self.global.quiet {
            self.io.write_stderr(&format!("{msg}\n"));
        }
    }

    /// A warning about the user's setup that they may have chosen to accept
    /// (a config file others can read): on stderr, silenced by --quiet.
    pub fn advise(&self, msg: &str) {
        if !self.global.quiet {
            self.warn(msg);
        }
    }

    /// A warning on stderr; never silenced.
    pub fn warn(&self, msg: &str) {
        self.io.write_stderr(&format!("warning: {msg}\n"));
    }
}

/// A word as a POSIX shell reads it back: as it is when it is plain, else in single quotes.
pub fn shell_word(w: &str) -> String {
    let plain = !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/@%+=,".contains(c));
    if plain {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
    }
}
