//! Which method the chain picks: precedence of the environment over the file,
//! conflicts between methods, auth_type, and basic and PAT credentials.

use crate::common::*;
use crate::support::*;

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

/// Which method the default chain picks when the settings of several are
/// present, by `auth describe` (which sends nothing): the Python SDK's order
/// for the methods it has.
#[test]
fn precedence_of_the_new_methods() {
    let bed = Bed::new();
    let key = google_key("sa@p.iam.gserviceaccount.com");
    let azure = "https://adb-1.2.azuredatabricks.net";
    let gh: &[(&str, &str)] = &[
        (
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            "http://127.0.0.1:9/idtoken?x=1",
        ),
        ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "gh-request-token-55e1"),
    ];
    let ado: &[(&str, &str)] = &[
        ("SYSTEM_ACCESSTOKEN", "ado-access-token-91d0"),
        (
            "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI",
            "http://127.0.0.1:9/org/",
        ),
        ("SYSTEM_TEAMPROJECTID", "p"),
        ("SYSTEM_PLANID", "pl"),
        ("SYSTEM_JOBID", "j"),
        ("SYSTEM_HOSTTYPE", "build"),
    ];
    let secret: &[(&str, &str)] = &[
        ("ARM_CLIENT_ID", "arm-app-1"),
        ("ARM_CLIENT_SECRET", "arm-secret-a1b2"),
        ("ARM_TENANT_ID", "tenant-1"),
    ];
    let host = |h: &'static str| vec![("DATABRICKS_HOST", h)];
    let with = |base: Vec<(&'static str, &'static str)>,
                more: &[&[(&'static str, &'static str)]]| {
        let mut v = base;
        for m in more {
            v.extend_from_slice(m);
        }
        v
    };
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let key: &'static str = leak(key);
    // (settings, the method chosen or the start of the error)
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            with(
                host("https://x.gcp.databricks.com"),
                &[&[("DATABRICKS_METADATA_SERVICE_URL", "http://127.0.0.1:9/s")]],
            ),
            "metadata-service",
        ),
        (
            with(
                host("https://x.gcp.databricks.com"),
                &[&[
                    ("DATABRICKS_METADATA_SERVICE_URL", "http://127.0.0.1:9/s"),
                    ("DATABRICKS_TOKEN", "dapi-pat-token-1234"),
                ]],
            ),
            "validate: more than one authorization method configured: metadata-service and pat",
        ),
        (
            with(host(azure), &[&[("DATABRICKS_CLIENT_ID", "sp-1234")], ado]),
            "azure-devops-oidc",
        ),
        (
            with(
                host(azure),
                &[&[("DATABRICKS_CLIENT_ID", "sp-1234")], ado, gh],
            ),
            "github-oidc",
        ),
        (
            with(
                host(azure),
                &[
                    &[
                        ("DATABRICKS_CLIENT_ID", "sp-1234"),
                        ("DATABRICKS_CLIENT_SECRET", "sp-secret-7f3a"),
                    ],
                    ado,
                ],
            ),
            "oauth-m2m",
        ),
        (
            with(host(azure), &[&[("ARM_CLIENT_ID", "arm-app-1")], gh]),
            "github-oidc-azure",
        ),
        (with(host(azure), &[secret, gh]), "azure-client-secret"),
        (
            with(
                host(azure),
                &[
                    &[("ARM_CLIENT_ID", "arm-app-1"), ("ARM_USE_MSI", "true")],
                    gh,
                ],
            ),
            "github-oidc-azure",
        ),
        (
            with(host(azure), &[&[("ARM_USE_MSI", "true")]]),
            "azure-msi",
        ),
        (
            with(host(azure), &[&[("ARM_USE_MSI", "true")], secret]),
            "azure-client-secret",
        ),
        (
            with(
                host("https://x.cloud.databricks.com"),
                &[&[("ARM_CLIENT_ID", "arm-app-1")], gh],
            ),
            "no credentials configured",
        ),
        (
            with(
                host("https://x.gcp.databricks.com"),
                &[&[("GOOGLE_CREDENTIALS", key)]],
            ),
            "google-credentials",
        ),
        (
            with(
                host("https://x.gcp.databricks.com"),
                &[&[
                    ("GOOGLE_CREDENTIALS", key),
                    (
                        "DATABRICKS_GOOGLE_SERVICE_ACCOUNT",
                        "t@p.iam.gserviceaccount.com",
                    ),
                ]],
            ),
            "google-credentials",
        ),
        (
            with(
                host("https://x.gcp.databricks.com"),
                &[&[(
                    "DATABRICKS_GOOGLE_SERVICE_ACCOUNT",
                    "t@p.iam.gserviceaccount.com",
                )]],
            ),
            "google-id",
        ),
        (
            with(
                host("https://x.gcp.databricks.com"),
                &[&[
                    (
                        "DATABRICKS_GOOGLE_SERVICE_ACCOUNT",
                        "t@p.iam.gserviceaccount.com",
                    ),
                    ("DATABRICKS_TOKEN", "dapi-pat-token-1234"),
                ]],
            ),
            "validate: more than one authorization method configured: google and pat",
        ),
    ];
    for (env, want) in cases {
        let mut cmd = bed.bare();
        sandbox(&mut cmd).env("PATH", "/nonexistent");
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let out = run(cmd.args(["auth", "describe", "-o", "json"]));
        let j = out.json();
        let got = match (&j["auth_method"], &j["auth_error"]) {
            (serde_json::Value::String(m), serde_json::Value::Null) => m.clone(),
            (_, serde_json::Value::String(e)) => e.clone(),
            other => panic!("{other:?}"),
        };
        let names: Vec<&str> = env.iter().map(|(k, _)| *k).collect();
        assert!(got.starts_with(want), "{names:?}: got {got}, want {want}");
    }
}
