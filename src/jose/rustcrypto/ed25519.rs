//! Ed25519 keys (RFC 8037 §2) and EdDSA signatures (RFC 8037 §3.1) with `ed25519-dalek`.

use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rand_core::CryptoRngCore;

use crate::jose::jwk::{KeyMaterial, OkpCurve};
use crate::jose::secret::SecretBytes;
use crate::jose::JoseError;

fn public(x: &[u8]) -> Result<VerifyingKey, JoseError> {
    let bytes: [u8; 32] = x.try_into().map_err(|_| JoseError::JwkMember {
        member: "x",
        problem: format!("must be 32 bytes for Ed25519 (RFC 8037 §2), found {}", x.len()),
    })?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| JoseError::JwkMember {
        member: "x",
        problem: "is not a valid Ed25519 public key (not a point on the curve)".into(),
    })
}

fn secret(x: &[u8], d: &[u8]) -> Result<SigningKey, JoseError> {
    let public = public(x)?;
    let seed: [u8; 32] = d.try_into().map_err(|_| JoseError::JwkMember {
        member: "d",
        problem: format!("must be 32 bytes for Ed25519 (RFC 8037 §2), found {}", d.len()),
    })?;
    let key = SigningKey::from_bytes(&seed);
    if key.verifying_key() != public {
        return Err(JoseError::KeyPairMismatch {
            kty: "OKP",
            problem: "the public key derived from d is not x".into(),
        });
    }
    Ok(key)
}

fn material_from_signing(key: &SigningKey) -> KeyMaterial {
    KeyMaterial::Okp {
        crv: OkpCurve::Ed25519,
        x: key.verifying_key().to_bytes().to_vec(),
        d: Some(SecretBytes::new(key.to_bytes().to_vec())),
    }
}

/// Checks OKP material: lengths, the public point, `d` matching `x`.
pub(crate) fn validate(x: &[u8], d: Option<&SecretBytes>) -> Result<(), JoseError> {
    match d {
        None => public(x).map(drop),
        Some(d) => secret(x, d.expose()).map(drop),
    }
}

pub(crate) fn sign(x: &[u8], d: &[u8], input: &[u8]) -> Result<Vec<u8>, JoseError> {
    use ed25519_dalek::Signer;
    Ok(secret(x, d)?.sign(input).to_bytes().to_vec())
}

/// Verifies with `verify_strict`, which also refuses small-order keys and non-canonical
/// signatures that plain Ed25519 verification lets through.
pub(crate) fn verify(x: &[u8], input: &[u8], signature: &[u8]) -> Result<(), JoseError> {
    let key = public(x)?;
    let signature = Signature::from_slice(signature).map_err(|_| JoseError::InvalidSignature)?;
    key.verify_strict(input, &signature)
        .map_err(|_| JoseError::InvalidSignature)
}

pub(crate) fn generate(rng: &mut dyn CryptoRngCore) -> KeyMaterial {
    let mut seed = [0u8; 32];
    rng.fill_bytes(&mut seed);
    let key = SigningKey::from_bytes(&seed);
    zeroize::Zeroize::zeroize(&mut seed);
    material_from_signing(&key)
}

pub(crate) fn from_pkcs8_der(der: &[u8]) -> Result<KeyMaterial, JoseError> {
    SigningKey::from_pkcs8_der(der)
        .map(|key| material_from_signing(&key))
        .map_err(|e| JoseError::Der {
            what: "PKCS#8 Ed25519 private key",
            problem: e.to_string(),
        })
}

pub(crate) fn from_spki_der(der: &[u8]) -> Result<KeyMaterial, JoseError> {
    VerifyingKey::from_public_key_der(der)
        .map(|key| KeyMaterial::Okp {
            crv: OkpCurve::Ed25519,
            x: key.to_bytes().to_vec(),
            d: None,
        })
        .map_err(|e| JoseError::Der {
            what: "SPKI Ed25519 public key",
            problem: e.to_string(),
        })
}

pub(crate) fn to_pkcs8_der(x: &[u8], d: Option<&SecretBytes>) -> Result<SecretBytes, JoseError> {
    match d {
        Some(d) => {
            let document = secret(x, d.expose())?.to_pkcs8_der().map_err(|e| JoseError::Der {
                what: "PKCS#8 Ed25519 private key",
                problem: e.to_string(),
            })?;
            Ok(SecretBytes::new(document.as_bytes().to_vec()))
        }
        None => Err(JoseError::PrivateKeyRequired {
            operation: "PKCS#8 export",
            kty: "OKP",
        }),
    }
}

pub(crate) fn to_spki_der(x: &[u8]) -> Result<Vec<u8>, JoseError> {
    let document = public(x)?.to_public_key_der().map_err(|e| JoseError::Der {
        what: "SPKI Ed25519 public key",
        problem: e.to_string(),
    })?;
    Ok(document.as_bytes().to_vec())
}
