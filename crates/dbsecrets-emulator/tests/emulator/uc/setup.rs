//! What the metastore starts with: catalogs and schemas from the config
//! file and `--uc-schema`, the `--state` file, and the metastore's quota.

use std::path::PathBuf;

use reqwest::Method;
use serde_json::{json, Value};

use super::{Uc, OPEN};
use crate::common::error;
use dbsecrets_emulator::{BackgroundEmulator, EmulatorOptions};

fn dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("uc-setup-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn secret(catalog: &str, schema: &str, name: &str) -> Value {
    json!({"catalog_name": catalog, "schema_name": schema, "name": name, "value": "v"})
}

#[tokio::test]
async fn catalogs_and_schemas_come_from_the_config_file() {
    let path = dir("config").join("emulator.toml");
    std::fs::write(
        &path,
        r#"
[[principals]]
name = "alice@example.com"
tokens = ["alice-token"]

[[principals]]
name = "root@example.com"
tokens = ["root-token"]
admin = true

[[catalogs]]
name = "Main"
owner = "alice@example.com"

[[schemas]]
catalog = "main"
name = "orders_app"

[[schemas]]
catalog = "finance"
name = "ledger"
owner = "alice@example.com"
"#,
    )
    .unwrap();
    let mut opts = EmulatorOptions::default();
    opts.add_config_file(&path).unwrap();
    let uc = Uc::with(opts);
    // alice owns catalog main (so may use it) but not schema main.orders_app (root does).
    let r = uc
        .call(
            "alice-token",
            Method::POST,
            "secrets",
            &[],
            Some(secret("main", "orders_app", "k")),
        )
        .await;
    assert_eq!(
        error(r, 403, "PERMISSION_DENIED"),
        "User does not have CREATE SECRET on Schema 'main.orders_app'."
    );
    // She owns schema finance.ledger, but its catalog is root's: no USE CATALOG yet.
    let r = uc
        .call(
            "alice-token",
            Method::POST,
            "secrets",
            &[],
            Some(secret("finance", "ledger", "k")),
        )
        .await;
    assert_eq!(
        error(r, 403, "PERMISSION_DENIED"),
        "User does not have USE CATALOG on Catalog 'finance'."
    );
    let grant = json!({"changes": [{"principal": "alice@example.com", "add": ["USE_CATALOG"]}]});
    let r = uc
        .call(
            "root-token",
            Method::PATCH,
            "permissions/catalog/finance",
            &[],
            Some(grant),
        )
        .await;
    assert_eq!(r.0, 200, "{}", r.1);
    let r = uc
        .call(
            "alice-token",
            Method::POST,
            "secrets",
            &[],
            Some(secret("finance", "ledger", "k")),
        )
        .await;
    assert_eq!(r.0, 200, "{}", r.1);
    // alice may read the grants of her catalog.
    let r = uc
        .call(
            "alice-token",
            Method::GET,
            "permissions/catalog/main",
            &[],
            None,
        )
        .await;
    assert_eq!(r, (200, json!({})));
}

#[test]
fn bad_declarations_stop_the_start() {
    for (opts, message) in [
        (
            EmulatorOptions {
                uc_schemas: vec!["main".into()],
                ..EmulatorOptions::default()
            },
            "invalid --uc-schema \"main\": expected CATALOG.SCHEMA",
        ),
        (
            EmulatorOptions {
                uc_schemas: vec!["main.a b".into()],
                ..EmulatorOptions::default()
            },
            "Invalid schema name 'a b'",
        ),
    ] {
        let e = BackgroundEmulator::start(opts).err().expect("refused");
        assert!(e.to_string().contains(message), "{e}");
    }
}

#[tokio::test]
async fn the_metastore_survives_a_restart() {
    let path = dir("restart").join("state.json");
    let opts = || EmulatorOptions {
        state_file: Some(path.clone()),
        uc_schemas: vec!["main.app".into()],
        ..EmulatorOptions::default()
    };
    let (secret_before, grants_before) = {
        let uc = Uc::with(opts());
        let mut b = secret("main", "app", "k");
        b["comment"] = json!("c");
        b["expire_time"] = json!("2027-01-01T00:00:00Z");
        assert_eq!(uc.post("secrets", b).await.0, 200);
        let grant = json!({"changes": [{"principal": "sp", "add": ["READ_SECRET", "USE_SCHEMA"]}]});
        assert_eq!(
            uc.patch("permissions/schema/main.app", &[], grant).await.0,
            200
        );
        (
            uc.get("secrets/main.app.k", &[("include_value", "true")])
                .await,
            uc.get("effective-permissions/schema/main.app", &[]).await,
        )
    };
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"unity_catalog\""), "{text}");
    let uc = Uc::with(opts());
    assert_eq!(
        uc.get("secrets/main.app.k", &[("include_value", "true")])
            .await,
        secret_before
    );
    assert_eq!(
        uc.get("effective-permissions/schema/main.app", &[]).await,
        grants_before
    );
    // A damaged metastore is refused, not half-loaded.
    std::fs::write(&path, text.replace("\"READ_SECRET\"", "\"READ SECRET\"")).unwrap();
    let e = BackgroundEmulator::start(opts()).err().expect("refused");
    assert!(e.to_string().contains("corrupt"), "{e}");
    // A state file written before Unity Catalog still loads.
    std::fs::write(&path, r#"{"version": 1, "scopes": []}"#).unwrap();
    let uc = Uc::with(opts());
    assert_eq!(uc.get("secrets", &[]).await, (200, json!({})));
}

#[tokio::test]
async fn the_metastore_holds_at_most_10000_secrets() {
    // 10 schemas of 1,000 secrets, written as a state file (10,000 requests would be slow).
    let path = dir("quota").join("state.json");
    let schemas: Vec<Value> = (0..10)
        .map(|s| {
            let secrets: Vec<Value> = (0..1000)
                .map(|i| {
                    json!({"name": format!("k{i}"), "value": "v", "owner": "o",
                    "create_time": "2026-01-01T00:00:00.000Z", "created_by": "o",
                    "update_time": "2026-01-01T00:00:00.000Z", "updated_by": "o"})
                })
                .collect();
            json!({"name": format!("s{s}"), "owner": "o", "secrets": secrets})
        })
        .collect();
    let state = json!({"version": 1, "scopes": [], "unity_catalog": {
        "metastore_id": "m", "catalogs": [{"name": "main", "owner": "o", "schemas": schemas}]}});
    std::fs::write(&path, state.to_string()).unwrap();
    let uc = Uc::with(EmulatorOptions {
        state_file: Some(path.clone()),
        uc_schemas: vec!["main.app".into()],
        ..EmulatorOptions::default()
    });
    let r = uc.post("secrets", secret("main", "app", "one-more")).await;
    let m = error(r, 400, "RESOURCE_LIMIT_EXCEEDED");
    assert_eq!(
        m,
        "The metastore already holds the maximum of 10000 secrets."
    );
    assert_eq!(uc.delete("secrets/main.s0.k0").await.0, 200);
    let (status, created) = uc.post("secrets", secret("main", "app", "one-more")).await;
    assert_eq!((status, &created["metastore_id"]), (200, &json!("m")));
    let _ = OPEN;
}
