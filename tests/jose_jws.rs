//! JWS compact signing and verification: known answers, algorithm/key policy, the unsecured
//! and unverified APIs, key selection from a JWKS, the backend trait, and malformed input.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use oauth_playground::jose::jws::{self, unsecured, JwsHeader};
use oauth_playground::jose::keygen::KeyGenSpec;
use oauth_playground::jose::{
    base64url, Algorithm, CryptoBackend, EcCurve, JoseError, Jwk, Jwks, KeyOperation, RustCryptoBackend, ShortHmacKeys,
};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};

fn vectors(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(format!("{}/tests/vectors/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn case(file: &str, id: &str) -> Value {
    vectors(file).into_iter().find(|c| c["id"] == id).unwrap()
}

fn key_of(case: &Value) -> Jwk {
    Jwk::from_json(&case["jwk"].to_string()).unwrap()
}

fn header_and_payload(token: &str) -> (String, Vec<u8>) {
    let mut parts = token.split('.');
    let header = String::from_utf8(base64url::decode(parts.next().unwrap(), "h").unwrap()).unwrap();
    (header, base64url::decode(parts.next().unwrap(), "p").unwrap())
}

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(2024)
}

/// Runs a future that never waits (the RustCrypto backend's), without an executor crate.
fn now<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the RustCrypto backend never waits"),
    }
}

// --- known answers --------------------------------------------------------------------------

#[test]
fn rs256_signature_of_rfc7515_a2_reproduces() {
    let case = case("jws/rfc7515.json", "rfc7515-a-2");
    let token = case["jws"].as_str().unwrap();
    let (header, payload) = header_and_payload(token);
    let key = key_of(&case);
    assert_eq!(
        jws::sign_compact(&header, &payload, &key, ShortHmacKeys::Refuse).unwrap(),
        token
    );
    // Blinding changes nothing in the result.
    let blinded = jws::sign_compact_with_rng(&header, &payload, &key, ShortHmacKeys::Refuse, &mut rng()).unwrap();
    assert_eq!(blinded, token);
}

#[test]
fn ps384_signature_of_rfc7520_4_2_verifies_with_the_public_key() {
    let case = case("jws/rfc7520.json", "rfc7520-4-2");
    let public = key_of(&case).to_public().unwrap();
    let verified = jws::verify_compact(case["jws"].as_str().unwrap(), &public, &[Algorithm::PS384]).unwrap();
    assert_eq!(verified.kid(), Some("bilbo.baggins@hobbiton.example"));
    assert!(String::from_utf8(verified.payload)
        .unwrap()
        .starts_with("It’s a dangerous business, Frodo"));
}

#[test]
fn es256_signature_of_rfc7515_a3_verifies_and_our_own_es256_signature_verifies() {
    let case = case("jws/rfc7515.json", "rfc7515-a-3");
    let key = key_of(&case);
    let token = case["jws"].as_str().unwrap();
    jws::verify_compact(token, &key.to_public().unwrap(), &[Algorithm::ES256]).unwrap();

    let (header, payload) = header_and_payload(token);
    let ours = jws::sign_compact(&header, &payload, &key, ShortHmacKeys::Refuse).unwrap();
    let signature = base64url::decode(ours.rsplit('.').next().unwrap(), "sig").unwrap();
    assert_eq!(signature.len(), 64, "r || s, not DER (RFC 7518 §3.4)");
    // RFC 6979: the same input signs the same way.
    assert_eq!(
        jws::sign_compact(&header, &payload, &key, ShortHmacKeys::Refuse).unwrap(),
        ours
    );
    jws::verify_compact(&ours, &key.to_public().unwrap(), &[Algorithm::ES256]).unwrap();
}

#[test]
fn es384_signature_is_96_bytes_and_verifies() {
    let key = oauth_playground::jose::keygen::generate(KeyGenSpec::Ec { crv: EcCurve::P384 }, &mut rng()).unwrap();
    let token = jws::sign_compact(r#"{"alg":"ES384"}"#, b"x", &key, ShortHmacKeys::Refuse).unwrap();
    let signature = base64url::decode(token.rsplit('.').next().unwrap(), "sig").unwrap();
    assert_eq!(signature.len(), 96);
    jws::verify_compact(&token, &key.to_public().unwrap(), &[Algorithm::ES384]).unwrap();
}

#[test]
fn verified_header_is_given_back_with_typ_kid_cty() {
    let key = key_of(&case("jws/rfc7515.json", "rfc7515-a-1"));
    let header = JwsHeader::new(Algorithm::HS256)
        .typ("oauth-authz-req+jwt")
        .kid("k1")
        .cty("JWT");
    let token = jws::sign_compact(&header.to_json(), b"{}", &key, ShortHmacKeys::Refuse).unwrap();
    let verified = jws::verify_compact(&token, &key, &[Algorithm::HS256]).unwrap();
    assert_eq!(verified.typ(), Some("oauth-authz-req+jwt"));
    assert_eq!(verified.kid(), Some("k1"));
    assert_eq!(verified.cty(), Some("JWT"));
    assert_eq!(verified.alg, Algorithm::HS256);
}

// --- policy: algorithms and keys -------------------------------------------------------------

#[test]
fn hs256_with_rsa_public_key_as_secret_is_rejected() {
    // The classic confusion: a verifier holding an RSA public key receives an HS256 token
    // whose MAC key is that public key. Whatever bytes the attacker used, the key type decides.
    let rsa_public = key_of(&case("jws/rfc7515.json", "rfc7515-a-2")).to_public().unwrap();
    let forged = case("jws/negative.json", "alg-confusion-hs256-keyed-with-rsa-spki-pem");
    let token = forged["jws"].as_str().unwrap();
    let err = jws::verify_compact(token, &rsa_public, &[Algorithm::HS256, Algorithm::RS256]).unwrap_err();
    assert_eq!(
        err,
        JoseError::KeyMismatch {
            alg: "HS256",
            expected: "an oct (symmetric) key",
            found: "an RSA key (2048 bits)".into()
        }
    );
    // Signing HS256 with an RSA key is refused the same way.
    assert!(matches!(
        jws::sign_compact(r#"{"alg":"HS256"}"#, b"{}", &rsa_public, ShortHmacKeys::Allow),
        Err(JoseError::KeyMismatch { .. })
    ));
}

#[test]
fn algorithm_outside_the_allowed_set_is_rejected_before_any_cryptography() {
    let case = case("jws/rfc7515.json", "rfc7515-a-1");
    let err = jws::verify_compact(
        case["jws"].as_str().unwrap(),
        &key_of(&case),
        &[Algorithm::HS384, Algorithm::HS512],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "algorithm \"HS256\" is not allowed here (allowed: HS384, HS512)"
    );
    // An empty allowed set allows nothing.
    assert!(matches!(
        jws::verify_compact(case["jws"].as_str().unwrap(), &key_of(&case), &[]),
        Err(JoseError::AlgorithmNotAllowed { .. })
    ));
}

#[test]
fn short_hmac_key_is_refused_unless_explicitly_allowed() {
    let key = Jwk::from_json(r#"{"kty":"oct","k":"c2VjcmV0"}"#).unwrap(); // "secret", 6 bytes
    let err = jws::sign_compact(r#"{"alg":"HS256"}"#, b"{}", &key, ShortHmacKeys::Refuse).unwrap_err();
    assert_eq!(
        err.to_string(),
        "HS256 key is 6 bytes; RFC 7518 §3.2 requires at least 32 (the hash output size)"
    );
    let token = jws::sign_compact(r#"{"alg":"HS256"}"#, b"{}", &key, ShortHmacKeys::Allow).unwrap();
    // Verifying what we were given is not refused: the verifier holds the key it holds.
    jws::verify_compact(&token, &key, &[Algorithm::HS256]).unwrap();
    // A server that refuses short secrets on receipt too asks the key first.
    assert!(matches!(
        key.check_usable(Algorithm::HS256, KeyOperation::Verify, ShortHmacKeys::Refuse),
        Err(JoseError::WeakHmacKey { .. })
    ));
    // 48 bytes is enough for HS256 and HS384 but not HS512.
    let key48 = Jwk::from_json(&format!(r#"{{"kty":"oct","k":"{}"}}"#, base64url::encode([1u8; 48]))).unwrap();
    assert!(jws::sign_compact(r#"{"alg":"HS384"}"#, b"{}", &key48, ShortHmacKeys::Refuse).is_ok());
    assert!(matches!(
        jws::sign_compact(r#"{"alg":"HS512"}"#, b"{}", &key48, ShortHmacKeys::Refuse),
        Err(JoseError::WeakHmacKey {
            min_bytes: 64,
            found_bytes: 48,
            ..
        })
    ));
}

#[test]
fn key_ops_and_use_restrict_what_a_key_may_do() {
    let mut members: Value = case("jws/rfc7515.json", "rfc7515-a-1")["jwk"].clone();
    members["key_ops"] = json!(["verify"]);
    let verify_only = Jwk::from_json(&members.to_string()).unwrap();
    let err = jws::sign_compact(r#"{"alg":"HS256"}"#, b"{}", &verify_only, ShortHmacKeys::Refuse).unwrap_err();
    assert_eq!(
        err.to_string(),
        "HS256 needs a key whose \"key_ops\" include \"sign\", but the key is limited to \"key_ops\": [\"verify\"]"
    );
    let token = case("jws/rfc7515.json", "rfc7515-a-1")["jws"]
        .as_str()
        .unwrap()
        .to_string();
    jws::verify_compact(&token, &verify_only, &[Algorithm::HS256]).unwrap();
}

#[test]
fn signing_needs_the_private_key() {
    let public = key_of(&case("jws/rfc7515.json", "rfc7515-a-3")).to_public().unwrap();
    assert_eq!(
        jws::sign_compact(r#"{"alg":"ES256"}"#, b"{}", &public, ShortHmacKeys::Refuse),
        Err(JoseError::PrivateKeyRequired {
            operation: "signing",
            kty: "EC"
        })
    );
}

#[test]
fn ps256_without_an_rng_is_refused_and_with_one_signs() {
    let key = key_of(&case("jws/rfc7515.json", "rfc7515-a-2"));
    assert_eq!(
        jws::sign_compact(r#"{"alg":"PS256"}"#, b"{}", &key, ShortHmacKeys::Refuse),
        Err(JoseError::RandomnessRequired { alg: "PS256" })
    );
    let token =
        jws::sign_compact_with_rng(r#"{"alg":"PS256"}"#, b"{}", &key, ShortHmacKeys::Refuse, &mut rng()).unwrap();
    jws::verify_compact(&token, &key.to_public().unwrap(), &[Algorithm::PS256]).unwrap();
    // An RS256 verifier does not accept the PSS signature under a header rewritten to RS256.
    let (_, rest) = token.split_once('.').unwrap();
    let relabelled = format!("{}.{rest}", base64url::encode(r#"{"alg":"RS256"}"#));
    assert_eq!(
        jws::verify_compact(&relabelled, &key, &[Algorithm::RS256]),
        Err(JoseError::InvalidSignature)
    );
}

#[test]
fn header_checks_apply_when_signing_too() {
    let key = key_of(&case("jws/rfc7515.json", "rfc7515-a-1"));
    let sign = |h: &str| jws::sign_compact(h, b"{}", &key, ShortHmacKeys::Refuse);
    assert_eq!(sign(r#"{"alg":"none"}"#), Err(JoseError::UnsecuredNotAllowed));
    assert!(matches!(
        sign(r#"{"alg":"HS256","crit":["exp"],"exp":1}"#),
        Err(JoseError::UnsupportedCritical { .. })
    ));
    assert!(matches!(
        sign(r#"{"alg":"HS256","alg":"HS256"}"#),
        Err(JoseError::DuplicateMember { .. })
    ));
    assert!(matches!(sign(r#"{"typ":"JWT"}"#), Err(JoseError::Malformed(_))));
    assert_eq!(
        sign(r#"{"alg":"ES256K"}"#),
        Err(JoseError::UnsupportedAlgorithm("ES256K".into()))
    );
}

// --- unsecured and unverified ----------------------------------------------------------------

#[test]
fn alg_none_only_goes_through_the_unsecured_api() {
    let token = unsecured::encode(r#"{"alg":"none"}"#, br#"{"iss":"joe"}"#).unwrap();
    assert!(token.ends_with('.'));
    assert_eq!(unsecured::decode(&token).unwrap().payload, br#"{"iss":"joe"}"#);
    let any_key = key_of(&case("jws/rfc7515.json", "rfc7515-a-1"));
    assert_eq!(
        jws::verify_compact(&token, &any_key, &Algorithm::ALL),
        Err(JoseError::UnsecuredNotAllowed)
    );
    // And the unsecured API refuses a signed token.
    let signed = case("jws/rfc7515.json", "rfc7515-a-1");
    assert!(unsecured::decode(signed["jws"].as_str().unwrap()).is_err());
}

#[test]
fn decode_unverified_shows_any_token_but_verifies_nothing() {
    // A token with an unknown algorithm and a bogus signature still decodes for display.
    let header = "{\"alg\":\"ES512\",\r\n\"kid\":\"x\"}";
    let token = format!(
        "{}.{}.{}",
        base64url::encode(header),
        base64url::encode("hi"),
        base64url::encode("sig")
    );
    let shown = jws::decode_unverified(&token).unwrap();
    assert_eq!(shown.header_text, header);
    assert_eq!(shown.alg.as_deref(), Some("ES512"));
    assert_eq!(shown.header["kid"], "x");
    assert_eq!(shown.payload, b"hi");
    assert_eq!(shown.signature, b"sig");
    assert_eq!(shown.signing_input, token.rsplit_once('.').unwrap().0);
    // Shape errors are still errors.
    assert!(matches!(jws::decode_unverified("a.b"), Err(JoseError::Malformed(_))));
}

// --- key selection -----------------------------------------------------------------------------

#[test]
fn verification_with_a_jwks_picks_the_key_by_kid_and_alg() {
    let mut rng = rng();
    let a = oauth_playground::jose::keygen::generate_for(Algorithm::ES256, &mut rng).unwrap();
    let b = oauth_playground::jose::keygen::generate_for(Algorithm::ES256, &mut rng).unwrap();
    let jwks = Jwks::new(vec![a.to_public().unwrap(), b.to_public().unwrap()]).to_public();
    let header = JwsHeader::new(Algorithm::ES256).kid(b.kid.clone().unwrap()).to_json();
    let token = jws::sign_compact(&header, b"{}", &b, ShortHmacKeys::Refuse).unwrap();
    let (verified, used) = jws::verify_compact_with_jwks(&token, &jwks, &[Algorithm::ES256]).unwrap();
    assert_eq!(used.kid, b.kid);
    assert_eq!(verified.kid(), b.kid.as_deref());

    // Without a kid both keys fit: ambiguous, and the error lists both.
    let anonymous = jws::sign_compact(r#"{"alg":"ES256"}"#, b"{}", &b, ShortHmacKeys::Refuse).unwrap();
    let err = jws::verify_compact_with_jwks(&anonymous, &jwks, &[Algorithm::ES256]).unwrap_err();
    let JoseError::AmbiguousKey { candidates, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(candidates.len(), 2);
    // An unknown kid: no candidate, every key listed.
    let header = JwsHeader::new(Algorithm::ES256).kid("gone").to_json();
    let stray = jws::sign_compact(&header, b"{}", &b, ShortHmacKeys::Refuse).unwrap();
    assert!(matches!(
        jws::verify_compact_with_jwks(&stray, &jwks, &[Algorithm::ES256]),
        Err(JoseError::NoMatchingKey { available, .. }) if available.len() == 2
    ));
}

// --- backends ------------------------------------------------------------------------------------

#[test]
fn rustcrypto_backend_signs_and_verifies_every_algorithm_through_the_trait() {
    let backend = RustCryptoBackend::new(rng());
    assert_eq!(backend.name(), "RustCrypto");
    let rsa = now(backend.generate(KeyGenSpec::Rsa { bits: 2048 })).unwrap();
    for alg in Algorithm::ALL {
        let key = if alg.kty() == "RSA" {
            rsa.clone()
        } else {
            now(backend.generate(KeyGenSpec::for_alg(alg))).unwrap()
        };
        let header = JwsHeader::new(alg).kid(key.kid.clone().unwrap()).to_json();
        let token = now(jws::sign_compact_with(
            &backend,
            &header,
            b"{}",
            &key,
            ShortHmacKeys::Refuse,
        ))
        .unwrap();
        // The async path and the sync path agree.
        let verifier = if alg.kty() == "oct" {
            key.clone()
        } else {
            key.to_public().unwrap()
        };
        now(jws::verify_compact_with(&backend, &token, &verifier, &[alg])).unwrap();
        jws::verify_compact(&token, &verifier, &[alg]).unwrap();
        // The backend's own verify says InvalidSignature for a bad signature.
        let input = token.rsplit_once('.').unwrap().0.as_bytes();
        let sig = now(backend.sign(alg, &key, input)).unwrap();
        let mut bad = sig.clone();
        bad[0] ^= 1;
        assert_eq!(
            now(backend.verify(alg, &verifier, input, &bad)),
            Err(JoseError::InvalidSignature),
            "{alg}"
        );
        now(backend.verify(alg, &verifier, input, &sig)).unwrap();
    }
}

#[test]
fn the_async_path_applies_the_same_policy() {
    let backend = RustCryptoBackend::new(rng());
    let rsa_public = key_of(&case("jws/rfc7515.json", "rfc7515-a-2")).to_public().unwrap();
    let forged = case("jws/negative.json", "alg-confusion-hs256-keyed-with-rsa-spki-pem");
    assert!(matches!(
        now(jws::verify_compact_with(
            &backend,
            forged["jws"].as_str().unwrap(),
            &rsa_public,
            &[Algorithm::HS256]
        )),
        Err(JoseError::KeyMismatch { .. })
    ));
    let short = Jwk::from_json(r#"{"kty":"oct","k":"c2VjcmV0"}"#).unwrap();
    assert!(matches!(
        now(jws::sign_compact_with(
            &backend,
            r#"{"alg":"HS256"}"#,
            b"{}",
            &short,
            ShortHmacKeys::Refuse
        )),
        Err(JoseError::WeakHmacKey { .. })
    ));
}

// --- malformed input never panics --------------------------------------------------------------

#[test]
fn mangled_tokens_and_keys_give_errors_never_panics() {
    let a1 = case("jws/rfc7515.json", "rfc7515-a-1");
    let a2 = case("jws/rfc7515.json", "rfc7515-a-2");
    let a3 = case("jws/rfc7515.json", "rfc7515-a-3");
    let ed = vectors("jws/rfc8037.json").remove(0);
    let keys: Vec<Jwk> = [&a1, &a2, &a3, &ed].iter().map(|c| key_of(c)).collect();
    let tokens: Vec<String> = [&a1, &a2, &a3, &ed]
        .iter()
        .map(|c| c["jws"].as_str().unwrap().to_string())
        .collect();
    let mut checked = 0;
    for token in &tokens {
        let bytes = token.as_bytes();
        // Every truncation, and single-byte substitutions at a stride.
        let mut variants: Vec<Vec<u8>> = (0..bytes.len()).map(|n| bytes[..n].to_vec()).collect();
        for i in (0..bytes.len()).step_by(7) {
            for replacement in [b'.', b'=', b'A', b'_', b' ', 0xff] {
                let mut v = bytes.to_vec();
                v[i] = replacement;
                variants.push(v);
            }
        }
        for variant in variants {
            let text = String::from_utf8_lossy(&variant);
            let _ = jws::decode_unverified(&text);
            let _ = unsecured::decode(&text);
            for key in &keys {
                let _ = jws::verify_compact(&text, key, &Algorithm::ALL);
                checked += 1;
            }
        }
    }
    assert!(checked > 1000);

    // Keys with every member emptied, zeroed or nonsensical.
    for base in [&a2["jwk"], &a3["jwk"], &ed["jwk"], &a1["jwk"]] {
        for member in ["n", "e", "d", "p", "q", "dp", "dq", "qi", "x", "y", "k", "crv", "kty"] {
            for value in [
                json!(""),
                json!("AA"),
                json!("AAAA"),
                json!(null),
                json!(7),
                json!("A"),
                json!([]),
            ] {
                let mut bad = base.clone();
                if bad.get(member).is_none() && !["d", "crv"].contains(&member) {
                    continue;
                }
                bad[member] = value;
                let _ = Jwk::from_json(&bad.to_string());
            }
        }
    }
    // Degenerate RSA numbers that would make a big-number library divide by zero.
    for (n, e, d) in [
        ("AA", "AQAB", "AQ"),
        ("AQ", "AQAB", "AQ"),
        ("Aw", "Aw", "AA"),
        ("_w", "AQAB", "AA"),
    ] {
        let _ = Jwk::from_json(&json!({"kty":"RSA","n":n,"e":e,"d":d}).to_string());
    }
    // Not JSON, not objects, deep nesting.
    for text in ["", "{", "[]", "null", "\"x\"", &"[".repeat(10_000)] {
        assert!(Jwk::from_json(text).is_err());
        assert!(Jwks::from_json(text).is_err());
    }
}
