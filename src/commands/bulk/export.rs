//! export SCOPE: every key with its value, as dotenv or JSON, to a 0600 file or
//! to standard output (never a terminal unless --reveal).

use std::io::Write;
use std::path::Path;

use super::runner::{Done, Runner};
use super::{file, get_job, list_keys};
use crate::app::{write_stdout, Context};
use crate::cli::{ExportArgs, FileFormat};
use crate::error::{exit, CliError};
use crate::secret::SecretValue;
use crate::validate;

pub async fn export(ctx: &Context, args: ExportArgs) -> Result<(), CliError> {
    validate::scope(&args.scope)?;
    let format = file::format_for(args.output_file.as_deref(), args.format);
    refuse_terminal(args.output_file.is_none(), ctx.term.stdout, args.reveal)?;
    let client = ctx.client()?;
    let keys = list_keys(ctx, &client, &args.scope).await?;
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
    let why = format!("cannot export scope '{}'", args.scope);
    let (client_ref, scope, why_ref) = (&client, args.scope.as_str(), why.as_str());
    let (results, stats) = runner
        .run("reading", keys.clone(), |k| async move {
            get_job(ctx, client_ref, scope, &k, why_ref).await
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
        return Err(CliError::new(
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
        return Err(CliError::failure(format!(
            "cannot read {} of {total} values of scope '{}': nothing was written (an incomplete export would look complete)",
            failed.len(),
            args.scope
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
            write_private(path, &bytes)?;
            ctx.info(&format!(
                "Exported {} secret{} of scope '{}' to {} (mode 0600).",
                items.len(),
                if items.len() == 1 { "" } else { "s" },
                args.scope,
                path.display()
            ));
            Ok(())
        }
        None => write_stdout(&bytes),
    }
}

/// Values are not printed on a terminal (shoulder surfing, scrollback,
/// screen sharing) unless asked for.
fn refuse_terminal(
    to_stdout: bool,
    stdout_is_terminal: bool,
    reveal: bool,
) -> Result<(), CliError> {
    if to_stdout && stdout_is_terminal && !reveal {
        return Err(CliError::usage(
            "refusing to print secret values on the terminal: nothing was read",
        )
        .with_hint("write them to a file with --output-file F (mode 0600), redirect standard output, or add --reveal"));
    }
    Ok(())
}

fn refused_env(problems: Vec<String>) -> CliError {
    CliError::failure(format!(
        "cannot export {} secret{} as dotenv: nothing was written",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    ))
    .with_details(problems)
    .with_hint("use --format json, which holds any key and binary values (as value_base64)")
}

/// Writes `bytes` to `path` readable by the owner only: a new file created with
/// mode 0600 (never widened, never chmod-ed after the fact) in the same
/// folder, then renamed over `path`, so that no reader ever sees a partial
/// file or one with wider permissions.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let shown = path.display().to_string();
    let err =
        |what: &str, e: std::io::Error| CliError::failure(format!("cannot {what} {shown}: {e}"));
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| CliError::usage(format!("--output-file {shown} is not a file name")))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .map_err(|e| err("write", e))
        .and_then(|()| std::fs::rename(&tmp, path).map_err(|e| err("replace", e)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
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

    #[cfg(unix)]
    #[test]
    fn private_file_replaces_a_wider_one() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.env");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&p, b"new").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
