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
