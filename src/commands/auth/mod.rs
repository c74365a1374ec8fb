//! `auth describe` and `auth profiles`: how dbsecrets finds the workspace and
//! signs in, and where every setting comes from. What a user reads when a job
//! fails with 401 or 403, so every line names its source.

mod describe;
mod profiles;

use dbsecrets_client::config::Config;

pub use describe::describe;
pub use profiles::profiles;

use crate::context::Context;
use crate::failure::Failure;

/// One cheap authenticated call: list the scopes.
async fn check(ctx: &Context, cfg: &Config) -> Result<String, Failure> {
    let client = ctx.client_for(cfg)?;
    match client.secrets().list_scopes().await {
        Ok(scopes) => Ok(format!(
            "listed {} scope{} at {} with {}",
            scopes.len(),
            if scopes.len() == 1 { "" } else { "s" },
            client.host(),
            client.auth_name()
        )),
        Err(e) => Err(ctx.api_failure(&e, "check failed: cannot list scopes")),
    }
}
