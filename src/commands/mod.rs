//! One file per command group. Each command validates its arguments first (so a
//! bad name sends nothing), makes its API calls, and hands rows to the output layer.

mod acls;
mod scopes;
mod secrets;

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
        Command::Delete(a) => secrets::delete(ctx, a).await,
        Command::Acls(a) => acls::list(ctx, a).await,
        Command::Emulator(_) => unreachable!("the emulator runs without the async client"),
    }
}

/// The hint for a scope that does not exist.
fn no_scope_hint(scope: &str) -> String {
    format!("check the name with `dbsecrets list-scopes`, or create it with `dbsecrets create-scope {scope}`")
}
