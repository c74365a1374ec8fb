//! The rows of a migration's report, one type per section, and its summary:
//! keys and names only, never a value.

use serde::Serialize;

use crate::output::Row;

/// One key: where it goes, what was done and why.
#[derive(Debug, Serialize, PartialEq)]
pub struct KeyRow {
    pub key: String,
    /// Its full name in Unity Catalog.
    pub name: String,
    /// add, update, unchanged, skip, blocked.
    pub action: &'static str,
    /// migrated, renamed (migrated under another name), skipped, blocked,
    /// failed, not-sent, dry-run.
    pub result: &'static str,
    pub reason: String,
}

impl Row for KeyRow {
    const HEADERS: &'static [&'static str] = &["key", "name", "action", "result", "reason"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.key.clone(),
            self.name.clone(),
            self.action.into(),
            self.result.into(),
            self.reason.clone(),
        ]
    }
}

/// One scope ACL and the grants it became.
#[derive(Debug, Serialize, PartialEq)]
pub struct GrantRow {
    pub principal: String,
    pub permission: String,
    /// Who holds the privileges in Unity Catalog (none when skipped).
    pub grantee: Option<String>,
    pub schema_privileges: Vec<&'static str>,
    pub catalog_privileges: Vec<&'static str>,
    /// granted, skipped, failed, not-sent, dry-run.
    pub result: &'static str,
    pub reason: String,
}

impl Row for GrantRow {
    const HEADERS: &'static [&'static str] = &[
        "principal",
        "permission",
        "grantee",
        "schema_privileges",
        "catalog_privileges",
        "result",
        "reason",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.principal.clone(),
            self.permission.clone(),
            self.grantee.clone().unwrap_or_default(),
            self.schema_privileges.join(","),
            self.catalog_privileges.join(","),
            self.result.into(),
            self.reason.clone(),
        ]
    }
    fn display_cells(&self) -> Vec<String> {
        let mut cells = self.cells();
        cells[3] = self.schema_privileges.join(", ");
        cells[4] = self.catalog_privileges.join(", ");
        cells
    }
}

/// A reference in notebooks, jobs and env files, before and after.
#[derive(Debug, Serialize, PartialEq)]
pub struct ReferenceRow {
    pub old: String,
    pub new: String,
}

impl Row for ReferenceRow {
    const HEADERS: &'static [&'static str] = &["old", "new"];
    fn cells(&self) -> Vec<String> {
        vec![self.old.clone(), self.new.clone()]
    }
}

/// A source key deleted by `--delete-source`.
#[derive(Debug, Serialize, PartialEq)]
pub struct SourceRow {
    pub key: String,
    /// deleted, failed, not-sent.
    pub result: &'static str,
    pub error: Option<String>,
}

impl Row for SourceRow {
    const HEADERS: &'static [&'static str] = &["key", "result", "error"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.key.clone(),
            self.result.into(),
            self.error.clone().unwrap_or_default(),
        ]
    }
}

/// The counts of the report's `summary`.
#[derive(Debug, Default, Serialize, PartialEq)]
pub struct Summary {
    pub keys: usize,
    pub add: usize,
    pub update: usize,
    pub unchanged: usize,
    pub skip: usize,
    pub blocked: usize,
    /// In Unity Catalog and verified identical (renamed and unchanged ones included).
    pub migrated: usize,
    pub renamed: usize,
    pub failed: usize,
    pub not_sent: usize,
    pub grants_granted: usize,
    pub grants_skipped: usize,
    pub grants_failed: usize,
    pub source_keys_deleted: usize,
    pub scope_deleted: bool,
}
