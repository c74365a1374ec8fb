//! azure-client-secret: an Azure AD service principal (ARM_CLIENT_ID,
//! ARM_CLIENT_SECRET, ARM_TENANT_ID) signs in with Azure AD, played by `Fake`.

use assert_cmd::Command;

use crate::common::fake::{Fake, Reply};
use crate::common::*;
use crate::support::*;

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
