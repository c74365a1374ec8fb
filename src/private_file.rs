//! Files that hold secret values (`export --output-file`): readable by the
//! owner only, from the first byte, and replaced atomically. A symbolic link
//! is written through (its target is replaced, the link stays); a device, a
//! pipe or `/dev/fd/N` is written directly, since there is nothing to replace.
//!
//! Modes are Unix's. On Windows there are no mode bits: the new file gets the
//! access its folder's ACLs pass on (under the user's profile, the user,
//! SYSTEM and Administrators only); no ACL of its own is set, a documented
//! limitation (`docs/reliability-and-security.md`).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::failure::Failure;

/// How [`write_private`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// A regular file, created or replaced atomically with mode 0600.
    File,
    /// A device, a pipe or a socket (`/dev/stdout`, a FIFO, `/dev/fd/N`):
    /// written directly; no file was created, so no mode applies.
    Stream,
}

/// Writes `bytes` to `path`, which the user named.
///
/// A regular file (or a new one) is written readable by the owner only: a
/// new file created with mode 0600 (never widened, never chmod-ed after the
/// fact) in the same folder, then renamed over the file, so that no reader
/// ever sees a partial file or one with wider permissions. When `path` is a
/// symbolic link, that happens to the file it points to, and the link stays.
/// A device, FIFO or socket is opened and written as it is: renaming a file
/// over it would replace it (and `/dev/stdout` is no place for a temp file).
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<Written, Failure> {
    let shown = path.display().to_string();
    let err = |what: &str, e: std::io::Error| Failure::other(format!("cannot {what} {shown}: {e}"));
    let link = std::fs::symlink_metadata(path)
        .map(|m| m.file_type().is_symlink())
        .unwrap_or(false);
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(Failure::usage(format!(
            "--output-file {shown} is a directory"
        ))),
        Ok(m) if !m.is_file() => {
            let mut out = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| err("open", e))?;
            out.write_all(bytes)
                .and_then(|()| out.flush())
                .map_err(|e| err("write", e))?;
            Ok(Written::Stream)
        }
        Ok(_) if link => {
            let target = std::fs::canonicalize(path).map_err(|e| err("resolve the link", e))?;
            replace(&target, bytes, &shown).map(|()| Written::File)
        }
        Ok(_) => replace(path, bytes, &shown).map(|()| Written::File),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && link => {
            let target = std::fs::read_link(path)
                .map(|t| t.display().to_string())
                .unwrap_or_else(|_| "?".into());
            Err(Failure::usage(format!(
                "--output-file {shown} is a symbolic link to {target}, which does not exist: nothing was written"
            ))
            .with_hint("point the link at an existing file, or name the file itself"))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            replace(path, bytes, &shown).map(|()| Written::File)
        }
        Err(e) => Err(err("write", e)),
    }
}

/// Creates a 0600 temp file beside `path`, writes it, renames it over `path`.
fn replace(path: &Path, bytes: &[u8], shown: &str) -> Result<(), Failure> {
    let err = |what: &str, e: std::io::Error| Failure::other(format!("cannot {what} {shown}: {e}"));
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Failure::usage(format!("--output-file {shown} is not a file name")))?;
    let tmp: PathBuf = dir.join(format!(
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
        assert_eq!(write_private(&p, b"new").unwrap(), Written::File);
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
