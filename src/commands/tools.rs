//! Commands that need neither a workspace nor the async runtime: the shell
//! completion script and the local emulator (`man` is in `man.rs`).

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::failure::Failure;
use crate::output::Report;

pub fn completions(args: CompletionsArgs) -> Report {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "dbsecrets", &mut out);
    Report::raw(out)
}

/// Serves until Ctrl-C or SIGTERM (the emulator has its own runtime).
pub fn emulator(args: dbsecrets_emulator::EmulatorArgs) -> Result<Report, Failure> {
    args.run()?;
    Ok(Report::new(crate::output::Body::Nothing))
}
