//! Lists the secret scopes of a workspace and the keys in each (never the values).
//!
//! The workspace and the credentials are found as the `databricks` CLI finds
//! them: `-p PROFILE` / `--profile PROFILE` on the command line, else
//! `DATABRICKS_CONFIG_PROFILE`; `DATABRICKS_HOST`, `DATABRICKS_TOKEN` and the
//! other `DATABRICKS_*` variables; then the profile of `~/.databrickscfg`.
//!
//! ```text
//! cargo run -p dbsecrets-client --example list_scopes -- -p DEV
//! DATABRICKS_HOST=https://adb-1.2.azuredatabricks.net DATABRICKS_TOKEN=dapi… \
//!     cargo run -p dbsecrets-client --example list_scopes
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use dbsecrets_client::config::{self, Overrides, ProcessEnv};
use dbsecrets_client::{Client, Error, ErrorKind, Event, EventSink, Settings};

/// The library never prints: this sink shows its warnings (e.g. TLS
/// verification disabled) and its retries on stderr.
struct Stderr;

impl EventSink for Stderr {
    fn event(&self, event: Event<'_>) {
        match event {
            Event::Warning(w) => eprintln!("warning: {w}"),
            Event::Retrying {
                attempt,
                wait,
                error,
                ..
            } => eprintln!("attempt {attempt} failed ({error}); retrying in {wait:.1?}"),
            _ => {}
        }
    }
}

/// `-p PROFILE`, `--profile PROFILE` or `--profile=PROFILE`.
fn profile_arg() -> Result<Option<(String, &'static str)>, String> {
    let mut args = std::env::args().skip(1);
    let mut profile = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-p" | "--profile" => {
                let flag = if arg == "-p" { "-p" } else { "--profile" };
                let name = args.next().ok_or(format!("{flag} needs a profile name"))?;
                profile = Some((name, flag));
            }
            _ => match arg.strip_prefix("--profile=") {
                Some(name) => profile = Some((name.to_string(), "--profile")),
                None => {
                    return Err(format!(
                        "unexpected argument '{arg}'; usage: list_scopes [-p PROFILE]"
                    ))
                }
            },
        }
    }
    Ok(profile)
}

async fn run(profile: Option<(String, &'static str)>) -> Result<(), Error> {
    let mut overrides = Overrides::default();
    if let Some((name, flag)) = profile {
        overrides = overrides.profile(name, flag);
    }
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from);
    let cfg = config::resolve(&overrides, &ProcessEnv, home.as_deref())?;
    for w in &cfg.warnings {
        eprintln!("warning: {w}");
    }

    let settings = Settings::from_config(&cfg)?.with_user_agent("list-scopes-example", "0.1.0");
    let client = Client::from_config_with(&cfg, settings, Arc::new(Stderr))?;
    eprintln!(
        "workspace {} (signed in with {})",
        client.host(),
        client.auth_name()
    );

    let api = client.secrets();
    let scopes = api.list_scopes().await?;
    if scopes.is_empty() {
        println!("no secret scopes");
    }
    for scope in scopes {
        let backend = scope.backend_type.as_deref().unwrap_or("DATABRICKS");
        println!("{} ({backend})", scope.name);
        match api.list_secrets(&scope.name).await {
            Ok(secrets) if secrets.is_empty() => println!("  (no secrets)"),
            Ok(secrets) => {
                for s in secrets {
                    println!("  {}", s.key);
                }
            }
            // Not allowed to list this scope: say so and go on with the others.
            Err(e) if e.kind() == ErrorKind::PermissionDenied => {
                println!("  (cannot list: no READ permission on this scope)")
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// One message per kind of failure: what the user should do about it.
fn explain(e: &Error) -> &'static str {
    match e.kind() {
        ErrorKind::InvalidSettings => "the configuration cannot be used",
        ErrorKind::Unauthenticated => {
            "the workspace did not accept the credentials: check or renew the token"
        }
        ErrorKind::PermissionDenied => "signed in, but not allowed to do this",
        ErrorKind::NotFound => "not found",
        ErrorKind::Throttled => "the workspace kept throttling the requests: try again later",
        ErrorKind::Transport => {
            "the workspace could not be reached: check the host and the network"
        }
        ErrorKind::InvalidResponse => {
            "the answer did not come from the Secrets API: check the host, private link or SSO"
        }
        ErrorKind::Server => "the workspace failed: try again later",
        _ => "the request failed",
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let profile = match profile_arg() {
        Ok(p) => p,
        Err(usage) => {
            eprintln!("error: {usage}");
            return ExitCode::from(2);
        }
    };
    match run(profile).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The error's text never holds a credential or a secret value.
            eprintln!("error: {}: {e}", explain(&e));
            if let Some(hint) = e.hint() {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(match e.kind() {
                ErrorKind::InvalidSettings | ErrorKind::InvalidInput => 2,
                ErrorKind::Unauthenticated | ErrorKind::PermissionDenied => 3,
                _ => 1,
            })
        }
    }
}
