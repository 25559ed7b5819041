//! The client side of the client credentials grant, introspection and revocation
//! (`oauth::client_credentials`, `oauth::introspection`, `oauth::revocation`) against the
//! in-process mock server: a token from the grant, active → revoked → inactive, and the
//! answers a client must refuse.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod oauth_common;

use std::cell::RefCell;
use std::rc::Rc;

use oauth_common::{backend, json_response, rng, run, NOW};
use oauth_playground::clock::FixedClock;
use oauth_playground::jose::jws::decode_unverified;
use oauth_playground::jose::SecretString;
use oauth_playground::mock_as::{profiles, AuthorizationServer, InProcessTransport, ProfileName};
use oauth_playground::oauth::{
    introspect, process_introspection_response, process_revocation_response, revoke, run_client_credentials,
    AuthorizationRequest, Config, FlowOptions, FlowRun, ServerMetadata, TimelineEvent,
};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::json;

const ISSUER: &str = "https://mock.as.example";
const SECRET: &str = "service-secret-0123456789abcdef0123456789";

struct Setup {
    transport: InProcessTransport,
    clock: Rc<FixedClock>,
}

fn setup(profile: ProfileName, auth: &str) -> Setup {
    let clock = Rc::new(FixedClock::at(NOW));
    let mut server = AuthorizationServer::new(
        profiles::preset(profile, ISSUER),
        Box::new(Rc::clone(&clock)),
        Box::new(ChaCha20Rng::seed_from_u64(3)),
    )
    .unwrap();
    server
        .register_client_json(
            &json!({
                "client_id": "service",
                "client_secret": SECRET,
                "grant_types": ["client_credentials"],
                // RFC 7591 §2.1: no authorization endpoint, so no response types (the default,
                // code, would need the authorization_code grant).
                "response_types": [],
                "token_endpoint_auth_method": auth,
                "scope": "api:read api:write",
            })
            .to_string(),
        )
        .unwrap();
    Setup {
        transport: InProcessTransport::new(Rc::new(RefCell::new(server))),
        clock,
    }
}

fn config(auth: &str, scope: Option<&str>, resources: &[&str]) -> Config {
    let mut request = AuthorizationRequest::new("service", "https://unused.example/cb");
    request.scope = scope.map(str::to_string);
    request.resource = resources.iter().map(|r| r.to_string()).collect();
    let mut config = Config::new(ISSUER, request);
    config.auth_method = auth.into();
    config.client_secret = Some(SecretString::new(SECRET.into()));
    config
}

fn grant(setup: &Setup, config: &Config) -> FlowRun {
    run(run_client_credentials(
        config,
        &setup.transport,
        &backend(),
        &*setup.clock,
        &mut rng(),
        &FlowOptions::default(),
    ))
}

fn steps(run: &FlowRun) -> Vec<&'static str> {
    run.timeline
        .iter()
        .filter_map(|e| match e {
            TimelineEvent::Exchange { step, .. } => Some(*step),
            _ => None,
        })
        .collect()
}

#[test]
fn client_credentials_runs_discovery_then_one_token_request_without_refresh_token() {
    let setup = setup(ProfileName::Hardened, "client_secret_basic");
    let run = grant(&setup, &config("client_secret_basic", Some("api:read"), &[]));
    assert!(run.succeeded(), "{:?}", run.error);
    assert_eq!(steps(&run), ["discovery", "client_credentials"]);
    let tokens = run.outcome.tokens.unwrap();
    assert_eq!(tokens.scope.as_deref(), Some("api:read"));
    assert!(tokens.refresh_token.is_none(), "RFC 6749 §4.4.3");
    // The form the client sent: the grant, the scope, Basic credentials, no secret in the body.
    let Some(TimelineEvent::Exchange { request, .. }) = run.timeline.get(1) else {
        panic!("no token exchange")
    };
    let body = String::from_utf8_lossy(&request.body).to_string();
    assert!(
        body.contains("grant_type=client_credentials") && body.contains("scope=api%3Aread"),
        "{body}"
    );
    assert!(!body.contains("client_secret"), "{body}");
    assert!(request
        .headers
        .get("Authorization")
        .is_some_and(|h| h.starts_with("Basic ")));
}

#[test]
fn resources_are_sent_repeated_and_become_the_jwt_access_tokens_aud() {
    let setup = setup(ProfileName::Strict, "client_secret_post");
    let resources = ["https://api.example/", "https://files.example/"];
    let run = grant(&setup, &config("client_secret_post", None, &resources));
    assert!(run.succeeded(), "{:?}", run.error);
    let token = run.outcome.tokens.unwrap().access_token;
    let decoded = decode_unverified(token.expose()).unwrap();
    assert_eq!(decoded.header["typ"], "at+jwt");
    let claims: serde_json::Value = serde_json::from_slice(&decoded.payload).unwrap();
    assert_eq!(claims["aud"], json!(resources));
    assert_eq!(claims["sub"], "service");
    assert_eq!(
        claims["scope"], "api:read api:write",
        "the registered scope is the default"
    );
}

#[test]
fn a_refused_grant_stops_the_run_with_the_servers_check() {
    let setup = setup(ProfileName::Hardened, "client_secret_basic");
    let run = grant(&setup, &config("client_secret_basic", Some("api:admin"), &[]));
    let error = run.error.expect("refused");
    assert_eq!(error.code(), "token.status");
    assert!(
        error.to_string().contains("client_credentials.scope_not_registered"),
        "{error}"
    );
}

fn metadata(setup: &Setup) -> ServerMetadata {
    run(oauth_playground::oauth::discover(&setup.transport, ISSUER)).unwrap()
}

#[test]
fn introspect_active_then_revoke_then_introspect_inactive() {
    for profile in [ProfileName::Hardened, ProfileName::Strict] {
        let setup = setup(profile, "client_secret_basic");
        let config = config("client_secret_basic", None, &[]);
        let token = grant(&setup, &config).outcome.tokens.unwrap().access_token;
        let metadata = metadata(&setup);
        let ask = |token: &SecretString| {
            run(introspect(
                &config,
                &metadata,
                token.clone(),
                Some("access_token"),
                &setup.transport,
                &backend(),
                &*setup.clock,
                &mut rng(),
                &FlowOptions::default(),
            ))
        };
        let (first, answer) = ask(&token);
        assert!(first.succeeded(), "{profile:?}: {:?}", first.error);
        let answer = answer.unwrap();
        assert!(answer.active, "{profile:?}");
        assert_eq!(answer.members["client_id"], "service");
        assert_eq!(answer.members["scope"], "api:read api:write");
        assert_eq!(steps(&first), ["introspection"]);

        let revoked = run(revoke(
            &config,
            &metadata,
            token.clone(),
            None,
            &setup.transport,
            &backend(),
            &*setup.clock,
            &mut rng(),
            &FlowOptions::default(),
        ));
        assert!(revoked.succeeded(), "{profile:?}: {:?}", revoked.error);
        assert_eq!(steps(&revoked), ["revocation"]);

        let (_, after) = ask(&token);
        let after = after.unwrap();
        assert!(!after.active, "{profile:?}");
        assert!(
            after.members.is_empty(),
            "an inactive answer says nothing more: {:?}",
            after.members
        );
    }
}

#[test]
fn a_hint_the_server_cannot_revoke_fails_the_revocation_with_its_error() {
    let setup = setup(ProfileName::Hardened, "client_secret_basic");
    let config = config("client_secret_basic", None, &[]);
    let run_ = run(revoke(
        &config,
        &metadata(&setup),
        SecretString::new("anything".into()),
        Some("id_token"),
        &setup.transport,
        &backend(),
        &*setup.clock,
        &mut rng(),
        &FlowOptions::default(),
    ));
    let error = run_.error.expect("refused");
    assert_eq!(error.code(), "revocation.status");
    assert!(error.to_string().contains("unsupported_token_type"), "{error}");
}

#[test]
fn introspection_answers_without_a_boolean_active_are_refused() {
    for body in [r#"{"scope":"a"}"#, r#"{"active":"true"}"#, "[]", "not json"] {
        let err = process_introspection_response(&json_response(200, body)).unwrap_err();
        assert_eq!(err.code(), "introspection.response_invalid", "{body}");
    }
    let err = process_introspection_response(&json_response(401, r#"{"error":"invalid_client"}"#)).unwrap_err();
    assert_eq!(err.code(), "introspection.status");
    let ok = process_introspection_response(&json_response(200, r#"{"active":false}"#)).unwrap();
    assert!(!ok.active);
}

#[test]
fn revocation_succeeds_on_200_only() {
    assert!(process_revocation_response(&json_response(200, "")).is_ok());
    let err = process_revocation_response(&json_response(400, r#"{"error":"unsupported_token_type"}"#)).unwrap_err();
    assert_eq!(err.code(), "revocation.status");
}

#[test]
fn request_debug_never_shows_the_token() {
    let request = oauth_playground::oauth::IntrospectionRequest::new(
        "https://as/introspect",
        SecretString::new("the-bearer-token".into()),
        None,
    );
    assert!(!format!("{request:?}").contains("the-bearer-token"));
    let request = oauth_playground::oauth::RevocationRequest::new(
        "https://as/revoke",
        SecretString::new("the-bearer-token".into()),
        None,
    );
    assert!(!format!("{request:?}").contains("the-bearer-token"));
}

#[test]
fn the_resource_server_a_token_is_for_may_introspect_it_and_no_other_client() {
    let setup = setup(ProfileName::Hardened, "client_secret_basic");
    {
        let server = setup.transport.server();
        let mut server = server.borrow_mut();
        for id in ["https://api.example/", "bystander"] {
            server
                .register_client_json(
                    &json!({ "client_id": id, "client_secret": SECRET, "token_endpoint_auth_method": "client_secret_basic" })
                        .to_string(),
                )
                .unwrap();
        }
    }
    let token = grant(&setup, &config("client_secret_basic", None, &["https://api.example/"]))
        .outcome
        .tokens
        .unwrap()
        .access_token;
    let metadata = metadata(&setup);
    let active_for = |client_id: &str| {
        let mut config = config("client_secret_basic", None, &[]);
        config.request.client_id = client_id.into();
        let (run_, answer) = run(introspect(
            &config,
            &metadata,
            token.clone(),
            None,
            &setup.transport,
            &backend(),
            &*setup.clock,
            &mut rng(),
            &FlowOptions::default(),
        ));
        assert!(run_.succeeded(), "{client_id}: {:?}", run_.error);
        answer.unwrap().active
    };
    // RFC 7662 §2.2: "the protected resource is not allowed to introspect this particular
    // token" reads as inactive; the token's audience is allowed.
    assert!(active_for("https://api.example/"));
    assert!(!active_for("bystander"));
}
