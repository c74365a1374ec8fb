//! import TARGET FILE: put every entry of a dotenv or JSON file into a scope
//! or a Unity Catalog schema (`uc:CATALOG.SCHEMA`).

use std::collections::HashSet;

use super::file::{self, Entry};
use super::runner::{Runner, Stats};
use super::target::Target;
use super::{create_scope, finish, no_scope_hint, scope_failure, ReportRow};
use crate::cli::ImportArgs;
use crate::context::Context;
use crate::failure::Failure;
use crate::output::Report;

/// Checks the target's name, then reads and checks the file (before the
/// runtime: the file may be standard input), by the target's rules.
pub fn import_entries(ctx: &Context, args: &ImportArgs) -> Result<Vec<Entry>, Failure> {
    let target = Target::parse(&args.scope)?;
    if target.is_uc() && args.create_scope {
        return Err(no_create_schema());
    }
    let entries = file::load(&ctx.io, &args.file, args.format, args.prefix.as_deref())?;
    check_entries(&target, &args.file, entries)
}

/// The entries, or every one the target cannot hold (exit 2, nothing sent).
pub(super) fn check_entries(
    target: &Target,
    file: &std::path::Path,
    entries: Vec<Entry>,
) -> Result<Vec<Entry>, Failure> {
    let problems: Vec<String> = entries
        .iter()
        .flat_map(|e| {
            let value = target
                .value_problem(&e.value)
                .map(|p| format!("key '{}': {p}", e.key));
            target.name_problem(&e.key).into_iter().chain(value)
        })
        .collect();
    if problems.is_empty() {
        return Ok(entries);
    }
    let n = problems.len();
    Err(Failure::usage(format!(
        "{}: {n} entr{} that {} cannot hold; nothing was sent",
        file.display(),
        if n == 1 { "y" } else { "ies" },
        target.label()
    ))
    .with_details(problems)
    .with_hint("Unity Catalog names have no '.', spaces or '/'; its values are UTF-8 text of 1 byte to 60 KiB"))
}

/// `--create-scope` with a Unity Catalog schema.
pub(super) fn no_create_schema() -> Failure {
    Failure::usage("--create-scope creates workspace scopes only")
        .with_hint("Unity Catalog schemas are created in Unity Catalog itself (CREATE SCHEMA)")
}

pub async fn import(
    ctx: &Context,
    args: ImportArgs,
    entries: Vec<Entry>,
) -> Result<Report, Failure> {
    let target = Target::parse(&args.scope)?;
    let client = ctx.client()?;
    let mut preface = Vec::new();
    let keys = match &target {
        Target::Uc(..) => target.list(ctx, &client).await?,
        Target::Scope(scope) => match client.secrets().list_secrets(scope).await {
            Err(e) if e.is_not_found() && args.create_scope => {
                if args.dry_run {
                    preface.push(format!("Would create scope '{scope}'."));
                } else if create_scope(ctx, &client, scope).await? {
                    preface.push(format!("Created scope '{scope}'."));
                }
                Vec::new()
            }
            Ok(list) => list.into_iter().map(|s| s.key).collect(),
            Err(e) => {
                let doing = format!("cannot list secrets in scope '{scope}'");
                return Err(scope_failure(ctx, &e, &doing, (scope, None), || {
                    format!("{}; or add --create-scope", no_scope_hint(ctx, scope))
                }));
            }
        },
    };
    let existing: HashSet<String> = keys.iter().map(|k| target.fold(k)).collect();
    let actions: Vec<(String, &'static str)> = entries
        .iter()
        .map(|e| {
            let action = if existing.contains(&target.fold(&e.key)) {
                "update"
            } else {
                "add"
            };
            (e.key.clone(), action)
        })
        .collect();
    let adds = actions.iter().filter(|(_, a)| *a == "add").count();
    let problems = target
        .limit_problems(ctx, &client, existing.len(), adds)
        .await?;
    if !problems.is_empty() {
        return Err(over_limit(problems));
    }
    let what = format!("import into {}", target.label());
    if args.dry_run {
        let rows: Vec<ReportRow> = actions
            .iter()
            .map(|(k, a)| ReportRow::new(k, a, "dry-run"))
            .collect();
        return Ok(finish(&what, &rows, &Stats::default(), true).preface(preface));
    }
    let runner = Runner::new(ctx, args.bulk.jobs, client.limiter());
    let (client, target, existing) = (&client, &target, &existing);
    let (results, stats) = runner
        .run("importing", entries, |e| async move {
            let exists = existing.contains(&target.fold(&e.key));
            target.put(ctx, client, &e.key, &e.value, exists).await
        })
        .await;
    let rows: Vec<ReportRow> = actions
        .iter()
        .zip(results)
        .map(|((k, a), done)| ReportRow::from_done(k, a, done))
        .collect();
    Ok(finish(&what, &rows, &stats, false).preface(preface))
}

/// Unity Catalog's limits would be passed: nothing is sent (exit 2).
pub(super) fn over_limit(problems: Vec<String>) -> Failure {
    Failure::usage("Unity Catalog's limits would be passed: nothing was sent")
        .with_details(problems)
        .with_hint("delete secrets that are no longer used, or spread them over several schemas")
}
