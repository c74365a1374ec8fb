//! Service-principal sign-in end to end against the emulator's own OAuth
//! endpoints (discovery, client credentials, token exchange), in a workspace
//! that only accepts the credentials it was given.

use crate::common::fake::{Fake, Reply};
use crate::common::*;
use serde_json::json;

const SECRET: &str = "ci-secret-CANARY-42";

fn bed() -> Bed {
    Bed::with(EmulatorOptions {
        tokens: vec![("admin-token".into(), "admin@example.com".into())],
        oauth_clients: vec![("ci-client".into(), SECRET.into(), "sp-ci".into())],
        oidc_federation: vec![(
            "gha-client".into(),
            "github-id-token".into(),
            "sp-gha".into(),
        )],
        ..EmulatorOptions::default()
    })
}

fn no_leak(out: &Out) {
    for s in [SECRET, "github-id-token", "emu-oauth-"] {
        assert!(
            !out.stdout.contains(s) && !out.stderr.contains(s),
            "{s} leaked: {out:?}"
        );
    }
}

#[test]
fn oauth_m2m_signs_in_as_the_service_principal() {
    let bed = bed();
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLIENT_ID", "ci-client")
        .env("DATABRICKS_CLIENT_SECRET", SECRET)
        .args(["--debug", "create-scope", "sp-scope"]);
    let out = Out::from(c.output().unwrap());
    out.success();
    no_leak(&out);
    // --debug shows the token requests too, with the credentials masked.
    out.stderr_has(&format!("> POST {}/oidc/v1/token", bed.url()))
        .stderr_has("> authorization: Basic *** (token request)")
        .stderr_has("> authorization: Bearer *** (oauth-m2m)");

    let reqs = bed.requests();
    let paths: Vec<(&str, &str)> = reqs
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(
        paths,
        vec![
            ("GET", "/oidc/.well-known/oauth-authorization-server"),
            ("POST", "/oidc/v1/token"),
            ("POST", "/api/2.0/secrets/scopes/create"),
        ]
    );
    assert_eq!(
        reqs[1].authorization.as_ref().unwrap().scheme,
        "Basic",
        "client credentials go in HTTP Basic"
    );
    assert_eq!(reqs[2].authorization.as_ref().unwrap().scheme, "Bearer");
    assert_eq!(reqs[2].principal.as_deref(), Some("sp-ci"));
    assert!(reqs[2]
        .user_agent
        .as_deref()
        .unwrap()
        .ends_with("auth/oauth-m2m"));

    // The scope belongs to the service principal: the creator holds MANAGE.
    let out = Out::from(
        bed.cmd()
            .env("DATABRICKS_TOKEN", "admin-token")
            .args(["acls", "sp-scope", "-o", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(
        out.json(),
        json!([{"principal": "sp-ci", "permission": "MANAGE"}])
    );
}

#[test]
fn a_wrong_client_secret_is_exit_4_naming_the_client() {
    let bed = bed();
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLIENT_ID", "ci-client")
        .env("DATABRICKS_CLIENT_SECRET", "wrong-CANARY-secret")
        .args(["list-scopes"]);
    let out = Out::from(c.output().unwrap());
    out.fails(4)
        .stderr_has("ci-client")
        .stderr_has("invalid_client");
    assert!(!out.stderr.contains("wrong-CANARY-secret"));
    assert!(
        bed.requests().iter().all(|r| !r.path.starts_with("/api/")),
        "no API call without a token"
    );
}

#[test]
fn workload_identity_federation_exchanges_the_id_token() {
    let bed = bed();
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_AUTH_TYPE", "env-oidc")
        .env("DATABRICKS_CLIENT_ID", "gha-client")
        .env("DATABRICKS_OIDC_TOKEN", "github-id-token")
        .args(["create-scope", "gha-scope", "-o", "json"]);
    let out = Out::from(c.output().unwrap());
    out.success();
    no_leak(&out);
    let token_req = bed.requests_to("POST", "/oidc/v1/token").pop().unwrap();
    assert!(
        token_req.authorization.is_none(),
        "token exchange sends no Authorization header"
    );
    let form = token_req.body.unwrap().as_str().unwrap().to_string();
    for field in [
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange",
        "subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt",
        &format!(
            "subject_token={}",
            bed.emu.emulator().redacted("github-id-token")
        ),
        "client_id=gha-client",
        "scope=all-apis",
    ] {
        assert!(form.contains(field), "{field} missing from {form}");
    }
    let out = Out::from(
        bed.cmd()
            .env("DATABRICKS_TOKEN", "admin-token")
            .args(["acls", "gha-scope", "-o", "csv"])
            .output()
            .unwrap(),
    );
    out.success()
        .stdout_is("principal,permission\nsp-gha,MANAGE\n");
}

#[test]
fn expired_tokens_are_replaced_by_new_ones() {
    let bed = bed();
    let run = || {
        let mut c = bed.bare();
        c.env("DATABRICKS_HOST", bed.url())
            .env("DATABRICKS_CLIENT_ID", "ci-client")
            .env("DATABRICKS_CLIENT_SECRET", SECRET)
            .args(["list-scopes", "-o", "json"]);
        Out::from(c.output().unwrap())
    };
    // What one run sent (the log is cleared after): a sign-in, then the call,
    // whose Authorization header is returned.
    let signed_in_once = || {
        let reqs = bed.requests();
        bed.clear();
        let paths: Vec<(&str, &str)> = reqs
            .iter()
            .map(|r| (r.method.as_str(), r.path.as_str()))
            .collect();
        assert_eq!(
            paths,
            [
                ("GET", "/oidc/.well-known/oauth-authorization-server"),
                ("POST", "/oidc/v1/token"),
                ("GET", LIST_SCOPES),
            ]
        );
        reqs[2].authorization.clone().unwrap()
    };
    run().success().stdout_is("[]\n");
    let first = signed_in_once();
    bed.emu.emulator().expire_oauth_tokens();
    run().success().stdout_is("[]\n");
    let second = signed_in_once();
    assert_eq!(second.scheme, "Bearer", "{second}");
    assert_ne!(first, second, "the second process used its new token");
    assert_eq!(
        bed.emu.emulator().issued_token_count(),
        2,
        "each process signs in once"
    );
}

fn oauth(bed: &Bed, args: &[&str]) -> Out {
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLIENT_ID", "ci-client")
        .env("DATABRICKS_CLIENT_SECRET", SECRET)
        .args(args);
    Out::from(c.output().unwrap())
}

#[test]
fn an_unavailable_token_endpoint_is_retried() {
    let bed = bed();
    let emu = bed.emu.emulator();
    emu.push_fault_for(
        "/oidc/v1/token",
        dbsecrets_emulator::Fault::json(503, r#"{"error":"temporarily_unavailable"}"#),
    );
    let out = oauth(
        &bed,
        &["list-scopes", "-o", "json", "--retry-timeout", "30"],
    );
    out.success().stdout_is("[]\n");
    assert_eq!(
        bed.requests_to("POST", "/oidc/v1/token").len(),
        2,
        "the 503 was retried"
    );
}

#[test]
fn an_unreachable_token_endpoint_is_a_network_failure_not_an_auth_failure() {
    let bed = bed();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLIENT_ID", "ci-client")
        .env("DATABRICKS_CLIENT_SECRET", SECRET)
        .env(
            "DATABRICKS_DISCOVERY_URL",
            format!("http://127.0.0.1:{port}/oidc/.well-known/oauth-authorization-server"),
        )
        .args(["list-scopes", "--retry-timeout", "0"]);
    let out = Out::from(c.output().unwrap());
    out.fails(1)
        .stderr_has("cannot find the OAuth token endpoint");
    no_leak(&out);
}

#[test]
fn oauth_to_a_local_workspace_never_goes_through_a_proxy() {
    let bed = bed();
    let proxy = Fake::start(vec![Reply::raw(502, "text/plain", b"proxy")]);
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLIENT_ID", "ci-client")
        .env("DATABRICKS_CLIENT_SECRET", SECRET)
        .env("HTTP_PROXY", &proxy.url)
        .env("ALL_PROXY", &proxy.url)
        .args(["list-scopes", "-o", "json"]);
    Out::from(c.output().unwrap()).success().stdout_is("[]\n");
    assert_eq!(
        proxy.count(),
        0,
        "discovery, token and API requests all went direct"
    );
}
