//! `scripts/demo.sh`, the README's first command, runs the binary built from
//! this checkout (here: the one under test), never a `dbsecrets` on PATH.

#[cfg(unix)]
use crate::common::*;

#[cfg(unix)]
#[test]
fn the_demo_uses_the_binary_it_is_given_never_one_on_path() {
    use std::os::unix::fs::PermissionsExt;
    let bed = Bed::new();
    let tools = tempfile::tempdir().unwrap();
    let marker = tools.path().join("impostor-ran");
    let impostor = tools.path().join("dbsecrets");
    std::fs::write(
        &impostor,
        format!("#!/bin/sh\ntouch {}\nexit 7\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&impostor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Out::from(
        std::process::Command::new("bash")
            .arg(format!("{root}/scripts/demo.sh"))
            .env_clear()
            .env("HOME", bed.home.path())
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    tools.path().display(),
                    std::env::var("PATH").unwrap()
                ),
            )
            .env("DBSECRETS", env!("CARGO_BIN_EXE_dbsecrets"))
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(!marker.exists(), "the demo ran a dbsecrets found on PATH");
    assert!(
        out.stdout
            .contains("$ dbsecrets create-scope my-app-secrets\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("$ dbsecrets uc put main.demo.vendor_key --value sk-uc-demo --comment Unity\\ Catalog\\ demo --expires 90d\n"), "{}", out.stdout);
    assert!(
        out.stdout
            .ends_with("$ dbsecrets list-scopes -o json\n[]\n"),
        "{}",
        out.stdout
    );
}
