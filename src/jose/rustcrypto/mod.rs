//! Every algorithm in pure Rust (RustCrypto crates), synchronous, on every target. The
//! mock server and the native tests sign with this; the [`super::backend`] trait wraps it
//! so the browser can swap in WebCrypto.
//!
//! These functions run the cryptography only; the policy checks (key fits the algorithm,
//! key sizes, allowed algorithms) come first, in [`super::jwk::Jwk::check_usable`] and the
//! `jws` module.

pub(crate) mod ec;
pub(crate) mod ed25519;
pub(crate) mod jwe;
pub(crate) mod rsa;
pub(crate) mod x25519;

use hmac::{Hmac, Mac};
use rand_core::CryptoRngCore;
use sha2::{Sha256, Sha384, Sha512};
use subtle::ConstantTimeEq;

use super::alg::{Algorithm, KeyFamily, Sha};
use super::jwk::{KeyMaterial, KeyOperation, OkpCurve};
use super::keygen::KeyGenSpec;
use super::secret::SecretBytes;
use super::{JoseError, Jwk, ShortHmacKeys};

/// Signs `signing_input` with `alg`. `rng` blinds RSA, salts PS* and draws ES512's nonce;
/// without it, PS* and ES512 fail
/// with [`JoseError::RandomnessRequired`]. HMAC key length is the caller's policy: this
/// function accepts short HMAC keys (see [`Jwk::check_usable`]).
pub fn sign(
    alg: Algorithm,
    key: &Jwk,
    signing_input: &[u8],
    rng: Option<&mut dyn CryptoRngCore>,
) -> Result<Vec<u8>, JoseError> {
    key.check_usable(alg, KeyOperation::Sign, ShortHmacKeys::Allow)?;
    match (alg.family(), &key.material) {
        (KeyFamily::Hmac, KeyMaterial::Oct { k }) => with_hmac(alg.sha(), k.expose(), signing_input, <[u8]>::to_vec),
        (
            KeyFamily::RsaPkcs1 | KeyFamily::RsaPss,
            KeyMaterial::Rsa {
                n,
                e,
                private: Some(private),
            },
        ) => rsa::sign(alg, n, e, private, signing_input, rng),
        (KeyFamily::EcP256 | KeyFamily::EcP384 | KeyFamily::EcP521, KeyMaterial::Ec { crv, x, y, d: Some(d) }) => {
            ec::sign(*crv, x, y, d.expose(), signing_input, rng)
        }
        (
            KeyFamily::Ed25519,
            KeyMaterial::Okp {
                crv: OkpCurve::Ed25519,
                x,
                d: Some(d),
            },
        ) => ed25519::sign(x, d.expose(), signing_input),
        (_, material) => Err(unusable(alg, material)),
    }
}

/// Verifies `signature` over `signing_input`. Every mismatch is
/// [`JoseError::InvalidSignature`]; MACs are compared in constant time (RFC 7518 §3.2).
pub fn verify(alg: Algorithm, key: &Jwk, signing_input: &[u8], signature: &[u8]) -> Result<(), JoseError> {
    key.check_usable(alg, KeyOperation::Verify, ShortHmacKeys::Allow)?;
    match (alg.family(), &key.material) {
        (KeyFamily::Hmac, KeyMaterial::Oct { k }) => {
            let matches = with_hmac(alg.sha(), k.expose(), signing_input, |expected| {
                bool::from(expected.ct_eq(signature))
            })?;
            if matches {
                Ok(())
            } else {
                Err(JoseError::InvalidSignature)
            }
        }
        (KeyFamily::RsaPkcs1 | KeyFamily::RsaPss, KeyMaterial::Rsa { n, e, .. }) => {
            rsa::verify(alg, n, e, signing_input, signature)
        }
        (KeyFamily::EcP256 | KeyFamily::EcP384 | KeyFamily::EcP521, KeyMaterial::Ec { crv, x, y, .. }) => {
            ec::verify(*crv, x, y, signing_input, signature)
        }
        (
            KeyFamily::Ed25519,
            KeyMaterial::Okp {
                crv: OkpCurve::Ed25519,
                x,
                ..
            },
        ) => ed25519::verify(x, signing_input, signature),
        (_, material) => Err(unusable(alg, material)),
    }
}

/// Generates key material as `spec` says.
pub fn generate(spec: KeyGenSpec, rng: &mut dyn CryptoRngCore) -> Result<KeyMaterial, JoseError> {
    spec.check()?;
    Ok(match spec {
        KeyGenSpec::Rsa { bits } => rsa::generate(bits, rng)?,
        KeyGenSpec::Ec { crv } => ec::generate(crv, rng),
        KeyGenSpec::Ed25519 => ed25519::generate(rng),
        KeyGenSpec::X25519 => x25519::generate(rng),
        KeyGenSpec::Oct { bytes } => {
            let mut k = vec![0u8; bytes];
            rng.fill_bytes(&mut k);
            KeyMaterial::Oct { k: SecretBytes::new(k) }
        }
    })
}

/// The one arm `sign`/`verify` need for exhaustiveness: `check_usable` has already refused a
/// key whose type does not fit the algorithm, or that has no private part for signing.
fn unusable(alg: Algorithm, material: &KeyMaterial) -> JoseError {
    JoseError::KeyMismatch {
        alg: alg.name(),
        expected: alg.key_description(),
        found: format!("a {} key", material.kty()),
    }
}

/// `use_tag` given the MAC of `input` under `secret`, where it was computed (on the stack):
/// verifying compares it there instead of copying it to the heap first.
fn with_hmac<T>(sha: Sha, secret: &[u8], input: &[u8], use_tag: impl FnOnce(&[u8]) -> T) -> Result<T, JoseError> {
    fn mac<M: Mac + hmac::digest::KeyInit, T>(
        secret: &[u8],
        input: &[u8],
        use_tag: impl FnOnce(&[u8]) -> T,
    ) -> Result<T, JoseError> {
        // HMAC takes keys of any length, so this cannot fail; map it rather than unwrap.
        let mut m = <M as Mac>::new_from_slice(secret).map_err(|e| JoseError::Backend {
            backend: "RustCrypto HMAC",
            problem: e.to_string(),
        })?;
        m.update(input);
        Ok(use_tag(&m.finalize().into_bytes()))
    }
    match sha {
        Sha::Sha256 => mac::<Hmac<Sha256>, T>(secret, input, use_tag),
        Sha::Sha384 => mac::<Hmac<Sha384>, T>(secret, input, use_tag),
        Sha::Sha512 => mac::<Hmac<Sha512>, T>(secret, input, use_tag),
    }
}
