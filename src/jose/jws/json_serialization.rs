//! JWS JSON serialization (RFC 7515 §7.2: general and flattened) and the unencoded payload
//! option (RFC 7797, `"b64": false`), for reading, verifying and writing.
//!
//! RustCrypto's `jose-jws` 0.1 has types for both JSON forms, but they do not fit here: its
//! `payload` is always base64url-decoded, so an RFC 7797 unencoded payload such as `$.02`
//! cannot be read at all; its headers are typed serde structs, so a duplicate member name is
//! silently resolved (last one wins, where our parser refuses), an `alg` its enum does not
//! know fails the whole document as "did not match any variant" instead of skipping that one
//! signature, and no rule of §7.2.1 (disjoint header names, `crit` protected) is checked. It
//! would also bring a second JWK model (`jose-jwk`). So the JSON forms are parsed here with
//! the strict parser every other JOSE object goes through.

use rand_core::CryptoRngCore;
use serde_json::{Map, Value};

use super::header::{alg_name, check_crit_understanding_b64, check_member_types};
use crate::jose::alg::{Algorithm, ShortHmacKeys};
use crate::jose::backend::now;
use crate::jose::backend::CryptoBackend;
use crate::jose::jwk::KeyOperation;
use crate::jose::{base64url, json, JoseError, Jwk};

/// One signature of a JSON-serialized JWS, its members as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonSignature {
    /// `protected`: BASE64URL of the JWS Protected Header, exactly as received.
    pub protected: Option<String>,
    /// `header`: the JWS Unprotected Header.
    pub header: Option<Map<String, Value>>,
    /// `signature`, base64url.
    pub signature: String,
}

/// A JWS in the JSON serialization (RFC 7515 §7.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonJws {
    /// `payload` as received: base64url, or with `"b64": false` the payload itself; `None`
    /// when the content is detached (RFC 7515 Appendix F).
    pub payload: Option<String>,
    pub signatures: Vec<JsonSignature>,
    /// Whether it came in the flattened form (§7.2.2) rather than the general one (§7.2.1).
    pub flattened: bool,
}

/// A signature of a JSON JWS that verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedJsonJws {
    /// Which of the `signatures` verified (0 in the flattened form).
    pub index: usize,
    pub alg: Algorithm,
    /// The protected header (an empty object when there was none).
    pub protected: Value,
    /// The unprotected header, if any. Nothing in it is integrity protected.
    pub unprotected: Option<Value>,
    /// The payload bytes (decoded when `b64` is true, as they are when it is false).
    pub payload: Vec<u8>,
}

impl JsonJws {
    /// Parses the general or the flattened form, checking the shape RFC 7515 §7.2 gives each.
    pub fn parse(text: &str) -> Result<Self, JoseError> {
        let top = json::parse_object(text, "JWS JSON serialization")?;
        let payload = match top.get("payload") {
            None => None,
            Some(Value::String(p)) => Some(p.clone()),
            Some(other) => {
                return Err(malformed(format!(
                    "\"payload\" must be a string, found {}",
                    json::describe(other)
                )))
            }
        };
        match top.get("signatures") {
            Some(Value::Array(entries)) => {
                // RFC 7515 §7.2.2: in the flattened form "the "signatures" member MUST NOT be
                // present"; a document with both is neither form.
                if let Some(name) = ["protected", "header", "signature"]
                    .into_iter()
                    .find(|n| top.contains_key(*n))
                {
                    return Err(malformed(format!(
                        "has both \"signatures\" (general form) and \"{name}\" (flattened form)"
                    )));
                }
                if entries.is_empty() {
                    return Err(malformed("\"signatures\" is empty".into()));
                }
                let signatures = entries
                    .iter()
                    .enumerate()
                    .map(|(i, entry)| match entry {
                        Value::Object(members) => signature_of(members),
                        other => Err(malformed(format!(
                            "signatures[{i}] must be an object, found {}",
                            json::describe(other)
                        ))),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(JsonJws {
                    payload,
                    signatures,
                    flattened: false,
                })
            }
            Some(other) => Err(malformed(format!(
                "\"signatures\" must be an array, found {}",
                json::describe(other)
            ))),
            None => Ok(JsonJws {
                payload,
                signatures: vec![signature_of(&top)?],
                flattened: true,
            }),
        }
    }

    /// The document as JSON text, in the form it came in (or was made in).
    pub fn to_json(&self) -> String {
        let entry = |s: &JsonSignature| {
            let mut o = Map::new();
            if let Some(p) = &s.protected {
                o.insert("protected".into(), Value::String(p.clone()));
            }
            if let Some(h) = &s.header {
                o.insert("header".into(), Value::Object(h.clone()));
            }
            o.insert("signature".into(), Value::String(s.signature.clone()));
            o
        };
        let mut top = Map::new();
        if let Some(p) = &self.payload {
            top.insert("payload".into(), Value::String(p.clone()));
        }
        match (self.flattened, self.signatures.first()) {
            (true, Some(first)) => top.extend(entry(first)),
            _ => {
                top.insert(
                    "signatures".into(),
                    Value::Array(self.signatures.iter().map(|s| Value::Object(entry(s))).collect()),
                );
            }
        }
        Value::Object(top).to_string()
    }
}

fn malformed(why: String) -> JoseError {
    JoseError::Malformed(format!("JWS JSON serialization: {why}"))
}

fn signature_of(members: &Map<String, Value>) -> Result<JsonSignature, JoseError> {
    let protected = match members.get("protected") {
        None => None,
        Some(Value::String(p)) => Some(p.clone()),
        Some(other) => {
            return Err(malformed(format!(
                "\"protected\" must be a string, found {}",
                json::describe(other)
            )))
        }
    };
    let header = match members.get("header") {
        None => None,
        Some(Value::Object(h)) => Some(h.clone()),
        Some(other) => {
            return Err(malformed(format!(
                "\"header\" must be an object, found {}",
                json::describe(other)
            )))
        }
    };
    // RFC 7515 §7.2.1: "At least one of the "protected" and "header" members MUST be present
    // for each signature/MAC computation so that an "alg" Header Parameter value is conveyed."
    if protected.is_none() && header.is_none() {
        return Err(malformed(
            "a signature has neither \"protected\" nor \"header\", so no \"alg\"".into(),
        ));
    }
    let signature = match members.get("signature") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(malformed(format!(
                "\"signature\" must be a string, found {}",
                json::describe(other)
            )))
        }
        None => return Err(malformed("a signature has no \"signature\" member".into())),
    };
    Ok(JsonSignature {
        protected,
        header,
        signature,
    })
}

/// One signature, checked and ready for its cryptography.
struct Prepared {
    alg: Algorithm,
    protected: Map<String, Value>,
    unprotected: Option<Map<String, Value>>,
    signing_input: Vec<u8>,
    signature: Vec<u8>,
}

/// The headers of one signature after the checks that hold whatever key is used.
struct Checked {
    protected: Map<String, Value>,
    /// Protected and unprotected members together (RFC 7515 §7.2.1's JOSE Header).
    joint: Map<String, Value>,
    b64: bool,
}

/// The header checks of one signature that hold whatever key is used: headers decode;
/// names disjoint (§7.2.1); `crit` and `b64` only in the protected header (RFC 7515 §4.1.11,
/// RFC 7797 §3); `crit` understood (`b64` is); `b64: false` listed in `crit` (RFC 7797 §6).
fn headers(entry: &JsonSignature) -> Result<Checked, JoseError> {
    let protected = match &entry.protected {
        Some(p) => json::parse_object_bytes(&base64url::decode(p, "JWS protected header")?, "JWS protected header")?,
        None => Map::new(),
    };
    let mut joint = protected.clone();
    if let Some(unprotected) = &entry.header {
        for (name, value) in unprotected {
            if joint.contains_key(name) {
                return Err(JoseError::DuplicateMember {
                    what: "JWS header (protected and unprotected together, RFC 7515 §7.2.1)",
                    name: name.clone(),
                });
            }
            joint.insert(name.clone(), value.clone());
        }
        if unprotected.contains_key("crit") {
            return Err(JoseError::InvalidCritical {
                problem: "is in the unprotected header; RFC 7515 §4.1.11 says it MUST be integrity protected".into(),
            });
        }
        if unprotected.contains_key("b64") {
            return Err(malformed(
                "\"b64\" is in the unprotected header; RFC 7797 §3 requires it protected".into(),
            ));
        }
    }
    check_member_types(&joint)?;
    check_crit_understanding_b64(&protected)?;
    let b64 = match protected.get("b64") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(malformed(format!(
                "\"b64\" must be true or false, found {}",
                json::describe(other)
            )))
        }
    };
    if !b64 {
        let listed = protected
            .get("crit")
            .and_then(Value::as_array)
            .is_some_and(|names| names.iter().any(|n| n == "b64"));
        if !listed {
            return Err(JoseError::InvalidCritical {
                problem: "\"b64\": false is used but \"crit\" does not list \"b64\", which RFC 7797 §6 requires".into(),
            });
        }
    }
    Ok(Checked { protected, joint, b64 })
}

/// The payload bytes and the signing input (RFC 7515 §5.1 step 5; RFC 7797 §3 for b64 false:
/// `ASCII(BASE64URL(protected) '.') || payload`).
fn signing_input(
    entry: &JsonSignature,
    b64: bool,
    payload: Option<&str>,
    detached: Option<&[u8]>,
) -> Result<(Vec<u8>, Vec<u8>), JoseError> {
    let payload_bytes = match (payload, detached) {
        (Some(_), Some(_)) => {
            return Err(malformed(
                "the JWS has a payload and a detached payload was given too".into(),
            ))
        }
        (None, None) => {
            return Err(malformed(
                "the payload is detached (RFC 7515 Appendix F) and none was given".into(),
            ))
        }
        (None, Some(bytes)) => bytes.to_vec(),
        (Some(p), None) if b64 => base64url::decode(p, "JWS payload")?,
        (Some(p), None) => p.as_bytes().to_vec(),
    };
    let mut input = entry.protected.clone().unwrap_or_default().into_bytes();
    input.push(b'.');
    match (b64, payload) {
        (true, Some(encoded)) => input.extend_from_slice(encoded.as_bytes()),
        (true, None) => input.extend_from_slice(base64url::encode(&payload_bytes).as_bytes()),
        (false, _) => input.extend_from_slice(&payload_bytes),
    }
    Ok((payload_bytes, input))
}

/// Everything about one signature before its cryptography: the header rules, then whether
/// it is one for this key (`alg` allowed, key fits, `kid` the key's if both name one).
fn prepare(
    entry: &JsonSignature,
    checked: Checked,
    payload: Option<&str>,
    detached: Option<&[u8]>,
    key: &Jwk,
    allowed: &[Algorithm],
) -> Result<(Prepared, Vec<u8>), JoseError> {
    let Checked { protected, joint, b64 } = checked;
    let alg = Algorithm::from_name(alg_name(&joint)?)?;
    if !allowed.contains(&alg) {
        return Err(JoseError::AlgorithmNotAllowed {
            found: alg.name().into(),
            allowed: allowed.iter().map(|a| a.name()).collect(),
        });
    }
    if let (Some(Value::String(kid)), Some(key_kid)) = (joint.get("kid"), &key.kid) {
        if kid != key_kid {
            return Err(JoseError::KeyMismatch {
                alg: alg.name(),
                expected: "the key the signature's \"kid\" names",
                found: format!("the key \"{key_kid}\", the signature names \"{kid}\""),
            });
        }
    }
    key.check_usable(alg, KeyOperation::Verify, ShortHmacKeys::Allow)?;
    let (payload, input) = signing_input(entry, b64, payload, detached)?;
    let signature = base64url::decode(&entry.signature, "JWS signature")?;
    Ok((
        Prepared {
            alg,
            protected,
            unprotected: entry.header.clone(),
            signing_input: input,
            signature,
        },
        payload,
    ))
}

/// Verifies a JSON-serialized JWS with `key`, accepting only an `alg` from `allowed`.
/// `detached` is the payload when the JWS carries none.
///
/// RFC 7515 §7.2.1 leaves it to the application which signatures must validate; here it is
/// the first signature that is for this key — its `alg` allowed, the key fitting it, its
/// `kid` (if any) the key's — and that verifies. Signatures for other keys are passed over;
/// if none is for this key, the first one's reason is the error. Rules that make the whole
/// document invalid (shape, duplicate names, `crit`, `b64`) fail it whichever signature
/// they are in, and RFC 7797 §3 requires one `b64` value for all signatures.
pub fn verify_json(
    text: &str,
    detached: Option<&[u8]>,
    key: &Jwk,
    allowed: &[Algorithm],
) -> Result<VerifiedJsonJws, JoseError> {
    now(verify_json_with(&RustVerifier, text, detached, key, allowed))
}

/// [`verify_json`] through a backend.
pub async fn verify_json_with<B: CryptoBackend + ?Sized>(
    backend: &B,
    text: &str,
    detached: Option<&[u8]>,
    key: &Jwk,
    allowed: &[Algorithm],
) -> Result<VerifiedJsonJws, JoseError> {
    let jws = JsonJws::parse(text)?;
    let mut checked = Vec::with_capacity(jws.signatures.len());
    for entry in &jws.signatures {
        checked.push(headers(entry)?);
    }
    if let Some(first) = checked.first().map(|c| c.b64) {
        if checked.iter().any(|c| c.b64 != first) {
            return Err(malformed(
                "the signatures differ in \"b64\"; RFC 7797 §3 requires the same value for all".into(),
            ));
        }
    }
    let mut first_refusal = None;
    let mut attempted = false;
    for (index, (entry, checked)) in jws.signatures.iter().zip(checked).enumerate() {
        match prepare(entry, checked, jws.payload.as_deref(), detached, key, allowed) {
            Ok((prepared, payload)) => {
                attempted = true;
                if backend
                    .verify(prepared.alg, key, &prepared.signing_input, &prepared.signature)
                    .await
                    .is_ok()
                {
                    return Ok(VerifiedJsonJws {
                        index,
                        alg: prepared.alg,
                        protected: Value::Object(prepared.protected),
                        unprotected: prepared.unprotected.map(Value::Object),
                        payload,
                    });
                }
            }
            // A payload that cannot be read is the document's fault, not the key's.
            Err(e @ (JoseError::Malformed(_) | JoseError::Base64 { .. })) => return Err(e),
            Err(refusal) => {
                first_refusal.get_or_insert(refusal);
            }
        }
    }
    match (attempted, first_refusal) {
        (false, Some(refusal)) => Err(refusal),
        _ => Err(JoseError::InvalidSignature),
    }
}

/// One signer of a JSON JWS: the protected header as JSON text (kept byte for byte; may be
/// empty when `unprotected` carries `alg`), an optional unprotected header, and the key.
pub struct JsonSigner<'a> {
    pub protected: Option<&'a str>,
    pub unprotected: Option<Map<String, Value>>,
    pub key: &'a Jwk,
}

/// Signs `payload` for each signer; `flattened` asks for the flattened form (one signer
/// only), `detached` leaves the payload out (RFC 7515 Appendix F). With `"b64": false` in the
/// protected headers (all or none, listed in `crit`) the payload is signed and carried as it
/// is, so it must be UTF-8 (RFC 7797 §5.3 for the JSON forms).
pub fn sign_json(
    payload: &[u8],
    signers: &[JsonSigner<'_>],
    flattened: bool,
    detached: bool,
    short_keys: ShortHmacKeys,
    rng: &mut impl CryptoRngCore,
) -> Result<JsonJws, JoseError> {
    if signers.is_empty() || (flattened && signers.len() != 1) {
        return Err(malformed(format!(
            "{} signers for the {} form",
            signers.len(),
            if flattened { "flattened" } else { "general" }
        )));
    }
    let mut entries = Vec::with_capacity(signers.len());
    let mut b64_values = Vec::with_capacity(signers.len());
    for signer in signers {
        let protected_text = signer.protected.filter(|p| !p.is_empty());
        let entry = JsonSignature {
            protected: protected_text.map(|p| base64url::encode(p.as_bytes())),
            header: signer.unprotected.clone(),
            signature: String::new(),
        };
        if entry.protected.is_none() && entry.header.is_none() {
            return Err(malformed(
                "a signer has neither a protected nor an unprotected header".into(),
            ));
        }
        // Never produce what we would refuse to verify.
        let checked = headers(&entry)?;
        let alg = Algorithm::from_name(alg_name(&checked.joint)?)?;
        signer.key.check_usable(alg, KeyOperation::Sign, short_keys)?;
        b64_values.push(checked.b64);
        entries.push((entry, alg));
    }
    let b64 = b64_values.first().copied().unwrap_or(true);
    if b64_values.iter().any(|v| *v != b64) {
        return Err(malformed(
            "the signers differ in \"b64\"; RFC 7797 §3 requires the same value".into(),
        ));
    }
    let carried = if b64 {
        base64url::encode(payload)
    } else {
        String::from_utf8(payload.to_vec()).map_err(|_| {
            malformed("with \"b64\": false the payload is carried as a JSON string, so it must be UTF-8".into())
        })?
    };
    let mut signatures = Vec::with_capacity(entries.len());
    for ((mut entry, alg), signer) in entries.into_iter().zip(signers) {
        let (_, input) = signing_input(&entry, b64, Some(&carried), None)?;
        let signature = crate::jose::rustcrypto::sign(alg, signer.key, &input, Some(&mut *rng))?;
        entry.signature = base64url::encode(&signature);
        signatures.push(entry);
    }
    Ok(JsonJws {
        payload: (!detached).then_some(carried),
        signatures,
        flattened,
    })
}

/// RustCrypto for verifying only: verification draws no randomness, so [`verify_json`] needs
/// no RNG, and this backend has none to misuse.
struct RustVerifier;

impl CryptoBackend for RustVerifier {
    fn name(&self) -> &'static str {
        "RustCrypto"
    }

    async fn sign(&self, alg: Algorithm, _key: &Jwk, _signing_input: &[u8]) -> Result<Vec<u8>, JoseError> {
        Err(JoseError::RandomnessRequired { alg: alg.name() })
    }

    async fn verify(&self, alg: Algorithm, key: &Jwk, signing_input: &[u8], signature: &[u8]) -> Result<(), JoseError> {
        crate::jose::rustcrypto::verify(alg, key, signing_input, signature)
    }

    async fn generate(&self, _spec: crate::jose::KeyGenSpec) -> Result<Jwk, JoseError> {
        Err(JoseError::KeyGeneration {
            problem: "the verifying backend generates no keys".into(),
        })
    }
}
