//! Secret values in memory: zeroized on drop, masked in Debug output.

use base64::Engine;
use secrecy::{ExposeSecret, SecretBox, SecretString};

/// A secret value as the API stores it: text (`string_value`) or bytes (`bytes_value`).
pub enum SecretValue {
    Text(SecretString),
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

    pub fn text(s: impl Into<String>) -> Self {
        SecretValue::Text(SecretString::from(s.into()))
    }

    pub fn len(&self) -> usize {
        match self {
            SecretValue::Text(s) => s.expose_secret().len(),
            SecretValue::Bytes(b) => b.expose_secret().len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The raw bytes of the value.
    pub fn expose_bytes(&self) -> &[u8] {
        match self {
            SecretValue::Text(s) => s.expose_secret().as_bytes(),
            SecretValue::Bytes(b) => b.expose_secret(),
        }
    }

    /// Standard base64 of the bytes, as `bytes_value` wants it.
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
