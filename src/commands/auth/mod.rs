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

/// What a check found.
struct Checked {
    detail: String,
    /// Who the workspace says the caller is (SCIM `Me`), when it says so.
    identity: Option<String>,
}

/// One cheap authenticated call (list the scopes), then who the workspace
/// says the caller is, as `gh auth status` shows it. A workspace that does not
/// answer SCIM does not fail the check.
async fn check(ctx: &Context, cfg: &Config) -> Result<Checked, Failure> {
    let client = ctx.client_for(cfg)?;
    let scopes = client
        .secrets()
        .list_scopes()
        .await
        .map_err(|e| ctx.api_failure(&e, "cannot list scopes"))?;
    let identity = client.current_user().me().await.ok().and_then(|u| {
        let name = u.user_name.filter(|n| !n.trim().is_empty())?;
        Some(
            match u
                .display_name
                .filter(|d| !d.trim().is_empty() && *d != name)
            {
                Some(d) => format!("{name} ({d})"),
                None => name,
            },
        )
    });
    let identity = identity.map(|i| dbsecrets_client::error::clean(&i, 200));
    Ok(Checked {
        detail: format!(
            "listed {} scope{} at {} with {}{}",
            scopes.len(),
            if scopes.len() == 1 { "" } else { "s" },
            client.host(),
            client.auth_name(),
            identity
                .as_deref()
                .map(|i| format!(", signed in as {i}"))
                .unwrap_or_default()
        ),
        identity,
    })
}
