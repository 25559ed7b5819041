//! Property tests (proptest): what must hold for every input, not just the ones we thought of.
//!
//! - sign → verify round trips for every algorithm and key type, any payload;
//! - JWK → PEM → JWK round trips for every asymmetric key type;
//! - authorization request → URL → parsed back equal; request object → signed → decoded equal;
//! - any single-byte change to a signed request object is rejected;
//! - JOSE's strict JSON reads every object as serde_json does, and refuses any member named
//!   twice at any depth;
//! - a share link's JSON difference put back over its base gives the value again, whatever
//!   the members are named (including the `=` the difference itself uses).
//!
//! Case counts: proptest's default 256 per property unless a `ProptestConfig` says otherwise
//! (the RSA-heavy ones run fewer); `PROPTEST_CASES` overrides them all.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::OnceLock;

use oauth_playground::jose::jws::{self, decode_unverified, JwsHeader};
use oauth_playground::jose::{jwt, keygen, Algorithm, EcCurve, JoseError, Jwk, KeyGenSpec, ShortHmacKeys};
use oauth_playground::oauth::delivery::plain_authorization_url;
use oauth_playground::oauth::request_object::RequestObjectTarget;
use oauth_playground::oauth::{AuthorizationRequest, RequestObject, RequestObjectOptions, RequestSigning};
use oauth_playground::protocol::{form_decode, UrlParts};
use oauth_playground::session::{apply_over, difference};
use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// One private key per algorithm, generated once (RSA generation is slow).
fn key_for(alg: Algorithm) -> &'static Jwk {
    static KEYS: OnceLock<Vec<(Algorithm, Jwk)>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        let mut rng = ChaCha20Rng::seed_from_u64(42);
        let rsa = keygen::generate(KeyGenSpec::Rsa { bits: 2048 }, &mut rng).unwrap();
        Algorithm::ALL
            .into_iter()
            .map(|alg| {
                let key = if alg.kty() == "RSA" {
                    rsa.clone()
                } else {
                    keygen::generate(KeyGenSpec::for_alg(alg), &mut rng).unwrap()
                };
                (alg, key)
            })
            .collect()
    });
    &keys.iter().find(|(a, _)| *a == alg).unwrap().1
}

fn any_alg() -> impl Strategy<Value = Algorithm> {
    proptest::sample::select(Algorithm::ALL.to_vec())
}

/// Text a user might put in a parameter: printable ASCII, spaces, and some non-ASCII.
fn param_text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[ -~éü中🙂]{1,40}").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_algorithm_verifies_what_it_signed(alg in any_alg(), payload in proptest::collection::vec(any::<u8>(), 0..512), seed in any::<u64>()) {
        let key = key_for(alg);
        let header = JwsHeader::new(alg).typ("JWT").to_json();
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let jws = jws::sign_compact_with_rng(&header, &payload, key, ShortHmacKeys::Refuse, &mut rng).unwrap();
        let verifier = if alg.kty() == "oct" { key.clone() } else { key.to_public().unwrap() };
        let verified = jws::verify_compact(&jws, &verifier, &[alg]).unwrap();
        prop_assert_eq!(verified.payload, payload);
        prop_assert_eq!(verified.alg, alg);
    }

    #[test]
    fn any_single_byte_change_to_a_signed_request_object_is_rejected(
        alg in proptest::sample::select(vec![Algorithm::HS256, Algorithm::RS256, Algorithm::PS256, Algorithm::ES256, Algorithm::EdDSA]),
        position in any::<proptest::sample::Index>(),
        replacement in 0x21u8..0x7f,
        state in param_text(),
    ) {
        let key = key_for(alg);
        let mut request = AuthorizationRequest::new("client-1", "https://client.example/cb");
        request.state = Some(state);
        let signing = RequestSigning::Signed { alg, key: key.clone() };
        let target = RequestObjectTarget { issuer: "https://as.example", authorization_endpoint: "https://as.example/authorize" };
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let object = RequestObject::build(&request, &RequestObjectOptions::default(), &target, &signing, 1_800_000_000, &mut rng).unwrap();
        let backend = oauth_playground::jose::RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(8));
        let jwt = block_on(object.sign(&backend, &signing, ShortHmacKeys::Refuse)).unwrap();

        let mut bytes = jwt.clone().into_bytes();
        let at = position.index(bytes.len());
        prop_assume!(bytes[at] != replacement);
        bytes[at] = replacement;
        let tampered = String::from_utf8(bytes).unwrap();
        let verifier = if alg.kty() == "oct" { key.clone() } else { key.to_public().unwrap() };
        prop_assert!(jws::verify_compact(&jwt, &verifier, &[alg]).is_ok());
        prop_assert!(jws::verify_compact(&tampered, &verifier, &[alg]).is_err(), "accepted after byte {} became {:?}", at, replacement as char);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn jwk_to_pem_to_jwk_gives_the_same_key(seed in any::<u64>(), kind in 0usize..3) {
        let spec = [KeyGenSpec::Ec { crv: EcCurve::P256 }, KeyGenSpec::Ec { crv: EcCurve::P384 }, KeyGenSpec::Ed25519][kind];
        let key = keygen::generate(spec, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap();
        let private = Jwk::from_pem(key.to_pkcs8_pem().unwrap().expose()).unwrap();
        prop_assert_eq!(&private.material, &key.material);
        let public = Jwk::from_pem(&key.to_spki_pem().unwrap()).unwrap();
        prop_assert_eq!(&public.material, &key.to_public().unwrap().material);
        prop_assert_eq!(public.thumbprint(), key.thumbprint());
    }
}

#[test]
fn rsa_jwk_to_pem_to_jwk_gives_the_same_key() {
    // RSA generation is too slow to repeat 64 times; the one generated key goes both ways.
    let key = key_for(Algorithm::RS256);
    let private = Jwk::from_pem(key.to_pkcs8_pem().unwrap().expose()).unwrap();
    assert_eq!(private.material, key.material);
    let public = Jwk::from_pem(&key.to_spki_pem().unwrap()).unwrap();
    assert_eq!(public.material, key.to_public().unwrap().material);
}

proptest! {
    #[test]
    fn an_authorization_request_survives_the_url_and_the_request_object(
        state in param_text(),
        nonce in param_text(),
        login_hint in param_text(),
        scope_words in proptest::collection::vec("[a-z_:]{1,12}", 1..5),
        max_age in proptest::option::of(0u64..1_000_000),
    ) {
        let mut request = AuthorizationRequest::new("client-1", "https://client.example/cb");
        request.state = Some(state);
        request.nonce = Some(nonce);
        request.login_hint = Some(login_hint);
        request.scope = Some(scope_words.join(" "));
        request.max_age = max_age;

        // → URL → parsed back: the same parameters, in the same order.
        let url = plain_authorization_url("https://as.example/authorize", &request).unwrap();
        let query = UrlParts::split(&url).unwrap().query.unwrap_or_default().to_string();
        prop_assert_eq!(form_decode(query.as_bytes()), request.form_pairs());

        // → request object → decoded: every parameter is a claim with its value (max_age a number).
        let signing = RequestSigning::Signed { alg: Algorithm::HS256, key: key_for(Algorithm::HS256).clone() };
        let target = RequestObjectTarget { issuer: "https://as.example", authorization_endpoint: "https://as.example/authorize" };
        let object = RequestObject::build(&request, &RequestObjectOptions::default(), &target, &signing, 1_800_000_000, &mut ChaCha20Rng::seed_from_u64(1)).unwrap();
        let backend = oauth_playground::jose::RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(2));
        let jwt = block_on(object.sign(&backend, &signing, ShortHmacKeys::Refuse)).unwrap();
        let decoded: serde_json::Value = serde_json::from_slice(&decode_unverified(&jwt).unwrap().payload).unwrap();
        for (name, value) in request.form_pairs() {
            let claim = &decoded[name.as_str()];
            let as_text = claim.as_str().map(str::to_string).unwrap_or_else(|| claim.to_string());
            prop_assert_eq!(as_text, value, "claim {}", name);
        }
        if let Some(age) = max_age {
            prop_assert_eq!(decoded["max_age"].as_u64(), Some(age));
        }
    }
}

/// The RustCrypto backend never waits, so its futures finish on the first poll.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    match future.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(out) => out,
        std::task::Poll::Pending => panic!("a RustCrypto future was pending"),
    }
}

/// Any JSON value up to four levels deep; objects have unique names, as serde_json makes them.
fn any_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        "[ -~é\u{1F600}\\\"]{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z]{1,3}", inner, 0..5)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

fn any_object() -> impl Strategy<Value = serde_json::Map<String, serde_json::Value>> {
    proptest::collection::btree_map("[a-z]{1,3}", any_json(), 0..6).prop_map(|m| m.into_iter().collect())
}

proptest! {
    #[test]
    fn claims_read_as_serde_json_reads_them(object in any_object()) {
        let text = serde_json::Value::Object(object).to_string();
        let theirs: serde_json::Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(serde_json::Value::Object(jwt::parse_claims(text.as_bytes()).unwrap()), theirs);
    }

    #[test]
    fn a_member_named_twice_at_any_depth_is_refused(
        outer in any_object(),
        path in proptest::collection::vec(("[a-z]{1,3}", any::<bool>()), 0..4),
        name in "[a-z]{1,3}",
        first in any_json(),
        second in any_json(),
    ) {
        // {"name":first,"name":second}, wrapped in objects (and arrays) along `path`, as one
        // more member of `outer`.
        let mut inner = format!("{{{0}:{first},{0}:{second}}}", serde_json::Value::from(name.as_str()));
        let mut expected = name.clone();
        for (segment, in_array) in path.iter().rev() {
            if *in_array {
                inner = format!("[{inner}]");
                expected = format!("[0].{expected}");
            }
            inner = format!("{{{}:{inner}}}", serde_json::Value::from(segment.as_str()));
            expected = if expected.starts_with('[') { format!("{segment}{expected}") } else { format!("{segment}.{expected}") };
        }
        let outer_text = serde_json::Value::Object(outer).to_string();
        let body = outer_text.strip_suffix('}').unwrap();
        let separator = if body.len() > 1 { "," } else { "" };
        let text = format!("{body}{separator}\"dup_\":{inner}}}");
        let expected = format!("dup_{}{expected}", if expected.starts_with('[') { "" } else { "." });
        match jwt::parse_claims(text.as_bytes()) {
            Err(JoseError::DuplicateMember { name, .. }) => prop_assert_eq!(name, expected),
            other => prop_assert!(false, "{text}: {other:?}"),
        }
    }
}

/// JSON whose object members are named from a tiny alphabet, `=` included, so two values
/// share members often and the difference's own notation turns up as data.
fn colliding_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        (0i64..3).prop_map(Value::from),
        "[a=]{0,1}".prop_map(Value::from)
    ];
    leaf.prop_recursive(4, 40, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            proptest::collection::btree_map("[ab=]", inner, 0..4)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn a_difference_put_back_over_its_base_gives_the_value(base in colliding_json(), value in colliding_json()) {
        let mut back = base.clone();
        if let Some(patch) = difference(&base, &value) {
            apply_over(&mut back, &patch);
        }
        prop_assert_eq!(back, value);
    }
}
