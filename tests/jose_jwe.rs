//! JWE compact encryption and decryption (RFC 7516, RFC 7518 §4–§5) through the RustCrypto
//! backend: every alg × enc pair round-trips, keys are checked before any cryptography, and
//! what is refused is refused with its own error. The vectors are in `jose_jwe_vectors.rs`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use oauth_playground::jose::jwe::{self, ContentEncryption, JweOperation, KeyManagement};
use oauth_playground::jose::keygen::{self, KeyGenSpec};
use oauth_playground::jose::{base64url, EcCurve, EncryptionBackend, JoseError, Jwk, KeyMaterial, RustCryptoBackend};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::Value;

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn header(alg: KeyManagement, enc: ContentEncryption) -> String {
    format!(r#"{{"alg":"{alg}","enc":"{enc}","cty":"JWT"}}"#)
}

fn parts(token: &str) -> Vec<String> {
    token.split('.').map(str::to_string).collect()
}

#[test]
fn every_alg_and_enc_round_trips_on_every_curve() {
    let rsa = keygen::generate(KeyGenSpec::Rsa { bits: 2048 }, &mut rng(1)).unwrap();
    let plaintext = b"eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJodHRwczovL2FzLmV4YW1wbGUifQ.c2ln";
    for enc in ContentEncryption::ALL {
        for alg in KeyManagement::ALL {
            let keys: Vec<Jwk> = match alg {
                KeyManagement::RsaOaep | KeyManagement::RsaOaep256 => vec![rsa.clone()],
                a if a.is_ecdh() => [EcCurve::P256, EcCurve::P384, EcCurve::P521]
                    .into_iter()
                    .map(|crv| KeyGenSpec::Ec { crv })
                    .chain([KeyGenSpec::X25519])
                    .map(|spec| keygen::generate(spec, &mut rng(2)).unwrap())
                    .collect(),
                a => vec![keygen::generate(KeyGenSpec::for_encryption(a, enc), &mut rng(3)).unwrap()],
            };
            for key in keys {
                let recipient = key.to_public().unwrap_or_else(|_| key.clone());
                let token = jwe::encrypt_compact(&header(alg, enc), plaintext, &recipient, &mut rng(4)).unwrap();
                let p = parts(&token);
                assert_eq!(p.len(), 5);
                assert_eq!(p[1].is_empty(), !alg.has_encrypted_key(), "{alg} {enc}");
                assert_eq!(base64url::decode(&p[2], "iv").unwrap().len(), enc.iv_bytes());
                assert_eq!(base64url::decode(&p[4], "tag").unwrap().len(), enc.tag_bytes());
                let decrypted = jwe::decrypt_compact(&token, &key, &[alg], &[enc], &mut rng(5))
                    .unwrap_or_else(|e| panic!("{alg} {enc} {}: {e}", key.describe()));
                assert_eq!(decrypted.plaintext, plaintext);
                assert_eq!((decrypted.alg, decrypted.enc), (alg, enc));
                assert_eq!(decrypted.cty(), Some("JWT"));
            }
        }
    }
}

#[test]
fn the_epk_carries_only_the_public_point() {
    let key = keygen::generate(KeyGenSpec::Ec { crv: EcCurve::P384 }, &mut rng(6)).unwrap();
    let token = jwe::encrypt_compact(
        r#"{"alg":"ECDH-ES+A256KW","enc":"A256GCM"}"#,
        b"x",
        &key.to_public().unwrap(),
        &mut rng(7),
    )
    .unwrap();
    let header = jwe::decode_header(&token).unwrap();
    let epk = header["epk"].as_object().unwrap();
    let mut names: Vec<&str> = epk.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["crv", "kty", "x", "y"],
        "the ephemeral private key must never be sent"
    );
    assert_eq!(epk["crv"], "P-384");
}

#[test]
fn two_encryptions_differ_in_cek_and_iv() {
    let key = keygen::generate(KeyGenSpec::Oct { bytes: 16 }, &mut rng(8)).unwrap();
    let mut r = rng(9);
    let one = jwe::encrypt_compact(r#"{"alg":"A128KW","enc":"A128GCM"}"#, b"same", &key, &mut r).unwrap();
    let two = jwe::encrypt_compact(r#"{"alg":"A128KW","enc":"A128GCM"}"#, b"same", &key, &mut r).unwrap();
    let (one, two) = (parts(&one), parts(&two));
    assert_ne!(one[1], two[1], "encrypted key");
    assert_ne!(one[2], two[2], "IV");
}

#[test]
fn a_signing_key_is_not_an_encryption_key() {
    let mut key = keygen::generate_for(oauth_playground::jose::Algorithm::ES256, &mut rng(10)).unwrap();
    let refused = jwe::check_key(
        &key,
        KeyManagement::EcdhEs,
        ContentEncryption::A128Gcm,
        JweOperation::Encrypt,
    );
    assert!(
        matches!(&refused, Err(JoseError::KeyMismatch { found, .. }) if found.contains("alg")),
        "{refused:?}"
    );
    key.alg = None;
    let refused = jwe::check_key(
        &key,
        KeyManagement::EcdhEs,
        ContentEncryption::A128Gcm,
        JweOperation::Encrypt,
    );
    assert!(
        matches!(&refused, Err(JoseError::KeyMismatch { found, .. }) if found.contains("\"sig\"")),
        "{refused:?}"
    );
}

#[test]
fn keys_are_checked_before_any_cryptography() {
    let enc = ContentEncryption::A128CbcHs256;
    let ec = keygen::generate(KeyGenSpec::Ec { crv: EcCurve::P256 }, &mut rng(11)).unwrap();
    let check = |key: &Jwk, alg, op| jwe::check_key(key, alg, enc, op);
    // Decrypting needs the private key.
    assert!(matches!(
        check(&ec.to_public().unwrap(), KeyManagement::EcdhEs, JweOperation::Decrypt),
        Err(JoseError::PrivateKeyRequired { .. })
    ));
    // An EC key is not an RSA key; a 16-byte secret is not an A256KW key nor a dir key for a
    // 32-byte CEK (RFC 7518 §4.4, §4.5).
    assert!(matches!(
        check(&ec, KeyManagement::RsaOaep, JweOperation::Encrypt),
        Err(JoseError::KeyMismatch { alg: "RSA-OAEP", .. })
    ));
    let k16 = keygen::generate(KeyGenSpec::Oct { bytes: 16 }, &mut rng(12)).unwrap();
    assert!(check(&k16, KeyManagement::A128Kw, JweOperation::Encrypt).is_ok());
    assert!(check(&k16, KeyManagement::A256Kw, JweOperation::Encrypt).is_err());
    assert!(check(&k16, KeyManagement::Dir, JweOperation::Encrypt).is_err());
    // key_ops that allow only unwrapping do not allow encrypting to the key.
    let mut limited = k16.clone();
    limited.key_ops = Some(vec!["unwrapKey".into()]);
    assert!(check(&limited, KeyManagement::A128Kw, JweOperation::Decrypt).is_ok());
    assert!(check(&limited, KeyManagement::A128Kw, JweOperation::Encrypt).is_err());
}

#[test]
fn short_rsa_keys_are_refused() {
    // RFC 7515 A.2's key is 2048 bits; a 1024-bit key comes from the negative JWS vectors.
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/jws/negative.json")).unwrap();
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
    let case = cases.iter().find(|c| c["id"] == "rs256-with-1024-bit-key").unwrap();
    let mut members = case["jwk"].as_object().unwrap().clone();
    members.remove("alg");
    let key = Jwk::from_members(&members).unwrap();
    assert_eq!(
        jwe::check_key(
            &key,
            KeyManagement::RsaOaep256,
            ContentEncryption::A128Gcm,
            JweOperation::Encrypt
        ),
        Err(JoseError::RsaModulusTooShort {
            bits: 1024,
            min_bits: 2048
        })
    );
}

#[test]
fn only_the_allowed_alg_and_enc_are_decrypted() {
    let key = keygen::generate(KeyGenSpec::Oct { bytes: 32 }, &mut rng(13)).unwrap();
    let token = jwe::encrypt_compact(r#"{"alg":"A256KW","enc":"A256GCM"}"#, b"x", &key, &mut rng(14)).unwrap();
    let err = jwe::decrypt_compact(
        &token,
        &key,
        &[KeyManagement::A128Kw],
        &ContentEncryption::ALL,
        &mut rng(15),
    );
    assert!(matches!(err, Err(JoseError::AlgorithmNotAllowed { ref found, .. }) if found == "A256KW"));
    let err = jwe::decrypt_compact(
        &token,
        &key,
        &[KeyManagement::A256Kw],
        &[ContentEncryption::A128Gcm],
        &mut rng(15),
    );
    assert!(matches!(err, Err(JoseError::AlgorithmNotAllowed { ref found, .. }) if found == "A256GCM"));
}

#[test]
fn what_is_not_a_compact_jwe_says_so() {
    let key = keygen::generate(KeyGenSpec::Oct { bytes: 16 }, &mut rng(16)).unwrap();
    let decrypt = |t: &str| jwe::decrypt_compact(t, &key, &KeyManagement::ALL, &ContentEncryption::ALL, &mut rng(17));
    assert!(matches!(decrypt("a.b.c"), Err(JoseError::MalformedJwe(m)) if m.contains("JWS")));
    assert!(matches!(decrypt(""), Err(JoseError::MalformedJwe(_))));
    let no_enc = format!("{}.AA.AA.AA.AA", base64url::encode(br#"{"alg":"A128KW"}"#));
    assert!(matches!(decrypt(&no_enc), Err(JoseError::MalformedJwe(m)) if m.contains("enc")));
    let duplicate = format!(
        "{}.AA.AA.AA.AA",
        base64url::encode(br#"{"alg":"A128KW","alg":"dir","enc":"A128GCM"}"#)
    );
    assert!(matches!(decrypt(&duplicate), Err(JoseError::DuplicateMember { .. })));
}

#[test]
fn encrypting_refuses_what_decrypting_would_refuse() {
    let key = keygen::generate(KeyGenSpec::Oct { bytes: 16 }, &mut rng(18)).unwrap();
    let encrypt = |h: &str| jwe::encrypt_compact(h, b"x", &key, &mut rng(19));
    assert_eq!(
        encrypt(r#"{"alg":"RSA1_5","enc":"A128GCM"}"#),
        Err(JoseError::Rsa1_5Refused)
    );
    assert!(matches!(
        encrypt(r#"{"alg":"A128KW","enc":"A128GCM","zip":"DEF"}"#),
        Err(JoseError::ZipUnsupported { .. })
    ));
    assert!(matches!(
        encrypt(r#"{"alg":"A128KW","enc":"A128GCM","crit":["epk"]}"#),
        Err(JoseError::InvalidCritical { .. })
    ));
    assert!(matches!(
        encrypt(r#"{"alg":"A128KW","enc":"A192GCM"}"#),
        Err(JoseError::UnsupportedJweAlgorithm { member: "enc", .. })
    ));
}

#[test]
fn decrypted_jwe_debug_hides_the_plaintext() {
    let key = keygen::generate(KeyGenSpec::Oct { bytes: 16 }, &mut rng(20)).unwrap();
    let token = jwe::encrypt_compact(r#"{"alg":"dir","enc":"A128GCM"}"#, b"secret-claims", &key, &mut rng(21)).unwrap();
    let decrypted = jwe::decrypt_compact(
        &token,
        &key,
        &[KeyManagement::Dir],
        &[ContentEncryption::A128Gcm],
        &mut rng(22),
    )
    .unwrap();
    let shown = format!("{decrypted:?}");
    assert!(
        !shown.contains("secret-claims") && shown.contains("13 bytes"),
        "{shown}"
    );
}

#[test]
fn encryption_keys_are_generated_for_their_algorithm() {
    for (alg, enc, kty, len) in [
        (KeyManagement::A128Kw, ContentEncryption::A256Gcm, "oct", Some(16)),
        (KeyManagement::A256Kw, ContentEncryption::A128Gcm, "oct", Some(32)),
        (KeyManagement::Dir, ContentEncryption::A256CbcHs512, "oct", Some(64)),
        (KeyManagement::EcdhEsA128Kw, ContentEncryption::A128Gcm, "EC", None),
    ] {
        let key = keygen::generate_for_encryption(alg, enc, &mut rng(23)).unwrap();
        assert_eq!(key.material.kty(), kty);
        assert_eq!(key.key_use.as_deref(), Some("enc"));
        assert_eq!(key.alg.as_deref(), Some(alg.name()));
        assert_eq!(key.kid.as_deref(), Some(key.thumbprint().as_str()));
        if let (KeyMaterial::Oct { k }, Some(len)) = (&key.material, len) {
            assert_eq!(k.len(), len, "{alg} {enc}");
        }
        assert!(jwe::check_key(&key, alg, enc, JweOperation::Decrypt).is_ok());
    }
}

#[test]
fn the_public_half_of_an_encryption_key_keeps_its_public_operations() {
    let mut key = keygen::generate(KeyGenSpec::Ec { crv: EcCurve::P521 }, &mut rng(24)).unwrap();
    key.key_ops = Some(vec!["deriveKey".into(), "wrapKey".into(), "unwrapKey".into()]);
    assert_eq!(key.to_public().unwrap().key_ops, Some(vec!["wrapKey".to_string()]));
}

/// The asynchronous API over a backend gives what the synchronous one gives.
#[test]
fn the_backend_api_decrypts_what_the_sync_api_encrypted() {
    let key = keygen::generate(KeyGenSpec::Ec { crv: EcCurve::P256 }, &mut rng(25)).unwrap();
    let token = jwe::encrypt_compact(
        r#"{"alg":"ECDH-ES","enc":"A256CBC-HS512"}"#,
        b"both",
        &key,
        &mut rng(26),
    )
    .unwrap();
    let backend = RustCryptoBackend::new(rng(27));
    let future = jwe::decrypt_compact_with(
        &backend,
        &token,
        &key,
        &[KeyManagement::EcdhEs],
        &ContentEncryption::ALL,
    );
    let decrypted = first_poll(future).unwrap();
    assert_eq!(decrypted.plaintext, b"both");
}

/// RustCrypto futures complete on their first poll.
fn first_poll<T>(future: impl std::future::Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
    {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("a RustCrypto future waited"),
    }
}

/// OIDC Core §10.2: the key is the leftmost bytes of SHA-256/384/512 of the client secret.
/// Expected values computed with Python's hashlib.
#[test]
fn a_symmetric_key_is_derived_from_the_client_secret_as_oidc_core_says() {
    let secret = "a-client-secret-of-some-length-1234";
    let k = |alg, enc| match jwe::key_from_client_secret(secret, alg, enc).map(|k| k.material) {
        Ok(KeyMaterial::Oct { k }) => base64url::encode(k.expose()),
        other => panic!("expected an oct key, got {other:?}"),
    };
    use ContentEncryption::*;
    use KeyManagement::*;
    assert_eq!(k(A128Kw, A256Gcm), "btotVU7QsOOW5oxD-_zRIw");
    assert_eq!(k(A256Kw, A128Gcm), "btotVU7QsOOW5oxD-_zRI4LNnc0_5RMJ-7lJFo-xbxo");
    assert_eq!(k(Dir, A128Gcm), "btotVU7QsOOW5oxD-_zRIw");
    assert_eq!(k(Dir, A128CbcHs256), "btotVU7QsOOW5oxD-_zRI4LNnc0_5RMJ-7lJFo-xbxo");
    assert_eq!(
        k(Dir, A256CbcHs512),
        "-4uWy8auwer0txTmTda_P2mJRZ4JpWkIUj-FK3ZRzKmskl4qbACakVM6w72Cz2S1kv-sisjn_PFu0NIS0nKueg"
    );
    assert!(matches!(
        jwe::key_from_client_secret(secret, RsaOaep256, A128Gcm),
        Err(JoseError::KeyMismatch { .. })
    ));
    // The derived key encrypts and decrypts like any oct key.
    let key = jwe::key_from_client_secret(secret, A256Kw, A128CbcHs256).unwrap();
    let token = jwe::encrypt_compact(&header(A256Kw, A128CbcHs256), b"hi", &key, &mut rng(3)).unwrap();
    let back = jwe::decrypt_compact(&token, &key, &[A256Kw], &[A128CbcHs256], &mut rng(4)).unwrap();
    assert_eq!(back.plaintext, b"hi");
}

// --- X25519 (RFC 8037 §3.2: ECDH-ES with OKP keys) ---------------------------------------

/// RFC 7748 §6.1's keys, as RFC 8037 Appendix A.6 uses them: Bob is the recipient, Alice's
/// private key is the ephemeral one.
const BOB_X25519: &str = r#"{"kty":"OKP","crv":"X25519","kid":"Bob",
    "x":"3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08",
    "d":"XasIfmJKikt54X-Lg4AO5m87sSkmGLb9HC-LJ_-I4Os"}"#;
const ALICE_X25519: &str = r#"{"kty":"OKP","crv":"X25519",
    "x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo",
    "d":"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo"}"#;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// RFC 8037 Appendix A.6 (with RFC 7748 §6.1's numbers): the ephemeral key's public half is
/// "hSDw…", the shared secret Z is 4a5d9d5b…, both ways round. The key that ECDH-ES+A128KW
/// derives from that Z with no apu/apv (Concat KDF, RFC 7518 §4.6.2) was computed with
/// pyca/cryptography's ConcatKDFHash, an implementation independent of ours.
#[test]
fn x25519_agrees_as_rfc8037_appendix_a6_says() {
    let bob = Jwk::from_json(BOB_X25519).unwrap();
    let alice = Jwk::from_json(ALICE_X25519).unwrap();
    assert_eq!(bob.material.crv(), Some("X25519"));
    let backend = RustCryptoBackend::new(rng(40));
    let z = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    let by_sender = first_poll(backend.ecdh(&alice, &bob.to_public().unwrap())).unwrap();
    let by_recipient = first_poll(backend.ecdh(&bob, &alice.to_public().unwrap())).unwrap();
    assert_eq!(by_sender.expose(), z.as_slice());
    assert_eq!(by_recipient.expose(), z.as_slice());
}

/// RFC 8037 §2 / RFC 7638: the thumbprint hashes {"crv","kty","x"} only (expected value from
/// Python's hashlib over that JSON).
#[test]
fn an_x25519_key_round_trips_as_a_jwk_and_has_the_rfc8037_thumbprint() {
    let bob = Jwk::from_json(BOB_X25519).unwrap();
    assert_eq!(bob.thumbprint(), "giQqigT_IKcuzHl0FVJ3k5ts3_TWNAxvsC08UZsfcM8");
    assert_eq!(Jwk::from_json(&bob.to_json()).unwrap(), bob);
    let public: Value = serde_json::from_str(&bob.to_public().unwrap().to_json()).unwrap();
    assert_eq!(public["crv"], "X25519");
    assert!(public.get("d").is_none());
    let mut wrong_d = serde_json::from_str::<Value>(BOB_X25519).unwrap();
    wrong_d["d"] = Value::String("dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo".into());
    assert!(matches!(
        Jwk::from_json(&wrong_d.to_string()),
        Err(JoseError::KeyPairMismatch { kty: "OKP", .. })
    ));
    let generated = keygen::generate(KeyGenSpec::X25519, &mut rng(43)).unwrap();
    assert_eq!(generated.material.crv(), Some("X25519"));
    assert_eq!(Jwk::from_json(&generated.to_json()).unwrap(), generated);
}

/// An X25519 key never signs, an Ed25519 key never agrees: each is refused before any
/// cryptography, with the key named.
#[test]
fn x25519_is_for_key_agreement_and_ed25519_for_signatures_only() {
    use oauth_playground::jose::{Algorithm, CryptoBackend, KeyOperation, ShortHmacKeys};
    let x25519 = Jwk::from_json(BOB_X25519).unwrap();
    let refused = x25519.check_usable(Algorithm::EdDSA, KeyOperation::Sign, ShortHmacKeys::Refuse);
    assert!(
        matches!(&refused, Err(JoseError::KeyMismatch { found, .. }) if found.contains("X25519")),
        "{refused:?}"
    );
    let backend = RustCryptoBackend::new(rng(45));
    let signed = first_poll(backend.sign(Algorithm::EdDSA, &x25519, b"input"));
    assert!(matches!(signed, Err(JoseError::KeyMismatch { .. })), "{signed:?}");

    let ed25519 = keygen::generate(KeyGenSpec::Ed25519, &mut rng(44)).unwrap();
    for alg in [
        KeyManagement::EcdhEs,
        KeyManagement::EcdhEsA128Kw,
        KeyManagement::EcdhEsA256Kw,
    ] {
        let refused = jwe::check_key(&ed25519, alg, ContentEncryption::A128Gcm, JweOperation::Encrypt);
        assert!(
            matches!(&refused, Err(JoseError::KeyMismatch { found, .. }) if found.contains("Ed25519")),
            "{refused:?}"
        );
        jwe::check_key(&x25519, alg, ContentEncryption::A128Gcm, JweOperation::Decrypt).unwrap();
    }
    let agreed = first_poll(backend.ecdh(&ed25519, &x25519.to_public().unwrap()));
    assert!(matches!(agreed, Err(JoseError::KeyMismatch { .. })), "{agreed:?}");
}

/// An `epk` of small order makes Z all zero whatever the recipient's key (RFC 7748 §6.1):
/// refused as an `epk` problem, before any content decryption. An EC `epk` for an X25519
/// recipient is refused too.
#[test]
fn an_x25519_epk_of_small_order_or_another_type_is_refused() {
    let bob = Jwk::from_json(BOB_X25519).unwrap();
    let token = jwe::encrypt_compact(
        r#"{"alg":"ECDH-ES+A128KW","enc":"A128GCM"}"#,
        b"x",
        &bob.to_public().unwrap(),
        &mut rng(46),
    )
    .unwrap();
    let mut header = jwe::decode_header(&token).unwrap();
    assert_eq!(header["epk"]["kty"], "OKP");
    assert_eq!(header["epk"]["crv"], "X25519");
    let rest: Vec<String> = parts(&token)[1..].to_vec();
    let with_epk = |header: &serde_json::Map<String, Value>| {
        let encoded = base64url::encode(serde_json::to_string(header).unwrap().as_bytes());
        format!("{encoded}.{}", rest.join("."))
    };
    let decrypt = |token: &str| {
        jwe::decrypt_compact(
            token,
            &bob,
            &[KeyManagement::EcdhEsA128Kw],
            &[ContentEncryption::A128Gcm],
            &mut rng(47),
        )
    };
    assert_eq!(decrypt(&with_epk(&header)).unwrap().plaintext, b"x");
    let mut one = [0u8; 32];
    one[0] = 1;
    for small_order in [[0u8; 32], one] {
        header["epk"]["x"] = Value::String(base64url::encode(small_order));
        let refused = decrypt(&with_epk(&header));
        assert!(
            matches!(&refused, Err(JoseError::EpkRefused { problem }) if problem.contains("all-zero")),
            "{refused:?}"
        );
    }
    let p256 = keygen::generate(KeyGenSpec::Ec { crv: EcCurve::P256 }, &mut rng(48)).unwrap();
    header.insert(
        "epk".into(),
        serde_json::from_str(&p256.to_public().unwrap().to_json()).unwrap(),
    );
    let refused = decrypt(&with_epk(&header));
    assert!(matches!(refused, Err(JoseError::EpkRefused { .. })), "{refused:?}");
}
