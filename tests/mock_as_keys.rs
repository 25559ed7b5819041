//! Signing-key rotation: the new keys are published beside the old ones for the overlap,
//! signing moves to the new `kid` at once, the old keys leave the JWKS when the overlap ends,
//! and a client choosing the key by `kid` from the published JWKS keeps verifying across it.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::rc::Rc;

use oauth_playground::clock::FixedClock;
use oauth_playground::http::Request;
use oauth_playground::jose::{jws, Algorithm, JoseError, Jwks};
use oauth_playground::mock_as::{crypto, AuthorizationServer, ServerSettings};
use oauth_playground::protocol::form_encode;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::Value;

const ISSUER: &str = "https://mock.as.example";
const NOW: i64 = 1_800_000_000;

fn server(seed: u64, overlap: i64) -> (AuthorizationServer, Rc<FixedClock>) {
    let clock = Rc::new(FixedClock::at(NOW));
    let settings = ServerSettings {
        issuer: ISSUER.into(),
        signing_key_overlap: overlap,
        ..ServerSettings::default()
    };
    let mut server = AuthorizationServer::new(
        settings,
        Box::new(Rc::clone(&clock)),
        Box::new(ChaCha20Rng::seed_from_u64(seed)),
    )
    .unwrap();
    server
        .register_client_json(
            &serde_json::json!({
                "client_id": "tv",
                "token_endpoint_auth_method": "none",
                "grant_types": ["urn:ietf:params:oauth:grant-type:device_code"],
                "response_types": [],
                "id_token_signed_response_alg": "RS256",
            })
            .to_string(),
        )
        .unwrap();
    (server, clock)
}

/// The published signing keys (the JWKS without the encryption keys, `use: enc`, which
/// rotation leaves alone).
fn published(server: &mut AuthorizationServer) -> Jwks {
    let all = published_all(server);
    Jwks::new(
        all.keys
            .into_iter()
            .filter(|k| k.key_use.as_deref() != Some("enc"))
            .collect(),
    )
}

fn published_all(server: &mut AuthorizationServer) -> Jwks {
    let response = server.handle(&Request::get(format!("{ISSUER}/jwks")));
    Jwks::from_json(&response.body_text()).unwrap()
}

#[test]
fn rotation_leaves_the_encryption_keys_alone() {
    let (mut server, _clock) = server(1, 3600);
    let encryption_kids = |jwks: &Jwks| -> Vec<String> {
        jwks.keys
            .iter()
            .filter(|k| k.key_use.as_deref() == Some("enc"))
            .filter_map(|k| k.kid.clone())
            .collect()
    };
    let before = encryption_kids(&published_all(&mut server));
    assert_eq!(before, ["mock-enc-rsa-1", "mock-enc-p256-1"]);
    server.rotate_signing_keys().unwrap();
    assert_eq!(encryption_kids(&published_all(&mut server)), before);
}

fn kids(jwks: &Jwks) -> Vec<String> {
    jwks.keys.iter().filter_map(|k| k.kid.clone()).collect()
}

/// An RS256 ID token from the server, obtained through the device grant.
fn id_token(server: &mut AuthorizationServer, clock: &FixedClock) -> String {
    let started = server.handle(&Request::form_post(
        format!("{ISSUER}/device_authorization"),
        "client_id=tv&scope=openid",
    ));
    let body: Value = serde_json::from_slice(&started.body).unwrap();
    let user_code = body["user_code"].as_str().unwrap();
    server.handle(&Request::form_post(
        format!("{ISSUER}/device"),
        form_encode([("user_code", user_code), ("decision", "approve")]),
    ));
    clock.advance(5);
    let tokens = server.handle(&Request::form_post(
        format!("{ISSUER}/token"),
        form_encode([
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", body["device_code"].as_str().unwrap()),
            ("client_id", "tv"),
        ]),
    ));
    let tokens: Value = serde_json::from_slice(&tokens.body).unwrap();
    tokens["id_token"]
        .as_str()
        .unwrap_or_else(|| panic!("{tokens}"))
        .to_string()
}

fn header_kid(jwt: &str) -> String {
    crypto::decode_unverified(jwt).unwrap().kid().unwrap().to_string()
}

/// What a client does: the key named by the header's kid in the JWKS it fetched, then the
/// signature.
fn client_verifies(jwt: &str, jwks: &Jwks) -> Result<String, JoseError> {
    let key = jws::select_key(jwt, jwks, &[Algorithm::RS256])?;
    jws::verify_compact(jwt, key, &[Algorithm::RS256])?;
    Ok(key.kid.clone().unwrap_or_default())
}

#[test]
fn rotation_publishes_both_sets_signs_with_the_new_kid_and_retires_the_old_after_the_overlap() {
    let (mut server, clock) = server(5, 600);
    let before = published(&mut server);
    assert_eq!(before.keys.len(), 4);
    let old_token = id_token(&mut server, &clock);
    let old_kid = header_kid(&old_token);
    assert!(kids(&before).contains(&old_kid));

    let status = server.rotate_signing_keys().unwrap();
    assert_eq!(status["rotations"], 1);
    let during = published(&mut server);
    assert_eq!(during.keys.len(), 8, "new keys first, old ones beside them");
    assert!(kids(&during)[..4].iter().all(|k| !kids(&before).contains(k)));
    assert_eq!(kids(&during)[4..], kids(&before)[..]);
    assert!(!during.to_json().contains("\"d\""), "a private member was published");

    // Signing moved to the new RSA key at once; the old token still verifies by its kid.
    let new_token = id_token(&mut server, &clock);
    let new_kid = header_kid(&new_token);
    assert_ne!(new_kid, old_kid);
    assert_eq!(client_verifies(&new_token, &during).unwrap(), new_kid);
    assert_eq!(client_verifies(&old_token, &during).unwrap(), old_kid);
    // The old JWKS (fetched before the rotation) does not know the new kid.
    assert!(client_verifies(&new_token, &before).is_err());

    // After the overlap the old keys are gone; tokens they signed no longer verify.
    clock.advance(600);
    let after = published(&mut server);
    assert_eq!(kids(&after), kids(&during)[..4].to_vec());
    let refused = client_verifies(&old_token, &after).unwrap_err();
    assert!(refused.to_string().contains(&old_kid), "{refused}");
    assert_eq!(client_verifies(&new_token, &after).unwrap(), new_kid);
    let last = server.events().last().map(|e| e.name.clone());
    assert_eq!(last.as_deref(), Some("token.issued"));
    assert!(server.events().any(|e| e.name == "keys.rotated"));
}

#[test]
fn an_overlap_of_zero_retires_the_old_keys_at_once() {
    let (mut server, _clock) = server(5, 0);
    let before = kids(&published(&mut server));
    server.rotate_signing_keys().unwrap();
    let after = kids(&published(&mut server));
    assert_eq!(after.len(), 4);
    assert!(after.iter().all(|k| !before.contains(k)));
    let status = server.signing_key_status();
    assert_eq!(status["retired"].as_array().unwrap().len(), 4);
}

#[test]
fn a_seeded_server_rotates_to_the_same_keys_every_time() {
    let (mut a, _) = server(11, 60);
    let (mut b, _) = server(11, 60);
    a.rotate_signing_keys().unwrap();
    b.rotate_signing_keys().unwrap();
    assert_eq!(published(&mut a).to_json(), published(&mut b).to_json());
    let (mut c, _) = server(12, 60);
    c.rotate_signing_keys().unwrap();
    assert_ne!(published(&mut a).to_json(), published(&mut c).to_json());
}

#[test]
fn installed_keys_must_be_private_and_cover_every_key_type() {
    let (mut server, _) = server(5, 60);
    let public_only = published(&mut server);
    let err = server.install_signing_keys(public_only).unwrap_err();
    assert!(err.0.contains("no private part"), "{err}");
    let err = server.install_signing_keys(Jwks::new(Vec::new())).unwrap_err();
    assert!(err.0.contains("has no"), "{err}");
    assert_eq!(published(&mut server).keys.len(), 4, "a refused set changes nothing");
}
