//! JWE across the two crypto backends in each browser `make test` drives: for every alg × enc
//! pair (ECDH-ES on P-256, P-384, P-521 and X25519), a JWE the WebCrypto backend encrypts
//! decrypts under RustCrypto and one RustCrypto encrypts decrypts under WebCrypto; a changed
//! tag is the one `DecryptionFailed` in both. The deterministic primitives (content encryption
//! with a given CEK and IV, AES key wrap, ECDH/X25519) give the same bytes in both.
//!
//! The printed matrix says per cell whether WebCrypto did the work ("pass") or the engine
//! refused a primitive as not supported and RustCrypto's fallback did it ("unsupported: …
//! (RustCrypto)", still checked, never counted as WebCrypto's). In Chromium no JWE primitive
//! may fall back.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use oauth_playground::jose::jwe::{self, ContentEncryption, KeyManagement};
use oauth_playground::jose::{
    base64url, EcCurve, EncryptionBackend, JoseError, Jwk, KeyGenSpec, KeyMaterial, RustCryptoBackend,
};
use oauth_playground::ui::webcrypto::{Operation, WebCryptoBackend};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::Value;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const PLAINTEXT: &[u8] = b"eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJodHRwczovL2FzLmV4YW1wbGUifQ.c2ln";

/// The RFC 7515 A.2 RSA-2048 key (generating RSA in wasm would dominate the test's time).
fn rsa_key() -> Jwk {
    let cases: Vec<Value> = serde_json::from_str(include_str!("vectors/jws/rfc7515.json")).unwrap();
    let case = cases.into_iter().find(|c| c["id"] == "rfc7515-a-2").unwrap();
    Jwk::from_json(&case["jwk"].to_string()).unwrap()
}

/// The engine as its user agent names it (as tests/web_crypto.rs prints it).
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

fn is_chromium() -> bool {
    engine().contains("Chrome/")
}

/// A recipient key per row: (row label, key).
fn recipients(alg: KeyManagement, enc: ContentEncryption, rust: &RustCryptoBackend<ChaCha20Rng>) -> Vec<(String, Jwk)> {
    match alg {
        KeyManagement::RsaOaep | KeyManagement::RsaOaep256 => vec![(alg.name().to_string(), rsa_key())],
        a if a.is_ecdh() => [
            KeyGenSpec::Ec { crv: EcCurve::P256 },
            KeyGenSpec::Ec { crv: EcCurve::P384 },
            KeyGenSpec::Ec { crv: EcCurve::P521 },
            KeyGenSpec::X25519,
        ]
        .into_iter()
        .map(|spec| {
            let key = rust.generate_now(spec).unwrap();
            (format!("{} {}", alg.name(), key.material.crv().unwrap()), key)
        })
        .collect(),
        a => vec![(
            alg.name().to_string(),
            rust.generate_now(KeyGenSpec::for_encryption(a, enc)).unwrap(),
        )],
    }
}

/// The WebCrypto operations a JWE with `alg`/`enc` to `key` uses, both ways.
fn operations(alg: KeyManagement, enc: ContentEncryption, key: &Jwk) -> Vec<Operation> {
    let mut ops = vec![Operation::EncryptContent(enc), Operation::DecryptContent(enc)];
    if matches!(alg, KeyManagement::RsaOaep | KeyManagement::RsaOaep256) {
        ops.extend([Operation::EncryptKey(alg), Operation::DecryptKey(alg)]);
    }
    if let Some(kek_bytes) = alg.aes_kw_bytes() {
        ops.extend([Operation::WrapKey { kek_bytes }, Operation::UnwrapKey { kek_bytes }]);
    }
    if alg.is_ecdh() {
        let crv = key.material.crv().unwrap();
        ops.push(Operation::KeyAgreement { crv });
        ops.push(Operation::Generate(match &key.material {
            KeyMaterial::Ec { crv, .. } => KeyGenSpec::Ec { crv: *crv },
            _ => KeyGenSpec::X25519,
        }));
    }
    ops
}

fn name(operation: Operation) -> String {
    match operation {
        Operation::EncryptKey(alg) => format!("encrypt key {alg}"),
        Operation::DecryptKey(alg) => format!("decrypt key {alg}"),
        Operation::WrapKey { kek_bytes } => format!("AES-KW wrap ({kek_bytes}-byte KEK)"),
        Operation::UnwrapKey { kek_bytes } => format!("AES-KW unwrap ({kek_bytes}-byte KEK)"),
        Operation::KeyAgreement { crv } => format!("key agreement {crv}"),
        Operation::EncryptContent(enc) => format!("encrypt {enc}"),
        Operation::DecryptContent(enc) => format!("decrypt {enc}"),
        Operation::Generate(spec) => format!("generate {spec:?}"),
        other => format!("{other:?}"),
    }
}

fn flip_tag(token: &str) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    let mut tag = base64url::decode(&parts[4], "tag").unwrap();
    *tag.last_mut().unwrap() ^= 0x01;
    parts[4] = base64url::encode(&tag);
    parts.join(".")
}

#[wasm_bindgen_test]
async fn every_alg_and_enc_decrypts_across_backends_in_both_directions() {
    let web = WebCryptoBackend::new().unwrap();
    let rust = RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(7516));
    let mut header_row = "| alg (key) |".to_string();
    for enc in ContentEncryption::ALL {
        header_row.push_str(&format!(" {enc} |"));
    }
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let mut fallbacks = Vec::new();
    for alg in KeyManagement::ALL {
        for (e, enc) in ContentEncryption::ALL.into_iter().enumerate() {
            for (label, key) in recipients(alg, enc, &rust) {
                let what = format!("{label} {enc}");
                let header = format!(r#"{{"alg":"{alg}","enc":"{enc}"}}"#);
                let recipient = key.to_public().unwrap_or_else(|_| key.clone());
                let by_web = jwe::encrypt_compact_with(&web, &header, PLAINTEXT, &recipient)
                    .await
                    .unwrap_or_else(|err| panic!("{what}: WebCrypto did not encrypt: {err}"));
                let by_rust = jwe::encrypt_compact_with(&rust, &header, PLAINTEXT, &recipient)
                    .await
                    .unwrap_or_else(|err| panic!("{what}: RustCrypto did not encrypt: {err}"));
                let read = jwe::decrypt_compact_with(&rust, &by_web, &key, &[alg], &[enc])
                    .await
                    .unwrap_or_else(|err| panic!("{what}: WebCrypto's JWE refused by RustCrypto: {err}"));
                assert_eq!(read.plaintext, PLAINTEXT, "{what}");
                let read = jwe::decrypt_compact_with(&web, &by_rust, &key, &[alg], &[enc])
                    .await
                    .unwrap_or_else(|err| panic!("{what}: RustCrypto's JWE refused by WebCrypto: {err}"));
                assert_eq!(read.plaintext, PLAINTEXT, "{what}");
                // A changed tag: the one error, in both backends, whoever encrypted.
                for (token, readers) in [(&by_web, "both"), (&by_rust, "WebCrypto")] {
                    let tampered = flip_tag(token);
                    let by_web_reader = jwe::decrypt_compact_with(&web, &tampered, &key, &[alg], &[enc]).await;
                    assert_eq!(by_web_reader, Err(JoseError::DecryptionFailed), "{what} ({readers})");
                    if readers == "both" {
                        let by_rust_reader = jwe::decrypt_compact_with(&rust, &tampered, &key, &[alg], &[enc]).await;
                        assert_eq!(by_rust_reader, Err(JoseError::DecryptionFailed), "{what}");
                    }
                }
                let fell_back: Vec<String> = operations(alg, enc, &key)
                    .into_iter()
                    .filter(|op| web.fell_back(*op))
                    .map(name)
                    .collect();
                let cell = if fell_back.is_empty() {
                    "pass".to_string()
                } else {
                    fallbacks.push(format!("{what}: {}", fell_back.join(", ")));
                    format!("unsupported: {} (RustCrypto)", fell_back.join(", "))
                };
                match rows.iter_mut().find(|(l, _)| *l == label) {
                    Some((_, cells)) => cells[e] = cell,
                    None => {
                        let mut cells = vec![String::new(); ContentEncryption::ALL.len()];
                        cells[e] = cell;
                        rows.push((label, cells));
                    }
                }
            }
        }
    }
    let mut table = vec![header_row];
    for (label, cells) in rows {
        table.push(format!("| {label} | {} |", cells.join(" | ")));
    }
    console_log!(
        "JWE cross-backend matrix ({}): WebCrypto encrypts → RustCrypto decrypts, RustCrypto encrypts → \
         WebCrypto decrypts, changed tag refused by both\n{}",
        engine(),
        table.join("\n")
    );
    if is_chromium() {
        assert!(fallbacks.is_empty(), "Chromium fell back to RustCrypto: {fallbacks:?}");
    }
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// With the same CEK and IV, WebCrypto's AES-GCM and AES-CBC (+ Rust's HMAC) give the same
/// ciphertext and tag as RustCrypto's (RFC 7518 Appendix B.1's AES_128_CBC_HMAC_SHA_256 case
/// among them); AES key wrap gives the same bytes (RFC 3394 §4.1's 128-bit KEK case).
#[wasm_bindgen_test]
async fn deterministic_primitives_give_the_same_bytes_in_both_backends() {
    let web = WebCryptoBackend::new().unwrap();
    let rust = RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(3394));
    // RFC 7518 B.1.
    let key = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    let iv = hex("1af38c2dc2b96ffdd86694092341bc04");
    let aad = b"The second principle of Auguste Kerckhoffs";
    let plaintext = b"A cipher system must not be required to be secret, and it must be able to fall into the hands of the enemy without inconvenience";
    let (ciphertext, tag) = web
        .encrypt_content(ContentEncryption::A128CbcHs256, &key, &iv, aad, plaintext)
        .await
        .unwrap();
    assert_eq!(tag, hex("652c3fa36b0a7c5b3219fab3a30bc1c4"), "RFC 7518 B.1 tag");
    assert_eq!(
        rust.encrypt_content(ContentEncryption::A128CbcHs256, &key, &iv, aad, plaintext)
            .await
            .unwrap(),
        (ciphertext.clone(), tag.clone())
    );
    // Changing the last ciphertext byte (the padding block): refused at the tag, before any
    // unpadding, by both.
    let mut changed = ciphertext.clone();
    *changed.last_mut().unwrap() ^= 1;
    for backend_result in [
        web.decrypt_content(ContentEncryption::A128CbcHs256, &key, &iv, aad, &changed, &tag)
            .await,
        rust.decrypt_content(ContentEncryption::A128CbcHs256, &key, &iv, aad, &changed, &tag)
            .await,
    ] {
        assert_eq!(backend_result, Err(JoseError::DecryptionFailed));
    }
    for enc in ContentEncryption::ALL {
        let cek = rust.random_bytes(enc.cek_bytes()).unwrap();
        let iv = web.random_bytes(enc.iv_bytes()).unwrap();
        let a = web
            .encrypt_content(enc, cek.expose(), iv.expose(), aad, plaintext)
            .await
            .unwrap();
        let b = rust
            .encrypt_content(enc, cek.expose(), iv.expose(), aad, plaintext)
            .await
            .unwrap();
        assert_eq!(a, b, "{enc}");
        let mut wrong_aad = aad.to_vec();
        wrong_aad[0] ^= 1;
        assert_eq!(
            web.decrypt_content(enc, cek.expose(), iv.expose(), &wrong_aad, &a.0, &a.1)
                .await,
            Err(JoseError::DecryptionFailed),
            "{enc}"
        );
    }
    // RFC 3394 §4.1: 128 bits of key data wrapped with a 128-bit KEK.
    let kek = hex("000102030405060708090a0b0c0d0e0f");
    let data = hex("00112233445566778899aabbccddeeff");
    let wrapped = web.aes_kw_wrap(&kek, &data).await.unwrap();
    assert_eq!(wrapped, hex("1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5"));
    assert_eq!(rust.aes_kw_wrap(&kek, &data).await.unwrap(), wrapped);
    assert_eq!(
        web.aes_kw_unwrap(&kek, &wrapped).await.unwrap().expose(),
        data.as_slice()
    );
    let mut bad = wrapped.clone();
    bad[0] ^= 1;
    assert_eq!(web.aes_kw_unwrap(&kek, &bad).await, Err(JoseError::DecryptionFailed));
    assert_eq!(rust.aes_kw_unwrap(&kek, &bad).await, Err(JoseError::DecryptionFailed));
}

/// RFC 7748 §6.1 / RFC 8037 A.6: WebCrypto's X25519 agrees on the RFC's shared secret, both
/// ways; an `epk` of small order (all-zero secret) is refused the same way by both backends.
#[wasm_bindgen_test]
async fn x25519_agrees_with_rfc7748_and_refuses_small_order_points_in_both_backends() {
    let web = WebCryptoBackend::new().unwrap();
    let rust = RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(7748));
    let bob = Jwk::from_json(
        r#"{"kty":"OKP","crv":"X25519","x":"3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08",
            "d":"XasIfmJKikt54X-Lg4AO5m87sSkmGLb9HC-LJ_-I4Os"}"#,
    )
    .unwrap();
    let alice = Jwk::from_json(
        r#"{"kty":"OKP","crv":"X25519","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo",
            "d":"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo"}"#,
    )
    .unwrap();
    let z = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    let by_alice = web.ecdh(&alice, &bob.to_public().unwrap()).await.unwrap();
    let by_bob = web.ecdh(&bob, &alice.to_public().unwrap()).await.unwrap();
    assert_eq!(by_alice.expose(), z.as_slice());
    assert_eq!(by_bob.expose(), z.as_slice());
    let small_order =
        Jwk::from_json(r#"{"kty":"OKP","crv":"X25519","x":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#).unwrap();
    let refused_by_web = web.ecdh(&bob, &small_order).await;
    let refused_by_rust = rust.ecdh(&bob, &small_order).await;
    assert!(
        matches!(refused_by_web, Err(JoseError::EpkRefused { .. })),
        "{refused_by_web:?}"
    );
    assert_eq!(refused_by_web, refused_by_rust);
    console_log!(
        "X25519 in {}: {}",
        engine(),
        if web.fell_back(Operation::KeyAgreement { crv: "X25519" }) {
            "unsupported (RustCrypto)"
        } else {
            "WebCrypto"
        }
    );
}
