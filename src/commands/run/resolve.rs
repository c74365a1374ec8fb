//! Reading the values of references: each distinct reference once, all at
//! once through the bulk runner (under the client's process-wide rate limit),
//! every failure kept so that all of them can be listed.

use std::collections::BTreeMap;

use dbsecrets_client::names::UcName;
use dbsecrets_client::{Client, ErrorKind};
use secrecy::zeroize::Zeroizing;
use secrecy::ExposeSecret;

use crate::commands::bulk::runner::{Done, Runner};
use crate::commands::scope_failure;
use crate::context::{shell_word, Context};
use crate::failure::{exit, Failure};
use crate::refs::Reference;

/// A value read, wiped when dropped.
pub type Value = Zeroizing<Vec<u8>>;

/// Requests in flight at most (fewer while the workspace throttles).
const JOBS: u16 = 16;

/// What reading one reference gave.
pub type Outcome = Result<Value, Failure>;

/// Reads every reference of `refs` (distinct, in order): one outcome each.
pub async fn read_all(ctx: &Context, refs: &[Reference]) -> Result<Vec<Outcome>, Failure> {
    if refs.is_empty() {
        return Ok(Vec::new());
    }
    let client = ctx.client()?;
    let runner = Runner::new(ctx, JOBS, client.limiter());
    let client = &client;
    let (results, _stats) = runner
        .run("reading references", refs.to_vec(), |r| async move {
            Done::Ok(read(ctx, client, &r).await)
        })
        .await;
    Ok(results
        .into_iter()
        .map(|done| match done {
            Some(Done::Ok(outcome)) => outcome,
            Some(Done::Failed(e)) => Err(Failure::other(e)),
            Some(Done::Fatal(f)) => Err(f),
            Some(Done::NotSent) | None => {
                Err(Failure::other("not read (stopped before it was sent)"))
            }
        })
        .collect())
}

/// Every value, or one failure that lists every reference that could not be
/// read (`used_by` says where each is used) and ends with `consequence`
/// ("the command was not started"). Its exit code is the first failure's.
pub fn all_or_nothing(
    refs: &[Reference],
    outcomes: Vec<Outcome>,
    used_by: impl Fn(&Reference) -> String,
    consequence: &str,
) -> Result<BTreeMap<Reference, Value>, Failure> {
    let mut values = BTreeMap::new();
    let mut failed: Vec<(String, Failure)> = Vec::new();
    for (r, outcome) in refs.iter().zip(outcomes) {
        match outcome {
            Ok(v) => {
                values.insert(r.clone(), v);
            }
            Err(f) => failed.push((format!("{r} ({})", used_by(r)), f)),
        }
    }
    let Some((_, first)) = failed.first() else {
        return Ok(values);
    };
    let (code, hint) = (first.code, first.hint.clone());
    let total = refs.len();
    let failure = if failed.len() == 1 {
        let (what, f) = &failed[0];
        Failure::new(code, format!("{what}: {}: {consequence}", f.message))
    } else {
        Failure::new(
            code,
            format!(
                "cannot read {} of {total} secret references: {consequence}",
                failed.len()
            ),
        )
        .with_details(
            failed
                .iter()
                .map(|(what, f)| format!("{what}: {}", f.message))
                .collect(),
        )
    };
    Err(match hint {
        Some(h) => failure.with_hint(h),
        None => failure,
    })
}

/// Reads one reference's value.
async fn read(ctx: &Context, client: &Client, r: &Reference) -> Outcome {
    match r {
        Reference::Scope { scope, key } => {
            let doing = format!("cannot read secret '{key}' in scope '{scope}'");
            match client.secrets().get_secret(scope, key).await {
                Ok(v) => Ok(Zeroizing::new(v.expose_secret().clone())),
                Err(e) => Err(scope_failure(ctx, &e, &doing, (scope, Some(key)), || {
                    format!(
                        "check the scope and key with {}",
                        ctx.suggest(&format!("list {}", shell_word(scope)))
                    )
                })),
            }
        }
        Reference::Uc(name) => {
            let doing = format!("cannot read secret '{name}'");
            let read_secret = "reading a value needs READ SECRET on the secret, its schema or its catalog (with USE SCHEMA and USE CATALOG)";
            match client.secrets_uc().get(&name.full_name(), true).await {
                Ok(secret) => match secret.effective_value {
                    Some(v) => Ok(Zeroizing::new(v.expose_secret().as_bytes().to_vec())),
                    None => Err(Failure::new(
                        exit::AUTH,
                        format!("{doing}: the workspace returned its metadata without the value"),
                    )
                    .with_hint(read_secret)),
                },
                Err(e) => {
                    let failure = ctx.api_failure(&e, &doing);
                    Err(match e.kind() {
                        ErrorKind::PermissionDenied => failure.with_hint(read_secret),
                        ErrorKind::NotFound => failure.or_hint(match name {
                            UcName::Secret(c, s, _) => format!(
                                "see the secrets of the schema with {}",
                                ctx.suggest(&format!("uc list {c}.{s}"))
                            ),
                            _ => "check the name".to_string(),
                        }),
                        _ => failure,
                    })
                }
            }
        }
    }
}
