//! Carrying out a plan: each secret to add or update is written and then read
//! back (`include_value=true`) and compared in memory with what was meant to
//! be written; and `--delete-source` afterwards. Both through the bulk runner
//! (rate limit, `--jobs`, AIMD, progress bar, Ctrl-C).

use dbsecrets_client::names::UcName;
use dbsecrets_client::secrets_uc::{NewSecret, SecretUpdate};
use dbsecrets_client::{Client, Error, ErrorKind, SecretValue};
use secrecy::{ExposeSecret, SecretString};

use super::plan::{stored_text, Action, Item};
use crate::commands::bulk::runner::{Done, Runner, Stats};
use crate::commands::bulk::target::Target;
use crate::commands::uc::{uc_failure, Operation};
use crate::context::Context;

/// How a key of the plan ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A dry run, or a plan that stopped: nothing was sent.
    Planned,
    /// In Unity Catalog and read back identical.
    Verified,
    /// Written, but Ctrl-C came before it was read back: the next run
    /// compares it (and finds it done, or rewrites it).
    Unverified,
    Skipped,
    Blocked,
    Failed(String),
    /// Not started: Ctrl-C or a fatal error came first.
    NotSent,
}

/// What one write needs besides the client.
struct Write<'a> {
    schema: (&'a str, &'a str),
    item: &'a Item,
    value: &'a SecretValue,
    comment: Option<String>,
}

/// Writes and verifies every key the plan adds or updates; every item's outcome.
pub async fn copy(
    ctx: &Context,
    client: &Client,
    runner: &Runner<'_>,
    schema: (&str, &str),
    items: &[Item],
    values: &[SecretValue],
    comments: Vec<Option<String>>,
) -> (Vec<Outcome>, Stats) {
    let mut jobs = Vec::new();
    let mut slots = Vec::new();
    for (i, (item, comment)) in items.iter().zip(comments).enumerate() {
        if matches!(item.action, Action::Add | Action::Update) {
            slots.push(i);
            jobs.push(Write {
                schema,
                item,
                value: &values[i],
                comment,
            });
        }
    }
    let (results, stats) = runner
        .run("migrating", jobs, |w| async move {
            write_and_verify(ctx, client, w).await
        })
        .await;
    let mut outcomes: Vec<Outcome> = items
        .iter()
        .map(|i| match i.action {
            Action::Unchanged => Outcome::Verified,
            Action::Skip => Outcome::Skipped,
            Action::Blocked => Outcome::Blocked,
            Action::Add | Action::Update => Outcome::NotSent,
        })
        .collect();
    for (slot, done) in slots.into_iter().zip(results) {
        outcomes[slot] = match done {
            None | Some(Done::NotSent) => Outcome::NotSent,
            Some(Done::Ok(Read::Same)) => Outcome::Verified,
            Some(Done::Ok(Read::NotRead)) => Outcome::Unverified,
            Some(Done::Failed(e)) => Outcome::Failed(e),
            Some(Done::Fatal(f)) => Outcome::Failed(f.message),
        };
    }
    (outcomes, stats)
}

/// How the read back of a written secret ended, when it did not fail.
enum Read {
    /// Read back identical.
    Same,
    /// Not read: Ctrl-C came between the write and the read.
    NotRead,
}

async fn write_and_verify(ctx: &Context, client: &Client, w: Write<'_>) -> Done<Read> {
    let (catalog, schema) = w.schema;
    let name = w.item.name.as_str();
    let full = format!("{catalog}.{schema}.{name}");
    let text = stored_text(w.value, w.item.base64);
    let secret = || Some(SecretString::from(text.to_string()));
    let api = client.secrets_uc();
    let create = || NewSecret {
        value: secret(),
        comment: w.comment.clone(),
        ..NewSecret::default()
    };
    let written = match w.item.action {
        Action::Update => {
            let update = SecretUpdate {
                value: secret(),
                comment: w.comment.clone(),
                clear_comment: w.comment.is_none(),
                ..SecretUpdate::default()
            };
            match api.update(&full, update).await {
                Err(e) if e.is_not_found() => api.create(catalog, schema, name, create()).await,
                other => other,
            }
        }
        _ => api.create(catalog, schema, name, create()).await,
    };
    let uc = UcName::Secret(catalog.into(), schema.into(), name.into());
    match written {
        Ok(_) => {}
        // Created since the plan was made (or by an earlier attempt of this
        // one): done if it holds the same value.
        Err(e) if e.is_already_exists() => {
            return match read_back(ctx, client, &uc, &text).await {
                Done::Failed(e) if e == DIFFERS => Done::Failed(
                    "exists in Unity Catalog with another value (created since the plan): --update-existing replaces it".into(),
                ),
                other => other,
            };
        }
        Err(e) => return failed(ctx, &e, Operation::Create, &uc),
    }
    read_back(ctx, client, &uc, &text).await
}

const DIFFERS: &str = "verifying: the value read back differs from the source value";

/// Reads the secret with its value and compares it with `text`, in memory.
async fn read_back(ctx: &Context, client: &Client, uc: &UcName, text: &str) -> Done<Read> {
    match client.secrets_uc().get(&uc.full_name(), true).await {
        Ok(secret) => match secret.effective_value {
            Some(v) if v.expose_secret().as_bytes() == text.as_bytes() => Done::Ok(Read::Same),
            Some(_) => Done::Failed(DIFFERS.into()),
            None => Done::Failed(
                "verifying: the secret came back without its value (READ SECRET missing?)".into(),
            ),
        },
        // The write is done: the key is not "not sent".
        Err(e) if e.kind() == ErrorKind::Cancelled => Done::Ok(Read::NotRead),
        Err(e) => failed(ctx, &e, Operation::ReadValue, uc),
    }
}

/// A failed write (`Operation::Create`) or read back: fatal when every other
/// one would fail too (credentials, privileges, a schema gone).
fn failed<T>(ctx: &Context, e: &Error, op: Operation, uc: &UcName) -> Done<T> {
    if e.kind() == ErrorKind::Cancelled {
        return Done::NotSent;
    }
    let writing = matches!(op, Operation::Create);
    let doing = if writing { "writing" } else { "verifying" };
    let fatal = matches!(
        e.kind(),
        ErrorKind::Unauthenticated | ErrorKind::PermissionDenied
    ) || (writing && e.is_not_found());
    if fatal {
        let what = format!("cannot migrate into secret '{uc}' ({doing})");
        Done::Fatal(uc_failure(ctx, e, &what, op, uc))
    } else {
        Done::Failed(format!("{doing}: {e}"))
    }
}

/// How the deletion of one source key ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deleted {
    Yes,
    Failed(String),
    /// Not started: Ctrl-C or a fatal error came first.
    NotSent,
}

/// What `--delete-source` did.
pub struct Cleanup {
    /// Each key deleted (or not), in order.
    pub keys: Vec<(String, Deleted)>,
    /// The scope was deleted too (it was empty afterwards).
    pub scope_deleted: bool,
    /// Why the scope stays.
    pub note: Option<String>,
    /// A failure to delete the scope once it was empty.
    pub error: Option<String>,
    pub stats: Stats,
}

/// Deletes `keys` from the scope, then the scope if nothing is left in it.
pub async fn delete_source(
    ctx: &Context,
    client: &Client,
    runner: &Runner<'_>,
    scope: &str,
    keys: Vec<String>,
) -> Cleanup {
    let target = Target::Scope(scope.to_string());
    let target = &target;
    let (results, stats) = runner
        .run("deleting source keys", keys.clone(), |key| async move {
            target.delete(ctx, client, &key).await
        })
        .await;
    let keys: Vec<(String, Deleted)> = keys
        .into_iter()
        .zip(results)
        .map(|(k, done)| {
            let outcome = match done {
                Some(Done::Ok(())) => Deleted::Yes,
                Some(Done::Failed(e)) => Deleted::Failed(e),
                Some(Done::Fatal(f)) => Deleted::Failed(f.message),
                None | Some(Done::NotSent) => Deleted::NotSent,
            };
            (k, outcome)
        })
        .collect();
    let mut cleanup = Cleanup {
        keys,
        scope_deleted: false,
        note: None,
        error: None,
        stats,
    };
    if cleanup.keys.iter().any(|(_, d)| *d != Deleted::Yes) {
        return cleanup;
    }
    match client.secrets().list_secrets(scope).await {
        Ok(left) if left.is_empty() => match client.secrets().delete_scope(scope).await {
            Ok(()) => cleanup.scope_deleted = true,
            Err(e) => cleanup.error = Some(format!("cannot delete scope '{scope}': {e}")),
        },
        Ok(left) => {
            cleanup.note = Some(format!(
                "Scope '{scope}' stays: it still holds {} key{} that {} not migrated.",
                left.len(),
                if left.len() == 1 { "" } else { "s" },
                if left.len() == 1 { "was" } else { "were" }
            ))
        }
        Err(e) => cleanup.error = Some(format!("cannot list scope '{scope}' again: {e}")),
    }
    cleanup
}
