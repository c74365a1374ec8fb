//! The `--state` file: JSON holding every scope, secret (base64 value,
//! timestamp) and ACL. Written after each change to a temporary file in the
//! same directory (`.NAME.tmp-PID-N`), then renamed over the old one, so a
//! crash leaves either the old or the new state, never half of one. A
//! temporary file that a killed emulator left behind holds secrets too: the
//! next start removes it (one emulator per state file is assumed).
//!
//! On Unix the temporary file, and so the state file, is created with mode
//! 0600 whatever the umask. Elsewhere it gets the directory's default
//! permissions (on Windows, the ACLs it inherits); keep the state file in a
//! private directory there.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{bail, Context as _};

use super::state::{Snapshot, Store};

/// Loads the store from `path`; a missing file is an empty store. Anything
/// else that goes wrong (unreadable, not JSON, breaks a rule) is an error:
/// the file is never silently replaced.
pub(super) fn load(path: &Path, max_scopes: usize) -> anyhow::Result<Store> {
    let parent = parent_dir(path);
    if !parent.is_dir() {
        bail!(
            "the directory of the emulator state file {} does not exist",
            path.display()
        );
    }
    remove_stale_temp_files(path);
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Store::new(max_scopes)),
        Err(e) => {
            return Err(e).with_context(|| {
                format!("could not read the emulator state file {}", path.display())
            })
        }
    };
    let corrupt = || {
        format!(
            "the emulator state file {} is corrupt; fix it or move it away to start empty",
            path.display()
        )
    };
    let snapshot: Snapshot = serde_json::from_str(&text).with_context(corrupt)?;
    Store::from_snapshot(snapshot, max_scopes)
        .map_err(anyhow::Error::msg)
        .with_context(corrupt)
}

/// Writes the whole store to `path` atomically, with mode 0600.
pub(super) fn save(path: &Path, store: &Store) -> anyhow::Result<()> {
    let json = serde_json::to_vec_pretty(&store.snapshot())?;
    let tmp = temp_path(path);
    let written = write_private(&tmp, &json).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.with_context(|| format!("could not write the emulator state file {}", path.display()))
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// `.NAME.tmp-PID-N` next to the target, so the rename stays on one file system.
fn temp_path(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    parent_dir(path).join(format!("{}{}-{n}", temp_prefix(path), std::process::id()))
}

/// What the names of `path`'s temporary files start with: `.NAME.tmp-`.
fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".to_string());
    format!(".{name}.tmp-")
}

/// Removes the temporary files of `path` that an emulator killed mid-save
/// left behind (files and links only; never a directory). A failure is
/// reported, not fatal: the next save does not need the name.
fn remove_stale_temp_files(path: &Path) {
    let prefix = temp_prefix(path);
    let Ok(entries) = std::fs::read_dir(parent_dir(path)) else {
        return;
    };
    for entry in entries.flatten() {
        let stale = entry.file_name().to_string_lossy().starts_with(&prefix)
            && entry.file_type().is_ok_and(|t| !t.is_dir());
        if stale {
            if let Err(e) = std::fs::remove_file(entry.path()) {
                eprintln!(
                    "emulator: could not remove the stale temporary file {}: {e}",
                    entry.path().display()
                );
            }
        }
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        options.mode(0o600);
        let mut file = options.open(path)?;
        // The umask can only take bits away; make it exactly 0600 anyway.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        file.write_all(bytes)?;
        file.sync_all()
    }
    #[cfg(not(unix))]
    {
        let mut file = options.open(path)?;
        file.write_all(bytes)?;
        file.sync_all()
    }
}
