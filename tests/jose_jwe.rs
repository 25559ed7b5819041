//! JWE compact encryption and decryption (RFC 7516, RFC 7518 §4–§5) through the RustCrypto
//! backend: every alg × enc pair round-trips, keys are checked before any cryptography, and
//! what is refused is refused with its own error. The vectors are in `jose_jwe_vectors.rs`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use oauth_playground::jose::jwe::{self, ContentEncryption, JweOperation, KeyManagement};
use oauth_playground::jose::keygen::{self, KeyGenSpec};
use oauth_playground::jose::{base64url, EcCurve, JoseError, Jwk, KeyMaterial, RustCryptoBackend};
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
                    .map(|crv| keygen::generate(KeyGenSpec::Ec { crv }, &mut rng(2)).unwrap())
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
