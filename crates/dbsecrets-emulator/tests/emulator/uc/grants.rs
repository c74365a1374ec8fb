//! The permissions endpoints on catalogs, schemas and secrets: direct and
//! effective grants, the paged variants, changes, and their errors.

use serde_json::{json, Value};

use super::{open, Uc};
use crate::common::error;
use dbsecrets_emulator::EmulatorOptions;

fn change(principal: &str, add: &[&str], remove: &[&str]) -> Value {
    let mut c = json!({"principal": principal});
    if !add.is_empty() {
        c["add"] = json!(add);
    }
    if !remove.is_empty() {
        c["remove"] = json!(remove);
    }
    c
}

async fn grant(uc: &Uc, kind: &str, name: &str, principal: &str, add: &[&str]) -> Value {
    let body = json!({"changes": [change(principal, add, &[])]});
    let (status, answer) = uc
        .patch(&format!("permissions/{kind}/{name}"), &[], body)
        .await;
    assert_eq!(status, 200, "{answer}");
    answer
}

#[tokio::test]
async fn changes_add_and_remove_and_answer_the_direct_grants() {
    let uc = open();
    uc.create("k", "v").await;
    let body = json!({"changes": [
        change("reporting-sp", &["READ_SECRET"], &[]),
        change("bob@example.com", &[], &["WRITE_SECRET"]),
    ]});
    let r = uc.patch("permissions/secret/main.app.k", &[], body).await;
    assert_eq!(
        r,
        (
            200,
            json!({"privilege_assignments": [{"principal": "reporting-sp", "privileges": ["READ_SECRET"]}]})
        )
    );
    let r = grant(
        &uc,
        "SECRET",
        "main.app.K",
        "reporting-sp",
        &["MANAGE", "READ_SECRET"],
    )
    .await;
    assert_eq!(
        r,
        json!({"privilege_assignments": [{"principal": "reporting-sp", "privileges": ["MANAGE", "READ_SECRET"]}]})
    );
    let body = json!({"changes": [change("reporting-sp", &[], &["MANAGE", "READ_SECRET"])]});
    assert_eq!(
        uc.patch("permissions/secret/main.app.k", &[], body).await,
        (200, json!({}))
    );
    // omit_permissions_in_response, and no changes at all.
    let body = json!({"changes": [change("a", &["USE_SCHEMA", "CREATE_SECRET"], &[])], "omit_permissions_in_response": true});
    assert_eq!(
        uc.patch("permissions/schema/main.app", &[], body).await,
        (200, json!({}))
    );
    let r = uc
        .patch("permissions/schema/main.app", &[], json!({}))
        .await;
    assert_eq!(
        r,
        (
            200,
            json!({"privilege_assignments": [{"principal": "a", "privileges": ["CREATE_SECRET", "USE_SCHEMA"]}]})
        )
    );
    let r = uc.get("permissions/schema/MAIN.APP", &[]).await;
    assert_eq!(r.1["privilege_assignments"][0]["principal"], "a");
}

#[tokio::test]
async fn bad_changes_are_400_and_change_nothing() {
    let uc = open();
    uc.create("k", "v").await;
    for (path, c, message) in [
        (
            "permissions/schema/main.app",
            change("sp", &["BROWSE"], &[]),
            "Privilege BROWSE is not applicable to this entity [main.app:SCHEMA].",
        ),
        (
            "permissions/secret/main.app.k",
            change("sp", &["USE_CATALOG"], &[]),
            "Privilege USE_CATALOG is not applicable to this entity [main.app.k:SECRET].",
        ),
        (
            "permissions/catalog/main",
            change("sp", &["read secret"], &[]),
            "Invalid privilege 'read secret'",
        ),
        (
            "permissions/catalog/main",
            change("sp", &[], &["SELECT"]),
            "Invalid privilege 'SELECT'",
        ),
        (
            "permissions/catalog/main",
            change("", &["BROWSE"], &[]),
            "The principal must not be empty.",
        ),
        (
            "permissions/catalog/main",
            json!({"add": ["BROWSE"]}),
            "Missing required field: principal",
        ),
        (
            "permissions/table/main.app.t",
            change("sp", &["BROWSE"], &[]),
            "Unsupported securable type 'table'",
        ),
        (
            "permissions/schema/main",
            change("sp", &["BROWSE"], &[]),
            "Invalid schema full name 'main'",
        ),
        (
            "permissions/catalog/a%20b",
            change("sp", &["BROWSE"], &[]),
            "Invalid catalog name 'a b'",
        ),
    ] {
        let body = json!({"changes": [change("ok", &["MANAGE"], &[]), c]});
        let m = error(
            uc.patch(path, &[], body).await,
            400,
            "INVALID_PARAMETER_VALUE",
        );
        assert!(m.starts_with(message), "{m} / {message}");
    }
    assert_eq!(
        uc.get("permissions/catalog/main", &[]).await,
        (200, json!({}))
    );
    for bad in [
        json!({"changes": {}}),
        json!({"changes": [{"principal": "a", "add": "BROWSE"}]}),
        json!({"omit_permissions_in_response": "yes"}),
    ] {
        error(
            uc.patch("permissions/catalog/main", &[], bad).await,
            400,
            "MALFORMED_REQUEST",
        );
    }
    for (path, message) in [
        (
            "permissions/secret/main.app.nope",
            "Secret 'main.app.nope' does not exist.",
        ),
        (
            "permissions/schema/main.nope",
            "Schema 'main.nope' does not exist.",
        ),
        (
            "effective-permissions/catalog/nope",
            "Catalog 'nope' does not exist.",
        ),
    ] {
        let m = error(uc.get(path, &[]).await, 404, "RESOURCE_DOES_NOT_EXIST");
        assert_eq!(m, message);
        let body = json!({"changes": [change("sp", &["MANAGE"], &[])]});
        error(
            uc.patch(path.replace("effective-", "").as_str(), &[], body)
                .await,
            404,
            "RESOURCE_DOES_NOT_EXIST",
        );
    }
}

#[tokio::test]
async fn effective_grants_are_inherited_with_their_source() {
    let uc = open();
    uc.create("k", "v").await;
    grant(&uc, "catalog", "main", "orders-sp", &["USE_CATALOG"]).await;
    grant(
        &uc,
        "schema",
        "main.app",
        "orders-sp",
        &["USE_SCHEMA", "READ_SECRET"],
    )
    .await;
    grant(&uc, "secret", "main.app.k", "orders-sp", &["READ_SECRET"]).await;
    grant(&uc, "secret", "main.app.k", "account users", &["MANAGE"]).await;
    let expected = json!([
        {"principal": "account users", "privileges": [{"privilege": "MANAGE"}]},
        {"principal": "orders-sp", "privileges": [
            {"privilege": "READ_SECRET"},
            {"privilege": "READ_SECRET", "inherited_from_type": "SCHEMA", "inherited_from_name": "main.app"},
            {"privilege": "USE_CATALOG", "inherited_from_type": "CATALOG", "inherited_from_name": "main"},
            {"privilege": "USE_SCHEMA", "inherited_from_type": "SCHEMA", "inherited_from_name": "main.app"},
        ]},
    ]);
    let (_, got) = uc.get("effective-permissions/secret/main.app.k", &[]).await;
    assert_eq!(got, json!({"privilege_assignments": expected}));
    let (_, got) = uc
        .get("effective-privilege-assignments/secret/main.app.k", &[])
        .await;
    assert_eq!(got, json!({"effective_privilege_assignments": expected}));
    let (_, got) = uc
        .get(
            "effective-permissions/secret/main.app.k",
            &[("principal", "account users")],
        )
        .await;
    assert_eq!(got, json!({"privilege_assignments": [expected[0]]}));
    // Direct grants only, by principal.
    let (_, got) = uc.get("permissions/secret/main.app.k", &[]).await;
    assert_eq!(
        got,
        json!({"privilege_assignments": [
            {"principal": "account users", "privileges": ["MANAGE"]},
            {"principal": "orders-sp", "privileges": ["READ_SECRET"]},
        ]})
    );
    let (_, got) = uc
        .get(
            "privilege-assignments/secret/main.app.k",
            &[("principal", "orders-sp")],
        )
        .await;
    assert_eq!(
        got,
        json!({"privilege_assignments": [{"principal": "orders-sp", "privileges": ["READ_SECRET"]}]})
    );
    // On the schema: the catalog's are inherited; the secret's are not in force.
    let (_, got) = uc.get("effective-permissions/schema/main.app", &[]).await;
    assert_eq!(got["privilege_assignments"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn grants_pages() {
    let uc = Uc::with(EmulatorOptions {
        uc_schemas: vec!["main.app".into()],
        uc_page_size: Some(2),
        ..EmulatorOptions::default()
    });
    for p in ["c", "a", "b", "d", "e"] {
        grant(&uc, "catalog", "main", p, &["BROWSE"]).await;
    }
    // get without max_results: everything at once.
    let (_, all) = uc.get("permissions/catalog/main", &[]).await;
    assert_eq!(all["privilege_assignments"].as_array().unwrap().len(), 5);
    assert!(all.get("next_page_token").is_none());
    for (endpoint, key, query) in [
        (
            "permissions",
            "privilege_assignments",
            vec![("max_results", "0")],
        ),
        (
            "effective-permissions",
            "privilege_assignments",
            vec![("max_results", "150")],
        ),
        ("privilege-assignments", "privilege_assignments", vec![]),
        (
            "effective-privilege-assignments",
            "effective_privilege_assignments",
            vec![("page_size", "0")],
        ),
    ] {
        let mut principals = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut q = query.clone();
            if let Some(t) = &token {
                q.push(("page_token", t));
            }
            let (status, page) = uc.get(&format!("{endpoint}/catalog/main"), &q).await;
            assert_eq!(status, 200, "{page}");
            let items = page[key].as_array().unwrap();
            assert!(items.len() <= 2, "{endpoint}: {page}");
            principals.extend(
                items
                    .iter()
                    .map(|a| a["principal"].as_str().unwrap().to_string()),
            );
            match page["next_page_token"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        assert_eq!(principals, ["a", "b", "c", "d", "e"], "{endpoint}");
    }
    for (endpoint, query) in [
        ("permissions", ("max_results", "-1")),
        ("permissions", ("max_results", "1")),
        ("effective-permissions", ("max_results", "149")),
        ("privilege-assignments", ("page_size", "10")),
        ("effective-privilege-assignments", ("page_size", "x")),
        ("permissions", ("page_token", "junk")),
    ] {
        let m = error(
            uc.get(&format!("{endpoint}/catalog/main"), &[query]).await,
            400,
            "INVALID_PARAMETER_VALUE",
        );
        assert!(m.starts_with("Invalid "), "{m}");
    }
}

#[tokio::test]
async fn a_workspace_local_group_cannot_be_granted_anything() {
    let uc = Uc::with(EmulatorOptions {
        uc_schemas: vec!["main.app".into()],
        workspace_groups: vec!["ws-team".into()],
        ..EmulatorOptions::default()
    });
    let body = json!({"changes": [change("data-team", &["USE_SCHEMA"], &[]), change("WS-Team", &["USE_SCHEMA"], &[])]});
    let (status, answer) = uc.patch("permissions/schema/main.app", &[], body).await;
    assert_eq!(status, 404, "{answer}");
    assert_eq!(
        answer,
        json!({"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Could not find principal with name WS-Team."})
    );
    // Nothing of the PATCH was applied.
    let (status, answer) = uc.get("permissions/schema/main.app", &[]).await;
    assert_eq!((status, answer), (200, json!({})));
    grant(&uc, "schema", "main.app", "data-team", &["USE_SCHEMA"]).await;
}
