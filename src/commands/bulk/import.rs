//! import SCOPE FILE: put every entry of a dotenv or JSON file.

use std::collections::HashSet;

use super::runner::{Runner, Stats};
use super::{file, finish, list_keys, put_job, ReportRow};
use crate::app::Context;
use crate::cli::ImportArgs;
use crate::error::CliError;
use crate::validate;

pub async fn import(ctx: &Context, args: ImportArgs) -> Result<(), CliError> {
    validate::scope(&args.scope)?;
    let entries = file::load(&args.file, args.format, args.prefix.as_deref())?;
    let client = ctx.client()?;
    let existing: HashSet<String> = list_keys(ctx, &client, &args.scope)
        .await?
        .into_iter()
        .map(|k| k.to_ascii_lowercase())
        .collect();
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
        return finish(ctx, &what, &rows, &Stats::default(), true);
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
    finish(ctx, &what, &rows, &stats, false)
}
