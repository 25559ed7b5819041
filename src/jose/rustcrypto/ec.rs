//! EC keys on P-256, P-384 and P-521, ES256/ES384/ES512 signatures (RFC 7518 §3.4) and the
//! ECDH of ECDH-ES (RFC 7518 §4.6) with `p256`/`p384`/`p521`.
//!
//! JWS carries ECDSA signatures as the fixed-size concatenation r || s, not DER.

use rand_core::CryptoRngCore;

use crate::jose::jwk::{EcCurve, KeyMaterial};
use crate::jose::secret::SecretBytes;
use crate::jose::JoseError;

/// The same key code for each curve crate: their key types are all `elliptic_curve`'s. Signing
/// differs (`p521` 0.13 signs with a random nonce only, no RFC 6979), so each curve brings its
/// own `sign`/`verify` as the macro's last argument.
macro_rules! curve {
    ($module:ident, $krate:ident, $curve:expr, { $($sign_verify:item)* }) => {
        pub(crate) mod $module {
            use pkcs8::{DecodePublicKey, EncodePrivateKey, EncodePublicKey};
            use rand_core::CryptoRngCore;
            use $krate::ecdsa::{Signature, SigningKey, VerifyingKey};
            use $krate::elliptic_curve::sec1::ToEncodedPoint;
            use $krate::{PublicKey, SecretKey};

            use crate::jose::jwk::{EcCurve, KeyMaterial};
            use crate::jose::secret::SecretBytes;
            use crate::jose::JoseError;

            const CURVE: EcCurve = $curve;

            fn check_len(member: &'static str, bytes: &[u8]) -> Result<(), JoseError> {
                let want = CURVE.field_bytes();
                if bytes.len() == want {
                    Ok(())
                } else {
                    Err(JoseError::JwkMember {
                        member,
                        problem: format!(
                            "must be {want} bytes for {} (RFC 7518 §6.2.1), found {}",
                            CURVE.name(),
                            bytes.len()
                        ),
                    })
                }
            }

            pub(crate) fn public(x: &[u8], y: &[u8]) -> Result<PublicKey, JoseError> {
                check_len("x", x)?;
                check_len("y", y)?;
                let mut sec1 = Vec::with_capacity(1 + x.len() + y.len());
                sec1.push(0x04);
                sec1.extend_from_slice(x);
                sec1.extend_from_slice(y);
                PublicKey::from_sec1_bytes(&sec1).map_err(|_| JoseError::JwkMember {
                    member: "y",
                    problem: format!("the point (x, y) is not on the curve {}", CURVE.name()),
                })
            }

            /// The secret scalar `d`, checked against the public point `(x, y)`.
            pub(crate) fn secret(x: &[u8], y: &[u8], d: &[u8]) -> Result<SecretKey, JoseError> {
                let public = public(x, y)?;
                check_len("d", d)?;
                let secret = SecretKey::from_slice(d).map_err(|_| JoseError::JwkMember {
                    member: "d",
                    problem: format!("is zero or not below the order of {}", CURVE.name()),
                })?;
                if secret.public_key() != public {
                    return Err(JoseError::KeyPairMismatch {
                        kty: "EC",
                        problem: "d × G is not the point (x, y)".into(),
                    });
                }
                Ok(secret)
            }

            pub(crate) fn material_from_public(public: &PublicKey) -> KeyMaterial {
                let point = public.to_encoded_point(false);
                // Uncompressed SEC1: 0x04 || x || y.
                let bytes = point.as_bytes();
                let size = CURVE.field_bytes();
                KeyMaterial::Ec {
                    crv: CURVE,
                    x: bytes.get(1..1 + size).unwrap_or_default().to_vec(),
                    y: bytes.get(1 + size..).unwrap_or_default().to_vec(),
                    d: None,
                }
            }

            pub(crate) fn material_from_secret(secret: &SecretKey) -> KeyMaterial {
                match material_from_public(&secret.public_key()) {
                    KeyMaterial::Ec { crv, x, y, .. } => KeyMaterial::Ec {
                        crv,
                        x,
                        y,
                        d: Some(SecretBytes::new(secret.to_bytes().to_vec())),
                    },
                    other => other,
                }
            }

            $($sign_verify)*

            pub(crate) fn verify(x: &[u8], y: &[u8], input: &[u8], signature: &[u8]) -> Result<(), JoseError> {
                use $krate::ecdsa::signature::Verifier;
                let key = VerifyingKey::from_affine(*public(x, y)?.as_affine()).map_err(|_| JoseError::InvalidSignature)?;
                let signature = Signature::from_slice(signature).map_err(|_| JoseError::InvalidSignature)?;
                key.verify(input, &signature)
                    .map_err(|_| JoseError::InvalidSignature)
            }

            /// RFC 7518 §4.6.2: Z is the x coordinate of d × P, as many bytes as the field.
            /// `(px, py)` is checked to be on this curve first (RFC 8725 §3.4), by `public`.
            pub(crate) fn agree(d: &[u8], own_x: &[u8], own_y: &[u8], px: &[u8], py: &[u8]) -> Result<SecretBytes, JoseError> {
                let own = secret(own_x, own_y, d)?;
                let peer = public(px, py)?;
                let shared = $krate::ecdh::diffie_hellman(own.to_nonzero_scalar(), peer.as_affine());
                Ok(SecretBytes::new(shared.raw_secret_bytes().to_vec()))
            }

            pub(crate) fn generate(rng: &mut dyn CryptoRngCore) -> KeyMaterial {
                material_from_secret(&SecretKey::random(&mut &mut *rng))
            }

            /// The material of the private scalar `d` (big-endian; shorter encodings are padded).
            pub(crate) fn material_from_scalar(d: &[u8]) -> Result<KeyMaterial, JoseError> {
                SecretKey::from_slice(d)
                    .map(|secret| material_from_secret(&secret))
                    .map_err(|_| JoseError::Der {
                        what: "EC private key",
                        problem: format!(
                            "the private scalar is not a valid {} key (wrong length, zero, or not below the order)",
                            CURVE.name()
                        ),
                    })
            }

            pub(crate) fn from_spki_der(der: &[u8]) -> Result<KeyMaterial, JoseError> {
                PublicKey::from_public_key_der(der)
                    .map(|public| material_from_public(&public))
                    .map_err(|e| JoseError::Der {
                        what: "SPKI EC public key",
                        problem: e.to_string(),
                    })
            }

            pub(crate) fn to_pkcs8_der(x: &[u8], y: &[u8], d: &[u8]) -> Result<SecretBytes, JoseError> {
                let document = secret(x, y, d)?.to_pkcs8_der().map_err(|e| JoseError::Der {
                    what: "PKCS#8 EC private key",
                    problem: e.to_string(),
                })?;
                Ok(SecretBytes::new(document.as_bytes().to_vec()))
            }

            pub(crate) fn to_spki_der(x: &[u8], y: &[u8]) -> Result<Vec<u8>, JoseError> {
                let document = public(x, y)?.to_public_key_der().map_err(|e| JoseError::Der {
                    what: "SPKI EC public key",
                    problem: e.to_string(),
                })?;
                Ok(document.as_bytes().to_vec())
            }
        }
    };
}

/// `sign` for the curves whose crates implement RFC 6979 (deterministic nonces: no RNG
/// needed, no nonce reuse possible).
macro_rules! sign_rfc6979 {
    () => {
        pub(crate) fn sign(
            x: &[u8],
            y: &[u8],
            d: &[u8],
            input: &[u8],
            _rng: Option<&mut dyn CryptoRngCore>,
        ) -> Result<Vec<u8>, JoseError> {
            use super::Signer as _;
            let key = SigningKey::from(secret(x, y, d)?);
            let signature: Signature = key.try_sign(input).map_err(super::signature_error)?;
            Ok(signature.to_bytes().to_vec())
        }
    };
}

pub(crate) use p256::ecdsa::signature::Signer;

fn signature_error(e: impl std::fmt::Display) -> JoseError {
    JoseError::Backend {
        backend: "RustCrypto ECDSA",
        problem: e.to_string(),
    }
}

curve!(p256_ops, p256, EcCurve::P256, {
    sign_rfc6979!();
});
curve!(p384_ops, p384, EcCurve::P384, {
    sign_rfc6979!();
});
curve!(p521_ops, p521, EcCurve::P521, {
    /// ES512 with a random nonce: `p521` 0.13 has no RFC 6979 signer, so signing needs an
    /// RNG (the nonce must never repeat for one key, or the key leaks).
    pub(crate) fn sign(
        x: &[u8],
        y: &[u8],
        d: &[u8],
        input: &[u8],
        rng: Option<&mut dyn CryptoRngCore>,
    ) -> Result<Vec<u8>, JoseError> {
        use p521::ecdsa::signature::RandomizedSigner;
        let Some(mut rng) = rng else {
            return Err(JoseError::RandomnessRequired { alg: "ES512" });
        };
        let key = SigningKey::from_bytes(&secret(x, y, d)?.to_bytes()).map_err(super::signature_error)?;
        let signature: Signature = key.try_sign_with_rng(&mut rng, input).map_err(super::signature_error)?;
        Ok(signature.to_bytes().to_vec())
    }
});

/// Checks EC material: coordinate lengths, the point on the curve, `d` matching it.
pub(crate) fn validate(crv: EcCurve, x: &[u8], y: &[u8], d: Option<&SecretBytes>) -> Result<(), JoseError> {
    match (crv, d) {
        (EcCurve::P256, None) => p256_ops::public(x, y).map(drop),
        (EcCurve::P256, Some(d)) => p256_ops::secret(x, y, d.expose()).map(drop),
        (EcCurve::P384, None) => p384_ops::public(x, y).map(drop),
        (EcCurve::P384, Some(d)) => p384_ops::secret(x, y, d.expose()).map(drop),
        (EcCurve::P521, None) => p521_ops::public(x, y).map(drop),
        (EcCurve::P521, Some(d)) => p521_ops::secret(x, y, d.expose()).map(drop),
    }
}

pub(crate) fn sign(
    crv: EcCurve,
    x: &[u8],
    y: &[u8],
    d: &[u8],
    input: &[u8],
    rng: Option<&mut dyn CryptoRngCore>,
) -> Result<Vec<u8>, JoseError> {
    match crv {
        EcCurve::P256 => p256_ops::sign(x, y, d, input, rng),
        EcCurve::P384 => p384_ops::sign(x, y, d, input, rng),
        EcCurve::P521 => p521_ops::sign(x, y, d, input, rng),
    }
}

pub(crate) fn verify(crv: EcCurve, x: &[u8], y: &[u8], input: &[u8], signature: &[u8]) -> Result<(), JoseError> {
    match crv {
        EcCurve::P256 => p256_ops::verify(x, y, input, signature),
        EcCurve::P384 => p384_ops::verify(x, y, input, signature),
        EcCurve::P521 => p521_ops::verify(x, y, input, signature),
    }
}

pub(crate) fn generate(crv: EcCurve, rng: &mut dyn CryptoRngCore) -> KeyMaterial {
    match crv {
        EcCurve::P256 => p256_ops::generate(rng),
        EcCurve::P384 => p384_ops::generate(rng),
        EcCurve::P521 => p521_ops::generate(rng),
    }
}

pub(crate) fn to_pkcs8_der(
    crv: EcCurve,
    x: &[u8],
    y: &[u8],
    d: Option<&SecretBytes>,
) -> Result<SecretBytes, JoseError> {
    let Some(d) = d else {
        return Err(JoseError::PrivateKeyRequired {
            operation: "PKCS#8 export",
            kty: "EC",
        });
    };
    match crv {
        EcCurve::P256 => p256_ops::to_pkcs8_der(x, y, d.expose()),
        EcCurve::P384 => p384_ops::to_pkcs8_der(x, y, d.expose()),
        EcCurve::P521 => p521_ops::to_pkcs8_der(x, y, d.expose()),
    }
}

pub(crate) fn to_spki_der(crv: EcCurve, x: &[u8], y: &[u8]) -> Result<Vec<u8>, JoseError> {
    match crv {
        EcCurve::P256 => p256_ops::to_spki_der(x, y),
        EcCurve::P384 => p384_ops::to_spki_der(x, y),
        EcCurve::P521 => p521_ops::to_spki_der(x, y),
    }
}

/// ECDH on `crv` between our private key `(x, y, d)` and the peer's public point `(px, py)`:
/// the Z of RFC 7518 §4.6.2. The peer's point is validated on `crv` before any arithmetic.
pub(crate) fn agree(
    crv: EcCurve,
    d: &SecretBytes,
    x: &[u8],
    y: &[u8],
    px: &[u8],
    py: &[u8],
) -> Result<SecretBytes, JoseError> {
    match crv {
        EcCurve::P256 => p256_ops::agree(d.expose(), x, y, px, py),
        EcCurve::P384 => p384_ops::agree(d.expose(), x, y, px, py),
        EcCurve::P521 => p521_ops::agree(d.expose(), x, y, px, py),
    }
}
