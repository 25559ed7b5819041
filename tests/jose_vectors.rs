//! The data-driven JWS vector harness: every `tests/vectors/jws/*.json` file is an array of
//! `{"id", "source", "alg", "jwk", "jws", "valid", "deterministic"}` cases. `jws` is a compact
//! JWS (a string) or a JSON serialization (an object, RFC 7515 §7.2), with `payload`
//! (base64url) beside it when the content is detached.
//!
//! For each case: verify `jws` with `jwk`, allowing only `alg`; the outcome must equal
//! `valid` (an invalid case must fail with an error, never a panic). When `deterministic`,
//! signing the same protected header bytes and payload with `jwk` must reproduce `jws` byte
//! for byte; a valid, non-deterministic case with a private key is re-signed and verified.
//! An algorithm we do not implement is a listed skip, never a silent pass. Dropping a new
//! file into the folder adds its cases.
//!
//! See the per-file counts with `cargo test --test jose_vectors -- --nocapture`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::Path;

use oauth_playground::jose::{base64url, jws, Algorithm, JoseError, Jwk, ShortHmacKeys};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::Value;

mod vector_files;

use vector_files::Outcome;

fn field<'a>(case: &'a Value, name: &str) -> Result<&'a Value, String> {
    case.get(name).ok_or_else(|| format!("the case has no \"{name}\""))
}

fn run_case(case: &Value) -> Outcome {
    if field(case, "jws")?.is_object() {
        return run_json_case(case);
    }
    let alg_name = field(case, "alg")?.as_str().ok_or("\"alg\" is not a string")?;
    let token = field(case, "jws")?.as_str().ok_or("\"jws\" is not a string")?;
    let valid = field(case, "valid")?.as_bool().ok_or("\"valid\" is not a boolean")?;
    let deterministic = field(case, "deterministic")?
        .as_bool()
        .ok_or("\"deterministic\" is not a boolean")?;
    let alg = match Algorithm::from_name(alg_name) {
        Ok(alg) => alg,
        Err(e) => return Ok(Some(format!("{alg_name}: {e}"))),
    };
    let outcome = Jwk::from_json(&field(case, "jwk")?.to_string())
        .and_then(|key| jws::verify_compact(token, &key, &[alg]).map(|v| (key, v)));
    let (key, verified) = match (outcome, valid) {
        (Ok(pair), true) => pair,
        (Err(_), false) => return Ok(None),
        (Ok(_), false) => return Err("verified, but the vector says it is invalid".into()),
        (Err(e), true) => return Err(format!("did not verify: {e}")),
    };

    let parts: Vec<&str> = token.split('.').collect();
    let header = String::from_utf8(base64url::decode(parts[0], "header").map_err(|e| e.to_string())?)
        .map_err(|_| "header is not UTF-8".to_string())?;
    if verified.payload != base64url::decode(parts[1], "payload").map_err(|e| e.to_string())? {
        return Err("verified payload differs from the token's".into());
    }
    if deterministic {
        let signed = jws::sign_compact(&header, &verified.payload, &key, ShortHmacKeys::Refuse)
            .map_err(|e| format!("re-signing failed: {e}"))?;
        if signed != token {
            return Err(format!(
                "re-signing gave a different token:\n  ours {signed}\n  want {token}"
            ));
        }
    } else if key.is_private() {
        let mut rng = ChaCha20Rng::seed_from_u64(7515);
        let signed = jws::sign_compact_with_rng(&header, &verified.payload, &key, ShortHmacKeys::Refuse, &mut rng)
            .map_err(|e| format!("signing with the vector's key failed: {e}"))?;
        jws::verify_compact(&signed, &key, &[alg]).map_err(|e| format!("our own signature did not verify: {e}"))?;
    }
    Ok(None)
}

/// A JSON-serialized case: verify with the case's key (only its `alg` allowed); when
/// `deterministic`, signing the verified signature's headers and payload again with the key
/// must give the same signature value; a valid, non-deterministic case with a private key is
/// re-signed and verified.
fn run_json_case(case: &Value) -> Outcome {
    let alg_name = field(case, "alg")?.as_str().ok_or("\"alg\" is not a string")?;
    let text = field(case, "jws")?.to_string();
    let valid = field(case, "valid")?.as_bool().ok_or("\"valid\" is not a boolean")?;
    let deterministic = field(case, "deterministic")?.as_bool().unwrap_or(false);
    let detached = match case.get("payload").and_then(Value::as_str) {
        Some(p) => Some(base64url::decode(p, "payload").map_err(|e| e.to_string())?),
        None => None,
    };
    let alg = match Algorithm::from_name(alg_name) {
        Ok(alg) => alg,
        Err(e) => return Ok(Some(format!("{alg_name}: {e}"))),
    };
    let outcome = Jwk::from_json(&field(case, "jwk")?.to_string())
        .and_then(|key| jws::verify_json(&text, detached.as_deref(), &key, &[alg]).map(|v| (key, v)));
    let (key, verified) = match (outcome, valid) {
        (Ok(pair), true) => pair,
        (Err(_), false) => return Ok(None),
        (Ok(_), false) => return Err("verified, but the vector says it is invalid".into()),
        (Err(e), true) => return Err(format!("did not verify: {e}")),
    };
    if !key.is_private() {
        return Ok(None);
    }
    let parsed = jws::JsonJws::parse(&text).map_err(|e| e.to_string())?;
    let original = &parsed.signatures[verified.index];
    let protected = original
        .protected
        .as_deref()
        .map(|p| String::from_utf8(base64url::decode(p, "protected").unwrap()).unwrap());
    let signer = jws::JsonSigner {
        protected: protected.as_deref(),
        unprotected: original.header.clone(),
        key: &key,
    };
    let mut rng = ChaCha20Rng::seed_from_u64(7515);
    let ours = jws::sign_json(
        &verified.payload,
        &[signer],
        true,
        detached.is_some(),
        ShortHmacKeys::Refuse,
        &mut rng,
    )
    .map_err(|e| format!("re-signing failed: {e}"))?;
    if deterministic && ours.signatures[0].signature != original.signature {
        return Err(format!(
            "re-signing gave a different signature:\n  ours {}\n  want {}",
            ours.signatures[0].signature, original.signature
        ));
    }
    jws::verify_json(&ours.to_json(), detached.as_deref(), &key, &[alg])
        .map_err(|e| format!("our own JSON JWS did not verify: {e}"))?;
    Ok(None)
}

#[test]
fn every_jws_vector_file_passes() {
    vector_files::run_every_file("jws", run_case, |_| String::new());
}

/// Every negative vector must fail for its own reason, not by accident of a malformed
/// vector file: this prints each case's error, and checks a few that must fail before any
/// cryptography (algorithm confusion, `none`, `crit`).
#[test]
fn negative_vectors_fail_for_the_stated_reason() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/jws/negative.json");
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let error_of = |id: &str| -> JoseError {
        let case = cases
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("{id} present"));
        let alg = Algorithm::from_name(case["alg"].as_str().unwrap()).unwrap();
        Jwk::from_json(&case["jwk"].to_string())
            .and_then(|key| jws::verify_compact(case["jws"].as_str().unwrap(), &key, &[alg]))
            .expect_err(id)
    };
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        println!("{id}: {}", error_of(id));
    }
    assert!(matches!(
        error_of("alg-confusion-hs256-keyed-with-rsa-spki-pem"),
        JoseError::KeyMismatch { alg: "HS256", .. }
    ));
    assert!(matches!(
        error_of("rs256-token-when-only-hs256-allowed"),
        JoseError::AlgorithmNotAllowed { .. }
    ));
    assert_eq!(error_of("alg-none-empty-signature"), JoseError::UnsecuredNotAllowed);
    assert_eq!(
        error_of("unknown-crit-exp"),
        JoseError::UnsupportedCritical {
            names: vec!["exp".into()]
        }
    );
    assert_eq!(
        error_of("rfc7797-b64-false-detached"),
        JoseError::UnsupportedCritical {
            names: vec!["b64".into()]
        }
    );
    assert!(matches!(
        error_of("crit-lists-registered-header"),
        JoseError::InvalidCritical { .. }
    ));
    assert!(matches!(
        error_of("duplicate-alg-member"),
        JoseError::DuplicateMember { .. }
    ));
    assert!(matches!(
        error_of("rs256-with-1024-bit-key"),
        JoseError::RsaModulusTooShort { bits: 1024, .. }
    ));
    assert!(matches!(error_of("padded-signature"), JoseError::Base64 { .. }));
    assert!(matches!(error_of("five-segments-jwe-shape"), JoseError::Malformed(_)));
    assert_eq!(error_of("tampered-payload-rs256"), JoseError::InvalidSignature);
    assert_eq!(error_of("es256-der-encoded-signature"), JoseError::InvalidSignature);
    assert_eq!(
        error_of("embedded-jwk-header-is-not-trusted"),
        JoseError::InvalidSignature
    );
}

/// The JSON-serialization and RFC 7797 negative cases fail for the rule they break.
#[test]
fn json_negative_vectors_fail_for_the_stated_reason() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/jws");
    let mut cases: Vec<Value> = Vec::new();
    for file in ["rfc7520-json.json", "rfc7797.json"] {
        cases.extend(serde_json::from_str::<Vec<Value>>(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap());
    }
    let error_of = |id: &str| -> JoseError {
        let case = cases
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("{id} present"));
        assert_eq!(case["valid"], false, "{id}");
        let key = Jwk::from_json(&case["jwk"].to_string()).unwrap();
        jws::verify_json(&case["jws"].to_string(), None, &key, &[Algorithm::HS256]).expect_err(id)
    };
    for case in cases.iter().filter(|c| c["valid"] == false) {
        let id = case["id"].as_str().unwrap();
        println!("{id}: {}", error_of(id));
    }
    assert_eq!(error_of("json-payload-changed"), JoseError::InvalidSignature);
    assert!(matches!(
        error_of("json-alg-in-both-headers"),
        JoseError::DuplicateMember { .. }
    ));
    assert!(matches!(
        error_of("json-crit-unprotected"),
        JoseError::InvalidCritical { .. }
    ));
    assert!(matches!(error_of("json-no-header-at-all"), JoseError::Malformed(_)));
    assert!(matches!(
        error_of("json-general-and-flattened-mixed"),
        JoseError::Malformed(_)
    ));
    assert!(matches!(
        error_of("cookbook-rfc7797-4-2-without-crit"),
        JoseError::InvalidCritical { problem } if problem.contains("RFC 7797 §6")
    ));
    assert_eq!(
        error_of("rfc7797-b64-false-read-as-encoded"),
        JoseError::InvalidSignature
    );
    assert!(matches!(error_of("rfc7797-b64-unprotected"), JoseError::Malformed(_)));
    assert!(matches!(
        error_of("rfc7797-b64-differs-between-signatures"),
        JoseError::Malformed(_)
    ));
}
