//! dbsecrets, the command-line tool: manage Databricks secret scopes, secrets
//! and scope ACLs.
//!
//! The data path reads left to right: argv → [`cli`] (clap definitions) →
//! [`commands`] (functions from options and a [`context::Context`] to a
//! [`output::Report`]) → the `dbsecrets-client` library (settings, sign-in,
//! the services) → [`output`] (the report in table, JSON or CSV) → stdout.
//! Failures become exit codes and hints in one table ([`failure`]).
//! `docs/ARCHITECTURE.md` is the map.

pub mod cli;
pub mod commands;
pub mod context;
pub mod failure;
pub mod hygiene;
pub mod input;
pub mod mask;
pub mod output;
pub mod private_file;
pub mod refs;
pub mod terminal;

#[cfg(test)]
mod in_process_tests;

use std::ffi::OsString;

use clap::Parser;

use crate::cli::Cli;
use crate::commands::Job;
use crate::context::{Context, Interrupt};
use crate::failure::{exit, Failure};
use crate::terminal::Io;

/// A command line, parsed.
pub enum Parsed {
    /// A command to run.
    Run(Box<Cli>),
    /// Nothing to run: help or the version was printed; exit with this code.
    Exit(u8),
}

/// Parses a command line: the command to run, or what was printed instead
/// (--help, --version; the help when a command is missing), or the usage
/// error to print.
pub fn parse<I, T>(args: I, io: &Io) -> Result<Parsed, Failure>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    match Cli::try_parse_from(&args) {
        Ok(cli) => Ok(Parsed::Run(Box::new(cli))),
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // `dbsecrets` (or `dbsecrets uc`) alone: the help, as clap tools do,
            // on stderr (stdout is for data) with the usage-error exit code.
            io.write_stderr(&e.render().to_string());
            Ok(Parsed::Exit(exit::USAGE))
        }
        Err(e) if !e.use_stderr() => {
            // --help and --version: on stdout, exit 0.
            let text = if io.term.color {
                e.render().ansi().to_string()
            } else {
                e.render().to_string()
            };
            io.write_stdout(text.as_bytes())?;
            Ok(Parsed::Exit(exit::OK))
        }
        Err(e) => Err(cli::usage_error(&e, &args)),
    }
}

/// Runs one parsed command line with these streams: the command's report is
/// written, and its failure (if any) returned for `main` to print.
pub fn run(cli: Cli, io: Io) -> Result<(), Failure> {
    let ctx = Context::new(cli.global, io);
    run_in(ctx, cli.command)
}

/// Runs a command in a context of the caller's making (tests run commands
/// in-process with their own streams, terminal facts and environment).
pub fn run_in(mut ctx: Context, command: cli::Command) -> Result<(), Failure> {
    // Graceful commands watch Ctrl-C through this, and so do their clients;
    // for the others it never fires.
    let cancel = dbsecrets_client::Cancel::new();
    ctx.interrupt = Interrupt(cancel.clone());
    let ctx = ctx;
    let report = match commands::plan(&ctx, command)? {
        Job::Done(report) => *report,
        // It handles signals itself (`run` forwards them to its command).
        Job::Foreground(work) => runtime()?.block_on(work)?,
        Job::Run { graceful, work } => {
            runtime()?.block_on(async {
                let signals = async {
                    if tokio::signal::ctrl_c().await.is_err() {
                        std::future::pending::<()>().await;
                    }
                    if graceful {
                        // The first Ctrl-C: send nothing new (no retry either),
                        // let the requests on the wire finish, report. A second
                        // one stops at once.
                        cancel.cancel();
                        let _ = tokio::signal::ctrl_c().await;
                    }
                };
                tokio::select! {
                    biased;
                    _ = signals => Err(interrupted()),
                    result = work => result,
                }
            })?
        }
    };
    output::emit(&ctx.io, ctx.format(), ctx.style(), ctx.global.quiet, report)
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::other(format!("cannot start the async runtime: {e}")))
}

/// Ctrl-C: stop at once and say what that means for the workspace.
fn interrupted() -> Failure {
    Failure::new(exit::INTERRUPTED, "interrupted (Ctrl-C): the command stopped before it finished")
        .with_hint("a request in flight may or may not have been applied; run the command again to be sure (every dbsecrets write is idempotent)")
}
