//! What a failed attempt means: a transport error read once, into a message a
//! person can act on and whether another attempt could succeed.
//!
//! A DNS failure, a TLS handshake that fails and a certificate that does not
//! verify will fail the same way next time: they are final, and said in plain
//! words with the likely fix. A refused or reset connection may be a server
//! that is still starting: it is retried, within the short connection window.

use super::{is_loopback, strip_query};

/// A transport failure, read.
pub(crate) struct Diagnosis {
    pub message: String,
    /// Another attempt may succeed.
    pub retryable: bool,
    /// The connection itself failed (refused, reset, connect timeout): retried
    /// within the connection window, not the throttling budget.
    pub connection: bool,
}

pub(crate) fn diagnose(e: &reqwest::Error, url: &str) -> Diagnosis {
    let shown = strip_query(url);
    let root = root_cause(e);
    let final_ = |message: String| Diagnosis {
        message,
        retryable: false,
        connection: false,
    };
    if let Some(tls) = tls_failure(e) {
        let parsed = reqwest::Url::parse(url).ok();
        let host = parsed
            .as_ref()
            .and_then(|u| u.host_str())
            .unwrap_or_default();
        return final_(match tls {
            Tls::PlainHttp => {
                let port = parsed
                    .as_ref()
                    .and_then(|u| u.port())
                    .map(|p| format!(":{p}"))
                    .unwrap_or_default();
                if is_loopback(host) {
                    format!("cannot connect to {shown}: this server speaks http, not https: use http://{host}{port}")
                } else {
                    format!("cannot connect to {shown}: the server answered in plain http, not https: check the host and port")
                }
            }
            Tls::Certificate => format!(
                "cannot connect to {shown}: the server's certificate cannot be verified ({root}); if a proxy on your network inspects TLS, set SSL_CERT_FILE to its CA bundle"
            ),
            Tls::Handshake => format!(
                "cannot connect to {shown}: the TLS handshake failed ({root})"
            ),
        });
    }
    if is_dns_failure(&root) {
        let host = reqwest::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        return final_(format!(
            "cannot connect to {shown}: the host name {host} cannot be resolved ({root}); check the host"
        ));
    }
    if e.is_timeout() {
        return Diagnosis {
            message: format!("no answer from {shown} in time (timed out)"),
            retryable: true,
            connection: e.is_connect(),
        };
    }
    if e.is_connect() {
        return Diagnosis {
            message: format!("cannot connect to {shown}: {root}"),
            retryable: true,
            connection: true,
        };
    }
    Diagnosis {
        message: format!("request to {shown} failed: {root}"),
        retryable: e.is_request() || e.is_body(),
        connection: false,
    }
}

/// The innermost cause's text: "Connection refused (os error 111)" rather than
/// reqwest's "error sending request".
pub(crate) fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut root = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        root = s.to_string();
        source = s.source();
    }
    root
}

enum Tls {
    /// The server answered the TLS hello in plain http.
    PlainHttp,
    /// The certificate does not verify (unknown issuer, wrong name, expired).
    Certificate,
    /// Any other handshake failure.
    Handshake,
}

/// The TLS failure in the error chain, if any.
fn tls_failure(e: &reqwest::Error) -> Option<Tls> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        // io::Error hides its inner error from source(): look inside it.
        let inner = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|i| i.downcast_ref::<rustls::Error>());
        if let Some(tls) = err.downcast_ref::<rustls::Error>().or(inner) {
            return Some(match tls {
                rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => {
                    Tls::PlainHttp
                }
                rustls::Error::InvalidCertificate(_) => Tls::Certificate,
                _ => Tls::Handshake,
            });
        }
        let text = err.to_string();
        if text.contains("invalid peer certificate") {
            return Some(Tls::Certificate);
        }
        if text.contains("InvalidContentType") {
            return Some(Tls::PlainHttp);
        }
        source = err.source();
    }
    None
}

/// A name-resolution failure, in the words of glibc, macOS, Windows or hyper.
fn is_dns_failure(root: &str) -> bool {
    let r = root.to_ascii_lowercase();
    [
        "failed to lookup address",
        "name or service not known",
        "nodename nor servname",
        "no such host is known",
        "temporary failure in name resolution",
        "no address associated with hostname",
        "dns error",
    ]
    .iter()
    .any(|m| r.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_failures_in_every_platforms_words() {
        for t in [
            "failed to lookup address information: Name or service not known",
            "nodename nor servname provided, or not known",
            "No such host is known. (os error 11001)",
        ] {
            assert!(is_dns_failure(t), "{t}");
        }
        assert!(!is_dns_failure("Connection refused (os error 111)"));
    }
}
