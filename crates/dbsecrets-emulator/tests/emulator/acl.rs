//! Principals and ACL enforcement over HTTP: tokens, groups, admins, the
//! config file, and every endpoint on both sides of each rule.

use crate::common::{error, send, Api};
use dbsecrets_emulator::{EmulatorConfig, EmulatorOptions, GroupConfig, PrincipalConfig};
use serde_json::{json, Value};

const ADMIN: &str = "admin-token";
const ALICE: &str = "alice-token";
const BOB: &str = "bob-token";

/// admin@example.com (the default principal, so an admin), alice in group
/// `eng`, bob in no group.
fn team() -> Api {
    Api::with(EmulatorOptions {
        tokens: vec![
            (ADMIN.into(), "admin@example.com".into()),
            (ALICE.into(), "alice@example.com".into()),
            (BOB.into(), "bob@example.com".into()),
        ],
        groups: vec![GroupConfig {
            name: "eng".into(),
            members: vec!["alice@example.com".into()],
        }],
        ..EmulatorOptions::default()
    })
}

fn denied(r: (u16, Value), who: &str, level: &str, scope: &str) {
    let msg = error(r, 403, "PERMISSION_DENIED");
    assert_eq!(
        msg,
        format!(
            "User {who} does not have {level} permission on scope {scope} to perform this action."
        )
    );
}

#[tokio::test]
async fn the_seed_role_model_end_to_end() {
    let api = team();
    let ok = (200, json!({}));
    assert_eq!(
        api.post_as(ADMIN, "scopes/create", json!({"scope": "secrets"}))
            .await,
        ok
    );
    let put = json!({"scope": "secrets", "key": "db-password", "string_value": "hunter2"});
    assert_eq!(api.post_as(ADMIN, "put", put.clone()).await, ok);
    let grant = json!({"scope": "secrets", "principal": "users", "permission": "READ"});
    assert_eq!(api.post_as(ADMIN, "acls/put", grant).await, ok);

    let (status, body) = api.get_as(BOB, "list", &[("scope", "secrets")]).await;
    assert_eq!(status, 200);
    assert_eq!(body["secrets"][0]["key"], "db-password");
    let (status, body) = api
        .get_as(BOB, "get", &[("scope", "secrets"), ("key", "db-password")])
        .await;
    assert_eq!(
        (status, body["value"].as_str()),
        (200, Some("aHVudGVyMg=="))
    );
    denied(
        api.post_as(BOB, "put", put).await,
        "bob@example.com",
        "WRITE",
        "secrets",
    );
    // Nothing changed.
    assert_eq!(
        api.server
            .emulator()
            .secret_bytes("secrets", "db-password")
            .unwrap(),
        b"hunter2"
    );
}

/// Every endpoint, for a principal holding each level directly.
#[tokio::test]
async fn every_endpoint_on_both_sides_of_each_level() {
    let api = team();
    for (level, allowed) in [
        (None, 0),
        (Some("READ"), 2),
        (Some("WRITE"), 4),
        (Some("MANAGE"), 9),
    ] {
        let scope = format!("s-{}", level.unwrap_or("none").to_lowercase());
        let s = scope.as_str();
        assert_eq!(
            api.post_as(ADMIN, "scopes/create", json!({"scope": s}))
                .await
                .0,
            200
        );
        let put = json!({"scope": s, "key": "k", "string_value": "v"});
        assert_eq!(api.post_as(ADMIN, "put", put).await.0, 200);
        if let Some(level) = level {
            let grant = json!({"scope": s, "principal": "bob@example.com", "permission": level});
            assert_eq!(api.post_as(ADMIN, "acls/put", grant).await.0, 200);
        }
        // In order: READ, READ, WRITE, WRITE, then MANAGE x5.
        let calls: Vec<(&str, (u16, Value))> = vec![
            ("READ", api.get_as(BOB, "list", &[("scope", s)]).await),
            (
                "READ",
                api.get_as(BOB, "get", &[("scope", s), ("key", "k")]).await,
            ),
            (
                "WRITE",
                api.post_as(
                    BOB,
                    "put",
                    json!({"scope": s, "key": "k2", "string_value": "x"}),
                )
                .await,
            ),
            (
                "WRITE",
                api.post_as(BOB, "delete", json!({"scope": s, "key": "k2"}))
                    .await,
            ),
            (
                "MANAGE",
                api.get_as(BOB, "acls/list", &[("scope", s)]).await,
            ),
            (
                "MANAGE",
                api.get_as(
                    BOB,
                    "acls/get",
                    &[("scope", s), ("principal", "admin@example.com")],
                )
                .await,
            ),
            (
                "MANAGE",
                api.post_as(
                    BOB,
                    "acls/put",
                    json!({"scope": s, "principal": "x", "permission": "READ"}),
                )
                .await,
            ),
            (
                "MANAGE",
                api.post_as(BOB, "acls/delete", json!({"scope": s, "principal": "x"}))
                    .await,
            ),
            (
                "MANAGE",
                api.post_as(BOB, "scopes/delete", json!({"scope": s})).await,
            ),
        ];
        for (i, (needed, r)) in calls.into_iter().enumerate() {
            if i < allowed {
                assert_eq!(r.0, 200, "{level:?} call {i}: {}", r.1);
            } else {
                denied(r, "bob@example.com", needed, s);
            }
        }
    }
    // Anyone may create scopes and list them all, whatever their ACLs.
    assert_eq!(
        api.post_as(BOB, "scopes/create", json!({"scope": "bobs"}))
            .await
            .0,
        200
    );
    let (_, scopes) = api.get_as(BOB, "scopes/list", &[]).await;
    let names: Vec<&str> = scopes["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bobs", "s-none", "s-read", "s-write"]);
    // The creator holds MANAGE; alice does not.
    let (_, acls) = api.get_as(BOB, "acls/list", &[("scope", "bobs")]).await;
    assert_eq!(
        acls,
        json!({"items": [{"principal": "bob@example.com", "permission": "MANAGE"}]})
    );
    denied(
        api.get_as(ALICE, "list", &[("scope", "bobs")]).await,
        "alice@example.com",
        "READ",
        "bobs",
    );
}

#[tokio::test]
async fn groups_users_and_admins() {
    let api = team();
    let r = api
        .post_as(BOB, "scopes/create", json!({"scope": "team"}))
        .await;
    assert_eq!(r, (200, json!({})));
    let grant = json!({"scope": "team", "principal": "eng", "permission": "WRITE"});
    assert_eq!(api.post_as(BOB, "acls/put", grant).await.0, 200);
    // alice writes through her group...
    let put = json!({"scope": "team", "key": "k", "string_value": "v"});
    assert_eq!(api.post_as(ALICE, "put", put).await.0, 200);
    // ...but may not manage.
    denied(
        api.get_as(ALICE, "acls/list", &[("scope", "team")]).await,
        "alice@example.com",
        "MANAGE",
        "team",
    );
    // The admin needs no ACL on bob's scope.
    assert_eq!(
        api.get_as(ADMIN, "get", &[("scope", "team"), ("key", "k")])
            .await
            .0,
        200
    );
    assert_eq!(
        api.post_as(ADMIN, "scopes/delete", json!({"scope": "team"}))
            .await
            .0,
        200
    );

    // initial_manage_principal=users: everyone manages.
    let body = json!({"scope": "shared", "initial_manage_principal": "users"});
    assert_eq!(api.post_as(ALICE, "scopes/create", body).await.0, 200);
    let grant = json!({"scope": "shared", "principal": "eng", "permission": "READ"});
    assert_eq!(api.post_as(BOB, "acls/put", grant).await.0, 200);
    assert_eq!(
        api.post_as(BOB, "scopes/delete", json!({"scope": "shared"}))
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn unknown_tokens_and_basic_credentials() {
    let api = Api::with(EmulatorOptions {
        tokens: vec![(ADMIN.into(), "admin@example.com".into())],
        principals: vec![PrincipalConfig {
            name: "carol@example.com".into(),
            password: Some("pw".into()),
            ..PrincipalConfig::default()
        }],
        ..EmulatorOptions::default()
    });
    for token in ["dapi-unknown", "admin-token2", "ADMIN-TOKEN"] {
        let msg = error(
            api.get_as(token, "scopes/list", &[]).await,
            401,
            "UNAUTHENTICATED",
        );
        assert_eq!(msg, "Invalid access token.");
    }
    assert_eq!(
        api.get_as(ADMIN, "scopes/list", &[]).await,
        (200, json!({}))
    );
    let url = api.url("scopes/create");
    let create = |user: &str, password: &str| {
        api.http
            .post(&url)
            .basic_auth(user, Some(password))
            .json(&json!({"scope": "carols"}))
    };
    let msg = error(
        send(create("carol@example.com", "wrong")).await,
        401,
        "UNAUTHENTICATED",
    );
    assert_eq!(msg, "Invalid username or password.");
    assert_eq!(
        send(create("carol@example.com", "pw")).await,
        (200, json!({}))
    );
    let (_, acls) = api.get_as(ADMIN, "acls/list", &[("scope", "carols")]).await;
    assert_eq!(acls["items"][0]["principal"], "carol@example.com");
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("acl-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn config_files_in_toml_and_json() {
    let toml_path = temp_file(
        "team.toml",
        r#"
        [[principals]]
        name = "root@example.com"
        tokens = ["root-token"]
        admin = true

        [[principals]]
        name = "alice@example.com"
        tokens = ["alice-token"]
        groups = ["data-engineers"]

        [[principals]]
        name = "6f0c3a52-0c0e-4b8e-9f43-2a1d1b7e4a10"
        kind = "service_principal"
        tokens = ["sp-token"]

        [[groups]]
        name = "platform"
        members = ["data-engineers"]

        [[groups]]
        name = "admins"
        members = ["6f0c3a52-0c0e-4b8e-9f43-2a1d1b7e4a10"]
        "#,
    );
    let mut opts = EmulatorOptions::default();
    opts.add_config_file(&toml_path).unwrap();
    let api = Api::with(opts);
    let r = api
        .post_as("root-token", "scopes/create", json!({"scope": "p"}))
        .await;
    assert_eq!(r, (200, json!({})));
    let grant = json!({"scope": "p", "principal": "platform", "permission": "READ"});
    assert_eq!(api.post_as("root-token", "acls/put", grant).await.0, 200);
    // alice reads through data-engineers ⊂ platform (nested groups).
    assert_eq!(api.get_as(ALICE, "list", &[("scope", "p")]).await.0, 200);
    denied(
        api.post_as(
            ALICE,
            "put",
            json!({"scope": "p", "key": "k", "string_value": "v"}),
        )
        .await,
        "alice@example.com",
        "WRITE",
        "p",
    );
    // The service principal is an admin through the admins group.
    assert_eq!(
        api.post_as("sp-token", "scopes/delete", json!({"scope": "p"}))
            .await
            .0,
        200
    );
    error(
        api.get_as("any", "scopes/list", &[]).await,
        401,
        "UNAUTHENTICATED",
    );

    let json_path = temp_file(
        "team.json",
        r#"{"principals": [{"name": "u@example.com", "tokens": ["u-token"]}],
            "oauth_clients": [{"client_id": "c", "client_secret": "s", "principal": "u@example.com"}]}"#,
    );
    let config = EmulatorConfig::load(&json_path).unwrap();
    assert_eq!(config.principals[0].tokens, ["u-token"]);
    assert_eq!(config.oauth_clients[0].client_id, "c");

    for (name, text) in [
        ("typo.toml", "[[principals]]\nname = \"a\"\nadmn = true\n"),
        ("broken.json", "{\"principals\": ["),
        ("team.yaml", "principals: []"),
    ] {
        let e = EmulatorConfig::load(&temp_file(name, text)).unwrap_err();
        assert!(format!("{e:#}").contains(name), "{e:#}");
    }
    let missing = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-such.toml");
    assert!(EmulatorConfig::load(&missing).is_err());
}

#[tokio::test]
async fn conflicting_setups_fail_to_start() {
    let opts = EmulatorOptions {
        tokens: vec![("t".into(), "a".into()), ("t".into(), "b".into())],
        ..EmulatorOptions::default()
    };
    let e = dbsecrets_emulator::BackgroundEmulator::start(opts)
        .err()
        .unwrap();
    assert!(e.to_string().contains("two principals"), "{e}");
}
