//! Servers that answer what the emulator never does (a scripted fake
//! server): the client must still end with a clear failure or the right
//! result, never a loop or a crash.

use crate::common::fake::{Fake, Reply};
use crate::common::Out;
use crate::support::bed;

fn against(fake: &Fake, args: &[&str]) -> Out {
    let bed = bed();
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", &fake.url)
        .env("DATABRICKS_TOKEN", "t")
        .args(args);
    Out::from(c.output().expect("runs"))
}

#[test]
fn a_get_answered_without_the_value_is_a_permission_failure() {
    let fake = Fake::start(vec![Reply::json(
        200,
        r#"{"full_name": "main.app.k", "effective_owner": "o"}"#,
    )]);
    let out = against(&fake, &["uc", "get", "main.app.k"]);
    out.fails(4);
    assert_eq!(
        out.stderr,
        "error: cannot read secret 'main.app.k': the workspace returned its metadata without the value\nhint: reading a value needs READ SECRET on the secret, its schema or its catalog (with USE SCHEMA and USE CATALOG); its owner can grant it with `dbsecrets uc grant NAME PRINCIPAL 'read secret'`\n"
    );
}

#[test]
fn a_listing_whose_token_repeats_ends_with_an_error() {
    let page = r#"{"secrets": [{"full_name": "main.app.k"}], "next_page_token": "same"}"#;
    let fake = Fake::start(vec![Reply::json(200, page)]);
    let out = against(&fake, &["uc", "list", "main.app"]);
    out.fails(1).stderr_has("the same page token twice");
    assert_eq!(fake.count(), 2);
}

#[test]
fn odd_but_valid_answers() {
    // An empty page with an empty token ends the listing; `secrets` may be null.
    let fake = Fake::start(vec![Reply::json(
        200,
        r#"{"secrets": null, "next_page_token": ""}"#,
    )]);
    let out = against(&fake, &["uc", "list", "-o", "json"]);
    out.success().stdout_is("[]\n");
    // A 409 without an error code is still "already exists": put sets the value instead.
    let fake = Fake::start(vec![
        Reply::raw(409, "text/plain", b"conflict"),
        Reply::json(200, "{}"),
    ]);
    let out = against(&fake, &["uc", "put", "main.app.k", "--value", "v"]);
    out.success();
    let seen = fake.seen();
    assert_eq!(
        (seen[1].method.as_str(), seen[1].path.as_str()),
        (
            "PATCH",
            "/api/2.1/unity-catalog/secrets/main.app.k?update_mask=value"
        )
    );
    // A 404 HTML page is "not found", shown without the HTML.
    let fake = Fake::start(vec![Reply::raw(
        404,
        "text/html",
        b"<html><body>Not Found</body></html>",
    )]);
    let out = against(&fake, &["uc", "show", "main.app.k"]);
    out.fails(3);
    assert!(!out.stderr.contains("<html>"), "{}", out.stderr);
}
