//! JWS compact serialization (RFC 7515 §7.1) with the algorithms of RFC 7518 §3 and
//! RFC 8037 §3.1; the JSON serialization (§7.2) and RFC 7797 in [`json_serialization`].
//!
//! Verification only ever happens against an explicit list of allowed algorithms, and the
//! key must fit the algorithm (see [`Jwk::check_usable`]). `alg: none` is refused here; it
//! lives in [`unsecured`] only. For showing a token that has not been (or cannot be)
//! verified, [`decode_unverified`] says what it is in its name.
//!
//! Each operation exists synchronously on the RustCrypto code (`sign_compact`,
//! `verify_compact`) and asynchronously over any [`CryptoBackend`] (`sign_compact_with`,
//! `verify_compact_with`); both run the same checks in the same order.

mod header;
pub mod json_serialization;
pub mod unsecured;

pub use header::JwsHeader;
pub(crate) use header::{alg_name, check_crit, check_crit_among, check_member_types};
pub use json_serialization::{sign_json, verify_json, verify_json_with, JsonJws, JsonSigner, VerifiedJsonJws};

use rand_core::CryptoRngCore;
use serde_json::{Map, Value};

pub use super::alg::{Algorithm, ShortHmacKeys};
use super::backend::CryptoBackend;
use super::jwk::KeyOperation;
use super::jwks::{Jwks, KeyQuery};
use super::{base64url, json, rustcrypto, JoseError, Jwk};

/// Signs `payload` under the protected header given as JSON text. The header's bytes are kept
/// exactly as given (RFC 7515 examples use CRLF inside it), so known vectors reproduce.
///
/// No RNG: RS* signs unblinded, PS* and ES512 are refused ([`JoseError::RandomnessRequired`]);
/// use [`sign_compact_with_rng`] for those. HMAC, ES256/ES384 (RFC 6979) and EdDSA are
/// deterministic.
pub fn sign_compact(
    protected_header: &str,
    payload: &[u8],
    key: &Jwk,
    short_keys: ShortHmacKeys,
) -> Result<String, JoseError> {
    let plan = SignPlan::new(protected_header, payload, key, short_keys)?;
    let signature = rustcrypto::sign(plan.alg, key, plan.signing_input.as_bytes(), None)?;
    Ok(plan.finish(&signature))
}

/// [`sign_compact`] with an RNG: RSA signing is blinded and PS* gets its random salt.
pub fn sign_compact_with_rng(
    protected_header: &str,
    payload: &[u8],
    key: &Jwk,
    short_keys: ShortHmacKeys,
    rng: &mut impl CryptoRngCore,
) -> Result<String, JoseError> {
    let plan = SignPlan::new(protected_header, payload, key, short_keys)?;
    let signature = rustcrypto::sign(plan.alg, key, plan.signing_input.as_bytes(), Some(rng))?;
    Ok(plan.finish(&signature))
}

/// [`sign_compact`] through a backend (WebCrypto in the browser).
pub async fn sign_compact_with<B: CryptoBackend + ?Sized>(
    backend: &B,
    protected_header: &str,
    payload: &[u8],
    key: &Jwk,
    short_keys: ShortHmacKeys,
) -> Result<String, JoseError> {
    let plan = SignPlan::new(protected_header, payload, key, short_keys)?;
    let signature = backend.sign(plan.alg, key, plan.signing_input.as_bytes()).await?;
    Ok(plan.finish(&signature))
}

/// A JWS whose signature verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedJws {
    pub alg: Algorithm,
    /// The protected header (a JSON object).
    pub header: Value,
    pub payload: Vec<u8>,
}

impl VerifiedJws {
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    pub fn typ(&self) -> Option<&str> {
        self.header.get("typ").and_then(Value::as_str)
    }

    pub fn cty(&self) -> Option<&str> {
        self.header.get("cty").and_then(Value::as_str)
    }
}

/// Verifies a compact JWS with `key`, accepting only an `alg` from `allowed`.
///
/// The order of checks (each failure is its own error): three parts; header base64url, UTF-8,
/// a JSON object without duplicate names; `alg` present, not `none`, known, allowed; `typ`,
/// `kid`, `cty` strings; `crit` valid and understood; the key fits the algorithm; payload and
/// signature base64url; the signature.
///
/// HMAC secrets shorter than the hash are accepted here (the verifier holds the key it
/// holds); a server that wants to refuse them on receipt too calls
/// `key.check_usable(alg, KeyOperation::Verify, ShortHmacKeys::Refuse)` first.
pub fn verify_compact(jws: &str, key: &Jwk, allowed: &[Algorithm]) -> Result<VerifiedJws, JoseError> {
    let plan = VerifyPlan::new(jws, key, allowed)?;
    rustcrypto::verify(plan.alg, key, plan.signing_input.as_bytes(), &plan.signature)?;
    Ok(plan.finish())
}

/// [`verify_compact`] through a backend.
pub async fn verify_compact_with<B: CryptoBackend + ?Sized>(
    backend: &B,
    jws: &str,
    key: &Jwk,
    allowed: &[Algorithm],
) -> Result<VerifiedJws, JoseError> {
    let plan = VerifyPlan::new(jws, key, allowed)?;
    backend
        .verify(plan.alg, key, plan.signing_input.as_bytes(), &plan.signature)
        .await?;
    Ok(plan.finish())
}

/// Verifies with the key of `jwks` that the header's `kid` and `alg` select (with `use`
/// `sig` or no `use`); zero or several candidates is an error listing them. Returns the key
/// used. Keys embedded in the header (`jwk`, `jku`, `x5u`, `x5c`) are never trusted.
pub fn verify_compact_with_jwks<'k>(
    jws: &str,
    jwks: &'k Jwks,
    allowed: &[Algorithm],
) -> Result<(VerifiedJws, &'k Jwk), JoseError> {
    let key = select_key(jws, jwks, allowed)?;
    Ok((verify_compact(jws, key, allowed)?, key))
}

/// The key of `jwks` that would verify `jws` ([`verify_compact_with_jwks`]'s selection).
pub fn select_key<'k>(jws: &str, jwks: &'k Jwks, allowed: &[Algorithm]) -> Result<&'k Jwk, JoseError> {
    let parts = Compact::split(jws)?;
    let header = parts.header()?;
    let alg = allowed_alg(&header, allowed)?;
    let kid = match header.get("kid") {
        None => None,
        Some(Value::String(kid)) => Some(kid.clone()),
        Some(other) => {
            return Err(JoseError::Malformed(format!(
                "header \"kid\" must be a string, found {}",
                json::describe(other)
            )))
        }
    };
    jwks.select(&KeyQuery {
        kid,
        alg: Some(alg),
        key_use: Some("sig".into()),
        ..KeyQuery::default()
    })
}

/// A JWS taken apart WITHOUT checking its signature, its algorithm or its `crit`: for
/// showing an untrusted token to a person, never for deciding anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnverifiedJws {
    /// The header exactly as decoded (may contain CRLF, odd spacing, …).
    pub header_text: String,
    /// The header parsed (a JSON object).
    pub header: Value,
    /// The `alg` named by the header, whatever it is (`none`, unknown, …).
    pub alg: Option<String>,
    pub payload: Vec<u8>,
    pub signature: Vec<u8>,
    /// `BASE64URL(header) '.' BASE64URL(payload)`, what the signature covers.
    pub signing_input: String,
}

/// Decodes a compact JWS for display, checking only its shape (three base64url parts and a
/// JSON-object header). Its signature is NOT verified: nothing in it can be trusted.
pub fn decode_unverified(jws: &str) -> Result<UnverifiedJws, JoseError> {
    let parts = Compact::split(jws)?;
    let header_text = parts.header_text()?;
    let header = json::parse_object(&header_text, "JWS protected header")?;
    let alg = header.get("alg").and_then(Value::as_str).map(str::to_string);
    Ok(UnverifiedJws {
        header_text,
        header: Value::Object(header),
        alg,
        payload: base64url::decode(parts.payload, "JWS payload")?,
        signature: base64url::decode(parts.signature, "JWS signature")?,
        signing_input: parts.signing_input.to_string(),
    })
}

/// The three parts of a compact JWS, still encoded.
pub(crate) struct Compact<'a> {
    pub header: &'a str,
    pub payload: &'a str,
    pub signature: &'a str,
    /// `header '.' payload`, exactly as received.
    pub signing_input: &'a str,
}

impl<'a> Compact<'a> {
    pub fn split(jws: &'a str) -> Result<Self, JoseError> {
        let count = jws.split('.').count();
        let mut parts = jws.split('.');
        match (parts.next(), parts.next(), parts.next(), count) {
            (Some(header), Some(payload), Some(signature), 3) => Ok(Compact {
                header,
                payload,
                signature,
                signing_input: jws.get(..header.len() + 1 + payload.len()).unwrap_or_default(),
            }),
            _ => Err(JoseError::Malformed(match count {
                1 if jws.trim().is_empty() => "the token is empty".into(),
                1 => "found no '.'; a compact JWS is header.payload.signature".into(),
                2 => "found 2 parts; a compact JWS has 3 (header.payload.signature) — is the signature cut off?".into(),
                5 => "found 5 parts: that is the shape of a JWE (RFC 7516), not a JWS".into(),
                n => format!("expected 3 parts separated by '.', found {n}"),
            })),
        }
    }

    pub fn header_text(&self) -> Result<String, JoseError> {
        let bytes = base64url::decode(self.header, "JWS protected header")?;
        String::from_utf8(bytes).map_err(|e| JoseError::Json {
            what: "JWS protected header",
            problem: format!("not UTF-8 (invalid byte at offset {})", e.utf8_error().valid_up_to()),
        })
    }

    pub fn header(&self) -> Result<Map<String, Value>, JoseError> {
        json::parse_object(&self.header_text()?, "JWS protected header")
    }
}

/// `alg` of a secured header, checked against `allowed`.
fn allowed_alg(header: &Map<String, Value>, allowed: &[Algorithm]) -> Result<Algorithm, JoseError> {
    let name = header::alg_name(header)?;
    let not_allowed = || JoseError::AlgorithmNotAllowed {
        found: name.to_string(),
        allowed: allowed.iter().map(|a| a.name()).collect(),
    };
    let alg = Algorithm::from_name(name)?;
    if allowed.contains(&alg) {
        Ok(alg)
    } else {
        Err(not_allowed())
    }
}

struct SignPlan {
    alg: Algorithm,
    signing_input: String,
}

impl SignPlan {
    fn new(protected_header: &str, payload: &[u8], key: &Jwk, short_keys: ShortHmacKeys) -> Result<Self, JoseError> {
        let header = json::parse_object(protected_header, "JWS protected header")?;
        let alg = Algorithm::from_name(header::alg_name(&header)?)?;
        // Never produce what we would refuse to verify.
        header::check_members(&header)?;
        key.check_usable(alg, KeyOperation::Sign, short_keys)?;
        let signing_input = format!(
            "{}.{}",
            base64url::encode(protected_header.as_bytes()),
            base64url::encode(payload)
        );
        Ok(Self { alg, signing_input })
    }

    fn finish(self, signature: &[u8]) -> String {
        format!("{}.{}", self.signing_input, base64url::encode(signature))
    }
}

struct VerifyPlan<'a> {
    alg: Algorithm,
    header: Map<String, Value>,
    payload: Vec<u8>,
    signature: Vec<u8>,
    signing_input: &'a str,
}

impl<'a> VerifyPlan<'a> {
    fn new(jws: &'a str, key: &Jwk, allowed: &[Algorithm]) -> Result<Self, JoseError> {
        let parts = Compact::split(jws)?;
        let header = parts.header()?;
        let alg = allowed_alg(&header, allowed)?;
        header::check_members(&header)?;
        // The key must fit the algorithm before any cryptography runs: this is what stops
        // an RSA public key from being used as an HMAC secret. Short HMAC keys are a signing
        // policy; a received token is checked with the key the verifier was given.
        key.check_usable(alg, KeyOperation::Verify, ShortHmacKeys::Allow)?;
        let payload = base64url::decode(parts.payload, "JWS payload")?;
        let signature = base64url::decode(parts.signature, "JWS signature")?;
        Ok(Self {
            alg,
            header,
            payload,
            signature,
            signing_input: parts.signing_input,
        })
    }

    fn finish(self) -> VerifiedJws {
        VerifiedJws {
            alg: self.alg,
            header: Value::Object(self.header),
            payload: self.payload,
        }
    }
}
