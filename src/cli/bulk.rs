//! `import`, `export`, `copy`, `sync`.

use std::path::PathBuf;

use clap::Args;

/// The format of an import, export or sync file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FileFormat {
    /// KEY=value lines (.env)
    Env,
    /// One JSON object: key -> "text" or key -> {"value_base64": "..."}
    Json,
}

/// How bulk commands send their requests.
#[derive(Debug, Clone, Args)]
pub struct BulkArgs {
    /// Requests in flight at most; fewer while the workspace throttles (HTTP 429)
    #[arg(long, short = 'j', value_name = "N", default_value_t = 8,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: u16,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Scope name, or a Unity Catalog schema written uc:CATALOG.SCHEMA
    pub scope: String,
    /// The file to read, or `-` for standard input
    pub file: PathBuf,
    /// The file's format [default: json for *.json, else env]
    #[arg(long, value_enum)]
    pub format: Option<FileFormat>,
    /// Prepend this to every key (e.g. `app.`)
    #[arg(long, value_name = "P")]
    pub prefix: Option<String>,
    /// Check the file and print what would be done; send no write
    #[arg(long)]
    pub dry_run: bool,
    /// Create the scope when it does not exist
    #[arg(long)]
    pub create_scope: bool,
    #[command(flatten)]
    pub bulk: BulkArgs,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Scope name, or a Unity Catalog schema written uc:CATALOG.SCHEMA
    pub scope: String,
    /// Output format [default: json when --output-file ends in .json, else env]
    #[arg(long, value_enum)]
    pub format: Option<FileFormat>,
    /// Write to this file (mode 0600, replaced atomically; through a symbolic
    /// link to its target) instead of standard output; a device or pipe
    /// (/dev/fd/N, a FIFO) is written directly
    #[arg(long, value_name = "F")]
    pub output_file: Option<PathBuf>,
    /// Allow printing the values on a terminal
    #[arg(long)]
    pub reveal: bool,
    #[command(flatten)]
    pub bulk: BulkArgs,
}

#[derive(Debug, Args)]
pub struct CopyArgs {
    /// Source scope, or a Unity Catalog schema written uc:CATALOG.SCHEMA
    pub src: String,
    /// Destination scope, or a Unity Catalog schema written uc:CATALOG.SCHEMA
    pub dst: String,
    /// Profile of the source workspace [default: the -p profile]
    #[arg(long, value_name = "P")]
    pub from_profile: Option<String>,
    /// Profile of the destination workspace [default: the -p profile]
    #[arg(long, value_name = "Q")]
    pub to_profile: Option<String>,
    /// Create the destination scope when it does not exist
    #[arg(long)]
    pub create_scope: bool,
    /// Also copy the scope's ACLs (principal and permission)
    #[arg(long)]
    pub with_acls: bool,
    /// Leave keys that the destination already has as they are
    #[arg(long)]
    pub skip_existing: bool,
    /// Print what would be done; send no write
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub bulk: BulkArgs,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Scope name, or a Unity Catalog schema written uc:CATALOG.SCHEMA
    pub scope: String,
    /// The file to read, or `-` for standard input
    pub file: PathBuf,
    /// The file's format [default: json for *.json, else env]
    #[arg(long, value_enum)]
    pub format: Option<FileFormat>,
    /// Also delete the keys of the scope that FILE lacks
    #[arg(long)]
    pub prune: bool,
    /// Print the plan (add / update / delete / unchanged); send no write
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub bulk: BulkArgs,
}
