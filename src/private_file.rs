//! Files that hold secret values (`export --output-file`): readable by the
//! owner only, from the first byte, and replaced atomically.
//!
//! That is on Unix. On Windows there are no mode bits: the new file gets the
//! access its folder's ACLs pass on (under the user's profile, the user,
//! SYSTEM and Administrators only); no ACL of its own is set, a documented
//! limitation (`docs/reliability-and-security.md`).

use std::io::Write;
use std::path::Path;

use crate::failure::Failure;

/// Writes `bytes` to `path` readable by the owner only: a new file created with
/// mode 0600 (never widened, never chmod-ed after the fact) in the same
/// folder, then renamed over `path`, so that no reader ever sees a partial
/// file or one with wider permissions.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let shown = path.display().to_string();
    let err = |what: &str, e: std::io::Error| Failure::other(format!("cannot {what} {shown}: {e}"));
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Failure::usage(format!("--output-file {shown} is not a file name")))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options
        .open(&tmp)
        .and_then(|mut f| {
            // The umask can only take bits away; make it exactly 0600 anyway
            // (the same rule as the emulator's state file).
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            }
            f.write_all(bytes).and_then(|()| f.sync_all())
        })
        .map_err(|e| err("write", e))
        .and_then(|()| std::fs::rename(&tmp, path).map_err(|e| err("replace", e)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn private_file_replaces_a_wider_one() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.env");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&p, b"new").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
