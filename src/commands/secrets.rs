//! list, put, get, delete.

use dbsecrets_client::names;
use dbsecrets_client::secrets::models::SecretMetadata;
use dbsecrets_client::SecretValue;
use serde::Serialize;

use super::{check, no_scope_hint, scope_failure};
use crate::cli::{DeleteArgs, PutArgs, ScopeArg, SecretArg};
use crate::context::Context;
use crate::failure::Failure;
use crate::input;
use crate::output::{rfc3339_local, rfc3339_utc, Body, Outcome, Report, Row, Rows, SecretOutput};

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
    /// People read two columns: the key and the local time it last changed.
    const DISPLAY_HEADERS: &'static [&'static str] = &["key", "last_updated"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.key.clone(),
            self.last_updated_timestamp
                .map(|t| t.to_string())
                .unwrap_or_default(),
            self.last_updated.clone().unwrap_or_default(),
        ]
    }
    fn display_cells(&self) -> Vec<String> {
        vec![
            self.key.clone(),
            self.last_updated_timestamp
                .and_then(rfc3339_local)
                .unwrap_or_default(),
        ]
    }
}

pub async fn list(ctx: &Context, args: ScopeArg) -> Result<Report, Failure> {
    check(names::scope(&args.scope))?;
    let client = ctx.client()?;
    let doing = format!("cannot list secrets in scope '{}'", args.scope);
    let mut secrets = client
        .secrets()
        .list_secrets(&args.scope)
        .await
        .map_err(|e| {
            scope_failure(ctx, &e, &doing, (&args.scope, None), || {
                no_scope_hint(&args.scope)
            })
        })?;
    secrets.sort_by_key(|a| a.key.to_lowercase());
    let rows: Vec<SecretRow> = secrets.into_iter().map(SecretRow::from).collect();
    Ok(Report::rows(Rows::of(
        &rows,
        format!("Scope '{}' has no secrets.", args.scope),
    )))
}

/// Checks the names and reads the value (--value, --value-file, stdin or the
/// prompt), before the async runtime starts.
pub fn read_value(ctx: &Context, args: &PutArgs) -> Result<SecretValue, Failure> {
    check(names::scope(&args.scope))?;
    check(names::key(&args.key))?;
    input::read_value(
        &ctx.io,
        input::ValueSource {
            value: args.value.as_ref(),
            value_file: args.value_file.as_deref(),
            label: format!("{}/{}", args.scope, args.key),
            rule: input::SCOPE_VALUE,
        },
    )
}

pub async fn put(ctx: &Context, args: PutArgs, value: SecretValue) -> Result<Report, Failure> {
    let client = ctx.client()?;
    let doing = format!("cannot put secret '{}' in scope '{}'", args.key, args.scope);
    client
        .secrets()
        .put_secret(&args.scope, &args.key, &value)
        .await
        .map_err(|e| {
            scope_failure(ctx, &e, &doing, (&args.scope, Some(&args.key)), || {
                no_scope_hint(&args.scope)
            })
        })?;
    let mut outcome = Outcome::new("stored", &args.scope);
    outcome.key = Some(args.key.clone());
    outcome.value_type = Some(match value {
        SecretValue::Text(_) => "string",
        SecretValue::Bytes(_) => "bytes",
    });
    outcome.bytes = Some(value.len());
    Ok(Report::outcome(
        outcome,
        format!(
            "Stored secret '{}' in scope '{}' ({} bytes).",
            args.key,
            args.scope,
            value.len()
        ),
    ))
}

/// The value, byte-exact (`-o json`: as text when it is UTF-8, else as base64).
pub async fn get(ctx: &Context, args: SecretArg) -> Result<Report, Failure> {
    check(names::scope(&args.scope))?;
    check(names::key(&args.key))?;
    let client = ctx.client()?;
    let doing = format!(
        "cannot read secret '{}' in scope '{}'",
        args.key, args.scope
    );
    let value = client
        .secrets()
        .get_secret(&args.scope, &args.key)
        .await
        .map_err(|e| {
            scope_failure(ctx, &e, &doing, (&args.scope, Some(&args.key)), || {
                format!(
                    "see the keys of the scope with `dbsecrets list {}`",
                    args.scope
                )
            })
        })?;
    Ok(Report::new(Body::Secret(SecretOutput {
        fields: vec![
            ("scope", args.scope.as_str().into()),
            ("key", args.key.as_str().into()),
        ],
        value,
    })))
}

pub async fn delete(ctx: &Context, args: DeleteArgs) -> Result<Report, Failure> {
    check(names::scope(&args.scope))?;
    check(names::key(&args.key))?;
    let client = ctx.client()?;
    let doing = format!(
        "cannot delete secret '{}' in scope '{}'",
        args.key, args.scope
    );
    let mut outcome = Outcome::new("deleted", &args.scope);
    outcome.key = Some(args.key.clone());
    match client.secrets().delete_secret(&args.scope, &args.key).await {
        Ok(()) => Ok(Report::outcome(
            outcome,
            format!("Deleted secret '{}' from scope '{}'.", args.key, args.scope),
        )),
        Err(e) if e.is_not_found() && args.if_exists => {
            outcome.result = "absent";
            Ok(Report::outcome(
                outcome,
                format!(
                    "Secret '{}' is not in scope '{}'; nothing to do.",
                    args.key, args.scope
                ),
            ))
        }
        Err(e) => Err(scope_failure(
            ctx,
            &e,
            &doing,
            (&args.scope, Some(&args.key)),
            || {
                format!("see the keys of the scope with `dbsecrets list {}`; --if-exists makes this a no-op", args.scope)
            },
        )),
    }
}
