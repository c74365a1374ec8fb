//! export: refusals (missing scope, dotenv-unfriendly keys, notebook-only reads, a terminal).

use serde_json::json;

use crate::common::*;

#[test]
fn export_refuses_a_missing_scope_and_a_dotenv_unfriendly_key() {
    let bed = Bed::new();
    bed.run(&["export", "nope"]).fails(3);
    bed.scope_with("s", &[("api-key", "v")]);
    let out = bed.run(&["export", "s", "--format", "env"]);
    assert_eq!(out.code, 1);
    assert!(out
        .stderr
        .contains("  key 'api-key': dotenv keys are letters"));
    assert!(
        bed.requests_to("GET", "/api/2.0/secrets/get").is_empty(),
        "refused before reading"
    );
    let out = bed.run(&["export", "s", "--format", "json"]);
    out.success();
    assert_eq!(out.json(), json!({"api-key": "v"}));
}

#[test]
fn export_where_get_is_refused_says_so_and_writes_nothing() {
    let bed = Bed::with(EmulatorOptions {
        get_mode: GetMode::NotebookOnly,
        ..EmulatorOptions::default()
    });
    bed.scope_with("s", &[("a", "1"), ("b", "2")]);
    let file = bed.home.path().join("out.json");
    let out = bed.run(&["export", "s", "--output-file", file.to_str().unwrap()]);
    out.fails(1)
        .stderr_has("cannot export scope 's': this workspace only allows reading secret values from inside a notebook or job")
        .stderr_has("dbutils.secrets.get");
    assert!(!file.exists());
}

/// Linux only: `script -qec` is util-linux's; macOS's BSD `script` takes
/// other flags, and Windows has none.
#[cfg(target_os = "linux")]
#[test]
fn export_refuses_to_print_values_on_a_terminal_without_reveal() {
    // `script` gives the command a terminal for stdout.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("no `script` here: skipped");
        return;
    }
    let bed = Bed::new();
    bed.scope_with("s", &[("k", "hunter2")]);
    let on_terminal = |extra: &str| {
        let out = std::process::Command::new("script")
            .env_clear()
            .env("HOME", bed.home.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABRICKS_HOST", bed.url())
            .env("DATABRICKS_TOKEN", TOKEN)
            .args([
                "-qec",
                &format!("{} export s {extra}", env!("CARGO_BIN_EXE_dbsecrets")),
                "/dev/null",
            ])
            .output()
            .unwrap();
        Out::from(out)
    };
    let out = on_terminal("");
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out
        .stdout
        .contains("error: refusing to print secret values on the terminal: nothing was read"));
    assert!(!out.stdout.contains("hunter2"));
    assert!(bed.requests().is_empty(), "nothing was read");
    let out = on_terminal("--reveal");
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("k=\"hunter2\""), "{}", out.stdout);
}
