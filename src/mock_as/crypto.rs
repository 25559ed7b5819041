//! Every call the mock server makes into JOSE goes through this file.
//!
//! Clients sign with HS256/384/512 keyed with their `client_secret` (OIDC Core §10.1) or an
//! `oct` key of their JWKS, or with RS*/PS*/ES256/ES384/EdDSA keys of their registered JWKS.
//! The server signs ID tokens and JARM responses with the client secret (HS*) or with its own
//! fixed keys (`server_keys.json`): fixed so that a fixed clock replays to identical JWTs, and
//! public — they are a playground's keys, never to be trusted for anything real.

use std::sync::OnceLock;

use rand_core::CryptoRngCore;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::settings::ClientMetadata;
use crate::jose::jws::{self, JwsHeader};
use crate::jose::{base64url, Algorithm, JoseError, Jwk, Jwks, KeyMaterial, KeyQuery, SecretBytes, ShortHmacKeys};

/// The algs this build verifies and produces (RFC 7518 §3.1 and RFC 8037; not ES512).
pub const SUPPORTED_ALGS: [&str; 12] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
];

/// The server's signing keys: RSA-2048 (RS*/PS*), P-256, P-384 and Ed25519, generated once
/// from a seeded RNG and kept in the source.
fn server_keys() -> &'static Jwks {
    static KEYS: OnceLock<Jwks> = OnceLock::new();
    KEYS.get_or_init(|| {
        // A test (`server_keys_parse`) proves the file parses; an empty set would only make
        // asymmetric signing fail with a named error.
        Jwks::from_json(include_str!("server_keys.json")).unwrap_or_else(|_| Jwks::new(Vec::new()))
    })
}

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
    /// The alg is not one this server knows.
    Unsupported {
        alg: String,
        capability: String,
    },
    /// The header `kid` names none of the client's keys.
    KidNotFound {
        kid: String,
        candidates: Vec<String>,
    },
    /// No key of the client fits the alg (or several do and nothing tells them apart).
    NoKey {
        alg: String,
        why: String,
    },
    SignatureInvalid {
        detail: String,
    },
}

fn unsupported(alg: &str) -> KeyProblem {
    KeyProblem::Unsupported {
        alg: alg.to_string(),
        capability: format!(
            "\"{alg}\" is not a JWS algorithm this server knows (it knows {})",
            SUPPORTED_ALGS.join(", ")
        ),
    }
}

/// The client's registered JWKS; keys it cannot use are left out (RFC 7517 §5).
fn client_jwks(client: &ClientMetadata) -> Jwks {
    client
        .jwks
        .as_ref()
        .and_then(|jwks| Jwks::from_json(&jwks.to_string()).ok())
        .unwrap_or_else(|| Jwks::new(Vec::new()))
}

/// Verifies a client-signed JWS (a request object or a client assertion) with the client's
/// key for `decoded.alg`: a JWKS key chosen by `kid`/`alg`, or for HS* without a matching
/// `oct` key, the client secret.
pub fn verify_client_jws(jws: &str, decoded: &DecodedJws, client: &ClientMetadata) -> Result<(), KeyProblem> {
    let jwks = client_jwks(client);
    // A named kid must exist among the client's registered keys, whatever the alg.
    if let Some(kid) = decoded.kid() {
        if !jwks.keys.is_empty() && !jwks.keys.iter().any(|k| k.kid.as_deref() == Some(kid)) {
            return Err(KeyProblem::KidNotFound {
                kid: kid.to_string(),
                candidates: jwks.keys.iter().filter_map(|k| k.kid.clone()).collect(),
            });
        }
    }
    let Ok(alg) = Algorithm::from_name(&decoded.alg) else {
        return Err(unsupported(&decoded.alg));
    };
    let query = KeyQuery {
        kid: decoded.kid().map(str::to_string),
        alg: Some(alg),
        key_use: Some("sig".into()),
        ..KeyQuery::default()
    };
    let key = match jwks.select(&query) {
        Ok(key) => key.clone(),
        Err(_) if alg.kty() == "oct" => secret_key(client, &decoded.alg)?,
        Err(e) => {
            return Err(KeyProblem::NoKey {
                alg: decoded.alg.clone(),
                why: e.to_string(),
            })
        }
    };
    match jws::verify_compact(jws, &key, &[alg]) {
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
    Ok(Jwk::new(KeyMaterial::Oct {
        k: SecretBytes::new(secret.expose().as_bytes().to_vec()),
    }))
}

/// Signs `claims` as a JWT for `client` (ID token, JARM response) with `alg`: HS* with the
/// client secret, anything else with the server's key for `alg` (its `kid` in the header).
pub fn sign_jwt(
    alg: &str,
    claims: &Value,
    client: &ClientMetadata,
    rng: &mut dyn CryptoRngCore,
) -> Result<String, KeyProblem> {
    let Ok(algorithm) = Algorithm::from_name(alg) else {
        return Err(unsupported(alg));
    };
    let no_key = |e: JoseError| KeyProblem::NoKey {
        alg: alg.to_string(),
        why: e.to_string(),
    };
    let key = if algorithm.kty() == "oct" {
        secret_key(client, alg)?
    } else {
        let query = KeyQuery {
            alg: Some(algorithm),
            ..KeyQuery::default()
        };
        server_keys().select(&query).map_err(no_key)?.clone()
    };
    let mut header = JwsHeader::new(algorithm).typ("JWT");
    if let Some(kid) = &key.kid {
        header = header.kid(kid.clone());
    }
    // Client secrets are often shorter than RFC 7518 §3.2 wants; the playground shows that
    // rather than refusing to answer. The RNG blinds RSA and salts PSS.
    let mut rng = rng;
    jws::sign_compact_with_rng(
        &header.to_json(),
        claims.to_string().as_bytes(),
        &key,
        ShortHmacKeys::Allow,
        &mut rng,
    )
    .map_err(no_key)
}

/// The server's public signing keys (RFC 7517 §5), as the JWKS endpoint serves them.
pub fn server_jwks() -> Value {
    serde_json::from_str(&server_keys().to_public().to_json()).unwrap_or_else(|_| serde_json::json!({ "keys": [] }))
}

/// OIDC Core §3.2.2.10 / §3.3.2.11: the left half of the hash (of the alg's size) of the
/// ASCII value, base64url-encoded.
pub fn half_hash(alg: &str, value: &str) -> String {
    // For EdDSA (Ed25519) the hash is SHA-512 (OpenID Connect Core errata set 2, §3.1.3.6).
    let digest: Vec<u8> = if alg.ends_with("384") {
        Sha384::digest(value.as_bytes()).to_vec()
    } else if alg.ends_with("512") || alg == "EdDSA" {
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
    fn server_keys_parse_and_publish_only_public_halves() {
        assert_eq!(server_keys().keys.len(), 4, "ignored: {:?}", server_keys().ignored);
        let published = server_jwks().to_string();
        assert!(!published.contains("\"d\""), "a private member leaked: {published}");
    }

    #[test]
    fn every_asymmetric_alg_signs_with_a_server_key_that_verifies() {
        use rand_chacha::rand_core::SeedableRng;
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
        let client = ClientMetadata::default();
        let jwks = Jwks::from_json(&server_jwks().to_string()).unwrap();
        for alg in Algorithm::ALL.into_iter().filter(|a| a.kty() != "oct") {
            let jwt = sign_jwt(alg.name(), &serde_json::json!({"iss": "x"}), &client, &mut rng).unwrap();
            assert!(jws::verify_compact_with_jwks(&jwt, &jwks, &[alg]).is_ok(), "{alg:?}");
        }
    }

    #[test]
    fn unknown_alg_is_named() {
        use rand_chacha::rand_core::SeedableRng;
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
        let err = sign_jwt("ES512", &serde_json::json!({}), &ClientMetadata::default(), &mut rng).unwrap_err();
        assert!(matches!(err, KeyProblem::Unsupported { ref capability, .. } if capability.contains("ES512")));
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
