//! The seed's role model through the real binary against an emulator that
//! enforces ACLs: administrators write the `secrets` scope, every user reads it.

use crate::common::*;

fn bed() -> Bed {
    Bed::with(EmulatorOptions {
        tokens: vec![
            ("admin-token".into(), "admin@example.com".into()),
            ("alice-token".into(), "alice@example.com".into()),
        ],
        ..EmulatorOptions::default()
    })
}

fn as_user(bed: &Bed, token: &str, args: &[&str]) -> Out {
    Out::from(
        bed.cmd()
            .env("DATABRICKS_TOKEN", token)
            .args(args)
            .output()
            .unwrap(),
    )
}

#[test]
fn admins_write_and_users_read() {
    let bed = bed();
    as_user(&bed, "admin-token", &["create-scope", "secrets"]).success();
    as_user(
        &bed,
        "admin-token",
        &["put", "secrets", "secret-name", "--value", "s3cr3t"],
    )
    .success();
    as_user(
        &bed,
        "admin-token",
        &["put-acl", "secrets", "users", "READ"],
    )
    .success();

    // Alice can list and read ...
    let out = as_user(&bed, "alice-token", &["list", "secrets", "-o", "csv"]);
    out.success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert_eq!(lines[0], "key,last_updated_timestamp,last_updated");
    assert!(lines[1].starts_with("secret-name,"), "{}", out.stdout);
    let out = as_user(&bed, "alice-token", &["get", "secrets", "secret-name"]);
    out.success().stdout_is("s3cr3t");
    // ... but not write, delete or manage.
    let out = as_user(
        &bed,
        "alice-token",
        &["put", "secrets", "secret-name", "--value", "mine"],
    );
    out.fails(4).stderr_has(
        "PERMISSION_DENIED: User alice@example.com does not have WRITE permission on scope secrets to perform this action.",
    );
    out.stderr_has("hint: a user with MANAGE on the scope, or a workspace admin, can grant the permission with `dbsecrets put-acl");
    as_user(&bed, "alice-token", &["delete", "secrets", "secret-name"]).fails(4);
    as_user(
        &bed,
        "alice-token",
        &["put-acl", "secrets", "alice@example.com", "MANAGE"],
    )
    .fails(4);
    as_user(&bed, "alice-token", &["delete-scope", "secrets", "--yes"]).fails(4);
    assert_eq!(
        bed.emu
            .emulator()
            .secret_bytes("secrets", "secret-name")
            .unwrap(),
        b"s3cr3t"
    );

    // Granting WRITE lets her put.
    as_user(
        &bed,
        "admin-token",
        &["put-acl", "secrets", "alice@example.com", "WRITE"],
    )
    .success();
    let out = as_user(
        &bed,
        "alice-token",
        &["put", "secrets", "secret-name", "--value", "mine"],
    );
    out.success().stdout_is("");
    assert_eq!(
        out.stderr,
        "Stored secret 'secret-name' in scope 'secrets' (4 bytes).\n"
    );
    assert_eq!(
        bed.emu
            .emulator()
            .secret_bytes("secrets", "secret-name")
            .unwrap(),
        b"mine"
    );
}

#[test]
fn an_unknown_token_is_exit_4_with_the_identity_hint() {
    let bed = bed();
    let out = as_user(&bed, "stolen-token", &["list-scopes"]);
    out.fails(4)
        .stderr_has("UNAUTHENTICATED")
        .stderr_has(&format!("hint: the credentials were rejected by {} (credential from environment variable DATABRICKS_TOKEN)", bed.url()));
    assert!(!out.stderr.contains("stolen-token"));
}

#[test]
fn a_bad_emulator_config_never_quotes_its_tokens() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        (
            "a.toml",
            "[[principals]]\nname = \"a\"\ntokens = [\"tokSECRET\" \"x\"]\n",
        ),
        (
            "b.toml",
            "[[principals]]\nname = \"a\"\npasword = \"pwSECRET\"\n",
        ),
        (
            "c.json",
            r#"{"principals":[{"name":"a","tokens":"tokSECRET"}]}"#,
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = Out::from(
            std::process::Command::new(env!("CARGO_BIN_EXE_dbsecrets"))
                .args(["emulator", "--config", path.to_str().unwrap()])
                .output()
                .unwrap(),
        );
        assert_ne!(out.code, 0);
        assert!(
            out.stderr.contains("invalid emulator config"),
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains("SECRET"), "{name}: {}", out.stderr);
    }
}
