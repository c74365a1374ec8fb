//! The environment of `run`'s command: dbsecrets' own environment, with every
//! variable whose value holds a reference resolved, plus the variables of
//! each `--env-file` (later files win), resolved the same way.
//!
//! Pure: the caller gives the environment and the files' bytes; messages name
//! variables, files and references, never a value.

use std::collections::BTreeMap;
use std::ffi::OsString;

use secrecy::zeroize::Zeroizing;

use super::resolve::Value;
use crate::failure::{exit, Failure};
use crate::refs::{self, Found, Reference};

/// A variable to set in the command's environment.
#[derive(Debug)]
pub struct Var {
    pub name: OsString,
    /// Where it comes from, for messages: `variable DB_URL` (of `FILE`).
    pub origin: String,
    text: String,
    found: Vec<Found>,
}

/// The variables to set, in name order.
#[derive(Debug, Default)]
pub struct EnvPlan {
    pub vars: Vec<Var>,
}

/// An env file as read: its name (for messages) and bytes.
pub struct EnvFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl EnvPlan {
    /// The plan for `own` (dbsecrets' environment) and `files`: each
    /// variable that holds references, and every variable of the files. One
    /// error (exit 2) lists every variable with text that looks like a
    /// reference but is not one, and every line of a file that cannot be parsed.
    pub fn new(
        own: impl IntoIterator<Item = (OsString, OsString)>,
        files: &[EnvFile],
    ) -> Result<EnvPlan, Failure> {
        let mut problems = Vec::new();
        let mut chosen: BTreeMap<OsString, Var> = BTreeMap::new();
        for (name, value) in own {
            let origin = format!("variable {}", name.to_string_lossy());
            let scan = refs::scan(value.as_encoded_bytes());
            if scan.is_empty() {
                continue;
            }
            let Some(text) = value.to_str() else {
                problems.push(format!(
                    "{origin} holds a secret reference but is not UTF-8 text"
                ));
                continue;
            };
            let var = Var::new(name.clone(), origin, text.to_string(), &mut problems);
            chosen.insert(name, var);
        }
        for file in files {
            for (name, value) in parse_env_file(file, &mut problems) {
                let origin = format!("variable {name} of {}", file.name);
                let name = OsString::from(name);
                let var = Var::new(name.clone(), origin, value, &mut problems);
                chosen.insert(name, var);
            }
        }
        if !problems.is_empty() {
            return Err(problems_failure(problems, "the command was not started"));
        }
        Ok(EnvPlan {
            vars: chosen.into_values().collect(),
        })
    }

    /// Every distinct reference, in order of first use.
    pub fn references(&self) -> Vec<Reference> {
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for f in self.vars.iter().flat_map(|v| &v.found) {
            if seen.insert(&f.reference) {
                out.push(f.reference.clone());
            }
        }
        out
    }

    /// The variables that use `r`, for messages: `DB_URL, DB_RO_URL`.
    pub fn used_by(&self, r: &Reference) -> String {
        let names: Vec<String> = self
            .vars
            .iter()
            .filter(|v| v.found.iter().any(|f| &f.reference == r))
            .map(|v| v.name.to_string_lossy().into_owned())
            .collect();
        names.join(", ")
    }

    /// Each variable with its references replaced by their values. A value
    /// that an environment variable cannot hold (a NUL byte, not UTF-8) is
    /// refused (exit 1), naming every variable it would go into.
    pub fn render(
        &self,
        values: &BTreeMap<Reference, Value>,
    ) -> Result<Vec<(OsString, Zeroizing<String>)>, Failure> {
        let mut problems = Vec::new();
        let mut out = Vec::with_capacity(self.vars.len());
        for var in &self.vars {
            let mut ok = true;
            for f in &var.found {
                let v = &values[&f.reference];
                let why = if v.contains(&0) {
                    "holds a NUL byte"
                } else if std::str::from_utf8(v).is_err() {
                    "is not UTF-8 text"
                } else {
                    continue;
                };
                problems.push(format!(
                    "{}: the value of {} {why}, which an environment variable cannot hold",
                    var.origin, f.reference
                ));
                ok = false;
            }
            if !ok {
                continue;
            }
            let bytes = Zeroizing::new(refs::substitute(var.text.as_bytes(), &var.found, |r| {
                values[r].as_slice()
            }));
            let text = String::from_utf8(bytes.to_vec()).expect("UTF-8 text with UTF-8 values");
            out.push((var.name.clone(), Zeroizing::new(text)));
        }
        if problems.is_empty() {
            return Ok(out);
        }
        let failure = problems_failure(problems, "the command was not started");
        Err(Failure {
            code: exit::FAILURE,
            ..failure
        }
        .with_hint("read such a value with `dbsecrets get` and encode it (e.g. base64), or store it encoded"))
    }
}

impl Var {
    fn new(name: OsString, origin: String, text: String, problems: &mut Vec<String>) -> Var {
        let scan = refs::scan(text.as_bytes());
        problems.extend(scan.problems.iter().map(|p| format!("{origin}: {p}")));
        Var {
            name,
            origin,
            text,
            found: scan.found,
        }
    }
}

/// The entries of a dotenv file, in order; problems name lines by the
/// variable before them, never by their text (it may hold a value).
fn parse_env_file(file: &EnvFile, problems: &mut Vec<String>) -> Vec<(String, String)> {
    let bytes = file
        .bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&file.bytes);
    if std::str::from_utf8(bytes).is_err() {
        problems.push(format!("{} is not UTF-8 text", file.name));
        return Vec::new();
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for item in dotenvy::from_read_iter(bytes) {
        match item {
            Ok(entry) => out.push(entry),
            Err(_) => problems.push(format!(
                "{}: {} cannot be parsed (an unclosed quote, a bad escape, a space in an unquoted value or a bad name)",
                file.name,
                match out.last() {
                    Some((k, _)) => format!("the line after variable {k}"),
                    None => "a line before the first variable".to_string(),
                }
            )),
        }
    }
    out
}

/// One failure (exit 2) for text that is not what it should be: the one
/// problem as the message, or a count and every problem as details.
pub fn problems_failure(problems: Vec<String>, consequence: &str) -> Failure {
    let failure = if problems.len() == 1 {
        Failure::usage(format!("{}: {consequence}", problems[0]))
    } else {
        Failure::usage(format!("{} problems: {consequence}", problems.len())).with_details(problems)
    };
    failure.with_hint(refs::FORMS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(vars: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
        vars.iter().map(|(k, v)| (k.into(), v.into())).collect()
    }

    fn file(name: &str, text: &str) -> EnvFile {
        EnvFile {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn own_variables_with_references_and_every_file_variable() {
        let plan = EnvPlan::new(
            own(&[
                ("PATH", "/bin"),
                ("DB", "u:{{secrets/db/pw}}@h"),
                ("X", "{{secrets/a/b}}"),
            ]),
            &[
                file("a.env", "X=plain\nY='{{ secrets/db/pw }}'\n"),
                file("b.env", "Z=1\nY={{secrets/main.app.k}}"),
            ],
        )
        .unwrap();
        let names: Vec<_> = plan.vars.iter().map(|v| v.name.to_str().unwrap()).collect();
        assert_eq!(names, ["DB", "X", "Y", "Z"], "PATH is inherited, not set");
        let refs: Vec<String> = plan.references().iter().map(|r| r.to_string()).collect();
        assert_eq!(refs, ["{{secrets/db/pw}}", "{{secrets/main.app.k}}"]);
        let pw = &plan.references()[0];
        assert_eq!(plan.used_by(pw), "DB");
        let mut values = BTreeMap::new();
        values.insert(pw.clone(), Zeroizing::new(b"s3cret".to_vec()));
        values.insert(plan.references()[1].clone(), Zeroizing::new(b"uc".to_vec()));
        let env: Vec<(String, String)> = plan
            .render(&values)
            .unwrap()
            .into_iter()
            .map(|(k, v)| (k.into_string().unwrap(), v.to_string()))
            .collect();
        assert_eq!(
            env,
            [
                ("DB".into(), "u:s3cret@h".into()),
                ("X".into(), "plain".into()),
                ("Y".into(), "uc".into()),
                ("Z".into(), "1".into())
            ]
        );
    }

    #[test]
    fn every_bad_reference_is_listed_by_variable() {
        let e = EnvPlan::new(
            own(&[("A", "{{secrets/a}}"), ("B", "ok {{secrets/x/y}}")]),
            &[file("f.env", "C=\"{{secrets/1/2/3}}\"\nD=\"unclosed\n")],
        )
        .unwrap_err();
        assert_eq!(e.code, 2);
        assert_eq!(e.message, "3 problems: the command was not started");
        assert!(
            e.details[0].starts_with("variable A: '{{secrets/a}}' is not a valid secret reference"),
            "{:?}",
            e.details
        );
        assert!(
            e.details[1].starts_with("f.env: the line after variable C cannot be parsed"),
            "{:?}",
            e.details
        );
        assert!(e.details[2].starts_with("variable C of f.env: '{{secrets/1/2/3}}'"));
        let e = EnvPlan::new(own(&[("A", "x{{secrets/a b/c}}")]), &[]).unwrap_err();
        assert!(
            e.message
                .starts_with("variable A: '{{secrets/a b/c}}' is not"),
            "{}",
            e.message
        );
        assert!(e.message.ends_with(": the command was not started"));
    }

    #[test]
    fn values_an_environment_cannot_hold_are_refused() {
        let plan = EnvPlan::new(
            own(&[
                ("A", "{{secrets/s/nul}}"),
                ("B", "{{secrets/s/bin}}-{{secrets/s/nul}}"),
            ]),
            &[],
        )
        .unwrap();
        let mut values = BTreeMap::new();
        for (r, v) in plan
            .references()
            .into_iter()
            .zip([b"a\0b".to_vec(), vec![0xff, 0xfe]])
        {
            values.insert(r, Zeroizing::new(v));
        }
        let e = plan.render(&values).unwrap_err();
        assert_eq!(e.code, 1);
        assert_eq!(e.details.len(), 3, "{:?}", e.details);
        assert_eq!(
            e.details[0],
            "variable A: the value of {{secrets/s/nul}} holds a NUL byte, which an environment variable cannot hold"
        );
        assert!(e.details[1].contains("{{secrets/s/bin}} is not UTF-8 text"));
    }
}
