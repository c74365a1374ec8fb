//! Databricks secret references, the syntax of cluster environment variables
//! and Spark configuration, found in any text:
//!
//! ```text
//! {{secrets/SCOPE/KEY}}              a secret of a workspace scope (two parts)
//! {{secrets/CATALOG.SCHEMA.NAME}}    a Unity Catalog secret (one part, two dots)
//! ```
//!
//! The grammar, exactly:
//! - A reference starts at `{{` followed by optional spaces or tabs, the word
//!   `secrets`, optional spaces or tabs and `/`. Anything that starts so
//!   *looks like* a reference and must be one: if it does not parse, it is a
//!   [`Malformed`] (never passed through as text). `{{` followed by anything
//!   else (`{{ .Values.x }}`, `{{name}}`) is ordinary text.
//! - It ends at the first `}}` on the same line; none there is a problem.
//! - Spaces and tabs are tolerated right inside the braces and around each
//!   `/` (`{{ secrets/db/password }}`, `{{secrets / db / password}}`), as no
//!   name may contain them. `secrets` is lower case.
//! - Two parts are a scope and a key, checked by the Secrets API's rules; one
//!   part is a Unity Catalog secret's full name, checked by Unity Catalog's
//!   (and folded to lower case, as it stores names). Anything else is a problem.
//! - No name in a reference holds `{` or `}`: the first `}}` ends it, so such
//!   a name could not be written back unambiguously (found by fuzzing).
//!
//! Pure functions over bytes: no I/O, no values.
//!
//! One thing: the grammar, its scanner and their tests, read together.

use std::fmt;
use std::ops::Range;

use dbsecrets_client::names::{self, UcName};

/// What a reference names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reference {
    /// A secret of a workspace secret scope (Secrets API 2.0).
    Scope { scope: String, key: String },
    /// A Unity Catalog secret, `CATALOG.SCHEMA.NAME` in lower case.
    Uc(UcName),
}

impl Reference {
    /// The service that holds it: `workspace` or `unity-catalog`.
    pub fn service(&self) -> &'static str {
        match self {
            Reference::Scope { .. } => "workspace",
            Reference::Uc(_) => "unity-catalog",
        }
    }
}

/// The reference as written canonically: `{{secrets/scope/key}}`.
impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reference::Scope { scope, key } => write!(f, "{{{{secrets/{scope}/{key}}}}}"),
            Reference::Uc(name) => write!(f, "{{{{secrets/{name}}}}}"),
        }
    }
}

/// A reference found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Its bytes in the text, from `{{` to `}}` inclusive.
    pub span: Range<usize>,
    pub reference: Reference,
}

/// Text that looks like a reference and is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// Where it starts in the text (its `{{`).
    pub at: usize,
    /// The text as written (clipped, control characters shown as `?`).
    pub text: String,
    /// What is wrong, and what a reference looks like.
    pub problem: String,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' is not a valid secret reference: {}",
            self.text, self.problem
        )
    }
}

/// Every reference of a text, and every problem, in order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scan {
    pub found: Vec<Found>,
    pub problems: Vec<Malformed>,
}

impl Scan {
    pub fn is_empty(&self) -> bool {
        self.found.is_empty() && self.problems.is_empty()
    }
}

/// What a reference looks like, for hints.
pub const FORMS: &str = "a reference is {{secrets/SCOPE/KEY}} (a workspace secret) or {{secrets/CATALOG.SCHEMA.NAME}} (a Unity Catalog secret); spaces are allowed only right inside the braces and around '/'";

const SHOWN: usize = 80;

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn skip_blanks(text: &[u8], mut i: usize) -> usize {
    while i < text.len() && is_blank(text[i]) {
        i += 1;
    }
    i
}

/// Where the reference that may start with the `{{` at `at` has its `/`
/// after `secrets`: `Some` when the text looks like a reference.
fn trigger(text: &[u8], at: usize) -> Option<usize> {
    let i = skip_blanks(text, at + 2);
    let word = text.get(i..i + 7)?;
    if !word.eq_ignore_ascii_case(b"secrets") {
        return None;
    }
    let j = skip_blanks(text, i + 7);
    (text.get(j) == Some(&b'/')).then_some(j)
}

/// The first `}}` at or after `from`, before the end of the line.
fn closing(text: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 1 < text.len() {
        match text[i] {
            b'\n' => return None,
            b'}' if text[i + 1] == b'}' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Finds every reference of `text`, and every piece of text that looks like
/// one but is not. Linear in the length of the text.
pub fn scan(text: &[u8]) -> Scan {
    let mut out = Scan::default();
    let mut i = 0;
    while i + 1 < text.len() {
        if !(text[i] == b'{' && text[i + 1] == b'{') {
            i += 1;
            continue;
        }
        let Some(_) = trigger(text, i) else {
            i += 1;
            continue;
        };
        match closing(text, i + 2) {
            Some(end) => {
                let span = i..end + 2;
                match parse(&text[i + 2..end]) {
                    Ok(reference) => out.found.push(Found {
                        span: span.clone(),
                        reference,
                    }),
                    Err(problem) => out.problems.push(Malformed {
                        at: i,
                        text: shown(&text[span.clone()]),
                        problem,
                    }),
                }
                i = span.end;
            }
            None => {
                let eol = text[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(text.len(), |n| i + n);
                out.problems.push(Malformed {
                    at: i,
                    text: shown(&text[i..eol]),
                    problem: "it has no closing '}}' on its line".into(),
                });
                // Nothing later on this line can close either.
                i = eol;
            }
        }
    }
    out
}

/// Parses what is between the braces of a reference.
fn parse(inner: &[u8]) -> Result<Reference, String> {
    let inner = std::str::from_utf8(inner).map_err(|_| "it is not UTF-8 text".to_string())?;
    let inner = inner.trim_matches([' ', '\t']);
    let (word, path) = inner.split_once('/').expect("the trigger saw a '/'");
    if word.trim_end_matches([' ', '\t']) != "secrets" {
        return Err("write 'secrets' in lower case".into());
    }
    let parts: Vec<&str> = path
        .split('/')
        .map(|p| p.trim_matches([' ', '\t']))
        .collect();
    if parts.iter().any(|p| p.contains(['{', '}'])) {
        // `}` ends a reference: a name that holds it cannot be written in one.
        return Err("a name in a reference cannot hold '{' or '}'".into());
    }
    match parts.as_slice() {
        [""] => Err("it names no secret".into()),
        [scope, key] => {
            names::scope(scope).map_err(|e| e.to_string())?;
            names::key(key).map_err(|e| e.to_string())?;
            Ok(Reference::Scope {
                scope: scope.to_string(),
                key: key.to_string(),
            })
        }
        [full] if full.contains('.') => UcName::secret(full)
            .map(Reference::Uc)
            .map_err(|e| e.to_string()),
        [_] => {
            Err("one part must be a Unity Catalog secret's full name, CATALOG.SCHEMA.NAME".into())
        }
        _ => Err(format!(
            "it has {} parts: a reference has two (SCOPE/KEY) or one (CATALOG.SCHEMA.NAME)",
            parts.len()
        )),
    }
}

/// Text for a message: lossy UTF-8, control characters as `?`, clipped.
fn shown(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut s: String = text
        .chars()
        .take(SHOWN)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if text.chars().count() > SHOWN {
        s.push('…');
    }
    s
}

/// The 1-based line of byte `at`.
pub fn line_of(text: &[u8], at: usize) -> usize {
    text[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// `text` with each found reference replaced by its value (`found` in order,
/// as [`scan`] gives them).
pub fn substitute<'v>(
    text: &[u8],
    found: &[Found],
    value: impl Fn(&Reference) -> &'v [u8],
) -> Vec<u8> {
    let extra: usize = found.iter().map(|f| value(&f.reference).len()).sum();
    let mut out = Vec::with_capacity(text.len() + extra);
    let mut at = 0;
    for f in found {
        out.extend_from_slice(&text[at..f.span.start]);
        out.extend_from_slice(value(&f.reference));
        at = f.span.end;
    }
    out.extend_from_slice(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(s: &str, k: &str) -> Reference {
        Reference::Scope {
            scope: s.into(),
            key: k.into(),
        }
    }

    fn refs(text: &str) -> Vec<Reference> {
        let s = scan(text.as_bytes());
        assert!(s.problems.is_empty(), "{text:?}: {:?}", s.problems);
        s.found.into_iter().map(|f| f.reference).collect()
    }

    fn problem(text: &str) -> Malformed {
        let s = scan(text.as_bytes());
        assert_eq!(s.problems.len(), 1, "{text:?}: {s:?}");
        s.problems[0].clone()
    }

    #[test]
    fn braces_in_a_name_are_a_problem() {
        for text in [
            "{{secrets/b.appt.oke0} }}",
            "{{secrets/s/k{ }}",
            "{{secrets/s}/k}}",
        ] {
            let p = problem(text);
            assert_eq!(
                p.problem, "a name in a reference cannot hold '{' or '}'",
                "{text}"
            );
        }
    }

    #[test]
    fn both_forms_alone_and_inside_text() {
        assert_eq!(refs("{{secrets/db/password}}"), [scope("db", "password")]);
        assert_eq!(
            refs("postgres://app:{{secrets/db/password}}@db:5432/{{secrets/Main.App.Name}}"),
            [
                scope("db", "password"),
                Reference::Uc(UcName::secret("main.app.name").unwrap())
            ]
        );
        let s = scan(b"x={{secrets/a/b}}!");
        assert_eq!(s.found[0].span, 2..17);
        assert_eq!(
            s.found[0].reference.to_string(),
            "{{secrets/a/b}}",
            "canonical form"
        );
        assert_eq!(
            refs("{{secrets/MAIN.app.x}}")[0].to_string(),
            "{{secrets/main.app.x}}"
        );
        assert_eq!(
            refs("{{secrets/a.b.c/key.with.dots}}"),
            [scope("a.b.c", "key.with.dots")]
        );
        assert_eq!(refs("{{secrets/s@x/k}}"), [scope("s@x", "k")]);
    }

    #[test]
    fn spaces_inside_the_braces_and_around_slashes() {
        for t in [
            "{{ secrets/db/password }}",
            "{{\tsecrets/db/password\t}}",
            "{{secrets / db / password}}",
            "{{  secrets  /db/  password   }}",
        ] {
            assert_eq!(refs(t), [scope("db", "password")], "{t:?}");
        }
        assert_eq!(
            refs("{{ secrets/main.app.x }}"),
            [Reference::Uc(UcName::secret("main.app.x").unwrap())]
        );
    }

    #[test]
    fn other_templates_are_text() {
        for t in [
            "",
            "plain",
            "{{ .Values.password }}",
            "{{secrets}}",
            "{{ secrets_path }}",
            "{secrets/a/b}",
            "{{secret/a/b}}",
            "${{ secrets.TOKEN }}",
            "{",
            "{{",
            "}}",
        ] {
            assert!(scan(t.as_bytes()).is_empty(), "{t:?}");
        }
    }

    #[test]
    fn what_looks_like_a_reference_must_be_one() {
        let cases = [
            ("{{secrets/db}}", "one part must be a Unity Catalog secret"),
            ("{{secrets/}}", "it names no secret"),
            ("{{secrets/a/b/c}}", "it has 3 parts"),
            ("{{secrets/my scope/k}}", "invalid scope name 'my scope'"),
            ("{{secrets/s/k!}}", "invalid key name"),
            ("{{secrets/main.app}}", "names a schema, not a secret"),
            ("{{secrets/a.b.c.d}}", "it has 4 parts"),
            ("{{Secrets/a/b}}", "write 'secrets' in lower case"),
            ("x {{secrets/a/b", "no closing '}}' on its line"),
            ("{{secrets/a/b\n}}", "no closing '}}' on its line"),
            ("{{secrets/a//b}}", "it has 3 parts"),
        ];
        for (text, want) in cases {
            let p = problem(text);
            assert!(p.problem.contains(want), "{text:?}: {}", p.problem);
            assert!(p.to_string().starts_with('\''), "{p}");
        }
        assert_eq!(problem("x {{secrets/a/b").at, 2);
        assert_eq!(problem("{{secrets/a/b\n}}").text, "{{secrets/a/b");
        assert_eq!(problem("{{secrets/\x01x}}").text, "{{secrets/?x}}");
        let long = format!("{{{{secrets/{}", "x".repeat(200));
        assert_eq!(problem(&long).text.chars().count(), SHOWN + 1);
        assert!(problem("{{secrets/\u{fffd}\x00\u{ff}/x}}")
            .problem
            .contains("invalid"));
        let s = scan(b"{{secrets/a/\xff}}");
        assert_eq!(s.problems[0].problem, "it is not UTF-8 text");
    }

    #[test]
    fn problems_and_references_on_one_line_each_counted() {
        let text =
            b"A={{secrets/a/b}} {{secrets/x}} {{secrets/c/d}}\nB={{secrets/e\nC={{secrets/f/g}}";
        let s = scan(text);
        let found: Vec<String> = s.found.iter().map(|f| f.reference.to_string()).collect();
        assert_eq!(
            found,
            ["{{secrets/a/b}}", "{{secrets/c/d}}", "{{secrets/f/g}}"]
        );
        assert_eq!(s.problems.len(), 2);
        assert_eq!(line_of(text, s.problems[1].at), 2);
        assert_eq!(line_of(text, s.found[2].span.start), 3);
    }

    #[test]
    fn substitute_replaces_each_span() {
        let text = b"u={{secrets/a/b}}&p={{ secrets/c/d }}.";
        let s = scan(text);
        let out = substitute(text, &s.found, |r| match r {
            Reference::Scope { key, .. } if key == "b" => b"ONE",
            _ => b"\x00two",
        });
        assert_eq!(out, b"u=ONE&p=\x00two.");
        assert_eq!(substitute(b"none", &[], |_| b""), b"none");
    }

    #[test]
    fn braces_runs_are_linear_and_safe() {
        let text = "{{".repeat(10_000) + &"{{secrets/".repeat(10_000);
        let s = scan(text.as_bytes());
        assert_eq!(s.problems.len(), 1, "one unclosed reference per line");
        assert!(scan("}}{{{{{{secrets/a/b}}}}}".as_bytes())
            .problems
            .is_empty());
    }
}
