//! `list-scopes`, `create-scope`, `delete-scope`.

use clap::Args;

/// The backend of a new scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    /// Secrets stored by Databricks (the default)
    #[value(alias = "DATABRICKS")]
    Databricks,
    /// A read-only view of an Azure Key Vault (needs --resource-id and --dns-name, and an Azure AD login)
    #[value(alias = "AZURE_KEYVAULT")]
    AzureKeyvault,
}

#[derive(Debug, Args)]
pub struct CreateScopeArgs {
    /// Scope name: letters, digits, '-', '_', '.' and '@', at most 128 characters
    pub scope: String,
    /// Give MANAGE to this principal instead of to you; only `users` (all workspace users) is accepted
    #[arg(long, value_name = "PRINCIPAL")]
    pub initial_manage_principal: Option<String>,
    /// Where the secrets live (--scope-backend-type DATABRICKS|AZURE_KEYVAULT, as the official CLI spells it, works too)
    #[arg(long, alias = "scope-backend-type", value_enum, default_value_t = Backend::Databricks)]
    pub backend: Backend,
    /// Azure resource id of the Key Vault (with --backend azure-keyvault)
    #[arg(long, value_name = "ID")]
    pub resource_id: Option<String>,
    /// DNS name of the Key Vault, e.g. https://NAME.vault.azure.net/ (with --backend azure-keyvault)
    #[arg(long, value_name = "URL")]
    pub dns_name: Option<String>,
    /// Succeed (exit 0) when the scope already exists
    #[arg(long)]
    pub if_not_exists: bool,
}

#[derive(Debug, Args)]
pub struct DeleteScopeArgs {
    /// Scope name
    pub scope: String,
    /// Do not ask for confirmation (only a terminal is ever asked)
    #[arg(short, long)]
    pub yes: bool,
    /// Succeed (exit 0) when the scope does not exist
    #[arg(long)]
    pub if_exists: bool,
}
