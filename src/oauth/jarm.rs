//! JARM (JWT Secured Authorization Response Mode): the `response` JWT validated in the
//! design brief's order (client item 7, after JARM §2.4), aborting at the first failure.

use serde_json::{Map, Value};

use super::check::{server_jwt_key, CheckFailure, Checks, KeyChoice};
use super::encryption::{decrypt_if_encrypted, EncryptedResponse, ResponseDecryption};
use crate::clock::UnixTime;
use crate::jose::jws::{self, decode_unverified};
use crate::jose::jwt::numeric_date;
use crate::jose::{Algorithm, EncryptionBackend, Jwks, SecretString};

/// What the client expects of a JARM response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JarmExpectations {
    pub issuer: String,
    pub client_id: String,
    /// The algorithms the client accepts (the registered `authorization_signed_response_alg`,
    /// or the server's `authorization_signing_alg_values_supported`).
    pub algs: Vec<Algorithm>,
    pub leeway: i64,
    /// For HS* responses: the client secret is the key (JARM §2.2 / OIDC Core §10.1).
    pub client_secret: Option<SecretString>,
    /// The registered `authorization_encrypted_response_alg`/`_enc` (JARM §3) and the keys;
    /// `None`: the response must not be encrypted.
    pub decryption: Option<ResponseDecryption>,
}

/// A JARM response whose every check passed.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedJarm {
    pub header: Value,
    pub claims: Map<String, Value>,
    pub kid: Option<String>,
}

/// The decryption step's codes (JARM §2.4 step 1).
const JARM_JWE: EncryptedResponse = EncryptedResponse {
    what: "the JARM response",
    step: "jarm.decrypt",
    clause: "JARM §2.4 step 1; RFC 7516 §5.2",
    not_encrypted: "jarm.not_encrypted",
    malformed: "jarm.malformed",
    alg_unexpected: "jarm.encryption_alg_unexpected",
    key_not_found: "jarm.encryption_key_not_found",
    decryption_failed: "jarm.decryption_failed",
};

const PARSE: &str = "JARM §2.4; RFC 7515 §5.2 (three parts, JSON header and payload)";

/// Runs JARM steps 1–9 (decryption, parse, crit, alg, iss, aud, exp, key, signature),
/// recording each in `checks`.
pub(crate) async fn verify<B: EncryptionBackend + ?Sized>(
    checks: &mut Checks,
    jwt: &str,
    expect: &JarmExpectations,
    jwks: Option<&Jwks>,
    now: UnixTime,
    backend: &B,
) -> Result<VerifiedJarm, CheckFailure> {
    // 1. "decrypt if encrypted" (JARM §2.4 step 1), with the key and algorithms registered.
    let decrypted = decrypt_if_encrypted(checks, &JARM_JWE, jwt, expect.decryption.as_ref(), backend).await?;
    let jwt = decrypted.as_deref().unwrap_or(jwt);

    // 2. Parse: three parts, JSON-object header and payload.
    let decoded =
        decode_unverified(jwt).map_err(|e| checks.fail("jarm.parse", PARSE, "jarm.malformed", e.to_string()))?;
    let claims = match serde_json::from_slice::<Value>(&decoded.payload) {
        Ok(Value::Object(claims)) => claims,
        Ok(_) | Err(_) => {
            return Err(checks.fail(
                "jarm.parse",
                PARSE,
                "jarm.malformed",
                "the payload is not a JSON object",
            ))
        }
    };
    checks.pass("jarm.parse", PARSE, "three parts, JSON header and payload");

    // 3. RFC 7515 §4.1.11: a `crit` naming anything not understood makes the JWS invalid.
    // This client understands no extension header parameters.
    const CRIT: &str = "RFC 7515 §4.1.11";
    match decoded.header.get("crit") {
        None => checks.pass("jarm.crit", CRIT, "no crit"),
        Some(crit) => {
            return Err(checks.fail_with(
                "jarm.crit",
                CRIT,
                "jarm.crit_unknown",
                format!("crit {crit} lists extensions this client does not understand"),
                vec![("found".into(), crit.to_string())],
            ))
        }
    }

    // 4. alg is the one expected, and never none (RFC 8725 §3.1).
    const ALG: &str = "JARM §2.4 step 6; RFC 8725 §3.1";
    let expected_algs = || expect.algs.iter().map(|a| a.name()).collect::<Vec<_>>().join(", ");
    let alg = match decoded.alg.as_deref() {
        Some("none") | None => {
            return Err(checks.fail_with(
                "jarm.alg",
                ALG,
                "jarm.alg_none",
                "the response is unsecured (alg none or no alg)",
                vec![("expected".into(), expected_algs()), ("found".into(), "none".into())],
            ))
        }
        Some(name) => match Algorithm::from_name(name) {
            Ok(alg) if expect.algs.contains(&alg) => alg,
            _ => {
                return Err(checks.fail_with(
                    "jarm.alg",
                    ALG,
                    "jarm.alg_unexpected",
                    format!("alg {name} is not one of [{}]", expected_algs()),
                    vec![("expected".into(), expected_algs()), ("found".into(), name.into())],
                ))
            }
        },
    };
    checks.pass("jarm.alg", ALG, alg.name());

    // 5. iss = the expected issuer (JARM §2.4 step 3).
    const ISS: &str = "JARM §2.4 step 3";
    let iss = claims.get("iss").and_then(Value::as_str);
    if iss != Some(expect.issuer.as_str()) {
        return Err(checks.fail_with(
            "jarm.iss",
            ISS,
            "jarm.iss_mismatch",
            format!("iss {iss:?} is not the expected issuer {}", expect.issuer),
            expected_found(&expect.issuer, claims.get("iss")),
        ));
    }
    checks.pass("jarm.iss", ISS, expect.issuer.clone());

    // 6. aud contains the client's own client_id.
    const AUD: &str = "JARM §2.4 step 4";
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => *a == expect.client_id,
        Some(Value::Array(items)) => items.iter().any(|a| a.as_str() == Some(expect.client_id.as_str())),
        _ => false,
    };
    if !aud_ok {
        return Err(checks.fail_with(
            "jarm.aud",
            AUD,
            "jarm.aud_mismatch",
            format!("aud does not contain client_id {}", expect.client_id),
            expected_found(&expect.client_id, claims.get("aud")),
        ));
    }
    checks.pass("jarm.aud", AUD, expect.client_id.clone());

    // 7. exp not passed (with leeway).
    const EXP: &str = "JARM §2.4 step 5; RFC 7519 §4.1.4";
    match numeric_date(&claims, "exp") {
        Ok(Some(exp)) if now < exp.saturating_add(expect.leeway.max(0)) => checks.pass(
            "jarm.exp",
            EXP,
            format!("exp {exp}, now {now}, leeway {}", expect.leeway),
        ),
        Ok(Some(exp)) => {
            return Err(checks.fail_with(
                "jarm.exp",
                EXP,
                "jarm.expired",
                format!("expired: exp {exp}, now {now}, leeway {}", expect.leeway),
                vec![("exp".into(), exp.to_string()), ("now".into(), now.to_string())],
            ))
        }
        Ok(None) => {
            return Err(checks.fail(
                "jarm.exp",
                EXP,
                "jarm.expired",
                "exp is missing (JARM §2.1 requires it)",
            ))
        }
        Err(e) => return Err(checks.fail("jarm.exp", EXP, "jarm.expired", e.to_string())),
    }

    // 8. The key: one from the server's JWKS by kid/kty/alg/use; zero or several is an error.
    const KEY: &str = "JARM §2.4 step 6; RFC 7515 §6";
    let key = match server_jwt_key(jwt, alg, expect.client_secret.as_ref(), jwks) {
        Ok(key) => key,
        Err(KeyChoice::Ambiguous(why)) => return Err(checks.fail("jarm.key", KEY, "jarm.key_ambiguous", why)),
        Err(KeyChoice::NotFound(why)) => return Err(checks.fail("jarm.key", KEY, "jarm.key_not_found", why)),
    };
    let kid = key.kid.clone();
    checks.pass("jarm.key", KEY, super::check::key_identity(&key));

    // 9. The signature.
    const SIG: &str = "JARM §2.4 step 6; RFC 7515 §5.2";
    match jws::verify_compact_with(backend, jwt, &key, &[alg]).await {
        Ok(_) => checks.pass("jarm.signature", SIG, "verified"),
        Err(e) => return Err(checks.fail("jarm.signature", SIG, "jarm.signature_invalid", e.to_string())),
    }
    Ok(VerifiedJarm {
        header: decoded.header,
        claims,
        kid,
    })
}

pub(crate) fn expected_found(expected: &str, found: Option<&Value>) -> Vec<(String, String)> {
    vec![
        ("expected".into(), expected.to_string()),
        (
            "found".into(),
            found.map_or_else(|| "(missing)".to_string(), |v| v.to_string()),
        ),
    ]
}
