//! `man`: manual pages in roff, one for `dbsecrets` and one per subcommand
//! (`dbsecrets-list-scopes(1)`, `dbsecrets-uc-put(1)`, …), made by clap_mangen
//! from the same definitions as `--help`, with a synopsis that shows what each
//! option takes (`[-p|--profile NAME]`).

use std::path::Path;

use clap::{ArgAction, Command, CommandFactory};
use roff::{bold, italic, roman, Inline, Roff};

use crate::cli::{Cli, ManArgs};
use crate::failure::Failure;
use crate::output::{Body, Report};

pub fn man(args: ManArgs) -> Result<Report, Failure> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let pages = pages(&cmd);
    match args.dir {
        None => Ok(Report::raw(pages[0].1.clone())),
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .map_err(|e| Failure::other(format!("cannot create {}: {e}", dir.display())))?;
            for (name, page) in &pages {
                write(&dir.join(name), page)?;
            }
            Ok(Report::new(Body::Nothing).note(format!(
                "Wrote {} manual pages to {}: man -M {} dbsecrets (or add it to MANPATH's man1).",
                pages.len(),
                dir.display(),
                dir.parent().unwrap_or(&dir).display()
            )))
        }
    }
}

fn write(path: &Path, page: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, page)
        .map_err(|e| Failure::other(format!("cannot write {}: {e}", path.display())))
}

/// (file name, page) for the command and every visible subcommand, the
/// command's own page first.
fn pages(cmd: &Command) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    collect(cmd, cmd, &mut out);
    out
}

fn collect(root: &Command, cmd: &Command, out: &mut Vec<(String, Vec<u8>)>) {
    let file = format!("{}.1", page_name(cmd));
    out.push((file, page(root, cmd)));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(root, sub, out);
    }
}

/// `dbsecrets`, `dbsecrets-uc-put`.
fn page_name(cmd: &Command) -> String {
    cmd.get_bin_name()
        .unwrap_or_else(|| cmd.get_name())
        .replace(' ', "-")
}

fn page(root: &Command, cmd: &Command) -> Vec<u8> {
    let man = clap_mangen::Man::new(cmd.clone()).title(page_name(cmd));
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = synopsis(cmd).to_writer(&mut out);
    let _ = man.render_description_section(&mut out);
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        let _ = man.render_options_section(&mut out);
    }
    if cmd.has_subcommands() {
        let _ = man.render_subcommands_section(&mut out);
    }
    if cmd.get_after_long_help().is_some() || cmd.get_after_help().is_some() {
        let _ = man.render_extra_section(&mut out);
    }
    let _ = see_also(root, cmd).to_writer(&mut out);
    if cmd.get_version().is_some() || cmd.get_long_version().is_some() {
        let _ = man.render_version_section(&mut out);
    }
    out
}

/// `dbsecrets uc put [-p|--profile NAME] … <NAME>`: each option with what it takes.
fn synopsis(cmd: &Command) -> Roff {
    let mut line: Vec<Inline> = vec![
        bold(cmd.get_bin_name().unwrap_or_else(|| cmd.get_name())),
        roman(" "),
    ];
    for arg in cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set() && !a.is_positional())
    {
        let takes = matches!(arg.get_action(), ArgAction::Set | ArgAction::Append);
        let required = arg.is_required_set();
        line.push(roman(if required { "" } else { "[" }));
        match (arg.get_short(), arg.get_long()) {
            (Some(s), Some(l)) => {
                line.push(bold(format!("-{s}")));
                line.push(roman("|"));
                line.push(bold(format!("--{l}")));
            }
            (Some(s), None) => line.push(bold(format!("-{s}"))),
            (None, Some(l)) => line.push(bold(format!("--{l}"))),
            (None, None) => continue,
        }
        if takes {
            let value = arg
                .get_value_names()
                .and_then(|v| v.first())
                .map(|v| v.to_string())
                .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
            line.push(roman(" "));
            line.push(italic(value));
        }
        line.push(roman(if required { " " } else { "] " }));
    }
    for arg in cmd.get_positionals().filter(|a| !a.is_hide_set()) {
        let value = arg
            .get_value_names()
            .and_then(|v| v.first())
            .map(|v| v.to_string())
            .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
        let many = matches!(arg.get_action(), ArgAction::Append)
            || arg.get_num_args().is_some_and(|n| n.max_values() > 1);
        let (lhs, rhs) = if arg.is_required_set() {
            ("<", ">")
        } else {
            ("[", "]")
        };
        line.push(roman(lhs));
        line.push(italic(value));
        line.push(roman(rhs));
        if many {
            line.push(roman("..."));
        }
        line.push(roman(" "));
    }
    if cmd.has_subcommands() {
        line.push(roman("<"));
        line.push(italic("COMMAND"));
        line.push(roman(">"));
    }
    let mut roff = Roff::new();
    roff.control("SH", ["SYNOPSIS"]).text(line);
    roff
}

/// The main page lists the subcommands' pages; a subcommand's page names its parent's.
fn see_also(root: &Command, cmd: &Command) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["SEE ALSO"]);
    let mut refs: Vec<String> = Vec::new();
    if std::ptr::eq(root, cmd) || cmd.has_subcommands() {
        refs.extend(
            cmd.get_subcommands()
                .filter(|s| !s.is_hide_set())
                .map(|s| format!("{}(1)", page_name(s))),
        );
    }
    if !std::ptr::eq(root, cmd) {
        refs.push(format!("{}(1)", page_name(root)));
    }
    refs.push("the manual: docs/README.md in the dbsecrets source".to_string());
    roff.text([roman(refs.join(", "))]);
    roff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_per_subcommand_with_values_in_the_synopsis() {
        let mut cmd = Cli::command().disable_help_subcommand(true);
        cmd.build();
        let pages = pages(&cmd);
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        for want in [
            "dbsecrets.1",
            "dbsecrets-list-scopes.1",
            "dbsecrets-uc.1",
            "dbsecrets-uc-put.1",
            "dbsecrets-auth-describe.1",
        ] {
            assert!(names.contains(&want), "{want} in {names:?}");
        }
        assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");
        let put = String::from_utf8(
            pages
                .iter()
                .find(|(n, _)| n == "dbsecrets-put.1")
                .unwrap()
                .1
                .clone(),
        )
        .unwrap();
        assert!(put.contains(".TH dbsecrets-put 1"), "{put}");
        assert!(
            put.contains("\\fB\\-p\\fR|\\fB\\-\\-profile\\fR \\fINAME\\fR"),
            "{put}"
        );
        assert!(put.contains("<\\fISCOPE\\fR> <\\fIKEY\\fR>"), "{put}");
        assert!(put.contains("dbsecrets(1)"));
    }
}
