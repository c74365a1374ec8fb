//! Who may call the emulator: tokens, users and service principals, groups,
//! workspace admins, OAuth clients and workload-identity federation pairs,
//! from flags and from the `--config` file (read by `config`), resolved
//! once into a `Directory`.
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use anyhow::bail;

use super::state::{Caller, ADMINS_GROUP, USERS_GROUP};
use super::EmulatorOptions;

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
    use crate::config::{GroupConfig, PrincipalConfig};

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
}
