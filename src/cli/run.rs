//! `run`, `inject`, `refs`: Databricks secret references resolved into a
//! process's environment or a file.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::Args;

/// Run a command with the secret references of its environment resolved
///
/// Every environment variable whose value holds Databricks secret references
/// ({{secrets/SCOPE/KEY}}, {{secrets/CATALOG.SCHEMA.NAME}}), and every variable of
/// each --env-file, is set for COMMAND with the values read from the workspace:
/// each distinct reference once, all at once. If one cannot be read, COMMAND is
/// not started and every failing reference is listed. COMMAND's stdout and
/// stderr pass through a filter that shows each value (4 bytes or more) as
/// <redacted>: a safety net, not a guarantee. dbsecrets exits with COMMAND's
/// exit code (128+N when a signal N ended it) and forwards SIGINT, SIGTERM and
/// SIGHUP to it.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  DB_PASSWORD='{{secrets/app/db-password}}' dbsecrets run -- ./migrate.sh\n  dbsecrets run --env-file .env.refs -- npm start\n  dbsecrets run --env-file ci.env -p PROD -- pytest -q\n  dbsecrets run --no-masking --env-file .env.refs -- psql   # an interactive program\n\nManual: docs/run.md"
)]
pub struct RunArgs {
    /// Also set the variables of this dotenv file (references allowed in
    /// values); may be repeated, later files win
    #[arg(long, value_name = "FILE")]
    pub env_file: Vec<PathBuf>,

    /// Connect the command's output to the terminal directly, unfiltered: for
    /// interactive programs (editors, REPLs, progress bars) that need a
    /// terminal. Values the command prints are then shown as they are.
    #[arg(long)]
    pub no_masking: bool,

    /// The command and its arguments, after `--` (passed as they are: values
    /// go into the environment only, never onto a command line)
    #[arg(
        last = true,
        required = true,
        value_name = "COMMAND",
        value_parser = clap::value_parser!(OsString)
    )]
    pub command: Vec<OsString>,
}

/// Write a template with its secret references resolved, to a 0600 file or stdout
///
/// Reads TEMPLATE (or standard input), replaces every {{secrets/SCOPE/KEY}} and
/// {{secrets/CATALOG.SCHEMA.NAME}} with its value and writes the result: to
/// --output-file (created with mode 0600, replaced atomically), or to standard
/// output when it is not a terminal (--reveal allows a terminal). Every reference
/// is read before anything is written: one failure writes nothing.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  dbsecrets inject -i config.yaml.tpl --output-file config.yaml\n  dbsecrets inject < app.conf.tpl > /run/secrets/app.conf\n\nManual: docs/run.md"
)]
pub struct InjectArgs {
    /// The template to read [default: standard input]
    #[arg(short = 'i', long = "in-file", value_name = "TEMPLATE")]
    pub input: Option<PathBuf>,

    /// Write to this file (mode 0600, replaced atomically) instead of standard output
    #[arg(long, value_name = "F")]
    pub output_file: Option<PathBuf>,

    /// Allow printing the result on a terminal
    #[arg(long)]
    pub reveal: bool,
}

/// List the secret references of files: file, line, reference, service
///
/// Nothing is read from the workspace unless --check is given, which reads
/// each reference once and reports ok, not-found or no-permission (never a
/// value), and exits non-zero when one cannot be read.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  dbsecrets refs .env.refs config/*.yaml\n  dbsecrets refs .env.refs --check -p PROD     # can this identity read them all?\n\nManual: docs/run.md"
)]
pub struct RefsArgs {
    /// The files to read (any text: dotenv, YAML, JSON, Spark configuration…)
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Read each reference (one request each) and report ok, not-found or
    /// no-permission; no value is printed
    #[arg(long)]
    pub check: bool,
}
