//! acls (list), put-acl, get-acl, delete-acl.

use serde::Serialize;

use super::{fail, no_scope_hint};
use crate::api::models::AclItem;
use crate::app::{Context, Outcome};
use crate::cli::{AclArgs, DeleteAclArgs, PutAclArgs, ScopeArg};
use crate::error::CliError;
use crate::output::Row;
use crate::validate;

/// One ACL entry, as printed.
#[derive(Debug, Serialize, PartialEq)]
pub struct AclRow {
    pub principal: String,
    pub permission: String,
}

impl From<AclItem> for AclRow {
    fn from(a: AclItem) -> Self {
        AclRow {
            principal: a.principal,
            permission: a.permission,
        }
    }
}

impl Row for AclRow {
    const HEADERS: &'static [&'static str] = &["principal", "permission"];
    fn cells(&self) -> Vec<String> {
        vec![self.principal.clone(), self.permission.clone()]
    }
}

pub async fn list(ctx: &Context, args: ScopeArg) -> Result<(), CliError> {
    validate::scope(&args.scope)?;
    let client = ctx.client()?;
    let doing = format!("cannot list the ACLs of scope '{}'", args.scope);
    let mut items = client
        .list_acls(&args.scope)
        .await
        .map_err(|e| fail(ctx, e, &doing, || no_scope_hint(&args.scope)))?;
    items.sort_by_key(|a| a.principal.to_lowercase());
    let rows: Vec<AclRow> = items.into_iter().map(AclRow::from).collect();
    ctx.print_rows(&rows, &format!("Scope '{}' has no ACLs.", args.scope))
}

pub async fn put(ctx: &Context, args: PutAclArgs) -> Result<(), CliError> {
    validate::scope(&args.scope)?;
    validate::principal(&args.principal)?;
    let permission = validate::permission(&args.permission)?;
    let client = ctx.client()?;
    let doing = format!(
        "cannot give {} {permission} on scope '{}'",
        args.principal, args.scope
    );
    client
        .put_acl(&args.scope, &args.principal, permission)
        .await
        .map_err(|e| fail(ctx, e, &doing, || no_scope_hint(&args.scope)))?;
    let mut outcome = Outcome::new("granted", &args.scope);
    outcome.principal = Some(args.principal.clone());
    outcome.permission = Some(permission.to_string());
    ctx.print_outcome(
        &outcome,
        &format!(
            "Gave {} {permission} on scope '{}'.",
            args.principal, args.scope
        ),
    )
}

pub async fn get(ctx: &Context, args: AclArgs) -> Result<(), CliError> {
    validate::scope(&args.scope)?;
    validate::principal(&args.principal)?;
    let client = ctx.client()?;
    let doing = format!(
        "cannot read the ACL of {} on scope '{}'",
        args.principal, args.scope
    );
    let item = client
        .get_acl(&args.scope, &args.principal)
        .await
        .map_err(|e| {
            fail(ctx, e, &doing, || {
                format!(
                    "see every ACL of the scope with `dbsecrets acls {}`",
                    args.scope
                )
            })
        })?;
    let row = AclRow::from(item);
    match ctx.format() {
        // One ACL is one object, as the API returns it.
        crate::output::Format::Json => crate::app::write_stdout(&crate::output::render_json(&row)),
        _ => ctx.print_rows(&[row], ""),
    }
}

pub async fn delete(ctx: &Context, args: DeleteAclArgs) -> Result<(), CliError> {
    validate::scope(&args.scope)?;
    validate::principal(&args.principal)?;
    let client = ctx.client()?;
    let doing = format!(
        "cannot remove the ACL of {} on scope '{}'",
        args.principal, args.scope
    );
    let mut outcome = Outcome::new("revoked", &args.scope);
    outcome.principal = Some(args.principal.clone());
    match client.delete_acl(&args.scope, &args.principal).await {
        Ok(()) => ctx.print_outcome(
            &outcome,
            &format!(
                "Removed the ACL of {} on scope '{}'.",
                args.principal, args.scope
            ),
        ),
        Err(e) if e.is_not_found() && args.if_exists => {
            outcome.result = "absent";
            ctx.print_outcome(
                &outcome,
                &format!(
                    "{} has no ACL on scope '{}'; nothing to do.",
                    args.principal, args.scope
                ),
            )
        }
        Err(e) => Err(fail(ctx, e, &doing, || {
            format!("see every ACL of the scope with `dbsecrets acls {}`; --if-exists makes this a no-op", args.scope)
        })),
    }
}
