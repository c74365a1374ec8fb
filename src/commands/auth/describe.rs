//! `auth describe`: the workspace, profile, config file and sign-in method in
//! use, and where each setting comes from.

use dbsecrets_client::auth::{self, Reason};
use dbsecrets_client::config::{Config, ConfigError, Source};
use serde::Serialize;

use super::check;
use crate::cli::AuthCheckArgs;
use crate::context::Context;
use crate::failure::Failure;
use crate::output::{render_json, Body, Report, Row, Rows};

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
    attributes: Vec<Setting>,
    environment: Vec<Setting>,
    method_details: Vec<Detail>,
    methods: Vec<Candidate>,
    check: Option<Check>,
}

#[derive(Debug, Serialize)]
struct Setting {
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
    /// Who the workspace says you are (SCIM `Me`).
    #[serde(skip_serializing_if = "Option::is_none")]
    identity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exit_code: Option<u8>,
}

fn setting(name: &str, value: &str, sensitive: bool, source: &Source) -> Setting {
    let mut a = Setting {
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

pub async fn describe(ctx: &Context, args: AuthCheckArgs) -> Result<Report, Failure> {
    let cfg = ctx.config()?;
    let mut failure: Option<Failure> = None;

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
        failure = Context::settings(cfg).err();
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
            Ok(checked) => Check {
                ok: true,
                detail: checked.detail,
                identity: checked.identity,
                exit_code: None,
            },
            Err(err) => {
                let c = Check {
                    ok: false,
                    detail: err.message.clone(),
                    identity: None,
                    exit_code: Some(err.code),
                };
                failure = Some(err);
                c
            }
        })
    } else {
        None
    };

    let attributes: Vec<Setting> = cfg
        .values()
        .map(|(a, v)| setting(a.name, &v.value, a.sensitive, &v.source))
        .collect();
    let environment: Vec<Setting> = cfg
        .ambient
        .iter()
        .filter(|(name, _, _)| *name != "PATH")
        .map(|(name, value, sensitive)| {
            setting(name, value, sensitive, &Source::Env(name.to_string()))
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

    let rows = describe_rows(&description);
    Ok(Report::new(Body::Document {
        json: render_json(&description),
        rows: Rows::of(&rows, ""),
    })
    .failing(failure))
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
        if let Some(who) = &c.identity {
            rows.push(row("signed_in_as", who, "the workspace (SCIM Me)"));
        }
        rows.push(row("check", if c.ok { "ok" } else { "failed" }, &c.detail));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_in_attributes() {
        let a = setting(
            "token",
            "dapi-secret",
            true,
            &Source::Env("DATABRICKS_TOKEN".into()),
        );
        assert_eq!(a.value, "***");
        assert_eq!(a.env_var.as_deref(), Some("DATABRICKS_TOKEN"));
        let a = setting(
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
