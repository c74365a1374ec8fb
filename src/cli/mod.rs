//! The command line, declared with clap: only definitions. Doc comments here
//! ARE the `--help` text. One file per command group, as in `commands/`.

mod acls;
mod auth;
mod bulk;
mod migrate;
mod run;
mod scopes;
mod secrets;
mod tools;
mod uc;
mod usage;

use clap::{Args, Parser, Subcommand};

pub use acls::*;
pub use auth::*;
pub use bulk::*;
pub use migrate::*;
pub use run::*;
pub use scopes::*;
pub use secrets::*;
pub use tools::*;
pub use uc::*;
pub use usage::usage_error;

use crate::output::Format;

const EXAMPLES: &str = "\
Examples:
  dbsecrets list-scopes -p DEV
  dbsecrets create-scope my-app-secrets -p DEV
  dbsecrets put my-app-secrets api-key -p DEV            # prompts, input hidden
  echo \"$TOKEN\" | dbsecrets put my-app-secrets api-key   # from standard input
  dbsecrets list my-app-secrets -p DEV -o json           # keys only, never values
  dbsecrets acls my-app-secrets -p DEV
  dbsecrets emulator --port 8765                         # a local workspace to try things

Configuration: the same ~/.databrickscfg profiles and DATABRICKS_* variables as the
databricks CLI (DATABRICKS_HOST, DATABRICKS_TOKEN, DATABRICKS_CONFIG_PROFILE, ...).
Exit codes: 0 ok, 1 failure, 2 usage or input error, 3 not found, 4 not authenticated
or not permitted, 5 already exists.

The manual: docs/README.md in the dbsecrets source (one page per topic).";

/// Manage Databricks secret scopes, secrets and scope ACLs.
///
/// Talks to the Databricks Secrets API 2.0 of the workspace that your
/// ~/.databrickscfg profile or DATABRICKS_* environment names. Secret values are
/// never printed, except by `get` and `export`, which exist to print them.
#[derive(Debug, Parser)]
#[command(
    name = "dbsecrets",
    version,
    about,
    long_about,
    after_help = EXAMPLES,
    max_term_width = 100,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags that every command takes, before or after the subcommand.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// Profile of the config file (~/.databrickscfg) to use [env: DATABRICKS_CONFIG_PROFILE]
    #[arg(short, long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Workspace URL, overriding DATABRICKS_HOST and the profile's host
    #[arg(long, global = true, value_name = "URL")]
    pub host: Option<String>,

    /// Output format (text: as the official databricks CLI prints it)
    #[arg(short, long, global = true, value_enum, default_value_t = Format::Table)]
    pub output: Format,

    /// Log each request to stderr (credentials and values masked)
    #[arg(long, global = true)]
    pub debug: bool,

    /// Print no confirmations on stderr (errors are still printed)
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Seconds to wait for one HTTP response [profile key: http_timeout_seconds; default 60]
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<f64>,

    /// Seconds to keep retrying throttled or failed requests [profile key: retry_timeout_seconds; default 300, and 10 for a refused connection]
    #[arg(long, global = true, value_name = "SECONDS")]
    pub retry_timeout: Option<f64>,

    /// Requests per second at most [profile key: rate_limit, env: DATABRICKS_RATE_LIMIT; default 15]
    #[arg(long, global = true, value_name = "N")]
    pub rate_limit: Option<f64>,
}

impl GlobalArgs {
    /// No flags given: every setting comes from the configuration.
    pub fn none() -> Self {
        GlobalArgs::default()
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List secret scopes: name, backend type and Key Vault DNS name
    #[command(after_help = "Example:\n  dbsecrets list-scopes -p DEV -o json")]
    ListScopes,

    /// Create a secret scope (Databricks-backed, or backed by Azure Key Vault)
    #[command(
        after_help = "Examples:\n  dbsecrets create-scope my-app-secrets -p DEV\n  dbsecrets create-scope my-app-secrets --if-not-exists      # safe to run twice\n  dbsecrets create-scope shared --initial-manage-principal users\n  dbsecrets create-scope kv --backend azure-keyvault \\\n      --resource-id /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/NAME \\\n      --dns-name https://NAME.vault.azure.net/"
    )]
    CreateScope(CreateScopeArgs),

    /// Delete a secret scope and every secret in it
    ///
    /// On a terminal it asks first (answering no deletes nothing, exit 1); without
    /// one (a script) it does as written and says on stderr how many secrets went
    /// with the scope. --yes never asks.
    #[command(
        after_help = "Examples:\n  dbsecrets delete-scope my-app-secrets -p DEV              # asks on a terminal\n  dbsecrets delete-scope my-app-secrets --yes -p DEV\n  dbsecrets delete-scope my-app-secrets --yes --if-exists   # safe to run twice"
    )]
    DeleteScope(DeleteScopeArgs),

    /// List the keys in a scope and when each was last updated (never the values)
    #[command(
        visible_alias = "list-secrets",
        after_help = "Example:\n  dbsecrets list my-app-secrets -p DEV -o csv"
    )]
    List(ScopeArg),

    /// Add a secret, or overwrite an existing one
    ///
    /// The value comes from --value, --value-file, standard input when it is not a
    /// terminal (one trailing newline removed), or a hidden prompt (asked twice).
    #[command(
        visible_alias = "put-secret",
        after_help = "Examples:\n  dbsecrets put my-app-secrets db-password -p DEV          # prompts twice, input hidden\n  printf '%s' \"$TOKEN\" | dbsecrets put my-app-secrets api-key\n  dbsecrets put my-app-secrets tls-key --value-file key.pem"
    )]
    Put(PutArgs),

    /// Print a secret's value (the only command that ever outputs a value)
    ///
    /// The value's bytes go to stdout exactly, with a newline added only on a
    /// terminal, so `$(dbsecrets get s k)` and `> file` are exact. Some workspaces
    /// only allow reading values from a notebook or job: there, use
    /// dbutils.secrets.get(scope=..., key=...).
    #[command(
        after_help = "Examples:\n  dbsecrets get my-app-secrets api-key > api-key.txt\n  export API_KEY=\"$(dbsecrets get my-app-secrets api-key)\"\n  dbsecrets get my-app-secrets api-key -o json      # {\"scope\", \"key\", \"value\"}\n\n`get-secret`, the official CLI's name, prints the same bytes; its -o json (and -o text)\nis the official CLI's {\"key\", \"value\": BASE64}."
    )]
    Get(SecretArg),

    /// Print a secret's value as the official CLI's `get-secret` does
    ///
    /// The same bytes as `get` on a table; with -o json or -o text, the official
    /// CLI's shape: {"key": KEY, "value": BASE64} (`get -o json` gives
    /// {"scope", "key", "value"} with the value as text when it is UTF-8).
    #[command(
        hide = true,
        after_help = "Example:\n  dbsecrets get-secret my-app-secrets api-key -o json | jq -r .value | base64 -d"
    )]
    GetSecret(SecretArg),

    /// Delete a secret
    #[command(
        visible_alias = "delete-secret",
        after_help = "Examples:\n  dbsecrets delete my-app-secrets api-key -p DEV\n  dbsecrets delete my-app-secrets api-key --if-exists       # safe to run twice"
    )]
    Delete(DeleteArgs),

    /// List the ACLs of a scope: principal and permission
    #[command(
        visible_alias = "list-acls",
        after_help = "Example:\n  dbsecrets acls my-app-secrets -p DEV"
    )]
    Acls(ScopeArg),

    /// Grant a principal READ, WRITE or MANAGE on a scope (replaces its current permission)
    #[command(
        after_help = "Examples:\n  dbsecrets put-acl my-app-secrets users READ              # every workspace user may read\n  dbsecrets put-acl my-app-secrets data-engineers WRITE\n  dbsecrets put-acl my-app-secrets 6f1c…-app-id MANAGE     # a service principal"
    )]
    PutAcl(PutAclArgs),

    /// Show the permission one principal has on a scope
    #[command(after_help = "Example:\n  dbsecrets get-acl my-app-secrets users")]
    GetAcl(AclArgs),

    /// Remove a principal's ACL from a scope
    #[command(
        after_help = "Examples:\n  dbsecrets delete-acl my-app-secrets data-engineers\n  dbsecrets delete-acl my-app-secrets data-engineers --if-exists"
    )]
    DeleteAcl(DeleteAclArgs),

    /// Show how dbsecrets finds the workspace and signs in; list the config file's profiles
    #[command(
        subcommand,
        arg_required_else_help = true,
        after_help = "Examples:\n  dbsecrets auth describe                 # where each setting comes from\n  dbsecrets auth describe -p DEV --check  # and whether the credentials work\n  dbsecrets auth profiles                 # every profile: host, auth method, valid?\n\nManual: docs/signing-in.md"
    )]
    Auth(AuthCommand),
    /// Put every entry of a dotenv or JSON file into a scope
    ///
    /// FILE is dotenv (quotes, escapes, `export`, comments, multi-line values,
    /// ${VAR} expansion) or a JSON object of key -> "text" or key ->
    /// {"value_base64": "..."}: JSON when its name ends in .json, dotenv
    /// otherwise, or as --format says; `-` reads standard input. Every key and
    /// value is checked first: one bad entry stops the import, with a list of
    /// every problem, before anything is sent. Prints a report (key, action,
    /// result, error) and exits 1, listing the failed keys, when some failed; a
    /// re-run finishes the job.
    #[command(
        after_help = "Examples:\n  dbsecrets import my-app-secrets .env -p DEV\n  dbsecrets import my-app-secrets secrets.json --prefix app. --dry-run\n  vault-export | dbsecrets import my-app-secrets - --format json -o json\n  dbsecrets import big-scope big.env --jobs 16 --rate-limit 50\n  dbsecrets import uc:main.my_app .env               # into a Unity Catalog schema\n\nManual: docs/bulk.md"
    )]
    Import(ImportArgs),

    /// Write every secret of a scope, with its value, as dotenv or JSON
    ///
    /// Values are read with `get`, which some workspaces only allow from a
    /// notebook. Nothing is written unless every value was read. Refuses to
    /// print values on a terminal unless --reveal is given; --output-file
    /// creates the file with mode 0600 (replacing it atomically). Binary values
    /// are base64 in JSON ({"value_base64": ...}) and refused in dotenv.
    #[command(
        after_help = "Examples:\n  dbsecrets export my-app-secrets --output-file backup.json -p DEV\n  dbsecrets export my-app-secrets --format env > .env\n  dbsecrets export my-app-secrets --reveal                  # on the terminal\n\nManual: docs/bulk.md"
    )]
    Export(ExportArgs),

    /// Copy the secrets (and with --with-acls the ACLs) of a scope to another scope,
    /// in the same or another workspace
    ///
    /// Values are read with `get` and go straight from one workspace to the
    /// other: they never touch the disk.
    #[command(
        after_help = "Examples:\n  dbsecrets copy app-secrets app-secrets --from-profile DEV --to-profile PROD --create-scope\n  dbsecrets copy app-secrets app-secrets-backup --with-acls --skip-existing\n  dbsecrets copy app-secrets app-secrets --from-profile DEV --to-profile PROD --dry-run\n  dbsecrets copy app-secrets uc:main.app_secrets     # into Unity Catalog (see also: migrate)\n\nManual: docs/bulk.md"
    )]
    Copy(CopyArgs),

    /// Make a scope hold exactly the entries of a dotenv or JSON file
    ///
    /// Adds the missing keys, updates the changed ones (compared through `get`
    /// where the workspace allows it; where not, every existing key counts as an
    /// update) and, with --prune, deletes the keys FILE lacks. --dry-run prints
    /// the plan (add / update / delete / unchanged) and sends no write.
    #[command(
        after_help = "Examples:\n  dbsecrets sync my-app-secrets .env --dry-run -p PROD\n  dbsecrets sync my-app-secrets .env --prune -p PROD\n  dbsecrets sync my-app-secrets secrets.json -o json\n\nManual: docs/bulk.md"
    )]
    Sync(SyncArgs),

    /// Unity Catalog secrets (CATALOG.SCHEMA.NAME) and their grants
    ///
    /// The second Databricks secrets service: secrets are securables of a
    /// metastore, shared by its workspaces, governed by Unity Catalog privileges
    /// (CREATE, READ, WRITE and REFERENCE SECRET, MANAGE) on the secret, its
    /// schema or its catalog.
    #[command(
        subcommand,
        arg_required_else_help = true,
        after_help = "Examples:\n  dbsecrets uc put main.orders_app.vendor_api_key --expires 90d\n  dbsecrets uc list main.orders_app\n  dbsecrets uc get main.orders_app.vendor_api_key\n  dbsecrets uc grant main.orders_app orders-sp 'use schema' 'read secret'\n\nManual: docs/unity-catalog.md"
    )]
    Uc(UcCommand),

    // Secret references resolved into a command or a file, or listed: their
    // help is on the structs (cli/run.rs).
    Run(RunArgs),
    Inject(InjectArgs),
    Refs(RefsArgs),

    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  dbsecrets completions bash > ~/.local/share/bash-completion/completions/dbsecrets\n  dbsecrets completions zsh > \"${fpath[1]}/_dbsecrets\"\n  dbsecrets completions fish > ~/.config/fish/completions/dbsecrets.fish"
    )]
    Completions(CompletionsArgs),

    /// Print the manual page (roff), or write one per subcommand with --dir
    #[command(
        after_help = "Examples:\n  dbsecrets man --dir ~/.local/share/man/man1 && man dbsecrets-uc-put\n  dbsecrets man > dbsecrets.1"
    )]
    Man(ManArgs),

    /// Run a local emulator of both secrets services on 127.0.0.1, for trying dbsecrets and testing scripts
    #[command(
        after_help = "Example:\n  dbsecrets emulator --port 8765 &\n  export DATABRICKS_HOST=http://127.0.0.1:8765 DATABRICKS_TOKEN=dev\n  dbsecrets create-scope demo\n\nManual: docs/emulator.md"
    )]
    Emulator(dbsecrets_emulator::EmulatorArgs),

    /// Move a secret scope into a Unity Catalog schema: planned, verified, resumable
    ///
    /// Plans first: lists the scope's keys (and ACLs), reads every value (never
    /// printed), computes each name in Unity Catalog (lower case, '.' -> '_',
    /// --rename), and finds every problem before any write: names that collide
    /// or stay invalid, values over 60 KiB or not UTF-8 (skipped and reported),
    /// secrets the schema already holds (skipped unless --update-existing;
    /// identical ones count as done), the 1,000-per-schema and
    /// 10,000-per-metastore limits, a Key Vault-backed scope. A plan with
    /// blocking problems stops with all of them (exit 2). Then copies the values
    /// concurrently and reads each one back to verify it; --with-grants
    /// translates the ACLs (READ, WRITE, MANAGE) into grants on the schema and
    /// its catalog. Reports per key and per grant, and the references to update
    /// ({{secrets/SCOPE/KEY}} -> {{secrets/CATALOG.SCHEMA.NAME}}). Exit 0 when
    /// every key it copies is verified, 1 when any failed; run it again to
    /// finish: what is done is not rewritten.
    #[command(
        after_help = "Examples:\n  dbsecrets migrate orders-app main.orders_app --dry-run\n  dbsecrets migrate orders-app main.orders_app --with-grants --map-principal users='account users'\n  dbsecrets migrate orders-app main.orders_app --rename DB.PASSWORD=warehouse_password\n  dbsecrets migrate orders-app main.orders_app --delete-source --yes   # when readers moved\n  dbsecrets migrate legacy main.app --from-profile OLD --to-profile NEW -o json > report.json\n  dbsecrets migrate legacy main.app --values-file legacy.json   # notebook-only workspaces\n\nWithout renames, verification or grants: `dbsecrets copy SCOPE uc:CATALOG.SCHEMA`.\n\nManual: docs/migrate.md"
    )]
    Migrate(MigrateArgs),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_before_or_after() {
        let a =
            Cli::try_parse_from(["dbsecrets", "-p", "DEV", "-o", "json", "list-scopes"]).unwrap();
        let b =
            Cli::try_parse_from(["dbsecrets", "list-scopes", "-p", "DEV", "-o", "json"]).unwrap();
        assert_eq!(a.global.profile.as_deref(), Some("DEV"));
        assert_eq!(b.global.profile.as_deref(), Some("DEV"));
        assert_eq!(b.global.output, Format::Json);
    }

    #[test]
    fn official_cli_aliases() {
        for (alias, name) in [
            ("list-secrets", "list"),
            ("put-secret", "put"),
            ("delete-secret", "delete"),
            ("get-secret", "get"),
            ("list-acls", "acls"),
        ] {
            let mut argv = vec!["dbsecrets", alias, "s"];
            if matches!(name, "put" | "delete" | "get") {
                argv.push("k");
            }
            let cli = Cli::try_parse_from(&argv).unwrap_or_else(|e| panic!("{alias}: {e}"));
            let debug = format!("{:?}", cli.command);
            assert!(
                debug.to_lowercase().starts_with(name),
                "{alias} parsed as {debug}"
            );
        }
        let cli = Cli::try_parse_from(["dbsecrets", "put-secret", "s", "k", "--string-value", "v"])
            .unwrap();
        match cli.command {
            Command::Put(p) => {
                assert_eq!(p.value.as_ref().map(|v| v.0.as_str()), Some("v"));
                assert!(!format!("{p:?}").contains("\"v\""));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn value_and_value_file_conflict() {
        let e = Cli::try_parse_from([
            "dbsecrets",
            "put",
            "s",
            "k",
            "--value",
            "v",
            "--value-file",
            "f",
        ])
        .unwrap_err();
        assert_eq!(e.kind(), clap::error::ErrorKind::ArgumentConflict);
    }
}
