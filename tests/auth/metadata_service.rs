//! metadata-service: a local server (as IDE extensions run) hands out the
//! workspace's token, played by `Fake`.

use crate::common::fake::{Fake, Reply};
use crate::common::*;
use crate::support::*;

fn metadata_reply(token: &str) -> Reply {
    let expires = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    Reply::json(
        200,
        &format!(r#"{{"access_token":"{token}","token_type":"Bearer","expires_on":{expires}}}"#),
    )
}

#[test]
fn metadata_service_token_for_the_host() {
    let bed = Bed::new();
    let service = Fake::start(vec![metadata_reply("metadata-access-token-e5d2")]);
    let out = run(sandbox(&mut bed.bare())
        .env("DATABRICKS_HOST", bed.url())
        .env(
            "DATABRICKS_METADATA_SERVICE_URL",
            format!("{}/session-3e1f", service.url),
        )
        .args(["list-scopes", "--debug"]));
    out.success();
    let seen = service.seen();
    assert_eq!(seen.len(), 1, "one token for the process");
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("GET", "/session-3e1f")
    );
    assert_eq!(seen[0].header("x-databricks-metadata-version"), Some("1"));
    assert_eq!(seen[0].header("x-databricks-host"), Some(&*bed.url()));
    assert_eq!(seen[0].header("authorization"), None);
    let call = list_call(&bed);
    assert_eq!(
        call.authorization.unwrap(),
        "Bearer metadata-access-token-e5d2"
    );
    assert!(call.user_agent.unwrap().contains("auth/metadata-service"));

    // auth describe masks the URL (the SDK marks it sensitive).
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env(
            "DATABRICKS_METADATA_SERVICE_URL",
            format!("{}/session-3e1f", service.url),
        )
        .args(["auth", "describe"]));
    out.success();
    assert_eq!(table_row(&out.stdout, "auth_method")[1], "metadata-service");
    assert_eq!(
        table_row(&out.stdout, "metadata_service_url"),
        [
            "metadata_service_url",
            "***",
            "environment variable DATABRICKS_METADATA_SERVICE_URL"
        ]
    );
    assert!(!out.stdout.contains("session-3e1f"), "{}", out.stdout);
}

#[test]
fn metadata_service_refusal_and_nonsense() {
    let bed = Bed::new();
    let cases = [
        (
            Reply::json(
                403,
                r#"{"error":"access_denied","error_description":"wrong host"}"#,
            ),
            4,
            "access_denied: wrong host (HTTP 403)",
        ),
        (
            Reply::json(
                200,
                r#"{"access_token":"metadata-access-token-e5d2","expires_on":4070908800}"#,
            ),
            1,
            "answered without a token_type",
        ),
        (
            Reply::raw(200, "text/html", b"<html>hi</html>"),
            1,
            "is not a token",
        ),
    ];
    for (reply, code, message) in cases {
        let service = Fake::start(vec![reply]);
        let out = run(sandbox(&mut bed.bare())
            .env("DATABRICKS_HOST", bed.url())
            .env(
                "DATABRICKS_METADATA_SERVICE_URL",
                format!("{}/session-3e1f", service.url),
            )
            .args(["list-scopes"]));
        out.fails(code)
            .stderr_has(&format!(
                "metadata-service: the metadata service at {}",
                service.url
            ))
            .stderr_has(message);
        assert!(!out.stderr.contains("session-3e1f"), "{}", out.stderr);
    }
    assert!(bed.requests().is_empty());
}
