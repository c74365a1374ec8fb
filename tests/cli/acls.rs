//! acls, put-acl, get-acl, delete-acl.

use crate::common::*;
use serde_json::json;

#[test]
fn the_admin_writes_users_read_recipe() {
    let bed = Bed::new();
    bed.run(&["create-scope", "secrets"]).success();
    let out = bed.run(&["put-acl", "secrets", "users", "read"]);
    out.success();
    assert_eq!(out.stderr, "Gave users READ on scope 'secrets'.\n");
    assert_eq!(
        bed.requests_to("POST", "/api/2.0/secrets/acls/put")[0].body,
        Some(json!({"scope": "secrets", "principal": "users", "permission": "READ"}))
    );
    let out = bed.run(&["acls", "secrets", "-o", "json"]);
    assert_eq!(
        out.json(),
        json!([{"principal": "admin@example.com", "permission": "MANAGE"}, {"principal": "users", "permission": "READ"}])
    );
    bed.run(&["list-acls", "secrets"]).success().stdout_is(
        "PRINCIPAL           PERMISSION\nadmin@example.com   MANAGE\nusers               READ\n",
    );
    bed.run(&["acls", "secrets", "-o", "csv"])
        .success()
        .stdout_is("principal,permission\nadmin@example.com,MANAGE\nusers,READ\n");
}

#[test]
fn get_acl_in_every_format() {
    let bed = Bed::new();
    bed.run(&["create-scope", "s"]).success();
    bed.run(&["put-acl", "s", "data-team", "Write"]).success();
    let out = bed.run(&["get-acl", "s", "data-team", "-o", "json"]);
    assert_eq!(
        out.json(),
        json!({"principal": "data-team", "permission": "WRITE"})
    );
    bed.run(&["get-acl", "s", "data-team", "-o", "csv"])
        .success()
        .stdout_is("principal,permission\ndata-team,WRITE\n");
    assert_eq!(
        bed.requests_to("GET", "/api/2.0/secrets/acls/get")[0]
            .query
            .as_deref(),
        Some("scope=s&principal=data-team")
    );
    bed.run(&["get-acl", "s", "nobody"])
        .fails(3)
        .stderr_has("hint: see every ACL of the scope with `dbsecrets acls s`");
}

#[test]
fn delete_acl_and_if_exists() {
    let bed = Bed::new();
    bed.run(&["create-scope", "s"]).success();
    bed.run(&["put-acl", "s", "team", "MANAGE"]).success();
    let out = bed.run(&["delete-acl", "s", "team", "-o", "json"]);
    assert_eq!(
        out.json(),
        json!({"result": "revoked", "scope": "s", "principal": "team"})
    );
    assert_eq!(
        bed.requests_to("POST", "/api/2.0/secrets/acls/delete")[0].body,
        Some(json!({"scope": "s", "principal": "team"}))
    );
    bed.run(&["delete-acl", "s", "team"])
        .fails(3)
        .stderr_has("error: cannot remove the ACL of team on scope 's': RESOURCE_DOES_NOT_EXIST")
        .stderr_has("--if-exists makes this a no-op");
    let out = bed.run(&["delete-acl", "s", "team", "--if-exists"]);
    out.success();
    assert_eq!(out.stderr, "team has no ACL on scope 's'; nothing to do.\n");
}

#[test]
fn bad_permission_and_principal_send_nothing() {
    let bed = Bed::new();
    bed.run(&["put-acl", "s", "users", "OWNER"])
        .fails(2)
        .stderr_has("invalid permission 'OWNER': use READ, WRITE or MANAGE");
    bed.run(&["put-acl", "s", " ", "READ"])
        .fails(2)
        .stderr_has("the principal is empty");
    assert!(bed.requests().is_empty());
}

#[test]
fn acls_of_missing_scope() {
    let bed = Bed::new();
    bed.run(&["acls", "nope"])
        .fails(3)
        .stderr_has("cannot list the ACLs of scope 'nope'");
}
