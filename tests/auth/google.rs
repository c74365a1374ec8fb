//! Databricks on Google Cloud: a service-account key (google-credentials) and
//! impersonation with application default credentials (google-id). Google's
//! token endpoint, IAM credentials API and metadata server are `Fake`s.

use assert_cmd::Command;

use crate::common::fake::{Fake, Reply};
use crate::common::*;
use crate::support::*;

const SA: &str = "sa@p.iam.gserviceaccount.com";
const TARGET: &str = "target-sa@p.iam.gserviceaccount.com";
const GCP_SCOPES: &str =
    "https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/compute";

fn access_reply(token: &str) -> Reply {
    Reply::json(
        200,
        &format!(r#"{{"access_token":"{token}","expires_in":3599,"token_type":"Bearer"}}"#),
    )
}

fn google_env<'a>(cmd: &'a mut Command, token: &Fake, host: &str) -> &'a mut Command {
    sandbox(cmd)
        .env("DATABRICKS_HOST", host)
        .env("DBSECRETS_GOOGLE_TOKEN_URL", format!("{}/token", token.url))
}

/// The grant's form, and its assertion's header and claims.
fn grant(seen: &crate::common::fake::Seen) -> (serde_json::Value, serde_json::Value) {
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", "/token")
    );
    let f = form(seen);
    assert_eq!(
        field(&f, "grant_type"),
        Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
    );
    assert_eq!(f.len(), 2, "{f:?}");
    jwt_parts(field(&f, "assertion").unwrap())
}

#[test]
fn google_credentials_id_token_and_access_token_header() {
    let api = api();
    let token = Fake::start(vec![
        Reply::json(
            200,
            &format!(r#"{{"id_token":"{}"}}"#, id_token_jwt(&api.url)),
        ),
        access_reply("gcp-access-token-5a7b"),
    ]);
    let bed = Bed::new();
    let out = run(google_env(&mut bed.bare(), &token, &api.url)
        .env("GOOGLE_CREDENTIALS", google_key(SA))
        .args(["list-scopes", "--debug"]));
    out.success();

    let seen = token.seen();
    assert_eq!(seen.len(), 2);
    let (header, claims) = grant(&seen[0]);
    assert_eq!(
        header,
        serde_json::json!({"alg":"RS256","typ":"JWT","kid":"kid-1"})
    );
    assert_eq!(claims["iss"], SA);
    assert_eq!(claims["aud"], "https://oauth2.googleapis.com/token");
    assert_eq!(claims["target_audience"], api.url);
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        3600
    );
    let (_, claims) = grant(&seen[1]);
    assert_eq!(claims["scope"], GCP_SCOPES);
    assert_eq!(claims.get("target_audience"), None);

    let call = &api.seen()[0];
    let bearer = call.header("authorization").unwrap();
    assert!(bearer.starts_with("Bearer ey"), "the ID token: {bearer}");
    assert!(bearer.ends_with(".google-id-token-77aa"));
    assert_eq!(
        call.header("x-databricks-gcp-sa-access-token"),
        Some("gcp-access-token-5a7b")
    );
    assert!(call
        .header("user-agent")
        .unwrap()
        .contains("auth/google-credentials"));
    assert!(out
        .stderr
        .contains("> x-databricks-gcp-sa-access-token: *** (google-credentials)"));
}

#[test]
fn google_credentials_from_a_key_file() {
    let api = api();
    let token = Fake::start(vec![
        Reply::json(
            200,
            &format!(r#"{{"id_token":"{}"}}"#, id_token_jwt(&api.url)),
        ),
        access_reply("gcp-access-token-5a7b"),
    ]);
    let bed = Bed::new();
    let key = bed.home.path().join("sa.json");
    std::fs::write(&key, google_key(SA)).unwrap();
    run(google_env(&mut bed.bare(), &token, &api.url)
        .env("GOOGLE_CREDENTIALS", &key)
        .args(["list-scopes"]))
    .success();
    assert_eq!(grant(&token.seen()[0]).1["iss"], SA);
    // auth describe shows where the key came from, not what it holds.
    let out = run(google_env(&mut bed.bare(), &token, &api.url)
        .env("GOOGLE_CREDENTIALS", &key)
        .args(["auth", "describe"]));
    out.success();
    assert_eq!(
        table_row(&out.stdout, "auth_method")[1],
        "google-credentials"
    );
    assert_eq!(
        table_row(&out.stdout, "google_credentials")[1..],
        ["***", "environment variable GOOGLE_CREDENTIALS"]
    );
    assert_eq!(token.count(), 2, "describe sends nothing");
}

#[test]
fn google_credentials_without_the_access_token_warns_and_goes_on() {
    let api = api();
    let token = Fake::start(vec![
        Reply::json(
            200,
            &format!(r#"{{"id_token":"{}"}}"#, id_token_jwt(&api.url)),
        ),
        Reply::json(
            403,
            r#"{"error":"access_denied","error_description":"not allowed"}"#,
        ),
    ]);
    let bed = Bed::new();
    let out = run(google_env(&mut bed.bare(), &token, &api.url)
        .env("GOOGLE_CREDENTIALS", google_key(SA))
        .args(["list-scopes"]));
    out.success();
    assert!(
        out.stderr
            .contains("warning: google-credentials: Google gave no access token"),
        "{}",
        out.stderr
    );
    assert!(out
        .stderr
        .contains("without the x-databricks-gcp-sa-access-token header"));
    let call = &api.seen()[0];
    assert!(call.header("authorization").is_some());
    assert_eq!(call.header("x-databricks-gcp-sa-access-token"), None);
}

#[test]
fn google_credentials_rejected_key_names_the_account() {
    let bed = Bed::new();
    let token = Fake::start(vec![Reply::json(
        400,
        r#"{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"#,
    )]);
    run(google_env(&mut bed.bare(), &token, &bed.url())
        .env("GOOGLE_CREDENTIALS", google_key(SA))
        .args(["list-scopes"]))
    .fails(4)
    .stderr_has(&format!(
        "google-credentials: Google gave no ID token for service account '{SA}' (client id '1234')"
    ))
    .stderr_has("invalid_grant: Invalid JWT Signature. (HTTP 400)")
    .stderr_has("hint: check the service-account key in GOOGLE_CREDENTIALS");
    assert!(bed.requests().is_empty());
}

#[test]
fn google_credentials_that_are_not_a_key() {
    let bed = Bed::new();
    let out = run(sandbox(&mut bed.bare())
        .env("DATABRICKS_HOST", bed.url())
        .env("GOOGLE_CREDENTIALS", r#"{"type":"service_account","client_email":"x@y","private_key":"adc-client-secret-b6a3"}"#)
        .args(["list-scopes"]));
    out.fails(2)
        .stderr_has("invalid value for google_credentials (environment variable GOOGLE_CREDENTIALS): it is neither a key file nor a service-account key's JSON: its private_key is not a PEM private key");
}

fn iam_replies(host: &str) -> Fake {
    Fake::start(vec![
        Reply::json(200, &format!(r#"{{"token":"{}"}}"#, id_token_jwt(host))),
        Reply::json(
            200,
            r#"{"accessToken":"gcp-access-token-5a7b","expireTime":"2099-01-01T00:00:00Z"}"#,
        ),
    ])
}

/// The two IAM calls of google-id, made with the source credentials' token.
fn check_iam(iam: &Fake, host: &str, source_token: &str) {
    let seen = iam.seen();
    assert_eq!(seen.len(), 2);
    let path = format!("/v1/projects/-/serviceAccounts/{TARGET}");
    assert_eq!(seen[0].path, format!("{path}:generateIdToken"));
    assert_eq!(seen[1].path, format!("{path}:generateAccessToken"));
    for s in &seen {
        assert_eq!(s.method, "POST");
        assert_eq!(
            s.header("authorization"),
            Some(&*format!("Bearer {source_token}"))
        );
        assert_eq!(s.header("content-type"), Some("application/json"));
    }
    let body = |s: &crate::common::fake::Seen| -> serde_json::Value {
        serde_json::from_slice(&s.body).unwrap()
    };
    assert_eq!(
        body(&seen[0]),
        serde_json::json!({"audience": host, "delegates": null, "includeEmail": true})
    );
    assert_eq!(
        body(&seen[1]),
        serde_json::json!({"delegates": null, "scope": GCP_SCOPES.split(' ').collect::<Vec<_>>(), "lifetime": "3600s"})
    );
}

fn check_google_id_call(api: &Fake) {
    let call = &api.seen()[0];
    assert!(call
        .header("authorization")
        .unwrap()
        .ends_with(".google-id-token-77aa"));
    assert_eq!(
        call.header("x-databricks-gcp-sa-access-token"),
        Some("gcp-access-token-5a7b")
    );
    assert!(call
        .header("user-agent")
        .unwrap()
        .contains("auth/google-id"));
}

#[test]
fn google_id_impersonates_with_a_service_account_key() {
    let api = api();
    let token = Fake::start(vec![access_reply("adc-access-token-8c4d")]);
    let iam = iam_replies(&api.url);
    let bed = Bed::new();
    let key = bed.home.path().join("adc.json");
    std::fs::write(&key, google_key(SA)).unwrap();
    run(google_env(&mut bed.bare(), &token, &api.url)
        .env("DBSECRETS_GOOGLE_IAM_URL", &iam.url)
        .env("GOOGLE_APPLICATION_CREDENTIALS", &key)
        .env("DATABRICKS_GOOGLE_SERVICE_ACCOUNT", TARGET)
        .args(["list-scopes"]))
    .success();
    let seen = token.seen();
    assert_eq!(seen.len(), 1, "one source token for both IAM calls");
    let (_, claims) = grant(&seen[0]);
    assert_eq!(claims["iss"], SA);
    assert_eq!(claims["scope"], "https://www.googleapis.com/auth/iam");
    check_iam(&iam, &api.url, "adc-access-token-8c4d");
    check_google_id_call(&api);
}

#[test]
fn google_id_with_gcloud_user_credentials() {
    let api = api();
    let token = Fake::start(vec![access_reply("adc-access-token-8c4d")]);
    let iam = iam_replies(&api.url);
    let bed = Bed::new();
    let gcloud = bed.home.path().join(".config/gcloud");
    std::fs::create_dir_all(&gcloud).unwrap();
    std::fs::write(
        gcloud.join("application_default_credentials.json"),
        r#"{"type":"authorized_user","client_id":"764086051850.apps.googleusercontent.com","client_secret":"adc-client-secret-b6a3","refresh_token":"adc-refresh-token-0e9f","account":""}"#,
    )
    .unwrap();
    run(google_env(&mut bed.bare(), &token, &api.url)
        .env("DBSECRETS_GOOGLE_IAM_URL", &iam.url)
        .env("DATABRICKS_GOOGLE_SERVICE_ACCOUNT", TARGET)
        .args(["list-scopes"]))
    .success();
    let seen = token.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/token");
    assert_eq!(
        form(&seen[0]),
        [
            ("grant_type".to_string(), "refresh_token".to_string()),
            (
                "client_id".into(),
                "764086051850.apps.googleusercontent.com".into()
            ),
            ("client_secret".into(), "adc-client-secret-b6a3".into()),
            ("refresh_token".into(), "adc-refresh-token-0e9f".into()),
        ]
    );
    check_iam(&iam, &api.url, "adc-access-token-8c4d");
    check_google_id_call(&api);
}

#[test]
fn google_id_on_the_gce_metadata_server() {
    let api = api();
    let metadata = Fake::start(vec![access_reply("adc-access-token-8c4d")]);
    let iam = iam_replies(&api.url);
    let bed = Bed::new();
    run(sandbox(&mut bed.bare())
        .env("DATABRICKS_HOST", &api.url)
        .env(
            "GCE_METADATA_HOST",
            metadata.url.trim_start_matches("http://"),
        )
        .env("DBSECRETS_GOOGLE_IAM_URL", &iam.url)
        .env("DATABRICKS_GOOGLE_SERVICE_ACCOUNT", TARGET)
        .args(["list-scopes"]))
    .success();
    let seen = metadata.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "GET");
    assert!(seen[0]
        .path
        .starts_with("/computeMetadata/v1/instance/service-accounts/default/token?"));
    assert_eq!(
        query(&seen[0].path),
        [(
            "scopes".to_string(),
            "https://www.googleapis.com/auth/iam".to_string()
        )]
    );
    assert_eq!(seen[0].header("metadata-flavor"), Some("Google"));
    check_iam(&iam, &api.url, "adc-access-token-8c4d");
    check_google_id_call(&api);
}

#[test]
fn google_id_without_the_token_creator_role() {
    let bed = Bed::new();
    let token = Fake::start(vec![access_reply("adc-access-token-8c4d")]);
    let iam = Fake::start(vec![Reply::json(
        403,
        r#"{"error":{"code":403,"message":"Permission 'iam.serviceAccounts.getOpenIdToken' denied on resource (or it may not exist).","status":"PERMISSION_DENIED"}}"#,
    )]);
    let key = bed.home.path().join("adc.json");
    std::fs::write(&key, google_key(SA)).unwrap();
    run(google_env(&mut bed.bare(), &token, &bed.url())
        .env("DBSECRETS_GOOGLE_IAM_URL", &iam.url)
        .env("GOOGLE_APPLICATION_CREDENTIALS", &key)
        .env("DATABRICKS_GOOGLE_SERVICE_ACCOUNT", TARGET)
        .args(["list-scopes"]))
    .fails(4)
    .stderr_has(&format!(
        "google-id: Google IAM gave no ID token of service account '{TARGET}'"
    ))
    .stderr_has("HTTP 403")
    .stderr_has("roles/iam.serviceAccountTokenCreator");
    assert!(bed.requests().is_empty());
}
