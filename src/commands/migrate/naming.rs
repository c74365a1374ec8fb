//! The name of each scope key in Unity Catalog (uc-secrets.md §9): lower
//! case with '.' -> '_', or what `--rename OLD=NEW` says; and the problems
//! that block a plan: names that collide after folding, names a rename leaves
//! invalid, renames of keys the scope does not hold. Pure.

use std::collections::BTreeMap;

use dbsecrets_client::names;

use crate::failure::Failure;

/// A key's name in the schema and how it differs from the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Naming {
    /// The secret's name within the schema, lower case.
    pub name: String,
    /// How it was made from the key: `lower case`, `'.' -> '_'`, `--rename`.
    pub how: Vec<&'static str>,
}

impl Naming {
    /// The name differs from the key as written.
    pub fn renamed(&self) -> bool {
        !self.how.is_empty()
    }
}

/// A problem that blocks the plan, and the keys (by index) it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub keys: Vec<usize>,
    pub text: String,
}

/// `FROM=TO` pairs of a repeatable flag (`--rename`, `--map-principal`).
pub fn pairs(flag: &str, given: &[String]) -> Result<Vec<(String, String)>, Failure> {
    given
        .iter()
        .map(|p| match p.split_once('=') {
            Some((from, to)) if !from.trim().is_empty() && !to.trim().is_empty() => {
                Ok((from.trim().to_string(), to.trim().to_string()))
            }
            _ => Err(Failure::usage(format!(
                "{flag} takes FROM=TO (two names joined by '='), not '{p}'"
            ))),
        })
        .collect()
}

/// The default name of a key: lower case, every '.' replaced by '_'.
pub fn default_name(key: &str) -> Naming {
    let lower = key.to_lowercase();
    let mut how = Vec::new();
    if lower != key {
        how.push("lower case");
    }
    if key.contains('.') {
        how.push("'.' -> '_'");
    }
    Naming {
        name: lower.replace('.', "_"),
        how,
    }
}

/// The name of every key, and every problem: `renames` are `(OLD, NEW)`,
/// OLD matched exactly or else ignoring case (scope keys ignore case).
pub fn names(keys: &[String], renames: &[(String, String)]) -> (Vec<Naming>, Vec<Problem>) {
    let mut namings: Vec<Naming> = keys.iter().map(|k| default_name(k)).collect();
    let mut problems = Vec::new();
    let mut renamed: BTreeMap<usize, &str> = BTreeMap::new();
    for (old, new) in renames {
        let found = keys
            .iter()
            .position(|k| k == old)
            .or_else(|| keys.iter().position(|k| k.eq_ignore_ascii_case(old)));
        let Some(i) = found else {
            problems.push(Problem {
                keys: Vec::new(),
                text: format!("--rename {old}={new}: the scope has no key '{old}'"),
            });
            continue;
        };
        if let Some(before) = renamed.insert(i, new) {
            problems.push(Problem {
                keys: vec![i],
                text: format!(
                    "key '{}': renamed twice (to '{before}' and to '{new}')",
                    keys[i]
                ),
            });
            continue;
        }
        if let Err(e) = names::uc_part("secret", new) {
            problems.push(Problem {
                keys: vec![i],
                text: format!("key '{}': --rename {old}={new}: {e}", keys[i]),
            });
        }
        namings[i] = Naming {
            name: new.to_lowercase(),
            how: vec!["--rename"],
        };
    }
    // Collisions: two keys, one name (Unity Catalog names ignore case).
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, n) in namings.iter().enumerate() {
        by_name.entry(n.name.as_str()).or_default().push(i);
    }
    for (name, group) in by_name.into_iter().filter(|(_, g)| g.len() > 1) {
        let listed: Vec<String> = group.iter().map(|&i| format!("'{}'", keys[i])).collect();
        problems.push(Problem {
            text: format!(
                "keys {} would all be named '{name}' in Unity Catalog (names ignore case and have no '.'): give all but one another name with --rename OLD=NEW",
                listed.join(" and ")
            ),
            keys: group,
        });
    }
    (namings, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(k: &[&str]) -> Vec<String> {
        k.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn default_names_fold_case_and_dots() {
        assert_eq!(default_name("api_key").how, Vec::<&str>::new());
        let n = default_name("DB.Host");
        assert_eq!(n.name, "db_host");
        assert_eq!(n.how, ["lower case", "'.' -> '_'"]);
        assert!(n.renamed());
    }

    #[test]
    fn collisions_after_folding_are_problems_of_every_key_involved() {
        let (n, p) = names(&keys(&["API_KEY", "db.host", "db_host", "x"]), &[]);
        assert_eq!(n[0].name, "api_key");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].keys, [1, 2]);
        assert!(p[0]
            .text
            .starts_with("keys 'db.host' and 'db_host' would all be named 'db_host'"));
        // A rename resolves it.
        let r = vec![("db.host".to_string(), "db_hostname".to_string())];
        let (n, p) = names(&keys(&["API_KEY", "db.host", "db_host"]), &r);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(n[1].name, "db_hostname");
        assert_eq!(n[1].how, ["--rename"]);
    }

    #[test]
    fn renames_must_name_a_key_and_give_a_valid_name() {
        let r = vec![
            ("nope".to_string(), "x".to_string()),
            ("A".to_string(), "still.dotted".to_string()),
            ("b".to_string(), "B2".to_string()),
        ];
        let (n, p) = names(&keys(&["a", "B"]), &r);
        assert_eq!(n[1].name, "b2", "matched ignoring case, stored lower case");
        let texts: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts[0], "--rename nope=x: the scope has no key 'nope'");
        assert!(texts[1].starts_with("key 'a': --rename A=still.dotted: invalid secret name"));
        assert_eq!(p[1].keys, [0]);
        // A rename onto another key's name collides.
        let r = vec![("a".to_string(), "b".to_string())];
        let (_, p) = names(&keys(&["a", "B"]), &r);
        assert_eq!(p[0].keys, [0, 1]);
    }

    #[test]
    fn pairs_need_both_sides() {
        let ok = pairs("--rename", &["a=b".into(), "users=account users".into()]).unwrap();
        assert_eq!(ok[1], ("users".into(), "account users".into()));
        for bad in ["a", "=b", "a="] {
            let e = pairs("--rename", &[bad.to_string()]).unwrap_err();
            assert_eq!(e.code, 2);
        }
    }
}
