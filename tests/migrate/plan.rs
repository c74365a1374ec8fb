//! The plan: blocking problems stop the run before any write (all of them
//! listed, exit 2); existing secrets; limits; Key Vault scopes; dry runs.

use serde_json::{json, Value};

use crate::common::*;
use crate::support::*;

fn rows(out: &Out) -> Vec<(String, String, String, String)> {
    out.json()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |f: &str| r[f].as_str().unwrap().to_string();
            (s("key"), s("name"), s("action"), s("result"))
        })
        .collect()
}

fn r(key: &str, name: &str, action: &str, result: &str) -> (String, String, String, String) {
    (key.into(), name.into(), action.into(), result.into())
}

#[test]
fn a_collision_stops_the_run_with_nothing_written() {
    let bed = bed();
    seed(
        &bed,
        "s",
        &texts(&[("DB.HOST", "a"), ("db_host", "b"), ("ok", "c")]),
    );
    let out = run(&bed, &["migrate", "s", "main.app", "-o", "json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        rows(&out),
        [
            r("DB.HOST", "main.app.db_host", "blocked", "blocked"),
            r("db_host", "main.app.db_host", "blocked", "blocked"),
            r("ok", "main.app.ok", "add", "not-sent"),
        ]
    );
    assert_eq!(out.json()["references"], json!([]));
    assert_eq!(
        out.stderr,
        "Migration of scope 's' to schema 'main.app': 2 blocked, 1 not sent.\n\
         error: the plan has 1 blocking problem: nothing was written\n  \
         keys 'DB.HOST' and 'db_host' would all be named 'db_host' in Unity Catalog (names ignore case and have no '.'): give all but one another name with --rename OLD=NEW\n\
         hint: resolve them (--rename OLD=NEW gives a key another name) and run again; --dry-run shows the plan\n"
    );
    assert_eq!(writes(&bed.requests()), Vec::<String>::new());
    assert_eq!(stored(&bed, "main.app.ok"), None);
    bed.clear();

    // --rename resolves it.
    let out = run(
        &bed,
        &[
            "migrate",
            "s",
            "main.app",
            "--rename",
            "DB.HOST=db_hostname",
            "-o",
            "json",
        ],
    );
    out.success();
    assert_eq!(
        rows(&out),
        [
            r("DB.HOST", "main.app.db_hostname", "add", "renamed"),
            r("db_host", "main.app.db_host", "add", "migrated"),
            r("ok", "main.app.ok", "add", "migrated"),
        ]
    );
    assert_eq!(out.json()["keys"][0]["reason"], "renamed: --rename");
    assert_eq!(stored(&bed, "main.app.db_hostname").as_deref(), Some("a"));
    assert_eq!(stored(&bed, "main.app.db_host").as_deref(), Some("b"));
}

#[test]
fn every_blocking_problem_is_listed_at_once() {
    let bed = bed();
    seed(&bed, "s", &texts(&[("a", "1"), ("b", "2"), ("c", "3")]));
    let out = run(
        &bed,
        &[
            "migrate",
            "s",
            "main.app",
            "--rename",
            "a=still.dotted",
            "--rename",
            "nope=x",
            "--rename",
            "c=B",
            "--dry-run",
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    let details: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(
        details,
        [
            "  key 'a': --rename a=still.dotted: invalid secret name 'still.dotted': it contains '.'; Unity Catalog names are 1 to 255 characters, without '.', spaces, '/' or control characters",
            "  --rename nope=x: the scope has no key 'nope'",
            "  keys 'b' and 'c' would all be named 'b' in Unity Catalog (names ignore case and have no '.'): give all but one another name with --rename OLD=NEW",
        ]
    );
    assert!(out
        .stderr
        .contains("error: the plan has 3 blocking problems: nothing was written\n"));
    assert!(out.stdout.starts_with("Keys\nKEY   NAME"), "{}", out.stdout);
    assert_eq!(writes(&bed.requests()), Vec::<String>::new());
}

#[test]
fn a_dry_run_sends_no_write_even_with_every_flag() {
    let bed = bed();
    seed(
        &bed,
        "s",
        &[("k".into(), b"v".to_vec()), ("bin".into(), vec![0xff, 0])],
    );
    acl(&bed, "s", "data-team", "READ");
    let out = run(
        &bed,
        &[
            "migrate",
            "s",
            "main.app",
            "--dry-run",
            "--with-grants",
            "--delete-source",
            "--update-existing",
            "--binary",
            "base64",
            "--comment",
            "moved",
        ],
    );
    out.success();
    assert_eq!(
        out.stderr,
        "Dry run of the migration of scope 's' to schema 'main.app': 2 to add; grants: 2 to apply, 0 to skip; nothing was written.\n\
         --delete-source would then delete the 2 source keys verified in Unity Catalog.\n"
    );
    let requests = bed.requests();
    assert!(!requests.is_empty());
    assert_eq!(writes(&requests), Vec::<String>::new());
    // It read every value (to plan), and nothing in Unity Catalog but listings.
    assert_eq!(bed.requests_to("GET", "/api/2.0/secrets/get").len(), 2);
    assert!(requests
        .iter()
        .filter(|r| r.path.starts_with(UC))
        .all(|r| r.path == UC));
}

#[test]
fn existing_secrets_are_skipped_unless_update_existing_and_identical_ones_never_rewritten() {
    let bed = bed();
    seed(
        &bed,
        "s",
        &texts(&[("same", "v1"), ("diff", "new"), ("fresh", "f")]),
    );
    for (name, value) in [("same", "v1"), ("diff", "old")] {
        bed.run(&[
            "uc",
            "put",
            &format!("main.app.{name}"),
            "--value",
            value,
            "--comment",
            "mine",
        ])
        .success();
    }
    bed.clear();
    let out = run(&bed, &["migrate", "s", "main.app", "-o", "json"]);
    out.success();
    let reasons: Vec<(String, String, String)> = out.json()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |f: &str| r[f].as_str().unwrap().to_string();
            (s("key"), s("action"), s("reason"))
        })
        .collect();
    assert_eq!(
        reasons,
        [
            (
                "diff".into(),
                "skip".into(),
                "exists in Unity Catalog with another value: --update-existing replaces it".into()
            ),
            ("fresh".into(), "add".into(), String::new()),
            (
                "same".into(),
                "unchanged".into(),
                "already in Unity Catalog with the same value".into()
            ),
        ]
    );
    assert_eq!(writes(&bed.requests()), [format!("POST {UC}")]);
    assert_eq!(stored(&bed, "main.app.diff").as_deref(), Some("old"));
    bed.clear();

    let out = run(
        &bed,
        &[
            "migrate",
            "s",
            "main.app",
            "--update-existing",
            "-o",
            "json",
        ],
    );
    out.success();
    let actions: Vec<Value> = out.json()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!([r["key"], r["action"], r["result"]]))
        .collect();
    assert_eq!(
        actions,
        [
            json!(["diff", "update", "migrated"]),
            json!(["fresh", "unchanged", "migrated"]),
            json!(["same", "unchanged", "migrated"])
        ]
    );
    let patches: Vec<RecordedRequest> = bed
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect();
    assert_eq!(patches.len(), 1, "only the different one is written");
    assert_eq!(patches[0].path, format!("{UC}/main.app.diff"));
    assert_eq!(
        patches[0].query.as_deref(),
        Some("update_mask=value%2Ccomment")
    );
    assert_eq!(stored(&bed, "main.app.diff").as_deref(), Some("new"));
    let c = comments(&bed, "main.app");
    assert!(c.contains(&(
        "main.app.diff".into(),
        "migrated from scope s key diff".into()
    )));
    assert!(
        c.contains(&("main.app.same".into(), "mine".into())),
        "identical: untouched"
    );
}

#[test]
fn the_limits_of_a_schema_stop_the_plan_and_the_bulk_verbs() {
    let bed = bed();
    let many: String = (0..995).map(|i| format!("k{i:04}=v{i}\n")).collect();
    let file = write_file(bed.home.path(), "many.env", many.as_bytes());
    let out = run(
        &bed,
        &[
            "import",
            "uc:main.app",
            file.to_str().unwrap(),
            "--jobs",
            "64",
            "-q",
        ],
    );
    out.success();
    assert_eq!(comments(&bed, "main.app").len(), 995);
    let six: Vec<(String, Vec<u8>)> = (0..6).map(|i| (format!("n{i}"), b"v".to_vec())).collect();
    seed(&bed, "s", &six);

    let out = run(&bed, &["migrate", "s", "main.app", "-o", "json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains(
        "error: the plan has 1 blocking problem: nothing was written\n  schema 'main.app' holds 995 secrets; 6 more would pass Unity Catalog's limit of 1000 per schema\n"
    ), "{}", out.stderr);
    assert_eq!(writes(&bed.requests()), Vec::<String>::new());
    bed.clear();

    let six_env = write_file(
        bed.home.path(),
        "six.env",
        b"a=1\nb=2\nc=3\nd=4\ne=5\nf=6\n",
    );
    let out = run(&bed, &["import", "uc:main.app", six_env.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.starts_with("error: Unity Catalog's limits would be passed: nothing was sent\n  schema 'main.app' holds 995 secrets; 6 more would pass Unity Catalog's limit of 1000 per schema\n"), "{}", out.stderr);
    assert_eq!(writes(&bed.requests()), Vec::<String>::new());

    // Five fit, exactly.
    let five: String = (0..5).map(|i| format!("f{i}=v\n")).collect();
    let five = write_file(bed.home.path(), "five.env", five.as_bytes());
    run(
        &bed,
        &["import", "uc:main.app", five.to_str().unwrap(), "-q"],
    )
    .success();
    assert_eq!(comments(&bed, "main.app").len(), 1000);
}

#[test]
fn a_key_vault_scope_is_not_copied_and_missing_objects_say_so() {
    let bed = bed();
    bed.emu.emulator().seed_keyvault_scope(
        "kv",
        "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/v",
        "https://v.vault.azure.net/",
    );
    let out = run(&bed, &["migrate", "kv", "main.app"]);
    out.fails(2).stderr_has(
        "error: scope 'kv' is backed by Azure Key Vault: its values live in the vault, and migrate does not copy them; nothing was written\nhint: in Unity Catalog a schema can be backed by the same Key Vault (external secrets, through a connection): create one there instead; to copy the values anyway, export them from the vault to a JSON file and run `dbsecrets migrate kv main.app --values-file FILE`\n",
    );
    assert_eq!(bed.requests_to("GET", "/api/2.0/secrets/get").len(), 0);

    seed(&bed, "s", &texts(&[("k", "v")]));
    run(&bed, &["migrate", "nope", "main.app"])
        .fails(3)
        .stderr_has("error: scope 'nope' does not exist\n");
    let out = run(&bed, &["migrate", "s", "main.nope"]);
    out.fails(3).stderr_has("schema 'main.nope'");
    assert_eq!(
        bed.requests_to("GET", "/api/2.0/secrets/get").len(),
        0,
        "no value read"
    );
    run(&bed, &["migrate", "s", "main"]).fails(2);
    run(&bed, &["migrate", "s", "main.app", "--rename", "k"])
        .fails(2)
        .stderr_has("--rename takes FROM=TO");
    run(
        &bed,
        &["migrate", "s", "main.app", "--map-principal", "a=b"],
    )
    .fails(2)
    .stderr_has("--with-grants");
    assert_eq!(writes(&bed.requests()), Vec::<String>::new());
}
