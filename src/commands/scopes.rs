//! list-scopes, create-scope, delete-scope.

use std::io::{BufRead, Write};

use serde::Serialize;

use super::no_scope_hint;
use crate::api::models::{CreateScope, SecretScope};
use crate::app::{Context, Outcome};
use crate::cli::{CreateScopeArgs, DeleteScopeArgs};
use crate::error::CliError;
use crate::output::Row;
use crate::validate;

/// One scope, as printed.
#[derive(Debug, Serialize, PartialEq)]
pub struct ScopeRow {
    pub name: String,
    pub backend_type: String,
    pub keyvault_dns_name: Option<String>,
}

impl From<SecretScope> for ScopeRow {
    fn from(s: SecretScope) -> Self {
        ScopeRow {
            name: s.name,
            backend_type: s.backend_type.unwrap_or_else(|| "DATABRICKS".into()),
            keyvault_dns_name: s.keyvault_metadata.and_then(|m| m.dns_name),
        }
    }
}

impl Row for ScopeRow {
    const HEADERS: &'static [&'static str] = &["name", "backend_type", "keyvault_dns_name"];
    fn cells(&self) -> Vec<String> {
        vec![self.name.clone(), self.backend_type.clone(), self.keyvault_dns_name.clone().unwrap_or_default()]
    }
}

pub async fn list(ctx: &Context) -> Result<(), CliError> {
    let client = ctx.client()?;
    let mut scopes = client
        .list_scopes()
        .await
        .map_err(|e| ctx.api_error(e, "cannot list secret scopes"))?;
    scopes.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()));
    let rows: Vec<ScopeRow> = scopes.into_iter().map(ScopeRow::from).collect();
    ctx.print_rows(&rows, "No secret scopes in this workspace.")
}

pub async fn create(ctx: &Context, args: CreateScopeArgs) -> Result<(), CliError> {
    validate::scope(&args.scope)?;
    if let Some(p) = &args.initial_manage_principal {
        if p != "users" {
            return Err(CliError::usage(format!(
                "invalid --initial-manage-principal '{p}': the service only accepts `users` (every workspace user gets MANAGE); leave it out to keep MANAGE for yourself"
            )));
        }
    }
    let client = ctx.client()?;
    let req = CreateScope {
        scope: args.scope.clone(),
        initial_manage_principal: args.initial_manage_principal.clone(),
        scope_backend_type: None,
        backend_azure_keyvault: None,
    };
    let doing = format!("cannot create scope '{}'", args.scope);
    client.create_scope(&req).await.map_err(|e| {
        let already = e.is_already_exists();
        let err = ctx.api_error(e, &doing);
        if already {
            err.or_hint("pick another name, or see its secrets with `dbsecrets list SCOPE`")
        } else {
            err
        }
    })?;
    let mut outcome = Outcome::new("created", &args.scope);
    outcome.backend_type = Some("DATABRICKS".into());
    outcome.principal = args.initial_manage_principal;
    ctx.print_outcome(&outcome, &format!("Created scope '{}'.", args.scope))
}

pub async fn delete(ctx: &Context, args: DeleteScopeArgs) -> Result<(), CliError> {
    validate::scope(&args.scope)?;
    if !args.yes {
        confirm(ctx, &args.scope)?;
    }
    let client = ctx.client()?;
    let doing = format!("cannot delete scope '{}'", args.scope);
    client.delete_scope(&args.scope).await.map_err(|e| {
        let missing = e.is_not_found();
        let err = ctx.api_error(e, &doing);
        if missing {
            err.or_hint(no_scope_hint(&args.scope))
        } else {
            err
        }
    })?;
    ctx.print_outcome(
        &Outcome::new("deleted", &args.scope),
        &format!("Deleted scope '{}' and every secret in it.", args.scope),
    )
}

/// Asks on the terminal; with no terminal, refuses (a script must say --yes).
fn confirm(ctx: &Context, scope: &str) -> Result<(), CliError> {
    if !ctx.term.stdin {
        return Err(CliError::usage(format!(
            "refusing to delete scope '{scope}' without confirmation: standard input is not a terminal"
        ))
        .with_hint("pass --yes to delete it and every secret in it"));
    }
    eprint!("Delete scope '{scope}' and every secret in it? This cannot be undone. [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::usage(format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(CliError::usage(format!("scope '{scope}' was not deleted")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::KeyVaultMetadata;

    #[test]
    fn key_vault_dns_name_is_shown() {
        let row = ScopeRow::from(SecretScope {
            name: "kv".into(),
            backend_type: Some("AZURE_KEYVAULT".into()),
            keyvault_metadata: Some(KeyVaultMetadata {
                resource_id: Some("/subscriptions/x".into()),
                dns_name: Some("https://v.vault.azure.net/".into()),
            }),
        });
        assert_eq!(row.cells(), vec!["kv", "AZURE_KEYVAULT", "https://v.vault.azure.net/"]);
    }
}
