//! `dbsecrets auth describe`: every setting with its source, secrets masked,
//! and `--check`.

use std::path::PathBuf;

use crate::common::fake::{Fake, Reply};
use crate::common::*;
use crate::support::*;

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
    // Who the workspace says you are, as `gh auth status` shows it.
    assert!(
        out.stdout.contains(&format!(
            "\nsigned_in_as,admin@example.com,the workspace (SCIM Me)\ncheck,ok,\"listed 0 scopes at {} with pat, signed in as admin@example.com\"\n",
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
            "cannot list scopes: UNAUTHENTICATED: Invalid access token. (HTTP 401)"
        ]
    );
    assert!(
        out.stderr
            .starts_with("error: cannot list scopes: UNAUTHENTICATED"),
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
