//! The JWE protected header's checks and the key policy, all before any cryptography.

use serde_json::{Map, Value};

use super::{ContentEncryption, JweOperation, KeyManagement};
use crate::jose::jwk::{KeyMaterial, OkpCurve, MIN_RSA_BITS};
use crate::jose::jws::{check_crit_among, check_member_types};
use crate::jose::{base64url, json, JoseError, Jwk};

/// Header parameters registered for JWE: RFC 7516 §4.1 and the algorithm-specific ones of
/// RFC 7518 §4.6.1 (`epk`, `apu`, `apv`), §4.7.1 (`iv`, `tag`) and §4.8.1 (`p2s`, `p2c`).
/// RFC 7516 §4.1.13 forbids listing them in `crit`.
const REGISTERED: [&str; 20] = [
    "alg", "enc", "zip", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "epk", "apu",
    "apv", "iv", "tag", "p2s", "p2c",
];

/// Extensions understood here, which `crit` may name: none.
const UNDERSTOOD_EXTENSIONS: [&str; 0] = [];

/// A string member the header must have (`alg`, `enc`).
pub(super) fn member_str<'a>(header: &'a Map<String, Value>, name: &'static str) -> Result<&'a str, JoseError> {
    match header.get(name) {
        Some(Value::String(value)) => Ok(value),
        Some(other) => Err(JoseError::MalformedJwe(format!(
            "header \"{name}\" must be a string, found {}",
            json::describe(other)
        ))),
        None => Err(JoseError::MalformedJwe(format!(
            "the protected header has no \"{name}\" (RFC 7516 §4.1.1–§4.1.2 require \"alg\" and \"enc\")"
        ))),
    }
}

/// `kid`/`typ`/`cty` are strings, `crit` lists only what is understood, and there is no `zip`.
pub(super) fn check_members(header: &Map<String, Value>) -> Result<(), JoseError> {
    check_member_types(header)?;
    check_crit_among(header, &REGISTERED, &UNDERSTOOD_EXTENSIONS, "RFC 7516/7518")?;
    // RFC 7516 §4.1.3: "If no "zip" parameter is present, no compression is applied". DEF is
    // not implemented, and returning the still-compressed bytes as the plaintext would be
    // wrong, so any "zip" is refused.
    if let Some(zip) = header.get("zip") {
        return Err(JoseError::ZipUnsupported {
            found: zip.as_str().map_or_else(|| json::describe(zip), str::to_string),
        });
    }
    Ok(())
}

pub(super) fn unfit(alg: KeyManagement, key: &Jwk) -> JoseError {
    JoseError::KeyMismatch {
        alg: alg.name(),
        expected: alg.key_description(),
        found: key.describe(),
    }
}

/// Checks everything that decides whether `key` may be used with `alg` and `enc`, before any
/// cryptography runs:
///
/// 1. the key type fits the algorithm; oct keys have the exact length (A128KW 16 bytes,
///    A256KW 32, `dir` the CEK length of `enc`, RFC 7518 §4.4/§4.5);
/// 2. the key's own `alg` member, if present, names this algorithm (RFC 7517 §4.4), or for
///    `dir` the `enc` the key serves as CEK for;
/// 3. `use` is `enc` where present (RFC 7517 §4.2), and `key_ops` allows the operation;
/// 4. decryption has the private key;
/// 5. RSA moduli have at least 2048 bits (RFC 7518 §4.3: "A key of size 2048 bits or larger
///    MUST be used with these algorithms").
pub fn check_key(
    key: &Jwk,
    alg: KeyManagement,
    enc: ContentEncryption,
    operation: JweOperation,
) -> Result<(), JoseError> {
    if !alg.fits(key, enc) {
        return Err(unfit(alg, key));
    }
    if let Some(key_alg) = &key.alg {
        // With `dir` the key is the CEK itself, so naming the content encryption algorithm
        // is as good as naming `dir`: RFC 7520 §5.6's key carries "alg": "A128GCM".
        let names_enc = alg == KeyManagement::Dir && key_alg == enc.name();
        if key_alg != alg.name() && !names_enc {
            return Err(JoseError::KeyMismatch {
                alg: alg.name(),
                expected: "a key whose \"alg\" member names this algorithm",
                found: format!("restricted to \"alg\": \"{key_alg}\""),
            });
        }
    }
    if let Some(key_use) = &key.key_use {
        if key_use != "enc" {
            return Err(JoseError::KeyMismatch {
                alg: alg.name(),
                expected: "a key with \"use\": \"enc\"",
                found: format!("marked \"use\": \"{key_use}\""),
            });
        }
    }
    if let Some(ops) = &key.key_ops {
        // RFC 7517 §4.3's values, which are also WebCrypto's usages. The public half of an
        // ECDH key has no usage of its own in WebCrypto, so encrypting to it is not checked.
        let wanted: &[&str] = match (operation, alg) {
            (JweOperation::Encrypt, KeyManagement::Dir) => &["encrypt"],
            (JweOperation::Decrypt, KeyManagement::Dir) => &["decrypt"],
            (JweOperation::Encrypt, a) if a.is_ecdh() => &[],
            (JweOperation::Decrypt, a) if a.is_ecdh() => &["deriveKey", "deriveBits"],
            (JweOperation::Encrypt, _) => &["wrapKey", "encrypt"],
            (JweOperation::Decrypt, _) => &["unwrapKey", "decrypt"],
        };
        if !wanted.is_empty() && !ops.iter().any(|op| wanted.contains(&op.as_str())) {
            return Err(JoseError::KeyMismatch {
                alg: alg.name(),
                expected: match operation {
                    JweOperation::Encrypt => "a key whose \"key_ops\" allow encrypting to it",
                    JweOperation::Decrypt => "a key whose \"key_ops\" allow decrypting with it",
                },
                found: format!("limited to \"key_ops\": {ops:?}"),
            });
        }
    }
    if operation == JweOperation::Decrypt && !key.is_private() {
        return Err(JoseError::PrivateKeyRequired {
            operation: "JWE decryption",
            kty: key.material.kty(),
        });
    }
    if let Some(bits) = key.material.rsa_modulus_bits() {
        if bits < MIN_RSA_BITS {
            return Err(JoseError::RsaModulusTooShort {
                bits,
                min_bits: MIN_RSA_BITS,
            });
        }
    }
    Ok(())
}

/// The `epk` of an ECDH-ES header as a public key on the recipient's curve. RFC 8725 §3.4:
/// "receiving parties MUST validate that the received point is on the curve", or an attacker
/// who sends points of a weaker curve learns the private key bit by bit. Importing checks the
/// point (`Jwk::from_members` validates every EC point); the curve must be the recipient's.
/// With an X25519 recipient the `epk` is an OKP X25519 public key (RFC 8037 §3.2); X25519
/// has no invalid points, and a small-order one is refused by the key agreement (all-zero Z).
pub(super) fn epk(header: &Map<String, Value>, recipient: &Jwk) -> Result<Jwk, JoseError> {
    let refused = |problem: String| JoseError::EpkRefused { problem };
    let members = match header.get("epk") {
        Some(Value::Object(members)) => members,
        Some(other) => {
            return Err(refused(format!(
                "must be a JWK object, found {}",
                json::describe(other)
            )))
        }
        None => return Err(refused("is missing (RFC 7518 §4.6.1.1 requires it)".into())),
    };
    // Only the public members are read: a private "d" in an epk is not ours to use.
    let mut public = Map::new();
    for name in ["kty", "crv", "x", "y"] {
        if let Some(value) = members.get(name) {
            public.insert(name.into(), value.clone());
        }
    }
    let epk = Jwk::from_members(&public).map_err(|e| refused(e.to_string()))?;
    match (&epk.material, &recipient.material) {
        (KeyMaterial::Ec { crv, .. }, KeyMaterial::Ec { crv: ours, .. }) if crv == ours => Ok(epk),
        (KeyMaterial::Ec { crv, .. }, KeyMaterial::Ec { crv: ours, .. }) => Err(refused(format!(
            "it is on {}, the recipient's key on {}",
            crv.name(),
            ours.name()
        ))),
        (
            KeyMaterial::Okp {
                crv: OkpCurve::X25519, ..
            },
            KeyMaterial::Okp {
                crv: OkpCurve::X25519, ..
            },
        ) => Ok(epk),
        (_, KeyMaterial::Okp { .. }) => Err(refused(format!(
            "must be an OKP X25519 public key like the recipient's, found {}",
            epk.describe()
        ))),
        (_, recipient) => Err(refused(format!(
            "must be a public key on the recipient's curve ({}), found {}",
            recipient.crv().unwrap_or("none"),
            epk.describe()
        ))),
    }
}

/// `apu`/`apv` (RFC 7518 §4.6.1.2–§4.6.1.3), base64url-decoded; empty when absent.
pub(super) fn party_info(header: &Map<String, Value>, name: &'static str) -> Result<Vec<u8>, JoseError> {
    match header.get(name) {
        None => Ok(Vec::new()),
        Some(Value::String(value)) => base64url::decode(
            value,
            if name == "apu" {
                "JWE header \"apu\""
            } else {
                "JWE header \"apv\""
            },
        ),
        Some(other) => Err(JoseError::MalformedJwe(format!(
            "header \"{name}\" must be a base64url string, found {}",
            json::describe(other)
        ))),
    }
}
