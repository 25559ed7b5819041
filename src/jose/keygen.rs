//! Key generation with an injected RNG, so tests (and reproducible playground runs) can use
//! a seeded one.

use rand_core::CryptoRngCore;

use super::alg::{Algorithm, KeyFamily};
use super::jwe::{ContentEncryption, KeyManagement};
use super::jwk::EcCurve;
use super::{rustcrypto, JoseError, Jwk};

/// RSA modulus sizes offered: RFC 7518 §3.3 requires at least 2048.
pub const RSA_BITS: [usize; 3] = [2048, 3072, 4096];

/// The largest HMAC secret generated.
pub const MAX_OCT_BYTES: usize = 1024;

/// What key to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyGenSpec {
    /// An RSA key with e = 65537; `bits` is one of [`RSA_BITS`].
    Rsa { bits: usize },
    /// An EC key on P-256, P-384 or P-521.
    Ec { crv: EcCurve },
    /// An Ed25519 key (`kty: OKP`), for EdDSA.
    Ed25519,
    /// An X25519 key (`kty: OKP`, RFC 8037 §2), for ECDH-ES.
    X25519,
    /// A random HMAC secret of `bytes` bytes (1 to [`MAX_OCT_BYTES`]).
    Oct { bytes: usize },
}

impl KeyGenSpec {
    /// The usual key for `alg`: RSA-2048 for RS*/PS*, the algorithm's curve for ES*/EdDSA,
    /// and for HS* a secret as long as the hash output (RFC 7518 §3.2).
    pub fn for_alg(alg: Algorithm) -> Self {
        match alg.family() {
            KeyFamily::Hmac => KeyGenSpec::Oct {
                bytes: alg.sha().output_bytes(),
            },
            KeyFamily::RsaPkcs1 | KeyFamily::RsaPss => KeyGenSpec::Rsa { bits: 2048 },
            KeyFamily::EcP256 => KeyGenSpec::Ec { crv: EcCurve::P256 },
            KeyFamily::EcP384 => KeyGenSpec::Ec { crv: EcCurve::P384 },
            KeyFamily::EcP521 => KeyGenSpec::Ec { crv: EcCurve::P521 },
            KeyFamily::Ed25519 => KeyGenSpec::Ed25519,
        }
    }

    /// The usual key to receive JWEs with `alg` and `enc`: RSA-2048 for RSA-OAEP*, P-256 for
    /// ECDH-ES* (the other curves through [`KeyGenSpec::Ec`]), and for the symmetric
    /// algorithms a secret of exactly the length RFC 7518 requires (§4.4: 16 or 32 bytes for
    /// A128KW/A256KW; §4.5: the CEK length of `enc` for `dir`).
    pub fn for_encryption(alg: KeyManagement, enc: ContentEncryption) -> Self {
        match alg {
            KeyManagement::RsaOaep | KeyManagement::RsaOaep256 => KeyGenSpec::Rsa { bits: 2048 },
            KeyManagement::EcdhEs | KeyManagement::EcdhEsA128Kw | KeyManagement::EcdhEsA256Kw => {
                KeyGenSpec::Ec { crv: EcCurve::P256 }
            }
            KeyManagement::A128Kw => KeyGenSpec::Oct { bytes: 16 },
            KeyManagement::A256Kw => KeyGenSpec::Oct { bytes: 32 },
            KeyManagement::Dir => KeyGenSpec::Oct { bytes: enc.cek_bytes() },
        }
    }

    /// Refuses sizes that are not offered.
    pub fn check(&self) -> Result<(), JoseError> {
        match *self {
            KeyGenSpec::Rsa { bits } if !RSA_BITS.contains(&bits) => Err(JoseError::KeyGeneration {
                problem: format!("RSA keys are generated with 2048, 3072 or 4096 bits, not {bits}"),
            }),
            KeyGenSpec::Oct { bytes } if bytes == 0 || bytes > MAX_OCT_BYTES => Err(JoseError::KeyGeneration {
                problem: format!("an HMAC secret has 1 to {MAX_OCT_BYTES} bytes, not {bytes}"),
            }),
            _ => Ok(()),
        }
    }
}

/// A new key, with its RFC 7638 thumbprint as `kid`.
pub fn generate(spec: KeyGenSpec, rng: &mut impl CryptoRngCore) -> Result<Jwk, JoseError> {
    Ok(Jwk::new(rustcrypto::generate(spec, rng)?).with_thumbprint_kid())
}

/// A new key for `alg` ([`KeyGenSpec::for_alg`]) with `alg`, `use: sig` and the thumbprint
/// as `kid`.
pub fn generate_for(alg: Algorithm, rng: &mut impl CryptoRngCore) -> Result<Jwk, JoseError> {
    let mut jwk = generate(KeyGenSpec::for_alg(alg), rng)?;
    jwk.alg = Some(alg.name().into());
    jwk.key_use = Some("sig".into());
    Ok(jwk)
}

/// A new key to receive JWEs with `alg` ([`KeyGenSpec::for_encryption`]): `alg`, `use: enc`
/// and the thumbprint as `kid`.
pub fn generate_for_encryption(
    alg: KeyManagement,
    enc: ContentEncryption,
    rng: &mut impl CryptoRngCore,
) -> Result<Jwk, JoseError> {
    let mut jwk = generate(KeyGenSpec::for_encryption(alg, enc), rng)?;
    jwk.alg = Some(alg.name().into());
    jwk.key_use = Some("enc".into());
    Ok(jwk)
}
