//! import, export, copy, sync: many secrets at once, concurrently, with a
//! per-key report. Every action is idempotent (put overwrites, delete of a
//! missing key is done), so a re-run after a partial failure finishes the job.
//!
//! The shape of each command: read and check everything that can be checked
//! locally (nothing is sent on a bad file), one listing request as a preflight
//! (a missing scope or bad credentials stop the command with its usual exit
//! code), the concurrent phase (runner.rs), then the report (this file).

mod copy;
mod env_lines;
mod export;
pub mod file;
mod import;
pub mod runner;
mod sync;
pub mod target;

use serde::Serialize;

pub use copy::{clients, copy};
pub use export::export;
pub use import::{import, import_entries};
pub use sync::{sync, sync_entries};

use dbsecrets_client::secrets::models::CreateScope;
use dbsecrets_client::{Client, Error, ErrorKind, SecretValue};

use self::runner::{Done, Stats};
use super::{no_scope_hint, notebook_only, scope_failure};
use crate::context::Context;
use crate::failure::{exit, Failure};
use crate::output::{Report, Row, Rows};

/// One line of a bulk command's report. It names keys, never values.
#[derive(Debug, Serialize, PartialEq)]
pub struct ReportRow {
    /// The secret's key (for `put-acl` rows: the principal).
    pub key: String,
    /// add, update, delete, unchanged, skip, put-acl.
    pub action: &'static str,
    /// ok, failed, not-sent (Ctrl-C or a fatal error came first), dry-run.
    pub result: &'static str,
    pub error: Option<String>,
}

impl Row for ReportRow {
    const HEADERS: &'static [&'static str] = &["key", "action", "result", "error"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.key.clone(),
            self.action.to_string(),
            self.result.to_string(),
            self.error.clone().unwrap_or_default(),
        ]
    }
}

impl ReportRow {
    fn new(key: &str, action: &'static str, result: &'static str) -> Self {
        ReportRow {
            key: key.to_string(),
            action,
            result,
            error: None,
        }
    }

    /// The row of a job the runner ran (or never started: `None`).
    fn from_done<T>(key: &str, action: &'static str, done: Option<Done<T>>) -> Self {
        match done {
            None | Some(Done::NotSent) => ReportRow::new(key, action, "not-sent"),
            Some(Done::Ok(_)) => ReportRow::new(key, action, "ok"),
            Some(Done::Failed(e)) => ReportRow {
                error: Some(e),
                ..ReportRow::new(key, action, "failed")
            },
            Some(Done::Fatal(e)) => ReportRow {
                error: Some(e.message),
                ..ReportRow::new(key, action, "failed")
            },
        }
    }
}

/// The report (rows on stdout, the summary on stderr) and the exit: 0 when
/// everything succeeded, 130 after Ctrl-C, the fatal error's code, or 1 with
/// the failed keys.
fn finish(what: &str, rows: &[ReportRow], stats: &Stats, dry_run: bool) -> Report {
    let report = Report::rows(Rows::of(rows, "Nothing to do: no entries."))
        .note(summary(what, rows, stats, dry_run));
    report.failing(if dry_run { None } else { outcome(rows, stats) })
}

/// The failure a run ends with, if any.
fn outcome(rows: &[ReportRow], stats: &Stats) -> Option<Failure> {
    let failed: Vec<&str> = rows
        .iter()
        .filter(|r| r.result == "failed")
        .map(|r| r.key.as_str())
        .collect();
    let again = "run the same command again to finish: every action is idempotent";
    if stats.interrupted {
        return Some(
            Failure::new(
                exit::INTERRUPTED,
                format!(
                    "interrupted (Ctrl-C): {} of {} done, {} not sent{}",
                    rows.iter().filter(|r| r.result == "ok").count(),
                    rows.len(),
                    rows.iter().filter(|r| r.result == "not-sent").count(),
                    failed_list(&failed)
                ),
            )
            .with_hint(format!(
                "the requests in flight finished, so the report above is exact; {again}"
            )),
        );
    }
    if let Some(fatal) = &stats.fatal {
        return Some(fatal.clone().or_hint(again));
    }
    if !failed.is_empty() {
        return Some(
            Failure::other(format!(
                "{} of {} failed: {}",
                failed.len(),
                rows.len(),
                failed.join(", ")
            ))
            .with_hint(format!(
                "the others are applied; the report's error column says why each failed; {again}"
            )),
        );
    }
    None
}

fn failed_list(failed: &[&str]) -> String {
    if failed.is_empty() {
        String::new()
    } else {
        format!(", {} failed: {}", failed.len(), failed.join(", "))
    }
}

/// One line: what happened to how many keys.
fn summary(what: &str, rows: &[ReportRow], stats: &Stats, dry_run: bool) -> String {
    let mut parts = Vec::new();
    for (action, done, planned) in [
        ("add", "added", "to add"),
        ("update", "updated", "to update"),
        ("delete", "deleted", "to delete"),
        ("unchanged", "unchanged", "unchanged"),
        ("skip", "skipped (already there)", "to skip (already there)"),
        ("put-acl", "ACL entries set", "ACL entries to set"),
    ] {
        let n = rows
            .iter()
            .filter(|r| r.action == action && (r.result == "ok" || r.result == "dry-run"))
            .count();
        if n > 0 {
            parts.push(format!("{n} {}", if dry_run { planned } else { done }));
        }
    }
    for (result, label) in [("failed", "failed"), ("not-sent", "not sent")] {
        let n = rows.iter().filter(|r| r.result == result).count();
        if n > 0 {
            parts.push(format!("{n} {label}"));
        }
    }
    if parts.is_empty() {
        parts.push("nothing to do".into());
    }
    let mut line = if dry_run {
        format!("Dry run of {what}: {}; nothing was sent.", parts.join(", "))
    } else {
        format!("{}: {}.", capitalize(what), parts.join(", "))
    };
    if stats.throttled > 0 {
        line.push_str(&format!(
            " The workspace throttled {} request{} (retried; at least {} at once).",
            stats.throttled,
            if stats.throttled == 1 { "" } else { "s" },
            stats.lowest_jobs
        ));
    }
    line
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The keys of a scope: the preflight of every bulk command (a missing scope
/// or rejected credentials stop the command here, with their exit code).
async fn list_keys(ctx: &Context, client: &Client, scope: &str) -> Result<Vec<String>, Failure> {
    let doing = format!("cannot list secrets in scope '{scope}'");
    let mut keys: Vec<String> = client
        .secrets()
        .list_secrets(scope)
        .await
        .map_err(|e| scope_failure(ctx, &e, &doing, (scope, None), || no_scope_hint(ctx, scope)))?
        .into_iter()
        .map(|s| s.key)
        .collect();
    keys.sort_by_key(|k| k.to_ascii_lowercase());
    Ok(keys)
}

/// Creates a scope for a bulk command (`--create-scope`); `false` when it appeared in the meantime.
pub(super) async fn create_scope(
    ctx: &Context,
    client: &Client,
    scope: &str,
) -> Result<bool, Failure> {
    let req = CreateScope {
        scope: scope.to_string(),
        initial_manage_principal: None,
        scope_backend_type: None,
        backend_azure_keyvault: None,
    };
    match client.secrets().create_scope(&req).await {
        Ok(()) => Ok(true),
        Err(e) if e.is_already_exists() => Ok(false),
        Err(e) => Err(ctx.api_failure(&e, &format!("cannot create scope '{scope}'"))),
    }
}

/// Errors that every other request would get too: stop sending.
fn is_fatal(e: &Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::Unauthenticated
            | ErrorKind::PermissionDenied
            | ErrorKind::NotFound
            | ErrorKind::ReadOnlyScope
            | ErrorKind::NotebookOnly
    )
}

/// A put, as a job.
async fn put_job(
    ctx: &Context,
    client: &Client,
    scope: &str,
    key: &str,
    value: &SecretValue,
) -> Done<()> {
    match client.secrets().put_secret(scope, key, value).await {
        Ok(()) => Done::Ok(()),
        Err(e) if e.kind() == ErrorKind::Cancelled => Done::NotSent,
        Err(e) if is_fatal(&e) => {
            let doing = format!("cannot put secret '{key}' in scope '{scope}'");
            Done::Fatal(scope_failure(ctx, &e, &doing, (scope, Some(key)), || {
                no_scope_hint(ctx, scope)
            }))
        }
        Err(e) => Done::Failed(e.to_string()),
    }
}

/// A delete, as a job; a key that is already gone counts as deleted.
async fn delete_job(ctx: &Context, client: &Client, scope: &str, key: &str) -> Done<()> {
    match client.secrets().delete_secret(scope, key).await {
        Ok(()) => Done::Ok(()),
        Err(e) if e.kind() == ErrorKind::Cancelled => Done::NotSent,
        Err(e) if e.is_not_found() => Done::Ok(()),
        Err(e) if is_fatal(&e) => {
            let doing = format!("cannot delete secret '{key}' from scope '{scope}'");
            Done::Fatal(scope_failure(ctx, &e, &doing, (scope, Some(key)), || {
                no_scope_hint(ctx, scope)
            }))
        }
        Err(e) => Done::Failed(e.to_string()),
    }
}

/// A get, as a job. A workspace that refuses `get` refuses it for every key:
/// that is fatal, with `why` as the message.
async fn get_job(
    ctx: &Context,
    client: &Client,
    scope: &str,
    key: &str,
    why: &str,
) -> Done<SecretValue> {
    use secrecy::ExposeSecret;
    match client.secrets().get_secret(scope, key).await {
        Ok(v) => Done::Ok(SecretValue::from_bytes(v.expose_secret().clone())),
        Err(e) if e.kind() == ErrorKind::Cancelled => Done::NotSent,
        Err(e) if e.kind() == ErrorKind::NotebookOnly => Done::Fatal(notebook_only(why, None)),
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::Unauthenticated | ErrorKind::PermissionDenied
            ) =>
        {
            let doing = format!("cannot read secret '{key}' in scope '{scope}'");
            Done::Fatal(ctx.api_failure(&e, &doing))
        }
        Err(e) => Done::Failed(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lines() {
        let rows = vec![
            ReportRow::new("a", "add", "ok"),
            ReportRow::new("b", "update", "ok"),
            ReportRow::new("c", "update", "failed"),
            ReportRow::new("d", "add", "not-sent"),
        ];
        let stats = Stats {
            throttled: 3,
            lowest_jobs: 2,
            ..Stats::default()
        };
        assert_eq!(
            summary("import into scope 's'", &rows, &stats, false),
            "Import into scope 's': 1 added, 1 updated, 1 failed, 1 not sent. The workspace throttled 3 requests (retried; at least 2 at once)."
        );
        let rows = vec![
            ReportRow::new("a", "add", "dry-run"),
            ReportRow::new("b", "unchanged", "dry-run"),
        ];
        assert_eq!(
            summary("sync of scope 's'", &rows, &Stats::default(), true),
            "Dry run of sync of scope 's': 1 to add, 1 unchanged; nothing was sent."
        );
    }
}
