//! One file per command group. Each command validates its arguments first (so a
//! bad name sends nothing), makes its API calls, and hands rows to the output layer.

mod acls;
mod auth;
mod bulk;
mod scopes;
mod secrets;

use crate::api::ApiError;
use crate::app::Context;
use crate::cli::Command;
use crate::error::CliError;

pub use acls::AclRow;
pub use scopes::ScopeRow;
pub use secrets::SecretRow;

pub async fn dispatch(ctx: &Context, command: Command) -> Result<(), CliError> {
    match command {
        Command::ListScopes => scopes::list(ctx).await,
        Command::CreateScope(a) => scopes::create(ctx, a).await,
        Command::DeleteScope(a) => scopes::delete(ctx, a).await,
        Command::List(a) => secrets::list(ctx, a).await,
        Command::Put(a) => secrets::put(ctx, a).await,
        Command::Get(a) => secrets::get(ctx, a).await,
        Command::Delete(a) => secrets::delete(ctx, a).await,
        Command::Acls(a) => acls::list(ctx, a).await,
        Command::PutAcl(a) => acls::put(ctx, a).await,
        Command::GetAcl(a) => acls::get(ctx, a).await,
        Command::DeleteAcl(a) => acls::delete(ctx, a).await,
        Command::Auth(crate::cli::AuthCommand::Describe(a)) => auth::describe(ctx, a).await,
        Command::Auth(crate::cli::AuthCommand::Profiles(a)) => auth::profiles(ctx, a).await,
        Command::Import(a) => bulk::import(ctx, a).await,
        Command::Export(a) => bulk::export(ctx, a).await,
        Command::Copy(a) => bulk::copy(ctx, a).await,
        Command::Sync(a) => bulk::sync(ctx, a).await,
        Command::Completions(_) | Command::Man | Command::Emulator(_) => {
            unreachable!("handled before the runtime starts")
        }
    }
}

/// Commands that handle Ctrl-C themselves (see `app::Interrupt`): they stop
/// sending, let the requests in flight finish and report what was done.
pub fn stops_gracefully(command: &Command) -> bool {
    matches!(
        command,
        Command::Import(_) | Command::Export(_) | Command::Copy(_) | Command::Sync(_)
    )
}

/// What a command reads from the user (a value, a confirmation) is read before
/// the async runtime starts: a blocking read inside it would hold up Ctrl-C.
pub fn prepare(ctx: &Context, command: &mut Command) -> Result<(), CliError> {
    match command {
        Command::Put(args) => secrets::prepare_put(ctx, args),
        Command::DeleteScope(args) if !args.yes => {
            crate::validate::scope(&args.scope)?;
            scopes::confirm(ctx, &args.scope)?;
            args.yes = true; // confirmed
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The user's error for a failed call: what we were doing, what the server said,
/// and `not_found` as the hint when something did not exist.
fn fail(ctx: &Context, e: ApiError, doing: &str, not_found: impl FnOnce() -> String) -> CliError {
    let missing = e.is_not_found();
    let err = ctx.api_error(e, doing);
    if missing {
        err.or_hint(not_found())
    } else {
        err
    }
}

/// Like [`fail`], for writes to a scope: a BAD_REQUEST there usually means the
/// scope is backed by Azure Key Vault, which is read-only through Databricks.
fn write_fail(ctx: &Context, e: ApiError, doing: &str, scope: &str) -> CliError {
    if e.error_code() == Some("BAD_REQUEST") {
        let m = e.message().unwrap_or_default().to_ascii_lowercase();
        if m.contains("keyvault") || m.contains("key vault") {
            return CliError::failure(format!(
                "{doing}: scope '{scope}' is backed by Azure Key Vault and is read-only through Databricks"
            ))
            .with_hint("change its secrets in the Key Vault itself (e.g. `az keyvault secret set`); Databricks reads them from there");
        }
    }
    fail(ctx, e, doing, || no_scope_hint(scope))
}

/// The hint for a scope that does not exist.
fn no_scope_hint(scope: &str) -> String {
    format!("check the name with `dbsecrets list-scopes`, or create it with `dbsecrets create-scope {scope}`")
}
