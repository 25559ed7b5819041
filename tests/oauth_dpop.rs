//! DPoP (RFC 9449): the RFC's own examples, the client's proof builder, and the client engine
//! against the in-process server with DPoP on — the nonce round trip in the timeline, the
//! code bound at PAR, a `cnf.jkt`-bound token at userinfo, and the refresh with the same key.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod oauth_common;

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use oauth_common::{backend, key, rng, run};
use oauth_playground::clock::FixedClock;
use oauth_playground::http::{Request, Response, Transport, TransportError};
use oauth_playground::jose::jws::{self, decode_unverified};
use oauth_playground::jose::{Algorithm, Jwk};
use oauth_playground::mock_as::{crypto, profiles, AuthorizationServer, InProcessTransport, ProfileName};
use oauth_playground::oauth::dpop::access_token_hash;
use oauth_playground::oauth::{
    run_flow, AuthorizationRequest, Config, Delivery, DpopKey, DpopProof, FlowOptions, FlowRun, TimelineEvent,
};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};

const ISSUER: &str = "https://mock.as.example";
const REDIRECT: &str = "https://client.example/cb";
const NOW: i64 = 1_800_000_000;

/// RFC 9449 §4.2 Figure 4 / §6.1: the example proof key (public).
const RFC_KEY: &str = r#"{"kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA","crv":"P-256"}"#;
/// RFC 9449 §6.1 Figure 9: its JWK SHA-256 thumbprint.
const RFC_JKT: &str = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";
/// RFC 9449 §7.1 Figure 12: the example access token, and the `ath` of Figure 14.
const RFC_ACCESS_TOKEN: &str = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";
const RFC_ATH: &str = "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo";
/// RFC 9449 §4.1 Figure 2: the proof of a token request (POST https://server.example.com/token
/// at iat 1562262616), signed with the key above.
const RFC_PROOF: &str = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg";

#[test]
fn rfc9449_section_6_1_jkt_of_the_example_key() {
    assert_eq!(Jwk::from_json(RFC_KEY).unwrap().thumbprint(), RFC_JKT);
}

#[test]
fn rfc9449_section_7_1_ath_of_the_example_token() {
    assert_eq!(access_token_hash(RFC_ACCESS_TOKEN), RFC_ATH);
    // The server computes it the same way.
    assert_eq!(crypto::access_token_hash(RFC_ACCESS_TOKEN), RFC_ATH);
}

/// The RFC's proof at a server whose token endpoint is the proof's `htu`, at its `iat`: every
/// proof check passes (the request then stops at client authentication, since it has none);
/// one changed signature byte stops it at `dpop.signature_invalid`.
#[test]
fn rfc9449_figure_2_proof_passes_the_server_checks() {
    let last_check = |proof: &str| {
        let clock = Rc::new(FixedClock::at(1_562_262_616));
        let mut server = AuthorizationServer::new(
            profiles::preset(ProfileName::Hardened, "https://server.example.com"),
            Box::new(clock),
            Box::new(ChaCha20Rng::seed_from_u64(1)),
        )
        .unwrap();
        let mut request = Request::form_post(
            "https://server.example.com/token",
            "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&client_id=s6BhdRkqt3",
        );
        request.headers.append("DPoP", proof);
        let answer = server.handle(&request);
        assert_ne!(answer.status, 200);
        server.last_event().and_then(|e| e.check).unwrap_or("(none)")
    };
    assert_eq!(last_check(RFC_PROOF), "client.unknown");
    let mut tampered = RFC_PROOF.to_string();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'g' { 'h' } else { 'g' });
    assert_eq!(last_check(&tampered), "dpop.signature_invalid");
}

#[test]
fn a_proof_carries_the_public_key_only_and_names_the_request() {
    let private = key(Algorithm::ES256, 70);
    let dpop = DpopKey::new(private.clone(), Algorithm::ES256).unwrap();
    let proof = DpopProof::new("GET", "https://rs.example/api?x=1#frag", NOW, "jti-1")
        .access_token(RFC_ACCESS_TOKEN)
        .nonce(Some("n-1"));
    let signed = run(proof.sign(&dpop, &backend())).unwrap();
    let decoded = decode_unverified(&signed).unwrap();
    assert_eq!(decoded.header["typ"], "dpop+jwt");
    assert_eq!(decoded.header["alg"], "ES256");
    let jwk = decoded.header["jwk"].as_object().unwrap();
    assert!(!jwk.contains_key("d") && !jwk.contains_key("kid"), "{jwk:?}");
    let claims: Value = serde_json::from_slice(&decoded.payload).unwrap();
    assert_eq!(
        claims,
        json!({"jti": "jti-1", "htm": "GET", "htu": "https://rs.example/api", "iat": NOW, "ath": RFC_ATH, "nonce": "n-1"})
    );
    // It verifies with the key in its own header, whose thumbprint is the key's jkt.
    let embedded = Jwk::from_json(&Value::Object(jwk.clone()).to_string()).unwrap();
    jws::verify_compact(&signed, &embedded, &[Algorithm::ES256]).unwrap();
    assert_eq!(embedded.thumbprint(), dpop.jkt());
    assert_eq!(dpop.jkt(), private.to_public().unwrap().thumbprint());
}

#[test]
fn symmetric_or_public_keys_cannot_make_proofs() {
    assert!(DpopKey::new(key(Algorithm::HS256, 71), Algorithm::HS256).is_err());
    assert!(DpopKey::new(key(Algorithm::ES256, 72).to_public().unwrap(), Algorithm::ES256).is_err());
    assert!(DpopKey::new(key(Algorithm::ES256, 73), Algorithm::RS256).is_err());
}

/// A public client (PAR, PKCE, no secret) on a server that requires DPoP nonces and issues
/// JWT access tokens.
fn server(settings: Value) -> InProcessTransport {
    let clock = Rc::new(FixedClock::at(NOW));
    let mut server = AuthorizationServer::new(
        profiles::preset(ProfileName::Hardened, ISSUER),
        Box::new(clock),
        Box::new(ChaCha20Rng::seed_from_u64(5)),
    )
    .unwrap();
    server.configure_json(&settings.to_string()).unwrap();
    server
        .register_client_json(
            &json!({
                "client_id": "spa",
                "redirect_uris": [REDIRECT],
                "grant_types": ["authorization_code", "refresh_token"],
                "token_endpoint_auth_method": "none",
                "dpop_bound_access_tokens": true,
            })
            .to_string(),
        )
        .unwrap();
    InProcessTransport::new(Rc::new(RefCell::new(server)))
}

fn dpop_config(delivery: Delivery) -> (Config, DpopKey) {
    let mut request = AuthorizationRequest::new("spa", REDIRECT);
    request.scope = Some("openid profile".into());
    let mut config = Config::new(ISSUER, request);
    config.delivery = delivery;
    config.request_object_alg = None;
    let dpop = DpopKey::new(key(Algorithm::ES256, 74), Algorithm::ES256).unwrap();
    config.dpop = Some(dpop.clone());
    (config, dpop)
}

fn drive(transport: &impl Transport, config: &Config) -> FlowRun {
    let clock = FixedClock::at(NOW);
    let options = FlowOptions {
        refresh: true,
        ..FlowOptions::default()
    };
    run(run_flow(config, transport, &backend(), &clock, &mut rng(), &options))
}

fn exchanges(run: &FlowRun) -> Vec<(&'static str, &Request, &Response)> {
    run.exchanges().collect()
}

#[test]
fn dpop_flow_with_nonces_binds_par_token_userinfo_and_refresh() {
    let transport = server(json!({ "dpop_nonce_required": true, "access_token_format": "jwt" }));
    let (config, dpop) = dpop_config(Delivery::Par);
    let run = drive(&transport, &config);
    assert!(run.succeeded(), "{:?}", run.error);

    let steps: Vec<&str> = exchanges(&run).iter().map(|(s, _, _)| *s).collect();
    assert_eq!(
        steps,
        [
            "discovery",
            "jwks",
            "par",
            "par (DPoP nonce retry)",
            "authorize",
            "token",
            "refresh",
            "userinfo"
        ]
    );
    // The nonce round trip: the first PAR is refused with use_dpop_nonce and the nonce; the
    // retry's proof carries that nonce.
    let all = exchanges(&run);
    let (_, _, refused) = all[2];
    assert_eq!(refused.status, 400);
    assert!(refused.body_text().contains("use_dpop_nonce"));
    let nonce = refused.headers.get("DPoP-Nonce").unwrap();
    let (_, retried, accepted) = all[3];
    assert_eq!(accepted.status, 201);
    let proof_claims = |request: &Request| -> Value {
        let proof = request.headers.get("DPoP").expect("a DPoP header");
        serde_json::from_slice(&decode_unverified(proof).unwrap().payload).unwrap()
    };
    assert_eq!(proof_claims(retried)["nonce"], nonce);
    assert_eq!(proof_claims(retried)["htu"], format!("{ISSUER}/par"));

    // Every request after discovery carries exactly one proof, each with its own jti.
    let mut jtis = HashSet::new();
    for (step, request, _) in all.iter().skip(2).filter(|(s, _, _)| *s != "authorize") {
        let proofs = request
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("DPoP"))
            .count();
        assert_eq!(proofs, 1, "{step}");
        assert!(jtis.insert(proof_claims(request)["jti"].as_str().unwrap().to_string()));
    }

    // The token is DPoP-bound: token_type DPoP, cnf.jkt = the key's thumbprint.
    let tokens = run.outcome.tokens.as_ref().unwrap();
    assert_eq!(tokens.token_type, "DPoP");
    let access = decode_unverified(tokens.access_token.expose()).unwrap();
    let claims: Value = serde_json::from_slice(&access.payload).unwrap();
    assert_eq!(claims["cnf"]["jkt"], dpop.jkt());
    assert_eq!(run.outcome.refreshed.as_ref().unwrap().token_type, "DPoP");

    // Userinfo: the DPoP scheme with the refreshed token, a proof with its ath.
    let (_, userinfo, answer) = *all.last().unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body_text());
    let refreshed = run
        .outcome
        .refreshed
        .as_ref()
        .unwrap()
        .access_token
        .expose()
        .to_string();
    assert_eq!(
        userinfo.headers.get("Authorization").unwrap(),
        format!("DPoP {refreshed}")
    );
    assert_eq!(proof_claims(userinfo)["ath"], access_token_hash(&refreshed));
    assert_eq!(proof_claims(userinfo)["htm"], "GET");
    assert!(run.outcome.userinfo.is_some());

    // The timeline shows every proof decoded, the retry's under its own name.
    let proof_steps: Vec<&str> = run
        .timeline
        .iter()
        .filter_map(|e| match e {
            TimelineEvent::Jwt { step, .. } if step.starts_with("dpop_proof") => Some(*step),
            _ => None,
        })
        .collect();
    assert_eq!(
        proof_steps,
        [
            "dpop_proof (par)",
            "dpop_proof (par, nonce retry)",
            "dpop_proof (token)",
            "dpop_proof (refresh)",
            "dpop_proof (userinfo)"
        ]
    );
}

#[test]
fn dpop_with_a_plain_redirect_binds_the_code_with_dpop_jkt() {
    let transport = server(json!({}));
    let (config, dpop) = dpop_config(Delivery::Plain);
    let run = drive(&transport, &config);
    assert!(run.succeeded(), "{:?}", run.error);
    let all = exchanges(&run);
    let (_, authorize, _) = all.iter().find(|(s, _, _)| *s == "authorize").unwrap();
    assert!(
        authorize.url.contains(&format!("dpop_jkt={}", dpop.jkt())),
        "{}",
        authorize.url
    );
    // No nonce required here: no retry.
    assert!(!all.iter().any(|(s, _, _)| s.contains("retry")));
    assert_eq!(run.outcome.tokens.as_ref().unwrap().token_type, "DPoP");
}

#[test]
fn without_dpop_the_flow_keeps_bearer_tokens_and_sends_no_proof() {
    let transport = server(json!({}));
    let (mut config, _) = dpop_config(Delivery::Par);
    config.dpop = None;
    // The client registered dpop_bound_access_tokens: the server refuses the token request.
    let run = drive(&transport, &config);
    assert_eq!(run.error.as_ref().map(|e| e.code()), Some("token.status"));
    for (_, request, _) in exchanges(&run) {
        assert!(request.headers.get("DPoP").is_none());
        assert!(!request.url.contains("dpop_jkt") && !request.body_text_contains("dpop_jkt"));
    }
    let (_, _, refused) = *exchanges(&run).last().unwrap();
    assert!(refused.body_text().contains("dpop.proof_required"));
}

/// A server that answers the token request with `token_type: Bearer` despite the proof.
struct BearerDowngrade(InProcessTransport);

impl Transport for BearerDowngrade {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let is_token = request.url.ends_with("/token");
        let mut response = self.0.send(request).await?;
        if is_token && response.status == 200 {
            let mut body: Value = serde_json::from_slice(&response.body).unwrap();
            body["token_type"] = json!("Bearer");
            response.body = body.to_string().into_bytes();
        }
        Ok(response)
    }
}

#[test]
fn a_bearer_answer_to_a_dpop_token_request_is_refused() {
    let transport = BearerDowngrade(server(json!({})));
    let (config, _) = dpop_config(Delivery::Par);
    let run = drive(&transport, &config);
    assert_eq!(run.error.as_ref().map(|e| e.code()), Some("token.token_type_not_dpop"));
}

trait BodyText {
    fn body_text_contains(&self, needle: &str) -> bool;
}

impl BodyText for Request {
    fn body_text_contains(&self, needle: &str) -> bool {
        String::from_utf8_lossy(&self.body).contains(needle)
    }
}

/// Proof keys of every family the issue names sign proofs the server verifies: the same flow
/// with ES256, PS256, RS256 and EdDSA keys.
#[test]
fn proofs_of_every_key_family_are_accepted() {
    for (alg, seed) in [
        (Algorithm::ES256, 80),
        (Algorithm::PS256, 81),
        (Algorithm::RS256, 82),
        (Algorithm::EdDSA, 83),
    ] {
        let transport = server(json!({ "access_token_format": "jwt" }));
        let (mut config, _) = dpop_config(Delivery::Par);
        let dpop = DpopKey::new(key(alg, seed), alg).unwrap();
        config.dpop = Some(dpop.clone());
        let run = drive(&transport, &config);
        assert!(run.succeeded(), "{alg:?}: {:?}", run.error);
        let access = decode_unverified(run.outcome.tokens.as_ref().unwrap().access_token.expose()).unwrap();
        let claims: Value = serde_json::from_slice(&access.payload).unwrap();
        assert_eq!(claims["cnf"]["jkt"], dpop.jkt(), "{alg:?}");
    }
}

/// A nonce retry at PAR is a new request: a server that authenticated the client before
/// looking at the proof has spent the first client assertion's jti, so the retry carries a
/// fresh assertion and a fresh request object (the token endpoint rebuilds its request the
/// same way; here it already has the nonce PAR handed out).
#[test]
fn nonce_retries_carry_a_fresh_client_assertion() {
    let transport = server(json!({ "dpop_nonce_required": true, "request_object_algs": ["ES256"] }));
    let client_key = key(Algorithm::ES256, 90);
    let public: Value = serde_json::from_str(&client_key.to_public().unwrap().to_json()).unwrap();
    transport
        .server()
        .borrow_mut()
        .register_client_json(
            &json!({
                "client_id": "confidential",
                "redirect_uris": [REDIRECT],
                "grant_types": ["authorization_code", "refresh_token"],
                "token_endpoint_auth_method": "private_key_jwt",
                "jwks": { "keys": [public] },
            })
            .to_string(),
        )
        .unwrap();
    let (mut config, _) = dpop_config(Delivery::ParJar);
    config.request.client_id = "confidential".into();
    config.auth_method = "private_key_jwt".into();
    config.assertion_alg = Algorithm::ES256;
    config.request_object_alg = Some(Algorithm::ES256);
    config.client_key = Some(client_key);
    let run = {
        let clock = FixedClock::at(NOW);
        let options = FlowOptions::default();
        run(run_flow(&config, &transport, &backend(), &clock, &mut rng(), &options))
    };
    assert!(run.succeeded(), "{:?}", run.error);
    let all = exchanges(&run);
    let form_value = |request: &Request, name: &str| {
        oauth_playground::protocol::form_decode(&request.body)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    };
    let (_, first, _) = all.iter().find(|(s, _, _)| *s == "par").unwrap();
    let (_, retry, _) = all.iter().find(|(s, _, _)| *s == "par (DPoP nonce retry)").unwrap();
    assert_ne!(
        form_value(first, "client_assertion"),
        form_value(retry, "client_assertion")
    );
    assert_ne!(form_value(first, "request"), form_value(retry, "request"));
    assert!(form_value(retry, "client_assertion").is_some());
}

/// Without PAR the token request is the first to carry a proof: it is the one refused with
/// `use_dpop_nonce` and retried.
#[test]
fn without_par_the_token_request_does_the_nonce_round_trip() {
    let transport = server(json!({ "dpop_nonce_required": true }));
    let (config, _) = dpop_config(Delivery::Plain);
    let run = drive(&transport, &config);
    assert!(run.succeeded(), "{:?}", run.error);
    let steps: Vec<&str> = exchanges(&run).iter().map(|(s, _, _)| *s).collect();
    assert_eq!(
        steps,
        [
            "discovery",
            "jwks",
            "authorize",
            "token",
            "token (DPoP nonce retry)",
            "refresh",
            "userinfo"
        ]
    );
    let all = exchanges(&run);
    assert_eq!(all[3].2.status, 400);
    assert_eq!(all[4].2.status, 200);
}

/// External mode splits the flow where the browser leaves for the server: `start_flow` ends
/// with the authorize URL, `finish_flow` starts at the callback. The nonce PAR handed out
/// crosses that gap (RFC 9449 §8.2: the client uses it in its next token request), so the
/// token request is accepted first time, as in the whole flow.
#[test]
fn a_split_flow_carries_the_par_nonce_to_the_token_request() {
    use oauth_playground::oauth::flow::resolve_location;
    use oauth_playground::oauth::{finish_flow, start_flow};
    let transport = server(json!({ "dpop_nonce_required": true }));
    let (config, _) = dpop_config(Delivery::Par);
    let clock = FixedClock::at(NOW);
    let options = FlowOptions::default();
    let mut rng = rng();
    let started = run(start_flow(&config, &transport, &backend(), &clock, &mut rng, &options));
    assert!(started.run.succeeded(), "{:?}", started.run.error);
    let pending = started.pending.expect("an authorize URL");
    let (_, _, refused) = *exchanges(&started.run).iter().find(|(s, _, _)| *s == "par").unwrap();
    let nonce = refused.headers.get("DPoP-Nonce").unwrap().to_string();
    assert_eq!(pending.dpop_nonce.as_deref(), Some(nonce.as_str()));

    // The browser's part: follow the redirects to the redirect URI.
    let mut url = pending.authorize_url.clone();
    while !url.starts_with(REDIRECT) {
        let answer = run(transport.send(Request::get(url.as_str()))).unwrap();
        url = resolve_location(&url, answer.headers.get("location").expect("a redirect"));
    }
    let finished = run(finish_flow(
        &config,
        &pending,
        &url,
        &transport,
        &backend(),
        &clock,
        &mut rng,
        &options,
    ));
    assert!(finished.succeeded(), "{:?}", finished.error);
    let steps: Vec<&str> = exchanges(&finished).iter().map(|(s, _, _)| *s).collect();
    assert_eq!(steps, ["token", "userinfo"]);
    let (_, token, _) = exchanges(&finished)[0];
    let proof = decode_unverified(token.headers.get("DPoP").unwrap()).unwrap();
    let claims: Value = serde_json::from_slice(&proof.payload).unwrap();
    assert_eq!(claims["nonce"], nonce.as_str());
    assert_eq!(finished.outcome.tokens.unwrap().token_type, "DPoP");
}
