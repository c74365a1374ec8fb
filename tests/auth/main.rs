//! Every sign-in method end to end through the real binary: OAuth token
//! endpoints, GitHub Actions' ID-token service and Azure AD played by `Fake` on
//! loopback, the databricks and az CLIs played by small scripts on PATH. Each
//! test checks what those servers received and the Authorization header the API
//! server got, and no output ever shows a secret.

#[path = "../common/mod.rs"]
mod common;

mod emulator;

use std::path::PathBuf;

use assert_cmd::Command;
use common::fake::{Fake, Reply, Seen};
use common::*;

/// Every credential the tests hand out: none may appear in any output.
const SECRETS: &[&str] = &[
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
fn run(cmd: &mut Command) -> Out {
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

fn token_reply(access: &str, expires_in: u64) -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"access_token":"{access}","token_type":"Bearer","expires_in":{expires_in}}}"#
        ),
    )
}

/// A token endpoint and a discovery document pointing at it.
struct OAuth {
    token: Fake,
    discovery: Fake,
}

impl OAuth {
    fn new(token_replies: Vec<Reply>) -> Self {
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

    fn discovery_url(&self) -> String {
        format!(
            "{}/oidc/.well-known/oauth-authorization-server",
            self.discovery.url
        )
    }

    fn token_endpoint(&self) -> String {
        format!("{}/oidc/v1/token", self.token.url)
    }
}

/// A form body as (name, value) pairs.
fn form(seen: &Seen) -> Vec<(String, String)> {
    let body = String::from_utf8(seen.body.clone()).unwrap();
    reqwest::Url::parse(&format!("http://x/?{body}"))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A plain table's rows as cells (columns are separated by at least three spaces).
fn cells(stdout: &str) -> Vec<Vec<String>> {
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
fn table_row(stdout: &str, name: &str) -> Vec<String> {
    cells(stdout)
        .into_iter()
        .find(|c| c.first().map(String::as_str) == Some(name))
        .unwrap_or_else(|| panic!("no row {name}: {stdout}"))
}

fn auth_used(bed: &Bed) -> String {
    bed.requests()
        .last()
        .and_then(|r| r.authorization.clone())
        .expect("the API received a request")
}

/// A directory for fake CLIs, and a PATH that has it first.
struct Tools {
    dir: tempfile::TempDir,
}

impl Tools {
    fn new() -> Self {
        Tools {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Writes an executable sh script that logs its arguments to `<name>.log`.
    fn script(&self, name: &str, body: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        let log = self.dir.path().join(format!("{name}.log"));
        let text = format!(
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\n{body}\n",
            log.display()
        );
        let tmp = self.dir.path().join(format!(".{name}.tmp"));
        std::fs::write(&tmp, text).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        path
    }

    /// The arguments of each call of `name`.
    fn calls(&self, name: &str) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join(format!("{name}.log")))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn path(&self) -> String {
        format!("{}:/usr/bin:/bin", self.dir.path().display())
    }
}

// ---------------------------------------------------------------- oauth-m2m

#[test]
fn oauth_m2m_client_credentials() {
    let bed = Bed::new();
    let oauth = OAuth::new(vec![token_reply("oauth-access-91c2", 3600)]);
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLIENT_ID", "sp-1234")
        .env("DATABRICKS_CLIENT_SECRET", "sp-secret-7f3a")
        .env("DATABRICKS_DISCOVERY_URL", oauth.discovery_url())
        .args(["list-scopes", "--debug"]));
    out.success();

    let discovery = oauth.discovery.seen();
    assert_eq!(discovery.len(), 1);
    assert_eq!(discovery[0].method, "GET");
    assert_eq!(discovery[0].header("authorization"), None);

    let token = oauth.token.seen();
    assert_eq!(token.len(), 1, "one token request per process");
    assert_eq!(token[0].method, "POST");
    assert_eq!(token[0].path, "/oidc/v1/token");
    // Basic base64("sp-1234:sp-secret-7f3a")
    assert_eq!(
        token[0].header("authorization"),
        Some("Basic c3AtMTIzNDpzcC1zZWNyZXQtN2YzYQ==")
    );
    assert_eq!(
        token[0].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        String::from_utf8(token[0].body.clone()).unwrap(),
        "grant_type=client_credentials&scope=all-apis"
    );

    assert_eq!(auth_used(&bed), "Bearer oauth-access-91c2");
    let ua = bed.requests().last().unwrap().user_agent.clone().unwrap();
    assert!(ua.contains("auth/oauth-m2m"), "{ua}");
}

#[test]
fn oauth_m2m_discovers_the_endpoint_on_the_host() {
    let oauth = OAuth::new(vec![token_reply("oauth-access-91c2", 3600)]);
    // The workspace serves the discovery document, then the API call.
    let workspace = Fake::start(vec![
        Reply::json(
            200,
            &format!(r#"{{"token_endpoint":"{}"}}"#, oauth.token_endpoint()),
        ),
        Reply::json(200, r#"{"scopes":[]}"#),
    ]);
    let bed = Bed::new();
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", &workspace.url)
        .env("DATABRICKS_CLIENT_ID", "sp-1234")
        .env("DATABRICKS_CLIENT_SECRET", "sp-secret-7f3a")
        .args(["list-scopes", "-o", "json"]));
    out.success().stdout_is("[]\n");
    let seen = workspace.seen();
    assert_eq!(seen[0].path, "/oidc/.well-known/oauth-authorization-server");
    assert_eq!(seen[0].header("authorization"), None);
    assert_eq!(seen[1].path, "/api/2.0/secrets/scopes/list");
    assert_eq!(
        seen[1].header("authorization"),
        Some("Bearer oauth-access-91c2")
    );
    assert_eq!(oauth.token.count(), 1);
}

#[test]
fn oauth_m2m_rejected_client_names_the_client_id_only() {
    let bed = Bed::new();
    let oauth = OAuth::new(vec![Reply::json(
        401,
        r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
    )]);
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLIENT_ID", "sp-1234")
        .env("DATABRICKS_CLIENT_SECRET", "sp-secret-7f3a")
        .env("DATABRICKS_DISCOVERY_URL", oauth.discovery_url())
        .args(["list-scopes"]));
    out.fails(4)
        .stderr_has("oauth-m2m: cannot get a token for client id 'sp-1234'")
        .stderr_has("invalid_client: Client authentication failed (HTTP 401)")
        .stderr_has("hint: check the service principal's client id and OAuth secret (client id from environment variable DATABRICKS_CLIENT_ID)");
    assert!(bed.requests().is_empty(), "nothing reached the API");
}

#[test]
fn oauth_m2m_refuses_a_plain_http_token_endpoint() {
    let bed = Bed::new();
    let discovery = Fake::start(vec![Reply::json(
        200,
        r#"{"token_endpoint":"http://login.example.com/oidc/v1/token"}"#,
    )]);
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLIENT_ID", "sp-1234")
        .env("DATABRICKS_CLIENT_SECRET", "sp-secret-7f3a")
        .env("DATABRICKS_DISCOVERY_URL", format!("{}/d", discovery.url))
        .args(["list-scopes"]));
    out.fails(4).stderr_has("must be https");
}

/// The provider itself: one token per process, a new one 40 s before expiry.
#[tokio::test(flavor = "current_thread")]
async fn oauth_tokens_are_cached_until_forty_seconds_before_expiry() {
    use dbsecrets_client::auth::{Cached, CredentialsProvider, Discovery, OAuthM2m};
    use dbsecrets_client::http::Http;
    use dbsecrets_client::{NoEvents, Settings};
    use secrecy::{ExposeSecret, SecretString};
    let http = Http::new(
        &Settings::new("http://127.0.0.1:1"),
        true,
        std::sync::Arc::new(NoEvents),
    )
    .unwrap();

    let long = OAuth::new(vec![
        token_reply("oauth-access-91c2", 3600),
        token_reply("second", 3600),
    ]);
    let p = Cached::new(OAuthM2m::new(
        Discovery::new(&long.discovery_url(), "test"),
        "sp-1234",
        SecretString::from("sp-secret-7f3a"),
    ));
    for _ in 0..3 {
        let h = p.authorization(&http).await.unwrap();
        assert_eq!(h.expose_secret(), "Bearer oauth-access-91c2");
    }
    assert_eq!(long.token.count(), 1);
    assert_eq!(long.discovery.count(), 1);

    // A token that has expired (or is within its renewal margin) is replaced at the next request.
    let short = OAuth::new(vec![token_reply("first", 0), token_reply("second", 3600)]);
    let p = Cached::new(OAuthM2m::new(
        Discovery::new(&short.discovery_url(), "test"),
        "sp-1234",
        SecretString::from("sp-secret-7f3a"),
    ));
    assert_eq!(
        p.authorization(&http).await.unwrap().expose_secret(),
        "Bearer first"
    );
    assert_eq!(
        p.authorization(&http).await.unwrap().expose_secret(),
        "Bearer second"
    );
    assert_eq!(
        p.authorization(&http).await.unwrap().expose_secret(),
        "Bearer second"
    );
    assert_eq!(short.token.count(), 2);
    assert_eq!(short.discovery.count(), 1, "discovery once per process");
}

// ---------------------------------------------------------------- OIDC

#[test]
fn github_oidc_exchanges_the_actions_id_token() {
    let bed = Bed::new();
    let oauth = OAuth::new(vec![token_reply("oauth-access-91c2", 3600)]);
    let github = Fake::start(vec![Reply::json(
        200,
        r#"{"count":1,"value":"gh-id-token-0b7d"}"#,
    )]);
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLIENT_ID", "sp-1234")
        .env("DATABRICKS_DISCOVERY_URL", oauth.discovery_url())
        .env(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            format!("{}/idtoken?api-version=2.0", github.url),
        )
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "gh-request-token-55e1")
        .args(["list-scopes"]));
    out.success();

    let gh = github.seen();
    assert_eq!(gh.len(), 1);
    let audience: String = reqwest::Url::parse(&format!("http://x{}", gh[0].path))
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "audience")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert!(
        gh[0].path.starts_with("/idtoken?api-version=2.0&audience="),
        "{}",
        gh[0].path
    );
    assert_eq!(
        audience,
        oauth.token_endpoint(),
        "the token endpoint is the default audience"
    );
    assert_eq!(
        gh[0].header("authorization"),
        Some("Bearer gh-request-token-55e1")
    );

    let token = oauth.token.seen();
    assert_eq!(token.len(), 1);
    assert_eq!(
        token[0].header("authorization"),
        None,
        "no Authorization on a token exchange"
    );
    let f = form(&token[0]);
    assert_eq!(
        field(&f, "grant_type"),
        Some("urn:ietf:params:oauth:grant-type:token-exchange")
    );
    assert_eq!(field(&f, "scope"), Some("all-apis"));
    assert_eq!(
        field(&f, "subject_token_type"),
        Some("urn:ietf:params:oauth:token-type:jwt")
    );
    assert_eq!(field(&f, "subject_token"), Some("gh-id-token-0b7d"));
    assert_eq!(field(&f, "client_id"), Some("sp-1234"));

    assert_eq!(auth_used(&bed), "Bearer oauth-access-91c2");
    let ua = bed.requests().last().unwrap().user_agent.clone().unwrap();
    assert!(ua.contains("auth/github-oidc"), "{ua}");
}

#[test]
fn github_oidc_without_id_token_permission() {
    let bed = Bed::new();
    let oauth = OAuth::new(vec![token_reply("oauth-access-91c2", 3600)]);
    let github = Fake::start(vec![Reply::json(403, r#"{"message":"Forbidden"}"#)]);
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLIENT_ID", "sp-1234")
        .env("DATABRICKS_DISCOVERY_URL", oauth.discovery_url())
        .env(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            format!("{}/idtoken?api-version=2.0", github.url),
        )
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "gh-request-token-55e1")
        .args(["list-scopes"]));
    out.fails(4)
        .stderr_has("github-oidc: cannot get an ID token from GitHub Actions")
        .stderr_has("hint: the workflow job needs `permissions: id-token: write`");
    assert_eq!(oauth.token.count(), 0);
}

#[test]
fn env_oidc_with_auth_type_and_a_named_variable() {
    let bed = Bed::new();
    let oauth = OAuth::new(vec![token_reply("oauth-access-91c2", 3600)]);
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_AUTH_TYPE", "env-oidc")
        .env("DATABRICKS_CLIENT_ID", "sp-1234")
        .env("DATABRICKS_OIDC_TOKEN_ENV", "MY_CI_JWT")
        .env("MY_CI_JWT", "env-id-token-3c9e")
        .env("DATABRICKS_DISCOVERY_URL", oauth.discovery_url())
        .args(["list-scopes"]));
    out.success();
    let f = form(&oauth.token.seen()[0]);
    assert_eq!(field(&f, "subject_token"), Some("env-id-token-3c9e"));
    assert_eq!(field(&f, "client_id"), Some("sp-1234"));
    assert_eq!(auth_used(&bed), "Bearer oauth-access-91c2");
}

#[test]
fn env_oidc_and_a_client_id_need_auth_type() {
    let bed = Bed::new();
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLIENT_ID", "sp-1234")
        .env("DATABRICKS_OIDC_TOKEN", "env-id-token-3c9e")
        .args(["list-scopes"]));
    out.fails(2).stderr_has(
        "error: validate: more than one authorization method configured: oauth and oidc",
    );
}

#[test]
fn env_oidc_rejected_by_the_federation_policy() {
    let bed = Bed::new();
    let oauth = OAuth::new(vec![Reply::json(
        400,
        r#"{"error":"invalid_request","error_description":"Token exchange failed: no matching federation policy"}"#,
    )]);
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_OIDC_TOKEN", "env-id-token-3c9e")
        .env("DATABRICKS_DISCOVERY_URL", oauth.discovery_url())
        .args(["list-scopes"]));
    out.fails(4)
        .stderr_has("env-oidc: the token exchange for account-wide token federation (no client id)")
        .stderr_has("no matching federation policy")
        .stderr_has("hint: check the service principal's federation policy");
}

#[test]
fn file_oidc_reads_the_token_file_without_a_client_id() {
    let bed = Bed::new();
    let oauth = OAuth::new(vec![token_reply("oauth-access-91c2", 3600)]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.jwt");
    std::fs::write(&path, "file-id-token-d4a8\n").unwrap();
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_OIDC_TOKEN_FILEPATH", &path)
        .env("DATABRICKS_DISCOVERY_URL", oauth.discovery_url())
        .args(["list-scopes"]));
    out.success();
    let f = form(&oauth.token.seen()[0]);
    assert_eq!(field(&f, "subject_token"), Some("file-id-token-d4a8"));
    assert_eq!(field(&f, "client_id"), None, "account-wide federation");
    assert_eq!(auth_used(&bed), "Bearer oauth-access-91c2");

    let missing = dir.path().join("absent.jwt");
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_OIDC_TOKEN_FILEPATH", &missing)
        .env("DATABRICKS_DISCOVERY_URL", oauth.discovery_url())
        .args(["list-scopes"]));
    out.fails(4)
        .stderr_has("file-oidc: cannot read the ID token file")
        .stderr_has("absent.jwt (environment variable DATABRICKS_OIDC_TOKEN_FILEPATH)");
}

// ---------------------------------------------------------------- databricks CLI

const CLI_OK: &str = r#"cat <<'JSON'
{"access_token":"cli-access-token-6b21","token_type":"Bearer","expiry":"2099-01-01T00:00:00.123456+02:00"}
JSON"#;

#[test]
fn databricks_cli_profile_with_auth_type() {
    let bed = Bed::new();
    let tools = Tools::new();
    tools.script("databricks", CLI_OK);
    bed.write_config(&format!(
        "[DEV]\nhost = {}\nauth_type = databricks-cli\n",
        bed.url()
    ));
    let out = run(bed
        .bare()
        .env("PATH", tools.path())
        .args(["list-scopes", "-p", "DEV"]));
    out.success();
    assert_eq!(tools.calls("databricks"), ["auth token --profile DEV"]);
    assert_eq!(auth_used(&bed), "Bearer cli-access-token-6b21");
    let ua = bed.requests().last().unwrap().user_agent.clone().unwrap();
    assert!(ua.contains("auth/databricks-cli"), "{ua}");
}

#[test]
fn databricks_cli_is_picked_from_the_chain_with_only_a_host() {
    let bed = Bed::new();
    let tools = Tools::new();
    tools.script("databricks", CLI_OK);
    let out = run(bed
        .bare()
        .env("PATH", tools.path())
        .env("DATABRICKS_HOST", bed.url())
        .args(["list-scopes"]));
    out.success();
    assert_eq!(
        tools.calls("databricks"),
        [format!("auth token --host {}", bed.url())]
    );
    assert_eq!(auth_used(&bed), "Bearer cli-access-token-6b21");
}

#[test]
fn databricks_cli_path_overrides_the_binary() {
    let bed = Bed::new();
    let tools = Tools::new();
    let cli = tools.script("my-databricks", CLI_OK);
    let out = run(bed
        .bare()
        .env("PATH", "/usr/bin:/bin")
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLI_PATH", &cli)
        .args(["list-scopes"]));
    out.success();
    assert_eq!(tools.calls("my-databricks").len(), 1);
    assert_eq!(auth_used(&bed), "Bearer cli-access-token-6b21");
}

#[test]
fn databricks_cli_not_signed_in() {
    let bed = Bed::new();
    let tools = Tools::new();
    tools.script(
        "databricks",
        "echo 'Error: cache: databricks OAuth is not configured for this host. Try logging in again' >&2\necho 'second line of noise' >&2\nexit 1",
    );
    let out = run(bed
        .bare()
        .env("PATH", tools.path())
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_AUTH_TYPE", "databricks-cli")
        .args(["list-scopes"]));
    out.fails(4)
        .stderr_has(&format!("databricks-cli: `databricks auth token --host {}` gave no token: it failed (exit 1): cache: databricks OAuth is not configured for this host. Try logging in again", bed.url()))
        .stderr_has(&format!("hint: sign in with `databricks auth login --host {}` and run the command again", bed.url()));
    assert!(
        !out.stderr.contains("second line of noise"),
        "{}",
        out.stderr
    );
    assert!(bed.requests().is_empty());
}

#[test]
fn databricks_cli_missing() {
    let bed = Bed::new();
    bed.write_config(&format!(
        "[DEV]\nhost = {}\nauth_type = databricks-cli\n",
        bed.url()
    ));
    let out = run(bed
        .bare()
        .env("PATH", "/nonexistent")
        .args(["list-scopes", "-p", "DEV"]));
    out.fails(4)
        .stderr_has("databricks-cli: `databricks auth token --profile DEV` gave no token: it is not installed or not on PATH")
        .stderr_has(&format!("hint: install the Databricks CLI (https://docs.databricks.com/dev-tools/cli/install.html) and run `databricks auth login --host {} --profile DEV`", bed.url()));
}

// ---------------------------------------------------------------- Azure

const RESOURCE_ID: &str =
    "/subscriptions/s-1/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/ws";

#[test]
fn azure_cli_token_and_resource_id_header() {
    let api = Fake::start(vec![Reply::json(200, r#"{"scopes":[]}"#)]);
    let bed = Bed::new();
    let tools = Tools::new();
    tools.script(
        "az",
        r#"cat <<'JSON'
{"accessToken":"az-access-token-e8f0","expiresOn":"2099-01-01 00:00:00.000000","expires_on":4070908800,"subscription":"s-1","tenant":"t-1","tokenType":"Bearer"}
JSON"#,
    );
    let out = run(bed
        .bare()
        .env("PATH", tools.path())
        .env("DATABRICKS_HOST", &api.url)
        .env("DATABRICKS_AZURE_RESOURCE_ID", RESOURCE_ID)
        .args(["list-scopes"]));
    out.success();
    assert_eq!(
        tools.calls("az"),
        ["account get-access-token --resource 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d --output json"]
    );
    let seen = api.seen();
    assert_eq!(
        seen[0].header("authorization"),
        Some("Bearer az-access-token-e8f0")
    );
    assert_eq!(
        seen[0].header("x-databricks-azure-workspace-resource-id"),
        Some(RESOURCE_ID)
    );
    assert!(seen[0]
        .header("user-agent")
        .unwrap()
        .contains("auth/azure-cli"));
}

#[test]
fn azure_cli_not_logged_in() {
    let bed = Bed::new();
    let tools = Tools::new();
    tools.script(
        "az",
        "echo \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1",
    );
    let out = run(bed
        .bare()
        .env("PATH", tools.path())
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_AZURE_RESOURCE_ID", RESOURCE_ID)
        .env("ARM_TENANT_ID", "t-1")
        .args(["list-scopes"]));
    out.fails(4)
        .stderr_has("azure-cli: `az account get-access-token --resource 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d --output json --tenant t-1` gave no token: it failed (exit 1): Please run 'az login' to setup account.")
        .stderr_has("hint: run `az login --tenant t-1` and try again");
}

#[test]
fn azure_cli_is_only_for_azure_workspaces() {
    let bed = Bed::new();
    let tools = Tools::new();
    tools.script("az", "exit 0");
    let out = run(bed
        .bare()
        .env("PATH", tools.path())
        .env("DATABRICKS_HOST", bed.url())
        .args(["list-scopes"]));
    out.fails(2).stderr_has("no credentials configured for");
    assert!(tools.calls("az").is_empty());
}

fn azure_client_secret_env(cmd: &mut Command, aad: &Fake, host: &str) {
    cmd.env("DATABRICKS_HOST", host)
        .env("DATABRICKS_AZURE_RESOURCE_ID", RESOURCE_ID)
        .env("ARM_CLIENT_ID", "arm-app-1")
        .env("ARM_CLIENT_SECRET", "arm-secret-a1b2")
        .env("ARM_TENANT_ID", "tenant-1")
        .env("DBSECRETS_AZURE_LOGIN_URL", &aad.url);
}

#[test]
fn azure_client_secret_grant() {
    let api = Fake::start(vec![Reply::json(200, r#"{"scopes":[]}"#)]);
    let aad = Fake::start(vec![Reply::json(
        200,
        r#"{"token_type":"Bearer","expires_in":"3599","ext_expires_in":"3599","expires_on":"4070908800","resource":"2ff814a6-3304-4ab8-85cb-cd0e6f879c1d","access_token":"aad-access-token-c3d4"}"#,
    )]);
    let bed = Bed::new();
    let mut cmd = bed.bare();
    azure_client_secret_env(&mut cmd, &aad, &api.url);
    run(cmd.args(["list-scopes"])).success();

    let seen = aad.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].path, "/tenant-1/oauth2/token");
    assert_eq!(seen[0].header("authorization"), None);
    let f = form(&seen[0]);
    assert_eq!(field(&f, "grant_type"), Some("client_credentials"));
    assert_eq!(field(&f, "client_id"), Some("arm-app-1"));
    assert_eq!(field(&f, "client_secret"), Some("arm-secret-a1b2"));
    assert_eq!(
        field(&f, "resource"),
        Some("2ff814a6-3304-4ab8-85cb-cd0e6f879c1d")
    );

    let api_seen = api.seen();
    assert_eq!(
        api_seen[0].header("authorization"),
        Some("Bearer aad-access-token-c3d4")
    );
    assert_eq!(
        api_seen[0].header("x-databricks-azure-workspace-resource-id"),
        Some(RESOURCE_ID)
    );
}

#[test]
fn azure_client_secret_rejected() {
    let bed = Bed::new();
    let aad = Fake::start(vec![Reply::json(
        401,
        r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"#,
    )]);
    let mut cmd = bed.bare();
    azure_client_secret_env(&mut cmd, &aad, &bed.url());
    run(cmd.args(["list-scopes"]))
        .fails(4)
        .stderr_has("azure-client-secret: Azure AD gave no token for client id 'arm-app-1'")
        .stderr_has("invalid_client: AADSTS7000215: Invalid client secret provided. (HTTP 401)")
        .stderr_has("hint: check ARM_CLIENT_ID, ARM_TENANT_ID and ARM_CLIENT_SECRET");
    assert!(bed.requests().is_empty());
}

// ---------------------------------------------------------------- precedence

#[test]
fn pat_in_the_environment_and_oauth_in_the_profile_conflict() {
    let bed = Bed::new();
    bed.write_config(&format!(
        "[DEV]\nhost = {}\nclient_id = sp-1234\nclient_secret = sp-secret-7f3a\n",
        bed.url()
    ));
    let out = run(bed
        .bare()
        .env("DATABRICKS_TOKEN", "dapi-pat-token-1234")
        .args(["list-scopes", "-p", "DEV"]));
    out.fails(2)
        .stderr_has("error: validate: more than one authorization method configured: oauth and pat")
        .stderr_has("hint: remove all but one method's settings, or choose one with auth_type (DATABRICKS_AUTH_TYPE)");
}

#[test]
fn environment_credentials_skip_the_file() {
    let bed = Bed::new();
    bed.write_config(
        "[DEFAULT]\nhost = https://file.invalid\nclient_id = sp-1234\nclient_secret = sp-secret-7f3a\n",
    );
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_TOKEN", "dapi-pat-token-1234")
        .args(["list-scopes"]));
    out.success();
    assert_eq!(auth_used(&bed), "Bearer dapi-pat-token-1234");
}

#[test]
fn auth_type_forces_oauth_over_a_token() {
    let bed = Bed::new();
    let oauth = OAuth::new(vec![token_reply("oauth-access-91c2", 3600)]);
    bed.write_config(&format!(
        "[DEV]\nhost = {}\ntoken = dapi-pat-token-1234\nclient_id = sp-1234\nclient_secret = sp-secret-7f3a\nauth_type = oauth-m2m\ndiscovery_url = {}\n",
        bed.url(),
        oauth.discovery_url()
    ));
    run(bed.bare().args(["list-scopes", "-p", "DEV"])).success();
    assert_eq!(auth_used(&bed), "Bearer oauth-access-91c2");
    // The environment's auth_type beats the profile's.
    run(bed
        .bare()
        .env("DATABRICKS_AUTH_TYPE", "pat")
        .args(["list-scopes", "-p", "DEV"]))
    .success();
    assert_eq!(auth_used(&bed), "Bearer dapi-pat-token-1234");
    assert_eq!(oauth.token.count(), 1);
}

#[test]
fn basic_sends_username_and_password() {
    let bed = Bed::new();
    run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_USERNAME", "me@example.com")
        .env("DATABRICKS_PASSWORD", "basic-password-5678")
        .args(["list-scopes"]))
    .success();
    // base64("me@example.com:basic-password-5678")
    assert_eq!(
        auth_used(&bed),
        "Basic bWVAZXhhbXBsZS5jb206YmFzaWMtcGFzc3dvcmQtNTY3OA=="
    );
}

// ---------------------------------------------------------------- auth describe

fn oauth_profile(bed: &Bed) -> PathBuf {
    bed.write_config(&format!(
        "[DEV]\nhost = {}\nclient_id = sp-1234\nclient_secret = sp-secret-7f3a\n\n[PROD]\nhost = https://prod.invalid\ntoken = dapi-pat-token-1234\n",
        bed.url()
    ));
    bed.home.path().join(".databrickscfg")
}

#[test]
fn describe_table_names_every_source_and_masks_secrets() {
    let bed = Bed::new();
    let oauth = OAuth::new(vec![token_reply("oauth-access-91c2", 3600)]);
    let cfg = oauth_profile(&bed);
    let out = run(bed
        .bare()
        .env("DATABRICKS_DISCOVERY_URL", oauth.discovery_url())
        .args(["auth", "describe", "-p", "DEV"]));
    out.success();
    let file = format!("profile [DEV] of {}", cfg.display());
    let find = |name: &str| table_row(&out.stdout, name);
    assert_eq!(cells(&out.stdout)[0], ["NAME", "VALUE", "SOURCE"]);
    assert_eq!(find("host"), ["host", &*bed.url(), &*file]);
    assert_eq!(
        find("profile"),
        ["profile", "DEV", "asked for with --profile"]
    );
    assert_eq!(
        find("config_file"),
        [
            "config_file",
            &*cfg.display().to_string(),
            "read; profiles: DEV, PROD"
        ]
    );
    assert_eq!(find("auth_method")[1], "oauth-m2m");
    assert!(find("auth_method")[2]
        .starts_with("the first method of the chain whose settings are present"));
    assert_eq!(find("client_id"), ["client_id", "sp-1234", &*file]);
    assert_eq!(find("client_secret"), ["client_secret", "***", &*file]);
    assert_eq!(
        find("discovery_url"),
        [
            "discovery_url",
            &*oauth.discovery_url(),
            "environment variable DATABRICKS_DISCOVERY_URL"
        ]
    );
    assert!(find("oauth_grant")[1].contains("client id 'sp-1234'"));
    assert_eq!(oauth.token.count(), 0, "no network without --check");
    assert!(bed.requests().is_empty());
}

#[test]
fn describe_json_and_csv() {
    let bed = Bed::new();
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_TOKEN", "dapi-pat-token-1234")
        .env("DATABRICKS_AUTH_TYPE", "pat")
        .args(["auth", "describe", "-o", "json"]));
    out.success();
    let j = out.json();
    assert_eq!(j["host"], bed.url());
    assert_eq!(j["host_source"], "environment variable DATABRICKS_HOST");
    assert_eq!(j["auth_method"], "pat");
    assert_eq!(
        j["auth_method_reason"],
        "forced by auth_type (environment variable DATABRICKS_AUTH_TYPE)"
    );
    assert_eq!(j["config_file_status"], "missing");
    assert_eq!(j["profile"], serde_json::Value::Null);
    let token = j["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "token")
        .unwrap();
    assert_eq!(token["value"], "***");
    assert_eq!(token["sensitive"], true);
    assert_eq!(token["source_type"], "env");
    assert_eq!(token["env_var"], "DATABRICKS_TOKEN");
    assert_eq!(j["methods"][0]["name"], "pat");
    assert_eq!(j["methods"][0]["usable"], true);
    assert_eq!(j["check"], serde_json::Value::Null);

    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_TOKEN", "dapi-pat-token-1234")
        .args(["auth", "describe", "-o", "csv", "--check"]));
    out.success();
    let mut lines = out.stdout.lines();
    assert_eq!(lines.next(), Some("name,value,source"));
    assert!(
        out.stdout.contains(&format!(
            "\nhost,{},environment variable DATABRICKS_HOST\n",
            bed.url()
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("\ntoken,***,environment variable DATABRICKS_TOKEN\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!(
            "\ncheck,ok,listed 0 scopes at {} with pat\n",
            bed.url()
        )),
        "{}",
        out.stdout
    );
    assert_eq!(
        bed.requests_to("GET", "/api/2.0/secrets/scopes/list").len(),
        1
    );
}

#[test]
fn describe_skipped_file_and_github_variables() {
    let bed = Bed::new();
    bed.write_config("[DEFAULT]\nhost = https://file.invalid\ntoken = x\n");
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLIENT_ID", "sp-1234")
        .env(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            "https://gh.example/idtoken?api-version=2.0",
        )
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "gh-request-token-55e1")
        .args(["auth", "describe", "-o", "json"]));
    out.success();
    let j = out.json();
    assert_eq!(j["config_file_status"], "skipped");
    assert_eq!(j["auth_method"], "github-oidc");
    let env = j["environment"].as_array().unwrap();
    assert_eq!(env[0]["name"], "ACTIONS_ID_TOKEN_REQUEST_URL");
    assert_eq!(env[1]["name"], "ACTIONS_ID_TOKEN_REQUEST_TOKEN");
    assert_eq!(env[1]["value"], "***");
    let id_token = j["method_details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "id_token")
        .unwrap();
    assert_eq!(
        id_token["value"],
        "GitHub Actions (https://gh.example/idtoken)"
    );
}

#[test]
fn describe_check_reports_a_rejected_credential() {
    let api = Fake::start(vec![Reply::json(
        401,
        r#"{"error_code":"UNAUTHENTICATED","message":"Invalid access token."}"#,
    )]);
    let bed = Bed::new();
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", &api.url)
        .env("DATABRICKS_TOKEN", "dapi-pat-token-1234")
        .args(["auth", "describe", "--check"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_eq!(table_row(&out.stdout, "token")[1], "***");
    assert_eq!(
        table_row(&out.stdout, "check")[1..],
        [
            "failed",
            "check failed: cannot list scopes: UNAUTHENTICATED: Invalid access token. (HTTP 401)"
        ]
    );
    assert!(
        out.stderr
            .starts_with("error: check failed: cannot list scopes: UNAUTHENTICATED"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("hint: the credentials were rejected by"),
        "{}",
        out.stderr
    );
}

#[test]
fn describe_explains_a_conflict_and_exits_2() {
    let bed = Bed::new();
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_TOKEN", "dapi-pat-token-1234")
        .env("DATABRICKS_CLIENT_ID", "sp-1234")
        .env("DATABRICKS_CLIENT_SECRET", "sp-secret-7f3a")
        .args(["auth", "describe"]));
    assert_eq!(out.code, 2);
    assert_eq!(
        table_row(&out.stdout, "auth_method")[1..],
        ["error: validate: more than one authorization method configured: oauth and pat"]
    );
    assert_eq!(table_row(&out.stdout, "client_secret")[1], "***");
    assert!(
        out.stderr.starts_with(
            "error: validate: more than one authorization method configured: oauth and pat\nhint: "
        ),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------- auth profiles

fn mixed_profiles(bed: &Bed) {
    bed.write_config(&format!(
        "[good]\nhost = {url}\ntoken = dapi-pat-token-1234\n\n\
         [nohost]\ntoken = dapi-pat-token-1234\n\n\
         [both]\nhost = {url}\ntoken = dapi-pat-token-1234\nusername = u\npassword = basic-password-5678\n\n\
         [sp]\nhost = {url}\nclient_id = sp-1234\nclient_secret = sp-secret-7f3a\n\n\
         [typo]\nhost = {url}\nauth_type = magic\n\n\
         [cli]\nhost = {url}\nauth_type = databricks-cli\n\n\
         [__settings__]\ndefault_profile = good\n",
        url = bed.url()
    ));
}

#[test]
fn profiles_lists_valid_and_invalid_without_network() {
    let bed = Bed::new();
    mixed_profiles(&bed);
    let out = run(bed
        .bare()
        .env("DATABRICKS_TOKEN", "dapi-pat-token-1234")
        .args(["auth", "profiles", "-o", "json"]));
    out.success().stderr_has(
        "note: DATABRICKS_TOKEN is set in the environment and takes precedence over every profile",
    );
    let j = out.json();
    let rows = j.as_array().unwrap();
    let summary: Vec<(String, String, bool, String)> = rows
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["auth_type"].as_str().unwrap_or("").to_string(),
                r["valid"].as_bool().unwrap(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("good", "pat", true, ""),
        ("nohost", "pat", false, "no host"),
        (
            "both",
            "",
            false,
            "validate: more than one authorization method configured: basic and pat",
        ),
        ("sp", "oauth-m2m", true, ""),
        ("typo", "", false, "unknown auth_type 'magic'"),
        ("cli", "databricks-cli", true, ""),
    ];
    let want: Vec<(String, String, bool, String)> = want
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), *c, d.to_string()))
        .collect();
    assert_eq!(summary, want);
    assert_eq!(rows[0]["default"], true);
    assert_eq!(rows[1]["default"], false);
    assert_eq!(rows[0]["host"], bed.url());
    assert!(bed.requests().is_empty(), "no network without --check");

    let out = run(bed.bare().args(["auth", "profiles"]));
    out.success();
    let first = out.stdout.lines().next().unwrap();
    assert!(
        first.starts_with("NAME") && first.ends_with("REASON"),
        "{first}"
    );
    assert!(
        out.stdout.lines().nth(1).unwrap().starts_with("good "),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(" no "), "{}", out.stdout);

    let out = run(bed.bare().args(["auth", "profiles", "-o", "csv"]));
    out.success();
    assert!(
        out.stdout
            .starts_with("name,host,auth_type,valid,default,reason\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("\ngood,{},pat,true,true,\n", bed.url())),
        "{}",
        out.stdout
    );
}

#[test]
fn profiles_check_calls_each_valid_profile() {
    let bed = Bed::new();
    bed.write_config(&format!(
        "[a]\nhost = {url}\ntoken = dapi-pat-token-1234\n\n[b]\nhost = {url}\nusername = u\npassword = basic-password-5678\n\n[c]\ntoken = dapi-pat-token-1234\n",
        url = bed.url()
    ));
    let out = run(bed
        .bare()
        .args(["auth", "profiles", "--check", "-o", "json"]));
    out.success();
    let j = out.json();
    assert_eq!(
        j[0]["check"],
        format!("ok: listed 0 scopes at {} with pat", bed.url())
    );
    assert_eq!(
        j[1]["check"],
        format!("ok: listed 0 scopes at {} with basic", bed.url())
    );
    assert_eq!(j[2]["check"], "not checked: invalid");
    assert_eq!(bed.requests().len(), 2);
}

#[test]
fn profiles_check_failure_exits_with_its_code() {
    let api = Fake::start(vec![Reply::json(
        403,
        r#"{"error_code":"PERMISSION_DENIED","message":"no"}"#,
    )]);
    let bed = Bed::new();
    bed.write_config(&format!(
        "[a]\nhost = {}\ntoken = dapi-pat-token-1234\n",
        api.url
    ));
    let out = run(bed.bare().args(["auth", "profiles", "--check"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("failed: check failed: cannot list scopes: PERMISSION_DENIED: no (HTTP 403)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr
            .starts_with("error: 1 of 1 profiles failed the check: a\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn profiles_without_a_config_file() {
    let bed = Bed::new();
    let out = run(bed.bare().args(["auth", "profiles"]));
    out.success().stdout_is("");
    assert!(
        out.stderr.contains("No profiles:") && out.stderr.contains(".databrickscfg does not exist"),
        "{}",
        out.stderr
    );
    let out = run(bed.bare().args(["auth", "profiles", "-o", "json"]));
    out.success().stdout_is("[]\n");
}
