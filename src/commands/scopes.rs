//! list-scopes, create-scope, delete-scope.

use dbsecrets_client::names;
use dbsecrets_client::secrets::models::{CreateScope, KeyVaultMetadata, SecretScope};
use dbsecrets_client::ErrorKind;
use serde::Serialize;

use super::{check, deleted, scope_failure};
use crate::cli::{Backend, CreateScopeArgs, DeleteScopeArgs};
use crate::context::Context;
use crate::failure::Failure;
use crate::output::{Outcome, Report, Row, Rows};

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
    const TEXT_HEADERS: Option<&'static [&'static str]> = Some(&["Scope", "Backend Type"]);
    fn text_cells(&self) -> Vec<String> {
        vec![self.name.clone(), self.backend_type.clone()]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.backend_type.clone(),
            self.keyvault_dns_name.clone().unwrap_or_default(),
        ]
    }
}

pub async fn list(ctx: &Context) -> Result<Report, Failure> {
    let client = ctx.client()?;
    let mut scopes = client
        .secrets()
        .list_scopes()
        .await
        .map_err(|e| ctx.api_failure(&e, "cannot list secret scopes"))?;
    scopes.sort_by_key(|a| a.name.to_lowercase());
    let rows: Vec<ScopeRow> = scopes.into_iter().map(ScopeRow::from).collect();
    Ok(Report::rows(Rows::of(
        &rows,
        "No secret scopes in this workspace.",
    )))
}

pub async fn create(ctx: &Context, args: CreateScopeArgs) -> Result<Report, Failure> {
    check(names::scope(&args.scope))?;
    let req = create_request(&args)?;
    let client = ctx.client()?;
    let doing = format!("cannot create scope '{}'", args.scope);
    let backend = req
        .scope_backend_type
        .clone()
        .unwrap_or_else(|| "DATABRICKS".into());
    match client.secrets().create_scope(&req).await {
        Ok(()) => {
            let mut outcome = Outcome::new("created", &args.scope);
            outcome.backend_type = Some(backend);
            outcome.principal = args.initial_manage_principal;
            Ok(Report::outcome(
                outcome,
                format!("Created scope '{}'.", args.scope),
            ))
        }
        Err(e) if e.is_already_exists() && args.if_not_exists => Ok(Report::outcome(
            Outcome::new("exists", &args.scope),
            format!("Scope '{}' already exists; nothing to do.", args.scope),
        )),
        Err(e) => {
            let err = ctx.api_failure(&e, &doing);
            Err(match e.kind() {
                ErrorKind::AlreadyExists => {
                    err.or_hint("use --if-not-exists to make this a no-op, or pick another name")
                }
                ErrorKind::AzureTokenRequired => Failure::new(err.code, format!("{doing}: a Key Vault-backed scope can only be created with an Azure AD token, not a personal access token"))
                    .with_hint("sign in with Azure (auth_type = azure-cli after `az login`, or azure-client-secret with ARM_CLIENT_ID/ARM_CLIENT_SECRET/ARM_TENANT_ID) and run the command again"),
                _ => err,
            })
        }
    }
}

/// Checks the flag combinations and builds the request body.
fn create_request(args: &CreateScopeArgs) -> Result<CreateScope, Failure> {
    if let Some(p) = &args.initial_manage_principal {
        if p != "users" {
            return Err(Failure::usage(format!(
                "invalid --initial-manage-principal '{p}': the service only accepts `users` (every workspace user gets MANAGE); leave it out to keep MANAGE for yourself"
            )));
        }
    }
    let mut req = CreateScope {
        scope: args.scope.clone(),
        initial_manage_principal: args.initial_manage_principal.clone(),
        scope_backend_type: None,
        backend_azure_keyvault: None,
    };
    match args.backend {
        Backend::Databricks => {
            if args.resource_id.is_some() || args.dns_name.is_some() {
                return Err(Failure::usage(
                    "--resource-id and --dns-name only apply to --backend azure-keyvault",
                ));
            }
        }
        Backend::AzureKeyvault => {
            let (Some(resource_id), Some(dns_name)) = (&args.resource_id, &args.dns_name) else {
                return Err(Failure::usage("--backend azure-keyvault needs both --resource-id and --dns-name")
                    .with_hint("find them in the Key Vault's Properties in the Azure portal (Resource ID and Vault URI)"));
            };
            req.scope_backend_type = Some("AZURE_KEYVAULT".into());
            req.backend_azure_keyvault = Some(KeyVaultMetadata {
                resource_id: Some(resource_id.clone()),
                dns_name: Some(dns_name.clone()),
            });
        }
    }
    Ok(req)
}

pub async fn delete(
    ctx: &Context,
    args: DeleteScopeArgs,
    confirmed: Confirmed,
) -> Result<Report, Failure> {
    let client = ctx.client()?;
    let doing = format!("cannot delete scope '{}'", args.scope);
    let fail = |e: &dbsecrets_client::Error| {
        // Only what can work: there is no scope to create or list.
        scope_failure(ctx, e, &doing, (&args.scope, None), || {
            format!("check the name with {}", ctx.suggest("list-scopes"))
        })
    };
    let absent = format!("Scope '{}' does not exist; nothing to do.", args.scope);
    let outcome = |result| Outcome::new(result, &args.scope);
    // Nobody was asked: say afterwards exactly what went with the scope.
    let mut count = None;
    if confirmed.unattended {
        match client.secrets().list_secrets(&args.scope).await {
            Ok(secrets) => count = Some(secrets.len()),
            Err(e) => {
                return deleted(Err(e), args.if_exists, outcome, String::new(), absent)
                    .map_err(|e| fail(&e))
            }
        }
    }
    let done = match count {
        Some(n) => format!(
            "Deleted scope '{}' and its {n} secret{}.",
            args.scope,
            if n == 1 { "" } else { "s" }
        ),
        None => format!("Deleted scope '{}' and every secret in it.", args.scope),
    };
    let result = client.secrets().delete_scope(&args.scope).await;
    deleted(result, args.if_exists, outcome, done, absent).map_err(|e| fail(&e))
}

/// Proof that deleting the scope may go ahead: --yes, yes at the prompt, or
/// no terminal to ask (`unattended`: the command says afterwards what went).
pub struct Confirmed {
    unattended: bool,
}

/// Checks the name, then asks on a terminal unless --yes. Without a terminal
/// (a script) the command does as written. "No" at the prompt deletes nothing (exit 1).
pub fn confirm_delete(ctx: &Context, args: &DeleteScopeArgs) -> Result<Confirmed, Failure> {
    check(names::scope(&args.scope))?;
    if args.yes {
        return Ok(Confirmed { unattended: false });
    }
    let scope = &args.scope;
    if !ctx.term().stdin {
        return Ok(Confirmed { unattended: true });
    }
    ctx.io.write_stderr(&format!(
        "Delete scope '{scope}' and every secret in it? This cannot be undone. [y/N] "
    ));
    let answer = ctx
        .io
        .read_line()
        .map_err(|e| Failure::usage(format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(Confirmed { unattended: false })
    } else {
        Err(Failure::other(format!(
            "nothing deleted: scope '{scope}' is kept (the answer was not yes)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(argv: &[&str]) -> CreateScopeArgs {
        let mut full = vec!["dbsecrets", "create-scope"];
        full.extend_from_slice(argv);
        match crate::cli::Cli::try_parse_from(full).unwrap().command {
            crate::cli::Command::CreateScope(a) => a,
            _ => unreachable!(),
        }
    }

    #[test]
    fn keyvault_request_body() {
        let req = create_request(&args(&[
            "kv",
            "--backend",
            "azure-keyvault",
            "--resource-id",
            "/sub/x",
            "--dns-name",
            "https://v.vault.azure.net/",
        ]))
        .unwrap();
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            serde_json::json!({"scope": "kv", "scope_backend_type": "AZURE_KEYVAULT", "backend_azure_keyvault": {"resource_id": "/sub/x", "dns_name": "https://v.vault.azure.net/"}})
        );
        let err = create_request(&args(&[
            "kv",
            "--backend",
            "azure-keyvault",
            "--resource-id",
            "/sub/x",
        ]))
        .unwrap_err();
        assert_eq!(err.code, 2);
        let err = create_request(&args(&["s", "--dns-name", "https://v"])).unwrap_err();
        assert_eq!(err.code, 2);
        let err =
            create_request(&args(&["s", "--initial-manage-principal", "admins"])).unwrap_err();
        assert_eq!(err.code, 2);
    }

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
        assert_eq!(
            row.cells(),
            vec!["kv", "AZURE_KEYVAULT", "https://v.vault.azure.net/"]
        );
    }
}
