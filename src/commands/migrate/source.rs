//! What a migration reads from the scope before it plans: that the scope
//! exists and is Databricks-backed, its keys, its ACLs (`--with-grants`) and
//! every value, read concurrently (or taken from `--values-file`). Values stay
//! in memory that is wiped on drop; nothing here is ever printed.

use std::collections::HashMap;
use std::path::Path;

use dbsecrets_client::secrets::models::AclItem;
use dbsecrets_client::{Client, ErrorKind, SecretValue};
use secrecy::ExposeSecret;

use crate::commands::bulk::file::Entry;
use crate::commands::bulk::runner::{Done, Runner};
use crate::commands::bulk::target::Target;
use crate::context::{shell_word, Context};
use crate::failure::{exit, Failure};

/// The scope as read.
pub struct Source {
    /// Its keys, sorted ignoring case.
    pub keys: Vec<String>,
    /// The value of each key, in the same order.
    pub values: Vec<SecretValue>,
    pub acls: Vec<AclItem>,
}

/// Where the values come from.
pub enum Values {
    /// Read each with `secrets/get`.
    Read,
    /// The entries of `--values-file` (its path, for messages).
    File(std::path::PathBuf, Vec<Entry>),
}

/// Reads the scope; `schema` is only for the advice when values cannot be read.
pub async fn read(
    ctx: &Context,
    client: &Client,
    runner: &Runner<'_>,
    (scope, schema): (&str, &str),
    values: Values,
    with_acls: bool,
) -> Result<Source, Failure> {
    let scopes = client
        .secrets()
        .list_scopes()
        .await
        .map_err(|e| ctx.api_failure(&e, "cannot list the secret scopes"))?;
    let Some(found) = scopes.iter().find(|s| s.name.eq_ignore_ascii_case(scope)) else {
        return Err(
            Failure::new(exit::NOT_FOUND, format!("scope '{scope}' does not exist")).with_hint(
                format!("check the name with {}", ctx.suggest("list-scopes")),
            ),
        );
    };
    let keyvault = found
        .backend_type
        .as_deref()
        .is_some_and(|b| b.eq_ignore_ascii_case("AZURE_KEYVAULT"));
    if keyvault && matches!(values, Values::Read) {
        return Err(Failure::usage(format!(
            "scope '{scope}' is backed by Azure Key Vault: its values live in the vault, and migrate does not copy them; nothing was written"
        ))
        .with_hint(format!(
            "in Unity Catalog a schema can be backed by the same Key Vault (external secrets, through a connection): create one there instead; to copy the values anyway, export them from the vault to a JSON file and run `dbsecrets migrate {} {schema} --values-file FILE`",
            shell_word(scope)
        )));
    }
    let keys = Target::Scope(scope.to_string()).list(ctx, client).await?;
    let acls =
        if with_acls {
            client.secrets().list_acls(scope).await.map_err(|e| {
                ctx.api_failure(&e, &format!("cannot list the ACLs of scope '{scope}'"))
            })?
        } else {
            Vec::new()
        };
    let values = match values {
        Values::File(path, entries) => from_file(scope, &path, &keys, entries)?,
        Values::Read => read_values(ctx, client, runner, (scope, schema), &keys).await?,
    };
    Ok(Source { keys, values, acls })
}

/// Every key's value, read concurrently. Nothing is written unless every one was read.
async fn read_values(
    ctx: &Context,
    client: &Client,
    runner: &Runner<'_>,
    (scope, schema): (&str, &str),
    keys: &[String],
) -> Result<Vec<SecretValue>, Failure> {
    let (results, stats) = runner
        .run("reading values", keys.to_vec(), |key| async move {
            match client.secrets().get_secret(scope, &key).await {
                Ok(v) => Done::Ok(SecretValue::from_bytes(v.expose_secret().clone())),
                Err(e) if e.kind() == ErrorKind::NotebookOnly => {
                    Done::Fatal(notebook_only(scope, schema))
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::Unauthenticated | ErrorKind::PermissionDenied
                    ) =>
                {
                    let doing = format!("cannot read secret '{key}' in scope '{scope}'");
                    Done::Fatal(ctx.api_failure(&e, &doing))
                }
                Err(e) => Done::Failed(e.to_string()),
            }
        })
        .await;
    if stats.interrupted {
        return Err(Failure::new(
            exit::INTERRUPTED,
            "interrupted (Ctrl-C) while reading the scope's values: nothing was written",
        ));
    }
    if let Some(fatal) = stats.fatal {
        return Err(fatal);
    }
    let mut values = Vec::with_capacity(keys.len());
    let mut failed = Vec::new();
    for (key, done) in keys.iter().zip(results) {
        match done {
            Some(Done::Ok(v)) => values.push(v),
            Some(Done::Failed(e)) => failed.push(format!("key '{key}': {e}")),
            _ => failed.push(format!("key '{key}': not read")),
        }
    }
    if !failed.is_empty() {
        return Err(Failure::other(format!(
            "cannot read {} of {} values of scope '{scope}': nothing was written (the plan needs them all)",
            failed.len(),
            keys.len()
        ))
        .with_details(failed)
        .with_hint("run the same command again"));
    }
    Ok(values)
}

/// `secrets/get` refused: the ways out.
fn notebook_only(scope: &str, schema: &str) -> Failure {
    let s = shell_word(scope);
    Failure::other(format!(
        "cannot migrate scope '{scope}': this workspace lets only notebooks and jobs read secret values (secrets/get answered 400 BAD_REQUEST); nothing was written"
    ))
    .with_hint(format!(
        "run the migration inside Databricks (a job or notebook environment with dbsecrets installed), or export the values there (`dbsecrets export {s} --output-file {scope}.json`) and run `dbsecrets migrate {s} {schema} --values-file {scope}.json` here"
    ))
}

/// The values of `keys` from the file, which must hold exactly the scope's keys.
fn from_file(
    scope: &str,
    path: &Path,
    keys: &[String],
    entries: Vec<Entry>,
) -> Result<Vec<SecretValue>, Failure> {
    let mut by_key: HashMap<String, Entry> = entries
        .into_iter()
        .map(|e| (e.key.to_ascii_lowercase(), e))
        .collect();
    let mut values = Vec::with_capacity(keys.len());
    let mut problems = Vec::new();
    for key in keys {
        match by_key.remove(&key.to_ascii_lowercase()) {
            Some(e) => values.push(e.value),
            None => problems.push(format!("key '{key}' of the scope is not in the file")),
        }
    }
    let mut extra: Vec<String> = by_key.into_values().map(|e| e.key).collect();
    extra.sort();
    problems.extend(
        extra
            .into_iter()
            .map(|k| format!("the file holds key '{k}', which scope '{scope}' does not")),
    );
    if problems.is_empty() {
        return Ok(values);
    }
    Err(Failure::usage(format!(
        "{} does not hold exactly the keys of scope '{scope}': nothing was written",
        path.display()
    ))
    .with_details(problems)
    .with_hint(format!(
        "export the scope again where its values can be read (`dbsecrets export {} --output-file FILE`)",
        shell_word(scope)
    )))
}
