//! acls (list).

use serde::Serialize;

use super::no_scope_hint;
use crate::api::models::AclItem;
use crate::app::Context;
use crate::cli::ScopeArg;
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
    let mut items = client.list_acls(&args.scope).await.map_err(|e| {
        let missing = e.is_not_found();
        let err = ctx.api_error(e, &doing);
        if missing {
            err.or_hint(no_scope_hint(&args.scope))
        } else {
            err
        }
    })?;
    items.sort_by(|a, b| a.principal.to_lowercase().cmp(&b.principal.to_lowercase()));
    let rows: Vec<AclRow> = items.into_iter().map(AclRow::from).collect();
    ctx.print_rows(&rows, &format!("Scope '{}' has no ACLs.", args.scope))
}
