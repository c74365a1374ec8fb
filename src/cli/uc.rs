//! `uc …`: Unity Catalog secrets (`CATALOG.SCHEMA.NAME`) and their grants.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Redacted;

const UC_ABOUT: &str = "\
Names: CATALOG.SCHEMA.NAME for a secret, CATALOG.SCHEMA for a schema, CATALOG for a
catalog. Names are stored in lower case; they may not hold '.', spaces, '/' or
control characters (255 characters at most).

The official CLI's `databricks secrets-uc` command names work as aliases
(create-secret = put, get-secret = get, list-secrets = list, update-secret =
update, delete-secret = delete), with the argument forms documented here.";

/// `dbsecrets uc …`.
#[derive(Debug, Subcommand)]
#[command(after_help = UC_ABOUT)]
pub enum UcCommand {
    /// List Unity Catalog secrets: a schema's, or every one you can see (metadata only)
    #[command(
        visible_alias = "list-secrets",
        after_help = "Columns: full name, owner, comment, expires, updated, updated by. Every page is read.\n\nExamples:\n  dbsecrets uc list main.orders_app\n  dbsecrets uc list --expiring 30d -o csv      # a rotation report: expiring soon or expired"
    )]
    List(UcListArgs),

    /// Create a secret, or set a new value (and the given fields) of an existing one
    ///
    /// The value comes from --value, --value-file, standard input when it is not a
    /// terminal (one trailing newline removed), or a hidden prompt (asked twice). It
    /// must be UTF-8 text of at most 60 KiB.
    #[command(
        visible_alias = "create-secret",
        after_help = "Examples:\n  dbsecrets uc put main.orders_app.vendor_api_key            # prompts twice, input hidden\n  printf '%s' \"$KEY\" | dbsecrets uc put main.orders_app.vendor_api_key --comment 'Vendor X' --expires 90d\n  dbsecrets uc put main.orders_app.tls_cert --value-file cert.pem --no-overwrite"
    )]
    Put(UcPutArgs),

    /// Print a secret's value (exact bytes; -o json adds the metadata)
    #[command(
        visible_alias = "get-secret",
        after_help = "Needs READ SECRET on the secret, its schema or its catalog.\n\nExamples:\n  export API_KEY=\"$(dbsecrets uc get main.orders_app.vendor_api_key)\"\n  dbsecrets uc get main.orders_app.vendor_api_key -o json"
    )]
    Get(UcNameArg),

    /// Show a secret's metadata: owner, comment, expiry, who changed it when (never the value)
    #[command(after_help = "Example:\n  dbsecrets uc show main.orders_app.vendor_api_key -o json")]
    Show(UcNameArg),

    /// Change a secret's comment, expiry or owner (never the value: that is `uc put`)
    #[command(
        visible_alias = "update-secret",
        after_help = "Examples:\n  dbsecrets uc update main.orders_app.vendor_api_key --expires 2027-01-01\n  dbsecrets uc update main.orders_app.vendor_api_key --no-expiry --comment 'rotated by CI'\n  dbsecrets uc update main.orders_app.vendor_api_key --owner orders-admins"
    )]
    Update(UcUpdateArgs),

    /// Delete a secret (and its grants)
    #[command(
        visible_alias = "delete-secret",
        after_help = "Examples:\n  dbsecrets uc delete main.orders_app.old_key\n  dbsecrets uc delete main.orders_app.old_key --if-exists   # safe to run twice"
    )]
    Delete(UcDeleteArgs),

    /// Show who holds which privileges on a secret, a schema or a catalog
    #[command(
        after_help = "Examples:\n  dbsecrets uc grants main.orders_app.vendor_api_key\n  dbsecrets uc grants main.orders_app.vendor_api_key --effective   # inherited too, and from where\n  dbsecrets uc grants main.orders_app -o json"
    )]
    Grants(UcGrantsArgs),

    /// Grant privileges to a principal on a secret, a schema or a catalog
    ///
    /// Privileges in any spelling: `read secret`, `READ_SECRET`. The secret
    /// privileges are CREATE SECRET, READ SECRET, WRITE SECRET, REFERENCE SECRET
    /// and MANAGE; a principal also needs USE CATALOG and USE SCHEMA on the parents.
    #[command(
        after_help = "Examples:\n  dbsecrets uc grant main.orders_app orders-sp 'use schema' 'read secret'\n  dbsecrets uc grant main orders-sp USE_CATALOG\n  dbsecrets uc grant main.orders_app.warehouse_password reporting-sp READ_SECRET"
    )]
    Grant(UcGrantArgs),

    /// Revoke privileges of a principal on a secret, a schema or a catalog
    #[command(
        after_help = "Example:\n  dbsecrets uc revoke main.orders_app.vendor_api_key bob@example.com 'write secret'"
    )]
    Revoke(UcGrantArgs),
}

#[derive(Debug, Args)]
pub struct UcNameArg {
    /// The secret: CATALOG.SCHEMA.NAME
    pub name: String,
}

#[derive(Debug, Args)]
pub struct UcListArgs {
    /// A schema, CATALOG.SCHEMA; without it, every secret you can see
    pub schema: Option<String>,
    /// Keep only secrets whose expiry falls within this window or has passed (e.g. 30d, 12h)
    #[arg(long, value_name = "WITHIN")]
    pub expiring: Option<String>,
    /// Secrets per page (1 to 1000; the server's default otherwise)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub page_size: Option<u32>,
}

#[derive(Debug, Args)]
pub struct UcPutArgs {
    /// The secret: CATALOG.SCHEMA.NAME
    pub name: String,
    /// The value, as text. Visible to other users of this machine (process list) and
    /// kept in shell history: prefer standard input, --value-file or the prompt
    #[arg(
        long,
        allow_hyphen_values = true,
        value_name = "V",
        conflicts_with = "value_file"
    )]
    pub value: Option<Redacted>,
    /// Read the value from a file (UTF-8 text, kept byte for byte)
    #[arg(long, value_name = "PATH")]
    pub value_file: Option<PathBuf>,
    /// A comment: what the secret is for, who to ask ('' for none; up to 65,536 characters)
    #[arg(long, value_name = "TEXT")]
    pub comment: Option<String>,
    /// When it should be rotated: a date (2027-01-01), RFC 3339, or a duration from now (90d)
    #[arg(long, value_name = "WHEN")]
    pub expires: Option<String>,
    /// Make this principal its owner (default: you)
    #[arg(long, value_name = "PRINCIPAL")]
    pub owner: Option<String>,
    /// Refuse (exit 5) when the secret already exists: never change it
    #[arg(long)]
    pub no_overwrite: bool,
}

#[derive(Debug, Args)]
pub struct UcUpdateArgs {
    /// The secret: CATALOG.SCHEMA.NAME
    pub name: String,
    /// A new comment ('' removes it; up to 65,536 characters)
    #[arg(long, value_name = "TEXT")]
    pub comment: Option<String>,
    /// A new expiry: a date (2027-01-01), RFC 3339, or a duration from now (90d)
    #[arg(long, value_name = "WHEN", conflicts_with = "no_expiry")]
    pub expires: Option<String>,
    /// Remove the expiry
    #[arg(long)]
    pub no_expiry: bool,
    /// A new owner
    #[arg(long, value_name = "PRINCIPAL")]
    pub owner: Option<String>,
}

#[derive(Debug, Args)]
pub struct UcDeleteArgs {
    /// The secret: CATALOG.SCHEMA.NAME
    pub name: String,
    /// Succeed (exit 0) when the secret does not exist
    #[arg(long)]
    pub if_exists: bool,
}

#[derive(Debug, Args)]
pub struct UcGrantsArgs {
    /// CATALOG, CATALOG.SCHEMA or CATALOG.SCHEMA.NAME
    pub name: String,
    /// Show the privileges in force, inherited ones included, with where each comes from
    #[arg(long)]
    pub effective: bool,
}

#[derive(Debug, Args)]
pub struct UcGrantArgs {
    /// CATALOG, CATALOG.SCHEMA or CATALOG.SCHEMA.NAME
    pub name: String,
    /// A user name, a service principal's application id, or a group name
    pub principal: String,
    /// One or more privileges, e.g. `read secret` or READ_SECRET
    #[arg(required = true, num_args = 1..)]
    pub privileges: Vec<String>,
}
