//! export TARGET: every key of a scope or a Unity Catalog schema with its
//! value, as dotenv or JSON, to a 0600 file or to standard output (never a
//! terminal unless --reveal).

use dbsecrets_client::SecretValue;

use super::file;
use super::runner::{Done, Runner};
use super::target::Target;
use crate::cli::{ExportArgs, FileFormat};
use crate::context::Context;
use crate::failure::{exit, Failure};
use crate::output::{Body, Report};
use crate::private_file::{write_private, Written};

/// Who may read an `--output-file`: mode 0600 on Unix; on Windows the ACLs
/// inherited from its folder decide (see `private_file`).
#[cfg(unix)]
const FILE_ACCESS: &str = "mode 0600";
#[cfg(not(unix))]
const FILE_ACCESS: &str = "access inherited from its folder";

pub async fn export(ctx: &Context, args: ExportArgs) -> Result<Report, Failure> {
    let target = Target::parse(&args.scope)?;
    let format = file::format_for(args.output_file.as_deref(), args.format);
    refuse_terminal(args.output_file.is_none(), ctx.term().stdout, args.reveal)?;
    let client = ctx.client()?;
    let keys = target.list(ctx, &client).await?;
    if format == FileFormat::Env {
        // Known before reading any value: refuse early.
        let bad: Vec<String> = keys
            .iter()
            .filter(|k| !file::env_key_ok(k))
            .map(|k| format!("key '{k}': dotenv keys are letters, digits, '_' and '.', starting with a letter or '_'"))
            .collect();
        if !bad.is_empty() {
            return Err(refused_env(bad));
        }
    }
    let runner = Runner::new(ctx, args.bulk.jobs, client.limiter());
    let why = format!("cannot export {}", target.label());
    let (client_ref, target_ref, why_ref) = (&client, &target, why.as_str());
    let (results, stats) = runner
        .run("reading", keys.clone(), |k| async move {
            target_ref.get(ctx, client_ref, &k, why_ref).await
        })
        .await;
    let total = keys.len();
    let mut items: Vec<(String, SecretValue)> = Vec::with_capacity(total);
    let mut failed = Vec::new();
    for (key, done) in keys.into_iter().zip(results) {
        match done {
            Some(Done::Ok(v)) => items.push((key, v)),
            Some(Done::Failed(e)) => failed.push(format!("key '{key}': {e}")),
            _ => {}
        }
    }
    if stats.interrupted {
        return Err(Failure::new(
            exit::INTERRUPTED,
            format!(
                "interrupted (Ctrl-C) after reading {} of {total} values: nothing was written",
                items.len()
            ),
        ));
    }
    if let Some(fatal) = stats.fatal {
        return Err(fatal);
    }
    if !failed.is_empty() {
        return Err(Failure::other(format!(
            "cannot read {} of {total} values of {}: nothing was written (an incomplete export would look complete)",
            failed.len(),
            target.label()
        ))
        .with_details(failed)
        .with_hint("run the same command again"));
    }
    let bytes = match format {
        FileFormat::Json => file::render_json(&items),
        FileFormat::Env => file::render_env(&items).map_err(refused_env)?,
    };
    match &args.output_file {
        Some(path) => {
            let mode = match write_private(path, &bytes)? {
                Written::File => format!(" ({FILE_ACCESS})"),
                Written::Stream => String::new(),
            };
            Ok(Report::new(Body::Nothing).note(format!(
                "Exported {} secret{} of {} to {}{mode}.",
                items.len(),
                if items.len() == 1 { "" } else { "s" },
                target.label(),
                path.display()
            )))
        }
        None => Ok(Report::new(Body::Raw(bytes))),
    }
}

/// Values are not printed on a terminal (shoulder surfing, scrollback,
/// screen sharing) unless asked for.
fn refuse_terminal(to_stdout: bool, stdout_is_terminal: bool, reveal: bool) -> Result<(), Failure> {
    if to_stdout && stdout_is_terminal && !reveal {
        return Err(Failure::usage(
            "refusing to print secret values on the terminal: nothing was read",
        )
        .with_hint("write them to a file with --output-file F (mode 0600), redirect standard output, or add --reveal"));
    }
    Ok(())
}

fn refused_env(problems: Vec<String>) -> Failure {
    Failure::other(format!(
        "cannot export {} secret{} as dotenv: nothing was written",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    ))
    .with_details(problems)
    .with_hint("use --format json, which holds any key and binary values (as value_base64)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_needs_reveal() {
        assert!(refuse_terminal(true, true, false).is_err());
        assert!(refuse_terminal(true, true, true).is_ok());
        assert!(refuse_terminal(true, false, false).is_ok());
        assert!(refuse_terminal(false, true, false).is_ok());
    }
}
