//! Every `uc` command and flag on the success path: what is printed, what
//! is sent, what is stored.

use serde_json::json;

use crate::support::{bed, cell, marker, only_body, put, sent, show, stored, table, Run, UC};

#[test]
fn put_creates_with_a_flat_body() {
    let bed = bed();
    bed.clear();
    let out = bed.uc(&[
        "uc",
        "put",
        "main.app.Vendor_Key",
        "--value",
        "s3cr3t",
        "--comment",
        "Vendor X",
        "--expires",
        "2027-01-01",
        "--owner",
        "team",
    ]);
    out.success().stdout_is("");
    assert_eq!(
        out.stderr,
        "Created secret 'main.app.vendor_key' (6 bytes).\n"
    );
    let requests = bed.requests();
    assert_eq!(
        (
            requests[0].method.as_str(),
            requests[0].path.as_str(),
            &requests[0].query
        ),
        ("POST", UC, &None)
    );
    assert_eq!(
        requests[0].content_type.as_deref(),
        Some("application/json")
    );
    assert_eq!(
        only_body(&bed),
        json!({"catalog_name": "main", "schema_name": "app", "name": "vendor_key",
               "value": marker(&bed, "s3cr3t"), "comment": "Vendor X",
               "expire_time": "2027-01-01T00:00:00Z", "owner": "team"})
    );
    assert_eq!(
        stored(&bed, "main.app.vendor_key").as_deref(),
        Some("s3cr3t")
    );
    let meta = show(&bed, "main.app.vendor_key");
    assert_eq!(
        (meta["owner"].clone(), meta["expires"].clone()),
        (json!("team"), json!("2027-01-01T00:00:00.000Z"))
    );
    // -o json: the outcome.
    let out = bed.uc(&["uc", "put", "main.app.j", "--value", "vv", "-o", "json"]);
    assert_eq!(
        out.success().json(),
        json!({"result": "created", "full_name": "main.app.j", "bytes": 2})
    );
}

#[test]
fn put_on_an_existing_secret_sets_the_new_value_with_one_patch() {
    let bed = bed();
    put(&bed, "main.app.k", "v1", &["--comment", "c1"]);
    let out = bed.uc(&["uc", "put", "main.app.k", "--value", "v2"]);
    out.success().stdout_is("");
    assert_eq!(
        out.stderr,
        "Updated secret 'main.app.k' (value; 2 bytes).\n"
    );
    let requests = bed.requests();
    assert_eq!(
        requests.iter().map(|r| r.status).collect::<Vec<_>>(),
        [409, 200]
    );
    assert_eq!(
        sent(&bed),
        [
            format!("POST {UC}"),
            format!("PATCH {UC}/main.app.k?update_mask=value")
        ]
    );
    assert_eq!(requests[1].body, Some(json!({"value": marker(&bed, "v2")})));
    assert_eq!(stored(&bed, "main.app.k").as_deref(), Some("v2"));
    assert_eq!(show(&bed, "main.app.k")["comment"], "c1", "not named: kept");
    // With more fields: all of them in one comma-joined update_mask.
    let out = bed.uc(&[
        "uc",
        "put",
        "main.app.k",
        "--value",
        "v3",
        "--comment",
        "c2",
        "--expires",
        "2027-06-01T02:00:00+02:00",
        "--owner",
        "o",
        "-o",
        "csv",
    ]);
    out.success().stdout_is("result,full_name,changed,bytes,expires,owner\nupdated,main.app.k,\"value,comment,expire_time,owner\",2,2027-06-01T00:00:00Z,o\n");
    let requests = bed.requests();
    assert_eq!(
        sent(&bed)[1],
        format!("PATCH {UC}/main.app.k?update_mask=value%2Ccomment%2Cexpire_time%2Cowner")
    );
    assert_eq!(
        requests[1].body,
        Some(
            json!({"value": marker(&bed, "v3"), "comment": "c2", "expire_time": "2027-06-01T00:00:00Z", "owner": "o"})
        )
    );
    let meta = show(&bed, "main.app.k");
    assert_eq!(
        (cell(&meta, "comment"), cell(&meta, "owner")),
        ("c2".into(), "o".into())
    );
}

#[test]
fn no_overwrite_leaves_an_existing_secret_alone() {
    let bed = bed();
    put(&bed, "main.app.k", "keep", &[]);
    let out = bed.uc(&[
        "uc",
        "put",
        "main.app.k",
        "--value",
        "new",
        "--no-overwrite",
    ]);
    out.fails(5);
    assert_eq!(
        out.stderr,
        "error: secret 'main.app.k' already exists: --no-overwrite left it as it is\nhint: drop --no-overwrite to set a new value\n"
    );
    assert_eq!(sent(&bed), [format!("POST {UC}")]);
    assert_eq!(stored(&bed, "main.app.k").as_deref(), Some("keep"));
    // On a new name it creates.
    bed.uc(&[
        "uc",
        "put",
        "main.app.fresh",
        "--value",
        "v",
        "--no-overwrite",
    ])
    .success();
    assert_eq!(stored(&bed, "main.app.fresh").as_deref(), Some("v"));
}

#[test]
fn expires_takes_a_date_rfc_3339_or_a_duration() {
    let bed = bed();
    for (i, (when, sent_as)) in [
        ("2027-01-01", "2027-01-01T00:00:00Z"),
        ("2027-01-02T03:04:05+02:00", "2027-01-02T01:04:05Z"),
        ("2027-01-02T03:04:05.120Z", "2027-01-02T03:04:05.120Z"),
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("main.app.k{i}");
        bed.uc(&["uc", "put", &name, "--value", "v", "--expires", when])
            .success();
        assert_eq!(only_body(&bed)["expire_time"], sent_as, "{when}");
    }
    let before = chrono::Utc::now() + chrono::Duration::days(90);
    bed.uc(&[
        "uc",
        "put",
        "main.app.d",
        "--value",
        "v",
        "--expires",
        "90d",
    ])
    .success();
    let after = chrono::Utc::now() + chrono::Duration::days(90);
    let at = only_body(&bed)["expire_time"].as_str().unwrap().to_string();
    let at = chrono::DateTime::parse_from_rfc3339(&at).unwrap();
    assert!(
        at.timestamp() >= before.timestamp() - 1 && at.timestamp() <= after.timestamp(),
        "{at}"
    );
    let out = bed.uc(&[
        "uc",
        "put",
        "main.app.x",
        "--value",
        "v",
        "--expires",
        "soon",
    ]);
    out.fails(2).stderr_has("invalid --expires 'soon'");
    assert!(sent(&bed).is_empty(), "nothing sent");
}

#[test]
fn values_come_from_the_flag_a_file_or_stdin() {
    let bed = bed();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("value");
    std::fs::write(&file, "line one\nline two\n").unwrap();
    bed.uc(&[
        "uc",
        "put",
        "main.app.file",
        "--value-file",
        file.to_str().unwrap(),
    ])
    .success();
    assert_eq!(
        stored(&bed, "main.app.file").as_deref(),
        Some("line one\nline two\n"),
        "a file is kept byte for byte"
    );
    for (stdin, expected) in [
        ("from stdin\n", "from stdin"),
        ("two\n\n", "two\n"),
        ("none", "none"),
        ("crlf\r\n", "crlf"),
    ] {
        bed.uc_stdin(stdin, &["uc", "put", "main.app.stdin"])
            .success();
        assert_eq!(
            stored(&bed, "main.app.stdin").as_deref(),
            Some(expected),
            "{stdin:?}"
        );
    }
    bed.uc(&["uc", "put", "main.app.dash", "--value", "-starts-with-dash"])
        .success();
    assert_eq!(
        stored(&bed, "main.app.dash").as_deref(),
        Some("-starts-with-dash")
    );
    let wide = "€".repeat(20_480);
    bed.uc_stdin(wide.clone(), &["uc", "put", "main.app.wide"])
        .success();
    assert_eq!(
        stored(&bed, "main.app.wide"),
        Some(wide),
        "61,440 bytes: the limit"
    );
}

#[test]
fn get_prints_the_exact_value_and_show_never_asks_for_it() {
    let bed = bed();
    let value = "line one\n  ünïcödé \"quoted\"\n";
    bed.uc_stdin(format!("{value}\n"), &["uc", "put", "main.app.k"])
        .success();
    bed.clear();
    let out = bed.uc(&["uc", "get", "main.app.k"]);
    out.success();
    assert_eq!(out.stdout_bytes, value.as_bytes());
    assert_eq!(out.stderr, "");
    assert_eq!(
        sent(&bed),
        [format!("GET {UC}/main.app.k?include_value=true")]
    );
    // -o json: the metadata and the value.
    let out = bed.uc(&["uc", "get", "main.app.k", "-o", "json"]);
    let got = out.success().json();
    bed.clear();
    let meta = show(&bed, "main.app.k");
    let mut expected = meta.clone();
    expected["value"] = json!(value);
    assert_eq!(got, expected);
    assert_eq!(
        meta.as_object().unwrap().keys().collect::<Vec<_>>(),
        [
            "comment",
            "created",
            "created_by",
            "expires",
            "full_name",
            "metastore_id",
            "owner",
            "updated",
            "updated_by"
        ]
    );
    // show: metadata only, in every format, without include_value.
    let out = bed.uc(&["uc", "show", "main.app.k"]);
    let fields = [
        "full_name",
        "owner",
        "comment",
        "expires",
        "created",
        "created_by",
        "updated",
        "updated_by",
        "metastore_id",
    ];
    let row: Vec<String> = fields.iter().map(|f| cell(&meta, f)).collect();
    let headers: Vec<String> = fields.iter().map(|f| f.to_uppercase()).collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    out.success()
        .stdout_is(&table(&headers, std::slice::from_ref(&row)));
    let out = bed.uc(&["uc", "show", "main.app.k", "-o", "csv"]);
    out.success()
        .stdout_is(&format!("{}\n{}\n", fields.join(","), row.join(",")));
    assert_eq!(
        sent(&bed),
        [
            format!("GET {UC}/main.app.k"),
            format!("GET {UC}/main.app.k")
        ]
    );
    assert_eq!(meta["owner"], "admin@example.com");
    assert_eq!(meta["full_name"], "main.app.k");
}

#[test]
fn update_sends_one_comma_joined_mask() {
    let bed = bed();
    put(
        &bed,
        "main.app.k",
        "v",
        &["--comment", "c1", "--expires", "2027-01-01"],
    );
    let out = bed.uc(&[
        "uc",
        "update",
        "main.app.k",
        "--comment",
        "c2",
        "--expires",
        "2028-02-03",
    ]);
    out.success().stdout_is("");
    assert_eq!(
        out.stderr,
        "Updated secret 'main.app.k' (comment, expire_time).\n"
    );
    let requests = bed.requests();
    assert_eq!(
        sent(&bed),
        [format!(
            "PATCH {UC}/main.app.k?update_mask=comment%2Cexpire_time"
        )]
    );
    assert_eq!(
        requests[0].body,
        Some(json!({"comment": "c2", "expire_time": "2028-02-03T00:00:00Z"}))
    );
    // --no-expiry: the mask names expire_time, the body leaves it out, the expiry is gone.
    let out = bed.uc(&[
        "uc",
        "update",
        "main.app.k",
        "--no-expiry",
        "--owner",
        "team",
        "-o",
        "json",
    ]);
    assert_eq!(
        out.success().json(),
        json!({"result": "updated", "full_name": "main.app.k", "changed": "expire_time,owner", "owner": "team"})
    );
    let requests = bed.requests();
    assert_eq!(
        sent(&bed),
        [format!(
            "PATCH {UC}/main.app.k?update_mask=expire_time%2Cowner"
        )]
    );
    assert_eq!(requests[0].body, Some(json!({"owner": "team"})));
    let meta = show(&bed, "main.app.k");
    assert_eq!(
        (
            meta["expires"].clone(),
            meta["owner"].clone(),
            meta["comment"].clone()
        ),
        (json!(null), json!("team"), json!("c2"))
    );
    assert_eq!(
        stored(&bed, "main.app.k").as_deref(),
        Some("v"),
        "update never touches the value"
    );
    // Nothing to change, or both --expires and --no-expiry: usage errors, nothing sent.
    let out = bed.uc(&["uc", "update", "main.app.k"]);
    out.fails(2);
    assert_eq!(
        out.stderr,
        "error: nothing to change for secret 'main.app.k': give --comment, --expires, --no-expiry or --owner\nhint: a new value is set with `dbsecrets uc put`\n"
    );
    bed.uc(&[
        "uc",
        "update",
        "main.app.k",
        "--expires",
        "2027-01-01",
        "--no-expiry",
    ])
    .fails(2);
    assert!(sent(&bed).is_empty());
}

#[test]
fn delete_and_if_exists() {
    let bed = bed();
    put(&bed, "main.app.k", "v", &[]);
    let out = bed.uc(&["uc", "delete", "main.app.K"]);
    out.success().stdout_is("");
    assert_eq!(out.stderr, "Deleted secret 'main.app.k'.\n");
    assert_eq!(sent(&bed), [format!("DELETE {UC}/main.app.k")]);
    assert_eq!(stored(&bed, "main.app.k"), None);
    let out = bed.uc(&["uc", "delete", "main.app.k"]);
    out.fails(3);
    assert_eq!(
        out.stderr,
        "error: cannot delete secret 'main.app.k': RESOURCE_DOES_NOT_EXIST: Secret 'main.app.k' does not exist. (HTTP 404)\nhint: --if-exists makes this a no-op\n"
    );
    let out = bed.uc(&["uc", "delete", "main.app.k", "--if-exists"]);
    out.success().stdout_is("");
    assert_eq!(
        out.stderr,
        "Secret 'main.app.k' does not exist; nothing to do.\n"
    );
    let out = bed.uc(&["uc", "delete", "main.app.k", "--if-exists", "-o", "json"]);
    assert_eq!(
        out.success().json(),
        json!({"result": "absent", "full_name": "main.app.k"})
    );
}

/// The row `uc list` prints for a secret, from its metadata.
fn list_row(bed: &crate::common::Bed, full_name: &str) -> Vec<String> {
    let meta = show(bed, full_name);
    [
        "full_name",
        "owner",
        "comment",
        "expires",
        "updated",
        "updated_by",
    ]
    .iter()
    .map(|f| cell(&meta, f))
    .collect()
}

const LIST_HEADERS: [&str; 6] = [
    "FULL_NAME",
    "OWNER",
    "COMMENT",
    "EXPIRES",
    "UPDATED",
    "UPDATED_BY",
];

#[test]
fn list_follows_every_page_of_a_schema_and_of_the_metastore() {
    let bed = bed();
    for n in ["e", "c", "a", "d", "b"] {
        put(
            &bed,
            &format!("main.app.{n}"),
            "CANARY-LIST",
            &["--comment", &format!("about {n}")],
        );
    }
    put(&bed, "main.other.z", "CANARY-LIST", &[]);
    let rows: Vec<Vec<String>> = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|n| list_row(&bed, &format!("main.app.{n}")))
        .collect();
    let out = bed.uc(&["uc", "list", "main.app"]);
    out.success().stdout_is(&table(&LIST_HEADERS, &rows));
    assert_eq!(out.stderr, "");
    let requests = bed.requests();
    let lines = sent(&bed);
    assert_eq!(lines.len(), 3, "pages of 2: {lines:?}");
    assert_eq!(
        lines[0],
        format!("GET {UC}?catalog_name=main&schema_name=app")
    );
    assert!(
        lines[1].starts_with(&format!(
            "GET {UC}?catalog_name=main&schema_name=app&page_token="
        )),
        "{}",
        lines[1]
    );
    assert!(requests.iter().all(|r| r.status == 200));
    // The metastore, with --page-size, in JSON and CSV.
    let out = bed.uc(&["uc", "list", "--page-size", "1", "-o", "json"]);
    let listed = out.success().json();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["full_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "main.app.a",
            "main.app.b",
            "main.app.c",
            "main.app.d",
            "main.app.e",
            "main.other.z"
        ]
    );
    assert_eq!(
        listed[0],
        json!({"full_name": "main.app.a", "owner": "admin@example.com", "comment": "about a",
        "expires": null, "updated": rows[0][4], "updated_by": "admin@example.com"})
    );
    let lines = sent(&bed);
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0], format!("GET {UC}?page_size=1"));
    assert!(lines[1..]
        .iter()
        .all(|l| l.starts_with(&format!("GET {UC}?page_size=1&page_token="))));
    let out = bed.uc(&["uc", "list-secrets", "main.app", "-o", "csv"]);
    let csv: String =
        std::iter::once("full_name,owner,comment,expires,updated,updated_by\n".to_string())
            .chain(rows.iter().map(|r| format!("{}\n", r.join(","))))
            .collect();
    out.success().stdout_is(&csv);
    assert!(!out.stdout.contains("CANARY-LIST"));
    // Empty listings say so on stderr.
    bed.uc(&["uc", "delete", "main.other.z"]).success();
    let out = bed.uc(&["uc", "list", "main.other"]);
    out.success().stdout_is("");
    assert_eq!(
        out.stderr,
        "Schema 'main.other' holds no secrets you can see.\n"
    );
    let out = bed.uc(&["uc", "list", "main.other", "-o", "json"]);
    out.success().stdout_is("[]\n");
}

#[test]
fn list_expiring_keeps_the_expired_and_the_soon_to_expire() {
    let bed = bed();
    let soon = (chrono::Utc::now() + chrono::Duration::days(10))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    put(&bed, "main.app.expired", "v", &["--expires", "2001-01-01"]);
    put(&bed, "main.app.soon", "v", &["--expires", &soon]);
    put(&bed, "main.app.later", "v", &["--expires", "2099-01-01"]);
    put(&bed, "main.app.never", "v", &[]);
    let rows = vec![
        list_row(&bed, "main.app.expired"),
        list_row(&bed, "main.app.soon"),
    ];
    assert_eq!(rows[0][3], "2001-01-01T00:00:00.000Z");
    bed.uc(&["uc", "list", "--expiring", "30d"])
        .success()
        .stdout_is(&table(&LIST_HEADERS, &rows));
    let out = bed.uc(&["uc", "list", "main.app", "--expiring", "30d", "-o", "csv"]);
    out.success().stdout_is(&format!(
        "full_name,owner,comment,expires,updated,updated_by\n{}\n{}\n",
        rows[0].join(","),
        rows[1].join(",")
    ));
    let out = bed.uc(&["uc", "list", "--expiring", "30d", "-o", "json"]);
    let names: Vec<String> = out
        .success()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["full_name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["main.app.expired", "main.app.soon"]);
    let out = bed.uc(&["uc", "list", "--expiring", "1h"]);
    out.success().stdout_is(&table(&LIST_HEADERS, &rows[..1]));
    // An expired secret still reads: expiry is informational.
    bed.uc(&["uc", "get", "main.app.expired"])
        .success()
        .stdout_is("v");
    let out = bed.uc(&["uc", "list", "main.other", "--expiring", "30d"]);
    out.success().stdout_is("");
    assert_eq!(out.stderr, "No secrets expire within 30d.\n");
    bed.uc(&["uc", "list", "--expiring", "thirty"]).fails(2);
}

#[test]
fn the_official_cli_names_are_aliases() {
    let bed = bed();
    bed.uc(&["uc", "create-secret", "main.app.k", "--value", "v1"])
        .success();
    bed.uc(&["uc", "get-secret", "main.app.k"])
        .success()
        .stdout_is("v1");
    let out = bed.uc(&["uc", "list-secrets", "main.app", "-o", "json"]);
    assert_eq!(out.success().json()[0]["full_name"], "main.app.k");
    bed.uc(&["uc", "update-secret", "main.app.k", "--comment", "c"])
        .success();
    bed.uc(&["uc", "delete-secret", "main.app.k"]).success();
    assert_eq!(
        sent(&bed),
        [
            format!("POST {UC}"),
            format!("GET {UC}/main.app.k?include_value=true"),
            format!("GET {UC}?catalog_name=main&schema_name=app"),
            format!("PATCH {UC}/main.app.k?update_mask=comment"),
            format!("DELETE {UC}/main.app.k"),
        ]
    );
}

#[test]
fn names_with_dash_at_plus_and_non_ascii_are_percent_encoded_in_the_path() {
    let bed = bed();
    for (name, path) in [
        ("main.app.api-key@corp+1", "main.app.api-key@corp+1"),
        ("main.app.Grüße", "main.app.gr%C3%BC%C3%9Fe"),
        ("Main.App.日本", "main.app.%E6%97%A5%E6%9C%AC"),
        ("main.app.a~b!$&'()*,;=:", "main.app.a~b!$&'()*,;=:"),
        ("main.app.per%cent?x#y", "main.app.per%25cent%3Fx%23y"),
    ] {
        bed.uc(&["uc", "put", name, "--value", "v"]).success();
        let body = only_body(&bed);
        let folded = name.to_lowercase();
        assert_eq!(
            format!(
                "{}.{}.{}",
                body["catalog_name"].as_str().unwrap(),
                body["schema_name"].as_str().unwrap(),
                body["name"].as_str().unwrap()
            ),
            folded
        );
        bed.uc(&["uc", "get", name]).success().stdout_is("v");
        bed.uc(&["uc", "show", name]).success();
        bed.uc(&["uc", "update", name, "--comment", "c"]).success();
        bed.uc(&["uc", "grants", name]).success();
        bed.uc(&["uc", "delete", name]).success();
        assert_eq!(
            sent(&bed),
            [
                format!("GET {UC}/{path}?include_value=true"),
                format!("GET {UC}/{path}"),
                format!("PATCH {UC}/{path}?update_mask=comment"),
                format!("GET /api/2.1/unity-catalog/permissions/secret/{path}"),
                format!("DELETE {UC}/{path}"),
            ],
            "{name}"
        );
    }
}

#[test]
fn an_empty_comment_means_none_and_an_overlong_one_is_refused_before_sending() {
    let bed = bed();
    // Create: an empty comment is left out (the service refuses "").
    bed.uc(&["uc", "put", "main.app.k", "--value", "v", "--comment", ""])
        .success();
    assert_eq!(
        only_body(&bed),
        json!({"catalog_name": "main", "schema_name": "app", "name": "k", "value": marker(&bed, "v")})
    );
    bed.uc(&["uc", "update", "main.app.k", "--comment", "c1"])
        .success();
    bed.clear();
    // Update: '' clears it (the mask names comment, the body leaves it out).
    let out = bed.uc(&["uc", "update", "main.app.k", "--comment", ""]);
    out.success();
    assert_eq!(out.stderr, "Updated secret 'main.app.k' (comment).\n");
    let requests = bed.requests();
    assert_eq!(
        sent(&bed),
        [format!("PATCH {UC}/main.app.k?update_mask=comment")]
    );
    assert_eq!(requests[0].body, Some(json!({})));
    assert_eq!(show(&bed, "main.app.k")["comment"], json!(null));
    // put on an existing secret: the same, beside the value.
    bed.uc(&["uc", "update", "main.app.k", "--comment", "c2"])
        .success();
    bed.clear();
    bed.uc(&["uc", "put", "main.app.k", "--value", "v2", "--comment", ""])
        .success();
    let requests = bed.requests();
    assert_eq!(
        sent(&bed)[1],
        format!("PATCH {UC}/main.app.k?update_mask=value%2Ccomment")
    );
    assert_eq!(requests[1].body, Some(json!({"value": marker(&bed, "v2")})));
    assert_eq!(show(&bed, "main.app.k")["comment"], json!(null));
    // Longer than 65,536 characters: refused, nothing sent.
    let long = "c".repeat(65_537);
    for args in [
        vec!["uc", "update", "main.app.k", "--comment", &long],
        vec![
            "uc",
            "put",
            "main.app.k",
            "--value",
            "v3",
            "--comment",
            &long,
        ],
    ] {
        let out = bed.uc(&args);
        out.fails(2);
        assert_eq!(
            out.stderr,
            "error: the comment is 65537 characters long; Unity Catalog accepts at most 65536\n"
        );
    }
    assert!(sent(&bed).is_empty());
    // 65,536 characters, counted as characters (one argument must stay under 128 KiB).
    let longest = format!("{}{}", "é".repeat(60_000), "c".repeat(5_536));
    bed.uc(&["uc", "update", "main.app.k", "--comment", &longest])
        .success();
    assert_eq!(show(&bed, "main.app.k")["comment"], json!(longest));
}
