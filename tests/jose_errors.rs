//! JOSE refusals, one per way an input can be wrong: JSON that is not an object, JWK members
//! of the wrong shape, JWKS and header members of the wrong type, PEM texts that are cut,
//! mis-armoured or name a key we do not import (`tests/vectors/jwk/pem-refused.json`), RSA,
//! EC and Ed25519 members that cannot be a key, and the text every error shows.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use oauth_playground::jose::jws::{self, JwsHeader};
use oauth_playground::jose::{
    base64url, Algorithm, JoseError, Jwk, Jwks, KeyQuery, KeySummary, ShortHmacKeys, Validation,
};
use serde_json::{json, Value};

fn vectors(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(format!("{}/tests/vectors/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn case(path: &str, id: &str) -> Value {
    vectors(path).into_iter().find(|c| c["id"] == id).unwrap()
}

fn jwk_err(value: &Value) -> String {
    Jwk::from_json(&value.to_string())
        .expect_err(&value.to_string())
        .to_string()
}

fn rsa_a2() -> Value {
    case("jws/rfc7515.json", "rfc7515-a-2")["jwk"].clone()
}

fn b64(bytes: &[u8]) -> String {
    base64url::encode(bytes)
}

// --- JSON that is not what it must be --------------------------------------------------------

#[test]
fn jwk_that_is_not_a_json_object_names_what_it_is() {
    for (text, kind) in [
        ("true", "a boolean"),
        ("7", "a number"),
        ("-7", "a number"),
        ("7.5", "a number"),
    ] {
        let err = Jwk::from_json(text).unwrap_err();
        assert!(matches!(err, JoseError::Json { what: "JWK", .. }), "{text}: {err:?}");
        assert!(err.to_string().contains(kind), "{text}: {err}");
    }
}

#[test]
fn key_ops_of_the_wrong_shape_is_refused_showing_a_cut_value() {
    let mut key = case("jws/rfc7515.json", "rfc7515-a-1")["jwk"].clone();
    key["key_ops"] = json!("sign-and-verify-and-everything-else-a-key-could-ever-do");
    let err = jwk_err(&key);
    assert!(
        err.starts_with("JWK member \"key_ops\": must be an array of strings, found a string"),
        "{err}"
    );
    // json::describe cuts values longer than 40 characters.
    assert!(err.ends_with("…)"), "{err}");

    key["key_ops"] = json!(["sign", true]);
    assert_eq!(
        jwk_err(&key),
        "JWK member \"key_ops\": must be an array of strings, found a boolean (true)"
    );
}

#[test]
fn rsa_crt_member_without_d_is_refused_naming_it() {
    let mut key = rsa_a2();
    let members = key.as_object_mut().unwrap();
    members.remove("d");
    members.remove("q");
    members.remove("dp");
    members.remove("dq");
    members.remove("qi");
    assert_eq!(
        jwk_err(&key),
        "JWK member \"d\": is missing, but the private member \"p\" is present"
    );
}

#[test]
fn jwks_whose_keys_is_not_an_array_is_refused() {
    let err = Jwks::from_json(r#"{"keys":{"kty":"oct"}}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "JWKS: \"keys\" must be an array, found an object ({\"kty\":\"oct\"})"
    );
}

#[test]
fn jws_header_members_of_the_wrong_type_are_named() {
    let key = Jwk::from_json(&case("jws/negative.json", "header-alg-not-a-string")["jwk"].to_string()).unwrap();
    let verify = |id: &str| {
        let jws = case("jws/negative.json", id)["jws"].as_str().unwrap().to_string();
        jws::verify_compact(&jws, &key, &[Algorithm::HS256]).unwrap_err()
    };
    assert_eq!(
        verify("header-alg-not-a-string"),
        JoseError::Malformed("header \"alg\" must be a string, found a number (256)".into())
    );
    let crit = verify("crit-entry-not-a-string").to_string();
    assert!(crit.contains("entry 0 must be a string, found a number (7)"), "{crit}");
    assert_eq!(
        verify("header-not-utf8").to_string(),
        "JWS protected header: not UTF-8 (invalid byte at offset 20)"
    );
}

#[test]
fn kid_that_is_not_a_string_cannot_select_a_key() {
    let key = Jwk::from_json(&case("jws/rfc7515.json", "rfc7515-a-1")["jwk"].to_string()).unwrap();
    // Signing refuses such a header, so the token is put together by hand.
    let jws = format!("{}.{}.AAAA", b64(br#"{"alg":"HS256","kid":5}"#), b64(b"{}"));
    let err = jws::select_key(&jws, &Jwks::new(vec![key]), &[Algorithm::HS256]).unwrap_err();
    assert_eq!(
        err,
        JoseError::Malformed("header \"kid\" must be a string, found a number (5)".into())
    );
}

#[test]
fn header_builder_writes_extension_members_after_the_registered_ones() {
    let header = JwsHeader::new(Algorithm::ES256)
        .member("x-trace", json!("abc"))
        .kid("k1")
        .to_json();
    assert_eq!(header, r#"{"alg":"ES256","kid":"k1","x-trace":"abc"}"#);
}

// --- PEM ---------------------------------------------------------------------------------------

#[test]
fn refused_pem_texts_say_what_is_wrong() {
    let cases = vectors("jwk/pem-refused.json");
    assert!(cases.len() >= 20);
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let err = Jwk::from_pem(case["pem"].as_str().unwrap()).expect_err(id).to_string();
        let wanted = case["error"].as_str().unwrap();
        assert!(err.contains(wanted), "{id}: {err:?} does not contain {wanted:?}");
    }
}

// --- keys that cannot be keys ------------------------------------------------------------------

#[test]
fn rsa_public_members_out_of_range_are_refused() {
    let with_n_e = |n: &[u8], e: &[u8]| json!({"kty": "RSA", "n": b64(n), "e": b64(e)});
    let mut modulus = vec![0xffu8; 256];
    modulus[255] = 0xfb;
    assert_eq!(
        jwk_err(&with_n_e(&vec![0xff; 1025], &[1, 0, 1])),
        "JWK member \"n\": is 8200 bits; at most 8192 are accepted"
    );
    assert!(jwk_err(&with_n_e(&modulus, &[1])).contains("JWK member \"e\": is too small"));
    assert!(jwk_err(&with_n_e(&modulus, &[3, 0, 0, 0, 1])).contains("JWK member \"e\": is larger than 2^33"));
}

#[test]
fn rsa_private_exponent_not_below_the_modulus_is_refused() {
    let mut key = rsa_a2();
    key["d"] = json!(b64(&[0xff; 257]));
    assert_eq!(
        jwk_err(&key),
        "the private RSA key does not belong to its public key: d is not smaller than the modulus n"
    );
}

#[test]
fn rsa_q_without_p_is_refused() {
    let mut key = rsa_a2();
    key.as_object_mut().unwrap().remove("p");
    assert_eq!(
        jwk_err(&key),
        "JWK member \"p\": is missing, but \"q\" is present; give both primes or neither"
    );
}

#[test]
fn ec_private_scalar_of_zero_is_refused() {
    let mut key = case("jws/rfc7515.json", "rfc7515-a-3")["jwk"].clone();
    key["d"] = json!(b64(&[0; 32]));
    assert_eq!(
        jwk_err(&key),
        "JWK member \"d\": is zero or not below the order of P-256"
    );
}

#[test]
fn ed25519_x_that_is_not_a_point_is_refused() {
    // y = 2 does not decompress to a point of edwards25519.
    let mut x = [0u8; 32];
    x[0] = 2;
    let err = jwk_err(&json!({"kty": "OKP", "crv": "Ed25519", "x": b64(&x)}));
    assert_eq!(
        err,
        "JWK member \"x\": is not a valid Ed25519 public key (not a point on the curve)"
    );
}

// --- what algorithms tell about themselves -----------------------------------------------------

#[test]
fn algorithms_parse_from_their_names_and_know_their_signature_lengths() {
    let expected = [
        ("HS384", Some(48)),
        ("ES256", Some(64)),
        ("ES384", Some(96)),
        ("ES512", Some(132)),
        ("EdDSA", Some(64)),
        ("RS256", None),
        ("PS512", None),
    ];
    for (name, len) in expected {
        let alg: Algorithm = name.parse().unwrap();
        assert_eq!(alg.name(), name);
        assert_eq!(alg.fixed_signature_len(), len, "{name}");
    }
    assert_eq!(Algorithm::ES384.key_description(), "an EC key on P-384");
    assert_eq!(Algorithm::ES512.key_description(), "an EC key on P-521");
    assert_eq!(
        "ES256K".parse::<Algorithm>().unwrap_err(),
        JoseError::UnsupportedAlgorithm("ES256K".into())
    );
}

#[test]
fn jwk_shows_as_its_summary_and_exports_pretty_json_of_the_same_members() {
    let key = Jwk::from_json(&case("jws/rfc7515.json", "rfc7515-a-3")["jwk"].to_string()).unwrap();
    assert_eq!(key.to_string(), key.summary().to_string());
    let pretty = key.to_json_pretty();
    assert!(pretty.contains('\n'));
    assert_eq!(
        serde_json::from_str::<Value>(&pretty).unwrap(),
        serde_json::from_str::<Value>(&key.to_json()).unwrap()
    );
}

#[test]
fn key_query_names_every_criterion_it_has() {
    let query = KeyQuery {
        kid: Some("k1".into()),
        kty: Some("EC".into()),
        alg: Some(Algorithm::ES256),
        key_use: Some("sig".into()),
        crv: Some("P-256".into()),
    };
    assert_eq!(query.to_string(), "kid \"k1\", kty EC, alg ES256, use sig, crv P-256");
    assert_eq!(KeyQuery::default().to_string(), "any key");
    let err = Jwks::new(Vec::new()).select(&query).unwrap_err();
    assert!(err.to_string().ends_with("available: the key set is empty"), "{err}");
}

// --- the text of every error a caller can meet -------------------------------------------------

#[test]
fn claim_errors_read_like_the_failure() {
    let claims = |v: Value| jws_claims(v);
    let now = 1_000;
    let nothing_required = || Validation {
        required: Vec::new(),
        ..Validation::default()
    };
    let validation = nothing_required().issuer("https://as.example");
    assert_eq!(
        validation.validate(&claims(json!({})), now).unwrap_err().to_string(),
        "claim \"iss\" is required but missing"
    );
    let err = nothing_required()
        .validate(&claims(json!({"nbf": 1_100})), now)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the token is not valid yet: nbf 1100 is 100s after now 1000 (leeway 60s)"
    );
    let err = nothing_required()
        .validate(&claims(json!({"iat": 1_100})), now)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the token was issued in the future: iat 1100 is 100s after now 1000 (leeway 60s)"
    );
}

fn jws_claims(value: Value) -> oauth_playground::jose::jwt::Claims {
    oauth_playground::jose::jwt::parse_claims(value.to_string().as_bytes()).unwrap()
}

#[test]
fn key_errors_say_what_the_key_lacks() {
    let oct = Jwk::from_json(&case("jws/rfc7515.json", "rfc7515-a-1")["jwk"].to_string()).unwrap();
    assert_eq!(
        oct.to_pkcs8_pem().unwrap_err().to_string(),
        "an oct (symmetric) key has no PEM form; it is a shared secret"
    );
    let ec_public = Jwk::from_json(&case("jws/rfc7515.json", "rfc7515-a-3")["jwk"].to_string())
        .unwrap()
        .to_public()
        .unwrap();
    let err = jws::sign_compact(r#"{"alg":"ES256"}"#, b"{}", &ec_public, ShortHmacKeys::Refuse).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("needs a private key, but this EC key has only its public part"),
        "{err}"
    );
    let rsa = Jwk::from_json(&rsa_a2().to_string()).unwrap();
    assert_eq!(
        jws::sign_compact(r#"{"alg":"PS256"}"#, b"{}", &rsa, ShortHmacKeys::Refuse)
            .unwrap_err()
            .to_string(),
        "PS256 signatures need randomness (the PSS salt); sign with an RNG"
    );
    let p521 = Jwk::from_json(&case("jws/rfc7515.json", "rfc7515-a-4")["jwk"].to_string()).unwrap();
    assert_eq!(
        jws::sign_compact(r#"{"alg":"ES512"}"#, b"{}", &p521, ShortHmacKeys::Refuse).unwrap_err(),
        JoseError::RandomnessRequired { alg: "ES512" }
    );
    // Only the WebCrypto backend (browser tests) produces this one natively unreachable error.
    let backend = JoseError::Backend {
        backend: "WebCrypto",
        problem: "NotSupportedError".into(),
    };
    assert_eq!(backend.to_string(), "WebCrypto failed: NotSupportedError");
    let summary = KeySummary {
        kid: None,
        kty: "OKP",
        alg: None,
        key_use: None,
        crv: Some("Ed25519"),
    };
    assert_eq!(summary.to_string(), "kid=- kty=OKP crv=Ed25519 alg=- use=-");
}

#[test]
fn public_ec_and_okp_keys_have_no_pkcs8_form() {
    for id in ["rfc7515-a-3", "rfc8037-a-4"] {
        let file = if id.starts_with("rfc8037") {
            "jws/rfc8037.json"
        } else {
            "jws/rfc7515.json"
        };
        let public = Jwk::from_json(&case(file, id)["jwk"].to_string())
            .unwrap()
            .to_public()
            .unwrap();
        let err = public.to_pkcs8_pem().unwrap_err();
        assert!(
            matches!(
                err,
                JoseError::PrivateKeyRequired {
                    operation: "PKCS#8 export",
                    ..
                }
            ),
            "{id}: {err:?}"
        );
        assert!(public
            .to_spki_pem()
            .is_ok_and(|pem| pem.starts_with("-----BEGIN PUBLIC KEY-----")));
    }
}

#[test]
fn claims_that_are_not_utf8_name_the_offset() {
    let err = oauth_playground::jose::jwt::parse_claims(b"{\"sub\":\"\xff\"}").unwrap_err();
    assert!(
        err.to_string().ends_with("not UTF-8 (invalid byte at offset 8)"),
        "{err}"
    );
}

#[test]
fn the_rustcrypto_backend_shows_no_rng_state_in_debug() {
    use rand_chacha::rand_core::SeedableRng;
    let backend = oauth_playground::jose::RustCryptoBackend::new(rand_chacha::ChaCha20Rng::seed_from_u64(7));
    assert_eq!(format!("{backend:?}"), "RustCryptoBackend");
}
