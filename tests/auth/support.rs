//! What the auth tests share: the credentials none of them may show, a
//! runner that checks for them, a scripted OAuth server, form and table
//! readers, and a directory of fake CLIs.

use assert_cmd::Command;

use crate::common::fake::{Fake, Reply, Seen};
use crate::common::*;

/// Every credential the tests hand out: none may appear in any output.
pub const SECRETS: &[&str] = &[
    "sp-secret-7f3a",
    "oauth-access-91c2",
    "gh-request-token-55e1",
    "gh-id-token-0b7d",
    "env-id-token-3c9e",
    "file-id-token-d4a8",
    "cli-access-token-6b21",
    "az-access-token-e8f0",
    "arm-secret-a1b2",
    "aad-access-token-c3d4",
    "dapi-pat-token-1234",
    "basic-password-5678",
    "ado-access-token-91d0",
    "ado-id-token-2f6c",
    "msi-access-token-4b8e",
    "mgmt-access-token-7c1a",
    "metadata-access-token-e5d2",
    "google-id-token-77aa",
    "gcp-access-token-5a7b",
    "adc-access-token-8c4d",
    "adc-refresh-token-0e9f",
    "adc-client-secret-b6a3",
    // A piece of the test service account's private key.
    TEST_KEY_FRAGMENT,
];

/// The test-only RSA key of the Google tests' service account.
pub const TEST_KEY: &str =
    include_str!("../../crates/dbsecrets-client/src/auth/testdata/test-only-rsa-2048.pem");
const TEST_KEY_FRAGMENT: &str = "6F1nypY4JqcuO06zIqfc7";

/// A service-account key file's JSON for `client_email`.
pub fn google_key(client_email: &str) -> String {
    serde_json::json!({
        "type": "service_account",
        "project_id": "p",
        "private_key_id": "kid-1",
        "private_key": TEST_KEY,
        "client_email": client_email,
        "client_id": "1234",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
    })
    .to_string()
}

/// An ID token: a JWT (unsigned here) with an `exp` claim an hour away; its
/// signature part is a marker no output may show.
pub fn id_token_jwt(aud: &str) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    format!(
        "{}.{}.google-id-token-77aa",
        b64.encode(r#"{"alg":"RS256","typ":"JWT"}"#),
        b64.encode(format!(
            r#"{{"aud":"{aud}","exp":{exp},"email":"sa@p.iam.gserviceaccount.com"}}"#
        ))
    )
}

/// The header and claims of a JWT the binary signed.
pub fn jwt_parts(jwt: &str) -> (serde_json::Value, serde_json::Value) {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWT has three parts");
    let decode = |p: &str| serde_json::from_slice(&b64.decode(p).unwrap()).unwrap();
    (decode(parts[0]), decode(parts[1]))
}

/// Points every sign-in service that has a default address at a closed
/// loopback port, so that a test that forgets one fails instead of reaching
/// Azure's or Google's real addresses. Tests set the ones they use after this.
pub fn sandbox(cmd: &mut Command) -> &mut Command {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    cmd.env("DBSECRETS_AZURE_LOGIN_URL", format!("http://{closed}"))
        .env(
            "DBSECRETS_AZURE_IMDS_URL",
            format!("http://{closed}/metadata"),
        )
        .env(
            "DBSECRETS_GOOGLE_TOKEN_URL",
            format!("http://{closed}/token"),
        )
        .env("DBSECRETS_GOOGLE_IAM_URL", format!("http://{closed}"))
        .env("GCE_METADATA_HOST", closed.to_string())
}

/// A workspace stand-in that answers every request with an empty scope list,
/// to read the headers of the API request.
pub fn api() -> Fake {
    Fake::start(vec![Reply::json(200, r#"{"scopes":[]}"#)])
}

/// The query parameters of a request path.
pub fn query(path: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://x{path}"))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Runs a command and checks that no secret shows in its output.
pub fn run(cmd: &mut Command) -> Out {
    let out = Out::from(cmd.output().expect("runs"));
    for s in SECRETS {
        assert!(
            !out.stdout.contains(s) && !out.stderr.contains(s),
            "secret {s} shown:\nstdout: {}\nstderr: {}",
            out.stdout,
            out.stderr
        );
    }
    out
}

pub fn token_reply(access: &str, expires_in: u64) -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"access_token":"{access}","token_type":"Bearer","expires_in":{expires_in}}}"#
        ),
    )
}

/// A token endpoint and a discovery document pointing at it.
pub struct OAuth {
    pub token: Fake,
    pub discovery: Fake,
}

impl OAuth {
    pub fn new(token_replies: Vec<Reply>) -> Self {
        let token = Fake::start(token_replies);
        let discovery = Fake::start(vec![Reply::json(
            200,
            &format!(
                r#"{{"issuer":"x","token_endpoint":"{}/oidc/v1/token","authorization_endpoint":"x"}}"#,
                token.url
            ),
        )]);
        OAuth { token, discovery }
    }

    pub fn discovery_url(&self) -> String {
        format!(
            "{}/oidc/.well-known/oauth-authorization-server",
            self.discovery.url
        )
    }

    pub fn token_endpoint(&self) -> String {
        format!("{}/oidc/v1/token", self.token.url)
    }
}

/// A form body as (name, value) pairs.
pub fn form(seen: &Seen) -> Vec<(String, String)> {
    let body = String::from_utf8(seen.body.clone()).unwrap();
    reqwest::Url::parse(&format!("http://x/?{body}"))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A plain table's rows as cells (columns are separated by at least three spaces).
pub fn cells(stdout: &str) -> Vec<Vec<String>> {
    stdout
        .lines()
        .map(|l| {
            l.split("   ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// The row whose first cell is `name`.
#[track_caller]
pub fn table_row(stdout: &str, name: &str) -> Vec<String> {
    cells(stdout)
        .into_iter()
        .find(|c| c.first().map(String::as_str) == Some(name))
        .unwrap_or_else(|| panic!("no row {name}: {stdout}"))
}

/// An Azure workspace: azure-cli and azure-client-secret send this header.
pub const RESOURCE_ID: &str =
    "/subscriptions/s-1/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/ws";
