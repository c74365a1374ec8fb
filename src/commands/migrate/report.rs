//! The report of a migration (or of its plan): per key, per grant, the
//! references to update (`{{secrets/SCOPE/KEY}}` -> `{{secrets/CATALOG.SCHEMA.NAME}}`),
//! the source clean-up, a summary; and the failure it ends with. Keys and
//! names only: no value ever reaches it.

use serde::Serialize;

use super::grants::{Applied, Grant};
use super::plan::{Action, Item};
use super::rows::{GrantRow, KeyRow, ReferenceRow, SourceRow, Summary};
use super::run::{Cleanup, Deleted, Outcome};
use crate::commands::bulk::runner::Stats;
use crate::failure::{exit, Failure};
use crate::output::{render_json, Body, Report, Rows};

#[derive(Serialize)]
struct Document<'a> {
    scope: &'a str,
    schema: &'a str,
    dry_run: bool,
    keys: &'a [KeyRow],
    grants: &'a [GrantRow],
    references: &'a [ReferenceRow],
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a [SourceRow]>,
    summary: &'a Summary,
}

/// Everything the report is made of.
pub struct Migration<'a> {
    pub scope: &'a str,
    /// `catalog.schema`.
    pub schema: &'a str,
    pub dry_run: bool,
    pub items: &'a [Item],
    pub outcomes: &'a [Outcome],
    pub grants: &'a [Grant],
    /// How each grant was applied; `None`: not applied (a dry run, a stopped run).
    pub applied: Option<&'a [Applied]>,
    pub cleanup: Option<&'a Cleanup>,
    pub stats: &'a Stats,
}

impl Migration<'_> {
    fn key_rows(&self) -> Vec<KeyRow> {
        self.items
            .iter()
            .zip(self.outcomes)
            .map(|(item, outcome)| {
                let (result, reason) = match outcome {
                    Outcome::Planned => ("dry-run", item.reason.clone()),
                    Outcome::Verified if item.renamed => ("renamed", item.reason.clone()),
                    Outcome::Verified => ("migrated", item.reason.clone()),
                    Outcome::Skipped => ("skipped", item.reason.clone()),
                    Outcome::Blocked => ("blocked", item.reason.clone()),
                    Outcome::Failed(e) => ("failed", e.clone()),
                    Outcome::Unverified => (
                        "not-verified",
                        "written; interrupted before it was read back".into(),
                    ),
                    Outcome::NotSent => ("not-sent", item.reason.clone()),
                };
                KeyRow {
                    key: item.key.clone(),
                    name: format!("{}.{}", self.schema, item.name),
                    action: item.action.as_str(),
                    result,
                    reason,
                }
            })
            .collect()
    }

    fn grant_rows(&self) -> Vec<GrantRow> {
        self.grants
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let (result, error) = match (self.applied.map(|a| &a[i]), &g.grantee) {
                    (_, None) | (Some(Applied::Skipped), _) => ("skipped", None),
                    (Some(Applied::Granted), _) => ("granted", None),
                    (Some(Applied::Unknown(e)), _) => ("skipped", Some(e.clone())),
                    (Some(Applied::Failed(e)), _) => ("failed", Some(e.clone())),
                    (None, _) if self.dry_run => ("dry-run", None),
                    (None, _) => ("not-sent", None),
                };
                let mut reason = g.notes.clone();
                reason.extend(error);
                GrantRow {
                    principal: g.principal.clone(),
                    permission: g.permission.clone(),
                    grantee: g.grantee.clone(),
                    schema_privileges: g.on_schema.clone(),
                    catalog_privileges: g.on_catalog.clone(),
                    result,
                    reason: reason.join("; "),
                }
            })
            .collect()
    }

    fn references(&self) -> Vec<ReferenceRow> {
        self.items
            .iter()
            .zip(self.outcomes)
            .filter(|(item, o)| {
                item.action.migrates() && matches!(o, Outcome::Verified | Outcome::Planned)
            })
            .map(|(item, _)| ReferenceRow {
                old: format!("{{{{secrets/{}/{}}}}}", self.scope, item.key),
                new: format!("{{{{secrets/{}.{}}}}}", self.schema, item.name),
            })
            .collect()
    }

    fn source_rows(&self) -> Option<Vec<SourceRow>> {
        let cleanup = self.cleanup?;
        Some(
            cleanup
                .keys
                .iter()
                .map(|(key, o)| {
                    let (result, error) = match o {
                        Deleted::Yes => ("deleted", None),
                        Deleted::Failed(e) => ("failed", Some(e.clone())),
                        Deleted::NotSent => ("not-sent", None),
                    };
                    SourceRow {
                        key: key.clone(),
                        result,
                        error,
                    }
                })
                .collect(),
        )
    }

    fn summary(
        &self,
        keys: &[KeyRow],
        grants: &[GrantRow],
        source: Option<&[SourceRow]>,
    ) -> Summary {
        let action = |a: Action| self.items.iter().filter(|i| i.action == a).count();
        let result = |r: &str| keys.iter().filter(|k| k.result == r).count();
        let grant = |r: &str| grants.iter().filter(|g| g.result == r).count();
        Summary {
            keys: keys.len(),
            add: action(Action::Add),
            update: action(Action::Update),
            unchanged: action(Action::Unchanged),
            skip: action(Action::Skip),
            blocked: action(Action::Blocked),
            migrated: result("migrated") + result("renamed"),
            renamed: result("renamed"),
            failed: result("failed"),
            not_sent: result("not-sent"),
            grants_granted: grant("granted"),
            grants_skipped: grant("skipped"),
            grants_failed: grant("failed"),
            source_keys_deleted: source
                .map_or(0, |s| s.iter().filter(|r| r.result == "deleted").count()),
            scope_deleted: self.cleanup.is_some_and(|c| c.scope_deleted),
        }
    }

    /// The report; `failure` is what the run ends with, if anything.
    pub fn report(&self, failure: Option<Failure>) -> Report {
        let keys = self.key_rows();
        let grants = self.grant_rows();
        let references = self.references();
        let source = self.source_rows();
        let summary = self.summary(&keys, &grants, source.as_deref());
        let json = render_json(&Document {
            scope: self.scope,
            schema: self.schema,
            dry_run: self.dry_run,
            keys: &keys,
            grants: &grants,
            references: &references,
            source: source.as_deref(),
            summary: &summary,
        });
        let mut sections = vec![
            ("Keys".to_string(), Rows::of(&keys, "")),
            ("Grants".to_string(), Rows::of(&grants, "")),
            (
                "References to update (notebooks, jobs, env files)".to_string(),
                Rows::of(&references, ""),
            ),
        ];
        if let Some(source) = &source {
            sections.push(("Source keys deleted".to_string(), Rows::of(source, "")));
        }
        let mut report =
            Report::new(Body::Sections { json, sections }).note(self.summary_line(&summary));
        if let Some(note) = self.cleanup.and_then(|c| c.note.clone()) {
            report = report.note(note);
        }
        report.failing(failure)
    }

    fn summary_line(&self, s: &Summary) -> String {
        let mut parts = Vec::new();
        let mut push = |n: usize, text: String| {
            if n > 0 {
                parts.push(text);
            }
        };
        let what = format!("scope '{}' to schema '{}'", self.scope, self.schema);
        if self.dry_run {
            push(s.add, format!("{} to add", s.add));
            push(s.update, format!("{} to update", s.update));
            push(s.unchanged, format!("{} already there", s.unchanged));
            push(s.skip, format!("{} to skip", s.skip));
            push(s.blocked, format!("{} blocked", s.blocked));
        } else {
            let mut migrated = format!("{} migrated", s.migrated);
            let mut detail = Vec::new();
            if s.renamed > 0 {
                detail.push(format!("{} renamed", s.renamed));
            }
            if s.unchanged > 0 && s.migrated > 0 {
                detail.push(format!("{} already there", s.unchanged.min(s.migrated)));
            }
            if !detail.is_empty() {
                migrated.push_str(&format!(" ({})", detail.join(", ")));
            }
            push(s.migrated, migrated);
            push(s.skip, format!("{} skipped", s.skip));
            push(s.blocked, format!("{} blocked", s.blocked));
            push(s.failed, format!("{} failed", s.failed));
            push(s.not_sent, format!("{} not sent", s.not_sent));
        }
        if parts.is_empty() {
            parts.push("no keys".into());
        }
        let mut line = if self.dry_run {
            format!("Dry run of the migration of {what}: {}", parts.join(", "))
        } else {
            format!("Migration of {what}: {}", parts.join(", "))
        };
        if !self.grants.is_empty() {
            let (done, skipped) = (s.grants_granted, s.grants_skipped);
            let planned = self.grants.len() - skipped;
            line.push_str(&if self.dry_run {
                format!("; grants: {planned} to apply, {skipped} to skip")
            } else {
                format!(
                    "; grants: {done} applied, {skipped} skipped, {} failed",
                    s.grants_failed
                )
            });
        }
        if self.cleanup.is_some() {
            line.push_str(&format!(
                "; {} source key{} deleted{}",
                s.source_keys_deleted,
                if s.source_keys_deleted == 1 { "" } else { "s" },
                if s.scope_deleted {
                    ", and the scope"
                } else {
                    ""
                }
            ));
        }
        line.push_str(if self.dry_run {
            "; nothing was written."
        } else {
            "."
        });
        if self.stats.throttled > 0 {
            line.push_str(&format!(
                " The workspace throttled {} request{} (retried; at least {} at once).",
                self.stats.throttled,
                if self.stats.throttled == 1 { "" } else { "s" },
                self.stats.lowest_jobs
            ));
        }
        line
    }
}

/// The plan has problems that block it: all of them, nothing written (exit 2).
pub fn blocked(problems: &[String]) -> Failure {
    let n = problems.len();
    Failure::usage(format!(
        "the plan has {n} blocking problem{}: nothing was written",
        if n == 1 { "" } else { "s" }
    ))
    .with_details(problems.to_vec())
    .with_hint("resolve them (--rename OLD=NEW gives a key another name) and run again; --dry-run shows the plan")
}

/// What a run ends with: Ctrl-C, a fatal error, failed keys, failed grants
/// or a failed clean-up, in that order; `None` when all went well.
pub fn outcome(
    outcomes: &[Outcome],
    items: &[Item],
    stats: &Stats,
    applied: &[Applied],
    cleanup: Option<&Cleanup>,
) -> Option<Failure> {
    let again = "run the same command again to finish: what is done is not rewritten";
    let failed: Vec<&str> = items
        .iter()
        .zip(outcomes)
        .filter(|(_, o)| matches!(o, Outcome::Failed(_)))
        .map(|(i, _)| i.key.as_str())
        .collect();
    let copied = items.iter().filter(|i| i.action.migrates()).count();
    if stats.interrupted {
        let done = outcomes.iter().filter(|o| **o == Outcome::Verified).count();
        let not_sent = outcomes.iter().filter(|o| **o == Outcome::NotSent).count();
        let unverified = outcomes
            .iter()
            .filter(|o| **o == Outcome::Unverified)
            .count();
        let unverified = if unverified == 0 {
            String::new()
        } else {
            format!(", {unverified} written but not verified")
        };
        return Some(
            Failure::new(
                exit::INTERRUPTED,
                format!(
                    "interrupted (Ctrl-C): {done} of {copied} keys migrated and verified{unverified}, {not_sent} not sent{}",
                    if failed.is_empty() { String::new() } else { format!(", {} failed: {}", failed.len(), failed.join(", ")) }
                ),
            )
            .with_hint(format!("the requests in flight finished, so the report above is exact; {again}")),
        );
    }
    if let Some(fatal) = &stats.fatal {
        return Some(fatal.clone().or_hint(again));
    }
    if !failed.is_empty() {
        return Some(
            Failure::other(format!(
                "{} of {copied} keys failed: {}",
                failed.len(),
                failed.join(", ")
            ))
            .with_hint(format!(
                "the others are migrated and verified; the report says why each failed; {again}"
            )),
        );
    }
    let grants_failed = applied
        .iter()
        .filter(|a| matches!(a, Applied::Failed(_)))
        .count();
    if grants_failed > 0 {
        return Some(
            Failure::other(format!("{grants_failed} grant{} failed", if grants_failed == 1 { "" } else { "s" }))
                .with_hint("reading or changing grants needs ownership of the schema or catalog, or MANAGE on it; the report says why each failed"),
        );
    }
    let cleanup = cleanup?;
    let left = cleanup
        .keys
        .iter()
        .filter(|(_, d)| *d != Deleted::Yes)
        .count();
    if left > 0 {
        return Some(
            Failure::other(format!(
                "{left} source key{} not deleted",
                if left == 1 { " was" } else { "s were" }
            ))
            .with_hint(format!("every key is migrated and verified; {again}")),
        );
    }
    cleanup.error.clone().map(Failure::other)
}
