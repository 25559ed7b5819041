//! End-to-end flows through the mock authorization server and the properties scenarios do not
//! express: ID token hashes, discovery truthfulness, settings JSON, the event log and
//! counters, robustness against malformed input, redaction.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use oauth_playground::clock::FixedClock;
use oauth_playground::http::{Request, Response, Transport};
use oauth_playground::jose::jws::{self, ShortHmacKeys};
use oauth_playground::jose::{Algorithm, Jwk};
use oauth_playground::jose::{KeyMaterial, SecretBytes};
use oauth_playground::mock_as::replay::ReplayCache;
use oauth_playground::mock_as::{checks, crypto, profiles, AuthorizationServer, InProcessTransport, ProfileName};
use oauth_playground::protocol::{form_encode, UrlParts};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};

const ISSUER: &str = "https://mock.as.example";
const NOW: i64 = 1_800_000_000;
const SECRET: &str = "client-1-secret-0123456789abcdef0123456789";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

fn key() -> Jwk {
    Jwk::new(KeyMaterial::Oct {
        k: SecretBytes::new(SECRET.as_bytes().to_vec()),
    })
}

fn server(profile: ProfileName) -> (AuthorizationServer, Rc<FixedClock>) {
    let clock = Rc::new(FixedClock::at(NOW));
    let mut server = AuthorizationServer::new(
        profiles::preset(profile, ISSUER),
        Box::new(Rc::clone(&clock)),
        Box::new(ChaCha20Rng::seed_from_u64(1)),
    )
    .unwrap();
    server
        .register_client_json(
            &json!({
                "client_id": "client-1",
                "client_secret": SECRET,
                "redirect_uris": ["https://client.example/cb"],
                "response_types": ["code", "code id_token token", "id_token token"],
                // RFC 7591 §2.1: the implicit and hybrid types need the implicit grant; the spec's
                // default is authorization_code alone.
                "grant_types": ["authorization_code", "implicit", "refresh_token"],
                "token_endpoint_auth_method": "client_secret_post",
                // These tests verify ID tokens and JARM responses with the secret; the specs'
                // defaults are RS256 (OIDC Registration §2, JARM §3).
                "id_token_signed_response_alg": "HS256",
                "authorization_signed_response_alg": "HS256",
            })
            .to_string(),
        )
        .unwrap();
    (server, clock)
}

fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

fn request_object(claims: Value) -> String {
    let header = json!({"alg": "HS256", "typ": "oauth-authz-req+jwt"}).to_string();
    jws::sign_compact(&header, claims.to_string().as_bytes(), &key(), ShortHmacKeys::Refuse).unwrap()
}

fn callback(response: &Response) -> Vec<(String, String)> {
    let parts = UrlParts::split(response.headers.get("Location").unwrap()).unwrap();
    parts.query_pairs().into_iter().chain(parts.fragment_pairs()).collect()
}

fn get<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {pairs:?}"))
}

fn verified_claims(jwt: &str) -> Value {
    let verified = jws::verify_compact(jwt, &key(), &Algorithm::ALL).unwrap();
    serde_json::from_slice(&verified.payload).unwrap()
}

#[test]
fn par_jar_jarm_token_userinfo_through_the_transport() {
    let (server, _clock) = server(ProfileName::Hardened);
    let transport = InProcessTransport::new(Rc::new(RefCell::new(server)));

    let discovery =
        block_on(transport.send(Request::get(format!("{ISSUER}/.well-known/openid-configuration")))).unwrap();
    let metadata: Value = serde_json::from_slice(&discovery.body).unwrap();
    let par_endpoint = metadata["pushed_authorization_request_endpoint"]
        .as_str()
        .unwrap()
        .to_string();

    let jar = request_object(json!({
        "iss": "client-1", "aud": ISSUER, "iat": NOW, "nbf": NOW, "exp": NOW + 120, "jti": "j-1",
        "client_id": "client-1", "response_type": "code", "response_mode": "jwt",
        "redirect_uri": "https://client.example/cb", "scope": "openid", "state": "s", "nonce": "n",
        "code_challenge": crypto::pkce_s256(VERIFIER), "code_challenge_method": "S256",
    }));
    let body = form_encode([
        ("client_id", "client-1"),
        ("client_secret", SECRET),
        ("request", jar.as_str()),
    ]);
    let pushed = block_on(transport.send(Request::form_post(par_endpoint, body))).unwrap();
    assert_eq!(pushed.status, 201, "{}", pushed.body_text());
    let pushed: Value = serde_json::from_slice(&pushed.body).unwrap();
    assert_eq!(pushed["expires_in"], 60);
    let request_uri = pushed["request_uri"].as_str().unwrap();
    assert!(request_uri.starts_with("urn:ietf:params:oauth:request_uri:"));

    let query = form_encode([("client_id", "client-1"), ("request_uri", request_uri)]);
    let authorized = block_on(transport.send(Request::get(format!("{ISSUER}/authorize?{query}")))).unwrap();
    assert_eq!(authorized.status, 302);
    let pairs = callback(&authorized);
    let jarm = verified_claims(get(&pairs, "response"));
    assert_eq!(jarm["iss"], ISSUER);
    assert_eq!(jarm["aud"], "client-1");
    assert_eq!(jarm["state"], "s");
    assert_eq!(jarm["exp"], NOW + 300);
    let code = jarm["code"].as_str().unwrap();

    let body = form_encode([
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", "https://client.example/cb"),
        ("code_verifier", VERIFIER),
        ("client_id", "client-1"),
        ("client_secret", SECRET),
    ]);
    let tokens = block_on(transport.send(Request::form_post(format!("{ISSUER}/token"), body))).unwrap();
    assert_eq!(tokens.status, 200, "{}", tokens.body_text());
    assert_eq!(tokens.headers.get("cache-control"), Some("no-store"));
    let tokens: Value = serde_json::from_slice(&tokens.body).unwrap();
    let id_token = verified_claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id_token["nonce"], "n");
    assert_eq!(id_token["sub"], "alice");
    assert_eq!(
        id_token["at_hash"],
        crypto::half_hash("HS256", tokens["access_token"].as_str().unwrap())
    );

    let mut userinfo = Request::get(format!("{ISSUER}/userinfo"));
    userinfo.headers.append(
        "Authorization",
        format!("Bearer {}", tokens["access_token"].as_str().unwrap()),
    );
    let userinfo = block_on(transport.send(userinfo)).unwrap();
    assert_eq!(userinfo.status, 200);
    let claims: Value = serde_json::from_slice(&userinfo.body).unwrap();
    assert_eq!(claims["email"], "alice@example.com");

    let server = transport.server().borrow();
    let counters = server.counters();
    assert_eq!(
        counters.get("jar_requests_total{mode=\"par\",outcome=\"success\",alg=\"HS256\",replay=\"false\"}"),
        Some(&1),
        "{counters:?}"
    );
    assert_eq!(
        counters.get("jarm_responses_total{mode=\"query.jwt\",outcome=\"success\"}"),
        Some(&1)
    );
    assert!(server
        .events()
        .any(|e| e.name == "jarm.issued" && e.category == "auth.security"));
}

#[test]
fn hybrid_id_token_carries_c_hash_and_at_hash() {
    // OIDC Core §3.3.2.11: c_hash and at_hash are REQUIRED for `code id_token token`.
    let (mut server, _clock) = server(ProfileName::Hardened);
    let query = form_encode([
        ("client_id", "client-1"),
        ("response_type", "code id_token token"),
        ("redirect_uri", "https://client.example/cb"),
        ("scope", "openid"),
        ("nonce", "n-7"),
        ("code_challenge", &crypto::pkce_s256(VERIFIER)),
        ("code_challenge_method", "S256"),
    ]);
    let response = server.handle(&Request::get(format!("{ISSUER}/authorize?{query}")));
    assert_eq!(response.status, 302);
    assert!(response.headers.get("Location").unwrap().contains('#'));
    let pairs = callback(&response);
    let id_token = verified_claims(get(&pairs, "id_token"));
    assert_eq!(id_token["c_hash"], crypto::half_hash("HS256", get(&pairs, "code")));
    assert_eq!(
        id_token["at_hash"],
        crypto::half_hash("HS256", get(&pairs, "access_token"))
    );
    assert_eq!(id_token["nonce"], "n-7");
    assert_eq!(id_token["auth_time"], NOW);
}

#[test]
fn a_replayed_code_revokes_the_tokens_it_produced() {
    // RFC 6749 §4.1.2: "SHOULD revoke … all tokens previously issued based on that code".
    let (mut server, _clock) = server(ProfileName::Hardened);
    let query = form_encode([
        ("client_id", "client-1"),
        ("response_type", "code"),
        ("scope", "openid"),
        ("code_challenge", &crypto::pkce_s256(VERIFIER)),
        ("code_challenge_method", "S256"),
    ]);
    let pairs = callback(&server.handle(&Request::get(format!("{ISSUER}/authorize?{query}"))));
    let body = form_encode([
        ("grant_type", "authorization_code"),
        ("code", get(&pairs, "code")),
        ("redirect_uri", "https://client.example/cb"),
        ("code_verifier", VERIFIER),
        ("client_id", "client-1"),
        ("client_secret", SECRET),
    ]);
    let first = server.handle(&Request::form_post(format!("{ISSUER}/token"), body.clone()));
    let access: Value = serde_json::from_slice(&first.body).unwrap();
    let second = server.handle(&Request::form_post(format!("{ISSUER}/token"), body));
    assert_eq!(second.status, 400);
    assert_eq!(server.last_event().unwrap().check, Some("token.code_reused"));
    let mut userinfo = Request::get(format!("{ISSUER}/userinfo"));
    userinfo.headers.append(
        "Authorization",
        format!("Bearer {}", access["access_token"].as_str().unwrap()),
    );
    assert_eq!(server.handle(&userinfo).status, 401);
}

#[test]
fn discovery_follows_the_settings_every_time() {
    let (mut server, _clock) = server(ProfileName::Hardened);
    let before = server.discovery();
    assert_eq!(before["require_pushed_authorization_requests"], false);
    assert!(before["response_modes_supported"]
        .as_array()
        .unwrap()
        .contains(&json!("jwt")));
    assert_eq!(before["authorization_response_iss_parameter_supported"], true);
    assert_eq!(
        before["request_object_signing_alg_values_supported"],
        json!(["HS256", "RS256"])
    );
    assert_eq!(before["code_challenge_methods_supported"], json!(["S256"]));
    for field in [
        "request_parameter_supported",
        "request_uri_parameter_supported",
        "require_signed_request_object",
        "authorization_signing_alg_values_supported",
        "pushed_authorization_request_endpoint",
        "token_endpoint_auth_methods_supported",
    ] {
        assert!(before.get(field).is_some(), "{field} missing");
    }

    server
        .configure_json(r#"{"par_mode":"required","jarm_enabled":false,"pkce_plain_allowed":true,"require_signed_request_object":true}"#)
        .unwrap();
    let after = server.discovery();
    assert_eq!(after["require_pushed_authorization_requests"], true);
    assert_eq!(after["require_signed_request_object"], true);
    assert!(!after["response_modes_supported"]
        .as_array()
        .unwrap()
        .contains(&json!("jwt")));
    assert!(after.get("authorization_signing_alg_values_supported").is_none());
    assert_eq!(after["code_challenge_methods_supported"], json!(["S256", "plain"]));

    server.configure_json(r#"{"par_mode":"disabled"}"#).unwrap();
    let off = server.discovery();
    assert!(off.get("pushed_authorization_request_endpoint").is_none());
    assert_eq!(off["request_uri_parameter_supported"], false);
}

#[test]
fn settings_and_clients_round_trip_as_json() {
    let (mut server, _clock) = server(ProfileName::Hardened);
    // PingOne refuses requireSignedRequestObject and supportUnsignedRequestObject together.
    let refused =
        server.configure_json(r#"{"require_signed_request_object":true,"allow_unsigned_request_object":true}"#);
    assert!(refused.is_err());
    assert_eq!(
        server.settings().profile,
        ProfileName::Hardened,
        "a refused patch changes nothing"
    );

    server.configure_json(r#"{"profile":"ping_one"}"#).unwrap();
    assert_eq!(server.settings().profile, ProfileName::PingOne);
    assert!(server.settings().description.contains("ASSUMPTIONS"));
    assert!(server.configure_json(r#"{"par_request_uri_lifetime":601}"#).is_err());
    server.configure_json(r#"{"par_request_uri_lifetime":600}"#).unwrap();
    assert!(server.configure_json(r#"{"no_such_setting":1}"#).is_err());

    let settings = server.settings_json();
    let text = settings.to_string();
    server.configure_json(&text).unwrap();
    assert_eq!(server.settings_json(), settings);

    let registered = server
        .register_client_json(
            r#"{"client_id":"spa","token_endpoint_auth_method":"none","redirect_uris":["https://spa.example/"]}"#,
        )
        .unwrap();
    assert_eq!(registered["client_id"], "spa");
    assert_eq!(registered["jar_mode"], "optional");
    assert!(server
        .register_client_json(r#"{"client_id":"x","token_endpoint_auth_method":"magic"}"#)
        .is_err());
    assert!(server.register_client_json(r#"{"client_id":""}"#).is_err());
}

#[test]
fn jar_failures_become_security_events_with_claim_values() {
    let (mut server, _clock) = server(ProfileName::Hardened);
    let jar = request_object(json!({
        "iss": "client-1", "aud": ISSUER, "iat": NOW, "exp": NOW - 100, "jti": "j-9",
        "client_id": "client-1", "response_type": "code", "redirect_uri": "https://client.example/cb",
    }));
    let query = form_encode([("client_id", "client-1"), ("request", jar.as_str())]);
    let response = server.handle(&Request::get(format!("{ISSUER}/authorize?{query}")));
    assert_eq!(response.status, 302);
    assert_eq!(get(&callback(&response), "error"), "invalid_request_object");
    let event = server.last_event().unwrap().clone();
    assert_eq!(event.name, "jar.validation_failed");
    assert_eq!(event.category, "auth.security");
    assert_eq!(event.check, Some("jar.exp_passed"));
    assert_eq!(event.clause, Some("RFC 7519 §4.1.4"));
    assert_eq!(event.client_id.as_deref(), Some("client-1"));
    assert_eq!(event.details.get("exp").map(String::as_str), Some("1799999900"));
    assert_eq!(event.details.get("alg").map(String::as_str), Some("HS256"));
    assert!(event.details.contains_key("expected") && event.details.contains_key("actual"));
    assert_eq!(
        server
            .counters()
            .get("jar_requests_total{mode=\"by_value\",outcome=\"failure\",alg=\"HS256\",replay=\"false\"}"),
        Some(&1)
    );
    let events = server.events_json();
    assert_eq!(events.as_array().unwrap().last().unwrap()["check"], "jar.exp_passed");
}

#[test]
fn the_event_log_stays_bounded() {
    let (mut server, _clock) = server(ProfileName::Hardened);
    server.configure_json(r#"{"event_log_capacity":5}"#).unwrap();
    for _ in 0..50 {
        server.handle(&Request::get(format!("{ISSUER}/.well-known/openid-configuration")));
    }
    assert_eq!(server.events().count(), 5);
}

#[test]
fn malformed_input_never_panics() {
    let (mut server, _clock) = server(ProfileName::Hardened);
    let mut rng = ChaCha20Rng::seed_from_u64(99);
    let paths = [
        "/authorize",
        "/par",
        "/token",
        "/userinfo",
        "/jwks",
        "/.well-known/openid-configuration",
        "/x",
    ];
    let nasty = [
        "request=...",
        "request=a.b.c&client_id=client-1",
        "client_id=client-1&request=eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjFlMzAwfQ.x",
        "client_id=client-1&request=eyJhbGciOiJub25lIn0.eyJleHAiOi05MjIzMzcyMDM2ODU0Nzc1ODA4fQ.",
        "client_id=client-1&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A",
        "client_id=%FF%FE&redirect_uri=%00",
        "grant_type=authorization_code&code=&client_assertion=..&client_assertion_type=x",
        "client_id=client-1&response_type=code%20code%20code&response_mode=jwt&redirect_uri=https%3A%2F%2Fclient.example%2Fcb",
    ];
    for path in paths {
        for body in nasty {
            let mut post = Request::form_post(format!("{ISSUER}{path}"), body);
            post.headers.append("Authorization", "Basic !!!");
            server.handle(&post);
            server.handle(&Request::get(format!("{ISSUER}{path}?{body}")));
        }
        for _ in 0..200 {
            let mut bytes = vec![0u8; (rng.next_u32() % 300) as usize];
            rng.fill_bytes(&mut bytes);
            let mut request = Request::form_post(format!("{ISSUER}{path}"), bytes.clone());
            request
                .headers
                .append("Authorization", String::from_utf8_lossy(&bytes).into_owned());
            server.handle(&request);
            server.handle(&Request::get(format!(
                "{ISSUER}{path}?{}",
                String::from_utf8_lossy(&bytes)
            )));
        }
    }
    for url in [
        "",
        "https://",
        "https://mock.as.example",
        "mock.as.example/authorize",
        "https://mock.as.example#?",
    ] {
        server.handle(&Request::get(url));
    }
}

#[test]
fn secrets_redact_themselves_in_debug() {
    let (server, _clock) = server(ProfileName::Hardened);
    let shown = format!("{:?} {:?}", server, server.client("client-1").unwrap());
    assert!(!shown.contains(SECRET), "{shown}");
}

#[test]
fn the_check_table_is_complete_and_documented() {
    let table = checks();
    assert!(table.len() >= 60);
    for check in table {
        assert!(check.code.contains('.'), "{}", check.code);
        assert!(!check.clause.is_empty() && !check.summary.is_empty(), "{}", check.code);
        assert!(matches!(check.status, 400 | 401 | 405 | 413 | 500), "{}", check.code);
    }
    // The JSON the UI lists.
    let json = serde_json::to_value(table).unwrap();
    assert_eq!(json[0]["code"], "par.method_not_allowed");
}

#[test]
fn replay_cache_stays_bounded_under_load() {
    let mut cache = ReplayCache::new(1000);
    for n in 0..200_000i64 {
        assert!(cache.insert(&format!("jti-{n}"), NOW + 300, NOW + n / 1000));
    }
    assert_eq!(cache.len(), 1000);
    assert!(!cache.insert("jti-199999", NOW + 300, NOW + 200));
}

#[test]
fn pingone_layout_routes_under_the_issuer_path() {
    // PingOne: issuer https://auth.pingone.com/{envId}/as, endpoints {issuer}/authorize, /par, …
    let issuer = "https://auth.pingone.com/env-1/as";
    let clock = Rc::new(FixedClock::at(NOW));
    let mut server = AuthorizationServer::new(
        profiles::preset(ProfileName::PingOne, issuer),
        Box::new(Rc::clone(&clock)),
        Box::new(ChaCha20Rng::seed_from_u64(3)),
    )
    .unwrap();
    let discovery = server.handle(&Request::get(format!("{issuer}/.well-known/openid-configuration")));
    assert_eq!(discovery.status, 200);
    let metadata: Value = serde_json::from_slice(&discovery.body).unwrap();
    assert_eq!(
        metadata["pushed_authorization_request_endpoint"],
        "https://auth.pingone.com/env-1/as/par"
    );
    assert_eq!(
        metadata["authorization_endpoint"],
        "https://auth.pingone.com/env-1/as/authorize"
    );
    assert_eq!(
        metadata["response_modes_supported"],
        json!(["query", "fragment", "form_post"])
    );
    assert_eq!(server.handle(&Request::get(format!("{issuer}/jwks"))).status, 200);
    assert_eq!(
        server
            .handle(&Request::get("https://auth.pingone.com/other/as/jwks"))
            .status,
        404
    );
}

#[test]
fn the_client_registry_lists_and_removes_clients() {
    let (mut server, _clock) = server(ProfileName::Hardened);
    let listed = server.clients_json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["client_id"], "client-1");
    assert_eq!(server.clients().count(), 1);
    assert!(server.unregister_client("client-1"));
    assert!(!server.unregister_client("client-1"), "a second removal finds nothing");
    assert_eq!(server.clients_json(), json!([]));
}

#[test]
fn redirect_uris_must_be_absolute_and_without_a_fragment() {
    // RFC 6749 §3.1.2.
    let (mut server, _clock) = server(ProfileName::Hardened);
    let register = |server: &mut AuthorizationServer, uri: &str| {
        server
            .register_client_json(
                &json!({"client_id": "c2", "redirect_uris": [uri], "token_endpoint_auth_method": "none"}).to_string(),
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    let fragment = register(&mut server, "https://client.example/cb#section").unwrap_err();
    assert!(fragment.contains("has a fragment"), "{fragment}");
    let relative = register(&mut server, "/cb").unwrap_err();
    assert!(relative.contains("not an absolute URI"), "{relative}");
    assert_eq!(server.clients().count(), 1, "nothing refused was registered");
    register(&mut server, "https://client.example/cb?from=registration").unwrap();
    // A native app's private-use scheme (RFC 8252 §7.1) is absolute too.
    register(&mut server, "com.example.app:/oauth2redirect").unwrap();
}

#[test]
fn a_settings_patch_that_is_not_an_object_is_refused() {
    let (mut server, _clock) = server(ProfileName::Hardened);
    let before = server.settings_json();
    let err = server.configure_json("[\"strict\"]").unwrap_err();
    assert_eq!(err.to_string(), "settings must be a JSON object");
    assert_eq!(server.settings_json(), before, "a refused patch changes nothing");
}

#[test]
fn the_check_table_is_published_as_json_in_table_order() {
    let published = AuthorizationServer::checks_json();
    let codes: Vec<&str> = published
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    let table: Vec<&str> = checks().iter().map(|c| c.code).collect();
    assert_eq!(codes, table);
}

#[test]
fn clearing_the_event_log_keeps_the_server_serving() {
    let (mut server, clock) = server(ProfileName::Hardened);
    assert_eq!(server.issuer(), ISSUER);
    assert_eq!(server.now(), NOW);
    clock.advance(5);
    assert_eq!(server.now(), NOW + 5, "the server reads the injected clock");
    let refused = server.handle(&Request::get(format!("{ISSUER}/authorize?client_id=nobody")));
    assert_eq!(refused.status, 400);
    assert!(server.events().count() > 0);
    server.clear_events();
    assert_eq!(server.events().count(), 0);
    assert_eq!(server.events_json(), json!([]));
}

#[test]
fn stored_requests_and_codes_do_not_show_their_parameters_in_debug() {
    use oauth_playground::mock_as::tokens::{AuthorizationCode, PushedRequest};
    let pushed = PushedRequest {
        client_id: "client-1".into(),
        params: [("login_hint".to_string(), "alice@example.com".to_string())].into(),
        expires_at: NOW + 60,
        used: false,
        request_object_alg: Some("HS256".into()),
    };
    let shown = format!("{pushed:?}");
    assert!(shown.contains("client-1") && shown.contains("used: false"), "{shown}");
    assert!(!shown.contains("alice@example.com"), "{shown}");

    let code = AuthorizationCode {
        client_id: "client-1".into(),
        redirect_uri: "https://client.example/cb".into(),
        code_challenge: Some((VERIFIER.into(), "plain".into())),
        nonce: Some("n-secret".into()),
        scope: "openid".into(),
        auth_time: NOW,
        expires_at: NOW + 60,
        used: true,
        grant: "g1".into(),
        resources: vec!["https://api.example/".into()],
        dpop_jkt: None,
    };
    let shown = format!("{code:?}");
    assert!(
        shown.contains("https://client.example/cb") && shown.contains("used: true"),
        "{shown}"
    );
    for hidden in [VERIFIER, "n-secret"] {
        assert!(!shown.contains(hidden), "{hidden} shown in {shown}");
    }
}

/// The ticket on a consent page.
fn consent_ticket(page: &Response) -> String {
    assert_eq!(page.status, 200, "expected the consent page: {}", page.body_text());
    page.body_text()
        .split("name=\"ticket\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string()
}

#[test]
fn waiting_consents_are_bounded_and_the_oldest_gives_way() {
    // The clock stands still (as in reproducible mode): every page expires at the same second.
    let (mut server, _clock) = server(ProfileName::Lenient);
    server.configure_json(r#"{"consent_step":true}"#).unwrap();
    let page = |server: &mut AuthorizationServer, n: usize| {
        let query = form_encode([
            ("client_id", "client-1"),
            ("response_type", "code"),
            ("redirect_uri", "https://client.example/cb"),
            ("scope", "openid"),
            ("state", &format!("s-{n}")),
            ("nonce", "n"),
            ("code_challenge", &crypto::pkce_s256(VERIFIER)),
            ("code_challenge_method", "S256"),
        ]);
        consent_ticket(&server.handle(&Request::get(format!("{ISSUER}/authorize?{query}"))))
    };
    let tickets: Vec<String> = (0..65).map(|n| page(&mut server, n)).collect();
    let decide = |server: &mut AuthorizationServer, ticket: &str| {
        let body = form_encode([("ticket", ticket), ("decision", "approve")]);
        server.handle(&Request::form_post(format!("{ISSUER}/authorize/consent"), body))
    };
    // 64 may wait: the 65th page pushed out the first, and only the first.
    let first = decide(&mut server, &tickets[0]);
    assert_ne!(first.status, 302, "the oldest page should be gone");
    assert!(first.body_text().contains("consent"), "{}", first.body_text());
    for (n, ticket) in tickets.iter().enumerate().skip(1) {
        let answer = decide(&mut server, ticket);
        assert_eq!(answer.status, 302, "page {n}: {}", answer.body_text());
        assert_eq!(get(&callback(&answer), "state"), format!("s-{n}"));
    }
}
