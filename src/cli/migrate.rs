//! `migrate`: a workspace secret scope into a Unity Catalog schema.

use std::path::PathBuf;

use clap::Args;

use super::{BulkArgs, FileFormat};

/// What to do with values that are not UTF-8 text (Unity Catalog holds text only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum BinaryMode {
    /// Leave them in the scope and report them
    #[default]
    Skip,
    /// Store their base64 text, and say so in the comment (encoding=base64)
    Base64,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The workspace secret scope to move
    pub scope: String,
    /// The Unity Catalog schema to move it into: CATALOG.SCHEMA (it must exist)
    pub schema: String,
    /// Print the plan (every key: source, target, action, reason) and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Store key OLD under the name NEW (repeatable); other keys are lower-cased, '.' -> '_'
    #[arg(long = "rename", value_name = "OLD=NEW")]
    pub renames: Vec<String>,
    /// Values that are not UTF-8 text: skip them (reported), or store them as base64 text
    #[arg(long, value_enum, value_name = "MODE", default_value_t = BinaryMode::Skip)]
    pub binary: BinaryMode,
    /// Replace secrets that exist in the schema with a different value (identical ones are never rewritten)
    #[arg(long)]
    pub update_existing: bool,
    /// The comment of every migrated secret [default: "migrated from scope S key K"]
    #[arg(long, value_name = "TEXT")]
    pub comment: Option<String>,
    /// Also translate the scope's ACLs into Unity Catalog grants on the schema and its catalog
    #[arg(long)]
    pub with_grants: bool,
    /// Grant to TO what the scope's ACLs give FROM (repeatable), e.g. users='account users'
    #[arg(
        long = "map-principal",
        value_name = "FROM=TO",
        requires = "with_grants"
    )]
    pub map_principals: Vec<String>,
    /// Then delete the source keys whose copy is verified identical (and the scope, if that empties it)
    #[arg(long)]
    pub delete_source: bool,
    /// Do not ask before --delete-source (needed when not on a terminal)
    #[arg(long, short = 'y', requires = "delete_source")]
    pub yes: bool,
    /// Profile of the workspace that holds the scope [default: the -p profile]
    #[arg(long, value_name = "P")]
    pub from_profile: Option<String>,
    /// Profile of a workspace attached to the target metastore [default: the -p profile]
    #[arg(long, value_name = "Q")]
    pub to_profile: Option<String>,
    /// Take the values from this export of the scope (dotenv or JSON, `-` for standard input) instead of reading them
    #[arg(long, value_name = "FILE", conflicts_with = "delete_source")]
    pub values_file: Option<PathBuf>,
    /// The format of --values-file [default: json for *.json, else env]
    #[arg(long, value_enum, requires = "values_file")]
    pub format: Option<FileFormat>,
    #[command(flatten)]
    pub bulk: BulkArgs,
}
