//! acls (list), put-acl, get-acl, delete-acl.

use dbsecrets_client::names;
use dbsecrets_client::secrets::models::AclItem;
use serde::Serialize;

use super::{check, deleted, no_scope_hint, scope_failure};
use crate::cli::{AclArgs, DeleteAclArgs, PutAclArgs, ScopeArg};
use crate::context::Context;
use crate::failure::Failure;
use crate::output::{Body, Outcome, Report, Row, Rows};

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

pub async fn list(ctx: &Context, args: ScopeArg) -> Result<Report, Failure> {
    check(names::scope(&args.scope))?;
    let client = ctx.client()?;
    let doing = format!("cannot list the ACLs of scope '{}'", args.scope);
    let mut items = client.secrets().list_acls(&args.scope).await.map_err(|e| {
        scope_failure(ctx, &e, &doing, (&args.scope, None), || {
            no_scope_hint(ctx, &args.scope)
        })
    })?;
    items.sort_by_key(|a| a.principal.to_lowercase());
    let rows: Vec<AclRow> = items.into_iter().map(AclRow::from).collect();
    Ok(Report::rows(Rows::of(
        &rows,
        format!("Scope '{}' has no ACLs.", args.scope),
    )))
}

pub async fn put(ctx: &Context, args: PutAclArgs) -> Result<Report, Failure> {
    check(names::scope(&args.scope))?;
    check(names::principal(&args.principal))?;
    let permission = names::permission(&args.permission)?;
    let client = ctx.client()?;
    let doing = format!(
        "cannot give {} {permission} on scope '{}'",
        args.principal, args.scope
    );
    client
        .secrets()
        .put_acl(&args.scope, &args.principal, permission)
        .await
        .map_err(|e| {
            scope_failure(ctx, &e, &doing, (&args.scope, None), || {
                no_scope_hint(ctx, &args.scope)
            })
        })?;
    let mut outcome = Outcome::new("granted", &args.scope);
    outcome.principal = Some(args.principal.clone());
    outcome.permission = Some(permission.to_string());
    Ok(Report::outcome(
        outcome,
        format!(
            "Gave {} {permission} on scope '{}'.",
            args.principal, args.scope
        ),
    ))
}

/// One ACL: one object in JSON, as the API returns it.
pub async fn get(ctx: &Context, args: AclArgs) -> Result<Report, Failure> {
    check(names::scope(&args.scope))?;
    check(names::principal(&args.principal))?;
    let client = ctx.client()?;
    let doing = format!(
        "cannot read the ACL of {} on scope '{}'",
        args.principal, args.scope
    );
    let item = client
        .secrets()
        .get_acl(&args.scope, &args.principal)
        .await
        .map_err(|e| {
            scope_failure(ctx, &e, &doing, (&args.scope, None), || {
                format!(
                    "see every ACL of the scope with {}",
                    ctx.suggest(&format!("acls {}", crate::context::shell_word(&args.scope)))
                )
            })
        })?;
    Ok(Report::new(Body::Record(Rows::of(
        &[AclRow::from(item)],
        "",
    ))))
}

pub async fn delete(ctx: &Context, args: DeleteAclArgs) -> Result<Report, Failure> {
    check(names::scope(&args.scope))?;
    check(names::principal(&args.principal))?;
    let client = ctx.client()?;
    let doing = format!(
        "cannot remove the ACL of {} on scope '{}'",
        args.principal, args.scope
    );
    let result = client
        .secrets()
        .delete_acl(&args.scope, &args.principal)
        .await;
    let outcome = |result| {
        let mut o = Outcome::new(
            if result == "deleted" {
                "revoked"
            } else {
                result
            },
            &args.scope,
        );
        o.principal = Some(args.principal.clone());
        o
    };
    let done = format!(
        "Removed the ACL of {} on scope '{}'.",
        args.principal, args.scope
    );
    let absent = format!(
        "{} has no ACL on scope '{}'; nothing to do.",
        args.principal, args.scope
    );
    match deleted(result, args.if_exists, outcome, done, absent) {
        Ok(report) => Ok(report),
        Err(e) => Err(scope_failure(ctx, &e, &doing, (&args.scope, None), || {
            format!(
                "see every ACL of the scope with {}; --if-exists makes this a no-op",
                ctx.suggest(&format!("acls {}", crate::context::shell_word(&args.scope)))
            )
        })),
    }
}
