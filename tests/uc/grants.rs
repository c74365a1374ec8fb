//! `uc grants` (direct and `--effective`), `uc grant` and `uc revoke` on
//! catalogs, schemas and secrets.

use serde_json::json;

use crate::support::{bed, only_body, put, sent, table, Run};

const PERMISSIONS: &str = "/api/2.1/unity-catalog/permissions";

#[test]
fn grant_sends_privileges_in_the_api_spelling() {
    let bed = bed();
    put(&bed, "main.app.k", "v", &[]);
    let out = bed.uc(&[
        "uc",
        "grant",
        "main.app",
        "orders-sp",
        "use schema",
        "Read-Secret",
        "create_secret",
        "READ SECRET",
    ]);
    out.success().stdout_is("");
    assert_eq!(
        out.stderr,
        "Granted USE_SCHEMA, READ_SECRET, CREATE_SECRET on schema 'main.app' to orders-sp.\n"
    );
    assert_eq!(bed.requests()[0].method, "PATCH");
    assert_eq!(
        bed.requests()[0].path,
        format!("{PERMISSIONS}/schema/main.app")
    );
    assert_eq!(
        only_body(&bed),
        json!({"changes": [{"principal": "orders-sp", "add": ["USE_SCHEMA", "READ_SECRET", "CREATE_SECRET"]}]})
    );
    let out = bed.uc(&[
        "uc",
        "grant",
        "Main",
        "orders-sp",
        "use_catalog",
        "-o",
        "json",
    ]);
    assert_eq!(
        out.success().json(),
        json!({"result": "granted", "securable_type": "catalog", "full_name": "main", "principal": "orders-sp", "privileges": ["USE_CATALOG"]})
    );
    assert_eq!(sent(&bed), [format!("PATCH {PERMISSIONS}/catalog/main")]);
    let out = bed.uc(&[
        "uc",
        "grant",
        "main.app.k",
        "account users",
        "manage",
        "-o",
        "csv",
    ]);
    out.success().stdout_is("result,securable_type,full_name,principal,privileges\ngranted,secret,main.app.k,account users,MANAGE\n");
    assert_eq!(
        only_body(&bed),
        json!({"changes": [{"principal": "account users", "add": ["MANAGE"]}]})
    );
    // revoke: the same, with remove.
    let out = bed.uc(&["uc", "revoke", "main.app", "orders-sp", "create secret"]);
    out.success().stdout_is("");
    assert_eq!(
        out.stderr,
        "Revoked CREATE_SECRET on schema 'main.app' from orders-sp.\n"
    );
    assert_eq!(
        only_body(&bed),
        json!({"changes": [{"principal": "orders-sp", "remove": ["CREATE_SECRET"]}]})
    );
    // A privilege the emulator does not apply to the securable: the server's 400.
    let out = bed.uc(&["uc", "grant", "main.app", "sp", "browse"]);
    out.fails(1);
    assert_eq!(
        out.stderr,
        "error: cannot grant sp BROWSE on schema 'main.app': INVALID_PARAMETER_VALUE: Privilege BROWSE is not applicable to this entity [main.app:SCHEMA]. (HTTP 400)\n"
    );
}

#[test]
fn grants_shows_direct_and_effective_privileges() {
    let bed = bed();
    put(&bed, "main.app.k", "v", &[]);
    bed.uc(&["uc", "grant", "main", "orders-sp", "USE_CATALOG"])
        .success();
    bed.uc(&[
        "uc",
        "grant",
        "main.app",
        "orders-sp",
        "USE_SCHEMA",
        "READ_SECRET",
    ])
    .success();
    bed.uc(&["uc", "grant", "main.app.k", "bob", "MANAGE", "WRITE_SECRET"])
        .success();
    bed.clear();
    let out = bed.uc(&["uc", "grants", "main.app.k"]);
    out.success().stdout_is(&table(
        &["PRINCIPAL", "PRIVILEGES"],
        &[vec!["bob".into(), "MANAGE, WRITE_SECRET".into()]],
    ));
    assert_eq!(sent(&bed), [format!("GET {PERMISSIONS}/secret/main.app.k")]);
    let out = bed.uc(&["uc", "grants", "main.app.k", "-o", "csv"]);
    out.success()
        .stdout_is("principal,privileges\nbob,\"MANAGE,WRITE_SECRET\"\n");
    assert_eq!(sent(&bed), [format!("GET {PERMISSIONS}/secret/main.app.k")]);
    let out = bed.uc(&["uc", "grants", "main.app.k", "--effective"]);
    let rows = [
        ["bob", "MANAGE", "(granted here)"],
        ["bob", "WRITE_SECRET", "(granted here)"],
        ["orders-sp", "READ_SECRET", "schema main.app"],
        ["orders-sp", "USE_CATALOG", "catalog main"],
        ["orders-sp", "USE_SCHEMA", "schema main.app"],
    ];
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    out.success()
        .stdout_is(&table(&["PRINCIPAL", "PRIVILEGE", "FROM"], &rows));
    assert_eq!(
        sent(&bed),
        ["GET /api/2.1/unity-catalog/effective-permissions/secret/main.app.k"]
    );
    let out = bed.uc(&["uc", "grants", "main.app.k", "--effective", "-o", "json"]);
    assert_eq!(
        out.success().json()[2],
        json!({"principal": "orders-sp", "privilege": "READ_SECRET", "inherited_from_type": "schema", "inherited_from_name": "main.app"})
    );
    let out = bed.uc(&["uc", "grants", "main.app", "-o", "json"]);
    assert_eq!(
        out.success().json(),
        json!([{"principal": "orders-sp", "privileges": ["READ_SECRET", "USE_SCHEMA"]}])
    );
    // Nothing granted on the object itself.
    put(&bed, "main.app.bare", "v", &[]);
    let out = bed.uc(&["uc", "grants", "main.app.bare"]);
    out.success().stdout_is("");
    assert_eq!(out.stderr, "No privileges are granted on secret 'main.app.bare' itself (`--effective` shows inherited ones).\n");
    bed.uc(&["uc", "grants", "main.app.bare", "-o", "json"])
        .success()
        .stdout_is("[]\n");
}

#[test]
fn grants_of_many_principals_follow_every_page() {
    // The emulator's pages hold 2 (--uc-page-size): a client that asked for
    // pages would see several; `uc grants` asks for everything at once.
    let bed = bed();
    for p in ["p1", "p2", "p3", "p4", "p5"] {
        bed.uc(&["uc", "grant", "main", p, "BROWSE"]).success();
    }
    bed.clear();
    let out = bed.uc(&["uc", "grants", "main", "-o", "json"]);
    let principals: Vec<String> = out
        .success()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["principal"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(principals, ["p1", "p2", "p3", "p4", "p5"]);
    assert_eq!(sent(&bed).len(), 1);
}
