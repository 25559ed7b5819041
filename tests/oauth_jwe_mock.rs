//! The client's JWE against the in-process mock server, end to end: PAR with a request object
//! signed then encrypted to the server's `use: enc` key, and the server's JARM responses, ID
//! tokens and userinfo encrypted to the client's registered `use: enc` key — one run per key
//! type (RSA-OAEP-256 to RSA, ECDH-ES+A128KW to P-256), each decrypted as the first check step.
//!
//! The interface relied on: the server publishes `use: "enc"` keys without `alg` in its JWKS,
//! lists the values in discovery, reads the standard registration members and encrypts to the
//! client's registered key with that key's `kid` and `cty: "JWT"`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod oauth_common;

use std::cell::RefCell;
use std::rc::Rc;

use oauth_common::{backend, rng, run, NOW};
use oauth_playground::clock::FixedClock;
use oauth_playground::jose::jwe::{ContentEncryption, KeyManagement};
use oauth_playground::jose::keygen::generate;
use oauth_playground::jose::{Algorithm, EcCurve, Jwk, KeyGenSpec, SecretString};
use oauth_playground::mock_as::{profiles, AuthorizationServer, InProcessTransport, ProfileName};
use oauth_playground::oauth::{
    run_flow, AuthorizationRequest, Config, Delivery, FlowOptions, FlowRun, JweChoice, Outcome, TimelineEvent,
};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};

const ISSUER: &str = "https://mock.as.example";
const SECRET: &str = "client-1-secret-0123456789abcdef0123456789";
const REDIRECT: &str = "https://client.example/cb";

fn keyed(spec: KeyGenSpec, seed: u64, kid: &str, key_use: &str) -> Jwk {
    let mut k = generate(spec, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap();
    k.kid = Some(kid.into());
    k.key_use = Some(key_use.into());
    k
}

fn public_json(key: &Jwk) -> Value {
    serde_json::from_str(&key.to_public().unwrap().to_json()).unwrap()
}

/// The mock server with `client-1` registered for encryption with `choice` everywhere.
fn flow_with(choice: JweChoice, enc_key: &Jwk) -> FlowRun {
    let clock = Rc::new(FixedClock::at(NOW));
    let mut server = AuthorizationServer::new(
        profiles::preset(ProfileName::Lenient, ISSUER),
        Box::new(Rc::clone(&clock)),
        Box::new(ChaCha20Rng::seed_from_u64(1)),
    )
    .unwrap();
    let mut signing = keyed(KeyGenSpec::Ec { crv: EcCurve::P256 }, 2, "client-sig", "sig");
    signing.alg = Some("ES256".into());
    let (alg, enc) = (choice.alg.name(), choice.enc.name());
    let client = json!({
        "client_id": "client-1",
        "client_secret": SECRET,
        "redirect_uris": [REDIRECT],
        "response_types": ["code"],
        "grant_types": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_method": "client_secret_post",
        "jwks": { "keys": [public_json(&signing), public_json(enc_key)] },
        "id_token_signed_response_alg": "RS256",
        "authorization_signed_response_alg": "RS256",
        "userinfo_signed_response_alg": "RS256",
        "request_object_encryption_alg": alg,
        "request_object_encryption_enc": enc,
        "authorization_encrypted_response_alg": alg,
        "authorization_encrypted_response_enc": enc,
        "id_token_encrypted_response_alg": alg,
        "id_token_encrypted_response_enc": enc,
        "userinfo_encrypted_response_alg": alg,
        "userinfo_encrypted_response_enc": enc,
    });
    server.register_client_json(&client.to_string()).unwrap();
    let transport = InProcessTransport::new(Rc::new(RefCell::new(server)));

    let mut request = AuthorizationRequest::new("client-1", REDIRECT);
    request.scope = Some("openid".into());
    request.response_mode = Some("jwt".into());
    let mut config = Config::new(ISSUER, request);
    config.delivery = Delivery::ParJar;
    config.request_object_alg = Some(Algorithm::ES256);
    config.client_key = Some(signing);
    config.auth_method = "client_secret_post".into();
    config.client_secret = Some(SecretString::new(SECRET.into()));
    config.encryption.request_object = Some(choice);
    config.encryption.authorization_response = Some(choice);
    config.encryption.id_token = Some(choice);
    config.encryption.userinfo = Some(choice);
    config.encryption.keys = vec![enc_key.clone()];
    let options = FlowOptions {
        jarm_algs: Some(vec![Algorithm::RS256]),
        id_token_algs: Some(vec![Algorithm::RS256]),
        ..FlowOptions::default()
    };
    run(run_flow(&config, &transport, &backend(), &*clock, &mut rng(), &options))
}

fn assert_all_decrypted(flow: &FlowRun) {
    assert!(flow.succeeded(), "{:?}", flow.error);
    assert!(flow.timeline.iter().any(|e| matches!(
        e,
        TimelineEvent::Checks {
            step: "request_object (encrypted)",
            ..
        }
    )));
    for check in ["jarm.decrypt", "id_token.decrypt", "userinfo.decrypt"] {
        let step = flow.steps().find(|s| s.check == check).expect(check);
        assert!(matches!(step.outcome, Outcome::Passed { .. }), "{step:?}");
    }
}

#[test]
fn par_with_encrypted_request_object_and_encrypted_responses_rsa() {
    let key = keyed(KeyGenSpec::Rsa { bits: 2048 }, 3, "client-enc-rsa", "enc");
    let choice = JweChoice::new(KeyManagement::RsaOaep256, ContentEncryption::A128CbcHs256);
    assert_all_decrypted(&flow_with(choice, &key));
}

#[test]
fn par_with_encrypted_request_object_and_encrypted_responses_p256() {
    let key = keyed(KeyGenSpec::Ec { crv: EcCurve::P256 }, 4, "client-enc-p256", "enc");
    let choice = JweChoice::new(KeyManagement::EcdhEsA128Kw, ContentEncryption::A256Gcm);
    assert_all_decrypted(&flow_with(choice, &key));
}
