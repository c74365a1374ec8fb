//! `--state`: the workspace survives a restart; the file is private and
//! written atomically; a bad file stops the start instead of being replaced.

use std::path::PathBuf;

use crate::common::{error, Api};
use dbsecrets_emulator::{BackgroundEmulator, EmulatorOptions};
use serde_json::json;

/// A fresh, empty directory for one test.
fn dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("persist-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn with_state(path: &std::path::Path) -> EmulatorOptions {
    EmulatorOptions {
        state_file: Some(path.to_path_buf()),
        ..EmulatorOptions::default()
    }
}

#[tokio::test]
async fn state_survives_a_restart() {
    let path = dir("restart").join("state.json");
    let (timestamp, before_acls) = {
        let api = Api::with(with_state(&path));
        // A missing file is an empty workspace.
        assert_eq!(api.get("scopes/list", &[]).await, (200, json!({})));
        assert!(!path.exists(), "nothing written before a change");
        api.scope("Prod").await;
        api.put("prod", "Db-Password", "hunter2").await;
        let bytes = json!({"scope": "prod", "key": "blob", "bytes_value": "AP8="});
        assert_eq!(api.post("put", bytes).await.0, 200);
        let grant = json!({"scope": "prod", "principal": "users", "permission": "READ"});
        assert_eq!(api.post("acls/put", grant).await.0, 200);
        api.server
            .emulator()
            .seed_keyvault_scope("kv", "/subs/1", "https://kv.vault.azure.net/");
        let (_, list) = api.get("list", &[("scope", "prod")]).await;
        (
            list["secrets"][1]["last_updated_timestamp"].clone(),
            api.get("acls/list", &[("scope", "prod")]).await,
        )
    };

    let api = Api::with(with_state(&path));
    let (_, scopes) = api.get("scopes/list", &[]).await;
    let names: Vec<&str> = scopes["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Prod", "kv"]);
    assert_eq!(scopes["scopes"][1]["backend_type"], "AZURE_KEYVAULT");
    let (_, got) = api
        .get("get", &[("scope", "PROD"), ("key", "db-password")])
        .await;
    assert_eq!(got, json!({"key": "Db-Password", "value": "aHVudGVyMg=="}));
    assert_eq!(
        api.server.emulator().secret_bytes("prod", "blob").unwrap(),
        [0, 255]
    );
    let (_, list) = api.get("list", &[("scope", "prod")]).await;
    assert_eq!(list["secrets"][1]["last_updated_timestamp"], timestamp);
    assert_eq!(
        api.get("acls/list", &[("scope", "prod")]).await,
        before_acls
    );

    // Deletions persist too.
    assert_eq!(
        api.post("scopes/delete", json!({"scope": "prod"})).await.0,
        200
    );
    drop(api);
    let api = Api::with(with_state(&path));
    let (_, scopes) = api.get("scopes/list", &[]).await;
    assert_eq!(scopes["scopes"].as_array().unwrap().len(), 1);
}

#[cfg(unix)]
#[tokio::test]
async fn the_state_file_is_private_and_replaced_atomically() {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let dir = dir("mode");
    let path = dir.join("state.json");
    // A world-readable file from elsewhere is replaced by a private one.
    std::fs::write(&path, r#"{"version": 1, "scopes": []}"#).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let inode = std::fs::metadata(&path).unwrap().ino();
    let api = Api::with(with_state(&path));
    api.scope("s").await;
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_ne!(meta.ino(), inode, "renamed over, not rewritten in place");
    api.put("s", "k", "v").await;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["state.json"]);
}

#[tokio::test]
async fn a_bad_state_file_is_an_error_and_left_alone() {
    let dir = dir("corrupt");
    let cases = [
        ("not-json.json", "{\"version\": 1, \"scopes\": ["),
        (
            "bad-rule.json",
            r#"{"version": 1, "scopes": [{"name": "a b", "backend_type": "DATABRICKS"}]}"#,
        ),
        ("future.json", r#"{"version": 9, "scopes": []}"#),
    ];
    for (name, text) in cases {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let e = BackgroundEmulator::start(with_state(&path))
            .err()
            .expect(name);
        let msg = e.to_string();
        assert!(msg.contains("is corrupt") && msg.contains(name), "{msg}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }
    // A directory where the file should be, and a missing parent directory.
    let e = BackgroundEmulator::start(with_state(&dir)).err().unwrap();
    assert!(e.to_string().contains("could not read"), "{e}");
    let e = BackgroundEmulator::start(with_state(&dir.join("nope/state.json")))
        .err()
        .unwrap();
    assert!(e.to_string().contains("does not exist"), "{e}");
}

/// A change whose save fails is undone and answered 500, so the emulator
/// never keeps a change it called failed, and a retry is not "already
/// exists".
#[tokio::test]
async fn a_change_that_cannot_be_saved_is_undone() {
    let dir = dir("rollback");
    let path = dir.join("state.json");
    let api = Api::with(with_state(&path));
    api.scope("kept").await;
    api.put("kept", "k", "old").await;
    let emulator = api.server.emulator();

    std::fs::remove_dir_all(&dir).unwrap();
    let r = api.post("scopes/create", json!({"scope": "new"})).await;
    let msg = error(r, 500, "INTERNAL_ERROR");
    assert!(
        msg.contains("could not write the emulator state file"),
        "{msg}"
    );
    let put = json!({"scope": "kept", "key": "k", "string_value": "new"});
    error(api.post("put", put).await, 500, "INTERNAL_ERROR");
    let r = api.post("scopes/delete", json!({"scope": "kept"})).await;
    error(r, 500, "INTERNAL_ERROR");
    emulator.seed_keyvault_scope("kv", "/subs/1", "https://kv.vault.azure.net/");
    // Reads need no save: nothing changed.
    let (_, scopes) = api.get("scopes/list", &[]).await;
    assert_eq!(
        scopes,
        json!({"scopes": [{"name": "kept", "backend_type": "DATABRICKS"}]})
    );
    assert_eq!(emulator.secret_bytes("kept", "k").unwrap(), b"old");

    // Once the directory is back, the same create succeeds, and is saved.
    std::fs::create_dir_all(&dir).unwrap();
    let r = api.post("scopes/create", json!({"scope": "new"})).await;
    assert_eq!(r, (200, json!({})));
    drop(api);
    let api = Api::with(with_state(&path));
    let (_, scopes) = api.get("scopes/list", &[]).await;
    let names: Vec<&str> = scopes["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["kept", "new"]);
    assert_eq!(
        api.server.emulator().secret_bytes("kept", "k").unwrap(),
        b"old"
    );
}

/// The temporary files a killed emulator left next to its state file hold
/// secrets: the next start removes them, and only them.
#[tokio::test]
async fn stale_temporary_files_are_removed_at_start() {
    let dir = dir("stale");
    let path = dir.join("state.json");
    std::fs::write(&path, r#"{"version": 1, "scopes": []}"#).unwrap();
    let stale = [".state.json.tmp-4242-0", ".state.json.tmp-4242-17"];
    for name in stale {
        std::fs::write(dir.join(name), "{\"secret\": \"half-written\"}").unwrap();
    }
    let kept = [".other.json.tmp-4242-0", "state.json.tmp-1-0", "notes.txt"];
    for name in kept {
        std::fs::write(dir.join(name), "x").unwrap();
    }
    std::fs::create_dir(dir.join(".state.json.tmp-dir")).unwrap();

    let api = Api::with(with_state(&path));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".other.json.tmp-4242-0",
            ".state.json.tmp-dir",
            "notes.txt",
            "state.json",
            "state.json.tmp-1-0"
        ]
    );
    // And saving still works.
    api.scope("s").await;
    assert!(std::fs::read_to_string(&path).unwrap().contains("\"s\""));

    // Also when the state file itself does not exist yet.
    let fresh = dir.join("fresh.json");
    std::fs::write(dir.join(".fresh.json.tmp-1-0"), "{}").unwrap();
    let _api = Api::with(with_state(&fresh));
    assert!(!dir.join(".fresh.json.tmp-1-0").exists());
}
