//! The config file (`~/.databrickscfg`): INI read by the rules of auth.md, its
//! profiles, and the warning for a file others can read.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use ini::{Ini, ParseOption};

use super::{Config, ConfigError, Env, Source, ATTRIBUTES, DEFAULT_CONFIG_FILE};

/// The config file's path: `DATABRICKS_CONFIG_FILE` (with `~` and `~/` expanded
/// against `home`), else `~/.databrickscfg`. Without a home directory, `~` is
/// the current directory.
pub fn config_file_path(env: &dyn Env, home: Option<&Path>) -> PathBuf {
    let home = home.map(Path::to_path_buf).unwrap_or_default();
    match env.var("DATABRICKS_CONFIG_FILE") {
        Some(p) if p == "~" => home,
        Some(p) => match p.strip_prefix("~/") {
            Some(rest) => home.join(rest),
            None => PathBuf::from(p),
        },
        None => home.join(DEFAULT_CONFIG_FILE),
    }
}

/// The profiles of the config file, in file order, and the one used when none is
/// asked for. `None` when the file does not exist; an error when it cannot be
/// read or parsed.
pub fn list_profiles(
    env: &dyn Env,
    home: Option<&Path>,
) -> Result<Option<ProfileList>, ConfigError> {
    let path = config_file_path(env, home);
    let Some(text) = read_text(&path)? else {
        return Ok(None);
    };
    let file = ConfigFile::parse(&text).map_err(|e| e.at(&path))?;
    let default = match file.settings.get("default_profile") {
        Some(p) if !p.is_empty() => Some(p.clone()),
        _ => file
            .sections
            .get("DEFAULT")
            .filter(|keys| !keys.is_empty())
            .map(|_| "DEFAULT".to_string()),
    };
    Ok(Some(ProfileList {
        names: file.profile_names(),
        default,
        path,
    }))
}

/// What [`list_profiles`] found.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ProfileList {
    /// The config file that was read.
    pub path: PathBuf,
    /// The profile (section) names, in file order; `[__settings__]` is not one.
    pub names: Vec<String>,
    /// The profile used when none is asked for: `default_profile` of
    /// `[__settings__]`, else `DEFAULT` when it has keys. It may name a profile
    /// that is not in the file.
    pub default: Option<String>,
}

pub(super) fn load_profile(
    cfg: &mut Config,
    asked: Option<(String, Source)>,
) -> Result<(), ConfigError> {
    let path = cfg.config_file.clone();
    let Some(text) = read_text(&path)? else {
        return match asked {
            Some((profile, _)) => Err(ConfigError::NoConfigFile { path, profile }),
            None => Ok(()),
        };
    };
    cfg.file_read = true;
    if let Some(w) = permission_warning(&path) {
        cfg.warnings.push(w);
    }
    let file = ConfigFile::parse(&text).map_err(|e| e.at(&path))?;
    cfg.profiles = file.profile_names();

    let chosen = match asked {
        Some(p) => Some(p),
        None => match file.settings.get("default_profile") {
            Some(p) if !p.is_empty() => Some((
                p.clone(),
                Source::File {
                    path: path.clone(),
                    profile: "__settings__".into(),
                },
            )),
            _ => file
                .sections
                .get("DEFAULT")
                .filter(|keys| !keys.is_empty())
                .map(|_| {
                    (
                        "DEFAULT".to_string(),
                        Source::Default("the DEFAULT profile"),
                    )
                }),
        },
    };
    let Some((name, why)) = chosen else {
        return Ok(());
    };
    let Some(keys) = file.sections.get(&name) else {
        return Err(ConfigError::ProfileNotFound {
            path,
            available: cfg.profiles.clone(),
            profile: name,
        });
    };
    for a in ATTRIBUTES {
        if let Some(existing) = cfg.values.get(a.name) {
            // The profile sets it too, but the environment wins: worth a warning.
            if let (Source::Env(var), Some(_)) =
                (&existing.source, keys.get(a.name).filter(|v| !v.is_empty()))
            {
                cfg.overridden.push((var.clone(), a.name));
            }
            continue;
        }
        if let Some(v) = keys.get(a.name).filter(|v| !v.is_empty()) {
            cfg.set(
                a.name,
                v.clone(),
                Source::File {
                    path: path.clone(),
                    profile: name.clone(),
                },
            );
        }
    }
    cfg.profile = Some((name, why));
    Ok(())
}

/// The largest config file read (4 MiB: thousands of profiles). A path that
/// names something endless (`/dev/zero`, a pipe) stops here.
pub const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// The config file's text; `None` when it does not exist. Size-checked while
/// it is read, never after.
fn read_text(path: &Path) -> Result<Option<String>, ConfigError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| {
        f.take(MAX_CONFIG_BYTES + 1)
            .read_to_end(&mut bytes)
            .map(drop)
    });
    match read {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })
        }
    }
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(ConfigError::Read {
            path: path.to_path_buf(),
            reason: format!(
                "it is larger than {} MiB, which no config file is",
                MAX_CONFIG_BYTES / 1024 / 1024
            ),
        });
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| ConfigError::Parse {
            path: path.to_path_buf(),
            reason: "it is not UTF-8 text".into(),
        })
}

/// Like ssh with a private key: credentials in a file that others can read deserve a warning.
///
/// The warning text (with the `chmod 600` that fixes it) when the file's group or
/// other permission bits are set; `None` when they are not, when the file cannot
/// be examined, and always on systems other than Unix.
#[cfg(unix)]
pub fn permission_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "{} is accessible by other users (mode {mode:03o}) and may hold credentials; run: chmod 600 {}",
            path.display(),
            path.display()
        )
    })
}

/// Never a warning on systems other than Unix: Windows has no mode bits, and
/// what its ACLs allow is not examined (see `docs/reliability-and-security.md`).
#[cfg(not(unix))]
pub fn permission_warning(_path: &Path) -> Option<String> {
    None
}

/// A parsed config file: each profile's keys (lower-cased), plus `[__settings__]`.
///
/// Its `Debug` output shows every value, credentials included: do not log it.
#[derive(Debug, Default, PartialEq)]
pub struct ConfigFile {
    /// Profile name (case-sensitive) to its keys (lower case) and raw values.
    /// Sorted by name; [`ConfigFile::profile_names`] gives the file order.
    pub sections: BTreeMap<String, HashMap<String, String>>,
    /// The keys of `[__settings__]`, e.g. `default_profile`.
    pub settings: HashMap<String, String>,
    order: Vec<String>,
}

/// Why [`ConfigFile::parse`] failed; [`resolve()`](super::resolve()) turns it into a
/// [`ConfigError`] that names the file.
#[derive(Debug)]
#[non_exhaustive]
pub enum ParseProblem {
    /// Not INI text: the first bad line, `line N: what is wrong with it`.
    Syntax(String),
    /// A section that appears twice: its name.
    Duplicate(String),
}

impl ParseProblem {
    fn at(self, path: &Path) -> ConfigError {
        match self {
            ParseProblem::Syntax(reason) => ConfigError::Parse {
                path: path.to_path_buf(),
                reason,
            },
            ParseProblem::Duplicate(section) => ConfigError::DuplicateSection {
                path: path.to_path_buf(),
                section,
            },
        }
    }
}

impl ConfigFile {
    /// Parses INI text by the rules of auth.md: case-sensitive section names,
    /// case-insensitive keys, raw values (no escapes, quotes or interpolation),
    /// `#`/`;` after whitespace start an inline comment, duplicate sections are an
    /// error, and `[DEFAULT]` is a profile like any other (nothing is inherited).
    pub fn parse(text: &str) -> Result<ConfigFile, ParseProblem> {
        let opt = ParseOption {
            enabled_quote: false,
            enabled_escape: false,
            ..ParseOption::default()
        };
        // A byte order mark (Windows editors) is not part of the first line.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if let Some(problem) = super::syntax::first_bad_line(text) {
            return Err(ParseProblem::Syntax(problem));
        }
        // Every line is of a known shape: a failure here is the parser's own
        // (the fuzz target `config_file` looks for such text).
        let ini = Ini::load_from_str_opt(text, opt).map_err(|e| {
            ParseProblem::Syntax(format!(
                "line {}: the INI parser cannot read it",
                e.line.max(1)
            ))
        })?;
        let mut file = ConfigFile::default();
        for (section, props) in ini.iter() {
            let Some(section) = section else {
                continue; // keys before any section belong to no profile
            };
            let keys: HashMap<String, String> = props
                .iter()
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                .collect();
            if section == "__settings__" {
                file.settings.extend(keys);
                continue;
            }
            if file.sections.contains_key(section) {
                return Err(ParseProblem::Duplicate(section.to_string()));
            }
            file.order.push(section.to_string());
            file.sections.insert(section.to_string(), keys);
        }
        Ok(file)
    }

    /// Profile names in file order.
    pub fn profile_names(&self) -> Vec<String> {
        self.order.clone()
    }
}
