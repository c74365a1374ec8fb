//! sync SCOPE FILE: make the scope hold exactly the file's entries.

use std::collections::HashMap;

use dbsecrets_client::{names, SecretValue};

use super::file::{self, Entry};
use super::runner::{Done, Runner, Stats};
use super::{delete_job, finish, get_job, list_keys, put_job, ReportRow};
use crate::cli::SyncArgs;
use crate::commands::check;
use crate::context::Context;
use crate::failure::{exit, Failure};
use crate::output::Report;

enum Job<'a> {
    Put(&'a str, &'a SecretValue),
    Delete(&'a str),
}

/// Checks the scope name, then reads and checks the file (before the runtime).
pub fn sync_entries(ctx: &Context, args: &SyncArgs) -> Result<Vec<Entry>, Failure> {
    check(names::scope(&args.scope))?;
    file::load(&ctx.io, &args.file, args.format, None)
}

pub async fn sync(ctx: &Context, args: SyncArgs, entries: Vec<Entry>) -> Result<Report, Failure> {
    let client = ctx.client()?;
    let scope = args.scope.as_str();
    // lower case -> the key as the scope spells it
    let mut in_scope: HashMap<String, String> = list_keys(ctx, &client, scope)
        .await?
        .into_iter()
        .map(|k| (k.to_ascii_lowercase(), k))
        .collect();
    let runner = Runner::new(ctx, args.bulk.jobs, client.limiter());

    // Compare the entries that exist through `get` (reads only: also in a dry run).
    let existing: Vec<usize> = (0..entries.len())
        .filter(|&i| in_scope.contains_key(&entries[i].key.to_ascii_lowercase()))
        .collect();
    let why = format!("cannot compare the values of scope '{scope}'");
    let client_ref = &client;
    let (entries_ref, why_ref) = (&entries, why.as_str());
    let (compared, stats) = runner
        .run("comparing", existing.clone(), |i| async move {
            match get_job(ctx, client_ref, scope, &entries_ref[i].key, why_ref).await {
                Done::Ok(v) => Done::Ok(v.expose_bytes() == entries_ref[i].value.expose_bytes()),
                Done::Failed(e) => Done::Failed(e),
                Done::Fatal(e) => Done::Fatal(e),
                Done::NotSent => Done::NotSent,
            }
        })
        .await;
    if stats.interrupted {
        return Err(Failure::new(
            exit::INTERRUPTED,
            "interrupted (Ctrl-C) while comparing values: nothing was written",
        ));
    }
    let mut warnings = Vec::new();
    let mut preface = Vec::new();
    let mut same: HashMap<usize, bool> = HashMap::new();
    for (i, done) in existing.iter().zip(compared) {
        if let Some(Done::Ok(equal)) = done {
            same.insert(*i, equal);
        }
    }
    if let Some(fatal) = &stats.fatal {
        if fatal.code == exit::AUTH {
            return Err(fatal.clone());
        }
        // The workspace refuses `get`: every existing key counts as an update.
        warnings.push(format!(
            "this workspace does not allow reading secret values through the API, so they cannot be compared: every key of {} that scope '{scope}' already holds counts as an update",
            args.file.display()
        ));
    } else if same.len() < existing.len() {
        warnings.push(format!(
            "{} value{} could not be read for comparison: they count as updates",
            existing.len() - same.len(),
            if existing.len() - same.len() == 1 {
                ""
            } else {
                "s"
            }
        ));
    }

    let mut planned: Vec<(&str, &'static str)> = Vec::new();
    let mut jobs = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let action = match in_scope.remove(&e.key.to_ascii_lowercase()) {
            None => "add",
            Some(_) if same.get(&i) == Some(&true) => "unchanged",
            Some(_) => "update",
        };
        planned.push((&e.key, action));
        if action != "unchanged" {
            jobs.push((planned.len() - 1, Job::Put(&e.key, &e.value)));
        }
    }
    // What is left in the scope is not in the file.
    let mut extra: Vec<&String> = in_scope.values().collect();
    extra.sort_by_key(|k| k.to_ascii_lowercase());
    if args.prune {
        for key in &extra {
            planned.push((key.as_str(), "delete"));
            jobs.push((planned.len() - 1, Job::Delete(key.as_str())));
        }
    } else if !extra.is_empty() {
        preface.push(format!(
            "{} key{} of scope '{scope}' {} not in {} and {} kept (--prune deletes them).",
            extra.len(),
            if extra.len() == 1 { "" } else { "s" },
            if extra.len() == 1 { "is" } else { "are" },
            args.file.display(),
            if extra.len() == 1 { "is" } else { "are" },
        ));
    }
    let what = format!("sync of scope '{scope}'");
    if args.dry_run {
        let rows: Vec<ReportRow> = planned
            .iter()
            .map(|(k, a)| ReportRow::new(k, a, "dry-run"))
            .collect();
        return Ok(finish(&what, &rows, &Stats::default(), true)
            .warnings(warnings)
            .preface(preface));
    }

    let slots: Vec<usize> = jobs.iter().map(|(slot, _)| *slot).collect();
    let (results, stats) = runner
        .run("syncing", jobs, |(_, job)| async move {
            match job {
                Job::Put(key, value) => put_job(ctx, client_ref, scope, key, value).await,
                Job::Delete(key) => delete_job(ctx, client_ref, scope, key).await,
            }
        })
        .await;
    let mut rows: Vec<ReportRow> = planned
        .iter()
        .map(|(k, a)| ReportRow::new(k, a, "ok"))
        .collect();
    for (slot, done) in slots.into_iter().zip(results) {
        let (k, a) = planned[slot];
        rows[slot] = ReportRow::from_done(k, a, done);
    }
    Ok(finish(&what, &rows, &stats, false)
        .warnings(warnings)
        .preface(preface))
}
