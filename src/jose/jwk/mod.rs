//! JSON Web Keys (RFC 7517) for `oct`, `RSA`, `EC` (P-256, P-384, P-521) and `OKP` (Ed25519 for
//! signatures, X25519 for ECDH-ES key agreement; RFC 8037 §2).
//!
//! Key material is kept as the raw big-endian components of its JWK form, so any backend
//! (RustCrypto here, WebCrypto in the browser) can import it. Every import checks what can
//! be checked — lengths, points on the curve, private halves matching public ones — and
//! says precisely what was wrong. Private components live in [`SecretBytes`], which never
//! prints itself.

mod serde_impl;
mod thumbprint;

use std::fmt;

use serde_json::{Map, Value};

use super::alg::{Algorithm, KeyFamily, ShortHmacKeys};
use super::error::KeySummary;
use super::rustcrypto;
use super::secret::SecretBytes;
use super::{base64url, json, JoseError};

/// RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used with these algorithms."
pub const MIN_RSA_BITS: usize = 2048;

/// The curves of `kty: EC` keys (RFC 7518 §6.2.1.1) that this implementation handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EcCurve {
    P256,
    P384,
    P521,
}

impl EcCurve {
    pub fn name(self) -> &'static str {
        match self {
            EcCurve::P256 => "P-256",
            EcCurve::P384 => "P-384",
            EcCurve::P521 => "P-521",
        }
    }

    /// Length of a coordinate and of the private scalar, in bytes.
    pub fn field_bytes(self) -> usize {
        match self {
            EcCurve::P256 => 32,
            EcCurve::P384 => 48,
            // RFC 7518 §6.2.1.2: "the length of this octet string MUST be 66 octets" for P-521.
            EcCurve::P521 => 66,
        }
    }

    pub(crate) fn from_name(name: &str) -> Result<Self, JoseError> {
        match name {
            "P-256" => Ok(EcCurve::P256),
            "P-384" => Ok(EcCurve::P384),
            "P-521" => Ok(EcCurve::P521),
            other => Err(JoseError::UnsupportedCurve {
                kty: "EC",
                found: other.to_string(),
                supported: "P-256, P-384, P-521",
            }),
        }
    }
}

/// The curves of `kty: OKP` keys (RFC 8037 §2) that this implementation handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OkpCurve {
    /// EdDSA signatures (RFC 8037 §3.1); never key agreement.
    Ed25519,
    /// ECDH-ES key agreement (RFC 8037 §3.2); never signatures.
    X25519,
}

impl OkpCurve {
    pub fn name(self) -> &'static str {
        match self {
            OkpCurve::Ed25519 => "Ed25519",
            OkpCurve::X25519 => "X25519",
        }
    }

    fn from_name(name: &str) -> Result<Self, JoseError> {
        match name {
            "Ed25519" => Ok(OkpCurve::Ed25519),
            "X25519" => Ok(OkpCurve::X25519),
            other => Err(JoseError::UnsupportedCurve {
                kty: "OKP",
                found: other.to_string(),
                supported: "Ed25519, X25519",
            }),
        }
    }
}

/// The private half of an RSA key (RFC 7518 §6.3.2), always complete after import: the CRT
/// parameters are computed when the JWK left them out, because WebCrypto needs them all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RsaPrivate {
    pub d: SecretBytes,
    pub p: SecretBytes,
    pub q: SecretBytes,
    pub dp: SecretBytes,
    pub dq: SecretBytes,
    pub qi: SecretBytes,
}

/// The key material of a JWK, by `kty`. Public components are unsigned big-endian bytes
/// without leading zeros (RSA) or of the curve's fixed size (EC, OKP).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyMaterial {
    /// `kty: oct` (RFC 7518 §6.4): a symmetric secret.
    Oct { k: SecretBytes },
    /// `kty: RSA` (RFC 7518 §6.3).
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
        private: Option<RsaPrivate>,
    },
    /// `kty: EC` (RFC 7518 §6.2).
    Ec {
        crv: EcCurve,
        x: Vec<u8>,
        y: Vec<u8>,
        d: Option<SecretBytes>,
    },
    /// `kty: OKP` (RFC 8037 §2).
    Okp {
        crv: OkpCurve,
        x: Vec<u8>,
        d: Option<SecretBytes>,
    },
}

impl KeyMaterial {
    /// The RFC 7517 `kty` value.
    pub fn kty(&self) -> &'static str {
        match self {
            KeyMaterial::Oct { .. } => "oct",
            KeyMaterial::Rsa { .. } => "RSA",
            KeyMaterial::Ec { .. } => "EC",
            KeyMaterial::Okp { .. } => "OKP",
        }
    }

    /// The `crv` value of EC and OKP keys.
    pub fn crv(&self) -> Option<&'static str> {
        match self {
            KeyMaterial::Ec { crv, .. } => Some(crv.name()),
            KeyMaterial::Okp { crv, .. } => Some(crv.name()),
            _ => None,
        }
    }

    /// Whether the private part is present (always true for `oct`).
    pub fn is_private(&self) -> bool {
        match self {
            KeyMaterial::Oct { .. } => true,
            KeyMaterial::Rsa { private, .. } => private.is_some(),
            KeyMaterial::Ec { d, .. } | KeyMaterial::Okp { d, .. } => d.is_some(),
        }
    }

    /// The RSA modulus length in bits.
    pub fn rsa_modulus_bits(&self) -> Option<usize> {
        match self {
            KeyMaterial::Rsa { n, .. } => Some(bit_length(n)),
            _ => None,
        }
    }
}

/// A JWK operation the policy checks a key for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyOperation {
    Sign,
    Verify,
}

impl KeyOperation {
    /// The RFC 7517 §4.3 `key_ops` value, which is also WebCrypto's usage name.
    pub fn key_ops_name(self) -> &'static str {
        match self {
            KeyOperation::Sign => "sign",
            KeyOperation::Verify => "verify",
        }
    }
}

/// A parsed JWK: its key material plus the optional members that describe and select it.
/// Other members (`x5c`, `ext`, …) are not kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Jwk {
    pub material: KeyMaterial,
    pub kid: Option<String>,
    pub alg: Option<String>,
    pub key_use: Option<String>,
    pub key_ops: Option<Vec<String>>,
}

impl Jwk {
    /// A key with no `kid`, `alg`, `use` or `key_ops`.
    pub fn new(material: KeyMaterial) -> Self {
        Self {
            material,
            kid: None,
            alg: None,
            key_use: None,
            key_ops: None,
        }
    }

    /// Parses a JWK from its JSON text.
    pub fn from_json(text: &str) -> Result<Self, JoseError> {
        Self::from_members(&json::parse_object(text, "JWK")?)
    }

    /// Parses a JWK from an already parsed JSON object (e.g. a member of a JWKS).
    pub fn from_members(members: &Map<String, Value>) -> Result<Self, JoseError> {
        let kty = required_str(members, "kty")?;
        let material = match kty {
            "oct" => {
                let k = required_b64(members, "k")?;
                if k.is_empty() {
                    return Err(JoseError::JwkMember {
                        member: "k",
                        problem: "is empty; a secret needs at least one byte".into(),
                    });
                }
                KeyMaterial::Oct { k: SecretBytes::new(k) }
            }
            "RSA" => rsa_from_members(members)?,
            "EC" => {
                let crv = EcCurve::from_name(required_str(members, "crv")?)?;
                let x = required_b64(members, "x")?;
                let y = required_b64(members, "y")?;
                let d = optional_b64(members, "d")?.map(SecretBytes::new);
                rustcrypto::ec::validate(crv, &x, &y, d.as_ref())?;
                KeyMaterial::Ec { crv, x, y, d }
            }
            "OKP" => {
                let crv = OkpCurve::from_name(required_str(members, "crv")?)?;
                let x = required_b64(members, "x")?;
                let d = optional_b64(members, "d")?.map(SecretBytes::new);
                match crv {
                    OkpCurve::Ed25519 => rustcrypto::ed25519::validate(&x, d.as_ref())?,
                    OkpCurve::X25519 => rustcrypto::x25519::validate(&x, d.as_ref())?,
                }
                KeyMaterial::Okp { crv, x, d }
            }
            other => {
                return Err(JoseError::JwkMember {
                    member: "kty",
                    problem: format!("\"{other}\" is not a supported key type (supported: oct, RSA, EC, OKP)"),
                })
            }
        };
        let key_ops = match members.get("key_ops") {
            None => None,
            Some(Value::Array(ops)) => Some(
                ops.iter()
                    .map(|op| match op {
                        Value::String(s) => Ok(s.clone()),
                        other => Err(JoseError::JwkMember {
                            member: "key_ops",
                            problem: format!("must be an array of strings, found {}", json::describe(other)),
                        }),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Some(other) => {
                return Err(JoseError::JwkMember {
                    member: "key_ops",
                    problem: format!("must be an array of strings, found {}", json::describe(other)),
                })
            }
        };
        Ok(Self {
            material,
            kid: optional_str(members, "kid")?,
            alg: optional_str(members, "alg")?,
            key_use: optional_str(members, "use")?,
            key_ops,
        })
    }

    /// The JWK as JSON text, private members included when the key has them.
    pub fn to_json(&self) -> String {
        serde_impl::to_json(self, false)
    }

    /// The JWK as indented JSON text, for display.
    pub fn to_json_pretty(&self) -> String {
        serde_impl::to_json(self, true)
    }

    /// The public half (same `kid`, `alg`, `use`; `key_ops` keeps only the public ones:
    /// `verify`, `encrypt`, `wrapKey`).
    /// An `oct` key has none: it is a shared secret.
    pub fn to_public(&self) -> Result<Jwk, JoseError> {
        let material = match &self.material {
            KeyMaterial::Oct { .. } => {
                return Err(JoseError::SymmetricKey {
                    operation: "public part",
                })
            }
            KeyMaterial::Rsa { n, e, .. } => KeyMaterial::Rsa {
                n: n.clone(),
                e: e.clone(),
                private: None,
            },
            KeyMaterial::Ec { crv, x, y, .. } => KeyMaterial::Ec {
                crv: *crv,
                x: x.clone(),
                y: y.clone(),
                d: None,
            },
            KeyMaterial::Okp { crv, x, .. } => KeyMaterial::Okp {
                crv: *crv,
                x: x.clone(),
                d: None,
            },
        };
        Ok(Jwk {
            material,
            kid: self.kid.clone(),
            alg: self.alg.clone(),
            key_use: self.key_use.clone(),
            key_ops: self.key_ops.as_ref().map(|ops| {
                ops.iter()
                    .filter(|op| matches!(op.as_str(), "verify" | "encrypt" | "wrapKey"))
                    .cloned()
                    .collect()
            }),
        })
    }

    pub fn is_private(&self) -> bool {
        self.material.is_private()
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url): a stable name for the key.
    pub fn thumbprint(&self) -> String {
        thumbprint::sha256(&self.material)
    }

    /// This key with `kid` set to its RFC 7638 thumbprint, unless it already has a `kid`.
    pub fn with_thumbprint_kid(mut self) -> Self {
        if self.kid.is_none() {
            self.kid = Some(self.thumbprint());
        }
        self
    }

    /// How this key appears in key-selection errors.
    pub fn summary(&self) -> KeySummary {
        KeySummary {
            kid: self.kid.clone(),
            kty: self.material.kty(),
            alg: self.alg.clone(),
            key_use: self.key_use.clone(),
            crv: self.material.crv(),
        }
    }

    /// The key in words, for errors: "an RSA key (2048 bits)", "an EC key on P-384".
    pub fn describe(&self) -> String {
        match &self.material {
            KeyMaterial::Oct { k } => format!("an oct (symmetric) key of {} bytes", k.len()),
            KeyMaterial::Rsa { n, .. } => format!("an RSA key ({} bits)", bit_length(n)),
            KeyMaterial::Ec { crv, .. } => format!("an EC key on {}", crv.name()),
            KeyMaterial::Okp { crv, .. } => format!("an OKP key on {}", crv.name()),
        }
    }

    /// Whether the key's type and curve fit `alg` (nothing else is checked).
    pub fn fits(&self, alg: Algorithm) -> bool {
        self.material.kty() == alg.kty() && (alg.crv().is_none() || self.material.crv() == alg.crv())
    }

    /// Checks everything that decides whether this key may be used for `operation` with
    /// `alg`, before any cryptography runs:
    ///
    /// 1. the key type (and curve) fits the algorithm — this stops the classic confusion of
    ///    an RSA public key used as an HMAC secret;
    /// 2. the key's own `alg` member, if present, names this algorithm (RFC 7517 §4.4);
    /// 3. `use` is `sig` and `key_ops` allows the operation, where present (RFC 7517 §4.2–4.3);
    /// 4. signing has the private key;
    /// 5. RSA moduli have at least 2048 bits (RFC 7518 §3.3);
    /// 6. HMAC secrets are at least as long as the hash (RFC 7518 §3.2), unless allowed.
    pub fn check_usable(
        &self,
        alg: Algorithm,
        operation: KeyOperation,
        short_keys: ShortHmacKeys,
    ) -> Result<(), JoseError> {
        if !self.fits(alg) {
            return Err(JoseError::KeyMismatch {
                alg: alg.name(),
                expected: alg.key_description(),
                found: self.describe(),
            });
        }
        if let Some(key_alg) = &self.alg {
            if key_alg != alg.name() {
                return Err(JoseError::KeyMismatch {
                    alg: alg.name(),
                    expected: "a key whose \"alg\" member names this algorithm",
                    found: format!("restricted to \"alg\": \"{key_alg}\""),
                });
            }
        }
        if let Some(key_use) = &self.key_use {
            if key_use != "sig" {
                return Err(JoseError::KeyMismatch {
                    alg: alg.name(),
                    expected: "a key with \"use\": \"sig\"",
                    found: format!("marked \"use\": \"{key_use}\""),
                });
            }
        }
        if let Some(ops) = &self.key_ops {
            let wanted = operation.key_ops_name();
            if !ops.iter().any(|op| op == wanted) {
                return Err(JoseError::KeyMismatch {
                    alg: alg.name(),
                    expected: if operation == KeyOperation::Sign {
                        "a key whose \"key_ops\" include \"sign\""
                    } else {
                        "a key whose \"key_ops\" include \"verify\""
                    },
                    found: format!("limited to \"key_ops\": {ops:?}"),
                });
            }
        }
        if operation == KeyOperation::Sign && !self.is_private() {
            return Err(JoseError::PrivateKeyRequired {
                operation: "signing",
                kty: self.material.kty(),
            });
        }
        match (&self.material, alg.family()) {
            (KeyMaterial::Rsa { n, .. }, KeyFamily::RsaPkcs1 | KeyFamily::RsaPss) => {
                let bits = bit_length(n);
                if bits < MIN_RSA_BITS {
                    return Err(JoseError::RsaModulusTooShort {
                        bits,
                        min_bits: MIN_RSA_BITS,
                    });
                }
            }
            (KeyMaterial::Oct { k }, KeyFamily::Hmac) => {
                let min_bytes = alg.sha().output_bytes();
                if short_keys == ShortHmacKeys::Refuse && k.len() < min_bytes {
                    return Err(JoseError::WeakHmacKey {
                        alg: alg.name(),
                        min_bytes,
                        found_bytes: k.len(),
                    });
                }
            }
            _ => {}
        }
        Ok(())
    }
}

impl fmt::Display for Jwk {
    /// The key in one line, without secrets: `RSA 2048 bits, kid "k1", alg RS256`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.summary())
    }
}

/// Number of significant bits in a big-endian unsigned integer.
pub(crate) fn bit_length(bytes: &[u8]) -> usize {
    match bytes.iter().position(|b| *b != 0) {
        None => 0,
        Some(first) => (bytes.len() - first - 1) * 8 + (8 - bytes[first].leading_zeros() as usize),
    }
}

/// Drops leading zero bytes: RFC 7518 §6.3.1.1 asks for the minimal encoding of `n` and `e`.
pub(crate) fn strip_leading_zeros(mut bytes: Vec<u8>) -> Vec<u8> {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.drain(..first);
    bytes
}

fn rsa_from_members(members: &Map<String, Value>) -> Result<KeyMaterial, JoseError> {
    if members.contains_key("oth") {
        return Err(JoseError::JwkMember {
            member: "oth",
            problem: "multi-prime RSA keys (more than two primes) are not supported".into(),
        });
    }
    let n = strip_leading_zeros(required_b64(members, "n")?);
    let e = strip_leading_zeros(required_b64(members, "e")?);
    let d = optional_b64(members, "d")?;
    let crt = [
        ("p", optional_b64(members, "p")?),
        ("q", optional_b64(members, "q")?),
        ("dp", optional_b64(members, "dp")?),
        ("dq", optional_b64(members, "dq")?),
        ("qi", optional_b64(members, "qi")?),
    ];
    let public = rustcrypto::rsa::public_key(&n, &e)?;
    let Some(d) = d else {
        if let Some((name, _)) = crt.iter().find(|(_, v)| v.is_some()) {
            return Err(JoseError::JwkMember {
                member: "d",
                problem: format!("is missing, but the private member \"{name}\" is present"),
            });
        }
        return Ok(KeyMaterial::Rsa { n, e, private: None });
    };
    let [(_, p), (_, q), (_, dp), (_, dq), (_, qi)] = crt;
    let private = rustcrypto::rsa::import_private(&public, d, p, q, dp, dq, qi)?;
    Ok(KeyMaterial::Rsa {
        n,
        e,
        private: Some(private),
    })
}

fn required_str<'a>(members: &'a Map<String, Value>, member: &'static str) -> Result<&'a str, JoseError> {
    match members.get(member) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(JoseError::JwkMember {
            member,
            problem: format!("must be a string, found {}", json::describe(other)),
        }),
        None => Err(JoseError::JwkMember {
            member,
            problem: "is missing".into(),
        }),
    }
}

fn optional_str(members: &Map<String, Value>, member: &'static str) -> Result<Option<String>, JoseError> {
    match members.get(member) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(JoseError::JwkMember {
            member,
            problem: format!("must be a string, found {}", json::describe(other)),
        }),
    }
}

fn required_b64(members: &Map<String, Value>, member: &'static str) -> Result<Vec<u8>, JoseError> {
    base64url::decode(required_str(members, member)?, member_what(member))
}

fn optional_b64(members: &Map<String, Value>, member: &'static str) -> Result<Option<Vec<u8>>, JoseError> {
    optional_str(members, member)?
        .map(|s| base64url::decode(&s, member_what(member)))
        .transpose()
}

/// The `what` of a base64 error in a JWK member: `JWK member "n"`.
fn member_what(member: &'static str) -> &'static str {
    match member {
        "k" => "JWK member \"k\"",
        "n" => "JWK member \"n\"",
        "e" => "JWK member \"e\"",
        "d" => "JWK member \"d\"",
        "p" => "JWK member \"p\"",
        "q" => "JWK member \"q\"",
        "dp" => "JWK member \"dp\"",
        "dq" => "JWK member \"dq\"",
        "qi" => "JWK member \"qi\"",
        "x" => "JWK member \"x\"",
        "y" => "JWK member \"y\"",
        _ => "JWK member",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let jwk = Jwk::from_json(r#"{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQ"}"#);
        let shown = format!("{jwk:?}");
        assert!(shown.contains("redacted"), "{shown}");
        assert!(!shown.contains("115, 101"), "{shown}");
    }

    #[test]
    fn missing_k_is_named() {
        assert_eq!(
            Jwk::from_json(r#"{"kty":"oct"}"#),
            Err(JoseError::JwkMember {
                member: "k",
                problem: "is missing".into()
            })
        );
    }

    #[test]
    fn unknown_kty_is_refused() {
        assert!(matches!(
            Jwk::from_json(r#"{"kty":"XYZ"}"#),
            Err(JoseError::JwkMember { member: "kty", .. })
        ));
    }

    #[test]
    fn bit_length_counts_significant_bits() {
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[0, 0]), 0);
        assert_eq!(bit_length(&[1]), 1);
        assert_eq!(bit_length(&[0, 0x80, 0]), 16);
    }
}
