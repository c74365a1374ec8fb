//! What the Google methods share: service-account keys, the RS256-signed
//! assertions of Google's JWT grant (google-auth's `service_account.Credentials`
//! and `IDTokenCredentials`), reading a JWT's claims, and the endpoints.
//!
//! Signing uses `ring`, already in the build through rustls: an audited,
//! constant-time RSA implementation, and no second crypto stack (the pure-Rust
//! `rsa` crate behind `jsonwebtoken`'s other backend has an open timing
//! advisory, RUSTSEC-2023-0071).

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use secrecy::zeroize::Zeroizing;
use serde::Deserialize;

use super::token::{send_json, TokenResponse};
use super::{BoxFuture, Token, TokenSource};
use crate::config::Config;
use crate::error::{SignInError, SignInFailure};
use crate::http::{check_credential_url as check_url, Http};

/// The scopes of the `X-Databricks-GCP-SA-Access-Token` token (the SDK's `GcpScopes`).
pub const GCP_SCOPES: [&str; 2] = [
    "https://www.googleapis.com/auth/cloud-platform",
    "https://www.googleapis.com/auth/compute",
];

/// Sent with the ID token: an access token of the same service account, which
/// some account-level operations need (the SDK sends it when it can have it).
pub const GCP_SA_ACCESS_TOKEN_HEADER: &str = "x-databricks-gcp-sa-access-token";

/// Google's token endpoint, and the audience of every grant assertion
/// (google-auth's `_GOOGLE_OAUTH2_TOKEN_ENDPOINT`, even when a key names another).
pub const GOOGLE_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";

const JWT_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// google-auth's `_DEFAULT_TOKEN_LIFETIME_SECS`.
const ASSERTION_LIFETIME: i64 = 3600;

/// Where tokens are asked for: DBSECRETS_GOOGLE_TOKEN_URL (a loopback stand-in),
/// else the credentials file's `token_uri`, else Google's.
pub fn token_endpoint(cfg: &Config, file_token_uri: Option<&str>) -> String {
    endpoint_of(
        cfg.ambient.get("DBSECRETS_GOOGLE_TOKEN_URL"),
        file_token_uri,
    )
}

fn endpoint_of(override_url: Option<&str>, file_token_uri: Option<&str>) -> String {
    override_url
        .or(file_token_uri)
        .unwrap_or(GOOGLE_TOKEN_URL)
        .trim()
        .to_string()
}

/// A service account's key, parsed from its JSON key file.
pub struct ServiceAccountKey {
    /// `client_email`: the service account.
    pub client_email: String,
    /// `client_id`, for messages.
    pub client_id: Option<String>,
    /// `token_uri`.
    pub token_uri: Option<String>,
    key_id: Option<String>,
    key: RsaKeyPair,
}

#[derive(Deserialize)]
struct KeyFile {
    #[serde(rename = "type")]
    kind: Option<String>,
    client_email: Option<String>,
    client_id: Option<String>,
    private_key: Option<String>,
    private_key_id: Option<String>,
    token_uri: Option<String>,
}

/// A JSON error without the text it was reading (which may hold a key).
pub fn json_problem(e: &serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Data => "a field has the wrong type".into(),
        _ => format!("not JSON (line {}, column {})", e.line(), e.column()),
    }
}

impl ServiceAccountKey {
    /// Parses a key file's JSON. The error says what is wrong, never what the file holds.
    pub fn parse(json: &str) -> Result<Self, String> {
        let file: KeyFile = serde_json::from_str(json).map_err(|e| json_problem(&e))?;
        Self::from_file(file)
    }

    fn from_file(file: KeyFile) -> Result<Self, String> {
        match file.kind.as_deref() {
            Some("service_account") => {}
            Some(other) => {
                return Err(format!(
                    "its type is '{other}', not service_account (a service-account key is needed)"
                ))
            }
            None => return Err("it has no type: it is not a service-account key".into()),
        }
        let client_email = file
            .client_email
            .filter(|e| !e.trim().is_empty())
            .ok_or("it has no client_email")?;
        let pem = Zeroizing::new(file.private_key.ok_or("it has no private_key")?);
        Ok(ServiceAccountKey {
            client_email: client_email.trim().to_string(),
            client_id: file.client_id,
            token_uri: file.token_uri,
            key_id: file.private_key_id,
            key: rsa_key(&pem)?,
        })
    }

    /// Who this is, for messages: `service account 'sa@p.iam.gserviceaccount.com' (client id '1')`.
    pub fn who(&self) -> String {
        match &self.client_id {
            Some(id) => format!("service account '{}' (client id '{id}')", self.client_email),
            None => format!("service account '{}'", self.client_email),
        }
    }

    /// A JWT signed with RS256 (google-auth's `jwt.encode`): header `alg`,
    /// `typ` and the key's `kid`.
    pub fn sign(&self, claims: &serde_json::Value) -> Result<Zeroizing<String>, String> {
        let mut header = serde_json::json!({"alg": "RS256", "typ": "JWT"});
        if let Some(kid) = &self.key_id {
            header["kid"] = serde_json::Value::String(kid.clone());
        }
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut jwt = Zeroizing::new(format!(
            "{}.{}",
            b64.encode(header.to_string()),
            b64.encode(claims.to_string())
        ));
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &ring::rand::SystemRandom::new(),
                jwt.as_bytes(),
                &mut signature,
            )
            .map_err(|_| "the private key cannot sign".to_string())?;
        jwt.push('.');
        jwt.push_str(&b64.encode(signature));
        Ok(jwt)
    }

    /// The claims of a grant assertion: google-auth's
    /// `_make_authorization_grant_assertion`, with `extra` (`scope` or
    /// `target_audience`).
    fn assertion(&self, extra: (&str, &str)) -> Result<Zeroizing<String>, String> {
        let now = chrono::Utc::now().timestamp();
        let mut claims = serde_json::json!({
            "iat": now,
            "exp": now + ASSERTION_LIFETIME,
            "iss": self.client_email,
            "aud": GOOGLE_TOKEN_URL,
        });
        claims[extra.0] = serde_json::Value::String(extra.1.to_string());
        self.sign(&claims)
    }
}

/// An RSA private key from PEM: PKCS#8 (`BEGIN PRIVATE KEY`, what Google
/// issues) or PKCS#1 (`BEGIN RSA PRIVATE KEY`).
fn rsa_key(pem: &str) -> Result<RsaKeyPair, String> {
    let (label, body) = pem_body(pem).ok_or("its private_key is not a PEM private key")?;
    let der = Zeroizing::new(
        base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|_| "its private_key is not valid PEM (bad base64)")?,
    );
    let key = if label == "RSA PRIVATE KEY" {
        RsaKeyPair::from_der(&der)
    } else {
        RsaKeyPair::from_pkcs8(&der)
    };
    key.map_err(|e| format!("its private_key is not a usable RSA key ({e})"))
}

/// The label and the base64 text of the first PEM block.
fn pem_body(pem: &str) -> Option<(String, Zeroizing<String>)> {
    let start = pem.find("-----BEGIN ")?;
    let rest = &pem[start + 11..];
    let label_end = rest.find("-----")?;
    let label = rest[..label_end].to_string();
    let body_start = &rest[label_end + 5..];
    let end = body_start.find("-----END ")?;
    let body: String = body_start[..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    Some((label, Zeroizing::new(body)))
}

/// [`token_endpoint`] with the override already read.
pub fn endpoint_with(override_url: Option<&str>, file_token_uri: Option<&str>) -> String {
    endpoint_of(override_url, file_token_uri)
}

/// The claims of a JWT (not verified): what an ID token's `exp` is read from.
pub fn jwt_claims(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let mut parts = token.trim().split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

/// An ID token as a bearer token that expires at its `exp` claim (google-auth
/// reads the expiry the same way); `None` when it is not a JWT with an `exp`.
pub fn id_token(token: &str) -> Option<Token> {
    let exp = jwt_claims(token)?.get("exp")?.as_f64()?;
    let lifetime = super::token::until_epoch_millis((exp.clamp(0.0, 1e12) * 1000.0) as i64);
    Some(Token::bearer(token.trim(), None, Some(lifetime)))
}

/// What a service-account grant asks for.
pub enum Grant {
    /// An ID token for `target_audience` (the workspace URL): `IDTokenCredentials`.
    IdToken(String),
    /// An access token with these scopes: `Credentials`.
    Access(String),
}

/// Google's JWT grant with a service-account key: `POST <token endpoint>` with
/// `assertion=<RS256 JWT>&grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`.
pub struct ServiceAccountGrant {
    /// The method, for messages.
    pub name: &'static str,
    pub key: Arc<ServiceAccountKey>,
    pub endpoint: String,
    pub grant: Grant,
    /// The next step when Google refuses the key.
    pub rejected_hint: &'static str,
}

#[derive(Deserialize)]
struct IdTokenAnswer {
    id_token: Option<String>,
}

impl ServiceAccountGrant {
    async fn fetch_token(&self, http: &Http) -> Result<Token, SignInError> {
        let name = self.name;
        let (extra, what) = match &self.grant {
            Grant::IdToken(audience) => (("target_audience", audience.as_str()), "an ID token"),
            Grant::Access(scopes) => (("scope", scopes.as_str()), "an access token"),
        };
        let url = check_url(&self.endpoint, "Google's token endpoint")
            .map_err(|m| SignInError::new(format!("{name}: {m}")))?;
        let assertion = self.key.assertion(extra).map_err(|m| {
            SignInError::new(format!("{name}: cannot sign for {}: {m}", self.key.who()))
        })?;
        let req = http
            .client()
            .post(url.as_str())
            .form(&[("assertion", assertion.as_str()), ("grant_type", JWT_GRANT)]);
        let fail = |f: super::token::TokenFailure| {
            f.auth_error(
                format!(
                    "{name}: Google gave no {} for {} at {}: {f}",
                    what.trim_start_matches("an "),
                    self.key.who(),
                    self.endpoint
                ),
                || self.rejected_hint.to_string(),
            )
        };
        match &self.grant {
            Grant::Access(_) => send_json::<TokenResponse>(http, req, &self.endpoint, what)
                .await
                .and_then(|r| r.into_token(&self.endpoint))
                .map_err(fail),
            Grant::IdToken(_) => {
                let answer: IdTokenAnswer = send_json(http, req, &self.endpoint, what)
                    .await
                    .map_err(fail)?;
                answer
                    .id_token
                    .as_deref()
                    .and_then(id_token)
                    .ok_or_else(|| {
                        SignInError::new(format!(
                        "{name}: {} answered without an id_token that is a JWT with an exp claim",
                        self.endpoint
                    ))
                        .with_failure(SignInFailure::Invalid)
                    })
            }
        }
    }
}

impl TokenSource for ServiceAccountGrant {
    fn name(&self) -> &'static str {
        self.name
    }

    fn fetch<'a>(&'a self, http: &'a Http) -> BoxFuture<'a, Result<Token, SignInError>> {
        Box::pin(self.fetch_token(http))
    }

    fn details(&self) -> Vec<(&'static str, String)> {
        let what = match &self.grant {
            Grant::IdToken(a) => format!("an ID token for audience {a}"),
            Grant::Access(s) => format!("an access token for scopes {s}"),
        };
        vec![(
            "google_grant",
            format!(
                "JWT grant at {} for {}: {what}",
                self.endpoint, self.key.client_email
            ),
        )]
    }
}

/// How long until an RFC 3339 instant (IAM's `expireTime`).
pub fn until_rfc3339(text: &str) -> Option<Duration> {
    let at = chrono::DateTime::parse_from_rfc3339(text.trim()).ok()?;
    Some(super::token::until_epoch_millis(at.timestamp_millis()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ring::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256};

    pub(crate) const TEST_KEY: &str = include_str!("testdata/test-only-rsa-2048.pem");

    pub(crate) fn key_json() -> String {
        serde_json::json!({
            "type": "service_account",
            "project_id": "p",
            "private_key_id": "kid-1",
            "private_key": TEST_KEY,
            "client_email": "sa@p.iam.gserviceaccount.com",
            "client_id": "1234",
            "token_uri": "https://oauth2.googleapis.com/token",
        })
        .to_string()
    }

    #[test]
    fn key_file_parses_and_signs_rs256() {
        let key = ServiceAccountKey::parse(&key_json()).unwrap();
        assert_eq!(key.client_email, "sa@p.iam.gserviceaccount.com");
        assert_eq!(key.token_uri.as_deref(), Some(GOOGLE_TOKEN_URL));
        let jwt = key.assertion(("scope", "a b")).unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header: serde_json::Value =
            serde_json::from_slice(&b64.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(
            header,
            serde_json::json!({"alg":"RS256","typ":"JWT","kid":"kid-1"})
        );
        let claims = jwt_claims(&jwt).unwrap();
        assert_eq!(claims["iss"], "sa@p.iam.gserviceaccount.com");
        assert_eq!(claims["aud"], GOOGLE_TOKEN_URL);
        assert_eq!(claims["scope"], "a b");
        assert_eq!(
            claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
            3600
        );
        let signed = format!("{}.{}", parts[0], parts[1]);
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, key.key.public().as_ref())
            .verify(signed.as_bytes(), &b64.decode(parts[2]).unwrap())
            .expect("the signature verifies with the key's public half");
    }

    #[test]
    fn bad_key_files_say_why_without_their_content() {
        let cases = [
            ("{", "not JSON"),
            (r#"{"type":"authorized_user"}"#, "not service_account"),
            (r#"{"type":"service_account"}"#, "no client_email"),
            (
                r#"{"type":"service_account","client_email":"a@b","private_key":"SECRETPEM"}"#,
                "not a PEM private key",
            ),
            (
                r#"{"type":"service_account","client_email":"a@b","private_key":"-----BEGIN PRIVATE KEY-----\nU0VDUkVU\n-----END PRIVATE KEY-----\n"}"#,
                "not a usable RSA key",
            ),
            (
                r#"{"type":"service_account","client_email":5}"#,
                "wrong type",
            ),
        ];
        for (json, want) in cases {
            let err = ServiceAccountKey::parse(json).err().unwrap();
            assert!(err.contains(want), "{json}: {err}");
            assert!(!err.contains("SECRET") && !err.contains("U0VD"), "{err}");
        }
    }

    #[test]
    fn jwt_claims_of_tokens() {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let token = format!(
            "{}.{}.sig",
            b64.encode(r#"{"alg":"RS256"}"#),
            b64.encode(r#"{"exp":4070908800,"aud":"https://x"}"#)
        );
        let claims = jwt_claims(&token).unwrap();
        assert_eq!(claims["aud"], "https://x");
        assert!(id_token(&token).unwrap().fresh(std::time::Instant::now()));
        let padded = format!("a.{}==.c", b64.encode(r#"{"exp":1}"#));
        assert!(jwt_claims(&padded).is_some());
        assert!(!id_token(&padded).unwrap().fresh(std::time::Instant::now()));
        for bad in [
            "",
            "a.b",
            "a.b.c.d",
            "a.!!.c",
            &format!("a.{}.c", b64.encode("[1]")),
        ] {
            assert!(jwt_claims(bad).is_none(), "{bad}");
        }
        assert!(id_token(&format!("a.{}.c", b64.encode("{}"))).is_none());
        assert!(until_rfc3339("2099-01-01T00:00:00Z").unwrap() > Duration::from_secs(3600));
    }
}
