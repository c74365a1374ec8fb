//! `run`, `inject`, `refs`: Databricks secret references (`crate::refs`)
//! resolved into a command's environment or a file, or listed.
//!
//! The shape of each: find every reference and refuse anything that looks
//! like one but is not (exit 2, nothing sent); read each distinct reference
//! once, all at once (`resolve.rs`); one failure stops everything before the
//! command starts or the file is written, listing every failing reference.
//!
//! `run` ends with its command's exit code: a command that fails is not a
//! dbsecrets failure to describe, so it returns [`Failure::exit_code_only`]
//! (the code, no message) through the same path as every other exit code.

mod child;
mod env;
mod list;
mod resolve;

use std::ffi::OsString;

use secrecy::zeroize::Zeroizing;

pub use list::refs;

use self::child::{signal_name, Signals, Spec};
use self::env::{problems_failure, EnvFile, EnvPlan};
use crate::cli::{InjectArgs, RunArgs};
use crate::context::Context;
use crate::failure::{exit, Failure};
use crate::mask::Masker;
use crate::output::{Body, Report};
use crate::private_file::write_private;

pub async fn run(ctx: &Context, args: RunArgs) -> Result<Report, Failure> {
    let mut signals = Signals::install()?;
    let mut command = args.command.into_iter();
    let program = command.next().expect("clap requires COMMAND");
    let command_args: Vec<OsString> = command.collect();
    warn_about_arguments(ctx, &command_args);
    let files = args
        .env_file
        .iter()
        .map(|p| {
            let name = p.display().to_string();
            std::fs::read(p)
                .map(|bytes| EnvFile {
                    name: name.clone(),
                    bytes,
                })
                .map_err(|e| Failure::usage(format!("cannot read --env-file {name}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let plan = EnvPlan::new(std::env::vars_os(), &files)?;
    drop(files);
    let references = plan.references();
    let consequence = "the command was not started";
    let outcomes = tokio::select! {
        outcomes = resolve::read_all(ctx, &references) => outcomes?,
        n = signals.next() => return Err(Failure::new(
            u8::try_from(128 + n).unwrap_or(exit::INTERRUPTED),
            format!("interrupted ({}) while reading secret references: {consequence}", signal_name(n)),
        )),
    };
    let values = resolve::all_or_nothing(&references, outcomes, |r| plan.used_by(r), consequence)?;
    let env = plan.render(&values)?;
    let masker = if args.no_masking {
        None
    } else {
        Masker::new(values.values().map(|v| v.as_slice()))
    };
    // The masker keeps its own copy; these are wiped now.
    drop(values);
    let spec = Spec {
        program,
        args: command_args,
        env,
        masker,
        stdout: ctx.io.stdout(),
        stderr: ctx.io.stderr(),
    };
    match child::run(spec, &mut signals).await? {
        exit::OK => Ok(Report::new(Body::Nothing)),
        code => Err(Failure::exit_code_only(code)),
    }
}

/// A reference on the command line is not resolved (a value there would be
/// visible to every user of the machine): say so.
fn warn_about_arguments(ctx: &Context, args: &[OsString]) {
    if args
        .iter()
        .any(|a| !crate::refs::scan(a.as_encoded_bytes()).is_empty())
    {
        ctx.warn("an argument of the command holds a secret reference: references are resolved in the environment only (a value on a command line is visible to every user of the machine); set a variable to the reference and use it, e.g. sh -c 'tool --password \"$DB_PASSWORD\"'");
    }
}

/// The template: `-i TEMPLATE`, else standard input (read before the runtime
/// starts, as every input is).
pub fn read_template(ctx: &Context, args: &InjectArgs) -> Result<Vec<u8>, Failure> {
    refuse_terminal(args.output_file.is_none(), ctx.term().stdout, args.reveal)?;
    let mut bytes = Vec::new();
    let (name, read) = match &args.input {
        Some(path) => (
            path.display().to_string(),
            std::fs::File::open(path).and_then(|mut f| {
                crate::terminal::read_at_most(&mut f, &mut bytes, MAX_TEMPLATE_BYTES)
            }),
        ),
        None => {
            if ctx.term().stdin {
                return Err(
                    Failure::usage("no template: standard input is a terminal").with_hint(
                        "give the template with -i TEMPLATE, or on standard input (< TEMPLATE)",
                    ),
                );
            }
            (
                "standard input".to_string(),
                ctx.io.read_stdin(&mut bytes, MAX_TEMPLATE_BYTES),
            )
        }
    };
    // Size-checked while reading: a template that never ends stops at the limit.
    match read {
        Ok(true) => Ok(bytes),
        Ok(false) => Err(Failure::usage(format!(
            "the template {name} is larger than {} MiB: nothing was written",
            MAX_TEMPLATE_BYTES / 1024 / 1024
        ))
        .with_hint("check that it is the file you meant")),
        Err(e) => Err(Failure::usage(format!("cannot read {name}: {e}"))),
    }
}

/// The largest template `inject` reads: far more than a configuration file.
const MAX_TEMPLATE_BYTES: u64 = 64 * 1024 * 1024;

pub async fn inject(ctx: &Context, args: InjectArgs, template: Vec<u8>) -> Result<Report, Failure> {
    let template = Zeroizing::new(template);
    let source = match &args.input {
        Some(p) => p.display().to_string(),
        None => "standard input".to_string(),
    };
    let scan = crate::refs::scan(&template);
    let consequence = "nothing was written";
    if !scan.problems.is_empty() {
        let problems = scan
            .problems
            .iter()
            .map(|p| {
                format!(
                    "{source} line {}: {p}",
                    crate::refs::line_of(&template, p.at)
                )
            })
            .collect();
        return Err(problems_failure(problems, consequence));
    }
    let mut references = Vec::new();
    for f in &scan.found {
        if !references.contains(&f.reference) {
            references.push(f.reference.clone());
        }
    }
    let outcomes = resolve::read_all(ctx, &references).await?;
    let used_by = |r: &crate::refs::Reference| {
        let lines: Vec<String> = scan
            .found
            .iter()
            .filter(|f| &f.reference == r)
            .map(|f| crate::refs::line_of(&template, f.span.start).to_string())
            .collect();
        format!("{source} line {}", lines.join(", "))
    };
    let values = resolve::all_or_nothing(&references, outcomes, used_by, consequence)?;
    let rendered = Zeroizing::new(crate::refs::substitute(&template, &scan.found, |r| {
        values[r].as_slice()
    }));
    let n = scan.found.len();
    match &args.output_file {
        Some(path) => {
            write_private(path, &rendered)?;
            Ok(Report::new(Body::Nothing).note(format!(
                "Wrote {} with {n} secret reference{} resolved (mode 0600).",
                path.display(),
                if n == 1 { "" } else { "s" }
            )))
        }
        None => Ok(Report::new(Body::Raw(rendered))),
    }
}

/// Values are not printed on a terminal (shoulder surfing, scrollback,
/// screen sharing) unless asked for; checked before anything is read.
fn refuse_terminal(to_stdout: bool, stdout_is_terminal: bool, reveal: bool) -> Result<(), Failure> {
    if to_stdout && stdout_is_terminal && !reveal {
        return Err(Failure::usage(
            "refusing to print secret values on the terminal: nothing was read",
        )
        .with_hint("write them to a file with --output-file F (mode 0600), redirect standard output, or add --reveal"));
    }
    Ok(())
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
