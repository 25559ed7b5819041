//! Every call the mock server makes into JOSE goes through this file, so replacing the HS-only
//! scaffold with the full JOSE layer (RS/PS/ES/EdDSA, JWKS selection) touches nothing else.
//!
//! Today: HS256/384/512 keyed with the client secret (OIDC Core §10.1) or an `oct` key of the
//! client's JWKS; every asymmetric alg fails with [`KeyProblem::Unsupported`] naming the missing
//! capability, never a fake signature.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::settings::ClientMetadata;
use crate::jose::jwk::{KeyMaterial, SecretBytes};
use crate::jose::jws::{self, ShortHmacKeys};
use crate::jose::{base64url, Algorithm, JoseError, Jwk};

/// The algs this build can verify and produce.
pub const SUPPORTED_ALGS: [&str; 3] = ["HS256", "HS384", "HS512"];

/// Algs the full JOSE layer will bring; named so errors can say what is missing.
const ASYMMETRIC_ALGS: [&str; 10] = [
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
];

/// A compact JWS decoded but not verified: the header and claims to check before (and after)
/// the signature.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodedJws {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    pub alg: String,
}

impl DecodedJws {
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }
    pub fn is_unsigned(&self) -> bool {
        self.alg == "none"
    }
}

/// Splits and decodes a compact JWS (RFC 7515 §7.1) without verifying it.
pub fn decode_unverified(jws: &str) -> Result<DecodedJws, String> {
    let parts: Vec<&str> = jws.split('.').collect();
    let [header_b64, payload_b64, signature_b64] = parts.as_slice() else {
        return Err(format!("expected 3 parts separated by '.', found {}", parts.len()));
    };
    let header = json_object(header_b64, "JWS protected header")?;
    let claims = json_object(payload_b64, "JWS payload")?;
    let alg = match header.get("alg") {
        Some(Value::String(alg)) => alg.clone(),
        Some(_) => return Err("header \"alg\" must be a string".into()),
        None => return Err("header has no \"alg\"".into()),
    };
    // RFC 7519 §6.1: an unsecured JWT has an empty signature part.
    if alg == "none" && !signature_b64.is_empty() {
        return Err("alg none with a non-empty signature".into());
    }
    Ok(DecodedJws { header, claims, alg })
}

fn json_object(b64: &str, what: &'static str) -> Result<Map<String, Value>, String> {
    let bytes = base64url::decode(b64, what).map_err(|e| e.to_string())?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(format!("{what} is not a JSON object")),
        Err(e) => Err(format!("{what} is not JSON: {e}")),
    }
}

/// Why a client's JWS could not be verified; the caller maps it to its own check code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyProblem {
    /// The alg needs a capability this build lacks.
    Unsupported {
        alg: String,
        capability: String,
    },
    /// The header `kid` names none of the client's keys.
    KidNotFound {
        kid: String,
        candidates: Vec<String>,
    },
    /// No key of the client fits the alg.
    NoKey {
        alg: String,
        why: String,
    },
    SignatureInvalid {
        detail: String,
    },
}

fn unsupported(alg: &str) -> KeyProblem {
    let capability = if ASYMMETRIC_ALGS.contains(&alg) {
        format!("{alg} needs the asymmetric JOSE layer (RSA/EC/EdDSA), which is not merged into this build yet")
    } else {
        format!("\"{alg}\" is not a JWS algorithm this server knows")
    };
    KeyProblem::Unsupported {
        alg: alg.to_string(),
        capability,
    }
}

fn client_keys(client: &ClientMetadata) -> Vec<&Map<String, Value>> {
    client
        .jwks
        .as_ref()
        .and_then(|j| j.get("keys"))
        .and_then(Value::as_array)
        .map(|keys| keys.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default()
}

/// Verifies a client-signed JWS (a request object or a client assertion) with the client's
/// key for `decoded.alg`.
pub fn verify_client_jws(jws: &str, decoded: &DecodedJws, client: &ClientMetadata) -> Result<(), KeyProblem> {
    let keys = client_keys(client);
    // A named kid must exist among the client's registered keys, whatever the alg.
    let by_kid = match decoded.kid() {
        Some(kid) if !keys.is_empty() => {
            match keys.iter().find(|k| k.get("kid").and_then(Value::as_str) == Some(kid)) {
                Some(key) => Some(*key),
                None => {
                    return Err(KeyProblem::KidNotFound {
                        kid: kid.to_string(),
                        candidates: keys
                            .iter()
                            .filter_map(|k| k.get("kid").and_then(Value::as_str).map(str::to_string))
                            .collect(),
                    })
                }
            }
        }
        _ => None,
    };
    let Ok(alg) = Algorithm::from_name(&decoded.alg) else {
        return Err(unsupported(&decoded.alg));
    };
    let jwk = match by_kid {
        Some(members) => Jwk::from_members(members).map_err(|e| KeyProblem::NoKey {
            alg: decoded.alg.clone(),
            why: format!(
                "the client's key \"{}\" cannot verify {}: {e}",
                decoded.kid().unwrap_or(""),
                decoded.alg
            ),
        })?,
        None => secret_key(client, &decoded.alg)?,
    };
    match jws::verify_compact(jws, &jwk, &[alg]) {
        Ok(_) => Ok(()),
        Err(JoseError::InvalidSignature) => Err(KeyProblem::SignatureInvalid {
            detail: "the signature does not verify with the client's key".into(),
        }),
        Err(other) => Err(KeyProblem::SignatureInvalid {
            detail: other.to_string(),
        }),
    }
}

/// OIDC Core §10.1: the HMAC key is the octets of the UTF-8 client secret.
fn secret_key(client: &ClientMetadata, alg: &str) -> Result<Jwk, KeyProblem> {
    let Some(secret) = &client.client_secret else {
        return Err(KeyProblem::NoKey {
            alg: alg.to_string(),
            why: "the client has no client_secret to key HMAC with".into(),
        });
    };
    Ok(Jwk {
        material: KeyMaterial::Oct {
            k: SecretBytes::new(secret.expose().as_bytes().to_vec()),
        },
        kid: None,
        alg: None,
        key_use: None,
    })
}

/// Signs `claims` as a JWT for `client` (ID token, JARM response) with `alg`.
pub fn sign_jwt(alg: &str, claims: &Value, client: &ClientMetadata) -> Result<String, KeyProblem> {
    let Ok(algorithm) = Algorithm::from_name(alg) else {
        return Err(unsupported(alg));
    };
    let key = secret_key(client, alg)?;
    let header = serde_json::json!({ "alg": algorithm.name(), "typ": "JWT" }).to_string();
    // Client secrets are often shorter than RFC 7518 §3.2 wants; the playground shows that
    // rather than refusing to answer.
    jws::sign_compact(&header, claims.to_string().as_bytes(), &key, ShortHmacKeys::Allow).map_err(|e| {
        KeyProblem::NoKey {
            alg: alg.to_string(),
            why: e.to_string(),
        }
    })
}

/// The server's public signing keys. Empty until asymmetric server keys exist: HS-signed
/// responses are verified with the client's own secret.
pub fn server_jwks() -> Value {
    serde_json::json!({ "keys": [] })
}

/// OIDC Core §3.2.2.10 / §3.3.2.11: the left half of the hash (of the alg's size) of the
/// ASCII value, base64url-encoded.
pub fn half_hash(alg: &str, value: &str) -> String {
    let digest: Vec<u8> = if alg.ends_with("384") {
        Sha384::digest(value.as_bytes()).to_vec()
    } else if alg.ends_with("512") {
        Sha512::digest(value.as_bytes()).to_vec()
    } else {
        Sha256::digest(value.as_bytes()).to_vec()
    };
    let half = digest.get(..digest.len() / 2).unwrap_or_default();
    base64url::encode(half)
}

/// RFC 7636 §4.2: `BASE64URL(SHA256(ASCII(code_verifier)))`.
pub fn pkce_s256(verifier: &str) -> String {
    base64url::encode(Sha256::digest(verifier.as_bytes()))
}

/// Constant-time equality for secrets and PKCE values (RFC 7636 §4.6 compares them).
pub fn secrets_equal(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_challenge() {
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn asymmetric_alg_names_the_missing_capability() {
        let client = ClientMetadata::default();
        let err = sign_jwt("RS256", &serde_json::json!({}), &client).unwrap_err();
        assert!(matches!(err, KeyProblem::Unsupported { ref capability, .. } if capability.contains("asymmetric")));
    }

    #[test]
    fn decode_refuses_garbage_without_panicking() {
        for input in [
            "",
            ".",
            "..",
            "a.b.c",
            "....",
            "eyJhbGciOiJIUzI1NiJ9..",
            "\u{1F600}.\u{1F600}.x",
        ] {
            assert!(decode_unverified(input).is_err(), "{input}");
        }
    }
}
