//! RSA keys and RS*/PS* signatures (RFC 7518 §3.3, §3.5) with the `rsa` crate.

use rand_core::CryptoRngCore;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, Pkcs1v15Sign, Pss, RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256, Sha384, Sha512};

use crate::jose::alg::{Algorithm, KeyFamily, Sha};
use crate::jose::jwk::{strip_leading_zeros, KeyMaterial, RsaPrivate};
use crate::jose::secret::SecretBytes;
use crate::jose::JoseError;

/// The largest modulus accepted: a hostile 100 000-bit "key" must not cost minutes of CPU, and
/// one verification must stay under 10 ms. With e = 2^33 − 1 (the largest e taken), a
/// 16384-bit modulus took 10.8 ms to verify at the shipped opt-level; 8192 bits take 3 ms.
/// RFC 7518 §3.3 asks for at least 2048 bits; keys above 4096 are rare.
pub const MAX_RSA_BITS: usize = 8192;

/// The public key `(n, e)`, checked: `n` odd and not too large, `e` odd, at least 3 and below `n`.
pub(crate) fn public_key(n: &[u8], e: &[u8]) -> Result<RsaPublicKey, JoseError> {
    let bits = crate::jose::jwk::bit_length(n);
    if bits == 0 {
        return Err(JoseError::JwkMember {
            member: "n",
            problem: "is zero; an RSA modulus is a large odd number".into(),
        });
    }
    if bits > MAX_RSA_BITS {
        return Err(JoseError::JwkMember {
            member: "n",
            problem: format!("is {bits} bits; at most {MAX_RSA_BITS} are accepted"),
        });
    }
    RsaPublicKey::new_with_max_size(BigUint::from_bytes_be(n), BigUint::from_bytes_be(e), MAX_RSA_BITS).map_err(|err| {
        match err {
            rsa::Error::PublicExponentTooSmall => JoseError::JwkMember {
                member: "e",
                problem: "is too small; the public exponent must be at least 3 (usually 65537)".into(),
            },
            rsa::Error::PublicExponentTooLarge => JoseError::JwkMember {
                member: "e",
                problem: "is larger than 2^33 − 1, which is not accepted".into(),
            },
            rsa::Error::InvalidExponent => JoseError::JwkMember {
                member: "e",
                problem: "is even; an RSA public exponent is odd (usually 65537)".into(),
            },
            rsa::Error::InvalidModulus => JoseError::JwkMember {
                member: "n",
                problem: "is not a valid RSA modulus: it must be odd and larger than e".into(),
            },
            other => JoseError::JwkMember {
                member: "n",
                problem: format!("is not a usable RSA modulus: {other}"),
            },
        }
    })
}

/// Checks a private key given as JWK members against its public key and completes the CRT
/// parameters. `p`/`q` may be absent (they are then recovered from `n`, `e`, `d`); given
/// `dp`, `dq`, `qi` must equal the values computed from `d`, `p`, `q`.
pub(crate) fn import_private(
    public: &RsaPublicKey,
    d: Vec<u8>,
    p: Option<Vec<u8>>,
    q: Option<Vec<u8>>,
    dp: Option<Vec<u8>>,
    dq: Option<Vec<u8>>,
    qi: Option<Vec<u8>>,
) -> Result<RsaPrivate, JoseError> {
    let d = BigUint::from_bytes_be(&d);
    if d == BigUint::from(0u8) {
        return Err(JoseError::JwkMember {
            member: "d",
            problem: "is zero".into(),
        });
    }
    if &d >= public.n() {
        return Err(JoseError::KeyPairMismatch {
            kty: "RSA",
            problem: "d is not smaller than the modulus n".into(),
        });
    }
    let primes = match (p, q) {
        (Some(p), Some(q)) => vec![BigUint::from_bytes_be(&p), BigUint::from_bytes_be(&q)],
        (None, None) => Vec::new(),
        (Some(_), None) => {
            return Err(JoseError::JwkMember {
                member: "q",
                problem: "is missing, but \"p\" is present; give both primes or neither".into(),
            })
        }
        (None, Some(_)) => {
            return Err(JoseError::JwkMember {
                member: "p",
                problem: "is missing, but \"q\" is present; give both primes or neither".into(),
            })
        }
    };
    let recovering = primes.is_empty();
    let key = RsaPrivateKey::from_components(public.n().clone(), public.e().clone(), d, primes).map_err(|err| {
        JoseError::KeyPairMismatch {
            kty: "RSA",
            problem: match err {
                rsa::Error::InvalidArguments if recovering => {
                    "p and q cannot be recovered from n, e and d, so d does not belong to this modulus \
                     (keys with e below 65537 need p and q given explicitly)"
                        .into()
                }
                rsa::Error::InvalidModulus => "p × q is not the modulus n".into(),
                rsa::Error::InvalidExponent => {
                    "d is not the private exponent for e (d·e ≢ 1 modulo p − 1 and q − 1)".into()
                }
                rsa::Error::InvalidPrime => "p or q is not a prime larger than 1".into(),
                other => other.to_string(),
            },
        }
    })?;
    let private = private_components(&key)?;
    for (name, given, computed) in [
        ("dp", dp, &private.dp),
        ("dq", dq, &private.dq),
        ("qi", qi, &private.qi),
    ] {
        if let Some(given) = given {
            if strip_leading_zeros(given) != computed.expose() {
                return Err(JoseError::KeyPairMismatch {
                    kty: "RSA",
                    problem: format!(
                        "\"{name}\" is not the value computed from d, p and q ({})",
                        match name {
                            "dp" => "d mod (p − 1)",
                            "dq" => "d mod (q − 1)",
                            _ => "q⁻¹ mod p",
                        }
                    ),
                });
            }
        }
    }
    Ok(private)
}

/// The private components of a key, CRT parameters included.
pub(crate) fn private_components(key: &RsaPrivateKey) -> Result<RsaPrivate, JoseError> {
    let [p, q] = key.primes() else {
        return Err(JoseError::JwkMember {
            member: "oth",
            problem: "multi-prime RSA keys (more than two primes) are not supported".into(),
        });
    };
    let one = BigUint::from(1u8);
    let d = key.d();
    let dp = d % (p - &one);
    let dq = d % (q - &one);
    let qi = key.crt_coefficient().ok_or_else(|| JoseError::KeyPairMismatch {
        kty: "RSA",
        problem: "q has no inverse modulo p".into(),
    })?;
    let secret = |v: &BigUint| SecretBytes::new(v.to_bytes_be());
    Ok(RsaPrivate {
        d: secret(d),
        p: secret(p),
        q: secret(q),
        dp: secret(&dp),
        dq: secret(&dq),
        qi: secret(&qi),
    })
}

/// The JWK material of a private key.
pub(crate) fn material_from_private(key: &RsaPrivateKey) -> Result<KeyMaterial, JoseError> {
    Ok(KeyMaterial::Rsa {
        n: key.n().to_bytes_be(),
        e: key.e().to_bytes_be(),
        private: Some(private_components(key)?),
    })
}

/// The JWK material of a public key.
pub(crate) fn material_from_public(key: &RsaPublicKey) -> KeyMaterial {
    KeyMaterial::Rsa {
        n: key.n().to_bytes_be(),
        e: key.e().to_bytes_be(),
        private: None,
    }
}

/// The `rsa` crate's private key for JWK members (validated again: the material may have
/// been built by hand).
pub(crate) fn to_private(n: &[u8], e: &[u8], private: &RsaPrivate) -> Result<RsaPrivateKey, JoseError> {
    let public = public_key(n, e)?;
    let primes = vec![
        BigUint::from_bytes_be(private.p.expose()),
        BigUint::from_bytes_be(private.q.expose()),
    ];
    RsaPrivateKey::from_components(
        public.n().clone(),
        public.e().clone(),
        BigUint::from_bytes_be(private.d.expose()),
        primes,
    )
    .map_err(|err| JoseError::KeyPairMismatch {
        kty: "RSA",
        problem: err.to_string(),
    })
}

fn digest(sha: Sha, input: &[u8]) -> Vec<u8> {
    match sha {
        Sha::Sha256 => Sha256::digest(input).to_vec(),
        Sha::Sha384 => Sha384::digest(input).to_vec(),
        Sha::Sha512 => Sha512::digest(input).to_vec(),
    }
}

fn pkcs1v15(sha: Sha) -> Pkcs1v15Sign {
    match sha {
        Sha::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
        Sha::Sha384 => Pkcs1v15Sign::new::<Sha384>(),
        Sha::Sha512 => Pkcs1v15Sign::new::<Sha512>(),
    }
}

/// RFC 7518 §3.5: MGF1 with the same hash, and a salt as long as the hash output.
fn pss(sha: Sha) -> Pss {
    match sha {
        Sha::Sha256 => Pss::new::<Sha256>(),
        Sha::Sha384 => Pss::new::<Sha384>(),
        Sha::Sha512 => Pss::new::<Sha512>(),
    }
}

/// Signs with RS* or PS*. With an RNG, the private-key operation is blinded (and PS* gets its
/// random salt); without one RS* still works, unblinded, and PS* is refused.
/// `alg` is RS* or PS* (the caller dispatches on the algorithm's key family).
pub(crate) fn sign(
    alg: Algorithm,
    n: &[u8],
    e: &[u8],
    private: &RsaPrivate,
    input: &[u8],
    rng: Option<&mut dyn CryptoRngCore>,
) -> Result<Vec<u8>, JoseError> {
    let key = to_private(n, e, private)?;
    let hashed = digest(alg.sha(), input);
    let signed = match (alg.family() == KeyFamily::RsaPss, rng) {
        (false, Some(mut rng)) => key.sign_with_rng(&mut rng, pkcs1v15(alg.sha()), &hashed),
        (false, None) => key.sign(pkcs1v15(alg.sha()), &hashed),
        (true, Some(mut rng)) => key.sign_with_rng(&mut rng, pss(alg.sha()), &hashed),
        (true, None) => return Err(JoseError::RandomnessRequired { alg: alg.name() }),
    };
    signed.map_err(|err| JoseError::Backend {
        backend: "RustCrypto RSA",
        problem: err.to_string(),
    })
}

/// Verifies an RS* or PS* signature. Any failure, including a signature of the wrong length,
/// is [`JoseError::InvalidSignature`].
/// `alg` is RS* or PS*, as for [`sign`].
pub(crate) fn verify(alg: Algorithm, n: &[u8], e: &[u8], input: &[u8], signature: &[u8]) -> Result<(), JoseError> {
    let key = public_key(n, e)?;
    let hashed = digest(alg.sha(), input);
    let result = if alg.family() == KeyFamily::RsaPss {
        key.verify(pss(alg.sha()), &hashed, signature)
    } else {
        key.verify(pkcs1v15(alg.sha()), &hashed, signature)
    };
    result.map_err(|_| JoseError::InvalidSignature)
}

/// A new RSA key with e = 65537.
pub(crate) fn generate(bits: usize, rng: &mut dyn CryptoRngCore) -> Result<KeyMaterial, JoseError> {
    let key = RsaPrivateKey::new(rng, bits).map_err(|err| JoseError::KeyGeneration {
        problem: format!("RSA-{bits}: {err}"),
    })?;
    material_from_private(&key)
}

fn der_error(what: &'static str) -> impl Fn(String) -> JoseError {
    move |problem| JoseError::Der { what, problem }
}

pub(crate) fn from_pkcs8_der(der: &[u8]) -> Result<KeyMaterial, JoseError> {
    use pkcs8::DecodePrivateKey;
    const WHAT: &str = "PKCS#8 RSA private key";
    let key = RsaPrivateKey::from_pkcs8_der(der).map_err(|e| {
        pkcs8::PrivateKeyInfo::try_from(der)
            .ok()
            .and_then(|info| multi_prime(info.private_key, WHAT))
            .unwrap_or_else(|| der_error(WHAT)(e.to_string()))
    })?;
    material_from_private(&key)
}

pub(crate) fn from_pkcs1_der(der: &[u8]) -> Result<KeyMaterial, JoseError> {
    use pkcs1::DecodeRsaPrivateKey;
    const WHAT: &str = "PKCS#1 RSA private key";
    let key = RsaPrivateKey::from_pkcs1_der(der)
        .map_err(|e| multi_prime(der, WHAT).unwrap_or_else(|| der_error(WHAT)(e.to_string())))?;
    material_from_private(&key)
}

/// A PKCS#1 `RSAPrivateKey` of version 1 carries `otherPrimeInfos` (RFC 8017 §A.1.2): a key of
/// three or more primes, which the `rsa` crate refuses as merely "malformed". Named here so
/// the user learns what to change.
fn multi_prime(pkcs1_der: &[u8], what: &'static str) -> Option<JoseError> {
    let others = pkcs1::RsaPrivateKey::try_from(pkcs1_der).ok()?.other_prime_infos?;
    Some(JoseError::Der {
        what,
        problem: format!(
            "it is a multi-prime key ({} primes); only two-prime RSA keys are supported",
            2 + others.len()
        ),
    })
}

pub(crate) fn from_pkcs1_public_der(der: &[u8]) -> Result<KeyMaterial, JoseError> {
    use pkcs1::DecodeRsaPublicKey;
    let key = RsaPublicKey::from_pkcs1_der(der).map_err(|e| der_error("PKCS#1 RSA public key")(e.to_string()))?;
    Ok(material_from_public(&key))
}

pub(crate) fn from_spki_der(der: &[u8]) -> Result<KeyMaterial, JoseError> {
    use pkcs8::DecodePublicKey;
    let key = RsaPublicKey::from_public_key_der(der).map_err(|e| der_error("SPKI RSA public key")(e.to_string()))?;
    Ok(material_from_public(&key))
}

pub(crate) fn to_pkcs8_der(n: &[u8], e: &[u8], private: &RsaPrivate) -> Result<SecretBytes, JoseError> {
    use pkcs8::EncodePrivateKey;
    let document = to_private(n, e, private)?
        .to_pkcs8_der()
        .map_err(|e| der_error("PKCS#8 RSA private key")(e.to_string()))?;
    Ok(SecretBytes::new(document.as_bytes().to_vec()))
}

pub(crate) fn to_spki_der(n: &[u8], e: &[u8]) -> Result<Vec<u8>, JoseError> {
    use pkcs8::EncodePublicKey;
    let document = public_key(n, e)?
        .to_public_key_der()
        .map_err(|e| der_error("SPKI RSA public key")(e.to_string()))?;
    Ok(document.as_bytes().to_vec())
}
