//! The plan of a migration: for every key, its name in Unity Catalog, what
//! will be done (add, update, unchanged, skip, blocked) and why. Pure: built
//! from what was read (the values, the schema's secrets and whether each is
//! identical), so that every problem is known before the first write.

use std::collections::HashMap;

use base64::Engine;
use dbsecrets_client::names::MAX_UC_VALUE_BYTES;
use dbsecrets_client::SecretValue;
use secrecy::zeroize::Zeroizing;

use super::naming::{Naming, Problem};
use crate::cli::BinaryMode;

/// What the plan does with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Create the secret.
    Add,
    /// It exists with another value: replace it (`--update-existing`).
    Update,
    /// It exists with the same value: nothing to write (verified by that read).
    Unchanged,
    /// Leave the key in the scope (binary, oversize, exists with another value).
    Skip,
    /// A blocking problem (a collision, an invalid name).
    Blocked,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Update => "update",
            Action::Unchanged => "unchanged",
            Action::Skip => "skip",
            Action::Blocked => "blocked",
        }
    }

    /// Whether the key ends up in Unity Catalog (written, or already there).
    pub fn migrates(self) -> bool {
        matches!(self, Action::Add | Action::Update | Action::Unchanged)
    }
}

/// One key of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The key as the scope spells it.
    pub key: String,
    /// Its name in the schema.
    pub name: String,
    pub action: Action,
    pub reason: String,
    /// The name differs from the key.
    pub renamed: bool,
    /// Stored as base64 text (a binary value with `--binary base64`).
    pub base64: bool,
}

/// What a value becomes in Unity Catalog.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    Text,
    Base64,
    /// Why it cannot be stored.
    Skip(String),
}

/// Text of 1 byte to 60 KiB is copied as it is; binary values are skipped or
/// (`--binary base64`) stored as base64 text, which must fit 60 KiB too.
pub fn written(value: &SecretValue, binary: BinaryMode) -> Written {
    let bytes = value.expose_bytes();
    let Ok(text) = std::str::from_utf8(bytes) else {
        if binary == BinaryMode::Skip {
            return Written::Skip(format!(
                "binary value ({} bytes, not UTF-8 text): Unity Catalog holds text; --binary base64 stores it as base64 text",
                bytes.len()
            ));
        }
        let encoded = bytes.len().div_ceil(3) * 4;
        if encoded > MAX_UC_VALUE_BYTES {
            return Written::Skip(format!(
                "binary value of {} bytes: as base64 it is {encoded} bytes, over Unity Catalog's limit of {MAX_UC_VALUE_BYTES} (60 KiB)",
                bytes.len()
            ));
        }
        return Written::Base64;
    };
    if text.is_empty() {
        return Written::Skip("empty value: Unity Catalog refuses empty secrets".into());
    }
    if text.len() > MAX_UC_VALUE_BYTES {
        return Written::Skip(format!(
            "value of {} bytes, over Unity Catalog's limit of {MAX_UC_VALUE_BYTES} (60 KiB)",
            text.len()
        ));
    }
    Written::Text
}

/// The text stored for a value: the value itself, or its base64.
pub fn stored_text(value: &SecretValue, base64: bool) -> Zeroizing<String> {
    let bytes = value.expose_bytes();
    Zeroizing::new(if base64 {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    })
}

/// What the plan is built from.
pub struct Facts<'a> {
    pub keys: &'a [String],
    pub writes: &'a [Written],
    pub names: &'a [Naming],
    pub problems: &'a [Problem],
    /// The schema's secrets a key would be written to: name -> whether its
    /// value is identical to what the key would write.
    pub existing: &'a HashMap<String, bool>,
    pub update_existing: bool,
}

pub fn build(f: &Facts<'_>) -> Vec<Item> {
    let mut blocked: HashMap<usize, &str> = HashMap::new();
    for p in f.problems {
        for &k in &p.keys {
            blocked.entry(k).or_insert(p.text.as_str());
        }
    }
    f.keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let naming = &f.names[i];
            let mut item = Item {
                key: key.clone(),
                name: naming.name.clone(),
                action: Action::Add,
                reason: String::new(),
                renamed: naming.renamed(),
                base64: f.writes[i] == Written::Base64,
            };
            let renamed = || format!("renamed: {}", naming.how.join(", "));
            let (action, reason) = if let Some(problem) = blocked.get(&i) {
                (Action::Blocked, problem.to_string())
            } else if let Written::Skip(why) = &f.writes[i] {
                (Action::Skip, why.clone())
            } else {
                match f.existing.get(&naming.name) {
                    Some(true) => (
                        Action::Unchanged,
                        "already in Unity Catalog with the same value".into(),
                    ),
                    Some(false) if f.update_existing => (
                        Action::Update,
                        "exists with another value: replaced (--update-existing)".into(),
                    ),
                    Some(false) => (
                        Action::Skip,
                        "exists in Unity Catalog with another value: --update-existing replaces it"
                            .into(),
                    ),
                    None if naming.renamed() => (Action::Add, renamed()),
                    None => (Action::Add, String::new()),
                }
            };
            item.action = action;
            item.reason = reason;
            if item.base64 && action.migrates() {
                item.reason = join(
                    &item.reason,
                    "stored as base64 text (comment: encoding=base64)",
                );
            }
            if item.renamed && matches!(action, Action::Update | Action::Unchanged) {
                item.reason = join(&item.reason, &renamed());
            }
            item
        })
        .collect()
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}; {b}")
    }
}

#[cfg(test)]
mod tests {
    use super::super::naming::names;
    use super::*;

    #[test]
    fn values_by_unity_catalog_s_rules() {
        let text = SecretValue::text("v");
        assert_eq!(written(&text, BinaryMode::Skip), Written::Text);
        let binary = SecretValue::from_bytes(vec![0xff, 0, 1]);
        assert!(
            matches!(written(&binary, BinaryMode::Skip), Written::Skip(w) if w.starts_with("binary value (3 bytes"))
        );
        assert_eq!(written(&binary, BinaryMode::Base64), Written::Base64);
        assert_eq!(stored_text(&binary, true).as_str(), "/wAB");
        let big = SecretValue::text("x".repeat(MAX_UC_VALUE_BYTES + 1));
        assert!(
            matches!(written(&big, BinaryMode::Base64), Written::Skip(w) if w == "value of 61441 bytes, over Unity Catalog's limit of 61440 (60 KiB)")
        );
        assert_eq!(
            written(
                &SecretValue::text("x".repeat(MAX_UC_VALUE_BYTES)),
                BinaryMode::Skip
            ),
            Written::Text
        );
        // Base64 must fit too: 46,080 raw bytes are 61,440 as base64.
        let mut raw = vec![0xffu8; 46_080];
        assert_eq!(
            written(&SecretValue::from_bytes(raw.clone()), BinaryMode::Base64),
            Written::Base64
        );
        raw.push(0);
        assert!(matches!(
            written(&SecretValue::from_bytes(raw), BinaryMode::Base64),
            Written::Skip(_)
        ));
    }

    #[test]
    fn every_key_gets_an_action_and_a_reason() {
        let keys: Vec<String> = ["API.Key", "same", "other", "blob", "a.b", "A_B", "new"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (n, problems) = names(&keys, &[]);
        let writes = vec![
            Written::Text,
            Written::Text,
            Written::Text,
            Written::Skip("binary".into()),
            Written::Text,
            Written::Text,
            Written::Base64,
        ];
        let existing = HashMap::from([("same".to_string(), true), ("other".to_string(), false)]);
        let facts = Facts {
            keys: &keys,
            writes: &writes,
            names: &n,
            problems: &problems,
            existing: &existing,
            update_existing: false,
        };
        let plan = build(&facts);
        let got: Vec<(&str, &str, &str)> = plan
            .iter()
            .map(|i| (i.name.as_str(), i.action.as_str(), i.reason.as_str()))
            .collect();
        assert_eq!(
            got[0],
            ("api_key", "add", "renamed: lower case, '.' -> '_'")
        );
        assert_eq!(
            got[1],
            (
                "same",
                "unchanged",
                "already in Unity Catalog with the same value"
            )
        );
        assert_eq!(
            got[2],
            (
                "other",
                "skip",
                "exists in Unity Catalog with another value: --update-existing replaces it"
            )
        );
        assert_eq!(got[3], ("blob", "skip", "binary"));
        assert_eq!(got[4].1, "blocked");
        assert_eq!(got[5].1, "blocked");
        assert_eq!(
            got[6],
            (
                "new",
                "add",
                "stored as base64 text (comment: encoding=base64)"
            )
        );
        let plan = build(&Facts {
            update_existing: true,
            ..facts
        });
        assert_eq!(plan[2].action, Action::Update);
    }
}
