//! import SCOPE FILE: put every entry of a dotenv or JSON file.

use std::collections::HashSet;

use dbsecrets_client::names;

use super::file::{self, Entry};
use super::runner::{Runner, Stats};
use super::{create_scope, finish, no_scope_hint, put_job, scope_failure, ReportRow};
use crate::cli::ImportArgs;
use crate::commands::check;
use crate::context::Context;
use crate::failure::Failure;
use crate::output::Report;

/// Checks the scope name, then reads and checks the file (before the runtime:
/// the file may be standard input).
pub fn import_entries(ctx: &Context, args: &ImportArgs) -> Result<Vec<Entry>, Failure> {
    check(names::scope(&args.scope))?;
    file::load(&ctx.io, &args.file, args.format, args.prefix.as_deref())
}

pub async fn import(
    ctx: &Context,
    args: ImportArgs,
    entries: Vec<Entry>,
) -> Result<Report, Failure> {
    let client = ctx.client()?;
    let mut preface = Vec::new();
    let keys = match client.secrets().list_secrets(&args.scope).await {
        Err(e) if e.is_not_found() && args.create_scope => {
            if args.dry_run {
                preface.push(format!("Would create scope '{}'.", args.scope));
            } else if create_scope(ctx, &client, &args.scope).await? {
                preface.push(format!("Created scope '{}'.", args.scope));
            }
            Vec::new()
        }
        Ok(list) => list.into_iter().map(|s| s.key).collect(),
        Err(e) => {
            let doing = format!("cannot list secrets in scope '{}'", args.scope);
            return Err(scope_failure(ctx, &e, &doing, (&args.scope, None), || {
                format!("{}; or add --create-scope", no_scope_hint(ctx, &args.scope))
            }));
        }
    };
    let existing: HashSet<String> = keys.into_iter().map(|k| k.to_ascii_lowercase()).collect();
    let actions: Vec<(String, &'static str)> = entries
        .iter()
        .map(|e| {
            let action = if existing.contains(&e.key.to_ascii_lowercase()) {
                "update"
            } else {
                "add"
            };
            (e.key.clone(), action)
        })
        .collect();
    let what = format!("import into scope '{}'", args.scope);
    if args.dry_run {
        let rows: Vec<ReportRow> = actions
            .iter()
            .map(|(k, a)| ReportRow::new(k, a, "dry-run"))
            .collect();
        return Ok(finish(&what, &rows, &Stats::default(), true).preface(preface));
    }
    let runner = Runner::new(ctx, args.bulk.jobs, client.limiter());
    let (client, scope) = (&client, args.scope.as_str());
    let (results, stats) = runner
        .run("importing", entries, |e| async move {
            put_job(ctx, client, scope, &e.key, &e.value).await
        })
        .await;
    let rows: Vec<ReportRow> = actions
        .iter()
        .zip(results)
        .map(|((k, a), done)| ReportRow::from_done(k, a, done))
        .collect();
    Ok(finish(&what, &rows, &stats, false).preface(preface))
}
