//! The first hour of a new user: hints that can be pasted and that suggest
//! only what can work, a profile named in the wrong case, and environment
//! variables that silently win over a named profile.

use crate::common::*;

/// A config file whose DEV profile is the emulator.
fn dev_profile(bed: &Bed) {
    bed.write_config(&format!("[DEV]\nhost = {}\ntoken = {TOKEN}\n", bed.url()));
}

fn with_dev(bed: &Bed, args: &[&str]) -> Out {
    dev_profile(bed);
    Out::from(bed.bare().args(args).output().unwrap())
}

#[test]
fn hints_repeat_the_profile_so_they_can_be_pasted() {
    let bed = Bed::new();
    let out = with_dev(&bed, &["list", "nope", "-p", "DEV"]);
    out.fails(3);
    assert_eq!(
        out.stderr.lines().nth(1).unwrap(),
        "hint: check the name with `dbsecrets list-scopes -p DEV`, or create it with `dbsecrets create-scope nope -p DEV`"
    );
}

#[test]
fn a_key_in_a_missing_scope_points_at_the_scopes_not_the_keys() {
    let bed = Bed::new();
    let out = with_dev(&bed, &["get", "nope", "k", "-p", "DEV"]);
    out.fails(3);
    assert_eq!(
        out.stderr.lines().nth(1).unwrap(),
        "hint: scope 'nope' does not exist: check the name with `dbsecrets list-scopes -p DEV`"
    );
    bed.run(&["create-scope", "real"]).success();
    let out = with_dev(&bed, &["delete", "real", "missing", "-p", "DEV"]);
    out.fails(3);
    assert_eq!(
        out.stderr.lines().nth(1).unwrap(),
        "hint: see the keys of the scope with `dbsecrets list real -p DEV`; --if-exists makes this a no-op"
    );
}

#[test]
fn a_profile_in_the_wrong_case_suggests_the_right_one() {
    let bed = Bed::new();
    let out = with_dev(&bed, &["list-scopes", "-p", "dev"]);
    out.fails(2);
    assert_eq!(
        out.stderr.lines().nth(1).unwrap(),
        "hint: profile names are case-sensitive: did you mean -p DEV?"
    );
    assert!(bed.requests().is_empty());
}

#[test]
fn the_environment_winning_over_a_named_profile_is_said_once() {
    let bed = Bed::new();
    bed.write_config("[DEV]\nhost = https://dev.example.com\ntoken = dev-token\n");
    let out = Out::from(
        bed.cmd()
            .args(["list-scopes", "-p", "DEV", "-o", "json"])
            .output()
            .unwrap(),
    );
    out.success().stdout_is("[]\n");
    assert_eq!(
        out.stderr,
        "warning: DATABRICKS_HOST, DATABRICKS_TOKEN in the environment override the host, token of profile [DEV] named with --profile: the environment wins over every profile; unset them to use the profile's\n"
    );
    // Without -p nothing was named: no warning.
    let out = Out::from(bed.cmd().args(["list-scopes"]).output().unwrap());
    assert_eq!(out.stderr, "No secret scopes in this workspace.\n");
}

#[test]
fn a_copy_between_two_profiles_that_resolve_to_one_workspace_is_refused() {
    let bed = Bed::new();
    bed.scope_with("app", &[("k", "v")]);
    bed.write_config(
        "[DEV]\nhost = https://dev.example.com\ntoken = d\n[PROD]\nhost = https://prod.example.com\ntoken = p\n",
    );
    let out = Out::from(
        bed.cmd()
            .args([
                "copy",
                "app",
                "app",
                "--from-profile",
                "DEV",
                "--to-profile",
                "PROD",
            ])
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(lines[0].starts_with("warning: DATABRICKS_HOST, DATABRICKS_TOKEN in the environment override the host, token of profile [DEV] named with --from-profile"), "{}", lines[0]);
    assert!(
        lines[1].contains("of profile [PROD] named with --to-profile"),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[2],
        format!(
            "error: copy from scope 'app' to itself: --from-profile and --to-profile both resolve to {}",
            bed.url()
        )
    );
    assert!(
        bed.requests().is_empty(),
        "nothing was sent: {:?}",
        bed.requests()
    );
}

/// Completion scripts cover commands, flags and fixed values; profile names
/// are not offered (clap computes completions at completion time only behind
/// an unstable feature: see the README), so a script never runs dbsecrets.
#[test]
fn completion_scripts_complete_flags_and_fixed_values() {
    let bed = Bed::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = Out::from(bed.bare().args(["completions", shell]).output().unwrap());
        out.success();
        for word in ["profile", "list-scopes", "uc", "text", "azure-keyvault"] {
            assert!(out.stdout.contains(word), "{shell} lacks {word}");
        }
        assert!(
            !out.stdout.contains("COMPLETE="),
            "{shell}: not the dynamic registration"
        );
    }
}
