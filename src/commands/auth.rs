//! `auth describe` and `auth profiles`: how dbsecrets finds the workspace and
//! signs in, and where every setting comes from. What a user reads when a job
//! fails with 401 or 403, so every line names its source.

use serde::Serialize;

use crate::app::{write_stdout, Context};
use crate::auth::{self, Reason};
use crate::cli::AuthCheckArgs;
use crate::config::{self, Config, ConfigError, ProcessEnv, Source};
use crate::error::CliError;
use crate::output::{self, Format, Row};

/// One line of `auth describe`: a setting, its value (secrets masked) and where it came from.
#[derive(Debug, Serialize, PartialEq)]
pub struct DescribeRow {
    pub name: String,
    pub value: String,
    pub source: String,
}

impl Row for DescribeRow {
    const HEADERS: &'static [&'static str] = &["name", "value", "source"];
    fn cells(&self) -> Vec<String> {
        vec![self.name.clone(), self.value.clone(), self.source.clone()]
    }
}

fn row(
    name: impl Into<String>,
    value: impl Into<String>,
    source: impl Into<String>,
) -> DescribeRow {
    DescribeRow {
        name: name.into(),
        value: value.into(),
        source: source.into(),
    }
}

/// `auth describe -o json`.
#[derive(Debug, Serialize)]
struct Description {
    host: Option<String>,
    host_source: Option<String>,
    profile: Option<String>,
    profile_source: String,
    config_file: String,
    config_file_status: &'static str,
    config_file_note: String,
    profiles: Vec<String>,
    auth_method: Option<&'static str>,
    auth_method_reason: String,
    auth_error: Option<String>,
    attributes: Vec<Attribute>,
    environment: Vec<Attribute>,
    method_details: Vec<Detail>,
    methods: Vec<Candidate>,
    check: Option<Check>,
}

#[derive(Debug, Serialize)]
struct Attribute {
    name: String,
    value: String,
    sensitive: bool,
    source: String,
    /// flag, env, file or default.
    source_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    env_var: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flag: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file_profile: Option<String>,
}

#[derive(Debug, Serialize)]
struct Detail {
    name: &'static str,
    value: String,
}

#[derive(Debug, Serialize)]
struct Candidate {
    name: &'static str,
    usable: bool,
    note: String,
}

#[derive(Debug, Serialize)]
struct Check {
    ok: bool,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    exit_code: Option<u8>,
}

fn attribute(name: &str, value: &str, sensitive: bool, source: &Source) -> Attribute {
    let mut a = Attribute {
        name: name.to_string(),
        value: if sensitive {
            "***".into()
        } else {
            value.to_string()
        },
        sensitive,
        source: source.to_string(),
        source_type: "default",
        env_var: None,
        flag: None,
        file: None,
        file_profile: None,
    };
    match source {
        Source::Flag(f) => {
            a.source_type = "flag";
            a.flag = Some(f);
        }
        Source::Env(v) => {
            a.source_type = "env";
            a.env_var = Some(v.clone());
        }
        Source::File { path, profile } => {
            a.source_type = "file";
            a.file = Some(path.display().to_string());
            a.file_profile = Some(profile.clone());
        }
        Source::Default(_) => {}
    }
    a
}

/// Why this profile (or none) was used.
fn profile_reason(cfg: &Config) -> String {
    match &cfg.profile {
        Some((_, Source::Flag(f))) => format!("asked for with {f}"),
        Some((_, Source::Env(v))) => format!("asked for with environment variable {v}"),
        Some((_, Source::File { path, .. })) => {
            format!("default_profile in [__settings__] of {}", path.display())
        }
        Some((_, Source::Default(_))) => {
            "no profile asked for: the DEFAULT profile is used".to_string()
        }
        None if cfg.file_read => "none: no profile asked for, and the file has neither [__settings__] default_profile nor a DEFAULT profile with keys".into(),
        None => "none (the config file was not read)".into(),
    }
}

/// Whether the config file was read, and why not.
fn file_status(cfg: &Config) -> (&'static str, String) {
    if cfg.file_read {
        let note = if cfg.profiles.is_empty() {
            "read; it defines no profiles".to_string()
        } else {
            format!("read; profiles: {}", cfg.profiles.join(", "))
        };
        ("read", note)
    } else if cfg.config_file.exists() {
        ("skipped", "skipped: no profile was asked for and the environment already sets the host or credentials".into())
    } else {
        (
            "missing",
            "does not exist (not an error when the environment is enough)".into(),
        )
    }
}

pub async fn describe(ctx: &Context, args: AuthCheckArgs) -> Result<(), CliError> {
    let cfg = ctx.config()?;
    let mut failure: Option<CliError> = None;

    let (file_state, file_note) = file_status(cfg);
    let host = cfg.value("host");
    if host.is_none() {
        failure = Some(
            ConfigError::NoHost {
                looked_at: cfg.looked_at(),
            }
            .into(),
        );
    }

    // The same checks as building a client: plain http, settings in range.
    if failure.is_none() {
        failure = crate::app::settings_for(cfg, &ctx.global).err();
    }

    let (method, reason, auth_error, details) = match auth::choose(cfg) {
        Ok((m, why)) => {
            let reason = match why {
                Reason::Forced(src) => format!("forced by auth_type ({src})"),
                Reason::Chain => {
                    "the first method of the chain whose settings are present".to_string()
                }
            };
            match (m.build)(cfg) {
                Ok(p) => (Some(m.name), reason, None, p.details()),
                Err(e) => {
                    let msg = e.to_string();
                    failure = failure.or(Some(e.into()));
                    (Some(m.name), reason, Some(msg), Vec::new())
                }
            }
        }
        Err(e) => {
            let msg = e.to_string();
            failure = failure.or(Some(e.into()));
            (None, String::new(), Some(msg), Vec::new())
        }
    };

    let check = if args.check && failure.is_none() {
        Some(match check(ctx, cfg).await {
            Ok(detail) => Check {
                ok: true,
                detail,
                exit_code: None,
            },
            Err(err) => {
                let c = Check {
                    ok: false,
                    detail: err.message.clone(),
                    exit_code: Some(err.code),
                };
                failure = Some(err);
                c
            }
        })
    } else {
        None
    };

    let attributes: Vec<Attribute> = cfg
        .values()
        .map(|(a, v)| attribute(a.name, &v.value, a.sensitive, &v.source))
        .collect();
    let environment: Vec<Attribute> = cfg
        .ambient
        .iter()
        .filter(|(name, _, _)| *name != "PATH")
        .map(|(name, value, sensitive)| {
            attribute(name, value, sensitive, &Source::Env(name.to_string()))
        })
        .collect();
    let description = Description {
        host: host.map(|v| v.value.clone()),
        host_source: host.map(|v| v.source.to_string()),
        profile: cfg.profile_name().map(str::to_string),
        profile_source: profile_reason(cfg),
        config_file: cfg.config_file.display().to_string(),
        config_file_status: file_state,
        config_file_note: file_note,
        profiles: cfg.profiles.clone(),
        auth_method: method,
        auth_method_reason: reason,
        auth_error,
        attributes,
        environment,
        method_details: details
            .into_iter()
            .map(|(name, value)| Detail { name, value })
            .collect(),
        methods: auth::candidates(cfg)
            .into_iter()
            .map(|(name, state)| Candidate {
                name,
                usable: state.is_ok(),
                note: state.err().unwrap_or_default(),
            })
            .collect(),
        check,
    };

    match ctx.format() {
        Format::Json => write_stdout(&output::render_json(&description))?,
        _ => {
            let rows = describe_rows(&description);
            write_stdout(&output::render(ctx.format(), &rows, ctx.style()))?;
        }
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The description as name/value/source rows: host, profile, config file and
/// auth method first, then every other setting, then the method's details.
fn describe_rows(d: &Description) -> Vec<DescribeRow> {
    let mut rows = Vec::new();
    match (&d.host, &d.host_source) {
        (Some(h), Some(s)) => rows.push(row("host", h, s)),
        _ => rows.push(row("host", "", "not set")),
    }
    rows.push(row(
        "profile",
        d.profile.clone().unwrap_or_default(),
        &d.profile_source,
    ));
    rows.push(row("config_file", &d.config_file, &d.config_file_note));
    match (&d.auth_method, &d.auth_error) {
        (Some(m), None) => rows.push(row("auth_method", *m, &d.auth_method_reason)),
        (Some(m), Some(e)) => rows.push(row("auth_method", *m, format!("error: {e}"))),
        (None, Some(e)) => rows.push(row("auth_method", "", format!("error: {e}"))),
        (None, None) => rows.push(row("auth_method", "", "")),
    }
    for a in d.attributes.iter().filter(|a| a.name != "host") {
        rows.push(row(&a.name, &a.value, &a.source));
    }
    for a in &d.environment {
        rows.push(row(&a.name, &a.value, &a.source));
    }
    if d.auth_method.is_none() {
        // No method: the near misses (settings present, but not usable) say why.
        for m in d
            .methods
            .iter()
            .filter(|m| !m.usable && !m.note.starts_with("needs "))
        {
            rows.push(row("method_skipped", m.name, &m.note));
        }
    }
    let method = d.auth_method.unwrap_or("");
    for detail in &d.method_details {
        rows.push(row(
            detail.name,
            &detail.value,
            format!("auth method {method}"),
        ));
    }
    if let Some(c) = &d.check {
        rows.push(row("check", if c.ok { "ok" } else { "failed" }, &c.detail));
    }
    rows
}

/// One cheap authenticated call.
async fn check(ctx: &Context, cfg: &Config) -> Result<String, CliError> {
    let client = ctx.client_for(cfg)?;
    match client.list_scopes().await {
        Ok(scopes) => Ok(format!(
            "listed {} scope{} at {} with {}",
            scopes.len(),
            if scopes.len() == 1 { "" } else { "s" },
            client.host(),
            client.auth_name()
        )),
        Err(e) => Err(ctx.api_error(e, "check failed: cannot list scopes")),
    }
}

/// One profile of `auth profiles`.
#[derive(Debug, Serialize, PartialEq)]
pub struct ProfileRow {
    pub name: String,
    pub host: Option<String>,
    pub auth_type: Option<String>,
    pub valid: bool,
    /// Why it is invalid; empty when valid.
    pub reason: String,
    /// Used when no profile is asked for.
    pub default: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
}

impl ProfileRow {
    fn cells(&self, with_check: bool) -> Vec<String> {
        let mut c = vec![
            self.name.clone(),
            self.host.clone().unwrap_or_default(),
            self.auth_type.clone().unwrap_or_default(),
            self.valid.to_string(),
            self.default.to_string(),
            self.reason.clone(),
        ];
        if with_check {
            c.push(self.check.clone().unwrap_or_default());
        }
        c
    }

    fn display_cells(&self, with_check: bool) -> Vec<String> {
        let mut c = self.cells(with_check);
        c[3] = if self.valid { "yes" } else { "no" }.into();
        c[4] = if self.default { "yes" } else { "" }.into();
        c
    }
}

/// A profile's problem, in a few words (the full messages name sources that are
/// obvious here).
fn invalid_reason(e: &ConfigError) -> String {
    match e {
        ConfigError::NoHost { .. } => "no host".into(),
        ConfigError::NoCredentials { .. } => {
            "no credentials (token, username and password, client_id and client_secret, auth_type, …)".into()
        }
        ConfigError::InvalidHost { host, reason } => format!("invalid host '{host}': {reason}"),
        ConfigError::UnknownAuthType { value, .. } => format!("unknown auth_type '{value}'"),
        ConfigError::IncompleteMethod { method, missing, .. } => {
            format!("auth_type {method} needs {missing}")
        }
        other => other.to_string(),
    }
}

/// Resolves one profile alone and says whether it could be used.
fn evaluate(name: &str, default: bool) -> (ProfileRow, Option<Config>) {
    let home = dirs::home_dir();
    let mut row = ProfileRow {
        name: name.to_string(),
        host: None,
        auth_type: None,
        valid: false,
        reason: String::new(),
        default,
        check: None,
    };
    let cfg = match config::resolve_profile_alone(name, &ProcessEnv, home.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            row.reason = invalid_reason(&e);
            return (row, None);
        }
    };
    row.host = cfg.get("host").map(str::to_string);
    let chosen = auth::choose(&cfg).and_then(|(m, _)| (m.build)(&cfg).map(|_| m.name));
    let settings = crate::app::settings_for(&cfg, &crate::cli::GlobalArgs::none());
    match (cfg.host(), chosen) {
        (Ok(_), Ok(m)) => {
            row.auth_type = Some(m.to_string());
            match settings {
                Ok(_) => row.valid = true,
                Err(e) => row.reason = e.message,
            }
        }
        (host, chosen) => {
            row.auth_type = chosen.as_ref().ok().map(|m| m.to_string());
            let mut reasons = Vec::new();
            if let Err(e) = host {
                reasons.push(invalid_reason(&e));
            }
            if let Err(e) = chosen {
                reasons.push(invalid_reason(&e));
            }
            row.reason = reasons.join("; ");
        }
    }
    let cfg = row.valid.then_some(cfg);
    (row, cfg)
}

pub async fn profiles(ctx: &Context, args: AuthCheckArgs) -> Result<(), CliError> {
    let home = dirs::home_dir();
    let Some(list) = config::list_profiles(&ProcessEnv, home.as_deref())? else {
        let path = config::config_file_path(&ProcessEnv, home.as_deref());
        if ctx.format() == Format::Table {
            ctx.info(&format!(
                "No profiles: {} does not exist. Create one with `databricks configure` or `databricks auth login`.",
                path.display()
            ));
            return Ok(());
        }
        return print_profiles(ctx, &[], args.check);
    };
    let overridden = config::env_overrides(&ProcessEnv);
    if !overridden.is_empty() {
        ctx.info(&format!(
            "note: {} {} set in the environment and take{} precedence over every profile; each profile is shown on its own",
            overridden.join(", "),
            if overridden.len() == 1 { "is" } else { "are" },
            if overridden.len() == 1 { "s" } else { "" },
        ));
    }
    let mut rows = Vec::new();
    let mut failed: Vec<(String, u8)> = Vec::new();
    for name in &list.names {
        let (mut row, cfg) = evaluate(name, list.default.as_deref() == Some(name.as_str()));
        if args.check {
            row.check = Some(match cfg {
                None => "not checked: invalid".into(),
                Some(cfg) => match check(ctx, &cfg).await {
                    Ok(detail) => format!("ok: {detail}"),
                    Err(e) => {
                        failed.push((name.clone(), e.code));
                        format!("failed: {}", e.message)
                    }
                },
            });
        }
        rows.push(row);
    }
    if rows.is_empty() && ctx.format() == Format::Table {
        ctx.info(&format!("{} defines no profiles.", list.path.display()));
        return Ok(());
    }
    print_profiles(ctx, &rows, args.check)?;
    if failed.is_empty() {
        return Ok(());
    }
    let code = if failed.iter().all(|(_, c)| *c == failed[0].1) {
        failed[0].1
    } else {
        crate::error::exit::FAILURE
    };
    let names: Vec<&str> = failed.iter().map(|(n, _)| n.as_str()).collect();
    Err(CliError::new(
        code,
        format!(
            "{} of {} profiles failed the check: {}",
            failed.len(),
            rows.len(),
            names.join(", ")
        ),
    )
    .with_hint(
        "the check column says why; `dbsecrets auth describe -p NAME --check` explains one profile",
    ))
}

fn print_profiles(ctx: &Context, rows: &[ProfileRow], with_check: bool) -> Result<(), CliError> {
    let mut headers = vec!["name", "host", "auth_type", "valid", "default", "reason"];
    if with_check {
        headers.push("check");
    }
    let bytes = match ctx.format() {
        Format::Json => output::render_json(rows),
        Format::Csv => output::render_csv(&headers, rows.iter().map(|r| r.cells(with_check))),
        Format::Table => output::render_table(
            &headers,
            rows.iter().map(|r| r.display_cells(with_check)),
            ctx.style(),
        )
        .into_bytes(),
    };
    write_stdout(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_in_attributes() {
        let a = attribute(
            "token",
            "dapi-secret",
            true,
            &Source::Env("DATABRICKS_TOKEN".into()),
        );
        assert_eq!(a.value, "***");
        assert_eq!(a.env_var.as_deref(), Some("DATABRICKS_TOKEN"));
        let a = attribute(
            "host",
            "https://h",
            false,
            &Source::File {
                path: "/c".into(),
                profile: "DEV".into(),
            },
        );
        assert_eq!(
            (a.source_type, a.file_profile.as_deref()),
            ("file", Some("DEV"))
        );
    }
}
