//! oauth-m2m: a service principal's client id and OAuth secret exchanged for a
//! token (client credentials), discovery of the token endpoint, token caching.

use crate::common::fake::{Fake, Reply};
use crate::common::*;
use crate::support::*;

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

    let call = list_call(&bed);
    assert_eq!(
        call.authorization.clone().unwrap(),
        "Bearer oauth-access-91c2"
    );
    let ua = call.user_agent.unwrap();
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
