//! `completions`, `man`.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write every page (dbsecrets.1 and one per subcommand, dbsecrets-uc-put.1, …)
    /// into this folder instead of printing the main page
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}
