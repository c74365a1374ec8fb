//! The real TLS path on loopback: a server with a certificate from a test CA.
//! SSL_CERT_FILE adds that CA; without it the certificate is refused; with
//! `skip_verify` it is accepted with a warning.

use crate::common::*;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

struct TlsServer {
    url: String,
    ca_pem: String,
    served: Arc<AtomicUsize>,
}

/// Serves `{"scopes":[]}` over TLS on 127.0.0.1:0 with a leaf signed by a fresh CA.
fn tls_server() -> TlsServer {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let served = Arc::new(AtomicUsize::new(0));
    let served2 = served.clone();
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let config = config.clone();
            let served = served2.clone();
            std::thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, tcp);
                let mut reader = BufReader::new(&mut tls);
                let mut line = String::new();
                // A refused handshake ends here with an error: nothing is served.
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                    if line == "\r\n" {
                        let body = br#"{"scopes":[]}"#;
                        let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                        let stream = reader.get_mut();
                        let _ = stream.write_all(head.as_bytes());
                        let _ = stream.write_all(body);
                        let _ = stream.flush();
                        served.fetch_add(1, Ordering::SeqCst);
                        break;
                    }
                    line.clear();
                }
            });
        }
    });
    TlsServer {
        url,
        ca_pem: ca.pem(),
        served,
    }
}

#[test]
fn ssl_cert_file_adds_a_trusted_ca() {
    let bed = Bed::new();
    let server = tls_server();
    let ca = bed.home.path().join("ca.pem");
    std::fs::write(&ca, &server.ca_pem).unwrap();
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", &server.url)
        .env("DATABRICKS_TOKEN", "t")
        .env("SSL_CERT_FILE", &ca)
        .args(["list-scopes", "-o", "json"]);
    let out = Out::from(c.output().unwrap());
    out.success().stdout_is("[]\n");
    assert_eq!(server.served.load(Ordering::SeqCst), 1);
}

#[test]
fn an_unknown_ca_is_refused() {
    let bed = Bed::new();
    let server = tls_server();
    let mut c = bed.bare();
    c.env("DATABRICKS_HOST", &server.url)
        .env("DATABRICKS_TOKEN", "t")
        .args(["list-scopes"]);
    let out = Out::from(c.output().unwrap());
    out.fails(1).stderr_has("certificate");
    assert!(
        !out.stderr.contains("gave up"),
        "a certificate failure is not retried: {}",
        out.stderr
    );
    assert_eq!(server.served.load(Ordering::SeqCst), 0);
}

#[test]
fn skip_verify_works_and_warns_every_time() {
    let bed = Bed::new();
    let server = tls_server();
    bed.write_config(&format!(
        "[insecure]\nhost = {}\ntoken = t\nskip_verify = true\n",
        server.url
    ));
    for _ in 0..2 {
        let out = Out::from(
            bed.bare()
                .args(["list-scopes", "-p", "insecure", "-o", "json"])
                .output()
                .unwrap(),
        );
        out.success().stdout_is("[]\n");
        assert!(
            out.stderr
                .starts_with("warning: skip_verify is set: TLS certificates are NOT verified"),
            "{}",
            out.stderr
        );
    }
    assert_eq!(server.served.load(Ordering::SeqCst), 2);
}
