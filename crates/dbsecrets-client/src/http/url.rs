//! URLs that receive credentials, and names in URL paths.

use crate::Error;

/// The workspace URL, refused when credentials would travel unencrypted: plain
/// http is only for the local machine.
pub fn check_host(host: &str) -> Result<reqwest::Url, Error> {
    let url = reqwest::Url::parse(host)
        .map_err(|e| Error::invalid_settings(format!("invalid host {host}: {e}")))?;
    if url.scheme() == "http" && !is_loopback(url.host_str().unwrap_or_default()) {
        return Err(Error::invalid_settings(format!(
            "refusing to send credentials over plain http to {host}: Databricks workspaces are only served over https (use https://, or a loopback address for a local emulator)"
        )));
    }
    Ok(url)
}

/// Is this host the local machine? Plain http is only allowed there.
/// `localhost` and loopback IP addresses (`127.0.0.0/8`, `::1`, `[::1]`).
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    if h.eq_ignore_ascii_case("localhost") {
        return true;
    }
    h.parse::<std::net::IpAddr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

/// Checks that a URL that will receive a credential is https, or http on loopback.
/// The error is a sentence naming `what`, e.g. `the OAuth token endpoint`.
pub fn check_credential_url(url: &str, what: &str) -> Result<reqwest::Url, String> {
    let parsed =
        reqwest::Url::parse(url).map_err(|e| format!("{what} '{url}' is not a valid URL: {e}"))?;
    let host = parsed.host_str().unwrap_or_default();
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(host) => Ok(parsed),
        _ => Err(format!(
            "refusing to send credentials to {what} {}: it must be https (plain http only to the local machine)",
            strip_query(url)
        )),
    }
}

/// A URL without its query and fragment, for messages.
pub fn strip_query(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or(url).to_string()
}

/// What a path segment keeps raw: what the official Python SDK (through
/// `requests`) keeps raw in a path; every other byte of the UTF-8 name is
/// percent-encoded, `%`, `?`, `#` and `/` included (uc-secrets.md §2).
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@')
    .remove(b'[')
    .remove(b']');

/// A name as one path segment (e.g. a Unity Catalog full name).
pub fn path_segment(name: &str) -> String {
    percent_encoding::utf8_percent_encode(name, PATH_SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for h in ["localhost", "127.0.0.1", "127.5.6.7", "[::1]", "::1"] {
            assert!(is_loopback(h), "{h}");
        }
        for h in ["example.com", "10.0.0.1", "192.168.1.1", "[::2]"] {
            assert!(!is_loopback(h), "{h}");
        }
    }

    #[test]
    fn urls_that_may_receive_credentials() {
        assert!(check_credential_url("https://x.example/oidc", "u").is_ok());
        assert!(check_credential_url("http://127.0.0.1:9/oidc", "u").is_ok());
        assert!(check_credential_url("http://localhost/oidc", "u").is_ok());
        let e =
            check_credential_url("http://x.example/oidc?a=b", "the token endpoint").unwrap_err();
        assert!(e.contains("must be https") && !e.contains("a=b"), "{e}");
        assert!(check_credential_url("not a url", "u").is_err());
    }

    #[test]
    fn path_segments_encode_what_the_sdk_would_not_keep_raw() {
        assert_eq!(path_segment("main.app.api-key"), "main.app.api-key");
        assert_eq!(path_segment("a@b+c:d_e~f"), "a@b+c:d_e~f");
        assert_eq!(path_segment("grüße"), "gr%C3%BC%C3%9Fe");
        assert_eq!(path_segment("a b%c?d#e/f"), "a%20b%25c%3Fd%23e%2Ff");
    }

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(check_host("http://127.0.0.1:8080").is_ok());
        let e = check_host("http://example.com").unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidSettings);
        assert!(e.to_string().contains("plain http"), "{e}");
    }
}
