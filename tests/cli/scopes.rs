//! list-scopes, create-scope, delete-scope against the emulator.

use crate::common::*;
use serde_json::json;

#[test]
fn list_scopes_empty_in_every_format() {
    let bed = Bed::new();
    let out = bed.run(&["list-scopes"]);
    out.success().stdout_is("");
    assert_eq!(out.stderr, "No secret scopes in this workspace.\n");
    bed.run(&["list-scopes", "-o", "json"])
        .success()
        .stdout_is("[]\n");
    bed.run(&["list-scopes", "-o", "csv"])
        .success()
        .stdout_is("name,backend_type,keyvault_dns_name\n");
    // -q silences the sentence too.
    let out = bed.run(&["list-scopes", "-q"]);
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
}

#[test]
fn create_then_list_in_every_format() {
    let bed = Bed::new();
    let out = bed.run(&["create-scope", "my-app-secrets"]);
    out.success().stdout_is("");
    assert_eq!(out.stderr, "Created scope 'my-app-secrets'.\n");
    let reqs = bed.requests_to("POST", "/api/2.0/secrets/scopes/create");
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].body,
        Some(json!({"scope": "my-app-secrets"})),
        "unset fields are left out"
    );
    assert_eq!(
        reqs[0].authorization.as_ref().unwrap(),
        format!("Bearer {TOKEN}").as_str()
    );
    assert_eq!(reqs[0].content_type.as_deref(), Some("application/json"));
    let ua = reqs[0].user_agent.clone().unwrap();
    assert!(
        ua.starts_with(&format!("dbsecrets/{} os/", env!("CARGO_PKG_VERSION")))
            && ua.ends_with(" auth/pat"),
        "{ua}"
    );

    bed.emu.emulator().seed_keyvault_scope(
        "kv-scope",
        "/subscriptions/s/rg/vaults/v",
        "https://v.vault.azure.net/",
    );
    bed.run(&["create-scope", "Another"]).success();

    let out = bed.run(&["list-scopes", "-o", "json"]);
    out.success();
    assert_eq!(
        out.json(),
        json!([
            {"name": "Another", "backend_type": "DATABRICKS", "keyvault_dns_name": null},
            {"name": "kv-scope", "backend_type": "AZURE_KEYVAULT", "keyvault_dns_name": "https://v.vault.azure.net/"},
            {"name": "my-app-secrets", "backend_type": "DATABRICKS", "keyvault_dns_name": null},
        ])
    );
    bed.run(&["list-scopes", "-o", "csv"]).success().stdout_is(
        "name,backend_type,keyvault_dns_name\nAnother,DATABRICKS,\nkv-scope,AZURE_KEYVAULT,https://v.vault.azure.net/\nmy-app-secrets,DATABRICKS,\n",
    );
    bed.run(&["list-scopes"]).success().stdout_is(
        "NAME             BACKEND_TYPE     KEYVAULT_DNS_NAME\n\
         Another          DATABRICKS\n\
         kv-scope         AZURE_KEYVAULT   https://v.vault.azure.net/\n\
         my-app-secrets   DATABRICKS\n",
    );
}

#[test]
fn create_scope_json_outcome_and_initial_manage_principal() {
    let bed = Bed::new();
    let out = bed.run(&[
        "create-scope",
        "shared",
        "--initial-manage-principal",
        "users",
        "-o",
        "json",
    ]);
    out.success();
    assert_eq!(
        out.json(),
        json!({"result": "created", "scope": "shared", "principal": "users", "backend_type": "DATABRICKS"})
    );
    assert_eq!(out.stderr, "", "json mode prints no sentence");
    let body = bed.requests_to("POST", "/api/2.0/secrets/scopes/create")[0]
        .body
        .clone();
    assert_eq!(
        body,
        Some(json!({"scope": "shared", "initial_manage_principal": "users"}))
    );
    bed.run(&["acls", "shared", "-o", "csv"])
        .success()
        .stdout_is("principal,permission\nusers,MANAGE\n");

    let out = bed.run(&["create-scope", "x", "--initial-manage-principal", "admins"]);
    out.fails(2).stderr_has("only accepts `users`");
}

#[test]
fn create_existing_scope_is_exit_5_and_if_not_exists_is_0() {
    let bed = Bed::new();
    bed.run(&["create-scope", "dup"]).success();
    let out = bed.run(&["create-scope", "DUP"]);
    out.fails(5).stderr_has("error: cannot create scope 'DUP': RESOURCE_ALREADY_EXISTS: Scope dup already exists! (HTTP 400)");
    out.stderr_has("hint: use --if-not-exists");

    let out = bed.run(&["create-scope", "dup", "--if-not-exists"]);
    out.success().stdout_is("");
    assert_eq!(out.stderr, "Scope 'dup' already exists; nothing to do.\n");
    let out = bed.run(&["create-scope", "dup", "--if-not-exists", "-o", "json"]);
    assert_eq!(out.json(), json!({"result": "exists", "scope": "dup"}));
    // On the other path the flag changes nothing.
    let out = bed.run(&["create-scope", "fresh", "--if-not-exists", "-o", "json"]);
    assert_eq!(out.json()["result"], "created");
}

#[test]
fn delete_scope_without_a_terminal_does_as_written_and_says_what_went() {
    let bed = Bed::new();
    // The seed's `delete-scope my-app-secrets -p DEV`, run by a script: no question.
    bed.scope_with("gone", &[("a", "1"), ("b", "2")]);
    let out = bed.run(&["delete-scope", "gone"]);
    out.success();
    assert_eq!(out.stderr, "Deleted scope 'gone' and its 2 secrets.\n");
    let sent: Vec<(String, String)> = bed
        .requests()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect();
    assert_eq!(
        sent,
        [
            ("GET".to_string(), "/api/2.0/secrets/list".to_string()),
            ("POST".into(), "/api/2.0/secrets/scopes/delete".into())
        ]
    );

    bed.scope_with("doomed", &[("k", "v")]);
    let out = bed.run(&["delete-scope", "doomed", "--yes"]);
    out.success();
    assert_eq!(
        out.stderr,
        "Deleted scope 'doomed' and every secret in it.\n"
    );
    assert_eq!(
        bed.requests_to("POST", "/api/2.0/secrets/scopes/delete")[0].body,
        Some(json!({"scope": "doomed"}))
    );
    bed.run(&["list-scopes", "-o", "json"])
        .success()
        .stdout_is("[]\n");
}

#[test]
fn delete_missing_scope_is_exit_3_and_if_exists_is_0() {
    let bed = Bed::new();
    let out = bed.run(&["delete-scope", "ghost", "--yes"]);
    out.fails(3)
        .stderr_has("RESOURCE_DOES_NOT_EXIST")
        .stderr_has("hint: check the name with `dbsecrets list-scopes`\n");
    assert!(!out.stderr.contains("create-scope"), "{}", out.stderr);
    let out = bed.run(&["delete-scope", "ghost", "--yes", "--if-exists"]);
    out.success();
    assert_eq!(out.stderr, "Scope 'ghost' does not exist; nothing to do.\n");
    let out = bed.run(&["delete-scope", "ghost", "-y", "--if-exists", "-o", "csv"]);
    out.success().stdout_is("result,scope\nabsent,ghost\n");
    bed.run(&["create-scope", "real"]).success();
    let out = bed.run(&["delete-scope", "real", "-y", "--if-exists", "-o", "json"]);
    assert_eq!(out.json(), json!({"result": "deleted", "scope": "real"}));
}

#[test]
fn keyvault_scope_creation_sends_the_backend_and_explains_the_refusal() {
    let bed = Bed::new();
    let out = bed.run(&[
        "create-scope",
        "kv",
        "--backend",
        "azure-keyvault",
        "--resource-id",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v",
        "--dns-name",
        "https://v.vault.azure.net/",
    ]);
    out.fails(1)
        .stderr_has("a Key Vault-backed scope can only be created with an Azure AD token, not a personal access token")
        .stderr_has("hint: sign in with Azure");
    let reqs = bed.requests_to("POST", "/api/2.0/secrets/scopes/create");
    assert_eq!(
        reqs[0].body,
        Some(json!({
            "scope": "kv",
            "scope_backend_type": "AZURE_KEYVAULT",
            "backend_azure_keyvault": {
                "resource_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v",
                "dns_name": "https://v.vault.azure.net/"
            }
        }))
    );
}

#[test]
fn keyvault_flags_are_checked_before_sending() {
    let bed = Bed::new();
    let both = "--backend azure-keyvault needs both --resource-id and --dns-name";
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "create-scope",
                "kv",
                "--backend",
                "azure-keyvault",
                "--dns-name",
                "https://v.vault.azure.net/",
            ],
            both,
        ),
        (
            &[
                "create-scope",
                "kv",
                "--backend",
                "azure-keyvault",
                "--resource-id",
                "/x",
            ],
            both,
        ),
        (
            &["create-scope", "kv", "--resource-id", "/x"],
            "--resource-id and --dns-name only apply to --backend azure-keyvault",
        ),
    ];
    for (args, want) in cases {
        bed.run(args).fails(2).stderr_has(want);
    }
    assert!(bed.requests().is_empty());
}

#[test]
fn keyvault_scopes_are_read_only() {
    let bed = Bed::new();
    bed.emu.emulator().seed_keyvault_scope(
        "kv",
        "/subscriptions/s/v",
        "https://v.vault.azure.net/",
    );
    let out = bed.run(&["put", "kv", "k", "--value", "v"]);
    out.fails(1)
        .stderr_has("scope 'kv' is backed by Azure Key Vault and is read-only through Databricks")
        .stderr_has("hint: change its secrets in the Key Vault itself");
    let out = bed.run(&["delete", "kv", "k"]);
    out.fails(1).stderr_has("read-only through Databricks");
}
