//! The device authorization grant (RFC 8628) end to end: the client in `oauth::device` against
//! the mock server over `InProcessTransport`, with a fixed clock that only the client's waits
//! move, and the user's decision posted to the verification page as a browser would.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod oauth_common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use oauth_common::{backend, json_response, rng, run, CannedTransport, NOW};
use oauth_playground::clock::{Clock, FixedClock};
use oauth_playground::http::{Request, Response, Transport};
use oauth_playground::jose::SecretString;
use oauth_playground::mock_as::{normalize_user_code, path, AuthorizationServer, InProcessTransport, ServerSettings};
use oauth_playground::oauth::device::{
    device_authorization_request, poll_device_token, process_device_authorization_response,
    process_device_token_response, DeviceAuthorizationResponse, DeviceOutcome, DevicePolling, Pause, PollAnswer,
    DEFAULT_INTERVAL,
};
use oauth_playground::oauth::{ClientAuth, TokenRequest};
use oauth_playground::protocol::{form_encode, UrlParts};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

const ISSUER: &str = "https://mock.as.example";
const TOKEN_ENDPOINT: &str = "https://mock.as.example/token";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

struct World {
    server: Rc<RefCell<AuthorizationServer>>,
    clock: Rc<FixedClock>,
    transport: InProcessTransport,
}

fn world(grant_types: &[&str]) -> World {
    world_with(
        grant_types,
        ServerSettings {
            issuer: ISSUER.into(),
            ..ServerSettings::default()
        },
    )
}

fn world_with(grant_types: &[&str], settings: ServerSettings) -> World {
    let clock = Rc::new(FixedClock::at(NOW));
    let server = AuthorizationServer::new(
        settings,
        Box::new(Rc::clone(&clock)),
        Box::new(ChaCha20Rng::seed_from_u64(3)),
    )
    .unwrap();
    let server = Rc::new(RefCell::new(server));
    server
        .borrow_mut()
        .register_client_json(
            &serde_json::json!({
                "client_id": "tv",
                "token_endpoint_auth_method": "none",
                "grant_types": grant_types,
                "response_types": [],
                // A public client has no secret to key HS256 with (issue 17, fault 3).
                "id_token_signed_response_alg": "RS256",
            })
            .to_string(),
        )
        .unwrap();
    World {
        transport: InProcessTransport::new(Rc::clone(&server)),
        server,
        clock,
    }
}

impl World {
    fn start(&self, scope: &str) -> Result<DeviceAuthorizationResponse, oauth_playground::oauth::ClientError> {
        let request = run(device_authorization_request(
            &format!("{ISSUER}{}", path::DEVICE_AUTHORIZATION),
            Some(scope),
            "tv",
            &ClientAuth::None,
            ISSUER,
            self.clock.now(),
            &mut rng(),
            &backend(),
        ))
        .unwrap();
        let response = run(self.transport.send(request)).unwrap();
        process_device_authorization_response(&response)
    }

    /// The user opens `url` (the verification page) and submits `decision` for the code the
    /// page shows filled in, or for `typed` when given.
    fn decide(&self, url: &str, typed: Option<&str>, decision: &str) -> Response {
        let page = run(self.transport.send(Request::get(url))).unwrap();
        assert_eq!(page.status, 200);
        let html = page.body_text();
        let prefilled = html
            .split("name=\"user_code\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_string();
        let code = typed.map_or(prefilled, str::to_string);
        let body = form_encode([("user_code", code.as_str()), ("decision", decision)]);
        run(self.transport.send(Request::form_post(
            format!("{ISSUER}{}", path::DEVICE_VERIFICATION),
            body,
        )))
        .unwrap()
    }

    fn poll_once(&self, device_code: &str) -> Result<PollAnswer, oauth_playground::oauth::ClientError> {
        let request = run(TokenRequest::device_code(
            format!("{ISSUER}{}", path::TOKEN),
            SecretString::new(device_code.to_string()),
        )
        .to_http(
            "tv",
            &ClientAuth::None,
            ISSUER,
            self.clock.now(),
            &mut rng(),
            &backend(),
        ))
        .unwrap();
        process_device_token_response(&run(self.transport.send(request)).unwrap())
    }
}

/// Moves the fixed clock by each wait; after `act_after` waits it runs `act` (the user).
struct ClockPause<'a> {
    clock: &'a FixedClock,
    waits: Cell<usize>,
    act_after: usize,
    act: Box<dyn Fn() + 'a>,
    total: Cell<u64>,
}

/// How the public client "tv" polls (the in-page server's token endpoint; a scripted transport
/// answers whatever the URL).
fn polling<'a>(
    auth: &'a DeviceAuthorizationResponse,
    dpop: Option<&'a oauth_playground::oauth::dpop::DpopKey>,
) -> DevicePolling<'a> {
    DevicePolling {
        token_endpoint: TOKEN_ENDPOINT,
        client_id: "tv",
        auth: &ClientAuth::None,
        audience: ISSUER,
        authorization: auth,
        dpop,
    }
}

/// A device authorization as a scripted server would answer it (no verification page behind it).
fn scripted_authorization() -> DeviceAuthorizationResponse {
    DeviceAuthorizationResponse {
        device_code: SecretString::new("dc".to_string()),
        user_code: "BCDF-GHJK".into(),
        verification_uri: "https://as.example/device".into(),
        verification_uri_complete: None,
        expires_in: 600,
        interval: DEFAULT_INTERVAL,
        extra: serde_json::Map::new(),
    }
}

impl<'a> ClockPause<'a> {
    /// Waits by moving `clock`, and does nothing else.
    fn idle(clock: &'a FixedClock) -> Self {
        ClockPause {
            clock,
            waits: Cell::new(0),
            act_after: 0,
            act: Box::new(|| {}),
            total: Cell::new(0),
        }
    }
}

impl Pause for ClockPause<'_> {
    async fn pause(&self, seconds: u64) -> bool {
        self.clock.advance(seconds as i64);
        self.total.set(self.total.get() + seconds);
        self.waits.set(self.waits.get() + 1);
        if self.waits.get() == self.act_after {
            (self.act)();
        }
        true
    }
}

#[test]
fn device_authorization_answers_every_rfc8628_member_with_a_consonant_user_code() {
    let w = world(&[DEVICE_GRANT]);
    let auth = w.start("openid profile").unwrap();
    assert_eq!(auth.verification_uri, format!("{ISSUER}/device"));
    assert_eq!(
        auth.verification_uri_complete.as_deref(),
        Some(format!("{ISSUER}/device?user_code={}", auth.user_code).as_str())
    );
    assert_eq!((auth.expires_in, auth.interval), (600, 5));
    // RFC 8628 §6.1: XXXX-XXXX from the 20 consonants.
    assert_eq!(auth.user_code.len(), 9);
    assert_eq!(auth.user_code.chars().nth(4), Some('-'));
    assert_eq!(normalize_user_code(&auth.user_code).len(), 8);
    let discovery: serde_json::Value = serde_json::from_slice(
        &run(w
            .transport
            .send(Request::get(format!("{ISSUER}/.well-known/openid-configuration"))))
        .unwrap()
        .body,
    )
    .unwrap();
    assert_eq!(
        discovery["device_authorization_endpoint"],
        format!("{ISSUER}/device_authorization")
    );
    assert!(discovery["grant_types_supported"]
        .as_array()
        .unwrap()
        .contains(&DEVICE_GRANT.into()));
}

#[test]
fn approved_on_the_verification_page_the_polling_client_gets_tokens_once() {
    let w = world(&[DEVICE_GRANT, "refresh_token"]);
    let auth = w.start("openid profile").unwrap();
    let url = auth.verification_uri_complete.clone().unwrap();
    let polls = RefCell::new(Vec::new());
    let pause = ClockPause {
        clock: &w.clock,
        waits: Cell::new(0),
        act_after: 3,
        act: Box::new(|| {
            let page = w.decide(&url, None, "approve");
            assert!(
                page.body_text().contains("data-decision=\"approved\""),
                "{}",
                page.body_text()
            );
        }),
        total: Cell::new(0),
    };
    let polling = polling(&auth, None);
    let outcome = run(poll_device_token(
        &polling,
        &w.transport,
        &backend(),
        w.clock.as_ref(),
        &pause,
        &mut rng(),
        |p| polls.borrow_mut().push((p.answer, p.waited)),
    ))
    .unwrap();
    let DeviceOutcome::Tokens(tokens) = outcome else {
        panic!("{outcome:?}")
    };
    assert!(tokens.id_token.is_some(), "openid was asked for");
    // Two polls before the user approves (after the 3rd wait), the third gets the tokens.
    assert_eq!(
        *polls.borrow(),
        vec![
            ("authorization_pending", 5),
            ("authorization_pending", 5),
            ("tokens", 5)
        ]
    );
    // A device code is exchanged once.
    let again = w.poll_once(auth.device_code.expose()).unwrap_err();
    assert!(format!("{again:?}").contains("invalid_grant"), "{again:?}");
    let codes: Vec<_> = w.server.borrow().events().filter_map(|e| e.check).collect();
    assert_eq!(codes.last(), Some(&"device.code_used"));
}

#[test]
fn polling_faster_than_the_interval_is_told_to_slow_down_by_five_seconds_each_time() {
    let w = world(&[DEVICE_GRANT]);
    let auth = w.start("profile").unwrap();
    let code = auth.device_code.expose().to_string();
    assert_eq!(w.poll_once(&code).unwrap(), PollAnswer::Pending);
    w.clock.advance(2);
    assert_eq!(w.poll_once(&code).unwrap(), PollAnswer::SlowDown);
    // The interval is now 10 s: 6 s later is still too fast, and makes it 15 s.
    w.clock.advance(6);
    assert_eq!(w.poll_once(&code).unwrap(), PollAnswer::SlowDown);
    w.clock.advance(15);
    assert_eq!(w.poll_once(&code).unwrap(), PollAnswer::Pending);
}

#[test]
fn the_poller_adds_five_seconds_after_each_slow_down_and_keeps_it() {
    // Scripted answers, so only the client's arithmetic is judged (RFC 8628 §3.5: "increased by
    // 5 seconds for this and all subsequent requests").
    let error = |code: &str| json_response(400, &format!(r#"{{"error":"{code}"}}"#));
    let transport = CannedTransport::new(vec![
        error("authorization_pending"),
        error("slow_down"),
        error("authorization_pending"),
        error("slow_down"),
        json_response(200, r#"{"access_token":"at","token_type":"Bearer"}"#),
    ]);
    let clock = FixedClock::at(NOW);
    let auth = scripted_authorization();
    let pause = ClockPause::idle(&clock);
    let polling = polling(&auth, None);
    let waits = RefCell::new(Vec::new());
    let outcome = run(poll_device_token(
        &polling,
        &transport,
        &backend(),
        &clock,
        &pause,
        &mut rng(),
        |p| waits.borrow_mut().push((p.answer, p.waited, p.interval)),
    ))
    .unwrap();
    assert!(matches!(outcome, DeviceOutcome::Tokens(_)), "{outcome:?}");
    assert_eq!(
        *waits.borrow(),
        vec![
            ("authorization_pending", 5, 5),
            ("slow_down", 5, 10),
            ("authorization_pending", 10, 10),
            ("slow_down", 10, 15),
            ("tokens", 15, 15),
        ]
    );
    let sent = transport.sent.borrow();
    let text = |r: &Request| String::from_utf8_lossy(&r.body).into_owned();
    assert!(sent.iter().all(|r| text(r).contains("device_code=dc")));
    assert!(text(&sent[0]).contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"));
}

#[test]
fn denied_on_the_page_the_client_stops_with_access_denied() {
    let w = world(&[DEVICE_GRANT]);
    let auth = w.start("profile").unwrap();
    let page = w.decide(&auth.verification_uri, Some(&auth.user_code), "deny");
    assert!(page.body_text().contains("data-decision=\"denied\""));
    w.clock.advance(DEFAULT_INTERVAL as i64);
    assert_eq!(w.poll_once(auth.device_code.expose()).unwrap(), PollAnswer::Denied);
}

#[test]
fn an_undecided_code_expires_and_the_verification_page_no_longer_knows_it() {
    let w = world(&[DEVICE_GRANT]);
    let auth = w.start("profile").unwrap();
    w.clock.advance(600);
    assert_eq!(w.poll_once(auth.device_code.expose()).unwrap(), PollAnswer::Expired);
    let page = w.decide(&auth.verification_uri, Some(&auth.user_code), "approve");
    assert_eq!(page.status, 400);
    assert!(page.body_text().contains("device.user_code_unknown"));
}

#[test]
fn the_poller_stops_once_the_code_lifetime_has_passed_on_its_clock() {
    let w = world(&[DEVICE_GRANT]);
    let auth = w.start("profile").unwrap();
    let pause = ClockPause {
        clock: &w.clock,
        waits: Cell::new(0),
        act_after: 0,
        act: Box::new(|| {}),
        total: Cell::new(0),
    };
    let polling = polling(&auth, None);
    let mut count = 0;
    let outcome = run(poll_device_token(
        &polling,
        &w.transport,
        &backend(),
        w.clock.as_ref(),
        &pause,
        &mut rng(),
        |_| count += 1,
    ))
    .unwrap();
    assert_eq!(outcome, DeviceOutcome::Expired);
    // 600 s at 5 s: polls at 5, 10, …, 595 — 119 of them, every one pending.
    assert_eq!(count, 119);
    assert_eq!(pause.total.get(), 600);
}

#[test]
fn a_client_without_the_device_grant_is_refused_as_unauthorized_client() {
    let w = world(&["authorization_code"]);
    let err = w.start("profile").unwrap_err();
    assert!(format!("{err:?}").contains("unauthorized_client"), "{err:?}");
    let last = w.server.borrow().last_event().and_then(|e| e.check);
    assert_eq!(last, Some("device.grant_not_registered"));
}

#[test]
fn the_verification_page_names_the_client_and_scope_and_escapes_the_typed_code() {
    let w = world(&[DEVICE_GRANT]);
    let auth = w.start("openid <b>").unwrap();
    let page = run(w
        .transport
        .send(Request::get(auth.verification_uri_complete.clone().unwrap())))
    .unwrap()
    .body_text();
    assert!(page.contains("data-client=\"tv\""), "{page}");
    assert!(page.contains("openid &lt;b&gt;"), "{page}");
    let url = format!("{ISSUER}/device?user_code=%22%3E%3Cscript%3E");
    let page = run(w.transport.send(Request::get(url))).unwrap().body_text();
    assert!(!page.contains("<script>"), "{page}");
    assert!(UrlParts::split(&auth.verification_uri).is_some());
}

/// The page's default workspace with the device grant chosen, its client registered on a
/// server with the workspace's settings.
fn workspace_world() -> (World, oauth_playground::workspace::Workspace) {
    use oauth_playground::workspace::{Grant, UiSecret, Workspace};
    let mut ws = Workspace::default();
    ws.client.client_secret = Some(UiSecret::new("playground-client-secret-0123456789abcdef"));
    ws.run.grant = Grant::DeviceCode;
    let w = world(&[DEVICE_GRANT]);
    w.server.borrow_mut().configure(ws.server.clone()).unwrap();
    w.server.borrow_mut().register_client(ws.client_metadata()).unwrap();
    (w, ws)
}

/// Runs the whole device flow with the user approving after the first wait; returns the run
/// and the detail of the ID token's key step (which key matched).
fn approved_run(
    w: &World,
    ws: &oauth_playground::workspace::Workspace,
) -> (oauth_playground::oauth::device::DeviceFlowRun, String) {
    use oauth_playground::oauth::device::{run_device_flow, DeviceProgress};
    use oauth_playground::oauth::{Outcome, TimelineEvent};
    let code = RefCell::new(String::new());
    let pause = ClockPause {
        clock: &w.clock,
        waits: Cell::new(0),
        act_after: 2,
        act: Box::new(|| {
            let page = w.decide(&format!("{ISSUER}/device"), Some(code.borrow().as_str()), "approve");
            assert_eq!(page.status, 200, "{}", page.body_text());
        }),
        total: Cell::new(0),
    };
    let mut steps = Vec::new();
    let run = run(run_device_flow(
        &ws.config(),
        Some("openid profile"),
        60,
        &w.transport,
        &backend(),
        w.clock.as_ref(),
        &pause,
        &mut rng(),
        |progress| match progress {
            DeviceProgress::Authorization(a) => *code.borrow_mut() = a.user_code.clone(),
            DeviceProgress::Event(e) => steps.push(match e {
                TimelineEvent::Exchange { step, .. } | TimelineEvent::Checks { step, .. } => step.to_string(),
                _ => "other".into(),
            }),
        },
    ));
    assert_eq!(
        steps,
        [
            "discovery",
            "jwks",
            "device_authorization",
            "device_token",
            "device_token",
            "id_token (token response)"
        ]
    );
    let key_detail = run
        .timeline
        .iter()
        .find_map(|e| match e {
            TimelineEvent::Checks { steps, .. } => {
                steps
                    .iter()
                    .find(|s| s.check == "id_token.key")
                    .and_then(|s| match &s.outcome {
                        Outcome::Passed { detail } => Some(detail.clone()),
                        _ => None,
                    })
            }
            _ => None,
        })
        .unwrap_or_default();
    (run, key_detail)
}

#[test]
fn the_device_driver_runs_discovery_to_a_checked_id_token_and_names_the_matching_key_across_a_rotation() {
    let (w, ws) = workspace_world();
    let (first, before) = approved_run(&w, &ws);
    assert!(
        matches!(first.result, Ok(DeviceOutcome::Tokens(_))),
        "{:?}",
        first.result
    );
    assert!(first.id_token.is_some());
    assert!(before.contains("an RSA key (2048 bits), kid "), "{before}");
    w.server.borrow_mut().rotate_signing_keys().unwrap();
    let (second, after) = approved_run(&w, &ws);
    assert!(
        matches!(second.result, Ok(DeviceOutcome::Tokens(_))),
        "{:?}",
        second.result
    );
    assert!(after.contains("thumbprint"), "{after}");
    assert_ne!(
        before, after,
        "the ID token after the rotation is signed with the new key"
    );
}

/// RFC 9449 with the device grant: every poll carries a fresh proof; with server nonces on,
/// the first poll is answered use_dpop_nonce and polled again at once with that nonce (§8),
/// and the tokens come back bound (token_type DPoP).
#[test]
fn with_a_dpop_key_each_poll_carries_a_proof_and_a_nonce_request_is_answered_at_once() {
    use oauth_playground::jose::{jws, keygen, Algorithm};
    use oauth_playground::oauth::dpop::DpopKey;

    let w = world_with(
        &[DEVICE_GRANT],
        ServerSettings {
            issuer: ISSUER.into(),
            dpop_nonce_required: true,
            ..ServerSettings::default()
        },
    );
    let auth = w.start("profile").unwrap();
    let url = auth.verification_uri_complete.clone().unwrap();
    let key = DpopKey::new(
        keygen::generate_for(Algorithm::ES256, &mut ChaCha20Rng::seed_from_u64(5)).unwrap(),
        Algorithm::ES256,
    )
    .unwrap();
    let pause = ClockPause {
        clock: &w.clock,
        waits: Cell::new(0),
        act_after: 2,
        act: Box::new(|| {
            w.decide(&url, None, "approve");
        }),
        total: Cell::new(0),
    };
    let polling = polling(&auth, Some(&key));
    let polls = RefCell::new(Vec::new());
    let outcome = run(poll_device_token(
        &polling,
        &w.transport,
        &backend(),
        w.clock.as_ref(),
        &pause,
        &mut rng(),
        |p| {
            let proof = p.proof.as_deref().expect("every poll carries a proof");
            let decoded = jws::decode_unverified(proof).unwrap();
            let claims: serde_json::Value = serde_json::from_slice(&decoded.payload).unwrap();
            assert_eq!(decoded.header["typ"], "dpop+jwt");
            assert_eq!(claims["htm"], "POST");
            assert_eq!(claims["htu"], format!("{ISSUER}/token"));
            assert_eq!(p.request.headers.get("DPoP"), Some(proof));
            polls
                .borrow_mut()
                .push((p.answer, p.waited, claims.get("nonce").is_some()));
        },
    ))
    .unwrap();
    let DeviceOutcome::Tokens(tokens) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(tokens.token_type, "DPoP");
    assert_eq!(
        *polls.borrow(),
        vec![
            // No nonce yet: asked for one, and polled again without waiting.
            ("use_dpop_nonce", 5, false),
            ("authorization_pending", 0, true),
            ("tokens", 5, true),
        ]
    );
}

/// A server that ignores the proof and answers a Bearer token is refused (RFC 9449 §5).
#[test]
fn a_bearer_answer_to_a_dpop_poll_is_refused() {
    use oauth_playground::jose::{keygen, Algorithm};
    use oauth_playground::oauth::dpop::DpopKey;

    let transport = CannedTransport::new(vec![json_response(
        200,
        r#"{"access_token":"at","token_type":"Bearer"}"#,
    )]);
    let clock = FixedClock::at(NOW);
    let auth = scripted_authorization();
    let pause = ClockPause::idle(&clock);
    let key = DpopKey::new(
        keygen::generate_for(Algorithm::ES256, &mut ChaCha20Rng::seed_from_u64(5)).unwrap(),
        Algorithm::ES256,
    )
    .unwrap();
    let polling = polling(&auth, Some(&key));
    let answers = RefCell::new(Vec::new());
    let outcome = run(poll_device_token(
        &polling,
        &transport,
        &backend(),
        &clock,
        &pause,
        &mut rng(),
        |p| answers.borrow_mut().push(p.answer),
    ));
    let error = outcome.unwrap_err();
    assert_eq!(error.code(), "token.token_type_not_dpop", "{error:?}");
    assert_eq!(*answers.borrow(), vec!["token.token_type_not_dpop"]);
}
