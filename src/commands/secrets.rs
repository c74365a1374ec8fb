//! list, put, get, delete.

use dbsecrets_client::names;
use dbsecrets_client::secrets::models::SecretMetadata;
use dbsecrets_client::SecretValue;
use serde::Serialize;

use super::{check, deleted, no_key_hint, no_scope_hint, scope_failure};
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
    const TEXT_HEADERS: Option<&'static [&'static str]> = Some(&["Key", "Last Updated Timestamp"]);
    fn text_cells(&self) -> Vec<String> {
        vec![
            self.key.clone(),
            self.last_updated_timestamp
                .map(|t| t.to_string())
                .unwrap_or_default(),
        ]
    }
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
                no_scope_hint(ctx, &args.scope)
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
            bytes_value: args.bytes_value.as_ref(),
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
                no_scope_hint(ctx, &args.scope)
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
            "Stored secret '{}' in scope '{}' ({}).",
            args.key,
            args.scope,
            crate::output::bytes(value.len())
        ),
    ))
}

/// The value, byte-exact (`-o json`: as text when it is UTF-8, else as base64;
/// `official`: `{"key", "value": base64}` as the official CLI's `get-secret`).
pub async fn get(ctx: &Context, args: SecretArg, official: bool) -> Result<Report, Failure> {
    check(names::scope(&args.scope))?;
    check(names::key(&args.key))?;
    let client = ctx.client()?;
    let doing = format!(
        "cannot read secret '{}' in scope '{}'",
        args.key, args.scope
    );
    let value = match client.secrets().get_secret(&args.scope, &args.key).await {
        Ok(v) => v,
        Err(e) => {
            let hint = if e.is_not_found() {
                no_key_hint(ctx, &client, &args.scope, "").await
            } else {
                String::new()
            };
            return Err(scope_failure(
                ctx,
                &e,
                &doing,
                (&args.scope, Some(&args.key)),
                || hint,
            ));
        }
    };
    let fields = if official {
        vec![("key", args.key.as_str().into())]
    } else {
        vec![
            ("scope", args.scope.as_str().into()),
            ("key", args.key.as_str().into()),
        ]
    };
    Ok(Report::new(Body::Secret(SecretOutput {
        fields,
        value,
        official,
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
    let result = client.secrets().delete_secret(&args.scope, &args.key).await;
    let outcome = |result| {
        let mut o = Outcome::new(result, &args.scope);
        o.key = Some(args.key.clone());
        o
    };
    let done = format!("Deleted secret '{}' from scope '{}'.", args.key, args.scope);
    let absent = format!(
        "Secret '{}' is not in scope '{}'; nothing to do.",
        args.key, args.scope
    );
    match deleted(result, args.if_exists, outcome, done, absent) {
        Ok(report) => Ok(report),
        Err(e) => {
            let hint = if e.is_not_found() {
                no_key_hint(
                    ctx,
                    &client,
                    &args.scope,
                    "; --if-exists makes this a no-op",
                )
                .await
            } else {
                String::new()
            };
            Err(scope_failure(
                ctx,
                &e,
                &doing,
                (&args.scope, Some(&args.key)),
                || hint,
            ))
        }
    }
}
