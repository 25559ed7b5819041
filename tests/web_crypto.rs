//! The two crypto backends in headless Chromium: for every algorithm, a WebCrypto signature
//! verifies under RustCrypto and a RustCrypto signature under WebCrypto; a signature with one
//! byte changed fails under both; and keys WebCrypto generates export to JWKs RustCrypto
//! signs with. (HS* runs in RustCrypto inside the WebCrypto backend too, so its rows check
//! the routing, not a second HMAC.) Imported keys are reused, and only for the same key.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use oauth_playground::jose::{
    Algorithm, CryptoBackend, EcCurve, Jwk, KeyGenSpec, KeyMaterial, KeyOperation, RustCryptoBackend,
};
use oauth_playground::ui::webcrypto::WebCryptoBackend;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::Value;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SIGNING_INPUT: &[u8] = b"eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL2FzLmV4YW1wbGUifQ";

fn rfc7515_key(id: &str) -> Jwk {
    let cases: Vec<Value> = serde_json::from_str(include_str!("vectors/jws/rfc7515.json")).unwrap();
    let case = cases.into_iter().find(|c| c["id"] == id).unwrap();
    Jwk::from_json(&case["jwk"].to_string()).unwrap()
}

/// One key per algorithm: the RFC 7515 RSA, P-256 and P-521 keys, generated ones for the rest
/// (RSA generation in wasm would dominate the test's time for nothing).
fn key_for(alg: Algorithm, rust: &RustCryptoBackend<ChaCha20Rng>) -> Jwk {
    match alg {
        Algorithm::RS256
        | Algorithm::RS384
        | Algorithm::RS512
        | Algorithm::PS256
        | Algorithm::PS384
        | Algorithm::PS512 => rfc7515_key("rfc7515-a-2"),
        Algorithm::ES256 => rfc7515_key("rfc7515-a-3"),
        Algorithm::ES512 => rfc7515_key("rfc7515-a-4"),
        _ => rust.generate_now(KeyGenSpec::for_alg(alg)).unwrap(),
    }
}

fn flip_last_byte(signature: &[u8]) -> Vec<u8> {
    let mut tampered = signature.to_vec();
    if let Some(last) = tampered.last_mut() {
        *last ^= 0x01;
    }
    tampered
}

#[wasm_bindgen_test]
async fn every_algorithm_verifies_across_backends_in_both_directions() {
    let web = WebCryptoBackend::new().unwrap();
    let rust = RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(7515));
    let mut rows =
        vec!["| alg | WebCrypto → RustCrypto | RustCrypto → WebCrypto | tampered rejected by both |".to_string()];
    for alg in Algorithm::ALL {
        let key = key_for(alg, &rust);
        let by_web = web.sign(alg, &key, SIGNING_INPUT).await.unwrap();
        let by_rust = rust.sign(alg, &key, SIGNING_INPUT).await.unwrap();
        rust.verify(alg, &key, SIGNING_INPUT, &by_web)
            .await
            .unwrap_or_else(|e| panic!("{alg:?}: WebCrypto signature refused by RustCrypto: {e}"));
        web.verify(alg, &key, SIGNING_INPUT, &by_rust)
            .await
            .unwrap_or_else(|e| panic!("{alg:?}: RustCrypto signature refused by WebCrypto: {e}"));
        for signature in [&by_web, &by_rust] {
            let tampered = flip_last_byte(signature);
            assert!(
                rust.verify(alg, &key, SIGNING_INPUT, &tampered).await.is_err(),
                "{alg:?}"
            );
            assert!(
                web.verify(alg, &key, SIGNING_INPUT, &tampered).await.is_err(),
                "{alg:?}"
            );
        }
        rows.push(format!("| {} | pass | pass | pass |", alg.name()));
    }
    console_log!("cross-backend matrix (Chromium):\n{}", rows.join("\n"));
}

#[wasm_bindgen_test]
async fn webcrypto_generated_keys_sign_with_rustcrypto() {
    let web = WebCryptoBackend::new().unwrap();
    let rust = RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(7638));
    let cases = [
        (KeyGenSpec::Rsa { bits: 2048 }, Algorithm::PS256),
        (KeyGenSpec::Ec { crv: EcCurve::P256 }, Algorithm::ES256),
        (KeyGenSpec::Ec { crv: EcCurve::P384 }, Algorithm::ES384),
        (KeyGenSpec::Ec { crv: EcCurve::P521 }, Algorithm::ES512),
        (KeyGenSpec::Ed25519, Algorithm::EdDSA),
        (KeyGenSpec::Oct { bytes: 64 }, Algorithm::HS512),
    ];
    for (spec, alg) in cases {
        let key = web.generate(spec).await.unwrap_or_else(|e| panic!("{spec:?}: {e}"));
        assert!(key.is_private(), "{spec:?} exported without its private part");
        assert_eq!(
            key.kid.as_deref(),
            Some(key.thumbprint().as_str()),
            "kid is the RFC 7638 thumbprint"
        );
        let signature = rust.sign(alg, &key, SIGNING_INPUT).await.unwrap();
        web.verify(alg, &key, SIGNING_INPUT, &signature)
            .await
            .unwrap_or_else(|e| panic!("{alg:?} with a WebCrypto {spec:?} key: {e}"));
    }
}

#[wasm_bindgen_test]
async fn the_browser_rejects_a_jws_signed_for_another_algorithm() {
    // Policy lives in `jws`, before any backend: an RS256 JWS is refused when only PS256 is
    // allowed, whichever backend would have verified it.
    let web = WebCryptoBackend::new().unwrap();
    let cases: Vec<Value> = serde_json::from_str(include_str!("vectors/jws/rfc7515.json")).unwrap();
    let a2 = cases.iter().find(|c| c["id"] == "rfc7515-a-2").unwrap();
    let key = Jwk::from_json(&a2["jwk"].to_string()).unwrap();
    let jws = a2["jws"].as_str().unwrap();
    let ok = oauth_playground::jose::jws::verify_compact_with(&web, jws, &key, &[Algorithm::RS256]).await;
    assert!(ok.is_ok(), "{ok:?}");
    let refused = oauth_playground::jose::jws::verify_compact_with(&web, jws, &key, &[Algorithm::PS256]).await;
    assert!(refused.is_err());
}

#[wasm_bindgen_test]
async fn a_key_is_imported_once_for_the_page_and_hmac_never() {
    let web = WebCryptoBackend::new().unwrap();
    let rust = RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(9));
    let key = web.generate(KeyGenSpec::Ec { crv: EcCurve::P256 }).await.unwrap();
    assert!(!web.has_imported(&key, Algorithm::ES256, KeyOperation::Sign));
    let first = web.sign(Algorithm::ES256, &key, SIGNING_INPUT).await.unwrap();
    assert!(web.has_imported(&key, Algorithm::ES256, KeyOperation::Sign));
    assert!(!web.has_imported(&key, Algorithm::ES256, KeyOperation::Verify));
    // Another backend of the same page (each panel makes its own) signs with the same import.
    let other = WebCryptoBackend::new().unwrap();
    assert!(other.has_imported(&key, Algorithm::ES256, KeyOperation::Sign));
    let second = other.sign(Algorithm::ES256, &key, SIGNING_INPUT).await.unwrap();
    for signature in [&first, &second] {
        rust.verify(Algorithm::ES256, &key, SIGNING_INPUT, signature)
            .await
            .unwrap();
    }
    let secret = rust.generate_now(KeyGenSpec::Oct { bytes: 32 }).unwrap();
    web.sign(Algorithm::HS256, &secret, SIGNING_INPUT).await.unwrap();
    assert!(!web.has_imported(&secret, Algorithm::HS256, KeyOperation::Sign));
}

#[wasm_bindgen_test]
async fn a_key_sharing_only_the_public_half_of_an_imported_one_is_not_signed_for_by_it() {
    let web = WebCryptoBackend::new().unwrap();
    let key = web.generate(KeyGenSpec::Ec { crv: EcCurve::P256 }).await.unwrap();
    let stranger = web.generate(KeyGenSpec::Ec { crv: EcCurve::P256 }).await.unwrap();
    web.sign(Algorithm::ES256, &key, SIGNING_INPUT).await.unwrap();
    let (KeyMaterial::Ec { crv, x, y, .. }, KeyMaterial::Ec { d, .. }) = (key.material.clone(), stranger.material)
    else {
        panic!("not EC keys")
    };
    // Same thumbprint as the imported key, another private scalar: built in code, so no
    // consistency check ran. The cached import must not sign for it: either WebCrypto refuses
    // the mismatched pair, or it signs with the stranger's scalar — never with `key`'s.
    let forged = Jwk::new(KeyMaterial::Ec { crv, x, y, d });
    assert_eq!(forged.thumbprint(), key.thumbprint());
    assert!(!web.has_imported(&forged, Algorithm::ES256, KeyOperation::Sign));
    if let Ok(signature) = web.sign(Algorithm::ES256, &forged, SIGNING_INPUT).await {
        let rust = RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(10));
        let by_key = rust.verify(Algorithm::ES256, &key, SIGNING_INPUT, &signature).await;
        assert!(by_key.is_err(), "signed with the cached import of another private key");
    }
}

#[wasm_bindgen_test]
async fn a_verification_key_is_imported_once_and_only_for_the_same_public_key() {
    let web = WebCryptoBackend::new().unwrap();
    let key = web.generate(KeyGenSpec::Rsa { bits: 2048 }).await.unwrap();
    let signature = web.sign(Algorithm::RS256, &key, SIGNING_INPUT).await.unwrap();
    let public = key.to_public().unwrap();
    web.verify(Algorithm::RS256, &public, SIGNING_INPUT, &signature)
        .await
        .unwrap();
    assert!(web.has_imported(&public, Algorithm::RS256, KeyOperation::Verify));
    // The private JWK names the same public key: its verification uses the same import.
    assert!(web.has_imported(&key, Algorithm::RS256, KeyOperation::Verify));
    // The cache compares public members exactly: one bit of n off is another key, imported
    // afresh, under which the signature does not verify.
    let mut other = public.clone();
    if let KeyMaterial::Rsa { n, .. } = &mut other.material {
        if let Some(last) = n.last_mut() {
            *last ^= 2;
        }
    }
    assert!(!web.has_imported(&other, Algorithm::RS256, KeyOperation::Verify));
    assert!(web
        .verify(Algorithm::RS256, &other, SIGNING_INPUT, &signature)
        .await
        .is_err());
    web.verify(Algorithm::RS256, &public, SIGNING_INPUT, &signature)
        .await
        .unwrap();
}
