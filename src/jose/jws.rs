//! JWS compact serialization (RFC 7515 §7.1) with the HMAC algorithms of RFC 7518 §3.2.

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::{Sha256, Sha384, Sha512};
use subtle::ConstantTimeEq;

use super::jwk::{Jwk, KeyMaterial};
use super::{base64url, JoseError};

/// A JWS `alg` value (RFC 7518 §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    HS256,
    HS384,
    HS512,
}

impl Algorithm {
    pub const ALL: [Algorithm; 3] = [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512];

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
        }
    }

    pub fn from_name(name: &str) -> Result<Self, JoseError> {
        Self::ALL
            .into_iter()
            .find(|a| a.name() == name)
            .ok_or_else(|| JoseError::UnsupportedAlgorithm(name.to_string()))
    }

    /// RFC 7518 §3.2: "A key of the same size as the hash output … or larger MUST be used".
    fn min_hmac_key_bytes(self) -> usize {
        match self {
            Algorithm::HS256 => 32,
            Algorithm::HS384 => 48,
            Algorithm::HS512 => 64,
        }
    }
}

/// Whether an HMAC key shorter than RFC 7518 §3.2 requires may still be used. The UI asks
/// the user instead of signing silently, so the default refuses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ShortHmacKeys {
    #[default]
    Refuse,
    Allow,
}

/// Signs `payload` under the protected header given as JSON text. The header's bytes are kept
/// exactly as given (RFC 7515 examples use CRLF inside it), so known vectors reproduce.
pub fn sign_compact(
    protected_header: &str,
    payload: &[u8],
    key: &Jwk,
    short_keys: ShortHmacKeys,
) -> Result<String, JoseError> {
    let alg = header_alg(protected_header)?;
    let signing_input = format!(
        "{}.{}",
        base64url::encode(protected_header.as_bytes()),
        base64url::encode(payload)
    );
    let signature = hmac_sign(alg, key, signing_input.as_bytes(), short_keys)?;
    Ok(format!("{signing_input}.{}", base64url::encode(signature)))
}

/// A JWS whose signature verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedJws {
    pub alg: Algorithm,
    pub header: Value,
    pub payload: Vec<u8>,
}

/// Verifies a compact JWS with `key`, accepting only an `alg` from `allowed`.
pub fn verify_compact(jws: &str, key: &Jwk, allowed: &[Algorithm]) -> Result<VerifiedJws, JoseError> {
    let mut parts = jws.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JoseError::Malformed(format!(
            "expected 3 parts separated by '.', found {}",
            jws.split('.').count()
        )));
    };
    let header_bytes = base64url::decode(header_b64, "JWS protected header")?;
    let header_text = String::from_utf8(header_bytes).map_err(|_| JoseError::Json {
        what: "JWS protected header",
        problem: "not UTF-8".into(),
    })?;
    let alg = header_alg(&header_text)?;
    if !allowed.contains(&alg) {
        return Err(JoseError::AlgorithmNotAllowed {
            found: alg.name().into(),
            allowed: allowed.iter().map(|a| a.name()).collect(),
        });
    }
    let payload = base64url::decode(payload_b64, "JWS payload")?;
    let signature = base64url::decode(signature_b64, "JWS signature")?;
    let signing_input = &jws[..header_b64.len() + 1 + payload_b64.len()];
    let expected = hmac_sign(alg, key, signing_input.as_bytes(), ShortHmacKeys::Allow)?;
    // RFC 7515 §10.7 warns against timing side channels: compare MACs in constant time.
    if expected.ct_eq(&signature).into() {
        let header = serde_json::from_str(&header_text).map_err(|e| JoseError::Json {
            what: "JWS protected header",
            problem: e.to_string(),
        })?;
        Ok(VerifiedJws { alg, header, payload })
    } else {
        Err(JoseError::InvalidSignature)
    }
}

fn header_alg(protected_header: &str) -> Result<Algorithm, JoseError> {
    let header: Value = serde_json::from_str(protected_header).map_err(|e| JoseError::Json {
        what: "JWS protected header",
        problem: e.to_string(),
    })?;
    match header.get("alg") {
        Some(Value::String(alg)) => Algorithm::from_name(alg),
        Some(_) => Err(JoseError::Malformed("header \"alg\" must be a string".into())),
        None if header.is_object() => Err(JoseError::Malformed("header has no \"alg\"".into())),
        None => Err(JoseError::Json {
            what: "JWS protected header",
            problem: "the header is a JSON object".into(),
        }),
    }
}

fn hmac_sign(alg: Algorithm, key: &Jwk, input: &[u8], short_keys: ShortHmacKeys) -> Result<Vec<u8>, JoseError> {
    let KeyMaterial::Oct { k } = &key.material;
    let secret = k.expose();
    if short_keys == ShortHmacKeys::Refuse && secret.len() < alg.min_hmac_key_bytes() {
        return Err(JoseError::WeakHmacKey {
            alg: alg.name(),
            min_bytes: alg.min_hmac_key_bytes(),
            found_bytes: secret.len(),
        });
    }
    fn mac<M: Mac + hmac::digest::KeyInit>(secret: &[u8], input: &[u8]) -> Vec<u8> {
        // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
        match <M as Mac>::new_from_slice(secret) {
            Ok(mut m) => {
                m.update(input);
                m.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    }
    Ok(match alg {
        Algorithm::HS256 => mac::<Hmac<Sha256>>(secret, input),
        Algorithm::HS384 => mac::<Hmac<Sha384>>(secret, input),
        Algorithm::HS512 => mac::<Hmac<Sha512>>(secret, input),
    })
}
