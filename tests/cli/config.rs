//! The profile and environment rules of auth.md, each its own test, with a
//! temporary HOME. Every test checks which workspace and credential were used by
//! looking at the request the emulator received.

use crate::common::*;

#[test]
fn profile_flag_selects_host_and_token() {
    let bed = Bed::new();
    bed.write_config(&format!("[DEV]\nhost = {}\ntoken = dev-token\n\n[PROD]\nhost = https://prod.invalid\ntoken = prod-token\n", bed.url()));
    Out::from(
        bed.bare()
            .args(["list-scopes", "-p", "DEV"])
            .output()
            .unwrap(),
    )
    .success();
    assert_eq!(auth_used(&bed), "Bearer dev-token");
    // Global flags work before the subcommand too: the same request, the same output.
    let out = Out::from(
        bed.bare()
            .args(["--profile", "DEV", "list-scopes"])
            .output()
            .unwrap(),
    );
    out.success().stdout_is("");
    assert_eq!(out.stderr, "No secret scopes in this workspace.\n");
    assert_eq!(auth_used(&bed), "Bearer dev-token");
}

#[test]
fn profile_from_environment_variable() {
    let bed = Bed::new();
    bed.write_config(&format!("[CI]\nhost = {}\ntoken = ci-token\n", bed.url()));
    Out::from(
        bed.bare()
            .env("DATABRICKS_CONFIG_PROFILE", "CI")
            .args(["list-scopes"])
            .output()
            .unwrap(),
    )
    .success();
    assert_eq!(auth_used(&bed), "Bearer ci-token");
}

#[test]
fn flag_beats_profile_environment_variable() {
    let bed = Bed::new();
    bed.write_config(&format!(
        "[A]\nhost = https://a.invalid\ntoken = a\n[B]\nhost = {}\ntoken = b-token\n",
        bed.url()
    ));
    Out::from(
        bed.bare()
            .env("DATABRICKS_CONFIG_PROFILE", "A")
            .args(["list-scopes", "-p", "B"])
            .output()
            .unwrap(),
    )
    .success();
    assert_eq!(auth_used(&bed), "Bearer b-token");
}

#[test]
fn environment_token_beats_the_named_profiles_token() {
    let bed = Bed::new();
    bed.write_config(&format!(
        "[DEV]\nhost = {}\ntoken = file-token\n",
        bed.url()
    ));
    Out::from(
        bed.bare()
            .env("DATABRICKS_TOKEN", "env-token")
            .args(["list-scopes", "-p", "DEV"])
            .output()
            .unwrap(),
    )
    .success();
    assert_eq!(auth_used(&bed), "Bearer env-token");
}

#[test]
fn config_file_environment_variable() {
    let bed = Bed::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("team.cfg");
    std::fs::write(
        &path,
        format!("[DEFAULT]\nhost = {}\ntoken = team-token\n", bed.url()),
    )
    .unwrap();
    Out::from(
        bed.bare()
            .env("DATABRICKS_CONFIG_FILE", &path)
            .args(["list-scopes"])
            .output()
            .unwrap(),
    )
    .success();
    assert_eq!(auth_used(&bed), "Bearer team-token");
}

#[test]
fn settings_default_profile() {
    let bed = Bed::new();
    bed.write_config(&format!(
        "[DEFAULT]\nhost = https://default.invalid\ntoken = d\n\n[team]\nhost = {}\ntoken = team-token\n\n[__settings__]\ndefault_profile = team\n",
        bed.url()
    ));
    Out::from(bed.bare().args(["list-scopes"]).output().unwrap()).success();
    assert_eq!(auth_used(&bed), "Bearer team-token");
}

#[test]
fn default_section_when_nothing_is_asked() {
    let bed = Bed::new();
    bed.write_config(&format!("[DEFAULT]\nhost = {}\ntoken = default-token\n[other]\nhost = https://x.invalid\ntoken = o\n", bed.url()));
    Out::from(bed.bare().args(["list-scopes"]).output().unwrap()).success();
    assert_eq!(auth_used(&bed), "Bearer default-token");
}

#[test]
fn default_section_is_not_inherited() {
    let bed = Bed::new();
    bed.write_config(&format!(
        "[DEFAULT]\ntoken = default-token\n\n[DEV]\nhost = {}\n",
        bed.url()
    ));
    let out = Out::from(
        bed.bare()
            .args(["list-scopes", "-p", "DEV"])
            .output()
            .unwrap(),
    );
    out.fails(2)
        .stderr_has("no credentials configured for")
        .stderr_has("profile [DEV] of");
    assert!(bed.requests().is_empty());
}

#[test]
fn environment_alone_skips_the_config_file() {
    let bed = Bed::new();
    // A file whose DEFAULT would add a second auth method (basic) if it were read.
    bed.write_config("[DEFAULT]\nhost = https://elsewhere.invalid\nusername = u\npassword = p\n");
    bed.run(&["list-scopes"]).success();
    assert_eq!(auth_used(&bed), format!("Bearer {TOKEN}"));
}

#[test]
fn missing_profile_lists_the_profiles_that_exist() {
    let bed = Bed::new();
    bed.write_config("[DEV]\nhost = https://dev.invalid\ntoken = t\n[STAGING]\nhost = https://s.invalid\ntoken = t\n");
    let out = Out::from(
        bed.bare()
            .args(["list-scopes", "-p", "PROD"])
            .output()
            .unwrap(),
    );
    out.fails(2)
        .stderr_has("has no PROD profile configured")
        .stderr_has("hint: profiles in the file: DEV, STAGING; pick one with -p/--profile");
}

#[test]
fn profile_asked_but_no_config_file() {
    let bed = Bed::new();
    let out = Out::from(
        bed.bare()
            .args(["list-scopes", "-p", "DEV"])
            .output()
            .unwrap(),
    );
    out.fails(2)
        .stderr_has(".databrickscfg does not exist, so it has no DEV profile");
}

#[test]
fn section_names_are_case_sensitive_keys_are_not() {
    let bed = Bed::new();
    bed.write_config(&format!(
        "[dev]\nHOST = {}\nToken = lower-token ; a comment\n",
        bed.url()
    ));
    Out::from(
        bed.bare()
            .args(["list-scopes", "-p", "DEV"])
            .output()
            .unwrap(),
    )
    .fails(2)
    .stderr_has("no DEV profile");
    Out::from(
        bed.bare()
            .args(["list-scopes", "-p", "dev"])
            .output()
            .unwrap(),
    )
    .success();
    assert_eq!(auth_used(&bed), "Bearer lower-token");
}

#[test]
fn values_are_raw_no_interpolation() {
    let bed = Bed::new();
    bed.write_config(&format!(
        "[p]\nhost = {}\ntoken = abc%(x)s$HOME\n",
        bed.url()
    ));
    Out::from(
        bed.bare()
            .args(["list-scopes", "-p", "p"])
            .output()
            .unwrap(),
    )
    .success();
    assert_eq!(auth_used(&bed), "Bearer abc%(x)s$HOME");
}

#[test]
fn duplicate_section_is_an_error() {
    let bed = Bed::new();
    let path =
        bed.write_config("[DEV]\nhost = https://a.invalid\n[DEV]\nhost = https://b.invalid\n");
    let out = Out::from(
        bed.bare()
            .args(["list-scopes", "-p", "DEV"])
            .output()
            .unwrap(),
    );
    out.fails(2).stderr_has(&format!(
        "config file {} has a duplicate [DEV] section",
        path.display()
    ));
}

#[test]
fn host_is_normalized() {
    let bed = Bed::new();
    let url = format!("{}/some/path/?o=123#job/1", bed.url());
    Out::from(
        bed.bare()
            .env("DATABRICKS_HOST", url)
            .env("DATABRICKS_TOKEN", "t")
            .args(["list-scopes"])
            .output()
            .unwrap(),
    )
    .success();
    // Only scheme and authority are kept: the path, query and fragment of a
    // browser URL go nowhere.
    assert_eq!(list_call(&bed).query, None);
}

#[test]
fn more_than_one_auth_method_is_an_error() {
    let bed = Bed::new();
    let out = Out::from(
        bed.cmd()
            .env("DATABRICKS_USERNAME", "u")
            .env("DATABRICKS_PASSWORD", "pw-SECRET")
            .args(["list-scopes"])
            .output()
            .unwrap(),
    );
    out.fails(2)
        .stderr_has("validate: more than one authorization method configured: basic and pat");
    assert!(!out.stderr.contains("pw-SECRET") && !out.stderr.contains(TOKEN));
    assert!(bed.requests().is_empty());
}

#[test]
fn auth_type_forces_one_method() {
    let bed = Bed::new();
    Out::from(
        bed.cmd()
            .env("DATABRICKS_USERNAME", "u")
            .env("DATABRICKS_PASSWORD", "pw")
            .env("DATABRICKS_AUTH_TYPE", "basic")
            .args(["list-scopes"])
            .output()
            .unwrap(),
    )
    .success();
    let call = list_call(&bed);
    assert_eq!(call.authorization.unwrap(), "Basic dTpwdw==");
    assert!(call.user_agent.as_deref().unwrap().ends_with("auth/basic"));
}

#[test]
fn no_host_and_no_credentials() {
    let bed = Bed::new();
    let out = Out::from(bed.bare().args(["list-scopes"]).output().unwrap());
    out.fails(2)
        .stderr_has("no workspace host configured")
        .stderr_has("hint: set DATABRICKS_HOST");
    let out = Out::from(
        bed.bare()
            .env("DATABRICKS_HOST", bed.url())
            .args(["list-scopes"])
            .output()
            .unwrap(),
    );
    out.fails(2)
        .stderr_has(&format!("no credentials configured for {}", bed.url()))
        .stderr_has("unified-auth");
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let bed = Bed::new();
    let out = Out::from(
        bed.bare()
            .env("DATABRICKS_HOST", "http://example.com")
            .env("DATABRICKS_TOKEN", "t")
            .args(["list-scopes"])
            .output()
            .unwrap(),
    );
    out.fails(2)
        .stderr_has("refusing to send credentials over plain http to http://example.com");
}

#[test]
fn invalid_config_values_are_usage_errors() {
    let bed = Bed::new();
    bed.write_config(&format!(
        "[p]\nhost = {}\ntoken = t\nhttp_timeout_seconds = soon\n",
        bed.url()
    ));
    let out = Out::from(
        bed.bare()
            .args(["list-scopes", "-p", "p"])
            .output()
            .unwrap(),
    );
    out.fails(2)
        .stderr_has("invalid value for http_timeout_seconds");
}

#[cfg(unix)]
#[test]
fn a_config_file_readable_by_others_gets_one_warning() {
    use std::os::unix::fs::PermissionsExt;
    let bed = Bed::new();
    let path = bed.write_config(&format!("[DEV]\nhost = {}\ntoken = t\n", bed.url()));
    let out = Out::from(
        bed.bare()
            .args(["list-scopes", "-p", "DEV", "-q"])
            .output()
            .unwrap(),
    );
    out.success();
    assert_eq!(out.stderr, "", "0600 gets no warning");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = Out::from(
        bed.bare()
            .args(["list-scopes", "-p", "DEV"])
            .output()
            .unwrap(),
    );
    out.success();
    assert_eq!(
        out.stderr,
        format!("warning: {} is accessible by other users (mode 644) and may hold credentials; run: chmod 600 {}\nNo secret scopes in this workspace.\n", path.display(), path.display())
    );
    // A setup the user chose to keep: --quiet silences it.
    let out = Out::from(
        bed.bare()
            .args(["list-scopes", "-p", "DEV", "-q"])
            .output()
            .unwrap(),
    );
    out.success();
    assert_eq!(out.stderr, "", "-q silences the permission warning");
}

#[cfg(unix)]
#[test]
fn the_permission_warning_comes_with_a_profile_error_too() {
    use std::os::unix::fs::PermissionsExt;
    let bed = Bed::new();
    let path = bed.write_config("[DEV]\nhost = https://dev.invalid\ntoken = t\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = Out::from(
        bed.bare()
            .args(["list-scopes", "-p", "PROD"])
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, 2);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(
        lines[0].starts_with("warning: ") && lines[0].contains("mode 644"),
        "{}",
        out.stderr
    );
    assert!(lines[1].starts_with("error: "), "{}", out.stderr);
    assert!(
        lines[1].ends_with("has no PROD profile configured"),
        "{}",
        out.stderr
    );
}

#[test]
fn no_credentials_says_the_file_does_not_exist() {
    let bed = Bed::new();
    let out = Out::from(
        bed.bare()
            .env("DATABRICKS_HOST", bed.url())
            .args(["list-scopes"])
            .output()
            .unwrap(),
    );
    out.fails(2)
        .stderr_has("skipped: the environment configures the workspace");
    let out = Out::from(bed.bare().args(["list-scopes"]).output().unwrap());
    out.fails(2)
        .stderr_has(".databrickscfg (it does not exist)");
}

#[test]
fn auth_profiles_and_describe_apply_the_same_checks_as_every_command() {
    let bed = Bed::new();
    bed.write_config(
        "[DEFAULT]\nhost = http://example.com\ntoken = t\n\n[bad]\nhost = https://x.cloud.databricks.com\ntoken = t\nrate_limit = abc\n\n[ok]\nhost = https://y.cloud.databricks.com\ntoken = t\n",
    );
    let out = Out::from(
        bed.bare()
            .args(["auth", "profiles", "-o", "json"])
            .output()
            .unwrap(),
    );
    out.success();
    let rows = out.json();
    let valid = |name: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()["valid"]
            .clone()
    };
    assert_eq!(
        valid("DEFAULT"),
        false,
        "plain http to a remote host is refused by every command"
    );
    assert_eq!(
        valid("bad"),
        false,
        "an invalid rate_limit is refused by every command"
    );
    assert_eq!(valid("ok"), true);
    let out = Out::from(bed.bare().args(["auth", "describe"]).output().unwrap());
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("refusing to send credentials over plain http"),
        "{}",
        out.stderr
    );
}
