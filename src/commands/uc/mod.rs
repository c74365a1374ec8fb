//! `uc list`, `put`, `get`, `show`, `update`, `delete`: Unity Catalog secrets.
//! Grants are in `grants.rs`, times on the command line in `when.rs`.

mod grants;
mod rows;
mod when;

use chrono::Utc;
use dbsecrets_client::names::UcName;
use dbsecrets_client::secrets_uc::{check_comment, NewSecret, SecretUpdate};
use dbsecrets_client::{Error, ErrorKind, SecretValue};
use secrecy::{ExposeSecret, SecretBox, SecretString};

pub use grants::{grant, grants, revoke};
pub use rows::{UcOutcome, UcSecretDetail, UcSecretRow};

use super::deleted;
use crate::cli::{UcDeleteArgs, UcListArgs, UcNameArg, UcPutArgs, UcUpdateArgs};
use crate::context::Context;
use crate::failure::Failure;
use crate::input;
use crate::output::{Body, Report, Row, Rows, SecretOutput};

/// What a Unity Catalog operation needs, for the hint after a 403.
#[derive(Clone, Copy)]
pub(super) enum Operation {
    Create,
    ReadValue,
    ReadMetadata,
    Update,
    Delete,
    Grants,
}

impl Operation {
    /// The privilege usually missing (uc-secrets.md §5).
    pub(super) fn missing(self) -> &'static str {
        match self {
            Operation::Create => "creating a secret needs CREATE SECRET on its schema (or catalog), with USE SCHEMA and USE CATALOG; the schema's owner can grant them with `dbsecrets uc grant CATALOG.SCHEMA PRINCIPAL 'create secret' 'use schema'`",
            Operation::ReadValue => "reading a value needs READ SECRET on the secret, its schema or its catalog (with USE SCHEMA and USE CATALOG); its owner can grant it with `dbsecrets uc grant NAME PRINCIPAL 'read secret'`",
            Operation::ReadMetadata => "seeing a secret needs ownership, MANAGE, BROWSE on its catalog, or READ SECRET or WRITE SECRET on it (with USE SCHEMA and USE CATALOG)",
            Operation::Update => "changing a secret needs ownership or MANAGE on it (WRITE SECRET suffices for a new value)",
            Operation::Delete => "deleting a secret needs ownership or MANAGE on it",
            Operation::Grants => "reading or changing grants needs ownership of the object (or of its schema or catalog) or MANAGE on it",
        }
    }
}

/// A failed Unity Catalog call on `name`: the failure table's exit code, and
/// a hint that fits the operation.
pub(super) fn uc_failure(
    ctx: &Context,
    e: &Error,
    doing: &str,
    op: Operation,
    name: &UcName,
) -> Failure {
    let failure = ctx.api_failure(e, doing);
    match e.kind() {
        ErrorKind::PermissionDenied => failure.with_hint(op.missing()),
        ErrorKind::NotFound => match (op, name) {
            (Operation::Create, UcName::Secret(c, s, _)) => failure.with_hint(format!(
                "check that schema '{c}.{s}' exists and that you can use it (USE CATALOG, USE SCHEMA); schemas are created in Unity Catalog itself (CREATE SCHEMA)"
            )),
            (_, UcName::Secret(c, s, _)) => failure.with_hint(format!(
                "see the secrets of the schema with `dbsecrets uc list {c}.{s}`"
            )),
            _ => failure.or_hint(format!("check the name of {} '{name}'", name.securable_type())),
        },
        ErrorKind::AlreadyExists => failure.or_hint(
            "`dbsecrets uc put` without --no-overwrite sets a new value; `dbsecrets uc update` changes its other fields",
        ),
        _ => failure,
    }
}

fn secret_name(name: &str) -> Result<UcName, Failure> {
    Ok(UcName::secret(name)?)
}

/// `--comment`: `None` when not given or empty (`''` means "no comment",
/// which the service cannot store: a create leaves it out, an update clears
/// it), else the comment, checked before anything is sent.
fn comment_arg(comment: Option<&str>) -> Result<Option<String>, Failure> {
    match comment {
        None | Some("") => Ok(None),
        Some(c) => {
            check_comment(c)?;
            Ok(Some(c.to_string()))
        }
    }
}

pub async fn list(ctx: &Context, args: UcListArgs) -> Result<Report, Failure> {
    let schema = args.schema.as_deref().map(UcName::schema).transpose()?;
    let window = args
        .expiring
        .as_deref()
        .map(|w| when::parse_window("--expiring", w))
        .transpose()?;
    let client = ctx.client()?;
    let (filter, doing, empty) = match &schema {
        Some(UcName::Schema(c, s)) => (
            Some((c.as_str(), s.as_str())),
            format!("cannot list the secrets of schema '{c}.{s}'"),
            format!("Schema '{c}.{s}' holds no secrets you can see."),
        ),
        _ => (
            None,
            "cannot list Unity Catalog secrets".to_string(),
            "No Unity Catalog secrets that you can see.".to_string(),
        ),
    };
    let mut secrets = client
        .secrets_uc()
        .list(filter, args.page_size)
        .await
        .map_err(|e| match &schema {
            Some(name) => uc_failure(ctx, &e, &doing, Operation::ReadMetadata, name),
            None => ctx.api_failure(&e, &doing),
        })?;
    let empty = match window {
        Some(w) => {
            let now = Utc::now();
            secrets.retain(|s| when::expires_within(s.expire_time.as_deref(), now, w));
            format!(
                "No secrets expire within {}.",
                args.expiring.as_deref().unwrap_or_default()
            )
        }
        None => empty,
    };
    secrets.sort_by_key(|s| s.display_name());
    let rows: Vec<UcSecretRow> = secrets.iter().map(UcSecretRow::from).collect();
    Ok(Report::rows(Rows::of(&rows, empty)))
}

/// Checks the name and reads the value, before the async runtime starts.
pub fn read_value(ctx: &Context, args: &UcPutArgs) -> Result<SecretValue, Failure> {
    secret_name(&args.name)?;
    input::read_value(
        &ctx.io,
        input::ValueSource {
            value: args.value.as_ref(),
            bytes_value: None,
            value_file: args.value_file.as_deref(),
            label: args.name.clone(),
            rule: input::UC_VALUE,
        },
    )
}

/// Creates the secret; when it exists, sets the new value and the given
/// fields with one PATCH (unless --no-overwrite).
pub async fn put(ctx: &Context, args: UcPutArgs, value: SecretValue) -> Result<Report, Failure> {
    let name = secret_name(&args.name)?;
    let UcName::Secret(catalog, schema, secret) = &name else {
        unreachable!("secret_name checked the parts")
    };
    let expires = args
        .expires
        .as_deref()
        .map(|t| when::parse_expires(t, Utc::now()))
        .transpose()?;
    let comment = comment_arg(args.comment.as_deref())?;
    let text = || {
        SecretString::from(
            std::str::from_utf8(value.expose_bytes())
                .expect("uc_value checked UTF-8")
                .to_string(),
        )
    };
    let client = ctx.client()?;
    let full = name.full_name();
    let created = client
        .secrets_uc()
        .create(
            catalog,
            schema,
            secret,
            NewSecret {
                value: Some(text()),
                comment: comment.clone(),
                expire_time: expires.clone(),
                owner: args.owner.clone(),
            },
        )
        .await;
    let mut outcome = UcOutcome {
        full_name: full.clone(),
        bytes: Some(value.len()),
        expires: expires.clone(),
        owner: args.owner.clone(),
        ..UcOutcome::default()
    };
    match created {
        Ok(_) => {
            outcome.result = "created";
            let sentence = format!(
                "Created secret '{full}' ({}).",
                crate::output::bytes(value.len())
            );
            Ok(Report::outcome(outcome, sentence))
        }
        Err(e) if e.is_already_exists() && args.no_overwrite => Err(Failure::new(
            crate::failure::exit::ALREADY_EXISTS,
            format!("secret '{full}' already exists: --no-overwrite left it as it is"),
        )
        .with_hint("drop --no-overwrite to set a new value")),
        Err(e) if e.is_already_exists() => {
            let update = SecretUpdate {
                value: Some(text()),
                comment,
                expire_time: expires,
                owner: args.owner.clone(),
                clear_expire_time: false,
                clear_comment: args.comment.as_deref() == Some(""),
            };
            let changed = update.mask().join(",");
            client
                .secrets_uc()
                .update(&full, update)
                .await
                .map_err(|e| {
                    let doing = format!("cannot set a new value of secret '{full}'");
                    uc_failure(ctx, &e, &doing, Operation::Update, &name)
                })?;
            outcome.result = "updated";
            outcome.changed = Some(changed.clone());
            let sentence = format!(
                "Updated secret '{full}' ({}; {}).",
                changed.replace(',', ", "),
                crate::output::bytes(value.len())
            );
            Ok(Report::outcome(outcome, sentence))
        }
        Err(e) => {
            let doing = format!("cannot create secret '{full}'");
            Err(uc_failure(ctx, &e, &doing, Operation::Create, &name))
        }
    }
}

/// The value, byte-exact (`-o json`: the metadata and the value).
pub async fn get(ctx: &Context, args: UcNameArg) -> Result<Report, Failure> {
    let name = secret_name(&args.name)?;
    let client = ctx.client()?;
    let full = name.full_name();
    let secret = client.secrets_uc().get(&full, true).await.map_err(|e| {
        let doing = format!("cannot read secret '{full}'");
        uc_failure(ctx, &e, &doing, Operation::ReadValue, &name)
    })?;
    let Some(value) = secret.effective_value.as_ref() else {
        return Err(Failure::new(
            crate::failure::exit::AUTH,
            format!("cannot read secret '{full}': the workspace returned its metadata without the value"),
        )
        .with_hint(Operation::ReadValue.missing()));
    };
    let bytes = SecretBox::new(Box::new(value.expose_secret().as_bytes().to_vec()));
    let detail = UcSecretDetail::from(&secret);
    let fields = serde_json::to_value(&detail).expect("metadata serializes");
    let fields = UcSecretDetail::HEADERS
        .iter()
        .map(|h| {
            (
                *h,
                fields.get(*h).cloned().unwrap_or(serde_json::Value::Null),
            )
        })
        .collect();
    Ok(Report::new(Body::Secret(SecretOutput {
        fields,
        value: bytes,
        official: false,
    })))
}

/// Metadata only (no `include_value`).
pub async fn show(ctx: &Context, args: UcNameArg) -> Result<Report, Failure> {
    let name = secret_name(&args.name)?;
    let client = ctx.client()?;
    let full = name.full_name();
    let secret = client.secrets_uc().get(&full, false).await.map_err(|e| {
        let doing = format!("cannot show secret '{full}'");
        uc_failure(ctx, &e, &doing, Operation::ReadMetadata, &name)
    })?;
    Ok(Report::new(Body::Record(Rows::of(
        &[UcSecretDetail::from(&secret)],
        "",
    ))))
}

pub async fn update(ctx: &Context, args: UcUpdateArgs) -> Result<Report, Failure> {
    let name = secret_name(&args.name)?;
    let expires = args
        .expires
        .as_deref()
        .map(|t| when::parse_expires(t, Utc::now()))
        .transpose()?;
    let update = SecretUpdate {
        value: None,
        comment: comment_arg(args.comment.as_deref())?,
        expire_time: expires.clone(),
        owner: args.owner.clone(),
        clear_expire_time: args.no_expiry,
        clear_comment: args.comment.as_deref() == Some(""),
    };
    if update.is_empty() {
        return Err(Failure::usage(format!(
            "nothing to change for secret '{}': give --comment, --expires, --no-expiry or --owner",
            name
        ))
        .with_hint("a new value is set with `dbsecrets uc put`"));
    }
    let changed = update.mask().join(",");
    let client = ctx.client()?;
    let full = name.full_name();
    client
        .secrets_uc()
        .update(&full, update)
        .await
        .map_err(|e| {
            let doing = format!("cannot update secret '{full}'");
            uc_failure(ctx, &e, &doing, Operation::Update, &name)
        })?;
    let sentence = format!("Updated secret '{full}' ({}).", changed.replace(',', ", "));
    Ok(Report::outcome(
        UcOutcome {
            result: "updated",
            full_name: full,
            changed: Some(changed),
            expires,
            owner: args.owner,
            ..UcOutcome::default()
        },
        sentence,
    ))
}

pub async fn delete(ctx: &Context, args: UcDeleteArgs) -> Result<Report, Failure> {
    let name = secret_name(&args.name)?;
    let client = ctx.client()?;
    let full = name.full_name();
    let result = client.secrets_uc().delete(&full).await;
    let outcome = |result| UcOutcome {
        result,
        full_name: full.clone(),
        ..UcOutcome::default()
    };
    let done = format!("Deleted secret '{full}'.");
    let absent = format!("Secret '{full}' does not exist; nothing to do.");
    deleted(result, args.if_exists, outcome, done, absent).map_err(|e| {
        let doing = format!("cannot delete secret '{full}'");
        let failure = uc_failure(ctx, &e, &doing, Operation::Delete, &name);
        if e.is_not_found() {
            failure.with_hint("--if-exists makes this a no-op")
        } else {
            failure
        }
    })
}
