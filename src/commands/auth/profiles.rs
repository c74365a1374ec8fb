//! `auth profiles`: every profile of the config file, on its own, with its
//! host, the sign-in method it would use and whether it is usable.

use dbsecrets_client::auth;
use dbsecrets_client::config::{self, Config, ConfigError};
use serde::Serialize;

use super::check;
use crate::cli::AuthCheckArgs;
use crate::context::Context;
use crate::failure::Failure;
use crate::output::{Report, Rows};

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
fn evaluate(ctx: &Context, name: &str, default: bool) -> (ProfileRow, Option<Config>) {
    let mut row = ProfileRow {
        name: name.to_string(),
        host: None,
        auth_type: None,
        valid: false,
        reason: String::new(),
        default,
        check: None,
    };
    let cfg = match config::resolve_profile_alone(name, ctx.env(), ctx.home()) {
        Ok(c) => ctx.with_flag_settings(c),
        Err(e) => {
            row.reason = invalid_reason(&e);
            return (row, None);
        }
    };
    row.host = cfg.get("host").map(str::to_string);
    let chosen = auth::choose(&cfg).and_then(|(m, _)| (m.build)(&cfg).map(|_| m.name));
    let settings = Context::settings(&cfg);
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

pub async fn profiles(ctx: &Context, args: AuthCheckArgs) -> Result<Report, Failure> {
    let Some(list) = config::list_profiles(ctx.env(), ctx.home())? else {
        let path = config::config_file_path(ctx.env(), ctx.home());
        return Ok(Report::rows(profile_rows(&[], args.check).with_empty(format!(
            "No profiles: {} does not exist. Create one with `databricks configure` or `databricks auth login`.",
            path.display()
        ))));
    };
    let overridden = config::env_overrides(ctx.env());
    let mut preface = Vec::new();
    if !overridden.is_empty() {
        preface.push(format!(
            "note: {} {} set in the environment and take{} precedence over every profile; each profile is shown on its own",
            overridden.join(", "),
            if overridden.len() == 1 { "is" } else { "are" },
            if overridden.len() == 1 { "s" } else { "" },
        ));
    }
    let mut rows = Vec::new();
    let mut failed: Vec<(String, u8)> = Vec::new();
    for name in &list.names {
        let (mut row, cfg) = evaluate(ctx, name, list.default.as_deref() == Some(name.as_str()));
        if args.check {
            row.check = Some(match cfg {
                None => "not checked: invalid".into(),
                Some(cfg) => match check(ctx, &cfg).await {
                    Ok(checked) => format!("ok: {}", checked.detail),
                    Err(e) => {
                        failed.push((name.clone(), e.code));
                        format!("failed: {}", e.message)
                    }
                },
            });
        }
        rows.push(row);
    }
    let mut report = Report::rows(
        profile_rows(&rows, args.check)
            .with_empty(format!("{} defines no profiles.", list.path.display())),
    );
    report.preface = preface;
    if failed.is_empty() {
        return Ok(report);
    }
    let code = if failed.iter().all(|(_, c)| *c == failed[0].1) {
        failed[0].1
    } else {
        crate::failure::exit::FAILURE
    };
    let names: Vec<&str> = failed.iter().map(|(n, _)| n.as_str()).collect();
    Ok(report.failing(Some(Failure::new(
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
    ))))
}

/// The profiles as rows: the check column only with --check.
fn profile_rows(rows: &[ProfileRow], with_check: bool) -> Rows {
    let mut headers = vec!["name", "host", "auth_type", "valid", "default", "reason"];
    if with_check {
        headers.push("check");
    }
    Rows::custom(
        rows,
        &headers,
        rows.iter().map(|r| r.cells(with_check)).collect(),
        &headers,
        rows.iter().map(|r| r.display_cells(with_check)).collect(),
    )
}
