//! Client registration (RFC 7591, OIDC Dynamic Client Registration 1.0): the three faults
//! issue 17 found with an independent client, each as the test that failed before the fix,
//! then the registration endpoint and the rules `registerClient` shares with it.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::rc::Rc;

use oauth_playground::clock::FixedClock;
use oauth_playground::http::{Request, Response};
use oauth_playground::mock_as::{crypto, profiles, AuthorizationServer, ProfileName};
use oauth_playground::protocol::{form_encode, UrlParts};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};

const ISSUER: &str = "https://mock.as.example";
const NOW: i64 = 1_800_000_000;
const REDIRECT: &str = "https://client.example/cb";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

fn server(profile: ProfileName) -> AuthorizationServer {
    AuthorizationServer::new(
        profiles::preset(profile, ISSUER),
        Box::new(Rc::new(FixedClock::at(NOW))),
        Box::new(ChaCha20Rng::seed_from_u64(3)),
    )
    .unwrap()
}

/// A public RSA key for `jwks` (the published half of one of the scenario clients' keys).
fn public_jwks() -> Value {
    let keys = oauth_playground::jose::Jwks::from_json(include_str!("scenarios/keys/client-1.jwks.json")).unwrap();
    serde_json::from_str(&keys.to_public().to_json()).unwrap()
}

/// Fault 1: `token_endpoint_auth_signing_alg` (OIDC Registration §2) was refused as an
/// unknown field; RFC 7591 §2 says a server MUST ignore what it does not understand.
#[test]
fn standard_and_unknown_members_do_not_stop_a_registration() {
    let mut server = server(ProfileName::Hardened);
    let answer = server
        .register_client_json(
            &json!({
                "client_id": "rp",
                "client_secret": "rp-secret-0123456789abcdef0123456789abcdef",
                "redirect_uris": [REDIRECT],
                "token_endpoint_auth_method": "client_secret_jwt",
                "token_endpoint_auth_signing_alg": "HS256",
                "x_vendor_extension": {"anything": true},
            })
            .to_string(),
        )
        .unwrap();
    assert_eq!(answer["token_endpoint_auth_signing_alg"], "HS256");
    assert_eq!(answer["ignored_metadata"], json!(["x_vendor_extension"]));
    let event = server.last_event().unwrap();
    assert_eq!(event.name, "client.registered");
    assert_eq!(event.details["ignored_metadata"], "x_vendor_extension");
}

/// Fault 2: metadata the server cannot honour was accepted and failed later (a 500 at
/// authorize, "expected one of []" at PAR). RFC 7591 §3.2.2: refused at registration, with
/// `invalid_client_metadata` and a description naming the member.
#[test]
fn metadata_the_server_cannot_honour_is_refused_at_registration() {
    let mut server = server(ProfileName::Hardened);
    let hs_jarm_without_secret = json!({
        "client_id": "pkj",
        "redirect_uris": [REDIRECT],
        "token_endpoint_auth_method": "private_key_jwt",
        "jwks": public_jwks(),
        "authorization_signed_response_alg": "HS256",
    });
    let refused = server
        .register_client_json(&hs_jarm_without_secret.to_string())
        .unwrap_err()
        .to_string();
    assert!(refused.starts_with("invalid_client_metadata: "), "{refused}");
    assert!(refused.contains("authorization_signed_response_alg"), "{refused}");
    assert!(server.client("pkj").is_none(), "nothing was registered");

    // Hardened verifies HS256 and RS256 request objects only.
    let unsupported_request_alg = json!({
        "client_id": "ro",
        "client_secret": "ro-secret-0123456789abcdef0123456789abcdef",
        "redirect_uris": [REDIRECT],
        "request_object_signing_alg": "PS256",
        "jwks": public_jwks(),
    });
    let refused = server
        .register_client_json(&unsupported_request_alg.to_string())
        .unwrap_err()
        .to_string();
    assert!(refused.starts_with("invalid_client_metadata: "), "{refused}");
    assert!(refused.contains("request_object_signing_alg"), "{refused}");
    assert!(
        refused.contains("HS256, RS256"),
        "names what the server supports: {refused}"
    );
}

/// A code flow for the public client `client_id` (scope openid): the token response.
fn code_flow(server: &mut AuthorizationServer, client_id: &str) -> Value {
    let query = form_encode([
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
        ("state", "s"),
        ("nonce", "n"),
        ("code_challenge", crypto::pkce_s256(VERIFIER).as_str()),
        ("code_challenge_method", "S256"),
    ]);
    let authorized = server.handle(&Request::get(format!("{ISSUER}/authorize?{query}")));
    let code = location_pairs(&authorized)
        .into_iter()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no code: {authorized:?}"));
    let form = form_encode([
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
        ("client_id", client_id),
    ]);
    let token = server.handle(&Request::form_post(format!("{ISSUER}/token"), form));
    assert_eq!(token.status, 200, "{}", token.body_text());
    serde_json::from_slice(&token.body).unwrap()
}

fn location_pairs(response: &Response) -> Vec<(String, String)> {
    let location = response
        .headers
        .get("Location")
        .unwrap_or_else(|| panic!("{response:?}"));
    UrlParts::split(location).unwrap().query_pairs()
}

/// Fault 3: a client that omits `id_token_signed_response_alg` got HS256, so a client without
/// a secret got a 500 at the token endpoint. OIDC Registration §2: the default is RS256.
#[test]
fn a_public_client_that_omits_the_id_token_alg_gets_rs256() {
    let mut server = server(ProfileName::Hardened);
    server
        .register_client_json(
            &json!({
                "client_id": "spa",
                "redirect_uris": [REDIRECT],
                "token_endpoint_auth_method": "none",
            })
            .to_string(),
        )
        .unwrap();
    let body = code_flow(&mut server, "spa");
    let id_token = crypto::decode_unverified(body["id_token"].as_str().unwrap()).unwrap();
    assert_eq!(id_token.alg, "RS256");
}

#[test]
fn the_registration_endpoint_issues_credentials_and_discovery_names_it() {
    let mut server = server(ProfileName::Hardened);
    assert_eq!(
        server.discovery()["registration_endpoint"],
        format!("{ISSUER}/register")
    );
    let mut request = Request::form_post(
        format!("{ISSUER}/register"),
        json!({"redirect_uris": [REDIRECT], "client_id": "mine"}).to_string(),
    );
    request.headers = oauth_playground::http::Headers::new();
    request.headers.append("Content-Type", "application/json");
    let response = server.handle(&request);
    assert_eq!(response.status, 201, "{}", response.body_text());
    let answer: Value = serde_json::from_slice(&response.body).unwrap();
    let client_id = answer["client_id"].as_str().unwrap();
    assert_ne!(client_id, "mine", "RFC 7591 §3.2.1: the server issues client_id");
    assert_eq!(answer["ignored_metadata"], json!(["client_id"]));
    assert_eq!(answer["client_id_issued_at"], NOW);
    assert_eq!(answer["client_secret_expires_at"], 0);
    let stored = server.client(client_id).unwrap();
    assert_eq!(
        stored.client_secret.as_ref().map(|s| s.expose()),
        answer["client_secret"].as_str()
    );
    assert_eq!(
        stored.token_endpoint_auth_method, "client_secret_basic",
        "RFC 7591 §2 default"
    );
}

#[test]
fn userinfo_answers_a_signed_jwt_when_the_client_registered_an_alg() {
    let mut server = server(ProfileName::Hardened);
    server
        .register_client_json(
            &json!({
                "client_id": "spa",
                "redirect_uris": [REDIRECT],
                "token_endpoint_auth_method": "none",
                "userinfo_signed_response_alg": "ES256",
            })
            .to_string(),
        )
        .unwrap();
    let tokens = code_flow(&mut server, "spa");
    let mut request = Request::get(format!("{ISSUER}/userinfo"));
    request.headers.append(
        "Authorization",
        format!("Bearer {}", tokens["access_token"].as_str().unwrap()),
    );
    let response = server.handle(&request);
    assert_eq!(response.status, 200, "{}", response.body_text());
    assert_eq!(response.headers.get("Content-Type"), Some("application/jwt"));
    let jwks = oauth_playground::jose::Jwks::from_json(&crypto::server_jwks().to_string()).unwrap();
    let (verified, _) = oauth_playground::jose::jws::verify_compact_with_jwks(
        &response.body_text(),
        &jwks,
        &[oauth_playground::jose::Algorithm::ES256],
    )
    .unwrap();
    let claims: Value = serde_json::from_slice(&verified.payload).unwrap();
    assert_eq!(
        (claims["iss"].as_str(), claims["aud"].as_str()),
        (Some(ISSUER), Some("spa"))
    );
    assert_eq!(claims["sub"], "alice");
}
