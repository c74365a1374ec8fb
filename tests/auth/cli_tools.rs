//! Tokens from other tools' sign-in: the Databricks CLI (`databricks auth token`)
//! and the Azure CLI (`az account get-access-token`), played by scripts on PATH.

#[cfg(unix)]
use crate::common::fake::{Fake, Reply};
use crate::common::*;
use crate::support::*;

/// A directory for fake CLIs, and a PATH that has it first. The fakes are sh
/// scripts, so these tests are unix-only.
#[cfg(unix)]
struct Tools {
    dir: tempfile::TempDir,
}

#[cfg(unix)]
impl Tools {
    fn new() -> Self {
        Tools {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Writes an executable sh script that logs its arguments to `<name>.log`.
    fn script(&self, name: &str, body: &str) -> std::path::PathBuf {
        let path = self.dir.path().join(name);
        let log = self.dir.path().join(format!("{name}.log"));
        let text = format!(
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\n{body}\n",
            log.display()
        );
        let tmp = self.dir.path().join(format!(".{name}.tmp"));
        std::fs::write(&tmp, text).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        path
    }

    /// The arguments of each call of `name`.
    fn calls(&self, name: &str) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join(format!("{name}.log")))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn path(&self) -> String {
        format!("{}:/usr/bin:/bin", self.dir.path().display())
    }
}

#[cfg(unix)]
const CLI_OK: &str = r#"cat <<'JSON'
{"access_token":"cli-access-token-6b21","token_type":"Bearer","expiry":"2099-01-01T00:00:00.123456+02:00"}
JSON"#;

#[cfg(unix)]
#[test]
fn databricks_cli_profile_with_auth_type() {
    let bed = Bed::new();
    let tools = Tools::new();
    tools.script("databricks", CLI_OK);
    bed.write_config(&format!(
        "[DEV]\nhost = {}\nauth_type = databricks-cli\n",
        bed.url()
    ));
    let out = run(bed
        .bare()
        .env("PATH", tools.path())
        .args(["list-scopes", "-p", "DEV"]));
    out.success();
    assert_eq!(tools.calls("databricks"), ["auth token --profile DEV"]);
    let call = list_call(&bed);
    assert_eq!(
        call.authorization.clone().unwrap(),
        "Bearer cli-access-token-6b21"
    );
    let ua = call.user_agent.unwrap();
    assert!(ua.contains("auth/databricks-cli"), "{ua}");
}

#[cfg(unix)]
#[test]
fn databricks_cli_is_picked_from_the_chain_with_only_a_host() {
    let bed = Bed::new();
    let tools = Tools::new();
    tools.script("databricks", CLI_OK);
    let out = run(bed
        .bare()
        .env("PATH", tools.path())
        .env("DATABRICKS_HOST", bed.url())
        .args(["list-scopes"]));
    out.success();
    assert_eq!(
        tools.calls("databricks"),
        [format!("auth token --host {}", bed.url())]
    );
    assert_eq!(auth_used(&bed), "Bearer cli-access-token-6b21");
}

#[cfg(unix)]
#[test]
fn databricks_cli_path_overrides_the_binary() {
    let bed = Bed::new();
    let tools = Tools::new();
    let cli = tools.script("my-databricks", CLI_OK);
    let out = run(bed
        .bare()
        .env("PATH", "/usr/bin:/bin")
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLI_PATH", &cli)
        .args(["list-scopes"]));
    out.success();
    assert_eq!(tools.calls("my-databricks").len(), 1);
    assert_eq!(auth_used(&bed), "Bearer cli-access-token-6b21");
}

#[cfg(unix)]
#[test]
fn databricks_cli_not_signed_in() {
    let bed = Bed::new();
    let tools = Tools::new();
    tools.script(
        "databricks",
        "echo 'Error: cache: databricks OAuth is not configured for this host. Try logging in again' >&2\necho 'second line of noise' >&2\nexit 1",
    );
    let out = run(bed
        .bare()
        .env("PATH", tools.path())
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_AUTH_TYPE", "databricks-cli")
        .args(["list-scopes"]));
    out.fails(4)
        .stderr_has(&format!("databricks-cli: `databricks auth token --host {}` gave no token: it failed (exit 1): cache: databricks OAuth is not configured for this host. Try logging in again", bed.url()))
        .stderr_has(&format!("hint: sign in with `databricks auth login --host {}` and run the command again", bed.url()));
    assert!(
        !out.stderr.contains("second line of noise"),
        "{}",
        out.stderr
    );
    assert!(bed.requests().is_empty());
}

#[test]
fn databricks_cli_missing() {
    let bed = Bed::new();
    bed.write_config(&format!(
        "[DEV]\nhost = {}\nauth_type = databricks-cli\n",
        bed.url()
    ));
    let out = run(bed
        .bare()
        .env("PATH", "/nonexistent")
        .args(["list-scopes", "-p", "DEV"]));
    out.fails(4)
        .stderr_has("databricks-cli: `databricks auth token --profile DEV` gave no token: it is not installed or not on PATH")
        .stderr_has(&format!("hint: install the Databricks CLI (https://docs.databricks.com/dev-tools/cli/install.html) and run `databricks auth login --host {} --profile DEV`", bed.url()));
}

#[cfg(unix)]
#[test]
fn azure_cli_token_and_resource_id_header() {
    let api = Fake::start(vec![Reply::json(200, r#"{"scopes":[]}"#)]);
    let bed = Bed::new();
    let tools = Tools::new();
    tools.script(
        "az",
        r#"cat <<'JSON'
{"accessToken":"az-access-token-e8f0","expiresOn":"2099-01-01 00:00:00.000000","expires_on":4070908800,"subscription":"s-1","tenant":"t-1","tokenType":"Bearer"}
JSON"#,
    );
    let out = run(bed
        .bare()
        .env("PATH", tools.path())
        .env("DATABRICKS_HOST", &api.url)
        .env("DATABRICKS_AZURE_RESOURCE_ID", RESOURCE_ID)
        .args(["list-scopes"]));
    out.success();
    assert_eq!(
        tools.calls("az"),
        ["account get-access-token --resource 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d --output json"]
    );
    let seen = api.seen();
    assert_eq!(
        seen[0].header("authorization"),
        Some("Bearer az-access-token-e8f0")
    );
    assert_eq!(
        seen[0].header("x-databricks-azure-workspace-resource-id"),
        Some(RESOURCE_ID)
    );
    assert!(seen[0]
        .header("user-agent")
        .unwrap()
        .contains("auth/azure-cli"));
}

#[cfg(unix)]
#[test]
fn azure_cli_not_logged_in() {
    let bed = Bed::new();
    let tools = Tools::new();
    tools.script(
        "az",
        "echo \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1",
    );
    let out = run(bed
        .bare()
        .env("PATH", tools.path())
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_AZURE_RESOURCE_ID", RESOURCE_ID)
        .env("ARM_TENANT_ID", "t-1")
        .env("DATABRICKS_AUTH_TYPE", "azure-cli")
        .args(["list-scopes"]));
    out.fails(4)
        .stderr_has("azure-cli: `az account get-access-token --resource 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d --output json --tenant t-1` gave no token: it failed (exit 1): Please run 'az login' to setup account.")
        .stderr_has("hint: run `az login --tenant t-1` and try again");
}

#[cfg(unix)]
#[test]
fn azure_cli_is_only_for_azure_workspaces() {
    let bed = Bed::new();
    let tools = Tools::new();
    tools.script("az", "exit 0");
    let out = run(bed
        .bare()
        .env("PATH", tools.path())
        .env("DATABRICKS_HOST", bed.url())
        .args(["list-scopes"]));
    out.fails(2).stderr_has("no credentials configured for");
    assert!(tools.calls("az").is_empty());
}

/// The SDK's rule: a tool method counts only when its tool yields a token.
/// An installed CLI that gives none is skipped, in every command and in
/// `auth describe`, which runs it (once, bounded) but shows none of its output.
#[cfg(unix)]
#[test]
fn a_databricks_cli_that_yields_no_token_is_skipped() {
    let bed = Bed::new();
    let tools = Tools::new();
    tools.script(
        "databricks",
        "echo 'cli-access-token-6b21 Error: not signed in' >&2\necho 'cli-access-token-6b21'\nexit 1",
    );
    let out = run(bed
        .bare()
        .env("PATH", tools.path())
        .env("DATABRICKS_HOST", bed.url())
        .args(["list-scopes"]));
    out.fails(2).stderr_has("no credentials configured for");
    assert_eq!(tools.calls("databricks").len(), 1);

    let out = run(bed
        .bare()
        .env("PATH", tools.path())
        .env("DATABRICKS_HOST", bed.url())
        .args(["auth", "describe"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    let method = table_row(&out.stdout, "auth_method");
    assert!(
        method[1].starts_with("error: no credentials configured for"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("databricks-cli   the first"),
        "{}",
        out.stdout
    );
    assert_eq!(
        table_row(&out.stdout, "method_skipped")[1..],
        [
            "databricks-cli",
            &*format!(
                "`databricks auth token --host {}` gave no token (exit 1)",
                bed.url()
            )
        ]
    );
    assert_eq!(tools.calls("databricks").len(), 2, "once per process");

    // A CLI that does yield a token is used, and runs once for the probe and the request.
    tools.script("databricks", CLI_OK);
    run(bed
        .bare()
        .env("PATH", tools.path())
        .env("DATABRICKS_HOST", bed.url())
        .args(["list-scopes"]))
    .success();
    assert_eq!(tools.calls("databricks").len(), 3);
    assert_eq!(auth_used(&bed), "Bearer cli-access-token-6b21");
}

/// An az that gives no token is skipped too: the chain goes on to the next
/// method (here an Azure DevOps pipeline's).
#[cfg(unix)]
#[test]
fn an_az_that_yields_no_token_is_skipped() {
    let bed = Bed::new();
    let tools = Tools::new();
    tools.script(
        "az",
        "echo \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1",
    );
    let mut cmd = bed.bare();
    sandbox(&mut cmd);
    let out = run(cmd
        .env("PATH", tools.path())
        // An Azure host (a resource id would be an azure setting beside the
        // oauth client_id); describe sends nothing to it.
        .env("DATABRICKS_HOST", "https://adb-1.2.azuredatabricks.net")
        .env("DATABRICKS_CLIENT_ID", "sp-1234")
        .env("SYSTEM_ACCESSTOKEN", "ado-access-token-91d0")
        .env(
            "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI",
            "http://127.0.0.1:9/org/",
        )
        .env("SYSTEM_TEAMPROJECTID", "p")
        .env("SYSTEM_PLANID", "pl")
        .env("SYSTEM_JOBID", "j")
        .env("SYSTEM_HOSTTYPE", "build")
        .args(["auth", "describe", "-o", "json"]));
    out.success();
    let j = out.json();
    assert_eq!(j["auth_method"], "azure-devops-oidc");
    let az = j["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "azure-cli")
        .unwrap()
        .clone();
    assert_eq!(az["usable"], false);
    assert_eq!(
        az["note"],
        "`az account get-access-token --resource 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d --output json` gave no token (exit 1)"
    );
    assert!(!out.stdout.contains("az login"), "{}", out.stdout);
    assert!(!out.stderr.contains("az login"), "{}", out.stderr);
}

/// Settings that make no method usable (a lone client id) or only a Google
/// one do not keep a signed-in databricks CLI from being tried: the official
/// SDKs try it before the Google methods (issue 18, cross-checked against the
/// Python SDK in scripts/e2e-sdk.sh). A method that can be used with the
/// settings present still comes first, and then the CLI is not run at all.
#[cfg(unix)]
#[test]
fn settings_that_configure_no_method_do_not_keep_the_databricks_cli_out() {
    let bed = Bed::new();
    let tools = Tools::new();
    tools.script("databricks", CLI_OK);

    // A lone client id: no oauth-m2m (no secret), not in a CI job.
    let out = run(bed
        .bare()
        .env("PATH", tools.path())
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_CLIENT_ID", "sp-1234")
        .args(["list-scopes"]));
    out.success();
    assert_eq!(auth_used(&bed), "Bearer cli-access-token-6b21");
    assert_eq!(
        tools.calls("databricks"),
        [format!("auth token --host {}", bed.url())]
    );

    // A Google key: the CLI comes first; the key is not even read.
    let describe = |extra: &[(&str, &str)]| {
        let mut cmd = bed.bare();
        sandbox(&mut cmd)
            .env("PATH", tools.path())
            .env("DATABRICKS_HOST", bed.url());
        for (k, v) in extra {
            cmd.env(k, v);
        }
        run(cmd.args(["auth", "describe", "-o", "json"]))
    };
    let note = |j: &serde_json::Value, name: &str| {
        j["methods"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == name)
            .unwrap()
            .clone()
    };
    let out = describe(&[("GOOGLE_CREDENTIALS", "{\"type\": \"service_account\"}")]);
    out.success();
    assert_eq!(out.json()["auth_method"], "databricks-cli");

    // With a usable method's settings (GitHub Actions with a client id), that
    // method is used and the CLI is not run.
    let before = tools.calls("databricks").len();
    let out = describe(&[
        ("DATABRICKS_CLIENT_ID", "sp-1234"),
        (
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            "http://127.0.0.1:9/idtoken?x=1",
        ),
        ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "gh-request-token-55e1"),
    ]);
    out.success();
    let j = out.json();
    assert_eq!(j["auth_method"], "github-oidc");
    let cli = note(&j, "databricks-cli");
    assert_eq!(cli["usable"], false);
    assert_eq!(
        cli["note"],
        "not tried: github-oidc can be used, and comes first"
    );
    assert_eq!(tools.calls("databricks").len(), before);

    // A token: pat, and the CLI is not run either.
    let out = describe(&[("DATABRICKS_TOKEN", "dapi-pat-token-1234")]);
    out.success();
    let j = out.json();
    assert_eq!(j["auth_method"], "pat");
    assert_eq!(
        note(&j, "databricks-cli")["note"],
        "not tried: pat can be used, and comes first"
    );
    assert_eq!(tools.calls("databricks").len(), before);
}

/// On an Azure workspace, a signed-in az comes before a signed-in databricks
/// CLI once settings of another method are present (as in the Python SDK),
/// and after it when nothing else is set (the Go SDK's order).
#[cfg(unix)]
#[test]
fn azure_cli_and_databricks_cli_both_signed_in() {
    let bed = Bed::new();
    let tools = Tools::new();
    tools.script("databricks", CLI_OK);
    tools.script(
        "az",
        r#"cat <<'JSON'
{"accessToken":"az-access-token-e8f0","expiresOn":"2099-01-01 00:00:00.000000","expires_on":4070908800,"tokenType":"Bearer"}
JSON"#,
    );
    let method = |extra: &[(&str, &str)]| {
        let mut cmd = bed.bare();
        sandbox(&mut cmd)
            .env("PATH", tools.path())
            .env("DATABRICKS_HOST", "https://adb-1.2.azuredatabricks.net");
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let out = run(cmd.args(["auth", "describe", "-o", "json"]));
        out.success();
        out.json()["auth_method"].as_str().unwrap().to_string()
    };
    assert_eq!(method(&[]), "databricks-cli");
    assert_eq!(method(&[("DATABRICKS_CLIENT_ID", "sp-1234")]), "azure-cli");
    assert_eq!(method(&[("ARM_CLIENT_ID", "arm-app-1")]), "azure-cli");
}
