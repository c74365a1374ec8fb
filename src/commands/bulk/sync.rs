//! sync TARGET FILE: make a scope or a Unity Catalog schema hold exactly the
//! file's entries.

use std::collections::HashMap;

use dbsecrets_client::SecretValue;

use super::file::{self, Entry};
use super::import::{check_entries, over_limit};
use super::runner::{Done, Runner, Stats};
use super::target::Target;
use super::{finish, ReportRow};
use crate::cli::SyncArgs;
use crate::context::Context;
use crate::failure::{exit, Failure};
use crate::output::Report;

enum Job<'a> {
    Put(&'a str, &'a SecretValue, bool),
    Delete(&'a str),
}

/// Checks the target's name, then reads and checks the file (before the
/// runtime), by the target's rules.
pub fn sync_entries(ctx: &Context, args: &SyncArgs) -> Result<Vec<Entry>, Failure> {
    let target = Target::parse(&args.scope)?;
    let entries = file::load(&ctx.io, &args.file, args.format, None)?;
    check_entries(&target, &args.file, entries)
}

pub async fn sync(ctx: &Context, args: SyncArgs, entries: Vec<Entry>) -> Result<Report, Failure> {
    let target = Target::parse(&args.scope)?;
    let client = ctx.client()?;
    let label = target.label();
    // folded -> the key as the target spells it
    let mut in_scope: HashMap<String, String> = target
        .list(ctx, &client)
        .await?
        .into_iter()
        .map(|k| (target.fold(&k), k))
        .collect();
    let runner = Runner::new(ctx, args.bulk.jobs, client.limiter());

    // Compare the entries that exist through `get` (reads only: also in a dry run).
    let existing: Vec<usize> = (0..entries.len())
        .filter(|&i| in_scope.contains_key(&target.fold(&entries[i].key)))
        .collect();
    let why = format!("cannot compare the values of {label}");
    let (client_ref, target_ref) = (&client, &target);
    let (entries_ref, why_ref) = (&entries, why.as_str());
    let (compared, stats) = runner
        .run("comparing", existing.clone(), |i| async move {
            match target_ref
                .get(ctx, client_ref, &entries_ref[i].key, why_ref)
                .await
            {
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
            "this workspace does not allow reading secret values through the API, so they cannot be compared: every key of {} that {label} already holds counts as an update",
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
        let action = match in_scope.remove(&target.fold(&e.key)) {
            None => "add",
            Some(_) if same.get(&i) == Some(&true) => "unchanged",
            Some(_) => "update",
        };
        planned.push((&e.key, action));
        if action != "unchanged" {
            let exists = action == "update";
            jobs.push((planned.len() - 1, Job::Put(&e.key, &e.value, exists)));
        }
    }
    // What is left in the scope is not in the file.
    let mut extra: Vec<&String> = in_scope.values().collect();
    extra.sort_by_key(|k| target.fold(k));
    if args.prune {
        for key in &extra {
            planned.push((key.as_str(), "delete"));
            jobs.push((planned.len() - 1, Job::Delete(key.as_str())));
        }
    } else if !extra.is_empty() {
        preface.push(format!(
            "{} key{} of {label} {} not in {} and {} kept (--prune deletes them).",
            extra.len(),
            if extra.len() == 1 { "" } else { "s" },
            if extra.len() == 1 { "is" } else { "are" },
            args.file.display(),
            if extra.len() == 1 { "is" } else { "are" },
        ));
    }
    let adds = planned.iter().filter(|(_, a)| *a == "add").count();
    let deletes = planned.iter().filter(|(_, a)| *a == "delete").count();
    // What the target holds once the deletes are done: the entries it has, and the others.
    let kept = (planned.len() - adds - deletes) + extra.len() - deletes;
    let problems = target.limit_problems(ctx, &client, kept, adds).await?;
    if !problems.is_empty() {
        return Err(over_limit(problems));
    }
    let what = format!("sync of {label}");
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
                Job::Put(key, value, exists) => {
                    target_ref.put(ctx, client_ref, key, value, exists).await
                }
                Job::Delete(key) => target_ref.delete(ctx, client_ref, key).await,
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
