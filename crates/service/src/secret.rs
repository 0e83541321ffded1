//! Sealing of stored secrets (mirror source credentials) with the instance key.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use oxforge_core::{Error, Result};
use rand::RngCore;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

pub fn seal(key: &[u8; 32], plain: &str) -> Result<String> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let sealed = cipher
        .encrypt(XNonce::from_slice(&nonce), plain.as_bytes())
        .map_err(|_| Error::internal("sealing failed"))?;
    Ok(B64.encode([nonce.as_slice(), &sealed].concat()))
}

pub fn open(key: &[u8; 32], sealed: &str) -> Result<String> {
    let bytes = B64
        .decode(sealed)
        .map_err(|_| Error::internal("sealed value is not base64"))?;
    if bytes.len() < 24 {
        return Err(Error::internal("sealed value too short"));
    }
    let cipher = XChaCha20Poly1305::new(key.into());
    let plain = cipher
        .decrypt(XNonce::from_slice(&bytes[..24]), &bytes[24..])
        .map_err(|_| {
            Error::internal("stored credentials cannot be opened (SECRET_KEY changed?)")
        })?;
    String::from_utf8(plain).map_err(|_| Error::internal("sealed value is not text"))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn round_trip_and_tamper() {
        let key = [7u8; 32];
        let s = seal(&key, "Basic dXNlcjpwYXNz").unwrap();
        assert!(!s.contains("dXNlcjpwYXNz"));
        assert_eq!(open(&key, &s).unwrap(), "Basic dXNlcjpwYXNz");
        assert!(open(&[8u8; 32], &s).is_err());
    }
}
