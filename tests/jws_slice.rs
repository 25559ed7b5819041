//! The vertical slice's signing path, natively: the HS256 JWS of RFC 7515 Appendix A.1
//! reproduces byte for byte from its JWK, protected header and payload.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use oauth_playground::jose::{base64url, jws, Jwk};
use serde_json::Value;

fn rfc7515_a1() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/jws/rfc7515.json"))
        .expect("vector file");
    let cases: Vec<Value> = serde_json::from_str(&text).expect("vector JSON");
    cases
        .into_iter()
        .find(|c| c["id"] == "rfc7515-a-1")
        .expect("rfc7515-a-1 present")
}

#[test]
fn rfc7515_a1_reproduces_byte_for_byte() {
    let case = rfc7515_a1();
    let expected = case["jws"].as_str().expect("jws");
    let mut parts = expected.split('.');
    let header =
        String::from_utf8(base64url::decode(parts.next().expect("header"), "header").expect("b64")).expect("utf8");
    let payload = base64url::decode(parts.next().expect("payload"), "payload").expect("b64");
    let key = Jwk::from_json(&case["jwk"].to_string()).expect("jwk");

    let signed = jws::sign_compact(&header, &payload, &key, jws::ShortHmacKeys::Refuse).expect("sign");
    assert_eq!(signed, expected);

    let verified = jws::verify_compact(&signed, &key, &[jws::Algorithm::HS256]).expect("verify");
    assert_eq!(verified.payload, payload);
}

#[test]
fn rfc7515_a1_with_one_payload_byte_changed_does_not_verify() {
    let case = rfc7515_a1();
    let expected = case["jws"].as_str().expect("jws");
    let key = Jwk::from_json(&case["jwk"].to_string()).expect("jwk");
    let mut parts: Vec<&str> = expected.split('.').collect();
    let tampered_payload = base64url::encode(br#"{"iss":"eve"}"#);
    parts[1] = &tampered_payload;
    assert_eq!(
        jws::verify_compact(&parts.join("."), &key, &[jws::Algorithm::HS256]),
        Err(oauth_playground::jose::JoseError::InvalidSignature)
    );
}

#[test]
fn the_shared_vectors_agree_with_our_copy() {
    // CI checks out ../shared beside the repository; when it is there, our copy must match it.
    let shared = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/vectors/rfc.json");
    let Ok(text) = std::fs::read_to_string(shared) else {
        eprintln!("../shared/vectors/rfc.json not found; skipping the comparison");
        return;
    };
    let shared: Value = serde_json::from_str(&text).expect("shared JSON");
    let ours: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/jws/rfc7515.json")).expect("ours"),
    )
    .expect("our JSON");
    assert_eq!(shared["jws"], ours);
}
