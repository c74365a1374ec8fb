//! Who may call the emulator: tokens, users and service principals, groups,
//! workspace admins, OAuth clients and workload-identity federation pairs,
//! from flags and from the `--config` file.
//!
//! The config file is TOML (`.toml`) or JSON (`.json`):
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
//! ```
//!
//! Rules: every principal is in `users`; group members may be principals or
//! groups (nested groups count); `admin = true`, membership of the `admins`
//! group and `--admin` all make a workspace admin, as does being the
//! emulator's `--principal`. Unknown keys are errors. Without any token,
//! password, OAuth client or federation pair the emulator is *open*: every
//! non-empty Bearer or Basic credential is the `--principal` admin.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::Path;

use anyhow::{bail, Context as _};
use serde::Deserialize;

use super::state::{Caller, ADMINS_GROUP, USERS_GROUP};
use super::EmulatorOptions;

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

/// Splits `LEFT=PRINCIPAL` at the last `=` (a token may end in `=` padding;
/// a principal never contains one).
pub(super) fn split_principal(s: &str) -> Option<(&str, &str)> {
    let (left, principal) = s.rsplit_once('=')?;
    (!left.is_empty() && !principal.trim().is_empty()).then_some((left, principal.trim()))
}

/// Splits `ID:SECRET=PRINCIPAL` (the id is up to the first `:`).
pub(super) fn split_pair_principal(s: &str) -> Option<(&str, &str, &str)> {
    let (pair, principal) = split_principal(s)?;
    let (id, secret) = pair.split_once(':')?;
    (!id.is_empty() && !secret.is_empty()).then_some((id, secret, principal))
}

/// The resolved identities, built once from [`EmulatorOptions`].
#[derive(Debug, Default)]
pub(super) struct Directory {
    /// No credential configured: every caller is the default admin.
    open: bool,
    default_principal: String,
    tokens: HashMap<String, String>,
    /// `user:password` → principal.
    basic: HashMap<String, String>,
    admins: BTreeSet<String>,
    /// member → the groups it is a direct member of.
    memberships: BTreeMap<String, BTreeSet<String>>,
    /// client id → (secret, principal).
    clients: HashMap<String, (String, String)>,
    /// (client id, subject token) → principal.
    federation: HashMap<(String, String), String>,
}

impl Directory {
    pub(super) fn new(opts: &EmulatorOptions) -> anyhow::Result<Self> {
        let mut d = Directory {
            default_principal: opts.principal.clone(),
            ..Directory::default()
        };
        d.admins.insert(opts.principal.clone());
        d.admins.extend(opts.admins.iter().cloned());
        for (token, principal) in &opts.tokens {
            d.add_token(token, principal)?;
        }
        for p in &opts.principals {
            if p.name.trim().is_empty() {
                bail!("a principal has an empty name");
            }
            for token in &p.tokens {
                d.add_token(token, &p.name)?;
            }
            if p.admin {
                d.admins.insert(p.name.clone());
            }
            for group in &p.groups {
                d.add_member(group, &p.name)?;
            }
            if let Some(password) = &p.password {
                d.basic
                    .insert(format!("{}:{password}", p.name), p.name.clone());
            }
        }
        for g in &opts.groups {
            for member in &g.members {
                d.add_member(&g.name, member)?;
            }
        }
        for (id, secret, principal) in &opts.oauth_clients {
            if id.is_empty() || secret.is_empty() || principal.trim().is_empty() {
                bail!("an OAuth client needs a client id, a secret and a principal");
            }
            let old = d
                .clients
                .insert(id.clone(), (secret.clone(), principal.clone()));
            if old.is_some() {
                bail!("OAuth client {id} is configured twice");
            }
        }
        for (id, subject, principal) in &opts.oidc_federation {
            if id.is_empty() || subject.is_empty() || principal.trim().is_empty() {
                bail!("a federation pair needs a client id, a subject token and a principal");
            }
            d.federation
                .insert((id.clone(), subject.clone()), principal.clone());
        }
        d.open = d.tokens.is_empty()
            && d.basic.is_empty()
            && d.clients.is_empty()
            && d.federation.is_empty();
        Ok(d)
    }

    fn add_token(&mut self, token: &str, principal: &str) -> anyhow::Result<()> {
        if token.trim().is_empty() || principal.trim().is_empty() {
            bail!("a token mapping needs a non-empty token and principal");
        }
        match self.tokens.insert(token.to_string(), principal.to_string()) {
            Some(other) if other != principal => {
                // Never print the token itself.
                bail!("one token is mapped to two principals: {other} and {principal}")
            }
            _ => Ok(()),
        }
    }

    fn add_member(&mut self, group: &str, member: &str) -> anyhow::Result<()> {
        if group.trim().is_empty() || member.trim().is_empty() {
            bail!("group names and members must not be empty");
        }
        if group == USERS_GROUP {
            // Everyone is in it already; accept it silently.
            return Ok(());
        }
        self.memberships
            .entry(member.to_string())
            .or_default()
            .insert(group.to_string());
        Ok(())
    }

    /// Whether every credential is accepted as the default admin.
    pub(super) fn is_open(&self) -> bool {
        self.open
    }

    pub(super) fn default_caller(&self) -> Caller {
        self.caller(&self.default_principal)
    }

    /// The caller `name` is: its groups, transitively, and admin status.
    pub(super) fn caller(&self, name: &str) -> Caller {
        let mut groups = BTreeSet::from([USERS_GROUP.to_string()]);
        let mut queue = VecDeque::from([name.to_string()]);
        while let Some(member) = queue.pop_front() {
            for group in self.memberships.get(&member).into_iter().flatten() {
                if groups.insert(group.clone()) {
                    queue.push_back(group.clone());
                }
            }
        }
        let admin = self.admins.contains(name) || groups.contains(ADMINS_GROUP);
        Caller {
            name: name.to_string(),
            admin,
            groups,
        }
    }

    /// The principal a static Bearer token stands for.
    pub(super) fn token(&self, token: &str) -> Option<&str> {
        self.tokens.get(token).map(String::as_str)
    }

    /// The principal for a decoded `user:password` Basic credential.
    pub(super) fn basic(&self, user_password: &str) -> Option<&str> {
        self.basic.get(user_password).map(String::as_str)
    }

    /// The principal of an OAuth client whose secret matches.
    pub(super) fn client(&self, id: &str, secret: &str) -> Option<&str> {
        let (expected, principal) = self.clients.get(id)?;
        (expected == secret).then_some(principal.as_str())
    }

    /// The principal of a configured (client id, subject token) pair.
    pub(super) fn federated(&self, id: &str, subject: &str) -> Option<&str> {
        self.federation
            .get(&(id.to_string(), subject.to_string()))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(opts: EmulatorOptions) -> Directory {
        Directory::new(&opts).unwrap()
    }

    #[test]
    fn default_is_open_and_admin() {
        let d = dir(EmulatorOptions::default());
        assert!(d.is_open());
        let c = d.default_caller();
        assert!(c.admin);
        assert_eq!(c.name, "admin@example.com");
    }

    #[test]
    fn groups_are_transitive_and_admins_group_makes_admins() {
        let opts = EmulatorOptions {
            tokens: vec![("t".into(), "alice".into())],
            principals: vec![PrincipalConfig {
                name: "alice".into(),
                groups: vec!["eng".into()],
                ..Default::default()
            }],
            groups: vec![
                GroupConfig {
                    name: "all-eng".into(),
                    members: vec!["eng".into()],
                },
                GroupConfig {
                    name: "admins".into(),
                    members: vec!["root".into()],
                },
            ],
            ..Default::default()
        };
        let d = dir(opts);
        assert!(!d.is_open());
        let alice = d.caller("alice");
        assert!(!alice.admin);
        let groups: Vec<&str> = alice.groups.iter().map(String::as_str).collect();
        assert_eq!(groups, ["all-eng", "eng", "users"]);
        assert!(d.caller("root").admin);
        assert!(d.caller("admin@example.com").admin);
        assert_eq!(d.token("t"), Some("alice"));
        assert_eq!(d.token("x"), None);
    }

    #[test]
    fn conflicting_tokens_are_refused_without_showing_them() {
        let opts = EmulatorOptions {
            tokens: vec![("sekrit".into(), "a".into()), ("sekrit".into(), "b".into())],
            ..Default::default()
        };
        let e = Directory::new(&opts).unwrap_err().to_string();
        assert!(e.contains("a and b") && !e.contains("sekrit"), "{e}");
    }

    #[test]
    fn flag_values_split() {
        assert_eq!(split_principal("abc==alice"), Some(("abc=", "alice")));
        assert_eq!(split_principal("abc"), None);
        assert_eq!(split_principal("=alice"), None);
        assert_eq!(
            split_pair_principal("id:se:cret=sp"),
            Some(("id", "se:cret", "sp"))
        );
        assert_eq!(split_pair_principal("id=sp"), None);
        assert_eq!(split_pair_principal(":s=sp"), None);
    }

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
        assert_eq!(c.principals[1].kind, PrincipalKind::ServicePrincipal);
        assert_eq!(c.oauth_clients[0].client_id, "c");
        assert!(toml::from_str::<EmulatorConfig>("[[principals]]\nname='a'\nadmn=true").is_err());
        let j: EmulatorConfig =
            serde_json::from_str(r#"{"principals": [{"name": "a", "tokens": ["t"]}]}"#).unwrap();
        assert_eq!(j.principals[0].tokens, ["t"]);
    }
}
