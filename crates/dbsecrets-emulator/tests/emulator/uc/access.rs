//! The access model (uc-secrets.md §5, the emulator's proposal) over HTTP,
//! with several principals: who may create, read, read the value, update,
//! delete and manage grants, and the 403 each refusal is.

use reqwest::Method;
use serde_json::{json, Value};

use super::Uc;
use crate::common::error;
use dbsecrets_emulator::{EmulatorOptions, GroupConfig};

const ADMIN: &str = "admin-token";
const ALICE: &str = "alice-token";
const BOB: &str = "bob-token";
const CAROL: &str = "carol-token";

/// Metastore admin `root` (by --admin), alice in group `eng`, bob and
/// carol in none; schema `main.app`, owned by root.
fn team() -> Uc {
    Uc::with(EmulatorOptions {
        tokens: vec![
            (ADMIN.into(), "root@example.com".into()),
            (ALICE.into(), "alice@example.com".into()),
            (BOB.into(), "bob@example.com".into()),
            (CAROL.into(), "carol@example.com".into()),
        ],
        admins: vec!["root@example.com".into()],
        groups: vec![GroupConfig {
            name: "eng".into(),
            members: vec!["alice@example.com".into()],
        }],
        uc_schemas: vec!["main.app".into()],
        ..EmulatorOptions::default()
    })
}

impl Uc {
    async fn as_(
        &self,
        token: &str,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Value>,
    ) -> (u16, Value) {
        self.call(token, method, path, query, body).await
    }

    async fn grant_as(
        &self,
        token: &str,
        kind: &str,
        name: &str,
        principal: &str,
        add: &[&str],
        remove: &[&str],
    ) -> (u16, Value) {
        let body = json!({"changes": [{"principal": principal, "add": add, "remove": remove}]});
        self.as_(
            token,
            Method::PATCH,
            &format!("permissions/{kind}/{name}"),
            &[],
            Some(body),
        )
        .await
    }

    async fn grant(&self, kind: &str, name: &str, principal: &str, add: &[&str]) {
        let r = self.grant_as(ADMIN, kind, name, principal, add, &[]).await;
        assert_eq!(r.0, 200, "{}", r.1);
    }
}

fn secret(name: &str, value: &str) -> Value {
    json!({"catalog_name": "main", "schema_name": "app", "name": name, "value": value})
}

fn denied(r: (u16, Value), message: &str) {
    assert_eq!(error(r, 403, "PERMISSION_DENIED"), message);
}

#[tokio::test]
async fn the_first_admin_owns_declared_schemas_and_admins_do_everything() {
    let uc = team();
    let (status, created) = uc
        .as_(ADMIN, Method::POST, "secrets", &[], Some(secret("k", "v")))
        .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["effective_owner"], "root@example.com");
    let (_, got) = uc
        .as_(
            ADMIN,
            Method::GET,
            "secrets/main.app.k",
            &[("include_value", "true")],
            None,
        )
        .await;
    assert_eq!(got["effective_value"], "v");
    // Without an admin, the first --token principal owns them.
    let uc = Uc::with(EmulatorOptions {
        tokens: vec![
            (BOB.into(), "bob@example.com".into()),
            (ALICE.into(), "alice@example.com".into()),
        ],
        uc_schemas: vec!["main.app".into()],
        ..EmulatorOptions::default()
    });
    let (status, created) = uc
        .as_(BOB, Method::POST, "secrets", &[], Some(secret("k", "v")))
        .await;
    assert_eq!(
        (status, &created["effective_owner"]),
        (200, &json!("bob@example.com"))
    );
    denied(
        uc.as_(ALICE, Method::POST, "secrets", &[], Some(secret("j", "v")))
            .await,
        "User does not have USE CATALOG on Catalog 'main'.",
    );
}

#[tokio::test]
async fn read_secret_reads_and_nothing_more() {
    let uc = team();
    uc.as_(ADMIN, Method::POST, "secrets", &[], Some(secret("k", "v")))
        .await;
    let path = "secrets/main.app.k";
    denied(
        uc.as_(BOB, Method::GET, path, &[], None).await,
        "User does not have USE CATALOG on Catalog 'main'.",
    );
    uc.grant("catalog", "main", "bob@example.com", &["USE_CATALOG"])
        .await;
    denied(
        uc.as_(BOB, Method::GET, path, &[], None).await,
        "User does not have USE SCHEMA on Schema 'main.app'.",
    );
    uc.grant("schema", "main.app", "bob@example.com", &["USE_SCHEMA"])
        .await;
    denied(
        uc.as_(BOB, Method::GET, path, &[], None).await,
        "User does not have MANAGE, READ SECRET, WRITE SECRET or BROWSE on Secret 'main.app.k'.",
    );
    // The use of the parents lists the schema, but shows nothing in it.
    let list = uc
        .as_(
            BOB,
            Method::GET,
            "secrets",
            &[("catalog_name", "main"), ("schema_name", "app")],
            None,
        )
        .await;
    assert_eq!(list, (200, json!({})));
    uc.grant("secret", "main.app.k", "bob@example.com", &["READ_SECRET"])
        .await;
    let (status, got) = uc
        .as_(BOB, Method::GET, path, &[("include_value", "true")], None)
        .await;
    assert_eq!((status, &got["effective_value"]), (200, &json!("v")));
    let (_, list) = uc.as_(BOB, Method::GET, "secrets", &[], None).await;
    assert_eq!(list["secrets"][0]["full_name"], "main.app.k");
    denied(
        uc.as_(
            BOB,
            Method::PATCH,
            path,
            &[("update_mask", "value")],
            Some(json!({"value": "x"})),
        )
        .await,
        "User does not have WRITE SECRET on Secret 'main.app.k'.",
    );
    denied(
        uc.as_(BOB, Method::DELETE, path, &[], None).await,
        "User is not an owner of Secret 'main.app.k' and does not have MANAGE on it.",
    );
    denied(
        uc.as_(BOB, Method::POST, "secrets", &[], Some(secret("new", "v")))
            .await,
        "User does not have CREATE SECRET on Schema 'main.app'.",
    );
    // An existing name is a conflict even so (so that `put` can fall back to an update).
    error(
        uc.as_(BOB, Method::POST, "secrets", &[], Some(secret("k", "v")))
            .await,
        409,
        "RESOURCE_ALREADY_EXISTS",
    );
    let m = "User is not an owner of Secret 'main.app.k' or of what contains it, and does not have MANAGE on it.";
    denied(
        uc.as_(BOB, Method::GET, "permissions/secret/main.app.k", &[], None)
            .await,
        m,
    );
    denied(
        uc.grant_as(
            BOB,
            "secret",
            "main.app.k",
            "bob@example.com",
            &["MANAGE"],
            &[],
        )
        .await,
        m,
    );
}

#[tokio::test]
async fn manage_without_read_secret_sees_metadata_but_never_the_value() {
    let uc = team();
    uc.as_(ADMIN, Method::POST, "secrets", &[], Some(secret("k", "v")))
        .await;
    uc.grant("catalog", "main", "eng", &["USE_CATALOG", "USE_SCHEMA"])
        .await;
    uc.grant("secret", "main.app.k", "eng", &["MANAGE"]).await;
    let path = "secrets/main.app.k";
    let (status, got) = uc.as_(ALICE, Method::GET, path, &[], None).await;
    assert_eq!((status, got.get("effective_value")), (200, None));
    denied(
        uc.as_(ALICE, Method::GET, path, &[("include_value", "true")], None)
            .await,
        "User does not have READ SECRET on Secret 'main.app.k'.",
    );
    let b = json!({"comment": "rotated", "owner": "eng"});
    assert_eq!(
        uc.as_(
            ALICE,
            Method::PATCH,
            path,
            &[("update_mask", "comment,owner")],
            Some(b)
        )
        .await
        .0,
        200
    );
    // MANAGE lets alice grant herself READ SECRET; then she reads.
    assert_eq!(
        uc.grant_as(
            ALICE,
            "secret",
            "main.app.k",
            "alice@example.com",
            &["READ_SECRET"],
            &[]
        )
        .await
        .0,
        200
    );
    let (_, got) = uc
        .as_(ALICE, Method::GET, path, &[("include_value", "true")], None)
        .await;
    assert_eq!(got["effective_value"], "v");
    assert_eq!(uc.as_(ALICE, Method::DELETE, path, &[], None).await.0, 200);
}

#[tokio::test]
async fn write_secret_rotates_only_the_value() {
    let uc = team();
    uc.as_(ADMIN, Method::POST, "secrets", &[], Some(secret("k", "v")))
        .await;
    uc.grant("catalog", "main", "carol@example.com", &["USE_CATALOG"])
        .await;
    uc.grant(
        "schema",
        "main.app",
        "carol@example.com",
        &["USE_SCHEMA", "WRITE_SECRET"],
    )
    .await;
    let path = "secrets/main.app.k";
    let (status, updated) = uc
        .as_(
            CAROL,
            Method::PATCH,
            path,
            &[("update_mask", "value")],
            Some(json!({"value": "v2"})),
        )
        .await;
    assert_eq!(
        (status, &updated["updated_by"]),
        (200, &json!("carol@example.com"))
    );
    denied(
        uc.as_(CAROL, Method::PATCH, path, &[("update_mask", "value,comment")], Some(json!({"value": "v3", "comment": "c"}))).await,
        "User is not an owner of Secret 'main.app.k' and does not have MANAGE on it (WRITE SECRET only allows setting a new value).",
    );
    denied(
        uc.as_(CAROL, Method::GET, path, &[("include_value", "true")], None)
            .await,
        "User does not have READ SECRET on Secret 'main.app.k'.",
    );
    assert_eq!(
        uc.api
            .server
            .emulator()
            .uc_secret_value("main.app.k")
            .as_deref(),
        Some("v2")
    );
}

#[tokio::test]
async fn creators_own_what_they_create_and_schema_grants_reach_later_secrets() {
    let uc = team();
    uc.grant("catalog", "main", "eng", &["USE_CATALOG"]).await;
    uc.grant(
        "schema",
        "main.app",
        "eng",
        &["USE_SCHEMA", "CREATE_SECRET"],
    )
    .await;
    let (status, created) = uc
        .as_(
            ALICE,
            Method::POST,
            "secrets",
            &[],
            Some(secret("mine", "v")),
        )
        .await;
    assert_eq!(
        (status, &created["effective_owner"]),
        (200, &json!("alice@example.com"))
    );
    // The owner reads the value and manages grants, without any grant on it.
    let (_, got) = uc
        .as_(
            ALICE,
            Method::GET,
            "secrets/main.app.mine",
            &[("include_value", "true")],
            None,
        )
        .await;
    assert_eq!(got["effective_value"], "v");
    assert_eq!(
        uc.grant_as(
            ALICE,
            "secret",
            "main.app.mine",
            "bob@example.com",
            &["READ_SECRET"],
            &[]
        )
        .await
        .0,
        200
    );
    // A schema grant reaches a secret created after it, and a revoke takes it away.
    uc.grant("catalog", "main", "bob@example.com", &["USE_CATALOG"])
        .await;
    uc.grant(
        "schema",
        "main.app",
        "bob@example.com",
        &["USE_SCHEMA", "READ_SECRET"],
    )
    .await;
    uc.as_(
        ADMIN,
        Method::POST,
        "secrets",
        &[],
        Some(secret("later", "L")),
    )
    .await;
    let (status, got) = uc
        .as_(
            BOB,
            Method::GET,
            "secrets/main.app.later",
            &[("include_value", "true")],
            None,
        )
        .await;
    assert_eq!((status, &got["effective_value"]), (200, &json!("L")));
    assert_eq!(
        uc.grant_as(
            ADMIN,
            "schema",
            "main.app",
            "bob@example.com",
            &[],
            &["READ_SECRET"]
        )
        .await
        .0,
        200
    );
    denied(
        uc.as_(BOB, Method::GET, "secrets/main.app.later", &[("include_value", "true")], None).await,
        "User does not have MANAGE, READ SECRET, WRITE SECRET or BROWSE on Secret 'main.app.later'.",
    );
    // The listing shows each caller what it may see.
    let (_, list) = uc.as_(BOB, Method::GET, "secrets", &[], None).await;
    let names: Vec<&str> = list["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["mine"],
        "bob's own grant on alice's secret still stands"
    );
}

#[tokio::test]
async fn browse_on_the_catalog_shows_metadata() {
    let uc = team();
    uc.as_(ADMIN, Method::POST, "secrets", &[], Some(secret("k", "v")))
        .await;
    uc.grant(
        "catalog",
        "main",
        "carol@example.com",
        &["USE_CATALOG", "USE_SCHEMA", "BROWSE"],
    )
    .await;
    let (status, got) = uc
        .as_(CAROL, Method::GET, "secrets/main.app.k", &[], None)
        .await;
    assert_eq!(
        (status, &got["effective_owner"]),
        (200, &json!("root@example.com"))
    );
    error(
        uc.as_(
            CAROL,
            Method::GET,
            "secrets/main.app.k",
            &[("include_value", "true")],
            None,
        )
        .await,
        403,
        "PERMISSION_DENIED",
    );
}
