//! `migrate SCOPE CATALOG.SCHEMA`: a workspace secret scope into a Unity
//! Catalog schema, planned, verified and resumable (uc-secrets.md §9).
//!
//! The data flow, each step a function of what the one before gave:
//! 1. `prepare` (before the runtime): names, flags, `--values-file`, the
//!    `--delete-source` question;
//! 2. `source::read`: the scope, its keys, ACLs and values;
//! 3. the schema's secrets, and a read of each one a key would be written to
//!    (identical is done; different is skipped unless `--update-existing`);
//! 4. `naming` and `plan` (pure): every key's name, action and reason, and
//!    every blocking problem; the limits. Blocked: the plan and exit 2. Dry
//!    run: the plan;
//! 5. `run::copy`: write and read back each secret; `grants::apply`;
//!    `run::delete_source`;
//! 6. `report`: per key, per grant, references, clean-up, summary.
//!
//! Live progress goes through the bulk runner; nothing here prints.

mod grants;
mod naming;
mod plan;
mod report;
mod rows;
mod run;
mod source;

use std::collections::{HashMap, HashSet};

use dbsecrets_client::names::{self, UcName};
use dbsecrets_client::secrets_uc::check_comment;

use self::grants::Grant;
use self::naming::Problem;
use self::plan::{Action, Facts, Written};
use self::report::Migration;
use self::run::Outcome;
use self::source::Values;
use super::bulk::clients;
use super::bulk::file::{self, Entry};
use super::bulk::runner::{Done, Runner, Stats};
use super::bulk::target::Target;
use crate::cli::MigrateArgs;
use crate::context::Context;
use crate::failure::{exit, Failure};
use crate::output::Report;

/// What `prepare` read and checked.
pub struct Prepared {
    catalog: String,
    schema: String,
    renames: Vec<(String, String)>,
    principals: Vec<(String, String)>,
    /// `Some(None)`: `--comment ''` (no comment).
    comment: Option<Option<String>>,
    values_file: Option<Vec<Entry>>,
}

/// Checks the names and flags, reads `--values-file` and asks before
/// `--delete-source`: all before the runtime starts (nothing is sent).
pub fn prepare(ctx: &Context, args: &MigrateArgs) -> Result<Prepared, Failure> {
    names::scope(&args.scope)?;
    let given = args.schema.strip_prefix("uc:").unwrap_or(&args.schema);
    let UcName::Schema(catalog, schema) = UcName::schema(given)? else {
        unreachable!("UcName::schema gives a schema")
    };
    let renames = naming::pairs("--rename", &args.renames)?;
    let principals = naming::pairs("--map-principal", &args.map_principals)?;
    let comment = match args.comment.as_deref() {
        None => None,
        Some("") => Some(None),
        Some(c) => {
            check_comment(c)?;
            Some(Some(c.to_string()))
        }
    };
    let values_file = args
        .values_file
        .as_deref()
        .map(|f| file::load(&ctx.io, f, args.format, None))
        .transpose()?;
    if args.delete_source && !args.dry_run && !args.yes {
        confirm_delete(ctx, &args.scope, &format!("{catalog}.{schema}"))?;
    }
    Ok(Prepared {
        catalog,
        schema,
        renames,
        principals,
        comment,
        values_file,
    })
}

fn confirm_delete(ctx: &Context, scope: &str, schema: &str) -> Result<(), Failure> {
    if !ctx.term().stdin {
        return Err(Failure::usage(
            "--delete-source deletes the source keys: confirm it with --yes when not on a terminal",
        )
        .with_hint("or run without --delete-source, check the report, and run again with --delete-source --yes"));
    }
    ctx.io.write_stderr(&format!(
        "After the migration, delete the keys of scope '{scope}' whose copy in '{schema}' is verified identical (and the scope, if that empties it)? [y/N] "
    ));
    let answer = ctx
        .io
        .read_line()
        .map_err(|e| Failure::usage(format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Failure::other(
            "nothing done: the answer was not yes (run without --delete-source to migrate and keep the scope)",
        ))
    }
}

pub async fn migrate(ctx: &Context, args: MigrateArgs, prep: Prepared) -> Result<Report, Failure> {
    let (catalog, schema) = (prep.catalog.as_str(), prep.schema.as_str());
    let full_schema = format!("{catalog}.{schema}");
    let (src, dst) = clients(
        ctx,
        args.from_profile.as_deref(),
        args.to_profile.as_deref(),
    )?;
    let dst = dst.as_ref().unwrap_or(&src);
    let runner = Runner::new(ctx, args.bulk.jobs, src.limiter());
    let values = match (prep.values_file, &args.values_file) {
        (Some(entries), Some(path)) => Values::File(path.clone(), entries),
        _ => Values::Read,
    };
    let scope = args.scope.as_str();
    // The schema's secrets first: a missing schema stops here (exit 3), before any value is read.
    let target = Target::Uc(catalog.to_string(), schema.to_string());
    let in_schema: HashSet<String> = target
        .list(ctx, dst)
        .await?
        .into_iter()
        .map(|n| n.to_lowercase())
        .collect();
    let source = source::read(
        ctx,
        &src,
        &runner,
        (scope, &full_schema),
        values,
        args.with_grants,
    )
    .await?;
    let (namings, problems) = naming::names(&source.keys, &prep.renames);
    let writes: Vec<Written> = source
        .values
        .iter()
        .map(|v| plan::written(v, args.binary))
        .collect();
    let blocked: HashSet<usize> = problems.iter().flat_map(|p| p.keys.clone()).collect();
    let compare: Vec<usize> = (0..source.keys.len())
        .filter(|&i| {
            in_schema.contains(&namings[i].name)
                && !blocked.contains(&i)
                && !matches!(writes[i], Written::Skip(_))
        })
        .collect();
    let existing = compare_existing(
        ctx,
        dst,
        &runner,
        &target,
        &compare,
        (&namings, &writes, &source.values),
    )
    .await?;
    let items = plan::build(&Facts {
        keys: &source.keys,
        writes: &writes,
        names: &namings,
        problems: &problems,
        existing: &existing,
        update_existing: args.update_existing,
    });
    let adds = items.iter().filter(|i| i.action == Action::Add).count();
    let mut blocking = texts(&problems);
    blocking.extend(
        target
            .limit_problems(ctx, dst, in_schema.len(), adds)
            .await?,
    );
    let grants: Vec<Grant> = if args.with_grants {
        grants::translate(&source.acls, &prep.principals)
    } else {
        Vec::new()
    };
    let planned: Vec<Outcome> = items
        .iter()
        .map(|i| match i.action {
            Action::Skip => Outcome::Skipped,
            Action::Blocked => Outcome::Blocked,
            _ if args.dry_run => Outcome::Planned,
            Action::Unchanged => Outcome::Verified,
            _ => Outcome::NotSent,
        })
        .collect();
    let stats = Stats::default();
    let migration = Migration {
        scope,
        schema: &full_schema,
        dry_run: args.dry_run,
        items: &items,
        outcomes: &planned,
        grants: &grants,
        applied: None,
        cleanup: None,
        stats: &stats,
    };
    if !blocking.is_empty() {
        return Ok(migration.report(Some(report::blocked(&blocking))));
    }
    if args.dry_run {
        let mut report = migration.report(None);
        if args.delete_source {
            let n = items.iter().filter(|i| i.action.migrates()).count();
            report = report.note(format!(
                "--delete-source would then delete the {n} source key{} verified in Unity Catalog.",
                if n == 1 { "" } else { "s" }
            ));
        }
        return Ok(report);
    }

    let comments: Vec<Option<String>> = items
        .iter()
        .map(|i| comment(&prep.comment, scope, &i.key, i.base64))
        .collect();
    let (outcomes, mut stats) = run::copy(
        ctx,
        dst,
        &runner,
        (catalog, schema),
        &items,
        &source.values,
        comments,
    )
    .await;
    let stopped = stats.interrupted || stats.fatal.is_some();
    let applied = if args.with_grants && !stopped {
        Some(grants::apply(dst, &UcName::Schema(catalog.into(), schema.into()), &grants).await)
    } else {
        None
    };
    let all_verified = items
        .iter()
        .zip(&outcomes)
        .all(|(i, o)| !i.action.migrates() || *o == Outcome::Verified);
    let mut warnings = Vec::new();
    let cleanup = match (args.delete_source, all_verified && !stopped) {
        (true, true) => {
            let keys: Vec<String> = items
                .iter()
                .filter(|i| i.action.migrates())
                .map(|i| i.key.clone())
                .collect();
            let cleanup = run::delete_source(ctx, &src, &runner, scope, keys).await;
            stats.interrupted |= cleanup.stats.interrupted;
            stats.throttled += cleanup.stats.throttled;
            if stats.fatal.is_none() {
                stats.fatal = cleanup.stats.fatal.clone();
            }
            Some(cleanup)
        }
        (true, false) => {
            warnings.push(format!(
                "--delete-source deleted nothing: not every key was migrated and verified; run the same command again to finish, and the source keys are deleted then (scope '{scope}' is unchanged)"
            ));
            None
        }
        _ => None,
    };
    let failure = report::outcome(
        &outcomes,
        &items,
        &stats,
        applied.as_deref().unwrap_or_default(),
        cleanup.as_ref(),
    );
    let migration = Migration {
        outcomes: &outcomes,
        applied: applied.as_deref(),
        cleanup: cleanup.as_ref(),
        stats: &stats,
        ..migration
    };
    Ok(migration.report(failure).warnings(warnings))
}

fn texts(problems: &[Problem]) -> Vec<String> {
    problems.iter().map(|p| p.text.clone()).collect()
}

/// `migrated from scope S key K` unless `--comment` says otherwise; base64
/// values say so.
fn comment(
    custom: &Option<Option<String>>,
    scope: &str,
    key: &str,
    base64: bool,
) -> Option<String> {
    let text = match custom {
        None => Some(format!("migrated from scope {scope} key {key}")),
        Some(c) => c.clone(),
    };
    match (text, base64) {
        (Some(t), true) => Some(format!("{t}; encoding=base64")),
        (None, true) => Some("encoding=base64".into()),
        (t, false) => t,
    }
}

/// Reads the secrets of the schema that keys would be written to, and
/// compares each with what its key would write: name -> identical. Nothing is
/// written unless every one was read.
async fn compare_existing(
    ctx: &Context,
    client: &dbsecrets_client::Client,
    runner: &Runner<'_>,
    target: &Target,
    which: &[usize],
    (namings, writes, values): (
        &[naming::Naming],
        &[Written],
        &[dbsecrets_client::SecretValue],
    ),
) -> Result<HashMap<String, bool>, Failure> {
    let why = format!("cannot compare with the secrets of {}", target.label());
    let why = why.as_str();
    let (results, stats) = runner
        .run("comparing", which.to_vec(), |i| async move {
            let want = plan::stored_text(&values[i], writes[i] == Written::Base64);
            match target.get(ctx, client, &namings[i].name, why).await {
                Done::Ok(v) => Done::Ok(v.expose_bytes() == want.as_bytes()),
                Done::Failed(e) => Done::Failed(e),
                Done::Fatal(f) => Done::Fatal(f),
                Done::NotSent => Done::NotSent,
            }
        })
        .await;
    if stats.interrupted {
        return Err(Failure::new(
            exit::INTERRUPTED,
            "interrupted (Ctrl-C) while comparing with the schema's secrets: nothing was written",
        ));
    }
    if let Some(fatal) = stats.fatal {
        return Err(fatal);
    }
    let mut same = HashMap::new();
    let mut failed = Vec::new();
    for (&i, done) in which.iter().zip(results) {
        match done {
            Some(Done::Ok(equal)) => {
                same.insert(namings[i].name.clone(), equal);
            }
            Some(Done::Failed(e)) => failed.push(format!("secret '{}': {e}", namings[i].name)),
            _ => failed.push(format!("secret '{}': not read", namings[i].name)),
        }
    }
    if !failed.is_empty() {
        return Err(Failure::other(format!(
            "cannot read {} secret{} of {} to compare: nothing was written",
            failed.len(),
            if failed.len() == 1 { "" } else { "s" },
            target.label()
        ))
        .with_details(failed)
        .with_hint("run the same command again"));
    }
    Ok(same)
}
