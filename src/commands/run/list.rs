//! `refs FILE...`: the references of files (file, line, reference, service),
//! for reviews; with `--check`, whether each can be read (never its value).

use serde::Serialize;

use super::env::problems_failure;
use super::resolve;
use crate::cli::RefsArgs;
use crate::context::Context;
use crate::failure::{exit, Failure};
use crate::output::{Report, Rows};
use crate::refs::{self, Reference};

/// One reference of a file.
#[derive(Debug, Serialize, PartialEq)]
pub struct RefRow {
    pub file: String,
    pub line: usize,
    /// As written canonically: `{{secrets/scope/key}}`.
    pub reference: String,
    /// `workspace` or `unity-catalog`.
    pub service: &'static str,
    /// With --check: ok, not-found, no-permission or failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<&'static str>,
    /// With --check, when it failed: why (names, never values).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

pub async fn refs(ctx: &Context, args: RefsArgs) -> Result<Report, Failure> {
    let mut rows = Vec::new();
    let mut found: Vec<Reference> = Vec::new();
    let mut problems = Vec::new();
    for path in &args.files {
        let file = path.display().to_string();
        let text =
            std::fs::read(path).map_err(|e| Failure::usage(format!("cannot read {file}: {e}")))?;
        let scan = refs::scan(&text);
        for p in &scan.problems {
            problems.push(format!("{file} line {}: {p}", refs::line_of(&text, p.at)));
        }
        for f in scan.found {
            rows.push(RefRow {
                file: file.clone(),
                line: refs::line_of(&text, f.span.start),
                reference: f.reference.to_string(),
                service: f.reference.service(),
                status: None,
                error: None,
            });
            found.push(f.reference);
        }
    }
    let mut failure = None;
    if args.check && problems.is_empty() {
        let mut distinct: Vec<Reference> = Vec::new();
        for r in &found {
            if !distinct.contains(r) {
                distinct.push(r.clone());
            }
        }
        // Each value is dropped (and wiped) as soon as it is known to be readable.
        let outcomes: Vec<Result<(), Failure>> = resolve::read_all(ctx, &distinct)
            .await?
            .into_iter()
            .map(|o| o.map(drop))
            .collect();
        for (row, r) in rows.iter_mut().zip(&found) {
            let i = distinct
                .iter()
                .position(|d| d == r)
                .expect("distinct holds each");
            let (status, error) = status(&outcomes[i]);
            row.status = Some(status);
            row.error = error;
        }
        let failed: Vec<&Failure> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
        if let Some(first) = failed.first() {
            let f = Failure::new(
                first.code,
                format!(
                    "{} of {} secret references cannot be read: see the status column",
                    failed.len(),
                    distinct.len()
                ),
            );
            failure = Some(match &first.hint {
                Some(h) => f.with_hint(h.clone()),
                None => f,
            });
        }
    }
    if !problems.is_empty() {
        failure = Some(problems_failure(
            problems,
            "fix them before using the files",
        ));
    }
    Ok(
        Report::rows(table(&rows, args.check).with_empty("No secret references found."))
            .failing(failure),
    )
}

/// A reference's status and error, from how reading it went.
fn status(outcome: &Result<(), Failure>) -> (&'static str, Option<String>) {
    match outcome {
        Ok(()) => ("ok", None),
        Err(f) => (
            match f.code {
                exit::NOT_FOUND => "not-found",
                exit::AUTH => "no-permission",
                _ => "failed",
            },
            Some(f.message.clone()),
        ),
    }
}

fn table(rows: &[RefRow], check: bool) -> Rows {
    let mut headers = vec!["file", "line", "reference", "service"];
    if check {
        headers.extend(["status", "error"]);
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut c = vec![
                r.file.clone(),
                r.line.to_string(),
                r.reference.clone(),
                r.service.to_string(),
            ];
            if check {
                c.push(r.status.unwrap_or_default().to_string());
                c.push(r.error.clone().unwrap_or_default());
            }
            c
        })
        .collect();
    Rows::custom(rows, &headers, cells.clone(), &headers, cells)
}
