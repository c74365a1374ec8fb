//! Workload identity federation: an ID token from GitHub Actions, from an
//! environment variable or from a file, exchanged for a Databricks token.

use crate::common::fake::{Fake, Reply};
use crate::common::*;
use crate::support::*;

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

    let call = list_call(&bed);
    assert_eq!(
        call.authorization.clone().unwrap(),
        "Bearer oauth-access-91c2"
    );
    let ua = call.user_agent.unwrap();
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
    assert!(bed.requests().is_empty(), "nothing reached the API");
    assert_eq!(oauth.token.count(), 1, "no exchange without an ID token");

    // A path to a file that never ends: read up to 1 MiB, then refused.
    #[cfg(unix)]
    {
        let out = run(bed
            .bare()
            .env("DATABRICKS_HOST", bed.url())
            .env("DATABRICKS_OIDC_TOKEN_FILEPATH", "/dev/zero")
            .env("DATABRICKS_DISCOVERY_URL", oauth.discovery_url())
            .args(["list-scopes"]));
        out.fails(4).stderr_has(
            "file-oidc: cannot read the ID token file /dev/zero (environment variable DATABRICKS_OIDC_TOKEN_FILEPATH): it is larger than 1 MiB, more than a credential holds",
        );
        assert_eq!(oauth.token.count(), 1, "no exchange without an ID token");
    }
}
