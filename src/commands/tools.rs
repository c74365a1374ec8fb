//! Commands that need neither a workspace nor the async runtime: the shell
//! completion script, the manual page, and the local emulator.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::failure::Failure;
use crate::output::Report;

pub fn completions(args: CompletionsArgs) -> Report {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "dbsecrets", &mut out);
    Report::raw(out)
}

pub fn man() -> Result<Report, Failure> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| Failure::other(format!("cannot render the manual page: {e}")))?;
    Ok(Report::raw(out))
}

/// Serves until Ctrl-C or SIGTERM (the emulator has its own runtime).
pub fn emulator(args: dbsecrets_emulator::EmulatorArgs) -> Result<Report, Failure> {
    args.run()?;
    Ok(Report::new(crate::output::Body::Nothing))
}
