//! `dbsecrets emulator --state` with a file it must refuse.

use std::process::Stdio;

/// The CLI names a corrupt state file and exits non-zero before printing a
/// URL (the library side of this is in the emulator crate's persist tests).
#[test]
fn cli_refuses_a_corrupt_state_file() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-persist-tests");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("not-json.json");
    let text = "{\"version\": 1, \"scopes\": [";
    std::fs::write(&path, text).unwrap();
    let output = crate::common::emulator_command()
        .args(["--state", path.to_str().unwrap()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is corrupt; fix it or move it away"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}
