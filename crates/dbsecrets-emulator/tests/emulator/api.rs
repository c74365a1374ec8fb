//! Every endpoint's success shape and error paths, over real HTTP.

use crate::common::{error, Api};
use base64::Engine as _;
use dbsecrets_emulator::EmulatorOptions;
use serde_json::json;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test]
async fn scope_lifecycle_and_empty_listing() {
    let api = Api::start();
    assert_eq!(api.get("scopes/list", &[]).await, (200, json!({})));
    api.scope("beta").await;
    api.scope("Alpha").await;
    let expected = json!({"scopes": [
        {"name": "Alpha", "backend_type": "DATABRICKS"},
        {"name": "beta", "backend_type": "DATABRICKS"},
    ]});
    assert_eq!(api.get("scopes/list", &[]).await, (200, expected));
    let r = api.post("scopes/delete", json!({"scope": "ALPHA"})).await;
    assert_eq!(r, (200, json!({})));
    let r = api.post("scopes/delete", json!({"scope": "beta"})).await;
    assert_eq!(r, (200, json!({})));
    assert_eq!(api.get("scopes/list", &[]).await, (200, json!({})));
}

#[tokio::test]
async fn create_scope_errors() {
    let api = Api::start();
    api.scope("Foo").await;
    let msg = error(
        api.post("scopes/create", json!({"scope": "foo"})).await,
        400,
        "RESOURCE_ALREADY_EXISTS",
    );
    assert_eq!(msg, "Scope Foo already exists!");
    let msg = error(
        api.post("scopes/create", json!({"scope": "no spaces"}))
            .await,
        400,
        "INVALID_PARAMETER_VALUE",
    );
    assert_eq!(
        msg,
        "Scope name must consist of alphanumeric characters, dashes, underscores, periods, \
         and at signs, and may not exceed 128 characters."
    );
    let long = "s".repeat(129);
    let r = api.post("scopes/create", json!({"scope": long})).await;
    error(r, 400, "INVALID_PARAMETER_VALUE");
    let r = api
        .post(
            "scopes/create",
            json!({"scope": "x", "initial_manage_principal": "bob"}),
        )
        .await;
    error(r, 400, "INVALID_PARAMETER_VALUE");
    let body = json!({
        "scope": "kv",
        "scope_backend_type": "AZURE_KEYVAULT",
        "backend_azure_keyvault": {"resource_id": "/subs/1", "dns_name": "https://kv.vault.azure.net/"},
    });
    let msg = error(
        api.post("scopes/create", body).await,
        400,
        "INVALID_PARAMETER_VALUE",
    );
    assert_eq!(
        msg,
        "Scope with Azure KeyVault must have userAADToken defined!"
    );
    let r = api
        .post(
            "scopes/create",
            json!({"scope": "x", "scope_backend_type": "S3"}),
        )
        .await;
    error(r, 400, "INVALID_PARAMETER_VALUE");
    let msg = error(
        api.post("scopes/create", json!({})).await,
        400,
        "MALFORMED_REQUEST",
    );
    assert_eq!(msg, "Missing required field: scope");
    let r = api.post("scopes/create", json!({"scope": 5})).await;
    error(r, 400, "MALFORMED_REQUEST");
    let msg = error(
        api.post("scopes/delete", json!({"scope": "gone"})).await,
        404,
        "RESOURCE_DOES_NOT_EXIST",
    );
    assert_eq!(msg, "Scope gone does not exist!");
    // Unknown fields are ignored; DATABRICKS is accepted explicitly.
    let body = json!({"scope": "ok", "scope_backend_type": "DATABRICKS", "colour": "blue"});
    assert_eq!(api.post("scopes/create", body).await, (200, json!({})));
}

#[tokio::test]
async fn initial_manage_principal() {
    let api = Api::start();
    api.scope("mine").await;
    let body = json!({"scope": "shared", "initial_manage_principal": "users"});
    assert_eq!(api.post("scopes/create", body).await, (200, json!({})));
    let r = api.get("acls/list", &[("scope", "mine")]).await;
    let expected = json!({"items": [{"principal": "admin@example.com", "permission": "MANAGE"}]});
    assert_eq!(r, (200, expected));
    let r = api.get("acls/list", &[("scope", "shared")]).await;
    assert_eq!(
        r,
        (
            200,
            json!({"items": [{"principal": "users", "permission": "MANAGE"}]})
        )
    );
}

#[tokio::test]
async fn configured_principal_owns_new_scopes() {
    let api = Api::with(EmulatorOptions {
        principal: "ci@example.com".into(),
        ..EmulatorOptions::default()
    });
    api.scope("s").await;
    let r = api
        .get(
            "acls/get",
            &[("scope", "s"), ("principal", "ci@example.com")],
        )
        .await;
    assert_eq!(
        r,
        (
            200,
            json!({"principal": "ci@example.com", "permission": "MANAGE"})
        )
    );
}

#[tokio::test]
async fn scope_limit() {
    let api = Api::with(EmulatorOptions {
        max_scopes: 2,
        ..EmulatorOptions::default()
    });
    api.scope("a").await;
    api.scope("b").await;
    let r = api.post("scopes/create", json!({"scope": "c"})).await;
    error(r, 400, "RESOURCE_LIMIT_EXCEEDED");
    let r = api.post("scopes/create", json!({"scope": "B"})).await;
    error(r, 400, "RESOURCE_ALREADY_EXISTS");
    let r = api.post("scopes/delete", json!({"scope": "a"})).await;
    assert_eq!(r, (200, json!({})));
    api.scope("c").await;
}

#[tokio::test]
async fn secrets_round_trip() {
    let api = Api::start();
    api.scope("app").await;
    assert_eq!(api.get("list", &[("scope", "app")]).await, (200, json!({})));
    api.put("app", "b-key", "hello").await;
    let bytes = [0u8, 159, 146, 150, 255];
    let body = json!({"scope": "APP", "key": "a.key", "bytes_value": b64(&bytes)});
    assert_eq!(api.post("put", body).await, (200, json!({})));
    assert_eq!(
        api.server.emulator().secret_bytes("app", "A.KEY").unwrap(),
        bytes
    );

    let r = api.get("get", &[("scope", "app"), ("key", "b-key")]).await;
    assert_eq!(r, (200, json!({"key": "b-key", "value": b64(b"hello")})));
    let r = api.get("get", &[("scope", "App"), ("key", "A.Key")]).await;
    assert_eq!(r, (200, json!({"key": "a.key", "value": b64(&bytes)})));

    let (status, list) = api.get("list", &[("scope", "app")]).await;
    assert_eq!(status, 200);
    let secrets = list["secrets"].as_array().unwrap();
    let keys: Vec<&str> = secrets.iter().map(|s| s["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["a.key", "b-key"]);
    for s in secrets {
        assert_eq!(s.as_object().unwrap().len(), 2);
        let ts = s["last_updated_timestamp"]
            .as_i64()
            .expect("integer timestamp");
        assert!(ts > 1_600_000_000_000, "{ts} is in milliseconds");
    }

    let r = api
        .post("delete", json!({"scope": "app", "key": "A.KEY"}))
        .await;
    assert_eq!(r, (200, json!({})));
    let r = api
        .post("delete", json!({"scope": "app", "key": "b-key"}))
        .await;
    assert_eq!(r, (200, json!({})));
    assert_eq!(api.get("list", &[("scope", "app")]).await, (200, json!({})));
}

#[tokio::test]
async fn overwrite_keeps_case_and_moves_timestamp() {
    let api = Api::start();
    api.scope("s").await;
    api.put("s", "Api-Key", "one").await;
    let (_, before) = api.get("list", &[("scope", "s")]).await;
    api.put("s", "API-KEY", "two").await;
    let (_, after) = api.get("list", &[("scope", "s")]).await;
    assert_eq!(after["secrets"].as_array().unwrap().len(), 1);
    assert_eq!(after["secrets"][0]["key"], "Api-Key");
    let t0 = before["secrets"][0]["last_updated_timestamp"]
        .as_i64()
        .unwrap();
    let t1 = after["secrets"][0]["last_updated_timestamp"]
        .as_i64()
        .unwrap();
    assert!(t1 > t0);
    let r = api.get("get", &[("scope", "s"), ("key", "api-key")]).await;
    assert_eq!(r, (200, json!({"key": "Api-Key", "value": b64(b"two")})));
}

#[tokio::test]
async fn put_errors() {
    let api = Api::start();
    api.scope("s").await;
    let cases = [
        json!({"scope": "s", "key": "k", "string_value": "a", "bytes_value": "YQ=="}),
        json!({"scope": "s", "key": "k"}),
        json!({"scope": "s", "key": "k", "bytes_value": "not base64!"}),
        json!({"scope": "s", "key": "k", "bytes_value": "YQ"}),
        json!({"scope": "s", "key": "bad/key", "string_value": "a"}),
        json!({"scope": "s", "key": "", "string_value": "a"}),
        json!({"scope": "s", "key": "a@b", "string_value": "a"}),
        json!({"scope": "bad scope", "key": "k", "string_value": "a"}),
    ];
    for body in cases {
        error(api.post("put", body).await, 400, "INVALID_PARAMETER_VALUE");
    }
    let r = api
        .post("put", json!({"scope": "s", "string_value": "a"}))
        .await;
    assert_eq!(
        error(r, 400, "MALFORMED_REQUEST"),
        "Missing required field: key"
    );
    let r = api
        .post(
            "put",
            json!({"scope": "nope", "key": "k", "string_value": "a"}),
        )
        .await;
    assert_eq!(
        error(r, 404, "RESOURCE_DOES_NOT_EXIST"),
        "Scope nope does not exist!"
    );
    assert!(api.server.emulator().secret_bytes("s", "k").is_none());
}

#[tokio::test]
async fn value_size_limit() {
    let api = Api::start();
    api.scope("s").await;
    let max = vec![7u8; 131_072];
    let body = json!({"scope": "s", "key": "max", "bytes_value": b64(&max)});
    assert_eq!(api.post("put", body).await, (200, json!({})));
    assert_eq!(api.server.emulator().secret_bytes("s", "max").unwrap(), max);
    let body = json!({"scope": "s", "key": "over", "string_value": "x".repeat(131_073)});
    let msg = error(api.post("put", body).await, 400, "INVALID_PARAMETER_VALUE");
    assert!(msg.contains("131072"), "{msg}");
    let body = json!({"scope": "s", "key": "over", "bytes_value": b64(&[0; 131_073])});
    error(api.post("put", body).await, 400, "INVALID_PARAMETER_VALUE");
}

#[tokio::test]
async fn thousand_secret_limit() {
    let api = Api::start();
    api.scope("s").await;
    for i in 0..1000 {
        api.put("s", &format!("k{i:04}"), "v").await;
    }
    let body = json!({"scope": "s", "key": "one-more", "string_value": "v"});
    error(api.post("put", body).await, 400, "RESOURCE_LIMIT_EXCEEDED");
    // Overwriting an existing key is not a new secret.
    api.put("s", "K0999", "new").await;
    let (_, list) = api.get("list", &[("scope", "s")]).await;
    assert_eq!(list["secrets"].as_array().unwrap().len(), 1000);
}

#[tokio::test]
async fn missing_secrets_and_scopes() {
    let api = Api::start();
    api.scope("s").await;
    let r = api.get("get", &[("scope", "s"), ("key", "nope")]).await;
    let msg = error(r, 404, "RESOURCE_DOES_NOT_EXIST");
    assert_eq!(msg, "Secret does not exist with scope: s and key: nope");
    let r = api
        .post("delete", json!({"scope": "s", "key": "nope"}))
        .await;
    error(r, 404, "RESOURCE_DOES_NOT_EXIST");
    for (path, query) in [
        ("list", vec![("scope", "zz")]),
        ("get", vec![("scope", "zz"), ("key", "k")]),
        ("acls/list", vec![("scope", "zz")]),
        ("acls/get", vec![("scope", "zz"), ("principal", "users")]),
    ] {
        let msg = error(api.get(path, &query).await, 404, "RESOURCE_DOES_NOT_EXIST");
        assert_eq!(msg, "Scope zz does not exist!", "{path}");
    }
    let msg = error(api.get("list", &[]).await, 400, "MALFORMED_REQUEST");
    assert_eq!(msg, "Missing required field: scope");
    let r = api.get("get", &[("scope", "s")]).await;
    error(r, 400, "MALFORMED_REQUEST");
}

#[tokio::test]
async fn query_strings_are_form_decoded() {
    let api = Api::start();
    api.scope("s").await;
    api.put("s", "k", "v").await;
    // reqwest encodes the space as '+'; the decoded name is invalid.
    let r = api.get("list", &[("scope", "a b")]).await;
    error(r, 400, "INVALID_PARAMETER_VALUE");
    let r = api.get("get", &[("scope", "s"), ("key", "k/x")]).await;
    error(r, 400, "INVALID_PARAMETER_VALUE");
    let url = format!("{}?scope=%73&key=%4B", api.url("get"));
    let r = crate::common::send(
        api.http
            .get(url)
            .header("Authorization", crate::common::TOKEN),
    )
    .await;
    assert_eq!(r, (200, json!({"key": "k", "value": b64(b"v")})));
}

#[tokio::test]
async fn keyvault_scopes() {
    let api = Api::start();
    let dns = "https://my-vault.vault.azure.net/";
    let id = "/subscriptions/1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/my-vault";
    api.server.emulator().seed_keyvault_scope("vault", id, dns);
    api.scope("plain").await;
    let expected = json!({"scopes": [
        {"name": "plain", "backend_type": "DATABRICKS"},
        {"name": "vault", "backend_type": "AZURE_KEYVAULT",
         "keyvault_metadata": {"resource_id": id, "dns_name": dns}},
    ]});
    assert_eq!(api.get("scopes/list", &[]).await, (200, expected));
    let r = api
        .post(
            "put",
            json!({"scope": "Vault", "key": "k", "string_value": "v"}),
        )
        .await;
    let msg = error(r, 400, "BAD_REQUEST");
    assert_eq!(
        msg,
        "Cannot write secrets to Azure KeyVault-backed scope vault."
    );
    let r = api
        .post("delete", json!({"scope": "vault", "key": "k"}))
        .await;
    let msg = error(r, 400, "BAD_REQUEST");
    assert_eq!(
        msg,
        "Cannot delete secrets from Azure KeyVault-backed scope vault."
    );
    assert_eq!(
        api.get("list", &[("scope", "vault")]).await,
        (200, json!({}))
    );
    let r = api
        .post(
            "acls/put",
            json!({"scope": "vault", "principal": "users", "permission": "READ"}),
        )
        .await;
    assert_eq!(r, (200, json!({})));
}

#[tokio::test]
async fn acls() {
    let api = Api::start();
    api.scope("s").await;
    let put = |principal: &str, permission: &str| json!({"scope": "s", "principal": principal, "permission": permission});
    assert_eq!(
        api.post("acls/put", put("users", "READ")).await,
        (200, json!({}))
    );
    assert_eq!(
        api.post("acls/put", put("data-team", "WRITE")).await,
        (200, json!({}))
    );
    assert_eq!(
        api.post("acls/put", put("users", "WRITE")).await,
        (200, json!({}))
    );
    let r = api
        .get("acls/get", &[("scope", "S"), ("principal", "users")])
        .await;
    assert_eq!(
        r,
        (200, json!({"principal": "users", "permission": "WRITE"}))
    );
    let r = api.get("acls/list", &[("scope", "s")]).await;
    let expected = json!({"items": [
        {"principal": "admin@example.com", "permission": "MANAGE"},
        {"principal": "data-team", "permission": "WRITE"},
        {"principal": "users", "permission": "WRITE"},
    ]});
    assert_eq!(r, (200, expected));

    for bad in ["read", "Manage", "OWNER", ""] {
        let msg = error(
            api.post("acls/put", put("users", bad)).await,
            400,
            "INVALID_PARAMETER_VALUE",
        );
        assert!(msg.contains("READ, WRITE or MANAGE"), "{msg}");
    }
    error(
        api.post("acls/put", put("", "READ")).await,
        400,
        "INVALID_PARAMETER_VALUE",
    );
    let r = api
        .post("acls/put", json!({"scope": "s", "principal": "users"}))
        .await;
    error(r, 400, "MALFORMED_REQUEST");
    let r = api
        .post(
            "acls/put",
            json!({"scope": "s", "principal": "u", "permission": 1}),
        )
        .await;
    error(r, 400, "MALFORMED_REQUEST");

    let del = |principal: &str| json!({"scope": "s", "principal": principal});
    assert_eq!(
        api.post("acls/delete", del("users")).await,
        (200, json!({}))
    );
    error(
        api.post("acls/delete", del("users")).await,
        404,
        "RESOURCE_DOES_NOT_EXIST",
    );
    let r = api
        .get("acls/get", &[("scope", "s"), ("principal", "users")])
        .await;
    error(r, 404, "RESOURCE_DOES_NOT_EXIST");
    for principal in ["data-team", "admin@example.com"] {
        let r = api.post("acls/delete", del(principal)).await;
        assert_eq!(r, (200, json!({})), "{principal}");
    }
    assert_eq!(
        api.get("acls/list", &[("scope", "s")]).await,
        (200, json!({}))
    );
}

#[tokio::test]
async fn deleting_a_scope_deletes_its_secrets_and_acls() {
    let api = Api::start();
    api.scope("s").await;
    api.put("s", "k", "v").await;
    let body = json!({"scope": "s", "principal": "users", "permission": "READ"});
    assert_eq!(api.post("acls/put", body).await, (200, json!({})));
    let r = api.post("scopes/delete", json!({"scope": "s"})).await;
    assert_eq!(r, (200, json!({})));
    api.scope("S").await;
    assert_eq!(api.get("list", &[("scope", "s")]).await, (200, json!({})));
    let r = api.get("acls/list", &[("scope", "s")]).await;
    let expected = json!({"items": [{"principal": "admin@example.com", "permission": "MANAGE"}]});
    assert_eq!(r, (200, expected));
    assert!(api.server.emulator().secret_bytes("s", "k").is_none());
}
