//! Keys: JWK import/export, RFC 7638 thumbprints, the RFC 7520 §3 JWKs, PEM files written by
//! OpenSSL, PEM round trips, precise import errors, redaction, JWKS and key selection, and
//! key generation.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use oauth_playground::jose::keygen::{self, KeyGenSpec};
use oauth_playground::jose::{
    base64url, jws, Algorithm, EcCurve, JoseError, Jwk, Jwks, KeyMaterial, KeyQuery, ShortHmacKeys,
};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};

fn vectors(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(format!("{}/tests/vectors/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn rfc7515(id: &str) -> Value {
    vectors("jws/rfc7515.json").into_iter().find(|c| c["id"] == id).unwrap()["jwk"].clone()
}

fn jwk(value: &Value) -> Result<Jwk, JoseError> {
    Jwk::from_json(&value.to_string())
}

fn with(mut value: Value, member: &str, new: &str) -> Value {
    value[member] = Value::from(new);
    value
}

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

// --- thumbprints and the RFC 7520 §3 keys --------------------------------------------------

#[test]
fn rfc7638_thumbprint_matches_section_3_1() {
    for case in vectors("jwk/rfc7638.json") {
        let key = jwk(&case["jwk"]).unwrap();
        assert_eq!(
            key.thumbprint(),
            case["thumbprint_sha256"].as_str().unwrap(),
            "{}",
            case["id"]
        );
    }
}

#[test]
fn thumbprint_is_the_default_kid_and_an_existing_kid_is_kept() {
    let case = &vectors("jwk/rfc7638.json")[0];
    let mut members = case["jwk"].clone();
    members.as_object_mut().unwrap().remove("kid");
    let key = jwk(&members).unwrap().with_thumbprint_kid();
    assert_eq!(key.kid.as_deref(), case["thumbprint_sha256"].as_str());
    assert_eq!(
        jwk(&case["jwk"]).unwrap().with_thumbprint_kid().kid.as_deref(),
        Some("2011-04-29")
    );
}

#[test]
fn thumbprints_of_ec_okp_and_oct_keys_use_their_required_members_only() {
    // RFC 8037 A.3: the thumbprint of the A.1 Ed25519 key.
    let ed = jwk(&vectors("jws/rfc8037.json")[0]["jwk"]).unwrap();
    assert_eq!(ed.thumbprint(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    // A private key and its public half share the thumbprint.
    let ec = jwk(&rfc7515("rfc7515-a-3")).unwrap();
    assert_eq!(ec.thumbprint(), ec.to_public().unwrap().thumbprint());
}

#[test]
fn rfc7520_section_3_jwks_import_or_say_why_not() {
    for case in vectors("jwk/rfc7520.json") {
        let id = case["id"].as_str().unwrap();
        match (jwk(&case["jwk"]), case["error"].as_str()) {
            (Ok(key), None) => {
                // Export reproduces every member of the published key.
                let exported: Value = serde_json::from_str(&key.to_json()).unwrap();
                assert_eq!(exported, case["jwk"], "{id}");
            }
            (Err(e), Some(expected)) => assert!(e.to_string().contains(expected), "{id}: {e}"),
            (Ok(_), Some(expected)) => panic!("{id} imported, expected an error containing {expected:?}"),
            (Err(e), None) => panic!("{id} did not import: {e}"),
        }
    }
}

#[test]
fn unknown_curve_is_refused_naming_the_curve_and_the_supported_ones() {
    let mut members = vectors("jwk/rfc7520.json")[1]["jwk"].clone();
    members["crv"] = "secp256k1".into();
    assert_eq!(
        jwk(&members),
        Err(JoseError::UnsupportedCurve {
            kty: "EC",
            found: "secp256k1".into(),
            supported: "P-256, P-384, P-521"
        })
    );
}

// --- PEM ------------------------------------------------------------------------------------

#[test]
fn pem_files_written_by_openssl_import_as_the_jwk_node_exports() {
    let cases = vectors("jwk/pem-openssl.json");
    let mut imported = 0;
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let result = Jwk::from_pem(case["pem"].as_str().unwrap());
        match (&result, case.get("jwk"), case["error"].as_str()) {
            (Ok(key), Some(expected), None) => {
                assert_eq!(key.material, jwk(expected).unwrap().material, "{id}");
                assert_eq!(key.kid.as_deref(), Some(key.thumbprint().as_str()), "{id}: default kid");
                imported += 1;
            }
            (Err(e), None, Some(expected)) => assert!(e.to_string().contains(expected), "{id}: {e}"),
            _ => panic!("{id}: unexpected {result:?}"),
        }
    }
    assert_eq!(imported, 14);
}

#[test]
fn pem_round_trips_through_pkcs8_and_spki_for_every_key_type() {
    let mut keys = vec![
        jwk(&rfc7515("rfc7515-a-2")).unwrap(),
        jwk(&rfc7515("rfc7515-a-3")).unwrap(),
        jwk(&vectors("jws/rfc8037.json")[0]["jwk"]).unwrap(),
    ];
    let mut rng = rng(1);
    keys.push(keygen::generate(KeyGenSpec::Ec { crv: EcCurve::P384 }, &mut rng).unwrap());
    keys.push(keygen::generate(KeyGenSpec::Ed25519, &mut rng).unwrap());
    for key in keys {
        let private_pem = key.to_pkcs8_pem().unwrap();
        assert!(private_pem.expose().starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert_eq!(
            Jwk::from_pem(private_pem.expose()).unwrap().material,
            key.material,
            "{key}"
        );

        let public_pem = key.to_spki_pem().unwrap();
        assert!(public_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        let public = Jwk::from_pem(&public_pem).unwrap();
        assert_eq!(public.material, key.to_public().unwrap().material, "{key}");
        assert!(!public.is_private());
        // Exporting the public key of a public-only JWK works too; PKCS#8 needs the private part.
        assert_eq!(public.to_spki_pem().unwrap(), public_pem);
        assert!(matches!(
            public.to_pkcs8_pem(),
            Err(JoseError::PrivateKeyRequired { .. })
        ));
    }
}

#[test]
fn pem_export_matches_what_openssl_wrote() {
    // The PKCS#8 text OpenSSL wrote for an EC key is the same DER we write back.
    let case = vectors("jwk/pem-openssl.json")
        .into_iter()
        .find(|c| c["id"] == "p256-pkcs8")
        .unwrap();
    let pem = case["pem"].as_str().unwrap();
    let spki = vectors("jwk/pem-openssl.json")
        .into_iter()
        .find(|c| c["id"] == "p256-spki")
        .unwrap();
    let key = Jwk::from_pem(pem).unwrap();
    assert_eq!(key.to_spki_pem().unwrap(), spki["pem"].as_str().unwrap());
}

#[test]
fn oct_keys_have_no_public_half_and_no_pem_form() {
    let key = jwk(&rfc7515("rfc7515-a-1")).unwrap();
    assert_eq!(
        key.to_public(),
        Err(JoseError::SymmetricKey {
            operation: "public part"
        })
    );
    assert_eq!(
        key.to_spki_pem(),
        Err(JoseError::SymmetricKey { operation: "PEM form" })
    );
    assert!(key.to_pkcs8_pem().is_err());
}

// --- import errors --------------------------------------------------------------------------

#[test]
fn ec_point_not_on_the_curve_is_refused() {
    let a3 = rfc7515("rfc7515-a-3");
    let mut y = base64url::decode(a3["y"].as_str().unwrap(), "y").unwrap();
    y[31] ^= 1;
    let err = jwk(&with(a3, "y", &base64url::encode(&y))).unwrap_err();
    assert_eq!(
        err,
        JoseError::JwkMember {
            member: "y",
            problem: "the point (x, y) is not on the curve P-256".into()
        }
    );
}

#[test]
fn ec_private_key_that_is_not_the_points_scalar_is_refused() {
    let a3 = rfc7515("rfc7515-a-3");
    let other = keygen::generate(KeyGenSpec::Ec { crv: EcCurve::P256 }, &mut rng(2)).unwrap();
    let other: Value = serde_json::from_str(&other.to_json()).unwrap();
    let err = jwk(&with(a3, "d", other["d"].as_str().unwrap())).unwrap_err();
    assert!(matches!(err, JoseError::KeyPairMismatch { kty: "EC", .. }), "{err}");
}

#[test]
fn ec_coordinate_of_the_wrong_length_is_named() {
    let a3 = rfc7515("rfc7515-a-3");
    let x = base64url::decode(a3["x"].as_str().unwrap(), "x").unwrap();
    let err = jwk(&with(a3, "x", &base64url::encode(&x[1..]))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "JWK member \"x\": must be 32 bytes for P-256 (RFC 7518 §6.2.1), found 31"
    );
}

#[test]
fn ed25519_private_key_that_does_not_match_x_is_refused() {
    let ed = vectors("jws/rfc8037.json")[0]["jwk"].clone();
    let err = jwk(&with(ed, "d", &base64url::encode([7u8; 32]))).unwrap_err();
    assert!(matches!(err, JoseError::KeyPairMismatch { kty: "OKP", .. }), "{err}");
}

#[test]
fn unsupported_okp_curve_is_named() {
    let err = jwk(&json!({"kty":"OKP","crv":"X448","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "OKP curve \"X448\" is not supported (supported: Ed25519, X25519)"
    );
}

#[test]
fn rsa_private_exponent_of_another_key_is_refused() {
    let a2 = rfc7515("rfc7515-a-2");
    let cookbook = vectors("jwk/rfc7520.json")[3]["jwk"].clone();
    let mut mixed = json!({"kty":"RSA","n":a2["n"],"e":a2["e"],"d":cookbook["d"]});
    assert!(matches!(
        jwk(&mixed),
        Err(JoseError::KeyPairMismatch { kty: "RSA", .. })
    ));
    // With the primes given, the check is p·q = n.
    mixed["p"] = cookbook["p"].clone();
    mixed["q"] = cookbook["q"].clone();
    assert_eq!(
        jwk(&mixed).unwrap_err().to_string(),
        "the private RSA key does not belong to its public key: p × q is not the modulus n"
    );
}

#[test]
fn rsa_private_exponent_that_fits_the_primes_but_not_e_is_refused() {
    // p × q = n still holds; only e changed (65537 → 65539, also prime), so d·e ≢ 1.
    let a2 = rfc7515("rfc7515-a-2");
    let err = jwk(&with(a2, "e", &base64url::encode([1u8, 0, 3]))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the private RSA key does not belong to its public key: d is not the private exponent for e \
         (d·e ≢ 1 modulo p − 1 and q − 1)"
    );
}

#[test]
fn rsa_crt_parameter_that_does_not_match_is_refused() {
    let a2 = rfc7515("rfc7515-a-2");
    let dq = a2["dq"].clone();
    let err = jwk(&with(a2, "dp", dq.as_str().unwrap())).unwrap_err();
    assert!(err.to_string().contains("\"dp\" is not the value computed"), "{err}");
}

#[test]
fn rsa_p_without_q_is_refused() {
    let a2 = rfc7515("rfc7515-a-2");
    let err = jwk(&json!({"kty":"RSA","n":a2["n"],"e":a2["e"],"d":a2["d"],"p":a2["p"]})).unwrap_err();
    assert!(matches!(err, JoseError::JwkMember { member: "q", .. }), "{err}");
}

#[test]
fn rsa_private_key_without_primes_is_completed_and_still_signs_rfc7515_a2() {
    let a2 = rfc7515("rfc7515-a-2");
    let bare = jwk(&json!({"kty":"RSA","n":a2["n"],"e":a2["e"],"d":a2["d"]})).unwrap();
    let full = jwk(&a2).unwrap();
    // The recovered primes may come in the other order; either way the key signs the same.
    let case = vectors("jws/rfc7515.json")
        .into_iter()
        .find(|c| c["id"] == "rfc7515-a-2")
        .unwrap();
    let token = case["jws"].as_str().unwrap();
    let mut parts = token.split('.');
    let header = String::from_utf8(base64url::decode(parts.next().unwrap(), "h").unwrap()).unwrap();
    let payload = base64url::decode(parts.next().unwrap(), "p").unwrap();
    for key in [bare, full] {
        assert_eq!(
            jws::sign_compact(&header, &payload, &key, ShortHmacKeys::Refuse).unwrap(),
            token
        );
    }
}

#[test]
fn multi_prime_rsa_is_refused() {
    let mut a2 = rfc7515("rfc7515-a-2");
    a2["oth"] = json!([{"r":"AQAB","d":"AQAB","t":"AQAB"}]);
    assert!(matches!(jwk(&a2), Err(JoseError::JwkMember { member: "oth", .. })));
}

#[test]
fn bad_base64_in_a_jwk_member_names_the_member_and_position() {
    let err = jwk(&json!({"kty":"oct","k":"abc/def"})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "JWK member \"k\": bad base64url at position 3: '/' is not a base64url character"
    );
}

#[test]
fn jwk_member_of_the_wrong_type_says_what_it_found() {
    let err = jwk(&json!({"kty":"EC","crv":256,"x":"","y":""})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "JWK member \"crv\": must be a string, found a number (256)"
    );
}

#[test]
fn short_rsa_modulus_imports_but_is_refused_for_signing_and_verifying() {
    let case = vectors("jwk/pem-openssl.json")
        .into_iter()
        .find(|c| c["id"] == "rsa-1024-pkcs1-private")
        .unwrap();
    let key = Jwk::from_pem(case["pem"].as_str().unwrap()).unwrap();
    assert_eq!(key.material.rsa_modulus_bits(), Some(1024));
    let err = jws::sign_compact(r#"{"alg":"RS256"}"#, b"{}", &key, ShortHmacKeys::Refuse).unwrap_err();
    assert_eq!(
        err,
        JoseError::RsaModulusTooShort {
            bits: 1024,
            min_bits: 2048
        }
    );
    let public = key.to_public().unwrap();
    let err = jws::verify_compact("eyJhbGciOiJSUzI1NiJ9.e30.AAAA", &public, &[Algorithm::RS256]).unwrap_err();
    assert_eq!(
        err,
        JoseError::RsaModulusTooShort {
            bits: 1024,
            min_bits: 2048
        }
    );
}

#[test]
fn debug_output_redacts_the_private_material_of_every_key_type() {
    let mut keys: Vec<(Jwk, String)> = Vec::new();
    for value in [
        rfc7515("rfc7515-a-1"),
        rfc7515("rfc7515-a-2"),
        rfc7515("rfc7515-a-3"),
        vectors("jws/rfc8037.json")[0]["jwk"].clone(),
    ] {
        let secret = value.get("d").or(value.get("k")).unwrap().as_str().unwrap().to_string();
        keys.push((jwk(&value).unwrap(), secret));
    }
    for (key, secret_b64) in keys {
        let shown = format!("{key:?} {:#?}", key);
        let secret = base64url::decode(&secret_b64, "secret").unwrap();
        let as_debug_bytes = format!("{:?}", &secret[..4]).trim_end_matches(']').to_string();
        assert!(shown.contains("redacted"), "{shown}");
        assert!(!shown.contains(&secret_b64), "base64 secret leaked: {shown}");
        assert!(!shown.contains(&as_debug_bytes), "secret bytes leaked: {shown}");
        if let KeyMaterial::Rsa { private: Some(p), .. } = &key.material {
            let p_start = format!("{:?}", &p.p.expose()[..4]).trim_end_matches(']').to_string();
            assert!(!shown.contains(&p_start), "prime leaked: {shown}");
        }
        if key.material.kty() != "oct" {
            let pem = key.to_pkcs8_pem().unwrap();
            assert!(!format!("{pem:?}").contains("BEGIN"), "PEM leaked through Debug");
        }
    }
}

// --- JWK JSON -------------------------------------------------------------------------------

#[test]
fn jwk_json_lists_kty_first_and_private_members_last() {
    let key = jwk(&json!({"k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow","kty":"oct","alg":"HS256","kid":"k1","use":"sig"})).unwrap();
    assert!(key
        .to_json()
        .starts_with(r#"{"kty":"oct","kid":"k1","use":"sig","alg":"HS256","k":"#));
    let public = jwk(&rfc7515("rfc7515-a-3")).unwrap().to_public().unwrap();
    assert_eq!(
        public.to_json(),
        r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#
    );
}

#[test]
fn jwk_serde_round_trips_and_refuses_bad_keys() {
    let key = jwk(&rfc7515("rfc7515-a-2")).unwrap();
    let text = serde_json::to_string(&key).unwrap();
    assert_eq!(serde_json::from_str::<Jwk>(&text).unwrap(), key);
    let err = serde_json::from_str::<Jwk>(r#"{"kty":"EC","crv":"P-192","x":"","y":""}"#).unwrap_err();
    assert!(err.to_string().contains("P-192"), "{err}");
}

#[test]
fn duplicate_jwk_members_are_refused() {
    assert_eq!(
        Jwk::from_json(r#"{"kty":"oct","k":"AAAA","k":"BBBB"}"#),
        Err(JoseError::DuplicateMember {
            what: "JWK",
            name: "k".into()
        })
    );
}

// --- JWKS and key selection ------------------------------------------------------------------

fn sample_jwks() -> Jwks {
    let text = json!({"keys": [
        {"kty":"RSA","kid":"rsa-1","use":"sig","alg":"RS256","n":rfc7515("rfc7515-a-2")["n"],"e":"AQAB"},
        {"kty":"RSA","kid":"rsa-2","use":"sig","n":vectors("jwk/rfc7520.json")[2]["jwk"]["n"],"e":"AQAB"},
        {"kty":"EC","kid":"ec-1","crv":"P-256","x":rfc7515("rfc7515-a-3")["x"],"y":rfc7515("rfc7515-a-3")["y"]},
        {"kty":"RSA","kid":"enc-1","use":"enc","n":rfc7515("rfc7515-a-2")["n"],"e":"AQAB"},
        {"kty":"EC","kid":"bilbo.baggins@hobbiton.example","crv":"secp256k1","x":"AA","y":"AA"},
        {"kty":"XYZ","kid":"odd"},
        "not a key"
    ]});
    Jwks::from_json(&text.to_string()).unwrap()
}

#[test]
fn jwks_keeps_usable_keys_and_says_why_it_ignored_the_rest() {
    let jwks = sample_jwks();
    assert_eq!(jwks.keys.len(), 4);
    let ignored: Vec<(usize, Option<&str>)> = jwks.ignored.iter().map(|i| (i.index, i.kid.as_deref())).collect();
    assert_eq!(
        ignored,
        vec![(4, Some("bilbo.baggins@hobbiton.example")), (5, Some("odd")), (6, None)]
    );
    assert!(matches!(jwks.ignored[0].reason, JoseError::UnsupportedCurve { .. }));
}

#[test]
fn jwks_without_keys_member_is_an_error() {
    assert!(Jwks::from_json(r#"{"key":[]}"#)
        .unwrap_err()
        .to_string()
        .contains("no \"keys\" member"));
}

#[test]
fn jwks_of_more_keys_than_the_limit_is_refused_before_any_import() {
    let key = r#"{"kty":"oct","k":"c2VjcmV0"}"#;
    let set = |n: usize| format!(r#"{{"keys":[{}]}}"#, vec![key; n].join(","));
    assert_eq!(
        Jwks::from_json(&set(oauth_playground::jose::jwks::MAX_KEYS))
            .unwrap()
            .keys
            .len(),
        100
    );
    assert_eq!(
        Jwks::from_json(&set(101)).unwrap_err().to_string(),
        "JWKS: holds 101 keys; at most 100 are read"
    );
}

#[test]
fn public_jwks_of_a_private_set_has_no_private_members_and_no_secrets() {
    let private = Jwks::new(vec![
        jwk(&rfc7515("rfc7515-a-1")).unwrap(),
        jwk(&rfc7515("rfc7515-a-2")).unwrap(),
        jwk(&rfc7515("rfc7515-a-3")).unwrap(),
        jwk(&vectors("jws/rfc8037.json")[0]["jwk"]).unwrap(),
    ]);
    let public = private.to_public();
    assert_eq!(public.keys.len(), 3, "the oct key is left out");
    let text = public.to_json();
    for member in ["\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"", "\"k\""] {
        assert!(!text.contains(member), "{member} in {text}");
    }
    let reparsed = Jwks::from_json(&text).unwrap();
    assert_eq!(reparsed, public);
}

#[test]
fn key_is_selected_by_kid_alg_use_kty_and_crv() {
    let jwks = sample_jwks();
    let by = |q: KeyQuery| jwks.select(&q).map(|k| k.kid.clone().unwrap());
    let kid = |k: &str| Some(k.to_string());
    assert_eq!(
        by(KeyQuery {
            kid: kid("ec-1"),
            ..Default::default()
        }),
        Ok("ec-1".into())
    );
    assert_eq!(
        by(KeyQuery {
            alg: Some(Algorithm::ES256),
            ..Default::default()
        }),
        Ok("ec-1".into())
    );
    assert_eq!(
        by(KeyQuery {
            kty: Some("EC".into()),
            crv: Some("P-256".into()),
            ..Default::default()
        }),
        Ok("ec-1".into())
    );
    // rsa-1 is restricted to RS256 and enc-1 is for encryption: PS256 + sig leaves rsa-2.
    assert_eq!(
        by(KeyQuery {
            alg: Some(Algorithm::PS256),
            key_use: Some("sig".into()),
            ..Default::default()
        }),
        Ok("rsa-2".into())
    );
}

#[test]
fn several_matching_keys_is_an_error_listing_them() {
    let err = sample_jwks()
        .select(&KeyQuery {
            alg: Some(Algorithm::RS256),
            key_use: Some("sig".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "2 keys match alg RS256, use sig, so the signing key is ambiguous: \
         [kid=\"rsa-1\" kty=RSA alg=RS256 use=sig], [kid=\"rsa-2\" kty=RSA alg=- use=sig]"
    );
}

#[test]
fn no_matching_key_is_an_error_listing_every_key() {
    let err = sample_jwks()
        .select(&KeyQuery {
            kid: Some("gone".into()),
            ..Default::default()
        })
        .unwrap_err();
    let JoseError::NoMatchingKey { wanted, available } = &err else {
        panic!("{err}")
    };
    assert_eq!(wanted, "kid \"gone\"");
    assert_eq!(available.len(), 4);
    assert!(
        err.to_string().contains("[kid=\"ec-1\" kty=EC crv=P-256 alg=- use=-]"),
        "{err}"
    );
}

// --- key generation -------------------------------------------------------------------------

#[test]
fn generated_keys_sign_and_verify_for_every_algorithm() {
    let mut rng = rng(3);
    let rsa = keygen::generate(KeyGenSpec::Rsa { bits: 2048 }, &mut rng).unwrap();
    assert_eq!(rsa.material.rsa_modulus_bits(), Some(2048));
    for alg in Algorithm::ALL {
        let key = match alg.kty() {
            "RSA" => rsa.clone(),
            _ => keygen::generate_for(alg, &mut rng).unwrap(),
        };
        assert!(key.fits(alg), "{alg}: {key}");
        let header = format!(r#"{{"alg":"{alg}","kid":"{}"}}"#, key.kid.as_deref().unwrap());
        let token = jws::sign_compact_with_rng(&header, b"payload", &key, ShortHmacKeys::Refuse, &mut rng).unwrap();
        let public = if alg.kty() == "oct" {
            key.clone()
        } else {
            key.to_public().unwrap()
        };
        let verified = jws::verify_compact(&token, &public, &[alg]).unwrap();
        assert_eq!(verified.payload, b"payload", "{alg}");
    }
}

#[test]
fn generated_kid_is_the_thumbprint_and_hmac_secrets_have_the_hash_length() {
    let mut rng = rng(4);
    for (alg, bytes) in [(Algorithm::HS256, 32), (Algorithm::HS384, 48), (Algorithm::HS512, 64)] {
        let key = keygen::generate_for(alg, &mut rng).unwrap();
        let KeyMaterial::Oct { k } = &key.material else {
            panic!()
        };
        assert_eq!(k.len(), bytes);
        assert_eq!(key.kid.as_deref(), Some(key.thumbprint().as_str()));
        assert_eq!(key.alg.as_deref(), Some(alg.name()));
        assert_eq!(key.key_use.as_deref(), Some("sig"));
    }
}

#[test]
fn the_same_seed_generates_the_same_keys() {
    for spec in [
        KeyGenSpec::Ec { crv: EcCurve::P256 },
        KeyGenSpec::Ec { crv: EcCurve::P384 },
        KeyGenSpec::Ed25519,
        KeyGenSpec::Oct { bytes: 32 },
    ] {
        let a = keygen::generate(spec, &mut rng(5)).unwrap();
        let b = keygen::generate(spec, &mut rng(5)).unwrap();
        assert_eq!(a, b, "{spec:?}");
        assert_ne!(a, keygen::generate(spec, &mut rng(6)).unwrap(), "{spec:?}");
    }
}

#[test]
fn unsupported_key_sizes_are_refused() {
    let mut rng = rng(7);
    let err = keygen::generate(KeyGenSpec::Rsa { bits: 1024 }, &mut rng).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot generate the key: RSA keys are generated with 2048, 3072 or 4096 bits, not 1024"
    );
    assert!(keygen::generate(KeyGenSpec::Oct { bytes: 0 }, &mut rng).is_err());
}

/// The one RSA-4096 generation of the suite (3072 too; each takes a second or more).
#[test]
fn rsa_3072_and_4096_keys_are_generated_with_e_65537() {
    let mut rng = rng(8);
    for bits in [3072, 4096] {
        let key = keygen::generate(KeyGenSpec::Rsa { bits }, &mut rng).unwrap();
        assert_eq!(key.material.rsa_modulus_bits(), Some(bits));
        let KeyMaterial::Rsa { e, private, .. } = &key.material else {
            panic!()
        };
        assert_eq!(e, &vec![1, 0, 1]);
        assert!(private.is_some());
        // The generated JWK imports again (all CRT parameters consistent).
        assert_eq!(Jwk::from_json(&key.to_json()).unwrap(), key);
    }
}
