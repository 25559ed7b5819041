//! The two crypto backends in each browser `make test` drives (Chromium, Firefox, WebKit):
//! for every algorithm, a WebCrypto signature verifies under RustCrypto and a RustCrypto
//! signature under WebCrypto; a signature with one byte changed fails under both; and keys WebCrypto generates export to JWKs RustCrypto
//! signs with. (HS* runs in RustCrypto inside the WebCrypto backend too, so its rows check
//! the routing, not a second HMAC.) Imported keys are reused, and only for the same key.
//! An algorithm the engine lacks shows as "unsupported (RustCrypto)" in the printed matrix:
//! the backend's fallback did the work, which is still checked, but never counted as WebCrypto's.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use oauth_playground::jose::{
    Algorithm, CryptoBackend, EcCurve, Jwk, KeyGenSpec, KeyMaterial, KeyOperation, RustCryptoBackend,
};
use oauth_playground::ui::webcrypto::{Operation, WebCryptoBackend};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::Value;
use wasm_bindgen::JsValue;
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

/// The engine as its user agent names it, for the printed matrices: "Firefox/153.0",
/// "HeadlessChrome/…", or WebKit's "Version/… Safari/…" (WebKitGTK says it is Safari).
fn engine() -> String {
    let agent = web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    let token = |name: &str| agent.split(' ').find(|t| t.starts_with(name)).map(str::to_string);
    token("Firefox/")
        .or_else(|| token("HeadlessChrome/"))
        .or_else(|| token("Chrome/"))
        .or_else(|| token("AppleWebKit/").map(|webkit| format!("WebKit ({webkit})")))
        .unwrap_or(agent)
}

/// A matrix cell: "pass" when WebCrypto did the work, "unsupported (RustCrypto)" when the
/// engine refused the algorithm and the backend's fallback did it (and it still passed).
fn cell(web: &WebCryptoBackend, operation: Operation) -> &'static str {
    if web.fell_back(operation) {
        "unsupported (RustCrypto)"
    } else {
        "pass"
    }
}

#[wasm_bindgen_test]
async fn every_algorithm_verifies_across_backends_in_both_directions() {
    let web = WebCryptoBackend::new().unwrap();
    let rust = RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(7515));
    let mut rows =
        vec!["| alg | WebCrypto signs, RustCrypto verifies | RustCrypto signs, WebCrypto verifies | tampered rejected by both |".to_string()];
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
        // HS* never reaches WebCrypto (the backend's HMAC is RustCrypto's, by design).
        let routed = |operation| match alg {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => "pass (RustCrypto by design)",
            _ => cell(&web, operation),
        };
        rows.push(format!(
            "| {} | {} | {} | pass |",
            alg.name(),
            routed(Operation::Sign(alg)),
            routed(Operation::Verify(alg)),
        ));
    }
    console_log!("cross-backend matrix ({}):\n{}", engine(), rows.join("\n"));
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
    let mut rows = vec!["| key | generated by WebCrypto, signed by RustCrypto, verified by WebCrypto |".to_string()];
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
        rows.push(format!("| {spec:?} | {} |", cell(&web, Operation::Generate(spec))));
    }
    console_log!("key generation ({}):\n{}", engine(), rows.join("\n"));
}

/// The primitives JWE (RFC 7518 §4 and §5) and DPoP will ask WebCrypto for, probed with
/// `generateKey`: an engine either makes the key or refuses with `NotSupportedError` (WebCrypto
/// §18.4: an unrecognised algorithm name or curve). Any other error means our parameters or
/// the engine are wrong, and fails.
#[wasm_bindgen_test]
async fn webcrypto_primitives_for_jwe_and_dpop_are_present_or_refused_as_not_supported() {
    use js_sys::{Array, Object, Reflect, Uint8Array};
    let subtle = web_sys::window().unwrap().crypto().unwrap().subtle();
    let params = |members: &[(&str, JsValue)]| {
        let o = Object::new();
        for (name, value) in members {
            Reflect::set(&o, &(*name).into(), value).unwrap();
        }
        o
    };
    let sign = || Array::of2(&"sign".into(), &"verify".into());
    let derive = || Array::of1(&"deriveBits".into());
    let rsa_oaep = params(&[
        ("name", "RSA-OAEP".into()),
        ("modulusLength", 2048.into()),
        ("publicExponent", Uint8Array::from(&[1u8, 0, 1][..]).into()),
        ("hash", "SHA-256".into()),
    ]);
    let probes = [
        ("Ed25519 (EdDSA, DPoP)", params(&[("name", "Ed25519".into())]), sign()),
        (
            "ECDSA P-521 (ES512)",
            params(&[("name", "ECDSA".into()), ("namedCurve", "P-521".into())]),
            sign(),
        ),
        ("X25519 (ECDH-ES)", params(&[("name", "X25519".into())]), derive()),
        (
            "ECDH P-256 (ECDH-ES)",
            params(&[("name", "ECDH".into()), ("namedCurve", "P-256".into())]),
            derive(),
        ),
        (
            "ECDH P-521 (ECDH-ES)",
            params(&[("name", "ECDH".into()), ("namedCurve", "P-521".into())]),
            derive(),
        ),
        (
            "RSA-OAEP SHA-256 (RSA-OAEP-256)",
            rsa_oaep,
            Array::of2(&"encrypt".into(), &"decrypt".into()),
        ),
        (
            "AES-GCM 256 (A256GCM)",
            params(&[("name", "AES-GCM".into()), ("length", 256.into())]),
            Array::of2(&"encrypt".into(), &"decrypt".into()),
        ),
        (
            "AES-KW 256 (A256KW)",
            params(&[("name", "AES-KW".into()), ("length", 256.into())]),
            Array::of2(&"wrapKey".into(), &"unwrapKey".into()),
        ),
    ];
    let mut rows = vec!["| primitive | generateKey |".to_string()];
    for (name, params, usages) in probes {
        let outcome = match subtle.generate_key_with_object(&params, true, &usages) {
            Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise).await,
            Err(e) => Err(e),
        };
        let verdict = match outcome {
            Ok(_) => "supported",
            Err(e) => {
                let error_name = Reflect::get(&e, &"name".into()).ok().and_then(|n| n.as_string());
                assert_eq!(
                    error_name.as_deref(),
                    Some("NotSupportedError"),
                    "{name}: refused with something other than NotSupportedError: {e:?}"
                );
                "unsupported"
            }
        };
        rows.push(format!("| {name} | {verdict} |"));
    }
    console_log!("WebCrypto primitives ({}):\n{}", engine(), rows.join("\n"));
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

/// DPoP proofs (RFC 9449 §4.2) across the backends: a proof the client signs through WebCrypto
/// with a key WebCrypto generated passes the in-page server's check of its signature by its own
/// `jwk` header (RustCrypto, §4.3 point 6) with the key's RFC 7638 thumbprint, and a proof signed
/// by RustCrypto verifies under WebCrypto with the public key its header carries.
#[wasm_bindgen_test]
async fn dpop_proofs_signed_by_one_backend_verify_under_the_other() {
    use oauth_playground::jose::jws::decode_unverified;
    use oauth_playground::mock_as::crypto::verify_with_embedded_key;
    use oauth_playground::oauth::dpop::{DpopKey, DpopProof};

    let web = WebCryptoBackend::new().unwrap();
    let rust = RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(9449));
    let cases = [
        (KeyGenSpec::Ec { crv: EcCurve::P256 }, Algorithm::ES256),
        (KeyGenSpec::Rsa { bits: 2048 }, Algorithm::PS256),
        (KeyGenSpec::Rsa { bits: 2048 }, Algorithm::RS256),
        (KeyGenSpec::Ed25519, Algorithm::EdDSA),
    ];
    let mut rows = vec!["| alg | WebCrypto proof, RustCrypto check | RustCrypto proof, WebCrypto check |".to_string()];
    for (spec, alg) in cases {
        let private = web.generate(spec).await.unwrap_or_else(|e| panic!("{spec:?}: {e}"));
        let key = DpopKey::new(private, alg).unwrap();
        let proof = DpopProof::new(
            "POST",
            "https://as.example/token?x=1",
            1_800_000_000,
            format!("jti-{}", alg.name()),
        )
        .access_token("an-access-token")
        .nonce(Some("server-nonce"));
        for (signer, checker) in [("WebCrypto", "RustCrypto"), ("RustCrypto", "WebCrypto")] {
            let signed = if signer == "WebCrypto" {
                proof.sign(&key, &web).await
            } else {
                proof.sign(&key, &rust).await
            };
            let compact = signed.unwrap_or_else(|e| panic!("{alg:?} signed by {signer}: {e}"));
            let decoded = decode_unverified(&compact).unwrap();
            assert_eq!(decoded.header["typ"], "dpop+jwt");
            let jwk = decoded.header["jwk"].as_object().unwrap().clone();
            // The header carries the public key only.
            assert!(
                ["d", "p", "q", "dp", "dq", "qi"].iter().all(|m| !jwk.contains_key(*m)),
                "{alg:?}"
            );
            if checker == "RustCrypto" {
                let jkt = verify_with_embedded_key(&compact, &jwk, alg.name())
                    .unwrap_or_else(|_| panic!("{alg:?}: a WebCrypto proof refused by the server's check"));
                assert_eq!(jkt, key.jkt(), "{alg:?}: the proof's key is not the DPoP key");
            } else {
                let (input, signature) = compact.rsplit_once('.').unwrap();
                let signature = oauth_playground::jose::base64url::decode(signature, "proof signature").unwrap();
                let public = Jwk::from_json(&serde_json::Value::Object(jwk).to_string()).unwrap();
                web.verify(alg, &public, input.as_bytes(), &signature)
                    .await
                    .unwrap_or_else(|e| panic!("{alg:?}: a RustCrypto proof refused by WebCrypto: {e}"));
                let tampered = flip_last_byte(&signature);
                assert!(
                    web.verify(alg, &public, input.as_bytes(), &tampered).await.is_err(),
                    "{alg:?}"
                );
            }
        }
        rows.push(format!(
            "| {} | {} | {} |",
            alg.name(),
            cell(&web, Operation::Sign(alg)),
            cell(&web, Operation::Verify(alg))
        ));
    }
    console_log!("DPoP proofs across backends ({}):\n{}", engine(), rows.join("\n"));
}
