//! Which method the chain picks: precedence of the environment over the file,
//! conflicts between methods, auth_type, and basic and PAT credentials.

use crate::common::*;
use crate::support::*;

#[test]
fn pat_in_the_environment_and_oauth_in_the_profile_conflict() {
    let bed = Bed::new();
    bed.write_config(&format!(
        "[DEV]\nhost = {}\nclient_id = sp-1234\nclient_secret = sp-secret-7f3a\n",
        bed.url()
    ));
    let out = run(bed
        .bare()
        .env("DATABRICKS_TOKEN", "dapi-pat-token-1234")
        .args(["list-scopes", "-p", "DEV"]));
    out.fails(2)
        .stderr_has("error: validate: more than one authorization method configured: oauth and pat")
        .stderr_has("hint: remove all but one method's settings, or choose one with auth_type (DATABRICKS_AUTH_TYPE)");
}

#[test]
fn environment_credentials_skip_the_file() {
    let bed = Bed::new();
    bed.write_config(
        "[DEFAULT]\nhost = https://file.invalid\nclient_id = sp-1234\nclient_secret = sp-secret-7f3a\n",
    );
    let out = run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_TOKEN", "dapi-pat-token-1234")
        .args(["list-scopes"]));
    out.success();
    assert_eq!(auth_used(&bed), "Bearer dapi-pat-token-1234");
}

#[test]
fn auth_type_forces_oauth_over_a_token() {
    let bed = Bed::new();
    let oauth = OAuth::new(vec![token_reply("oauth-access-91c2", 3600)]);
    bed.write_config(&format!(
        "[DEV]\nhost = {}\ntoken = dapi-pat-token-1234\nclient_id = sp-1234\nclient_secret = sp-secret-7f3a\nauth_type = oauth-m2m\ndiscovery_url = {}\n",
        bed.url(),
        oauth.discovery_url()
    ));
    run(bed.bare().args(["list-scopes", "-p", "DEV"])).success();
    assert_eq!(auth_used(&bed), "Bearer oauth-access-91c2");
    // The environment's auth_type beats the profile's.
    run(bed
        .bare()
        .env("DATABRICKS_AUTH_TYPE", "pat")
        .args(["list-scopes", "-p", "DEV"]))
    .success();
    assert_eq!(auth_used(&bed), "Bearer dapi-pat-token-1234");
    assert_eq!(oauth.token.count(), 1);
}

#[test]
fn basic_sends_username_and_password() {
    let bed = Bed::new();
    run(bed
        .bare()
        .env("DATABRICKS_HOST", bed.url())
        .env("DATABRICKS_USERNAME", "me@example.com")
        .env("DATABRICKS_PASSWORD", "basic-password-5678")
        .args(["list-scopes"]))
    .success();
    // base64("me@example.com:basic-password-5678")
    assert_eq!(
        auth_used(&bed),
        "Basic bWVAZXhhbXBsZS5jb206YmFzaWMtcGFzc3dvcmQtNTY3OA=="
    );
}
