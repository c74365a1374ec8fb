//! The OAuth endpoints: discovery, the databricks-config probe, the
//! client-credentials and token-exchange grants, and token expiry.

use crate::common::{error, send, Api};
use dbsecrets_emulator::EmulatorOptions;
use serde_json::{json, Value};

const SP: &str = "6f0c3a52-0c0e-4b8e-9f43-2a1d1b7e4a10";
const EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const JWT: &str = "urn:ietf:params:oauth:token-type:jwt";

fn with_clients(token_lifetime_secs: u64) -> Api {
    Api::with(EmulatorOptions {
        tokens: vec![("admin-token".into(), "admin@example.com".into())],
        oauth_clients: vec![("ci-client".into(), "ci-secret".into(), SP.into())],
        oidc_federation: vec![("gha-client".into(), "eyJ.id.token".into(), SP.into())],
        token_lifetime_secs,
        ..EmulatorOptions::default()
    })
}

fn token_url(api: &Api) -> String {
    format!("{}/oidc/v1/token", api.server.url())
}

/// POSTs a form (with optional Basic client credentials) to the token endpoint.
async fn token(api: &Api, basic: Option<(&str, &str)>, form: &[(&str, &str)]) -> (u16, Value) {
    let body: String = form
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace(':', "%3A")))
        .collect::<Vec<_>>()
        .join("&");
    let mut request = api
        .http
        .post(token_url(api))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some((id, secret)) = basic {
        request = request.basic_auth(id, Some(secret));
    }
    send(request).await
}

fn oauth_error(r: (u16, Value), status: u16, code: &str) {
    assert_eq!(r.0, status, "{}", r.1);
    assert_eq!(r.1["error"], code, "{}", r.1);
    assert!(r.1["error_description"].is_string(), "{}", r.1);
}

const M2M: &[(&str, &str)] = &[("grant_type", "client_credentials"), ("scope", "all-apis")];

#[tokio::test]
async fn discovery_and_the_databricks_config_probe() {
    let api = with_clients(3600);
    let base = api.server.url();
    let url = format!("{base}/oidc/.well-known/oauth-authorization-server");
    let (status, doc) = send(api.http.get(&url)).await;
    assert_eq!(status, 200);
    assert_eq!(doc["issuer"], format!("{base}/oidc"));
    assert_eq!(doc["token_endpoint"], format!("{base}/oidc/v1/token"));
    assert_eq!(
        doc["authorization_endpoint"],
        format!("{base}/oidc/v1/authorize")
    );
    let probe = format!("{base}/.well-known/databricks-config");
    error(send(api.http.get(&probe)).await, 404, "ENDPOINT_NOT_FOUND");
    let log = api.server.emulator().requests();
    assert_eq!(log.iter().map(|r| r.status).collect::<Vec<_>>(), [200, 404]);
}

#[tokio::test]
async fn client_credentials_issue_tokens_that_act_as_the_principal() {
    let api = with_clients(3600);
    let (status, body) = token(&api, Some(("ci-client", "ci-secret")), M2M).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "all-apis");
    let access = body["access_token"].as_str().unwrap().to_string();
    assert!(access.len() >= 32, "{access}");
    // The token acts as the service principal, a non-admin.
    assert_eq!(
        api.post_as(&access, "scopes/create", json!({"scope": "ci"}))
            .await
            .0,
        200
    );
    let (_, acls) = api.get_as(&access, "acls/list", &[("scope", "ci")]).await;
    assert_eq!(
        acls,
        json!({"items": [{"principal": SP, "permission": "MANAGE"}]})
    );
    api.post_as(
        "admin-token",
        "scopes/create",
        json!({"scope": "admins-only"}),
    )
    .await;
    let msg = error(
        api.get_as(&access, "list", &[("scope", "admins-only")])
            .await,
        403,
        "PERMISSION_DENIED",
    );
    assert!(
        msg.starts_with(&format!("User {SP} does not have READ")),
        "{msg}"
    );

    // Client credentials as form fields work too; each call issues a new token.
    let mut form = M2M.to_vec();
    form.extend([("client_id", "ci-client"), ("client_secret", "ci-secret")]);
    let (status, body) = token(&api, None, &form).await;
    assert_eq!(status, 200);
    assert_ne!(body["access_token"], access.as_str());
    assert_eq!(api.server.emulator().issued_token_count(), 2);

    // Static tokens still work; a made-up one does not.
    assert_eq!(api.get_as("admin-token", "scopes/list", &[]).await.0, 200);
    error(
        api.get_as("emu-oauth-0000", "scopes/list", &[]).await,
        401,
        "UNAUTHENTICATED",
    );

    // The token endpoint's requests are in the log, body as the raw form.
    let log = api.server.emulator().requests();
    let first = &log[0];
    assert_eq!(
        (first.method.as_str(), first.path.as_str()),
        ("POST", "/oidc/v1/token")
    );
    assert_eq!(
        first.body,
        Some(json!("grant_type=client_credentials&scope=all-apis"))
    );
    assert_eq!(first.status, 200);
}

#[tokio::test]
async fn token_endpoint_failures() {
    let api = with_clients(3600);
    let bad_secret = token(&api, Some(("ci-client", "wrong")), M2M).await;
    oauth_error(bad_secret.clone(), 401, "invalid_client");
    assert_eq!(
        bad_secret.1["error_description"],
        "Client authentication failed"
    );
    oauth_error(
        token(&api, Some(("nobody", "ci-secret")), M2M).await,
        401,
        "invalid_client",
    );
    oauth_error(token(&api, None, M2M).await, 401, "invalid_client");
    let creds = Some(("ci-client", "ci-secret"));
    oauth_error(
        token(
            &api,
            creds,
            &[("grant_type", "password"), ("scope", "all-apis")],
        )
        .await,
        400,
        "unsupported_grant_type",
    );
    oauth_error(
        token(&api, creds, &[("scope", "all-apis")]).await,
        400,
        "invalid_request",
    );
    oauth_error(
        token(&api, creds, &[("grant_type", "client_credentials")]).await,
        400,
        "invalid_request",
    );
    oauth_error(
        token(
            &api,
            creds,
            &[("grant_type", "client_credentials"), ("scope", "sql")],
        )
        .await,
        400,
        "invalid_scope",
    );
    // JSON is not a form.
    let r = send(
        api.http
            .post(token_url(&api))
            .basic_auth("ci-client", Some("ci-secret"))
            .json(&json!({"grant_type": "client_credentials", "scope": "all-apis"})),
    )
    .await;
    oauth_error(r, 400, "invalid_request");
    let r = send(api.http.get(token_url(&api))).await;
    oauth_error(r, 405, "invalid_request");
    assert_eq!(api.server.emulator().issued_token_count(), 0);
}

#[tokio::test]
async fn token_exchange_for_workload_identity_federation() {
    let api = with_clients(3600);
    let form = |client: &'static str, subject: &'static str| {
        vec![
            ("grant_type", EXCHANGE),
            ("subject_token", subject),
            ("subject_token_type", JWT),
            ("scope", "all-apis"),
            ("client_id", client),
        ]
    };
    let (status, body) = token(&api, None, &form("gha-client", "eyJ.id.token")).await;
    assert_eq!(status, 200, "{body}");
    let access = body["access_token"].as_str().unwrap();
    assert_eq!(
        api.post_as(access, "scopes/create", json!({"scope": "gha"}))
            .await
            .0,
        200
    );
    let (_, acls) = api.get_as(access, "acls/list", &[("scope", "gha")]).await;
    assert_eq!(acls["items"][0]["principal"], SP);

    oauth_error(
        token(&api, None, &form("gha-client", "eyJ.other")).await,
        401,
        "invalid_grant",
    );
    oauth_error(
        token(&api, None, &form("ci-client", "eyJ.id.token")).await,
        401,
        "invalid_grant",
    );
    let mut wrong_type = form("gha-client", "eyJ.id.token");
    wrong_type[2].1 = "urn:ietf:params:oauth:token-type:access_token";
    oauth_error(token(&api, None, &wrong_type).await, 400, "invalid_request");
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    // Lifetime 0: the token is expired as soon as it is issued.
    let api = with_clients(0);
    let (_, body) = token(&api, Some(("ci-client", "ci-secret")), M2M).await;
    assert_eq!(body["expires_in"], 0);
    let access = body["access_token"].as_str().unwrap();
    let msg = error(
        api.get_as(access, "scopes/list", &[]).await,
        401,
        "UNAUTHENTICATED",
    );
    assert_eq!(msg, "Access token has expired.");

    // expire_oauth_tokens ends every token issued so far; a new one works.
    let api = with_clients(3600);
    let (_, body) = token(&api, Some(("ci-client", "ci-secret")), M2M).await;
    let old = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(api.get_as(&old, "scopes/list", &[]).await.0, 200);
    api.server.emulator().expire_oauth_tokens();
    error(
        api.get_as(&old, "scopes/list", &[]).await,
        401,
        "UNAUTHENTICATED",
    );
    let (_, body) = token(&api, Some(("ci-client", "ci-secret")), M2M).await;
    let new = body["access_token"].as_str().unwrap();
    assert_eq!(api.get_as(new, "scopes/list", &[]).await.0, 200);
}

#[tokio::test]
async fn an_open_workspace_still_accepts_any_token() {
    // No credentials configured: the OAuth endpoints have no clients, and
    // every token is the admin, as before.
    let api = Api::start();
    oauth_error(
        token(&api, Some(("c", "s")), M2M).await,
        401,
        "invalid_client",
    );
    assert_eq!(api.get_as("anything", "scopes/list", &[]).await.0, 200);
}
