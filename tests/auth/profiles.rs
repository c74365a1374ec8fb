//! `dbsecrets auth profiles`: every profile of the config file, valid or not,
//! and `--check`.

use crate::common::fake::{Fake, Reply};
use crate::common::*;
use crate::support::*;

fn mixed_profiles(bed: &Bed) {
    bed.write_config(&format!(
        "[good]\nhost = {url}\ntoken = dapi-pat-token-1234\n\n\
         [nohost]\ntoken = dapi-pat-token-1234\n\n\
         [both]\nhost = {url}\ntoken = dapi-pat-token-1234\nusername = u\npassword = basic-password-5678\n\n\
         [sp]\nhost = {url}\nclient_id = sp-1234\nclient_secret = sp-secret-7f3a\n\n\
         [typo]\nhost = {url}\nauth_type = magic\n\n\
         [cli]\nhost = {url}\nauth_type = databricks-cli\n\n\
         [__settings__]\ndefault_profile = good\n",
        url = bed.url()
    ));
}

#[test]
fn profiles_lists_valid_and_invalid_without_network() {
    let bed = Bed::new();
    mixed_profiles(&bed);
    let out = run(bed
        .bare()
        .env("DATABRICKS_TOKEN", "dapi-pat-token-1234")
        .args(["auth", "profiles", "-o", "json"]));
    out.success().stderr_has(
        "note: DATABRICKS_TOKEN is set in the environment and takes precedence over every profile",
    );
    let j = out.json();
    let rows = j.as_array().unwrap();
    let summary: Vec<(String, String, bool, String)> = rows
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["auth_type"].as_str().unwrap_or("").to_string(),
                r["valid"].as_bool().unwrap(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("good", "pat", true, ""),
        ("nohost", "pat", false, "no host"),
        (
            "both",
            "",
            false,
            "validate: more than one authorization method configured: basic and pat",
        ),
        ("sp", "oauth-m2m", true, ""),
        ("typo", "", false, "unknown auth_type 'magic'"),
        ("cli", "databricks-cli", true, ""),
    ];
    let want: Vec<(String, String, bool, String)> = want
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), *c, d.to_string()))
        .collect();
    assert_eq!(summary, want);
    assert_eq!(rows[0]["default"], true);
    assert_eq!(rows[1]["default"], false);
    assert_eq!(rows[0]["host"], bed.url());
    assert!(bed.requests().is_empty(), "no network without --check");

    let out = run(bed.bare().args(["auth", "profiles"]));
    out.success();
    let first = out.stdout.lines().next().unwrap();
    assert!(
        first.starts_with("NAME") && first.ends_with("REASON"),
        "{first}"
    );
    assert!(
        out.stdout.lines().nth(1).unwrap().starts_with("good "),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(" no "), "{}", out.stdout);

    let out = run(bed.bare().args(["auth", "profiles", "-o", "csv"]));
    out.success();
    assert!(
        out.stdout
            .starts_with("name,host,auth_type,valid,default,reason\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("\ngood,{},pat,true,true,\n", bed.url())),
        "{}",
        out.stdout
    );
}

#[test]
fn profiles_check_calls_each_valid_profile() {
    let bed = Bed::new();
    bed.write_config(&format!(
        "[a]\nhost = {url}\ntoken = dapi-pat-token-1234\n\n[b]\nhost = {url}\nusername = u\npassword = basic-password-5678\n\n[c]\ntoken = dapi-pat-token-1234\n",
        url = bed.url()
    ));
    let out = run(bed
        .bare()
        .args(["auth", "profiles", "--check", "-o", "json"]));
    out.success();
    let j = out.json();
    assert_eq!(
        j[0]["check"],
        format!(
            "ok: listed 0 scopes at {} with pat, signed in as admin@example.com",
            bed.url()
        )
    );
    assert_eq!(
        j[1]["check"],
        format!(
            "ok: listed 0 scopes at {} with basic, signed in as admin@example.com",
            bed.url()
        )
    );
    assert_eq!(j[2]["check"], "not checked: invalid");
    // Per checked profile: the scopes, then who the workspace says it is.
    let paths: Vec<String> = bed.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/api/2.0/secrets/scopes/list",
            "/api/2.0/preview/scim/v2/Me",
            "/api/2.0/secrets/scopes/list",
            "/api/2.0/preview/scim/v2/Me"
        ]
    );
}

#[test]
fn profiles_check_failure_exits_with_its_code() {
    let api = Fake::start(vec![Reply::json(
        403,
        r#"{"error_code":"PERMISSION_DENIED","message":"no"}"#,
    )]);
    let bed = Bed::new();
    bed.write_config(&format!(
        "[a]\nhost = {}\ntoken = dapi-pat-token-1234\n",
        api.url
    ));
    let out = run(bed.bare().args(["auth", "profiles", "--check"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("failed: cannot list scopes: PERMISSION_DENIED: no (HTTP 403)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr
            .starts_with("error: 1 of 1 profiles failed the check: a\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn profiles_without_a_config_file() {
    let bed = Bed::new();
    let out = run(bed.bare().args(["auth", "profiles"]));
    out.success().stdout_is("");
    assert!(
        out.stderr.contains("No profiles:") && out.stderr.contains(".databrickscfg does not exist"),
        "{}",
        out.stderr
    );
    let out = run(bed.bare().args(["auth", "profiles", "-o", "json"]));
    out.success().stdout_is("[]\n");
}
