//! The secrets endpoints: create, get, list, update, delete; their bodies,
//! names, limits, errors and wire rules.

use reqwest::Method;
use serde_json::{json, Value};

use super::{is_timestamp, open, Uc, OPEN};
use crate::common::error;
use dbsecrets_emulator::EmulatorOptions;

fn body(name: &str, value: &str) -> Value {
    json!({"catalog_name": "main", "schema_name": "app", "name": name, "value": value})
}

/// The answer without its timestamps, after checking their form.
fn untimed(mut secret: Value) -> Value {
    for field in ["create_time", "update_time"] {
        assert!(is_timestamp(&secret[field]), "{field}: {secret}");
        secret.as_object_mut().unwrap().remove(field);
    }
    secret
}

#[tokio::test]
async fn create_takes_a_flat_secret_and_answers_it_without_the_value() {
    let uc = open();
    let create = json!({
        "catalog_name": "Main", "schema_name": "APP", "name": "Vendor_API_Key", "value": "s3cr3t",
        "comment": "Vendor X API key", "expire_time": "2027-01-01T01:00:00+01:00",
        // Output-only fields are not read.
        "effective_owner": "mallory", "metastore_id": "x", "create_time": "2001-01-01T00:00:00Z",
    });
    let (status, created) = uc.post("secrets", create).await;
    assert_eq!(status, 200, "{created}");
    let metastore_id = created["metastore_id"].as_str().unwrap().to_string();
    assert_eq!(metastore_id.len(), 36, "a UUID: {metastore_id}");
    assert_eq!(created["create_time"], created["update_time"]);
    assert_eq!(
        untimed(created),
        json!({
            "name": "vendor_api_key", "catalog_name": "main", "schema_name": "app",
            "full_name": "main.app.vendor_api_key", "comment": "Vendor X API key",
            "expire_time": "2027-01-01T00:00:00.000Z", "effective_owner": "admin@example.com",
            "metastore_id": metastore_id, "created_by": "admin@example.com",
            "updated_by": "admin@example.com",
        })
    );
    // Get: metadata only, unless include_value=true.
    let (status, got) = uc.get("secrets/main.app.vendor_api_key", &[]).await;
    assert_eq!(status, 200);
    assert!(
        got.get("effective_value").is_none() && got.get("value").is_none(),
        "{got}"
    );
    let (_, got) = uc
        .get(
            "secrets/MAIN.App.Vendor_Api_Key",
            &[("include_value", "false")],
        )
        .await;
    assert!(got.get("effective_value").is_none(), "{got}");
    let (status, got) = uc
        .get(
            "secrets/main.app.vendor_api_key",
            &[("include_value", "true")],
        )
        .await;
    assert_eq!((status, &got["effective_value"]), (200, &json!("s3cr3t")));
    assert_eq!(got["full_name"], "main.app.vendor_api_key");
    for bad in ["True", "1", "yes", ""] {
        let r = uc
            .get("secrets/main.app.vendor_api_key", &[("include_value", bad)])
            .await;
        error(r, 400, "INVALID_PARAMETER_VALUE");
    }
    // Without optional fields, none is answered (owner is input only).
    let plain = uc.create("plain", "v").await;
    for absent in [
        "comment",
        "expire_time",
        "owner",
        "effective_value",
        "value",
    ] {
        assert!(plain.get(absent).is_none(), "{absent}: {plain}");
    }
    assert_eq!(
        uc.api
            .server
            .emulator()
            .uc_secret_value("main.app.PLAIN")
            .as_deref(),
        Some("v")
    );
}

#[tokio::test]
async fn create_refuses_bad_input_with_400() {
    let uc = open();
    let long = "x".repeat(256);
    let mut cases: Vec<(Value, &str)> = vec![
        (
            json!({"secret": body("k", "v")}),
            "Missing required field: catalog_name.",
        ),
        (
            json!({"catalog_name": "main", "schema_name": "app", "value": "v"}),
            "Missing required field: name.",
        ),
        (
            json!({"catalog_name": "main", "schema_name": "app", "name": "k"}),
            "Missing required field: value.",
        ),
        (body("k", ""), "The secret value must not be empty."),
        (body("a.b", "v"), "Invalid secret name 'a.b'"),
        (body("a b", "v"), "Invalid secret name 'a b'"),
        (body("a/b", "v"), "Invalid secret name 'a/b'"),
        (body("a\u{1}b", "v"), "Invalid secret name 'a?b'"),
        (body("a\u{7f}", "v"), "Invalid secret name"),
        (body(&long, "v"), "Invalid secret name"),
        (
            json!({"catalog_name": "", "schema_name": "app", "name": "k", "value": "v"}),
            "Invalid catalog name ''",
        ),
    ];
    let mut with = |field: &str, v: Value, message: &'static str| {
        let mut b = body("k", "v");
        b[field] = v;
        cases.push((b, message));
    };
    with("comment", json!(""), "The comment is 0 characters long");
    with(
        "comment",
        json!("c".repeat(65_537)),
        "The comment is 65537 characters long",
    );
    with(
        "expire_time",
        json!("2027-01-01"),
        "Invalid expire_time '2027-01-01'",
    );
    with("owner", json!(""), "The owner must not be empty.");
    for (b, message) in cases {
        let m = error(uc.post("secrets", b).await, 400, "INVALID_PARAMETER_VALUE");
        assert!(m.starts_with(message), "{m} / {message}");
    }
    // Fields of the wrong JSON type, and bodies that are no JSON object.
    let mut b = body("k", "v");
    b["value"] = json!(42);
    error(uc.post("secrets", b).await, 400, "MALFORMED_REQUEST");
    error(
        uc.post("secrets", json!([1])).await,
        400,
        "MALFORMED_REQUEST",
    );
    let raw = uc
        .api
        .http
        .post(uc.url("secrets"))
        .bearer_auth(OPEN)
        .body("{not json");
    error(crate::common::send(raw).await, 400, "MALFORMED_REQUEST");
    // The longest legal fields pass.
    let mut b = body(&"k".repeat(255), "v");
    b["comment"] = json!("é".repeat(65_536));
    assert_eq!(uc.post("secrets", b).await.0, 200);
}

#[tokio::test]
async fn values_are_at_most_60_kib_of_utf8() {
    let uc = open();
    uc.create("max", &"x".repeat(61_440)).await;
    let m = error(
        uc.post("secrets", body("over", &"x".repeat(61_441))).await,
        400,
        "INVALID_PARAMETER_VALUE",
    );
    assert_eq!(
        m,
        "The secret value is 61441 bytes; the limit is 61440 bytes (60 KiB)."
    );
    // Bytes, not characters: 20,481 three-byte characters.
    let m = error(
        uc.post("secrets", body("wide", &"€".repeat(20_481))).await,
        400,
        "INVALID_PARAMETER_VALUE",
    );
    assert!(m.starts_with("The secret value is 61443 bytes"), "{m}");
    uc.create("wide", &"€".repeat(20_480)).await;
    let (_, got) = uc
        .get("secrets/main.app.wide", &[("include_value", "true")])
        .await;
    assert_eq!(got["effective_value"], "€".repeat(20_480));
}

#[tokio::test]
async fn create_conflicts_and_missing_parents() {
    let uc = open();
    uc.create("k", "v").await;
    let m = error(
        uc.post("secrets", body("K", "other")).await,
        409,
        "RESOURCE_ALREADY_EXISTS",
    );
    assert_eq!(m, "Secret 'main.app.k' already exists.");
    assert_eq!(
        uc.api
            .server
            .emulator()
            .uc_secret_value("main.app.k")
            .as_deref(),
        Some("v")
    );
    let mut b = body("k", "v");
    b["schema_name"] = json!("nope");
    let m = error(uc.post("secrets", b).await, 404, "RESOURCE_DOES_NOT_EXIST");
    assert_eq!(m, "Schema 'main.nope' does not exist.");
    let mut b = body("k", "v");
    b["catalog_name"] = json!("nope");
    let m = error(uc.post("secrets", b).await, 404, "RESOURCE_DOES_NOT_EXIST");
    assert_eq!(m, "Catalog 'nope' does not exist.");
}

#[tokio::test]
async fn names_travel_percent_encoded_in_the_path() {
    let uc = open();
    for (name, path) in [
        ("api-key@corp+1", "main.app.api-key@corp+1"),
        ("grüße", "main.app.gr%C3%BC%C3%9Fe"),
        ("per%cent", "main.app.per%25cent"),
        ("q?x#y", "main.app.q%3Fx%23y"),
    ] {
        let created = uc.create(name, "v").await;
        assert_eq!(created["name"], name);
        let (status, got) = uc.get(&format!("secrets/{path}"), &[]).await;
        assert_eq!(
            (status, got["full_name"].clone()),
            (200, json!(format!("main.app.{name}"))),
            "{path}"
        );
    }
    // Upper case non-ASCII folds too.
    let (status, got) = uc.get("secrets/main.app.GR%C3%9C%C3%9FE", &[]).await;
    assert_eq!((status, got["name"].clone()), (200, json!("grüße")));
    for bad in [
        "main.app.a%20b",
        "main.app.a%2Fb",
        "main.app",
        "main.app.k.x",
        "main.app.%ff",
        "main.app.%zz",
    ] {
        error(
            uc.get(&format!("secrets/{bad}"), &[]).await,
            400,
            "INVALID_PARAMETER_VALUE",
        );
    }
    // A raw `/` makes another path: no such endpoint.
    error(
        uc.get("secrets/main.app/k", &[]).await,
        404,
        "ENDPOINT_NOT_FOUND",
    );
}

#[tokio::test]
async fn missing_secrets_are_404_in_uc_style() {
    let uc = open();
    for (method, query, body) in [
        (Method::GET, vec![], None),
        (
            Method::PATCH,
            vec![("update_mask", "comment")],
            Some(json!({"comment": "c"})),
        ),
        (Method::DELETE, vec![], None),
    ] {
        let r = uc
            .call(OPEN, method.clone(), "secrets/main.app.nope", &query, body)
            .await;
        let m = error(r, 404, "RESOURCE_DOES_NOT_EXIST");
        assert_eq!(m, "Secret 'main.app.nope' does not exist.", "{method}");
    }
    let m = error(
        uc.get("secrets/main.x.k", &[]).await,
        404,
        "RESOURCE_DOES_NOT_EXIST",
    );
    assert_eq!(m, "Schema 'main.x' does not exist.");
}

fn names(page: &Value) -> Vec<String> {
    page["secrets"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| s["full_name"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn lists_are_sorted_paged_with_opaque_tokens_and_never_hold_values() {
    let uc = Uc::with(EmulatorOptions {
        uc_schemas: vec!["main.app".into(), "main.other".into(), "abc.z".into()],
        uc_page_size: Some(2),
        ..EmulatorOptions::default()
    });
    // Empty: the array is left out.
    assert_eq!(uc.get("secrets", &[]).await, (200, json!({})));
    for n in ["e", "c", "a", "d", "b"] {
        uc.create(n, "CANARY").await;
    }
    let mut other = body("x", "CANARY");
    other["schema_name"] = json!("other");
    assert_eq!(uc.post("secrets", other).await.0, 200);
    let mut abc = body("y", "CANARY");
    (abc["catalog_name"], abc["schema_name"]) = (json!("abc"), json!("z"));
    assert_eq!(uc.post("secrets", abc).await.0, 200);

    // Every page of one schema, two at a time.
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut query = vec![("catalog_name", "MAIN"), ("schema_name", "app")];
        if let Some(t) = &token {
            query.push(("page_token", t));
        }
        let (status, page) = uc.get("secrets", &query).await;
        assert_eq!(status, 200, "{page}");
        assert!(!page.to_string().contains("CANARY"), "{page}");
        pages += 1;
        seen.extend(names(&page));
        match page.get("next_page_token") {
            Some(t) => {
                let t = t.as_str().unwrap();
                assert!(!t.contains("main."), "opaque: {t}");
                token = Some(t.to_string());
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        ["a", "b", "c", "d", "e"].map(|n| format!("main.app.{n}"))
    );
    // The whole metastore, sorted by full name.
    let (_, page) = uc.get("secrets", &[("page_size", "1000")]).await;
    assert_eq!(names(&page), ["abc.z.y", "main.app.a"]);
    let item = &page["secrets"][1];
    assert!(item.get("effective_value").is_none() && is_timestamp(&item["update_time"]));
    let (_, page) = uc.get("secrets", &[("page_size", "1")]).await;
    assert_eq!(names(&page), ["abc.z.y"]);
    let token = page["next_page_token"].as_str().unwrap().to_string();
    let (_, page) = uc
        .get("secrets", &[("page_size", "0"), ("page_token", &token)])
        .await;
    assert_eq!(names(&page), ["main.app.a", "main.app.b"]);
    // Bad parameters.
    for query in [
        vec![("catalog_name", "main")],
        vec![("schema_name", "app")],
        vec![("page_size", "-1")],
        vec![("page_size", "ten")],
        vec![("page_token", "not-a-token")],
        vec![("catalog_name", "main"), ("schema_name", "a b")],
    ] {
        error(
            uc.get("secrets", &query).await,
            400,
            "INVALID_PARAMETER_VALUE",
        );
    }
    let m = error(
        uc.get(
            "secrets",
            &[("catalog_name", "main"), ("schema_name", "nope")],
        )
        .await,
        404,
        "RESOURCE_DOES_NOT_EXIST",
    );
    assert_eq!(m, "Schema 'main.nope' does not exist.");
}

#[tokio::test]
async fn a_schema_holds_1000_and_a_page_at_most_1000() {
    let uc = Uc::with(EmulatorOptions {
        uc_schemas: vec!["main.app".into(), "main.b".into()],
        ..EmulatorOptions::default()
    });
    for i in 0..1000 {
        uc.create(&format!("k{i:04}"), "v").await;
    }
    let m = error(
        uc.post("secrets", body("one-more", "v")).await,
        400,
        "RESOURCE_LIMIT_EXCEEDED",
    );
    assert_eq!(
        m,
        "Schema 'main.app' already holds the maximum of 1000 secrets."
    );
    // An existing name is still a conflict, not the limit.
    error(
        uc.post("secrets", body("k0000", "v")).await,
        409,
        "RESOURCE_ALREADY_EXISTS",
    );
    let mut b = body("k", "v");
    b["schema_name"] = json!("b");
    assert_eq!(uc.post("secrets", b).await.0, 200);
    let (_, page) = uc.get("secrets", &[("page_size", "5000")]).await;
    assert_eq!(page["secrets"].as_array().unwrap().len(), 1000);
    let token = page["next_page_token"].as_str().unwrap().to_string();
    let (_, page) = uc.get("secrets", &[("page_token", &token)]).await;
    assert_eq!(names(&page), ["main.b.k"]);
    assert!(page.get("next_page_token").is_none());
    // Deleting one makes room again.
    assert_eq!(uc.delete("secrets/main.app.k0000").await.0, 200);
    uc.create("one-more", "v").await;
}

#[tokio::test]
async fn updates_follow_the_mask() {
    let uc = open();
    let mut create = body("k", "v1");
    create["comment"] = json!("c1");
    create["expire_time"] = json!("2027-01-01T00:00:00Z");
    assert_eq!(uc.post("secrets", create).await.0, 200);
    let path = "secrets/main.app.k";
    // One parameter, comma-joined: the value and the expiry change, the comment stays.
    let b =
        json!({"value": "v2", "expire_time": "2027-06-01T02:00:00+02:00", "comment": "not named"});
    let (status, updated) = uc
        .patch(path, &[("update_mask", "value,expire_time")], b)
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["expire_time"], "2027-06-01T00:00:00.000Z");
    assert_eq!(updated["comment"], "c1");
    assert!(updated.get("effective_value").is_none() && updated.get("value").is_none());
    assert!(is_timestamp(&updated["update_time"]));
    assert_eq!(
        uc.api
            .server
            .emulator()
            .uc_secret_value("main.app.k")
            .as_deref(),
        Some("v2")
    );
    // A named comment or expiry absent from the body is cleared (AIP-134).
    let (_, updated) = uc
        .patch(path, &[("update_mask", "expire_time")], json!({}))
        .await;
    assert!(updated.get("expire_time").is_none(), "{updated}");
    let (_, updated) = uc
        .patch(
            path,
            &[("update_mask", "comment,owner")],
            json!({"owner": "team"}),
        )
        .await;
    assert!(updated.get("comment").is_none(), "{updated}");
    assert_eq!(updated["effective_owner"], "team");
    // `*`: what the body sets, immutable fields equal to the path included.
    let b = json!({"catalog_name": "main", "schema_name": "app", "name": "K", "value": "v3", "comment": "c3"});
    let (status, updated) = uc.patch(path, &[("update_mask", "*")], b).await;
    assert_eq!((status, &updated["comment"]), (200, &json!("c3")));
    assert_eq!(
        uc.api
            .server
            .emulator()
            .uc_secret_value("main.app.k")
            .as_deref(),
        Some("v3")
    );
    // Refused, nothing changed.
    for (query, b, message) in [
        (vec![], json!({"comment": "x"}), "update_mask is required"),
        (
            vec![("update_mask", "")],
            json!({"comment": "x"}),
            "update_mask is required",
        ),
        (
            vec![("update_mask", "value"), ("update_mask", "comment")],
            json!({"value": "x", "comment": "x"}),
            "The query parameter 'update_mask' is given more than once",
        ),
        (
            vec![("update_mask", "name")],
            json!({"name": "x"}),
            "Invalid update_mask path 'name'",
        ),
        (
            vec![("update_mask", "value,*")],
            json!({"value": "x"}),
            "Invalid update_mask path '*'",
        ),
        (
            vec![("update_mask", "value")],
            json!({"comment": "x"}),
            "update_mask names 'value', but the body does not set it.",
        ),
        (
            vec![("update_mask", "owner")],
            json!({}),
            "update_mask names 'owner', but the body does not set it.",
        ),
        (
            vec![("update_mask", "*")],
            json!({"name": "k"}),
            "update_mask is '*' but the body sets none",
        ),
        (
            vec![("update_mask", "value")],
            json!({"value": "x", "name": "other"}),
            "The body's name 'other' differs",
        ),
        (
            vec![("update_mask", "value")],
            json!({"value": "x", "full_name": "main.app.j"}),
            "The body's full_name 'main.app.j' differs",
        ),
        (
            vec![("update_mask", "value")],
            json!({"value": ""}),
            "The secret value must not be empty.",
        ),
        (
            vec![("update_mask", "comment")],
            json!({"comment": ""}),
            "The comment is 0 characters long",
        ),
        (
            vec![("update_mask", "expire_time")],
            json!({"expire_time": "soon"}),
            "Invalid expire_time 'soon'",
        ),
    ] {
        let m = error(
            uc.patch(path, &query, b).await,
            400,
            "INVALID_PARAMETER_VALUE",
        );
        assert!(m.starts_with(message), "{m} / {message}");
    }
    let (_, got) = uc.get(path, &[("include_value", "true")]).await;
    assert_eq!(
        (got["effective_value"].clone(), got["comment"].clone()),
        (json!("v3"), json!("c3"))
    );
    error(
        uc.patch(path, &[("update_mask", "value")], json!({"value": 1}))
            .await,
        400,
        "MALFORMED_REQUEST",
    );
}

#[tokio::test]
async fn delete_answers_an_empty_object_and_takes_the_grants() {
    let uc = open();
    uc.create("k", "v").await;
    let grant = json!({"changes": [{"principal": "sp", "add": ["READ_SECRET"]}]});
    assert_eq!(
        uc.patch("permissions/secret/main.app.k", &[], grant)
            .await
            .0,
        200
    );
    assert_eq!(uc.delete("secrets/main.app.K").await, (200, json!({})));
    error(
        uc.delete("secrets/main.app.k").await,
        404,
        "RESOURCE_DOES_NOT_EXIST",
    );
    uc.create("k", "v").await;
    assert_eq!(
        uc.get("permissions/secret/main.app.k", &[]).await,
        (200, json!({}))
    );
}

#[tokio::test]
async fn timestamps_are_utc_with_milliseconds_and_expiry_is_informational() {
    let uc = open();
    let mut b = body("old", "still readable");
    b["expire_time"] = json!("2001-02-03T04:05:06.789123+05:30");
    let (_, created) = uc.post("secrets", b).await;
    assert_eq!(created["expire_time"], "2001-02-02T22:35:06.789Z");
    let (status, got) = uc
        .get("secrets/main.app.old", &[("include_value", "true")])
        .await;
    assert_eq!(
        (status, &got["effective_value"]),
        (200, &json!("still readable"))
    );
    let before = chrono::Utc::now() - chrono::Duration::seconds(5);
    let created_at =
        chrono::DateTime::parse_from_rfc3339(created["create_time"].as_str().unwrap()).unwrap();
    assert!(created_at > before, "create_time is now");
}

#[tokio::test]
async fn wrong_methods_and_unknown_paths() {
    let uc = open();
    for (method, path, allow) in [
        (Method::DELETE, "secrets", "GET, POST"),
        (Method::POST, "secrets/main.app.k", "GET, PATCH, DELETE"),
        (
            Method::DELETE,
            "permissions/secret/main.app.k",
            "GET, PATCH",
        ),
        (
            Method::PATCH,
            "effective-permissions/secret/main.app.k",
            "GET",
        ),
    ] {
        let response = uc
            .api
            .http
            .request(method, uc.url(path))
            .bearer_auth(OPEN)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 405, "{path}");
        assert_eq!(response.headers()["allow"], allow);
        let b: Value = response.json().await.unwrap();
        assert_eq!(b["error_code"], "METHOD_NOT_ALLOWED");
    }
    for path in ["tables", "secrets/a/b/c", "grants/secret/main.app.k", ""] {
        error(uc.get(path, &[]).await, 404, "ENDPOINT_NOT_FOUND");
    }
    // No credentials: 401 before anything else.
    let r = crate::common::send(uc.api.http.get(uc.url("secrets"))).await;
    error(r, 401, "UNAUTHENTICATED");
}

#[tokio::test]
async fn workspace_and_org_id_headers_are_accepted_and_logged() {
    let uc = open();
    let request = uc
        .api
        .http
        .post(uc.url("secrets"))
        .bearer_auth(OPEN)
        .header("X-Databricks-Workspace-Id", "1234567890")
        .header("X-Databricks-Org-Id", "987")
        .json(&body("k", "hunter2"));
    assert_eq!(crate::common::send(request).await.0, 200);
    let (_, got) = uc
        .get("secrets/main.app.k", &[("include_value", "true")])
        .await;
    assert_eq!(got["effective_value"], "hunter2");
    let emulator = uc.api.server.emulator();
    let log = emulator.requests();
    assert_eq!(log[0].workspace_id.as_deref(), Some("1234567890"));
    assert_eq!(log[0].org_id.as_deref(), Some("987"));
    assert_eq!(
        (log[1].workspace_id.as_deref(), log[1].org_id.as_deref()),
        (None, None)
    );
    // The value is in no log entry, only its marker.
    assert!(log[0].value_matches("value", "hunter2"));
    assert_eq!(
        log[0].body.as_ref().unwrap()["value"],
        emulator.redacted("hunter2")
    );
    let dump = format!("{log:?} {}", serde_json::to_string(&log).unwrap());
    assert!(!dump.contains("hunter2"), "{dump}");
    // A client that sends a Secret back, effective_value included: redacted too.
    let b = json!({"value": "n3w", "effective_value": "hunter2", "full_name": "main.app.k"});
    assert_eq!(
        uc.patch("secrets/main.app.k", &[("update_mask", "value")], b)
            .await
            .0,
        200
    );
    let dump = serde_json::to_string(&emulator.requests()).unwrap();
    assert!(!dump.contains("hunter2") && !dump.contains("n3w"), "{dump}");
}
