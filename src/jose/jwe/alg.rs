//! JWE algorithms: key management (`alg`, RFC 7518 §4.1) and content encryption (`enc`,
//! RFC 7518 §5.1), with what each needs from a key.

use crate::jose::jwk::{Jwk, KeyMaterial, OkpCurve};
use crate::jose::keygen::KeyGenSpec;
use crate::jose::JoseError;

/// A JWE `alg` this implementation handles. `RSA1_5` is deliberately absent (RFC 8725 §3.2:
/// RSAES-PKCS1-v1_5 invites Bleichenbacher's attack); [`KeyManagement::from_name`] refuses it
/// with its own error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyManagement {
    /// RFC 7518 §4.3: RSAES-OAEP with SHA-1 and MGF1-SHA-1.
    RsaOaep,
    /// RFC 7518 §4.3: RSAES-OAEP with SHA-256 and MGF1-SHA-256.
    RsaOaep256,
    /// RFC 7518 §4.4: AES key wrap (RFC 3394) with a 128-bit key.
    A128Kw,
    /// RFC 7518 §4.4: AES key wrap with a 256-bit key.
    A256Kw,
    /// RFC 7518 §4.5: the shared key is the CEK.
    Dir,
    /// RFC 7518 §4.6: ECDH-ES, Concat KDF output is the CEK.
    EcdhEs,
    /// RFC 7518 §4.6: ECDH-ES, Concat KDF output wraps the CEK with A128KW.
    EcdhEsA128Kw,
    /// RFC 7518 §4.6: ECDH-ES, Concat KDF output wraps the CEK with A256KW.
    EcdhEsA256Kw,
}

impl KeyManagement {
    pub const ALL: [KeyManagement; 8] = [
        KeyManagement::RsaOaep,
        KeyManagement::RsaOaep256,
        KeyManagement::A128Kw,
        KeyManagement::A256Kw,
        KeyManagement::Dir,
        KeyManagement::EcdhEs,
        KeyManagement::EcdhEsA128Kw,
        KeyManagement::EcdhEsA256Kw,
    ];

    /// The registered `alg` name (RFC 7518 §4.1).
    pub fn name(self) -> &'static str {
        match self {
            KeyManagement::RsaOaep => "RSA-OAEP",
            KeyManagement::RsaOaep256 => "RSA-OAEP-256",
            KeyManagement::A128Kw => "A128KW",
            KeyManagement::A256Kw => "A256KW",
            KeyManagement::Dir => "dir",
            KeyManagement::EcdhEs => "ECDH-ES",
            KeyManagement::EcdhEsA128Kw => "ECDH-ES+A128KW",
            KeyManagement::EcdhEsA256Kw => "ECDH-ES+A256KW",
        }
    }

    /// Parses an `alg` name; `RSA1_5` is refused as [`JoseError::Rsa1_5Refused`].
    pub fn from_name(name: &str) -> Result<Self, JoseError> {
        if name == "RSA1_5" {
            return Err(JoseError::Rsa1_5Refused);
        }
        Self::ALL
            .into_iter()
            .find(|a| a.name() == name)
            .ok_or_else(|| JoseError::UnsupportedJweAlgorithm {
                member: "alg",
                found: name.to_string(),
            })
    }

    /// The AES key wrap key length in bytes, for the algorithms that wrap with AES-KW.
    pub fn aes_kw_bytes(self) -> Option<usize> {
        match self {
            KeyManagement::A128Kw | KeyManagement::EcdhEsA128Kw => Some(16),
            KeyManagement::A256Kw | KeyManagement::EcdhEsA256Kw => Some(32),
            _ => None,
        }
    }

    pub fn is_ecdh(self) -> bool {
        matches!(
            self,
            KeyManagement::EcdhEs | KeyManagement::EcdhEsA128Kw | KeyManagement::EcdhEsA256Kw
        )
    }

    /// RFC 7516 §5.1 step 5/§5.2 step 10: with Direct Key Agreement or Direct Encryption the
    /// JWE Encrypted Key is the empty octet sequence.
    pub fn has_encrypted_key(self) -> bool {
        !matches!(self, KeyManagement::Dir | KeyManagement::EcdhEs)
    }

    /// The key this algorithm needs, in words, for error messages.
    pub fn key_description(self) -> &'static str {
        match self {
            KeyManagement::RsaOaep | KeyManagement::RsaOaep256 => "an RSA key of at least 2048 bits",
            KeyManagement::A128Kw => "an oct key of 16 bytes",
            KeyManagement::A256Kw => "an oct key of 32 bytes",
            KeyManagement::Dir => "an oct key as long as the enc's CEK",
            KeyManagement::EcdhEs | KeyManagement::EcdhEsA128Kw | KeyManagement::EcdhEsA256Kw => {
                "an EC key on P-256, P-384 or P-521, or an OKP key on X25519"
            }
        }
    }

    /// Whether `key`'s type (and, for oct keys, length) fits this algorithm with `enc`.
    pub fn fits(self, key: &Jwk, enc: ContentEncryption) -> bool {
        match (self, &key.material) {
            (KeyManagement::RsaOaep | KeyManagement::RsaOaep256, KeyMaterial::Rsa { .. }) => true,
            (KeyManagement::A128Kw | KeyManagement::A256Kw, KeyMaterial::Oct { k }) => {
                Some(k.len()) == self.aes_kw_bytes()
            }
            (KeyManagement::Dir, KeyMaterial::Oct { k }) => k.len() == enc.cek_bytes(),
            (_, KeyMaterial::Ec { .. }) => self.is_ecdh(),
            // RFC 8037 §3.2: ECDH-ES with X25519. Never Ed25519: a signing key is not for
            // key agreement.
            (
                _,
                KeyMaterial::Okp {
                    crv: OkpCurve::X25519, ..
                },
            ) => self.is_ecdh(),
            _ => false,
        }
    }
}

/// A JWE `enc` this implementation handles (RFC 7518 §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContentEncryption {
    /// RFC 7518 §5.2.3: AES-128-CBC with HMAC-SHA-256 truncated to 128 bits.
    A128CbcHs256,
    /// RFC 7518 §5.2.5: AES-256-CBC with HMAC-SHA-512 truncated to 256 bits.
    A256CbcHs512,
    /// RFC 7518 §5.3: AES-128-GCM.
    A128Gcm,
    /// RFC 7518 §5.3: AES-256-GCM.
    A256Gcm,
}

impl ContentEncryption {
    pub const ALL: [ContentEncryption; 4] = [
        ContentEncryption::A128CbcHs256,
        ContentEncryption::A256CbcHs512,
        ContentEncryption::A128Gcm,
        ContentEncryption::A256Gcm,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ContentEncryption::A128CbcHs256 => "A128CBC-HS256",
            ContentEncryption::A256CbcHs512 => "A256CBC-HS512",
            ContentEncryption::A128Gcm => "A128GCM",
            ContentEncryption::A256Gcm => "A256GCM",
        }
    }

    pub fn from_name(name: &str) -> Result<Self, JoseError> {
        Self::ALL
            .into_iter()
            .find(|e| e.name() == name)
            .ok_or_else(|| JoseError::UnsupportedJweAlgorithm {
                member: "enc",
                found: name.to_string(),
            })
    }

    /// The CEK length: RFC 7518 §5.2.3/§5.2.5 (MAC key + encryption key), §5.3 (the AES key).
    pub fn cek_bytes(self) -> usize {
        match self {
            ContentEncryption::A128CbcHs256 => 32,
            ContentEncryption::A256CbcHs512 => 64,
            ContentEncryption::A128Gcm => 16,
            ContentEncryption::A256Gcm => 32,
        }
    }

    /// The IV length: 128 bits for CBC (RFC 7518 §5.2.2.1), 96 bits for GCM (§5.3).
    pub fn iv_bytes(self) -> usize {
        match self {
            ContentEncryption::A128CbcHs256 | ContentEncryption::A256CbcHs512 => 16,
            ContentEncryption::A128Gcm | ContentEncryption::A256Gcm => 12,
        }
    }

    /// The authentication tag length: T_LEN of RFC 7518 §5.2.3/§5.2.5, 128 bits for GCM.
    pub fn tag_bytes(self) -> usize {
        match self {
            ContentEncryption::A128CbcHs256 => 16,
            ContentEncryption::A256CbcHs512 => 32,
            ContentEncryption::A128Gcm | ContentEncryption::A256Gcm => 16,
        }
    }
}

impl std::fmt::Display for KeyManagement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::fmt::Display for ContentEncryption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The ephemeral key ECDH-ES makes to agree with `key`: one on the same curve (RFC 7518
/// §4.6, RFC 8037 §3.2).
pub(crate) fn ephemeral_spec(key: &Jwk) -> Option<KeyGenSpec> {
    match &key.material {
        KeyMaterial::Ec { crv, .. } => Some(KeyGenSpec::Ec { crv: *crv }),
        KeyMaterial::Okp {
            crv: OkpCurve::X25519, ..
        } => Some(KeyGenSpec::X25519),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips() {
        for alg in KeyManagement::ALL {
            assert_eq!(KeyManagement::from_name(alg.name()), Ok(alg));
        }
        for enc in ContentEncryption::ALL {
            assert_eq!(ContentEncryption::from_name(enc.name()), Ok(enc));
        }
    }

    #[test]
    fn rsa1_5_has_its_own_refusal() {
        assert_eq!(KeyManagement::from_name("RSA1_5"), Err(JoseError::Rsa1_5Refused));
        assert!(matches!(
            KeyManagement::from_name("PBES2-HS256+A128KW"),
            Err(JoseError::UnsupportedJweAlgorithm { member: "alg", .. })
        ));
    }
}
