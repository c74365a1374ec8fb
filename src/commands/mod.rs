//! The commands: functions from their parsed options and their dependencies
//! (the [`Context`]: client, terminal facts, streams) to a [`Report`], or a
//! [`Failure`]. They never print: `output` renders what they return.
//!
//! [`plan`] is the one place that maps a command line to its function. What a
//! command reads from the user (a value, a confirmation) is read there, before
//! the async runtime starts, so that Ctrl-C at a prompt stops at once.

mod acls;
mod auth;
pub mod bulk;
mod man;
mod migrate;
mod run;
mod scopes;
mod secrets;
mod tools;
mod uc;

use std::future::Future;
use std::pin::Pin;

use dbsecrets_client::{Error, ErrorKind};

use crate::cli::{AuthCommand, Command, UcCommand};
use crate::context::Context;
use crate::failure::Failure;
use crate::output::Report;

pub use acls::AclRow;
pub use scopes::ScopeRow;
pub use secrets::SecretRow;

/// A command's work, on the async runtime.
pub type Work<'a> = Pin<Box<dyn Future<Output = Result<Report, Failure>> + 'a>>;

/// How a command runs.
pub enum Job<'a> {
    /// Done already: it needed no runtime (completions, the manual, the emulator).
    Done(Box<Report>),
    /// Work for the runtime. `graceful`: it watches Ctrl-C itself (stop
    /// sending, let the requests in flight finish, report); the others stop at once.
    Run { graceful: bool, work: Work<'a> },
    /// Work for the runtime that handles SIGINT, SIGTERM and SIGHUP itself
    /// (`run` forwards them to its command and waits for it).
    Foreground(Work<'a>),
}

fn run<'a>(work: impl Future<Output = Result<Report, Failure>> + 'a) -> Job<'a> {
    Job::Run {
        graceful: false,
        work: Box::pin(work),
    }
}

fn graceful<'a>(work: impl Future<Output = Result<Report, Failure>> + 'a) -> Job<'a> {
    Job::Run {
        graceful: true,
        work: Box::pin(work),
    }
}

/// The job for a command line: one arm per command.
pub fn plan(ctx: &Context, command: Command) -> Result<Job<'_>, Failure> {
    Ok(match command {
        Command::ListScopes => run(scopes::list(ctx)),
        Command::CreateScope(a) => run(scopes::create(ctx, a)),
        Command::DeleteScope(a) => {
            let confirmed = scopes::confirm_delete(ctx, &a)?;
            run(scopes::delete(ctx, a, confirmed))
        }
        Command::List(a) => run(secrets::list(ctx, a)),
        Command::Put(a) => {
            let value = secrets::read_value(ctx, &a)?;
            run(secrets::put(ctx, a, value))
        }
        Command::Get(a) => run(secrets::get(ctx, a, false)),
        Command::GetSecret(a) => run(secrets::get(ctx, a, true)),
        Command::Delete(a) => run(secrets::delete(ctx, a)),
        Command::Acls(a) => run(acls::list(ctx, a)),
        Command::PutAcl(a) => run(acls::put(ctx, a)),
        Command::GetAcl(a) => run(acls::get(ctx, a)),
        Command::DeleteAcl(a) => run(acls::delete(ctx, a)),
        Command::Auth(AuthCommand::Describe(a)) => run(auth::describe(ctx, a)),
        Command::Auth(AuthCommand::Profiles(a)) => run(auth::profiles(ctx, a)),
        Command::Import(a) => {
            let entries = bulk::import_entries(ctx, &a)?;
            graceful(bulk::import(ctx, a, entries))
        }
        Command::Export(a) => graceful(bulk::export(ctx, a)),
        Command::Copy(a) => graceful(bulk::copy(ctx, a)),
        Command::Sync(a) => {
            let entries = bulk::sync_entries(ctx, &a)?;
            graceful(bulk::sync(ctx, a, entries))
        }
        Command::Uc(UcCommand::List(a)) => run(uc::list(ctx, a)),
        Command::Uc(UcCommand::Put(a)) => {
            let value = uc::read_value(ctx, &a)?;
            run(uc::put(ctx, a, value))
        }
        Command::Uc(UcCommand::Get(a)) => run(uc::get(ctx, a)),
        Command::Uc(UcCommand::Show(a)) => run(uc::show(ctx, a)),
        Command::Uc(UcCommand::Update(a)) => run(uc::update(ctx, a)),
        Command::Uc(UcCommand::Delete(a)) => run(uc::delete(ctx, a)),
        Command::Uc(UcCommand::Grants(a)) => run(uc::grants(ctx, a)),
        Command::Uc(UcCommand::Grant(a)) => run(uc::grant(ctx, a)),
        Command::Uc(UcCommand::Revoke(a)) => run(uc::revoke(ctx, a)),
        Command::Run(a) => Job::Foreground(Box::pin(run::run(ctx, a))),
        Command::Inject(a) => {
            let template = run::read_template(ctx, &a)?;
            run(run::inject(ctx, a, template))
        }
        Command::Refs(a) => run(run::refs(ctx, a)),
        Command::Completions(a) => Job::Done(Box::new(tools::completions(a))),
        Command::Man(a) => Job::Done(Box::new(man::man(a)?)),
        Command::Emulator(a) => Job::Done(Box::new(tools::emulator(a)?)),
        Command::Migrate(a) => {
            let prepared = migrate::prepare(ctx, &a)?;
            graceful(migrate::migrate(ctx, a, prepared))
        }
    })
}

/// The failure of a Secrets API call on `scope` (and `key`): the endpoint's
/// own explanation for what only it can mean (a notebook-only workspace, a Key
/// Vault scope), else the failure table's, with `not_found` as the hint when
/// something did not exist.
fn scope_failure(
    ctx: &Context,
    e: &Error,
    doing: &str,
    target: (&str, Option<&str>),
    not_found: impl FnOnce() -> String,
) -> Failure {
    let (scope, key) = target;
    match e.kind() {
        ErrorKind::ReadOnlyScope => Failure::other(format!(
            "{doing}: scope '{scope}' is backed by Azure Key Vault and is read-only through Databricks"
        ))
        .with_hint("change its secrets in the Key Vault itself (e.g. `az keyvault secret set`); Databricks reads them from there"),
        ErrorKind::NotebookOnly => notebook_only(doing, Some((scope, key.unwrap_or("..."))))
        ,
        ErrorKind::NotFound => ctx.api_failure(e, doing).or_hint(not_found()),
        _ => ctx.api_failure(e, doing),
    }
}

/// A workspace that only lets notebooks and jobs read values.
fn notebook_only(doing: &str, what: Option<(&str, &str)>) -> Failure {
    let failure = Failure::other(format!(
        "{doing}: this workspace only allows reading secret values from inside a notebook or job"
    ));
    match what {
        Some((scope, key)) => failure.with_hint(format!(
            "read it there with dbutils.secrets.get(scope=\"{scope}\", key=\"{key}\")"
        )),
        None => failure.with_hint("read them there with dbutils.secrets.get(scope=..., key=...)"),
    }
}

/// The report of a delete: `done` when it went, or, with `--if-exists`,
/// `absent` when it was already gone (result `absent`); any other failure is
/// the caller's to explain. `outcome` makes the outcome for a result.
fn deleted<O: crate::output::Columns>(
    result: Result<(), Error>,
    if_exists: bool,
    outcome: impl FnOnce(&'static str) -> O,
    done: String,
    absent: String,
) -> Result<Report, Error> {
    match result {
        Ok(()) => Ok(Report::outcome(outcome("deleted"), done)),
        Err(e) if e.is_not_found() && if_exists => Ok(Report::outcome(outcome("absent"), absent)),
        Err(e) => Err(e),
    }
}

/// The hint for a scope that does not exist.
fn no_scope_hint(ctx: &Context, scope: &str) -> String {
    format!(
        "check the name with {}, or create it with {}",
        ctx.suggest("list-scopes"),
        ctx.suggest(&format!(
            "create-scope {}",
            crate::context::shell_word(scope)
        ))
    )
}

/// The hint for a key that was not found: its scope's keys when the scope
/// exists, else the scopes (one more request, on the failure path only).
async fn no_key_hint(
    ctx: &Context,
    client: &dbsecrets_client::Client,
    scope: &str,
    extra: &str,
) -> String {
    match client.secrets().list_secrets(scope).await {
        Err(e) if e.is_not_found() => format!(
            "scope '{scope}' does not exist: check the name with {}",
            ctx.suggest("list-scopes")
        ),
        _ => format!(
            "see the keys of the scope with {}{extra}",
            ctx.suggest(&format!("list {}", crate::context::shell_word(scope)))
        ),
    }
}

/// A name check of the client library, as a usage error.
fn check(result: Result<(), Error>) -> Result<(), Failure> {
    result.map_err(Failure::from)
}
