//! The `--config` file: principals, groups, admins, tokens, OAuth clients
//! and federation pairs (resolved by `principals`), and the Unity Catalog
//! catalogs and schemas to declare (see `catalogs`).
//!
//! It is TOML (`.toml`) or JSON (`.json`):
//!
//! ```toml
//! [[principals]]
//! name = "admin@example.com"
//! tokens = ["admin-token"]
//! admin = true
//!
//! [[principals]]
//! name = "alice@example.com"
//! tokens = ["alice-token"]
//! groups = ["data-engineers"]
//! password = "alice-password"        # HTTP Basic alice@example.com:alice-password
//!
//! [[principals]]
//! name = "6f0c3a52-0c0e-4b8e-9f43-2a1d1b7e4a10"   # a service principal's application id
//! kind = "service_principal"
//! tokens = ["ci-token"]
//!
//! [[groups]]
//! name = "data-engineers"
//! members = ["bob@example.com", "6f0c3a52-0c0e-4b8e-9f43-2a1d1b7e4a10", "ops"]
//!
//! [[oauth_clients]]                  # OAuth M2M: client_credentials grant
//! client_id = "ci-client"
//! client_secret = "ci-secret"
//! principal = "6f0c3a52-0c0e-4b8e-9f43-2a1d1b7e4a10"
//!
//! [[oidc_federation]]                # workload identity federation: token exchange
//! client_id = "gha-client"
//! subject_token = "eyJ-the-ci-id-token"
//! principal = "6f0c3a52-0c0e-4b8e-9f43-2a1d1b7e4a10"
//!
//! [[catalogs]]                       # Unity Catalog
//! name = "main"
//! owner = "admin@example.com"        # optional: the first admin
//!
//! [[schemas]]
//! catalog = "main"
//! name = "orders_app"
//! owner = "alice@example.com"        # optional: the first admin
//! ```
//!
//! Rules: every principal is in `users`; group members may be principals or
//! groups (nested groups count); `admin = true`, membership of the `admins`
//! group and `--admin` all make a workspace admin, as does being the
//! emulator's `--principal`. Unknown keys are errors. Without any token,
//! password, OAuth client or federation pair the emulator is *open*: every
//! non-empty Bearer or Basic credential is the `--principal` admin.

use std::path::Path;

use anyhow::{bail, Context as _};
use serde::Deserialize;

use super::catalogs::{CatalogConfig, SchemaConfig};

/// The `--config` file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmulatorConfig {
    #[serde(default)]
    pub principals: Vec<PrincipalConfig>,
    #[serde(default)]
    pub groups: Vec<GroupConfig>,
    #[serde(default)]
    pub oauth_clients: Vec<OAuthClientConfig>,
    #[serde(default)]
    pub oidc_federation: Vec<FederationConfig>,
    /// Unity Catalog catalogs to declare.
    #[serde(default)]
    pub catalogs: Vec<CatalogConfig>,
    /// Unity Catalog schemas to declare.
    #[serde(default)]
    pub schemas: Vec<SchemaConfig>,
}

/// A user or service principal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrincipalConfig {
    /// User name (e-mail) or a service principal's application id; what ACLs name.
    pub name: String,
    /// Informational only: both kinds behave the same.
    #[serde(default)]
    pub kind: PrincipalKind,
    /// Bearer tokens (personal access tokens) that authenticate as it.
    #[serde(default)]
    pub tokens: Vec<String>,
    /// A workspace admin may do everything.
    #[serde(default)]
    pub admin: bool,
    /// Groups it belongs to (besides `users`, which holds everyone).
    #[serde(default)]
    pub groups: Vec<String>,
    /// HTTP Basic password (user name = `name`).
    #[serde(default)]
    pub password: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    #[default]
    User,
    ServicePrincipal,
}

/// A group and its members (principals or other groups).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupConfig {
    pub name: String,
    #[serde(default)]
    pub members: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthClientConfig {
    pub client_id: String,
    pub client_secret: String,
    pub principal: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FederationConfig {
    pub client_id: String,
    pub subject_token: String,
    pub principal: String,
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

impl EmulatorConfig {
    /// Reads a TOML (`.toml`) or JSON (`.json`) config file.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("could not read the emulator config {}", path.display()))?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        // The parsers' own messages can quote the offending line, which may hold a
        // token or password: say where and what kind of problem, never the text.
        let parsed = match ext.as_deref() {
            Some("toml") => toml::from_str(&text).map_err(|e| {
                let at = e.span().map(|span| line_col(&text, span.start));
                let what = e.message().lines().next().unwrap_or("invalid TOML");
                let what = if what.contains('"') {
                    "invalid value"
                } else {
                    what
                };
                match at {
                    Some((line, col)) => anyhow::anyhow!("{what} at line {line}, column {col}"),
                    None => anyhow::anyhow!("{what}"),
                }
            }),
            Some("json") => serde_json::from_str(&text).map_err(|e| {
                use serde_json::error::Category;
                let what = match e.classify() {
                    Category::Syntax | Category::Io => "invalid JSON",
                    Category::Eof => "the JSON is truncated",
                    Category::Data => "a field is unknown, missing or of the wrong type",
                };
                anyhow::anyhow!("{what} at line {}, column {}", e.line(), e.column())
            }),
            _ => bail!(
                "the emulator config {} must end in .toml or .json",
                path.display()
            ),
        };
        parsed.with_context(|| format!("invalid emulator config {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_files_parse_strictly() {
        let toml_text = r#"
            [[principals]]
            name = "admin@example.com"
            tokens = ["admin-token"]
            admin = true
            [[principals]]
            name = "sp"
            kind = "service_principal"
            [[groups]]
            name = "g"
            members = ["sp"]
            [[oauth_clients]]
            client_id = "c"
            client_secret = "s"
            principal = "sp"
        "#;
        let c: EmulatorConfig = toml::from_str(toml_text).unwrap();
        assert_eq!(c.principals.len(), 2);
        assert!(c.catalogs.is_empty() && c.schemas.is_empty());
        assert_eq!(c.principals[1].kind, PrincipalKind::ServicePrincipal);
        assert_eq!(c.oauth_clients[0].client_id, "c");
        assert!(toml::from_str::<EmulatorConfig>("[[principals]]\nname='a'\nadmn=true").is_err());
        let j: EmulatorConfig =
            serde_json::from_str(r#"{"principals": [{"name": "a", "tokens": ["t"]}]}"#).unwrap();
        assert_eq!(j.principals[0].tokens, ["t"]);
    }

    #[test]
    fn catalogs_and_schemas() {
        let text = r#"
            [[catalogs]]
            name = "main"
            owner = "carol"
            [[schemas]]
            catalog = "main"
            name = "app"
        "#;
        let c: EmulatorConfig = toml::from_str(text).unwrap();
        assert_eq!(c.catalogs[0].owner.as_deref(), Some("carol"));
        assert_eq!(
            (c.schemas[0].catalog.as_str(), c.schemas[0].owner.as_deref()),
            ("main", None)
        );
        assert!(
            toml::from_str::<EmulatorConfig>("[[schemas]]\nname='a'").is_err(),
            "catalog missing"
        );
        let j: EmulatorConfig =
            serde_json::from_str(r#"{"schemas": [{"catalog": "m", "name": "s", "owner": "o"}]}"#)
                .unwrap();
        assert_eq!(j.schemas[0].owner.as_deref(), Some("o"));
    }
}
