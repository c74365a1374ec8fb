//! list, put, get, delete.

use std::io::Write;

use base64::Engine;
use secrecy::zeroize::Zeroizing;
use secrecy::ExposeSecret;
use serde::Serialize;

use super::{fail, no_scope_hint, write_fail};
use crate::api::models::SecretMetadata;
use crate::app::{write_stdout, Context, Outcome};
use crate::cli::{DeleteArgs, PutArgs, ScopeArg, SecretArg};
use crate::error::{exit, CliError};
use crate::output::{self, rfc3339_local, rfc3339_utc, Format, Row};
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
            self.last_updated_timestamp
                .map(|t| t.to_string())
                .unwrap_or_default(),
            self.last_updated.clone().unwrap_or_default(),
        ]
    }
}

pub async fn list(ctx: &Context, args: ScopeArg) -> Result<(), CliError> {
    validate::scope(&args.scope)?;
    let client = ctx.client()?;
    let doing = format!("cannot list secrets in scope '{}'", args.scope);
    let mut secrets = client
        .list_secrets(&args.scope)
        .await
        .map_err(|e| fail(ctx, e, &doing, || no_scope_hint(&args.scope)))?;
    secrets.sort_by_key(|a| a.key.to_lowercase());
    let rows: Vec<SecretRow> = secrets.into_iter().map(SecretRow::from).collect();
    if ctx.format() == Format::Table && !rows.is_empty() {
        // People read two columns: the key and the local time it last changed.
        let cells = rows.iter().map(|r| {
            vec![
                r.key.clone(),
                r.last_updated_timestamp
                    .and_then(rfc3339_local)
                    .unwrap_or_default(),
            ]
        });
        return write_stdout(
            output::render_table(&["key", "last_updated"], cells, ctx.style()).as_bytes(),
        );
    }
    ctx.print_rows(&rows, &format!("Scope '{}' has no secrets.", args.scope))
}

/// Checks the names and reads the value (stdin, file or prompt). Runs before the
/// async runtime starts, so that Ctrl-C at the prompt or while reading stdin
/// interrupts at once.
pub fn prepare_put(ctx: &Context, args: &mut PutArgs) -> Result<(), CliError> {
    validate::scope(&args.scope)?;
    validate::key(&args.key)?;
    let value = value::read(value::ValueSource {
        value: args.value.take(),
        value_file: args.value_file.as_deref(),
        stdin_is_terminal: ctx.term.stdin,
        label: format!("{}/{}", args.scope, args.key),
    })?;
    args.prepared = Some(value);
    Ok(())
}

pub async fn put(ctx: &Context, mut args: PutArgs) -> Result<(), CliError> {
    if args.prepared.is_none() {
        prepare_put(ctx, &mut args)?;
    }
    let value = args.prepared.take().expect("prepared above");
    let client = ctx.client()?;
    let doing = format!("cannot put secret '{}' in scope '{}'", args.key, args.scope);
    client
        .put_secret(&args.scope, &args.key, &value)
        .await
        .map_err(|e| write_fail(ctx, e, &doing, &args.scope))?;
    let mut outcome = Outcome::new("stored", &args.scope);
    outcome.key = Some(args.key.clone());
    outcome.value_type = Some(match value {
        SecretValue::Text(_) => "string",
        SecretValue::Bytes(_) => "bytes",
    });
    outcome.bytes = Some(value.len());
    ctx.print_outcome(
        &outcome,
        &format!(
            "Stored secret '{}' in scope '{}' ({} bytes).",
            args.key,
            args.scope,
            value.len()
        ),
    )
}

/// `get -o json`: the value as text when it is UTF-8, else as base64.
#[derive(Serialize)]
struct GetJson<'a> {
    scope: &'a str,
    key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_base64: Option<&'a str>,
}

pub async fn get(ctx: &Context, args: SecretArg) -> Result<(), CliError> {
    validate::scope(&args.scope)?;
    validate::key(&args.key)?;
    let client = ctx.client()?;
    let doing = format!(
        "cannot read secret '{}' in scope '{}'",
        args.key, args.scope
    );
    let value = match client.get_secret(&args.scope, &args.key).await {
        Ok(v) => v,
        Err(e) if e.error_code() == Some("BAD_REQUEST") => {
            return Err(CliError::new(
                exit::FAILURE,
                format!("{doing}: this workspace only allows reading secret values from inside a notebook or job"),
            )
            .with_hint(format!(
                "read it there with dbutils.secrets.get(scope=\"{}\", key=\"{}\")",
                args.scope, args.key
            )));
        }
        Err(e) => {
            return Err(fail(ctx, e, &doing, || {
                format!(
                    "see the keys of the scope with `dbsecrets list {}`",
                    args.scope
                )
            }))
        }
    };
    let bytes = value.expose_secret();
    let text = std::str::from_utf8(bytes).ok();
    match ctx.format() {
        Format::Table => {
            let mut out = std::io::stdout().lock();
            let mut write = || -> std::io::Result<()> {
                out.write_all(bytes)?;
                if ctx.term.stdout {
                    out.write_all(b"\n")?;
                }
                out.flush()
            };
            match write() {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::failure(
                    format!("cannot write to standard output: {e}"),
                )),
                _ => Ok(()),
            }
        }
        // The rendered output holds the value: it is wiped when dropped.
        Format::Json => {
            let b64 = Zeroizing::new(match text {
                Some(_) => String::new(),
                None => base64::engine::general_purpose::STANDARD.encode(bytes),
            });
            let doc = GetJson {
                scope: &args.scope,
                key: &args.key,
                value: text,
                value_base64: text.is_none().then_some(b64.as_str()),
            };
            write_stdout(&Zeroizing::new(output::render_json(&doc)))
        }
        Format::Csv => {
            let (column, cell) = match text {
                Some(t) => ("value", t.to_string()),
                None => (
                    "value_base64",
                    base64::engine::general_purpose::STANDARD.encode(bytes),
                ),
            };
            let row = vec![args.scope.clone(), args.key.clone(), cell];
            write_stdout(&Zeroizing::new(output::render_csv(
                &["scope", "key", column],
                std::iter::once(row),
            )))
        }
    }
}

pub async fn delete(ctx: &Context, args: DeleteArgs) -> Result<(), CliError> {
    validate::scope(&args.scope)?;
    validate::key(&args.key)?;
    let client = ctx.client()?;
    let doing = format!(
        "cannot delete secret '{}' in scope '{}'",
        args.key, args.scope
    );
    let mut outcome = Outcome::new("deleted", &args.scope);
    outcome.key = Some(args.key.clone());
    match client.delete_secret(&args.scope, &args.key).await {
        Ok(()) => ctx.print_outcome(
            &outcome,
            &format!("Deleted secret '{}' from scope '{}'.", args.key, args.scope),
        ),
        Err(e) if e.is_not_found() && args.if_exists => {
            outcome.result = "absent";
            ctx.print_outcome(
                &outcome,
                &format!(
                    "Secret '{}' is not in scope '{}'; nothing to do.",
                    args.key, args.scope
                ),
            )
        }
        Err(e) if e.is_not_found() => Err(fail(ctx, e, &doing, || {
            format!("see the keys of the scope with `dbsecrets list {}`; --if-exists makes this a no-op", args.scope)
        })),
        Err(e) => Err(write_fail(ctx, e, &doing, &args.scope)),
    }
}
