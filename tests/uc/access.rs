//! The access model through the binary, with several principals (root, a
//! metastore admin; alice, in group `eng`; bob): what each may do, and the
//! exit code 4 and hint of each refusal.

use crate::common::{Bed, Out};
use crate::support::{sent, stored, team, Run, ADMIN, ALICE, BOB, UC};

const CREATE_HINT: &str = "hint: creating a secret needs CREATE SECRET on its schema (or catalog), with USE SCHEMA and USE CATALOG; the schema's owner can grant them with `dbsecrets uc grant CATALOG.SCHEMA PRINCIPAL 'create secret' 'use schema'`\n";
const READ_HINT: &str = "hint: reading a value needs READ SECRET on the secret, its schema or its catalog (with USE SCHEMA and USE CATALOG); its owner can grant it with `dbsecrets uc grant NAME PRINCIPAL 'read secret'`\n";
const UPDATE_HINT: &str = "hint: changing a secret needs ownership or MANAGE on it (WRITE SECRET suffices for a new value)\n";
const METADATA_HINT: &str = "hint: seeing a secret needs ownership, MANAGE, BROWSE on its catalog, or READ SECRET or WRITE SECRET on it (with USE SCHEMA and USE CATALOG)\n";
const DELETE_HINT: &str = "hint: deleting a secret needs ownership or MANAGE on it\n";
const GRANTS_HINT: &str = "hint: reading or changing grants needs ownership of the object (or of its schema or catalog) or MANAGE on it\n";

fn admin(bed: &Bed, args: &[&str]) {
    bed.uc_as(ADMIN, args).success();
}

/// Exit 4, and exactly this error line and hint.
#[track_caller]
fn denied(out: Out, doing: &str, message: &str, hint: &str) {
    out.fails(4);
    assert_eq!(
        out.stderr,
        format!("error: {doing}: PERMISSION_DENIED: {message} (HTTP 403)\n{hint}")
    );
}

/// `who` may use catalog `main` and schema `main.app`.
fn can_use(bed: &Bed, who: &str) {
    admin(bed, &["uc", "grant", "main", who, "use catalog"]);
    admin(bed, &["uc", "grant", "main.app", who, "use schema"]);
}

#[test]
fn read_secret_alone_reads_but_cannot_write() {
    let bed = team();
    admin(&bed, &["uc", "put", "main.app.k", "--value", "v1"]);
    can_use(&bed, "alice@example.com");
    admin(
        &bed,
        &[
            "uc",
            "grant",
            "main.app.k",
            "alice@example.com",
            "read secret",
        ],
    );
    bed.clear();
    bed.uc_as(ALICE, &["uc", "get", "main.app.k"])
        .success()
        .stdout_is("v1");
    bed.uc_as(ALICE, &["uc", "show", "main.app.k"]).success();
    bed.clear();
    // An existing secret: the create is a conflict, the new value is refused.
    denied(
        bed.uc_as(ALICE, &["uc", "put", "main.app.k", "--value", "mine"]),
        "cannot set a new value of secret 'main.app.k'",
        "User does not have WRITE SECRET on Secret 'main.app.k'.",
        UPDATE_HINT,
    );
    assert_eq!(
        sent(&bed),
        [
            format!("POST {UC}"),
            format!("PATCH {UC}/main.app.k?update_mask=value")
        ]
    );
    // A new one: no CREATE SECRET.
    denied(
        bed.uc_as(ALICE, &["uc", "put", "main.app.new", "--value", "mine"]),
        "cannot create secret 'main.app.new'",
        "User does not have CREATE SECRET on Schema 'main.app'.",
        CREATE_HINT,
    );
    denied(
        bed.uc_as(ALICE, &["uc", "update", "main.app.k", "--comment", "c"]),
        "cannot update secret 'main.app.k'",
        "User is not an owner of Secret 'main.app.k' and does not have MANAGE on it.",
        UPDATE_HINT,
    );
    denied(
        bed.uc_as(ALICE, &["uc", "delete", "main.app.k"]),
        "cannot delete secret 'main.app.k'",
        "User is not an owner of Secret 'main.app.k' and does not have MANAGE on it.",
        DELETE_HINT,
    );
    let not_owner = "User is not an owner of Secret 'main.app.k' or of what contains it, and does not have MANAGE on it.";
    denied(
        bed.uc_as(ALICE, &["uc", "grants", "main.app.k"]),
        "cannot read the grants on secret 'main.app.k'",
        not_owner,
        GRANTS_HINT,
    );
    denied(
        bed.uc_as(
            ALICE,
            &["uc", "grant", "main.app.k", "alice@example.com", "manage"],
        ),
        "cannot grant alice@example.com MANAGE on secret 'main.app.k'",
        not_owner,
        GRANTS_HINT,
    );
    assert_eq!(stored(&bed, "main.app.k").as_deref(), Some("v1"));
    assert_eq!(stored(&bed, "main.app.new"), None);
}

#[test]
fn create_secret_on_the_schema_creates_and_the_creator_owns() {
    let bed = team();
    can_use(&bed, "alice@example.com");
    admin(
        &bed,
        &[
            "uc",
            "grant",
            "main.app",
            "alice@example.com",
            "create secret",
        ],
    );
    bed.uc_as(ALICE, &["uc", "put", "main.app.hers", "--value", "h"])
        .success();
    let meta = bed
        .uc_as(ALICE, &["uc", "show", "main.app.hers", "-o", "json"])
        .json();
    assert_eq!(
        (meta["owner"].as_str(), meta["created_by"].as_str()),
        (Some("alice@example.com"), Some("alice@example.com"))
    );
    // The owner reads, updates, grants and deletes without any grant on the secret.
    bed.uc_as(ALICE, &["uc", "get", "main.app.hers"])
        .success()
        .stdout_is("h");
    bed.uc_as(
        ALICE,
        &[
            "uc",
            "put",
            "main.app.hers",
            "--value",
            "h2",
            "--comment",
            "mine",
        ],
    )
    .success();
    bed.uc_as(
        ALICE,
        &[
            "uc",
            "grant",
            "main.app.hers",
            "bob@example.com",
            "read secret",
        ],
    )
    .success();
    bed.uc_as(ALICE, &["uc", "grants", "main.app.hers"])
        .success();
    // bob holds READ SECRET on it, but not the use of its parents.
    let out = bed.uc_as(BOB, &["uc", "get", "main.app.hers"]);
    denied(
        out,
        "cannot read secret 'main.app.hers'",
        "User does not have USE CATALOG on Catalog 'main'.",
        READ_HINT,
    );
    bed.uc_as(ALICE, &["uc", "delete", "main.app.hers"])
        .success();
    assert_eq!(stored(&bed, "main.app.hers"), None);
}

#[test]
fn a_schema_grant_reaches_secrets_created_later_until_revoked() {
    let bed = team();
    can_use(&bed, "eng");
    admin(&bed, &["uc", "grant", "main.app", "eng", "READ_SECRET"]);
    admin(&bed, &["uc", "put", "main.app.later", "--value", "L"]);
    // alice is in eng.
    bed.uc_as(ALICE, &["uc", "get", "main.app.later"])
        .success()
        .stdout_is("L");
    let out = bed.uc_as(ALICE, &["uc", "list", "main.app", "-o", "csv"]);
    assert_eq!(
        out.success().stdout.lines().count(),
        2,
        "the header and main.app.later"
    );
    // bob is not.
    denied(
        bed.uc_as(BOB, &["uc", "get", "main.app.later"]),
        "cannot read secret 'main.app.later'",
        "User does not have USE CATALOG on Catalog 'main'.",
        READ_HINT,
    );
    admin(&bed, &["uc", "revoke", "main.app", "eng", "read secret"]);
    denied(
        bed.uc_as(ALICE, &["uc", "get", "main.app.later"]),
        "cannot read secret 'main.app.later'",
        "User does not have MANAGE, READ SECRET, WRITE SECRET or BROWSE on Secret 'main.app.later'.",
        READ_HINT,
    );
    let out = bed.uc_as(ALICE, &["uc", "list", "main.app"]);
    out.success().stdout_is("");
    assert_eq!(
        out.stderr,
        "Schema 'main.app' holds no secrets you can see.\n"
    );
}

#[test]
fn manage_without_read_secret_sees_metadata_but_not_the_value() {
    let bed = team();
    admin(
        &bed,
        &["uc", "put", "main.app.k", "--value", "v", "--comment", "c"],
    );
    can_use(&bed, "alice@example.com");
    admin(
        &bed,
        &["uc", "grant", "main.app.k", "alice@example.com", "MANAGE"],
    );
    let meta = bed
        .uc_as(ALICE, &["uc", "show", "main.app.k", "-o", "json"])
        .json();
    assert_eq!(meta["comment"], "c");
    denied(
        bed.uc_as(ALICE, &["uc", "get", "main.app.k"]),
        "cannot read secret 'main.app.k'",
        "User does not have READ SECRET on Secret 'main.app.k'.",
        READ_HINT,
    );
    // MANAGE changes everything but reads nothing: a new value, the comment, grants.
    bed.uc_as(ALICE, &["uc", "put", "main.app.k", "--value", "rotated"])
        .success();
    bed.uc_as(
        ALICE,
        &[
            "uc",
            "update",
            "main.app.k",
            "--comment",
            "c2",
            "--no-expiry",
        ],
    )
    .success();
    bed.uc_as(ALICE, &["uc", "grants", "main.app.k", "--effective"])
        .success();
    assert_eq!(stored(&bed, "main.app.k").as_deref(), Some("rotated"));
}

#[test]
fn without_any_privilege_nothing_is_visible() {
    let bed = team();
    admin(&bed, &["uc", "put", "main.app.k", "--value", "v"]);
    let out = bed.uc_as(BOB, &["uc", "list"]);
    out.success().stdout_is("");
    assert_eq!(out.stderr, "No Unity Catalog secrets that you can see.\n");
    denied(
        bed.uc_as(BOB, &["uc", "list", "main.app"]),
        "cannot list the secrets of schema 'main.app'",
        "User does not have USE CATALOG on Catalog 'main'.",
        METADATA_HINT,
    );
    denied(
        bed.uc_as(BOB, &["uc", "show", "main.app.k"]),
        "cannot show secret 'main.app.k'",
        "User does not have USE CATALOG on Catalog 'main'.",
        METADATA_HINT,
    );
    // root, the metastore admin, may do everything.
    bed.uc_as(ADMIN, &["uc", "get", "main.app.k"])
        .success()
        .stdout_is("v");
    bed.uc_as(ADMIN, &["uc", "delete", "main.app.k"]).success();
}
