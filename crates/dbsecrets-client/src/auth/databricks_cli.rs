//! databricks-cli: a user who ran `databricks auth login`. The CLI keeps and
//! refreshes the token (in the OS keyring in current versions); we ask it with
//! `databricks auth token` rather than reading its cache.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use super::command::{
    find_program, probe, quiet_reason, run, take_probed, RunError, COMMAND_TIMEOUT,
};
use super::{BoxFuture, Cached, Method, Token, TokenSource};
use crate::config::{Config, Source};
use crate::error::SignInError;
use crate::http::Http;

pub const METHOD: Method = Method {
    name: "databricks-cli",
    needs: "a host or a profile, and the databricks CLI (on PATH, or DATABRICKS_CLI_PATH)",
    configured: |c| c.get("host").is_some() || c.profile_name().is_some(),
    usable: |c| {
        if let Some(first) = tried_first(c) {
            return Err(format!("not tried: {first} can be used, and comes first"));
        }
        if c.get("databricks_cli_path").is_none() && program(c).is_none() {
            return Err("the databricks CLI is not on PATH".into());
        }
        // It counts only when it yields a token, as in the SDK's
        // `databricks_cli`: a CLI that is merely installed is skipped.
        let cli = DatabricksCli::from_config(c);
        probe(&cli.probe_key(), async move { cli.quiet_fetch().await })
    },
    build: |c| Ok(Box::new(Cached::new(DatabricksCli::from_config(c)))),
};

/// The method the chain uses instead of the CLI, if any. The Python SDK tries
/// the CLI after every method that needs settings except the Google ones, so a
/// usable method whose settings are present comes first, wherever it is in
/// [`CHAIN`](super::CHAIN); settings that make no method usable (a lone client
/// id) or only a Google one do not keep the CLI from being tried, as in the
/// SDK. `azure-cli` needs no setting: with none at all the CLI comes before it
/// (the Go SDK's and the spec's order); when other settings are present,
/// `azure-cli` comes first, as in the Python SDK.
fn tried_first(c: &Config) -> Option<&'static str> {
    let usable = |m: &super::Method| (m.configured)(c) && (m.usable)(c).is_ok();
    let not_after = [
        "databricks-cli",
        "azure-cli",
        "google-credentials",
        "google-id",
    ];
    if let Some(m) = super::CHAIN
        .iter()
        .find(|m| !not_after.contains(&m.name) && usable(m))
    {
        return Some(m.name);
    }
    let azure_cli = super::method("azure-cli").expect("azure-cli is in the chain");
    (!c.methods_present().is_empty() && usable(azure_cli)).then_some(azure_cli.name)
}

/// The CLI to run: DATABRICKS_CLI_PATH, else `databricks` on PATH.
fn program(c: &Config) -> Option<PathBuf> {
    let name = c.get("databricks_cli_path").unwrap_or("databricks");
    find_program(name, c.ambient.get("PATH"))
}

/// Asks the databricks CLI for a token: `databricks auth token --profile <P>`
/// (or `--host <H>`), reading its JSON `access_token`, `token_type` and
/// `expiry`, with a time limit of [`COMMAND_TIMEOUT`](super::COMMAND_TIMEOUT).
/// Its output is never shown. Wrap it in [`Cached`](super::Cached).
pub struct DatabricksCli {
    program: PathBuf,
    args: Vec<String>,
    /// The command a user runs to sign in again.
    login: String,
    timeout: Duration,
}

#[derive(Deserialize)]
struct CliToken {
    access_token: Option<String>,
    token_type: Option<String>,
    expiry: Option<String>,
}

impl DatabricksCli {
    /// The command for a configuration: `DATABRICKS_CLI_PATH` (else
    /// `databricks` on PATH), asked for the profile when there is no host or
    /// the host came from that profile, else for the host, so that the CLI
    /// signs in to the workspace the requests go to.
    pub fn from_config(c: &Config) -> Self {
        let name = c.get("databricks_cli_path").unwrap_or("databricks");
        let program = program(c).unwrap_or_else(|| PathBuf::from(name));
        let host = c.get("host");
        // `--profile` only when that profile also gave the host: otherwise the CLI
        // would sign in to a different workspace than the one we call.
        let host_from_profile = matches!(
            (c.value("host"), c.profile_name()),
            (Some(v), Some(p)) if matches!(&v.source, Source::File { profile, .. } if profile == p)
        );
        let args = match (c.profile_name(), host) {
            (Some(p), _) if host.is_none() || host_from_profile => {
                vec![
                    "auth".into(),
                    "token".into(),
                    "--profile".into(),
                    p.to_string(),
                ]
            }
            (_, Some(h)) => vec![
                "auth".into(),
                "token".into(),
                "--host".into(),
                h.to_string(),
            ],
            (_, None) => vec!["auth".into(), "token".into()],
        };
        let login = match (host, c.profile_name()) {
            (Some(h), Some(p)) => format!("databricks auth login --host {h} --profile {p}"),
            (Some(h), None) => format!("databricks auth login --host {h}"),
            (None, Some(p)) => format!("databricks auth login --profile {p}"),
            (None, None) => "databricks auth login".into(),
        };
        DatabricksCli::new(program, args, login)
    }

    /// Runs `program` with `args` (e.g. `["auth", "token", "--host", "https://…"]`).
    /// `login` is the command a user runs to sign in again, quoted in the hint
    /// when the CLI gives no token.
    pub fn new(program: PathBuf, args: Vec<String>, login: String) -> Self {
        DatabricksCli {
            program,
            args,
            login,
            timeout: COMMAND_TIMEOUT,
        }
    }

    fn command_line(&self) -> String {
        let name = self
            .program
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "databricks".into());
        format!("{name} {}", self.args.join(" "))
    }

    /// The command as [`probe`] knows it.
    fn probe_key(&self) -> String {
        format!("{} {}", self.program.display(), self.args.join(" "))
    }

    /// A token, or why there is none in words that quote none of the CLI's output.
    async fn quiet_fetch(self) -> Result<Token, String> {
        let stdout = run(&self.program, &self.args, self.timeout)
            .await
            .map_err(|e| quiet_reason(&self.command_line(), &e))?;
        self.parse(&stdout).map_err(|e| e.message)
    }

    async fn fetch_token(&self) -> Result<Token, SignInError> {
        if let Some(token) = take_probed(&self.probe_key()) {
            return Ok(token);
        }
        let shown = self.command_line();
        let login_hint = format!("sign in with `{}` and run the command again", self.login);
        let stdout = run(&self.program, &self.args, self.timeout)
            .await
            .map_err(|e| {
                let err = SignInError::new(format!("databricks-cli: `{shown}` gave no token: {e}"));
                match &e {
                    RunError::NotFound => err.with_hint(format!(
                        "install the Databricks CLI (https://docs.databricks.com/dev-tools/cli/install.html) and run `{}`, or set DATABRICKS_CLI_PATH to it",
                        self.login
                    )),
                    RunError::Failed { summary, .. }
                        if summary.contains("No such command") || summary.contains("unknown command") =>
                    {
                        err.with_hint("this looks like the legacy Python databricks CLI, which cannot sign in with OAuth: install the current Databricks CLI")
                    }
                    _ => err.with_hint(login_hint.clone()),
                }
            })?;
        self.parse(&stdout)
    }

    /// The token in the CLI's output.
    fn parse(&self, stdout: &[u8]) -> Result<Token, SignInError> {
        let shown = self.command_line();
        let login_hint = format!("sign in with `{}` and run the command again", self.login);
        let parsed: CliToken = serde_json::from_slice(stdout).map_err(|_| {
            SignInError::new(format!(
                "databricks-cli: `{shown}` did not print the expected JSON (access_token, expiry)"
            ))
            .with_hint("update the Databricks CLI to a current version")
        })?;
        let access = parsed
            .access_token
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| {
                SignInError::new(format!("databricks-cli: `{shown}` printed no access_token"))
                    .with_hint(login_hint)
            })?;
        let lifetime = parsed.expiry.as_deref().and_then(lifetime_until);
        Ok(Token::bearer(
            access.trim(),
            parsed.token_type.as_deref(),
            lifetime,
        ))
    }
}

/// The time left until an RFC 3339 instant (zero when it has passed).
pub fn lifetime_until(rfc3339: &str) -> Option<Duration> {
    let at = chrono::DateTime::parse_from_rfc3339(rfc3339.trim()).ok()?;
    Some(super::token::until_epoch_millis(at.timestamp_millis()))
}

impl TokenSource for DatabricksCli {
    fn name(&self) -> &'static str {
        METHOD.name
    }

    fn fetch<'a>(&'a self, _http: &'a Http) -> BoxFuture<'a, Result<Token, SignInError>> {
        Box::pin(self.fetch_token())
    }

    /// The databricks CLI talks to the workspace; dbsecrets only runs it.
    fn remote_endpoints(&self) -> bool {
        false
    }

    fn details(&self) -> Vec<(&'static str, String)> {
        vec![
            ("command", self.command_line()),
            ("program", self.program.display().to_string()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&'static str, &str, Source)], profile: Option<&str>) -> Config {
        let mut c = Config::default();
        for (k, v, s) in pairs {
            c.set(k, *v, s.clone());
        }
        c.profile = profile.map(|p| (p.to_string(), Source::Flag("--profile")));
        c
    }

    #[test]
    fn profile_or_host() {
        let file = Source::File {
            path: "/c".into(),
            profile: "DEV".into(),
        };
        let env = Source::Env("DATABRICKS_HOST".into());
        let p = DatabricksCli::from_config(&cfg(&[("host", "https://h", file)], Some("DEV")));
        assert_eq!(p.args, ["auth", "token", "--profile", "DEV"]);
        // The environment's host wins over the profile's: ask for that host.
        let p =
            DatabricksCli::from_config(&cfg(&[("host", "https://e", env.clone())], Some("DEV")));
        assert_eq!(p.args, ["auth", "token", "--host", "https://e"]);
        let p = DatabricksCli::from_config(&cfg(&[("host", "https://e", env)], None));
        assert_eq!(p.args, ["auth", "token", "--host", "https://e"]);
        assert_eq!(p.login, "databricks auth login --host https://e");
    }

    #[test]
    fn expiry() {
        assert_eq!(lifetime_until("2000-01-01T00:00:00Z"), Some(Duration::ZERO));
        let later = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
        assert!(lifetime_until(&later).unwrap() > Duration::from_secs(3500));
        assert!(lifetime_until("2024-05-01T12:00:00.123456789+02:00").is_some());
        assert_eq!(lifetime_until("tomorrow"), None);
    }
}
