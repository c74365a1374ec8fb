//! copy SRC DST: secrets (and ACLs) from one scope to another, in the same or
//! another workspace; either may be a Unity Catalog schema (`uc:CATALOG.SCHEMA`).
//! Each value goes from `get` to `put` in memory only.

use std::collections::HashSet;

use dbsecrets_client::secrets::models::AclItem;
use dbsecrets_client::{Client, ErrorKind};

use super::import::{no_create_schema, over_limit};
use super::runner::{Done, Runner, Stats};
use super::target::Target;
use super::{create_scope, finish, no_scope_hint, scope_failure, ReportRow};
use crate::cli::CopyArgs;
use crate::context::Context;
use crate::failure::Failure;
use crate::output::Report;

enum Job {
    Secret(String),
    Acl(AclItem),
}

pub async fn copy(ctx: &Context, args: CopyArgs) -> Result<Report, Failure> {
    let (from, to) = (Target::parse(&args.src)?, Target::parse(&args.dst)?);
    if args.with_acls && (from.is_uc() || to.is_uc()) {
        return Err(Failure::usage("--with-acls copies the ACLs of workspace scopes only")
            .with_hint("`dbsecrets migrate SCOPE CATALOG.SCHEMA --with-grants` translates a scope's ACLs into Unity Catalog grants"));
    }
    if args.create_scope && to.is_uc() {
        return Err(no_create_schema());
    }
    let same_target = from.fold(&args.src) == to.fold(&args.dst);
    let same_workspace = args.from_profile == args.to_profile;
    if same_workspace && same_target {
        return Err(Failure::usage(format!(
            "copy from scope '{}' to itself: nothing to do",
            args.src
        ))
        .with_hint("name another scope, or another workspace with --from-profile/--to-profile"));
    }
    let (src, dst) = clients(
        ctx,
        args.from_profile.as_deref(),
        args.to_profile.as_deref(),
    )?;
    let dst = dst.as_ref().unwrap_or(&src);
    // Two profiles may still be one workspace (an environment variable wins
    // over both): compare what they resolved to.
    if src.host() == dst.host() && same_target {
        return Err(Failure::usage(format!(
            "copy from scope '{}' to itself: --from-profile and --to-profile both resolve to {}",
            args.src,
            src.host()
        ))
        .with_hint("check the warnings above: DATABRICKS_HOST or DATABRICKS_TOKEN in the environment wins over every profile; unset them, or name another scope"));
    }

    let keys = from.list(ctx, &src).await?;
    let bad_names: Vec<String> = keys.iter().filter_map(|k| to.name_problem(k)).collect();
    if !bad_names.is_empty() {
        let n = bad_names.len();
        return Err(Failure::usage(format!(
            "{n} key{} of {} {} in {}: nothing was sent",
            if n == 1 { "" } else { "s" },
            from.label(),
            if n == 1 {
                "is not a valid name"
            } else {
                "are not valid names"
            },
            to.label()
        ))
        .with_details(bad_names));
    }
    let acls = if args.with_acls {
        let doing = format!("cannot list the ACLs of scope '{}'", args.src);
        src.secrets().list_acls(&args.src).await.map_err(|e| {
            scope_failure(ctx, &e, &doing, (&args.src, None), || {
                no_scope_hint(ctx, &args.src)
            })
        })?
    } else {
        Vec::new()
    };
    let mut preface = Vec::new();
    let listed = match &to {
        Target::Uc(..) => Ok(to.list(ctx, dst).await?),
        Target::Scope(scope) => dst
            .secrets()
            .list_secrets(scope)
            .await
            .map(|list| list.into_iter().map(|s| s.key).collect()),
    };
    let existing: HashSet<String> = match listed {
        Ok(list) => list.iter().map(|k| to.fold(k)).collect(),
        Err(e) if e.is_not_found() && args.create_scope => {
            if args.dry_run {
                preface.push(format!("Would create scope '{}'.", args.dst));
            } else {
                if create_scope(ctx, dst, &args.dst).await? {
                    preface.push(format!("Created scope '{}'.", args.dst));
                }
            }
            HashSet::new()
        }
        Err(e) => {
            let doing = format!("cannot list secrets in destination scope '{}'", args.dst);
            return Err(scope_failure(ctx, &e, &doing, (&args.dst, None), || {
                "add --create-scope to create it".to_string()
            }));
        }
    };

    let mut planned: Vec<(String, &'static str)> = Vec::new();
    let mut jobs = Vec::new();
    let mut skipped = Vec::new();
    for key in keys {
        let there = existing.contains(&to.fold(&key));
        if there && args.skip_existing {
            skipped.push(key);
            continue;
        }
        planned.push((key.clone(), if there { "update" } else { "add" }));
        jobs.push(Job::Secret(key));
    }
    for acl in acls {
        planned.push((acl.principal.clone(), "put-acl"));
        jobs.push(Job::Acl(acl));
    }
    let adds = planned.iter().filter(|(_, a)| *a == "add").count();
    let problems = to.limit_problems(ctx, dst, existing.len(), adds).await?;
    if !problems.is_empty() {
        return Err(over_limit(problems));
    }
    let what = match (&from, &to) {
        (Target::Scope(_), Target::Scope(_)) => {
            format!("copy of scope '{}' to '{}'", args.src, args.dst)
        }
        _ => format!("copy of {} to {}", from.label(), to.label()),
    };
    let skip_result = if args.dry_run { "dry-run" } else { "ok" };
    let skip_rows = skipped
        .iter()
        .map(|k| ReportRow::new(k, "skip", skip_result));
    if args.dry_run {
        let rows: Vec<ReportRow> = planned
            .iter()
            .map(|(k, a)| ReportRow::new(k, a, "dry-run"))
            .chain(skip_rows)
            .collect();
        return Ok(finish(&what, &rows, &Stats::default(), true).preface(preface));
    }

    let runner = Runner::new(ctx, args.bulk.jobs, src.limiter());
    let why = format!("cannot copy {}", from.label());
    let (src_ref, why_ref) = (&src, why.as_str());
    let (from, to, existing) = (&from, &to, &existing);
    let dst_scope = args.dst.as_str();
    let (results, stats) = runner
        .run("copying", jobs, |job| async move {
            match job {
                Job::Secret(key) => {
                    let value = match from.get(ctx, src_ref, &key, why_ref).await {
                        Done::Ok(v) => v,
                        Done::Failed(e) => return Done::Failed(format!("reading: {e}")),
                        Done::Fatal(e) => return Done::Fatal(e),
                        Done::NotSent => return Done::NotSent,
                    };
                    if let Some(problem) = to.value_problem(&value) {
                        return Done::Failed(problem);
                    }
                    let exists = existing.contains(&to.fold(&key));
                    match to.put(ctx, dst, &key, &value, exists).await {
                        Done::Failed(e) => Done::Failed(format!("writing: {e}")),
                        other => other,
                    }
                }
                Job::Acl(acl) => match dst
                    .secrets()
                    .put_acl(dst_scope, &acl.principal, &acl.permission)
                    .await
                {
                    Ok(()) => Done::Ok(()),
                    Err(e) if e.kind() == ErrorKind::Cancelled => Done::NotSent,
                    Err(e)
                        if matches!(
                            e.kind(),
                            ErrorKind::Unauthenticated | ErrorKind::PermissionDenied
                        ) =>
                    {
                        let doing = format!(
                            "cannot give {} {} on scope '{dst_scope}'",
                            acl.principal, acl.permission
                        );
                        Done::Fatal(ctx.api_failure(&e, &doing))
                    }
                    Err(e) => Done::Failed(e.to_string()),
                },
            }
        })
        .await;
    let rows: Vec<ReportRow> = planned
        .iter()
        .zip(results)
        .map(|((k, a), done)| ReportRow::from_done(k, a, done))
        .chain(skip_rows)
        .collect();
    Ok(finish(&what, &rows, &stats, false).preface(preface))
}

/// The source and (for another profile) the destination client, sharing one
/// rate limiter, the stricter of the two: the limit is per process.
pub fn clients(
    ctx: &Context,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(Client, Option<Client>), Failure> {
    let src = ctx.client_for_profile(from, "--from-profile")?;
    if from == to {
        return Ok((src, None));
    }
    let dst = ctx.client_for_profile(to, "--to-profile")?;
    if dst.limiter().interval() > src.limiter().interval() {
        let limiter = dst.limiter();
        Ok((src.with_limiter(limiter), Some(dst)))
    } else {
        let limiter = src.limiter();
        Ok((src, Some(dst.with_limiter(limiter))))
    }
}
