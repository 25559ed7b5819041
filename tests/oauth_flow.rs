//! The flow driver against canned server responses (the end-to-end matrix against the mock
//! server comes after the merge): what it sends, how it follows the front channel, and the
//! timeline it records.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod oauth_common;

use oauth_common::*;
use oauth_playground::clock::FixedClock;
use oauth_playground::http::{Method, Response};
use oauth_playground::jose::jws;
use oauth_playground::jose::{Algorithm, Jwk, Jwks, SecretString, ShortHmacKeys};
use oauth_playground::oauth::flow::resolve_location;
use oauth_playground::oauth::id_token::half_hash;
use oauth_playground::oauth::*;
use oauth_playground::protocol::{form_decode, UrlParts};
use serde_json::{json, Value};

const SECRET: &str = "0123456789abcdef0123456789abcdef";

fn server_key() -> Jwk {
    let mut k = key(Algorithm::ES256, 60);
    k.kid = Some("srv".into());
    k
}

fn discovery() -> Response {
    json_response(
        200,
        &json!({
            "issuer": ISSUER,
            "authorization_endpoint": AUTHORIZE,
            "token_endpoint": TOKEN,
            "userinfo_endpoint": "https://as.example/userinfo",
            "jwks_uri": "https://as.example/jwks",
            "pushed_authorization_request_endpoint": PAR,
            "request_parameter_supported": true,
            "request_object_signing_alg_values_supported": ["ES256", "HS256"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "authorization_signing_alg_values_supported": ["HS256"],
            "response_modes_supported": ["query", "fragment", "form_post", "jwt", "form_post.jwt"],
            "authorization_response_iss_parameter_supported": true
        })
        .to_string(),
    )
}

fn jwks() -> Response {
    json_response(200, &Jwks::new(vec![server_key().to_public().unwrap()]).to_json())
}

fn id_token(extra: Value) -> String {
    let mut claims =
        json!({"iss": ISSUER, "sub": "alice", "aud": CLIENT_ID, "exp": NOW + 300, "iat": NOW, "nonce": "n-1"});
    for (k, v) in extra.as_object().unwrap() {
        claims[k] = v.clone();
    }
    jws::sign_compact(
        r#"{"alg":"ES256","kid":"srv"}"#,
        claims.to_string().as_bytes(),
        &server_key(),
        ShortHmacKeys::Refuse,
    )
    .unwrap()
}

fn redirect(location: &str) -> Response {
    let mut r = Response::new(302);
    r.headers.append("Location", location);
    r
}

fn config(delivery: Delivery) -> Config {
    let mut request = AuthorizationRequest::new(CLIENT_ID, REDIRECT);
    request.state = Some("st-1".into());
    request.nonce = Some("n-1".into());
    request.pkce = Some(Pkce {
        method: PkceMethod::S256,
        verifier: Some(CodeVerifier::new("verifier-1")),
    });
    let mut config = Config::new(ISSUER, request);
    config.delivery = delivery;
    config.request_object_alg = Some(Algorithm::ES256);
    config.client_key = Some(key(Algorithm::ES256, 61));
    config.auth_method = "private_key_jwt".into();
    config.assertion_alg = Algorithm::ES256;
    config.client_secret = Some(SecretString::new(SECRET.into()));
    config
}

fn options() -> FlowOptions {
    FlowOptions {
        regenerate: false,
        ..FlowOptions::default()
    }
}

fn steps_of(run: &FlowRun) -> Vec<&'static str> {
    run.steps().map(|s| s.check).collect()
}

#[test]
fn code_flow_with_par_and_jar_runs_end_to_end() {
    let transport = CannedTransport::new(vec![
        discovery(),
        jwks(),
        json_response(
            201,
            r#"{"request_uri":"urn:ietf:params:oauth:request_uri:r1","expires_in":60}"#,
        ),
        redirect("/login?step=1"),
        redirect("https://rp.example/cb?code=c-1&state=st-1&iss=https%3A%2F%2Fas.example"),
        json_response(
            200,
            &json!({"access_token": "at-1", "token_type": "Bearer", "id_token": id_token(json!({}))}).to_string(),
        ),
        json_response(200, r#"{"sub":"alice"}"#),
    ]);
    let run = drive(&transport, &config(Delivery::ParJar));
    assert!(run.succeeded(), "{:?}", run.error);
    assert_eq!(run.outcome.id_token.as_ref().unwrap().sub(), Some("alice"));
    assert!(matches!(run.outcome.userinfo, Some(UserInfo::Claims(_))));

    let sent = transport.sent.borrow();
    let urls: Vec<&str> = sent.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(
        urls[..3],
        [
            "https://as.example/.well-known/openid-configuration",
            "https://as.example/jwks",
            PAR
        ]
    );
    // PAR body: client_id + request + the assertion; never a request_uri.
    let par_body = form_decode(&sent[2].body);
    let names: Vec<&str> = par_body.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        ["client_id", "request", "client_assertion_type", "client_assertion"]
    );
    // The authorize URL carries only client_id + request_uri; the relative redirect is followed.
    assert_eq!(
        UrlParts::split(urls[3]).unwrap().query_pairs(),
        vec![
            ("client_id".to_string(), CLIENT_ID.to_string()),
            (
                "request_uri".to_string(),
                "urn:ietf:params:oauth:request_uri:r1".to_string()
            )
        ]
    );
    assert_eq!(urls[4], "https://as.example/login?step=1");
    // The token request sends the verifier; userinfo the bearer token.
    let token_body = form_decode(&sent[5].body);
    assert!(token_body.contains(&("code_verifier".into(), "verifier-1".into())));
    assert!(token_body.contains(&("code".into(), "c-1".into())));
    assert_eq!(sent[6].method, Method::Get);
    assert_eq!(sent[6].headers.get("authorization"), Some("Bearer at-1"));
    assert_eq!(sent.len(), 7, "the redirect URI itself is never requested");

    let steps = steps_of(&run);
    assert!(steps.contains(&"callback.iss") && steps.contains(&"id_token.signature"));
    assert!(run.timeline.iter().any(|e| matches!(
        e,
        TimelineEvent::Jwt {
            step: "request_object",
            ..
        }
    )));
}

#[test]
fn hybrid_flow_with_form_post_jarm_validates_the_front_channel_id_token() {
    let code = "c-2";
    let front_id_token = id_token(json!({"c_hash": half_hash(Algorithm::ES256, code)}));
    let jarm_claims = json!({"iss": ISSUER, "aud": CLIENT_ID, "exp": NOW + 60, "code": code, "state": "st-1", "id_token": front_id_token});
    let jarm = jws::sign_compact(
        r#"{"alg":"HS256"}"#,
        jarm_claims.to_string().as_bytes(),
        &ClientAuth::secret_key(&SecretString::new(SECRET.into())),
        ShortHmacKeys::Refuse,
    )
    .unwrap();
    let page = format!(
        r#"<html><body onload="document.forms[0].submit()"><form method="post" action="{REDIRECT}"><input type="hidden" name="response" value="{jarm}"/></form></body></html>"#
    );
    let mut html = Response::new(200);
    html.body = page.into_bytes();
    let transport = CannedTransport::new(vec![
        discovery(),
        jwks(),
        html,
        json_response(
            200,
            &json!({"access_token": "at-2", "token_type": "Bearer", "id_token": id_token(json!({}))}).to_string(),
        ),
        json_response(200, r#"{"sub":"alice"}"#),
    ]);
    let mut c = config(Delivery::Jar);
    c.request.response_type = "code id_token".into();
    c.request.response_mode = Some("form_post.jwt".into());
    let clock = FixedClock::at(NOW);
    let run = run(run_flow(&c, &transport, &backend(), &clock, &mut rng(), &options()));
    assert!(run.succeeded(), "{:?}", run.error);
    let steps = steps_of(&run);
    assert!(steps.contains(&"jarm.signature"));
    assert!(steps.contains(&"id_token.c_hash"));
    // JAR by value: the authorize URL carries client_id, response_type, scope and request only.
    let sent = transport.sent.borrow();
    let names: Vec<String> = UrlParts::split(&sent[2].url)
        .unwrap()
        .query_pairs()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(names, ["client_id", "response_type", "scope", "request"]);
}

#[test]
fn error_redirect_stops_the_flow_with_the_servers_error() {
    let transport = CannedTransport::new(vec![
        discovery(),
        jwks(),
        redirect(
            "https://rp.example/cb?error=access_denied&error_description=no&state=st-1&iss=https%3A%2F%2Fas.example",
        ),
    ]);
    let run = drive(&transport, &config(Delivery::Plain));
    assert_eq!(run.error.as_ref().unwrap().code(), "callback.error");
    assert!(run.outcome.tokens.is_none());
}

#[test]
fn error_page_at_the_authorize_endpoint_is_surfaced_with_its_status() {
    let transport = CannedTransport::new(vec![
        discovery(),
        jwks(),
        json_response(400, r#"{"error":"invalid_request"}"#),
    ]);
    let run = drive(&transport, &config(Delivery::Plain));
    match run.error.unwrap() {
        FlowError::Client(ClientError::Status { code, status, .. }) => {
            assert_eq!((code, status), ("authorize.status", 400));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn par_error_envelope_stops_the_flow() {
    let pingone =
        r#"{"id":"x","code":"INVALID_DATA","message":"m","details":[{"code":"INVALID_VALUE","target":"request"}]}"#;
    let transport = CannedTransport::new(vec![discovery(), jwks(), json_response(400, pingone)]);
    let run = drive(&transport, &config(Delivery::Par));
    assert_eq!(run.error.as_ref().unwrap().code(), "par.status");
    assert!(run
        .timeline
        .iter()
        .any(|e| matches!(e, TimelineEvent::Exchange { step: "par", .. })));
}

#[test]
fn redirect_loops_end() {
    let mut responses = vec![discovery(), jwks()];
    responses.extend((0..20).map(|_| redirect("/again")));
    let transport = CannedTransport::new(responses);
    let run = drive(&transport, &config(Delivery::Plain));
    assert_eq!(run.error.as_ref().unwrap().code(), "authorize.too_many_redirects");
}

#[test]
fn locations_resolve_like_a_browser() {
    let base = "https://as.example/a/b?x=1";
    assert_eq!(resolve_location(base, "https://rp.example/cb"), "https://rp.example/cb");
    assert_eq!(resolve_location(base, "//rp.example/cb"), "https://rp.example/cb");
    assert_eq!(resolve_location(base, "/login"), "https://as.example/login");
    assert_eq!(resolve_location(base, "c?y=2"), "https://as.example/a/c?y=2");
    assert_eq!(resolve_location(base, "?y=2"), "https://as.example/a/b?y=2");
}

#[test]
fn flow_debug_output_redacts_tokens_and_secrets() {
    let transport = CannedTransport::new(vec![
        discovery(),
        jwks(),
        redirect("https://rp.example/cb?code=c-secret&state=st-1&iss=https%3A%2F%2Fas.example"),
        json_response(
            200,
            &json!({"access_token": "at-secret", "token_type": "Bearer", "id_token": id_token(json!({}))}).to_string(),
        ),
        json_response(200, r#"{"sub":"alice"}"#),
    ]);
    let mut c = config(Delivery::Plain);
    c.auth_method = "client_secret_post".into();
    let clock = FixedClock::at(NOW);
    let run = run(run_flow(&c, &transport, &backend(), &clock, &mut rng(), &options()));
    assert!(run.succeeded(), "{:?}", run.error);
    let debug = format!("{run:?} {c:?}");
    for secret in ["c-secret", "at-secret", SECRET, "verifier-1"] {
        assert!(!debug.contains(secret), "{secret} leaked in Debug");
    }
}

#[test]
fn response_in_the_wrong_part_of_the_url_is_named() {
    let transport = CannedTransport::new(vec![
        discovery(),
        jwks(),
        redirect("https://rp.example/cb#code=c&state=st-1"),
    ]);
    let run = drive(&transport, &config(Delivery::Plain));
    assert_eq!(run.error.as_ref().unwrap().code(), "callback.location_mismatch");
}

#[test]
fn refresh_is_redeemed_once_when_asked() {
    let transport = CannedTransport::new(vec![
        discovery(),
        jwks(),
        redirect("https://rp.example/cb?code=c-1&state=st-1&iss=https%3A%2F%2Fas.example"),
        json_response(
            200,
            &json!({"access_token": "at-1", "token_type": "Bearer", "refresh_token": "rt-1", "id_token": id_token(json!({}))})
                .to_string(),
        ),
        json_response(200, r#"{"access_token":"at-2","token_type":"Bearer"}"#),
        json_response(200, r#"{"sub":"alice"}"#),
    ]);
    let clock = FixedClock::at(NOW);
    let opts = FlowOptions {
        refresh: true,
        ..options()
    };
    let run = run(run_flow(
        &config(Delivery::Plain),
        &transport,
        &backend(),
        &clock,
        &mut rng(),
        &opts,
    ));
    assert!(run.succeeded(), "{:?}", run.error);
    assert_eq!(run.outcome.refreshed.as_ref().unwrap().access_token.expose(), "at-2");
    let sent = transport.sent.borrow();
    assert!(form_decode(&sent[4].body).contains(&("refresh_token".into(), "rt-1".into())));
    assert_eq!(
        sent[5].headers.get("authorization"),
        Some("Bearer at-2"),
        "userinfo uses the fresh token"
    );
}

/// Runs the flow for `config` over the canned responses, at `NOW`, with the default options.
fn drive(transport: &CannedTransport, config: &Config) -> FlowRun {
    let clock = FixedClock::at(NOW);
    run(run_flow(config, transport, &backend(), &clock, &mut rng(), &options()))
}

#[test]
fn a_transport_failure_mid_flow_stops_at_that_exchange_and_keeps_it() {
    // Discovery and JWKS answer; the PAR request never gets a response (the connection drops).
    let transport = CannedTransport::new(vec![discovery(), jwks()]);
    let run = drive(&transport, &config(Delivery::ParJar));
    let error = run.error.as_ref().expect("the run stops");
    assert!(error.to_string().contains("no canned response left"), "{error}");
    assert!(!run.succeeded());
    // The failed exchange is the timeline's last: its request, no response, the reason.
    let last = run
        .timeline
        .iter()
        .rev()
        .find_map(|e| match e {
            TimelineEvent::Exchange {
                step,
                request,
                response,
                transport_error,
            } => Some((*step, request.url.clone(), response.is_none(), transport_error.clone())),
            _ => None,
        })
        .unwrap();
    assert_eq!(last.0, "par");
    assert_eq!(last.1, PAR);
    assert!(last.2, "no response recorded");
    assert_eq!(last.3.as_deref(), Some("no canned response left"));
    assert_eq!(transport.sent.borrow().len(), 3, "nothing is sent after the failure");
}

#[test]
fn metadata_without_an_endpoint_the_flow_needs_is_named() {
    // PAR delivery against a server that publishes no pushed_authorization_request_endpoint.
    let mut metadata: Value = serde_json::from_slice(&discovery().body).unwrap();
    metadata
        .as_object_mut()
        .unwrap()
        .remove("pushed_authorization_request_endpoint");
    let transport = CannedTransport::new(vec![json_response(200, &metadata.to_string()), jwks()]);
    let run = drive(&transport, &config(Delivery::Par));
    let error = run.error.as_ref().expect("the run stops");
    assert!(
        error.to_string().contains("pushed_authorization_request_endpoint"),
        "{error}"
    );
    assert_eq!(
        transport.sent.borrow().len(),
        2,
        "no request goes anywhere after discovery"
    );

    // A code flow against metadata with no token_endpoint: the front channel completes, then
    // the token step names what is missing.
    let mut metadata: Value = serde_json::from_slice(&discovery().body).unwrap();
    metadata.as_object_mut().unwrap().remove("token_endpoint");
    let transport = CannedTransport::new(vec![
        json_response(200, &metadata.to_string()),
        jwks(),
        redirect("https://rp.example/cb?code=c-1&state=st-1&iss=https%3A%2F%2Fas.example"),
    ]);
    let run = drive(&transport, &config(Delivery::Plain));
    let error = run.error.as_ref().expect("the run stops");
    assert_eq!(error.code(), "discovery.endpoint_missing", "{error}");
    assert!(error.to_string().contains("token_endpoint"), "{error}");
    assert_eq!(transport.sent.borrow().len(), 3);
}

/// OIDC Core §5.3.2 in the flow: a signed userinfo JWT is verified with the server's JWKS and
/// shown with its checks; a userinfo whose sub is not the ID token's stops the run (its values
/// "MUST NOT be used"), and the claims are not kept.
#[test]
fn userinfo_is_checked_before_it_is_used() {
    let answers = |userinfo: Response| {
        CannedTransport::new(vec![
            discovery(),
            jwks(),
            json_response(
                201,
                r#"{"request_uri":"urn:ietf:params:oauth:request_uri:r1","expires_in":60}"#,
            ),
            redirect("https://rp.example/cb?code=c-1&state=st-1&iss=https%3A%2F%2Fas.example"),
            json_response(
                200,
                &json!({"access_token": "at-1", "token_type": "Bearer", "id_token": id_token(json!({}))}).to_string(),
            ),
            userinfo,
        ])
    };
    let signed = jws::sign_compact(
        r#"{"alg":"ES256","kid":"srv"}"#,
        json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": "alice"})
            .to_string()
            .as_bytes(),
        &server_key(),
        ShortHmacKeys::Refuse,
    )
    .unwrap();
    let mut jwt_response = Response::new(200);
    jwt_response.headers.append("Content-Type", "application/jwt");
    jwt_response.body = signed.into_bytes();
    let run = drive(&answers(jwt_response), &config(Delivery::ParJar));
    assert!(run.succeeded(), "{:?}", run.error);
    assert!(matches!(run.outcome.userinfo, Some(UserInfo::Jwt(_))));
    let steps = steps_of(&run);
    assert!(
        steps.contains(&"userinfo.signature") && steps.contains(&"userinfo.sub"),
        "{steps:?}"
    );

    let run = drive(
        &answers(json_response(200, r#"{"sub":"mallory"}"#)),
        &config(Delivery::ParJar),
    );
    assert_eq!(run.error.as_ref().map(|e| e.code()), Some("userinfo.sub_mismatch"));
    assert!(run.outcome.userinfo.is_none());
}
