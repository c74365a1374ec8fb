//! The `dbsecrets emulator` subcommand's arguments.

use super::{run_cli, EmulatorOptions, GetMode};

/// Run a local, in-memory emulator of the Databricks Secrets API.
///
/// Prints the server's URL on the first line of stdout once it is ready, then
/// serves until Ctrl-C. Every request is accepted as the same principal, and
/// all data is lost when it stops.
#[derive(Clone, Debug, clap::Args)]
pub struct EmulatorArgs {
    /// Port to listen on at 127.0.0.1 (0 picks a free port)
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// How `get` answers: return the value, or refuse as workspaces that only
    /// allow reading secrets from notebooks do
    #[arg(long, value_enum, default_value = "allow")]
    pub get_mode: GetMode,

    /// Principal that every caller acts as (it gets MANAGE on scopes it creates)
    #[arg(long, default_value = "admin@example.com")]
    pub principal: String,

    /// Most secret scopes the emulated workspace may hold
    #[arg(long, default_value_t = 1000)]
    pub max_scopes: usize,

    /// Log one line per request (method, path, status) to stderr
    #[arg(short, long)]
    pub verbose: bool,
}

impl EmulatorArgs {
    pub fn run(self) -> anyhow::Result<()> {
        let opts = EmulatorOptions {
            get_mode: self.get_mode,
            principal: self.principal,
            max_scopes: self.max_scopes,
            verbose: self.verbose,
        };
        run_cli(self.port, opts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory as _, Parser};

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: EmulatorArgs,
    }

    #[test]
    fn command_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn defaults() {
        let a = Cli::try_parse_from(["x"]).unwrap().args;
        assert_eq!(
            (a.port, a.get_mode, a.max_scopes),
            (0, GetMode::Allow, 1000)
        );
        assert_eq!(a.principal, "admin@example.com");
        assert!(!a.verbose);
    }

    #[test]
    fn flags() {
        let argv = [
            "x",
            "--port",
            "8080",
            "--get-mode",
            "notebook-only",
            "--principal",
            "me",
            "--max-scopes",
            "3",
            "-v",
        ];
        let a = Cli::try_parse_from(argv).unwrap().args;
        assert_eq!(
            (a.port, a.get_mode, a.max_scopes),
            (8080, GetMode::NotebookOnly, 3)
        );
        assert_eq!(a.principal, "me");
        assert!(a.verbose);
        assert!(Cli::try_parse_from(["x", "--get-mode", "never"]).is_err());
    }
}
