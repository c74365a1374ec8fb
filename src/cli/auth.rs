//! `auth describe`, `auth profiles`.

use clap::{Args, Subcommand};

/// `dbsecrets auth …`: what a user reads when a job fails with 401 or 403.
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Explain the workspace, profile, config file and auth method in use, and
    /// where each setting comes from (flag, environment variable, or profile);
    /// secrets are shown as ***
    ///
    /// Exits 2 when no auth method can be chosen (the reason is printed after the
    /// description). With --check, also lists scopes once and exits as that call
    /// would (4 when the credentials are rejected).
    #[command(
        after_help = "Examples:\n  dbsecrets auth describe\n  dbsecrets auth describe -p DEV --check\n  DATABRICKS_AUTH_TYPE=oauth-m2m dbsecrets auth describe -o json"
    )]
    Describe(AuthCheckArgs),

    /// List every profile of the config file with its host, the auth method it
    /// would use and whether it is valid; no network unless --check
    ///
    /// Each profile is shown on its own: DATABRICKS_* variables in the environment
    /// (which take precedence over every profile) are not applied.
    #[command(
        after_help = "Examples:\n  dbsecrets auth profiles\n  dbsecrets auth profiles --check -o json"
    )]
    Profiles(AuthCheckArgs),
}

#[derive(Debug, Args)]
pub struct AuthCheckArgs {
    /// Also make one authenticated call (list-scopes) to check that the credentials work
    #[arg(long)]
    pub check: bool,
}
