//! Azure without stored secrets: an Azure DevOps pipeline's ID token
//! (azure-devops-oidc), GitHub's ID token at Microsoft Entra ID
//! (github-oidc-azure) and a managed identity (azure-msi), each service played
//! by `Fake` on loopback.

use assert_cmd::Command;

use crate::common::fake::{Fake, Reply};
use crate::common::*;
use crate::support::*;

const ADO_PATH: &str = "/org/project-123/_apis/distributedtask/hubs/build/plans/plan-456/jobs/job-789/oidctoken?api-version=7.2-preview.1";

fn azure_devops_env(cmd: &mut Command, ado: &Fake) {
    cmd.env("SYSTEM_ACCESSTOKEN", "ado-access-token-91d0")
        .env(
            "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI",
            format!("{}/org/", ado.url),
        )
        .env("SYSTEM_TEAMPROJECTID", "project-123")
        .env("SYSTEM_PLANID", "plan-456")
        .env("SYSTEM_JOBID", "job-789")
        .env("SYSTEM_HOSTTYPE", "build");
}

#[test]
fn azure_devops_oidc_exchanges_the_job_id_token() {
    let bed = Bed::new();
    let oauth = OAuth::new(vec![token_reply("oauth-access-91c2", 3600)]);
    let ado = Fake::start(vec![Reply::json(
        200,
        r#"{"oidcToken":"ado-id-token-2f6c"}"#,
    )]);
    let mut cmd = bed.bare();
    sandbox(&mut cmd);
    azure_devops_env(&mut cmd, &ado);
    run(cmd
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLIENT_ID", "sp-1234")
        .env("DATABRICKS_DISCOVERY_URL", oauth.discovery_url())
        .args(["list-scopes"]))
    .success();

    let seen = ado.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("POST", ADO_PATH)
    );
    assert_eq!(
        seen[0].header("authorization"),
        Some("Bearer ado-access-token-91d0")
    );
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    assert!(seen[0].body.is_empty());

    let token = oauth.token.seen();
    assert_eq!(token.len(), 1);
    assert_eq!(token[0].header("authorization"), None);
    let f = form(&token[0]);
    let want = [
        (
            "grant_type",
            "urn:ietf:params:oauth:grant-type:token-exchange",
        ),
        ("scope", "all-apis"),
        ("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"),
        ("subject_token", "ado-id-token-2f6c"),
        ("client_id", "sp-1234"),
    ];
    for (name, value) in want {
        assert_eq!(field(&f, name), Some(value), "{name}");
    }
    assert_eq!(f.len(), want.len(), "{f:?}");

    let call = list_call(&bed);
    assert_eq!(call.authorization.unwrap(), "Bearer oauth-access-91c2");
    assert!(call.user_agent.unwrap().contains("auth/azure-devops-oidc"));
}

#[test]
fn azure_devops_oidc_rejected_exchange_names_the_client_id() {
    let bed = Bed::new();
    let oauth = OAuth::new(vec![Reply::json(
        400,
        r#"{"error":"invalid_grant","error_description":"no federation policy matches the token"}"#,
    )]);
    let ado = Fake::start(vec![Reply::json(
        200,
        r#"{"oidcToken":"ado-id-token-2f6c"}"#,
    )]);
    let mut cmd = bed.bare();
    sandbox(&mut cmd);
    azure_devops_env(&mut cmd, &ado);
    run(cmd
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLIENT_ID", "sp-1234")
        .env("DATABRICKS_DISCOVERY_URL", oauth.discovery_url())
        .args(["list-scopes"]))
    .fails(4)
    .stderr_has("azure-devops-oidc: the token exchange for client id 'sp-1234'")
    .stderr_has("invalid_grant: no federation policy matches the token")
    .stderr_has("hint: check the service principal's federation policy");
    assert!(bed.requests().is_empty());
}

#[test]
fn azure_devops_oidc_refused_job_token() {
    let bed = Bed::new();
    let oauth = OAuth::new(vec![token_reply("oauth-access-91c2", 3600)]);
    let ado = Fake::start(vec![Reply::raw(401, "text/html", b"<html>401</html>")]);
    let mut cmd = bed.bare();
    sandbox(&mut cmd);
    azure_devops_env(&mut cmd, &ado);
    run(cmd
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLIENT_ID", "sp-1234")
        .env("DATABRICKS_DISCOVERY_URL", oauth.discovery_url())
        .args(["list-scopes"]))
    .fails(4)
    .stderr_has("azure-devops-oidc: cannot get an ID token from Azure DevOps")
    .stderr_has("HTTP 401")
    .stderr_has("SYSTEM_ACCESSTOKEN: $(System.AccessToken)");
    assert_eq!(oauth.token.count(), 0);
}

fn github_azure_env(cmd: &mut Command, github: &Fake, aad: &Fake, host: &str) {
    sandbox(cmd)
        .env("DATABRICKS_HOST", host)
        .env("DATABRICKS_AZURE_RESOURCE_ID", RESOURCE_ID)
        .env("ARM_CLIENT_ID", "arm-app-1")
        .env("DBSECRETS_AZURE_LOGIN_URL", &aad.url)
        .env(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            format!("{}/idtoken?api-version=2.0", github.url),
        )
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "gh-request-token-55e1");
}

fn aad_token() -> Reply {
    Reply::json(
        200,
        r#"{"token_type":"Bearer","expires_in":"3599","ext_expires_in":"3599","expires_on":"4070908800","resource":"2ff814a6-3304-4ab8-85cb-cd0e6f879c1d","access_token":"aad-access-token-c3d4"}"#,
    )
}

#[test]
fn github_oidc_azure_sends_the_id_token_as_client_assertion() {
    let api = api();
    let aad = Fake::start(vec![aad_token()]);
    let github = Fake::start(vec![Reply::json(
        200,
        r#"{"count":1,"value":"gh-id-token-0b7d"}"#,
    )]);
    let bed = Bed::new();
    let mut cmd = bed.bare();
    github_azure_env(&mut cmd, &github, &aad, &api.url);
    run(cmd.env("ARM_TENANT_ID", "tenant-1").args(["list-scopes"])).success();

    let gh = github.seen();
    assert_eq!(gh.len(), 1);
    assert!(gh[0].path.starts_with("/idtoken?api-version=2.0&audience="));
    assert!(query(&gh[0].path).contains(&("audience".into(), "api://AzureADTokenExchange".into())));
    assert_eq!(
        gh[0].header("authorization"),
        Some("Bearer gh-request-token-55e1")
    );

    let seen = aad.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("POST", "/tenant-1/oauth2/token")
    );
    assert_eq!(seen[0].header("authorization"), None);
    let f = form(&seen[0]);
    let want = [
        ("grant_type", "client_credentials"),
        ("scope", "all-apis"),
        (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ),
        ("resource", "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"),
        ("client_assertion", "gh-id-token-0b7d"),
        ("client_id", "arm-app-1"),
    ];
    for (name, value) in want {
        assert_eq!(field(&f, name), Some(value), "{name}");
    }
    assert_eq!(f.len(), want.len(), "{f:?}");

    let call = &api.seen()[0];
    assert_eq!(
        call.header("authorization"),
        Some("Bearer aad-access-token-c3d4")
    );
    assert!(call
        .header("user-agent")
        .unwrap()
        .contains("auth/github-oidc-azure"));
    // As the SDK's github_oidc_azure: the Authorization header only.
    assert_eq!(
        call.header("x-databricks-azure-workspace-resource-id"),
        None
    );
    assert_eq!(call.header("x-databricks-azure-sp-management-token"), None);
}

#[test]
fn github_oidc_azure_finds_the_tenant_from_the_workspace() {
    let api = Fake::start(vec![
        Reply::raw(302, "text/html", b"").header(
            "Location",
            "https://login.microsoftonline.com/tenant-from-redirect/oauth2/v2.0/authorize?client_id=x",
        ),
        Reply::json(200, r#"{"scopes":[]}"#),
    ]);
    let aad = Fake::start(vec![aad_token()]);
    let github = Fake::start(vec![Reply::json(200, r#"{"value":"gh-id-token-0b7d"}"#)]);
    let bed = Bed::new();
    let mut cmd = bed.bare();
    github_azure_env(&mut cmd, &github, &aad, &api.url);
    run(cmd.args(["list-scopes"])).success();
    let calls = api.seen();
    assert_eq!(calls[0].path, "/oidc/oauth2/v2.0/authorize");
    assert_eq!(calls[0].header("authorization"), None);
    assert_eq!(aad.seen()[0].path, "/tenant-from-redirect/oauth2/token");
    assert_eq!(
        calls[1].header("authorization"),
        Some("Bearer aad-access-token-c3d4")
    );
}

#[test]
fn github_oidc_azure_rejected_assertion_names_the_client_id() {
    let bed = Bed::new();
    let aad = Fake::start(vec![Reply::json(
        400,
        r#"{"error":"invalid_client","error_description":"AADSTS70021: No matching federated identity record found for presented assertion."}"#,
    )]);
    let github = Fake::start(vec![Reply::json(200, r#"{"value":"gh-id-token-0b7d"}"#)]);
    let mut cmd = bed.bare();
    github_azure_env(&mut cmd, &github, &aad, &bed.url());
    run(cmd.env("ARM_TENANT_ID", "tenant-1").args(["list-scopes"]))
        .fails(4)
        .stderr_has("github-oidc-azure: Microsoft Entra ID gave no token for client id 'arm-app-1'")
        .stderr_has("AADSTS70021")
        .stderr_has("hint: check the federated credential of the Entra ID application 'arm-app-1'");
    assert!(bed.requests().is_empty());
}

fn msi_env<'a>(cmd: &'a mut Command, imds: &str, host: &str) -> &'a mut Command {
    sandbox(cmd)
        .env("DATABRICKS_HOST", host)
        .env("DATABRICKS_AZURE_RESOURCE_ID", RESOURCE_ID)
        .env("ARM_USE_MSI", "true")
        .env("DBSECRETS_AZURE_IMDS_URL", format!("{imds}/metadata"))
}

#[test]
fn azure_msi_sends_the_workspace_and_management_tokens() {
    let api = api();
    let imds = Fake::start(vec![
        Reply::json(
            200,
            r#"{"access_token":"msi-access-token-4b8e","expires_on":"4070908800","token_type":"Bearer","resource":"2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"}"#,
        ),
        Reply::json(
            200,
            r#"{"access_token":"mgmt-access-token-7c1a","expires_on":4070908800,"token_type":"Bearer"}"#,
        ),
    ]);
    let bed = Bed::new();
    let mut cmd = bed.bare();
    run(msi_env(&mut cmd, &imds.url, &api.url)
        .env("ARM_CLIENT_ID", "msi-client-1")
        .args(["list-scopes"]))
    .success();

    let seen = imds.seen();
    assert_eq!(seen.len(), 2);
    for (s, resource) in seen.iter().zip([
        "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d",
        "https://management.core.windows.net/",
    ]) {
        assert_eq!(s.method, "GET");
        assert!(
            s.path.starts_with("/metadata/identity/oauth2/token?"),
            "{}",
            s.path
        );
        assert_eq!(
            query(&s.path),
            [
                ("api-version".to_string(), "2018-02-01".to_string()),
                ("client_id".into(), "msi-client-1".into()),
                ("resource".into(), resource.into()),
            ]
        );
        assert_eq!(s.header("metadata"), Some("true"));
        assert_eq!(s.header("authorization"), None);
    }
    let call = &api.seen()[0];
    assert_eq!(
        call.header("authorization"),
        Some("Bearer msi-access-token-4b8e")
    );
    assert_eq!(
        call.header("x-databricks-azure-sp-management-token"),
        Some("mgmt-access-token-7c1a")
    );
    assert_eq!(
        call.header("x-databricks-azure-workspace-resource-id"),
        Some(RESOURCE_ID)
    );
    assert!(call
        .header("user-agent")
        .unwrap()
        .contains("auth/azure-msi"));

    // --debug masks the management token like the Authorization header.
    let out = run(msi_env(&mut bed.bare(), &imds.url, &api.url).args(["list-scopes", "--debug"]));
    out.success();
    assert!(
        out.stderr
            .contains("> x-databricks-azure-sp-management-token: *** (azure-msi)"),
        "{}",
        out.stderr
    );
}

#[test]
fn azure_msi_without_an_identity_is_refused() {
    let bed = Bed::new();
    let imds = Fake::start(vec![Reply::json(
        400,
        r#"{"error":"invalid_request","error_description":"Identity not found"}"#,
    )]);
    let mut cmd = bed.bare();
    run(msi_env(&mut cmd, &imds.url, &bed.url()).args(["list-scopes"]))
        .fails(4)
        .stderr_has("azure-msi: the instance metadata service gave no token for the system-assigned identity")
        .stderr_has("invalid_request: Identity not found (HTTP 400)")
        .stderr_has("hint: check that a managed identity is assigned");
    assert!(bed.requests().is_empty());
}

#[test]
fn azure_msi_unreachable_is_retried_then_exit_1() {
    let bed = Bed::new();
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let mut cmd = bed.bare();
    let out = run(msi_env(&mut cmd, &closed, &bed.url()).args(["list-scopes"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    out.stderr_has("warning: azure-msi: the instance metadata service gave no token")
        .stderr_has("retrying for up to 10 s")
        .stderr_has("error: cannot list secret scopes: gave up after");
    assert!(bed.requests().is_empty());
}
