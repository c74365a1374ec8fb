//! TLS set-up, done only when it is needed.
//!
//! A plain-http loopback host (the emulator) gets a TLS configuration with no
//! roots at all: nothing is loaded from disk. An https host gets Mozilla's root
//! set compiled into the binary plus the system's store — or, when
//! `SSL_CERT_FILE`/`SSL_CERT_DIR` is set, the certificates named there, which
//! makes them an extra bundle on top of the compiled-in roots.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, RootCertStore};

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn config(roots: RootCertStore) -> ClientConfig {
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

/// rustls needs a process-wide crypto provider; ring is the one compiled in.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// For plain http: an empty configuration that costs nothing to build.
pub fn unused() -> ClientConfig {
    config(RootCertStore::empty())
}

/// For https: compiled-in roots plus the system's or `SSL_CERT_FILE`'s. Returns
/// the configuration and warnings about certificates that could not be read.
pub fn verifying() -> (ClientConfig, Vec<String>) {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let native = rustls_native_certs::load_native_certs();
    let mut warnings: Vec<String> = native
        .errors
        .iter()
        .filter(|_| {
            std::env::var_os("SSL_CERT_FILE").is_some()
                || std::env::var_os("SSL_CERT_DIR").is_some()
        })
        .map(|e| format!("cannot load CA certificates: {e}"))
        .collect();
    let (_, ignored) = roots.add_parsable_certificates(native.certs);
    if ignored > 0 && std::env::var_os("SSL_CERT_FILE").is_some() {
        warnings.push(format!(
            "{ignored} certificates of SSL_CERT_FILE could not be used"
        ));
    }
    (config(roots), warnings)
}

#[cfg(test)]
mod tests {
    #[test]
    fn configurations_build() {
        assert!(super::unused().alpn_protocols == vec![b"http/1.1".to_vec()]);
        let (c, _) = super::verifying();
        assert_eq!(c.alpn_protocols, vec![b"http/1.1".to_vec()]);
    }
}
