//! The data-driven JWE vector harness: every `tests/vectors/jwe/*.json` file is an array of
//! `{"id", "source", "alg", "enc", "jwk", "jwe", "plaintext", "valid"}` cases (`jwk` the
//! recipient's private key, `plaintext` base64url, null when `valid` is false).
//!
//! For each case: decrypt `jwe` with `jwk`, allowing only the case's `alg` and `enc`. A valid
//! case must give exactly `plaintext`, and the same plaintext encrypted by us to the same key
//! must decrypt again; an invalid case must be refused (an error, never a panic). An
//! algorithm we do not implement is a listed skip, never a silent pass. Dropping a new file
//! into the folder adds its cases; `generate.py` there writes them.
//!
//! See the per-file counts with `cargo test --test jose_jwe_vectors -- --nocapture`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use oauth_playground::jose::jwe::{self, ContentEncryption, KeyManagement};
use oauth_playground::jose::{base64url, JoseError, Jwk};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::Value;

mod vector_files;

use vector_files::{cases, Outcome};

fn cases_of(file: &str) -> Vec<Value> {
    cases("jwe", file)
}

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(7516)
}

/// Decrypts a case the way the harness does: only its own `alg` and `enc` allowed.
fn decrypt(case: &Value) -> Result<jwe::DecryptedJwe, JoseError> {
    let alg = KeyManagement::from_name(case["alg"].as_str().unwrap_or_default())?;
    let enc = ContentEncryption::from_name(case["enc"].as_str().unwrap_or_default())?;
    let key = Jwk::from_json(&case["jwk"].to_string())?;
    jwe::decrypt_compact(
        case["jwe"].as_str().unwrap_or_default(),
        &key,
        &[alg],
        &[enc],
        &mut rng(),
    )
}

fn run_case(case: &Value) -> Outcome {
    let valid = case["valid"].as_bool().ok_or("\"valid\" is not a boolean")?;
    let token = case["jwe"].as_str().ok_or("\"jwe\" is not a string")?;
    match (decrypt(case), valid) {
        (Err(_), false) => Ok(None),
        (Ok(_), false) => Err("decrypted, but the vector says it is invalid".into()),
        (Err(e @ JoseError::UnsupportedJweAlgorithm { .. }), true) => Ok(Some(e.to_string())),
        (Err(e), true) => Err(format!("did not decrypt: {e}")),
        (Ok(decrypted), true) => {
            let expected = base64url::decode(case["plaintext"].as_str().ok_or("no plaintext")?, "plaintext")
                .map_err(|e| e.to_string())?;
            if decrypted.plaintext != expected {
                return Err("decrypted to a different plaintext".into());
            }
            // Our own encryption to the same key, under the same alg and enc, decrypts too.
            let key = Jwk::from_json(&case["jwk"].to_string()).map_err(|e| e.to_string())?;
            let recipient = key.to_public().unwrap_or_else(|_| key.clone());
            let header = format!(r#"{{"alg":"{}","enc":"{}"}}"#, decrypted.alg, decrypted.enc);
            let ours = jwe::encrypt_compact(&header, &expected, &recipient, &mut rng())
                .map_err(|e| format!("encrypting to the vector's key failed: {e}"))?;
            if ours == token {
                return Err("our JWE equals the vector's: the CEK or IV is not random".into());
            }
            let again = jwe::decrypt_compact(&ours, &key, &[decrypted.alg], &[decrypted.enc], &mut rng())
                .map_err(|e| format!("our own JWE did not decrypt: {e}"))?;
            if again.plaintext != expected {
                return Err("our own JWE decrypted to a different plaintext".into());
            }
            Ok(None)
        }
    }
}

#[test]
fn every_jwe_vector_file_passes() {
    vector_files::run_every_file("jwe", run_case, |cases| {
        let valid = cases.iter().filter(|c| c["valid"] == true).count();
        format!(" ({valid} valid, {} invalid)", cases.len() - valid)
    });
}

/// Each invalid case is refused for its own reason, not by accident of a malformed file.
#[test]
fn invalid_vectors_are_refused_for_the_stated_reason() {
    let mut all = cases_of("jwcrypto.json");
    all.extend(cases_of("rfc7516.json"));
    all.extend(cases_of("rfc7520.json"));
    let error_of = |id: &str| -> JoseError {
        let case = all
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("{id} present"));
        assert_eq!(case["valid"], false, "{id}");
        decrypt(case).expect_err(id)
    };
    for case in all.iter().filter(|c| c["valid"] == false) {
        let id = case["id"].as_str().unwrap();
        println!("{id}: {}", error_of(id));
    }
    for id in ["rsa1_5", "rfc7516-a-2", "rfc7520-5-1"] {
        assert_eq!(error_of(id), JoseError::Rsa1_5Refused, "{id}");
    }
    for id in ["epk-off-curve", "epk-on-another-curve", "epk-missing"] {
        assert!(matches!(error_of(id), JoseError::EpkRefused { .. }), "{id}");
    }
    assert!(error_of("epk-on-another-curve").to_string().contains("P-384"));
    for id in ["zip-def", "rfc7520-5-9"] {
        assert_eq!(error_of(id), JoseError::ZipUnsupported { found: "DEF".into() }, "{id}");
    }
    assert_eq!(
        error_of("unknown-crit"),
        JoseError::UnsupportedCritical {
            names: vec!["urn:example:unknown".into()]
        }
    );
    assert!(matches!(
        error_of("ecdh-es-with-encrypted-key"),
        JoseError::MalformedJwe(_)
    ));
    assert!(matches!(
        error_of("dir-key-wrong-length"),
        JoseError::KeyMismatch { alg: "dir", .. }
    ));
    for id in [
        "tag-flipped-a256gcm",
        "ciphertext-flipped-a256gcm",
        "iv-flipped-a256gcm",
        "encrypted-key-flipped-rsa-oaep",
        "tag-truncated-a256gcm",
        "wrong-recipient-rsa",
        "aad-changed-header-reencoded",
        "tag-flipped-a128cbc-hs256",
        "ciphertext-last-block-flipped-a128cbc-hs256",
        "encrypted-key-flipped-a128kw",
        "wrong-kw-key",
    ] {
        assert_eq!(error_of(id), JoseError::DecryptionFailed, "{id}");
    }
}

/// What an attacker sees for a changed tag, ciphertext, IV, encrypted key or header is the
/// same error with the same text: nothing to steer a padding or format oracle by.
#[test]
fn every_decryption_failure_reads_the_same() {
    let all = cases_of("jwcrypto.json");
    let messages: Vec<String> = all
        .iter()
        .filter(|c| c["valid"] == false)
        .filter_map(|c| match decrypt(c) {
            Err(e @ JoseError::DecryptionFailed) => Some(format!("{e} / {e:?}")),
            _ => None,
        })
        .collect();
    assert!(messages.len() >= 10, "{messages:?}");
    assert!(messages.iter().all(|m| *m == messages[0]), "{messages:?}");
}

/// The RFC 7520 and RFC 7516 cases cover each alg/enc pair they name; the generated file
/// covers every pair this implementation supports, on every curve.
#[test]
fn the_generated_file_covers_every_alg_enc_pair() {
    let all = cases_of("jwcrypto.json");
    for alg in KeyManagement::ALL {
        for enc in ContentEncryption::ALL {
            let n = all
                .iter()
                .filter(|c| c["valid"] == true && c["alg"] == alg.name() && c["enc"] == enc.name())
                .count();
            let want = if alg.is_ecdh() { 3 } else { 1 };
            assert!(n >= want, "{alg} {enc}: {n} valid cases, want {want}");
        }
    }
}

/// The X25519 file (RFC 8037 §3.2): the cookbook's Curve25519 JWE and jwcrypto's decrypt; a
/// small-order `epk` is refused as such (all-zero shared secret, RFC 7748 §6.1), before any
/// content decryption; a changed tag or another key is the one `DecryptionFailed`.
#[test]
fn x25519_vectors_are_refused_for_the_stated_reason() {
    let all = cases_of("x25519.json");
    let error_of = |id: &str| -> JoseError {
        let case = all
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("{id} present"));
        assert_eq!(case["valid"], false, "{id}");
        decrypt(case).expect_err(id)
    };
    for id in ["x25519-epk-small-order-zero", "x25519-epk-small-order-one"] {
        let error = error_of(id);
        assert!(
            matches!(&error, JoseError::EpkRefused { problem } if problem.contains("all-zero")),
            "{id}: {error}"
        );
    }
    for id in ["x25519-tag-flipped", "x25519-wrong-recipient"] {
        assert_eq!(error_of(id), JoseError::DecryptionFailed, "{id}");
    }
    for alg in [
        KeyManagement::EcdhEs,
        KeyManagement::EcdhEsA128Kw,
        KeyManagement::EcdhEsA256Kw,
    ] {
        for enc in ContentEncryption::ALL {
            assert!(
                all.iter().any(|c| c["valid"] == true
                    && c["alg"] == alg.name()
                    && c["enc"] == enc.name()
                    && c["jwk"]["crv"] == "X25519"),
                "{alg} {enc} with X25519"
            );
        }
    }
}
