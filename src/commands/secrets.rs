//! list, put, delete.

use serde::Serialize;

use super::no_scope_hint;
use crate::api::models::SecretMetadata;
use crate::app::{Context, Outcome};
use crate::cli::{PutArgs, ScopeArg, SecretArg};
use crate::error::CliError;
use crate::output::{rfc3339_local, rfc3339_utc, Row};
use crate::secret::SecretValue;
use crate::{validate, value};

/// One secret's metadata (never its value), as printed.
#[derive(Debug, Serialize, PartialEq)]
pub struct SecretRow {
    pub key: String,
    /// Milliseconds since the epoch, as the API gives it.
    pub last_updated_timestamp: Option<i64>,
    /// The same instant as RFC 3339 in UTC.
    pub last_updated: Option<String>,
}

impl From<SecretMetadata> for SecretRow {
    fn from(s: SecretMetadata) -> Self {
        SecretRow {
            key: s.key,
            last_updated: s.last_updated_timestamp.and_then(rfc3339_utc),
            last_updated_timestamp: s.last_updated_timestamp,
        }
    }
}

impl Row for SecretRow {
    const HEADERS: &'static [&'static str] = &["key", "last_updated_timestamp", "last_updated"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.key.clone(),
            self.last_updated_timestamp.map(|t| t.to_string()).unwrap_or_default(),
            self.last_updated.clone().unwrap_or_default(),
        ]
    }
    /// People read local time, not milliseconds.
    fn display_cells(&self) -> Vec<String> {
        vec![self.key.clone(), self.last_updated_timestamp.and_then(rfc3339_local).unwrap_or_default()]
    }
}

pub async fn list(ctx: &Context, args: ScopeArg) -> Result<(), CliError> {
    validate::scope(&args.scope)?;
    let client = ctx.client()?;
    let doing = format!("cannot list secrets in scope '{}'", args.scope);
    let mut secrets = client.list_secrets(&args.scope).await.map_err(|e| {
        let missing = e.is_not_found();
        let err = ctx.api_error(e, &doing);
        if missing {
            err.or_hint(no_scope_hint(&args.scope))
        } else {
            err
        }
    })?;
    secrets.sort_by(|a, b| a.key.to_lowercase().cmp(&b.key.to_lowercase()));
    let rows: Vec<SecretRow> = secrets.into_iter().map(SecretRow::from).collect();
    if ctx.format() == crate::output::Format::Table && !rows.is_empty() {
        return print_table(ctx, &rows);
    }
    ctx.print_rows(&rows, &format!("Scope '{}' has no secrets.", args.scope))
}

/// The table shows two columns: key and local last-updated time.
fn print_table(ctx: &Context, rows: &[SecretRow]) -> Result<(), CliError> {
    let style = crate::output::Style {
        terminal: ctx.term.stdout,
        color: ctx.term.color,
    };
    let out = crate::output::render_table(&["key", "last_updated"], rows.iter().map(Row::display_cells), style);
    crate::app::write_stdout(out.as_bytes())
}

pub async fn put(ctx: &Context, args: PutArgs) -> Result<(), CliError> {
    validate::scope(&args.scope)?;
    validate::key(&args.key)?;
    let value = value::read(value::ValueSource {
        value: args.value,
        value_file: args.value_file.as_deref(),
        stdin_is_terminal: ctx.term.stdin,
        label: format!("{}/{}", args.scope, args.key),
    })?;
    let client = ctx.client()?;
    let doing = format!("cannot put secret '{}' in scope '{}'", args.key, args.scope);
    client.put_secret(&args.scope, &args.key, &value).await.map_err(|e| {
        let missing = e.is_not_found();
        let err = ctx.api_error(e, &doing);
        if missing {
            err.or_hint(no_scope_hint(&args.scope))
        } else {
            err
        }
    })?;
    let mut outcome = Outcome::new("stored", &args.scope);
    outcome.key = Some(args.key.clone());
    outcome.value_type = Some(match value {
        SecretValue::Text(_) => "string",
        SecretValue::Bytes(_) => "bytes",
    });
    outcome.bytes = Some(value.len());
    ctx.print_outcome(&outcome, &format!("Stored secret '{}' in scope '{}' ({} bytes).", args.key, args.scope, value.len()))
}

pub async fn delete(ctx: &Context, args: SecretArg) -> Result<(), CliError> {
    validate::scope(&args.scope)?;
    validate::key(&args.key)?;
    let client = ctx.client()?;
    let doing = format!("cannot delete secret '{}' in scope '{}'", args.key, args.scope);
    client.delete_secret(&args.scope, &args.key).await.map_err(|e| {
        let missing = e.is_not_found();
        let err = ctx.api_error(e, &doing);
        if missing {
            err.or_hint(format!("see the keys of the scope with `dbsecrets list {}`", args.scope))
        } else {
            err
        }
    })?;
    let mut outcome = Outcome::new("deleted", &args.scope);
    outcome.key = Some(args.key.clone());
    ctx.print_outcome(&outcome, &format!("Deleted secret '{}' from scope '{}'.", args.key, args.scope))
}
