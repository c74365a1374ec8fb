//! Secret values in memory: zeroized on drop, masked in `Debug` output.

use base64::Engine;
use secrecy::{ExposeSecret, SecretBox, SecretString};

/// A secret value to store: text or arbitrary bytes, kept in memory that is
/// zeroed when the value is dropped.
///
/// Its `Debug` output shows only the variant and the length
/// (`SecretValue::Text(*** 7 bytes)`), never the value. The service stores bytes
/// in both cases; the variant only decides which field
/// [`SecretsApi::put_secret`](crate::secrets::SecretsApi::put_secret) sends.
///
/// ```
/// use dbsecrets_client::SecretValue;
/// let v = SecretValue::text("hunter2");
/// assert_eq!(v.len(), 7);
/// assert_eq!(format!("{v:?}"), "SecretValue::Text(*** 7 bytes)");
/// ```
pub enum SecretValue {
    /// UTF-8 text, sent as `string_value`.
    Text(SecretString),
    /// Any bytes, sent base64-encoded as `bytes_value`.
    Bytes(SecretBox<Vec<u8>>),
}

impl SecretValue {
    /// Text when the bytes are valid UTF-8, else bytes (sent base64-encoded).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        match String::from_utf8(bytes) {
            Ok(s) => SecretValue::Text(SecretString::from(s)),
            Err(e) => SecretValue::Bytes(SecretBox::new(Box::new(e.into_bytes()))),
        }
    }

    /// A text value.
    pub fn text(s: impl Into<String>) -> Self {
        SecretValue::Text(SecretString::from(s.into()))
    }

    /// The length of the value in bytes (UTF-8 bytes for text, not characters):
    /// the unit of the service's 128 KiB limit ([`names::value_len`](crate::names::value_len)).
    pub fn len(&self) -> usize {
        match self {
            SecretValue::Text(s) => s.expose_secret().len(),
            SecretValue::Bytes(b) => b.expose_secret().len(),
        }
    }

    /// Whether the value has no bytes (the service refuses an empty secret).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The raw bytes of the value. The slice borrows the protected memory:
    /// do not copy it into a buffer that outlives the value unprotected.
    pub fn expose_bytes(&self) -> &[u8] {
        match self {
            SecretValue::Text(s) => s.expose_secret().as_bytes(),
            SecretValue::Bytes(b) => b.expose_secret(),
        }
    }

    /// Standard base64 (with padding) of the bytes, as `bytes_value` wants it;
    /// itself a secret.
    #[must_use]
    pub fn to_base64(&self) -> SecretString {
        SecretString::from(base64::engine::general_purpose::STANDARD.encode(self.expose_bytes()))
    }
}

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretValue::Text(_) => write!(f, "SecretValue::Text(*** {} bytes)", self.len()),
            SecretValue::Bytes(_) => write!(f, "SecretValue::Bytes(*** {} bytes)", self.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_text_and_binary_is_bytes() {
        assert!(matches!(
            SecretValue::from_bytes(b"hello".to_vec()),
            SecretValue::Text(_)
        ));
        let v = SecretValue::from_bytes(vec![0xff, 0x00, 0x01]);
        assert!(matches!(v, SecretValue::Bytes(_)));
        assert_eq!(v.to_base64().expose_secret(), "/wAB");
    }

    #[test]
    fn debug_is_masked() {
        let v = SecretValue::text("hunter2");
        assert_eq!(format!("{v:?}"), "SecretValue::Text(*** 7 bytes)");
    }
}
