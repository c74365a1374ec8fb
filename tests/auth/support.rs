//! What the auth tests share: the credentials none of them may show, a
//! runner that checks for them, a scripted OAuth server, form and table
//! readers, and a directory of fake CLIs.

use assert_cmd::Command;

use crate::common::fake::{Fake, Reply, Seen};
use crate::common::*;

/// Every credential the tests hand out: none may appear in any output.
pub const SECRETS: &[&str] = &[
    "sp-secret-7f3a",
    "oauth-access-91c2",
    "gh-request-token-55e1",
    "gh-id-token-0b7d",
    "env-id-token-3c9e",
    "file-id-token-d4a8",
    "cli-access-token-6b21",
    "az-access-token-e8f0",
    "arm-secret-a1b2",
    "aad-access-token-c3d4",
    "dapi-pat-token-1234",
    "basic-password-5678",
];

/// Runs a command and checks that no secret shows in its output.
pub fn run(cmd: &mut Command) -> Out {
    let out = Out::from(cmd.output().expect("runs"));
    for s in SECRETS {
        assert!(
            !out.stdout.contains(s) && !out.stderr.contains(s),
            "secret {s} shown:\nstdout: {}\nstderr: {}",
            out.stdout,
            out.stderr
        );
    }
    out
}

pub fn token_reply(access: &str, expires_in: u64) -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"access_token":"{access}","token_type":"Bearer","expires_in":{expires_in}}}"#
        ),
    )
}

/// A token endpoint and a discovery document pointing at it.
pub struct OAuth {
    pub token: Fake,
    pub discovery: Fake,
}

impl OAuth {
    pub fn new(token_replies: Vec<Reply>) -> Self {
        let token = Fake::start(token_replies);
        let discovery = Fake::start(vec![Reply::json(
            200,
            &format!(
                r#"{{"issuer":"x","token_endpoint":"{}/oidc/v1/token","authorization_endpoint":"x"}}"#,
                token.url
            ),
        )]);
        OAuth { token, discovery }
    }

    pub fn discovery_url(&self) -> String {
        format!(
            "{}/oidc/.well-known/oauth-authorization-server",
            self.discovery.url
        )
    }

    pub fn token_endpoint(&self) -> String {
        format!("{}/oidc/v1/token", self.token.url)
    }
}

/// A form body as (name, value) pairs.
pub fn form(seen: &Seen) -> Vec<(String, String)> {
    let body = String::from_utf8(seen.body.clone()).unwrap();
    reqwest::Url::parse(&format!("http://x/?{body}"))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A plain table's rows as cells (columns are separated by at least three spaces).
pub fn cells(stdout: &str) -> Vec<Vec<String>> {
    stdout
        .lines()
        .map(|l| {
            l.split("   ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// The row whose first cell is `name`.
#[track_caller]
pub fn table_row(stdout: &str, name: &str) -> Vec<String> {
    cells(stdout)
        .into_iter()
        .find(|c| c.first().map(String::as_str) == Some(name))
        .unwrap_or_else(|| panic!("no row {name}: {stdout}"))
}

/// An Azure workspace: azure-cli and azure-client-secret send this header.
pub const RESOURCE_ID: &str =
    "/subscriptions/s-1/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/ws";
