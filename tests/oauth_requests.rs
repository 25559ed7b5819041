//! Client side, front half: the authorization request model, PKCE, request objects, the four
//! deliveries, PAR and client authentication.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod oauth_common;

use oauth_common::*;
use oauth_playground::http::{Method, Response};
use oauth_playground::jose::jws;
use oauth_playground::jose::SecretString;
use oauth_playground::jose::{base64url, Algorithm, ShortHmacKeys};
use oauth_playground::oauth::client_auth::basic_authorization;
use oauth_playground::oauth::delivery::{
    jar_authorization_url, par_authorization_url, par_parameters, plain_authorization_url,
};
use oauth_playground::oauth::request_object;
use oauth_playground::oauth::request_object::{OuterParams, RequestObjectTarget};
use oauth_playground::oauth::*;
use oauth_playground::protocol::{form_decode, UrlParts};
use serde_json::{json, Value};

fn request() -> AuthorizationRequest {
    let mut r = AuthorizationRequest::new(CLIENT_ID, REDIRECT);
    r.scope = Some("openid profile".into());
    r.max_age = Some(600);
    r.claims = Some(
        json!({"id_token": {"acr": {"essential": true}}})
            .as_object()
            .unwrap()
            .clone(),
    );
    r.resource = vec!["https://api.one".into(), "https://api.two".into()];
    r.authorization_details = Some(vec![json!({"type": "payment"})]);
    r.extra = vec![("custom".into(), "x y".into())];
    r.regenerate(&mut rng());
    r
}

fn target() -> RequestObjectTarget<'static> {
    RequestObjectTarget {
        issuer: ISSUER,
        authorization_endpoint: AUTHORIZE,
    }
}

fn query(url: &str) -> Vec<(String, String)> {
    UrlParts::split(url).unwrap().query_pairs()
}

fn names(pairs: &[(String, String)]) -> Vec<&str> {
    pairs.iter().map(|(k, _)| k.as_str()).collect()
}

fn payload(jwt: &str) -> Value {
    let part = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64url::decode(part, "p").unwrap()).unwrap()
}

fn header(jwt: &str) -> Value {
    let part = jwt.split('.').next().unwrap();
    serde_json::from_slice(&base64url::decode(part, "h").unwrap()).unwrap()
}

fn signed_request_object(options: &RequestObjectOptions) -> (String, oauth_playground::jose::Jwk) {
    let key = key(Algorithm::ES256, 1);
    let signing = RequestSigning::Signed {
        alg: Algorithm::ES256,
        key: key.clone(),
    };
    let ro = RequestObject::build(&request(), options, &target(), &signing, NOW, &mut rng()).unwrap();
    (run(ro.sign(&backend(), &signing, ShortHmacKeys::Refuse)).unwrap(), key)
}

// --- model and PKCE -------------------------------------------------------------------------

#[test]
fn pkce_s256_reproduces_rfc7636_appendix_b() {
    let text = std::fs::read_to_string("/work/shared/vectors/rfc.json")
        .or_else(|_| std::fs::read_to_string(format!("{}/../shared/vectors/rfc.json", env!("CARGO_MANIFEST_DIR"))))
        .unwrap();
    let vectors: Value = serde_json::from_str(&text).unwrap();
    for case in vectors["pkce"].as_array().unwrap() {
        let verifier = CodeVerifier::new(case["code_verifier"].as_str().unwrap());
        assert_eq!(
            verifier.challenge(PkceMethod::S256),
            case["code_challenge"].as_str().unwrap()
        );
    }
}

#[test]
fn state_nonce_and_verifier_regenerate_from_the_injected_rng() {
    let a = request();
    let b = request();
    assert_eq!(a.state, b.state, "same seed, same values");
    let verifier = a.pkce.as_ref().unwrap().verifier.as_ref().unwrap().expose().to_string();
    assert_eq!(verifier.len(), 43);
    let mut c = a.clone();
    c.regenerate(&mut rng_with(8));
    assert_ne!(a.state, c.state);
    assert_ne!(a.nonce, c.nonce);
    assert_ne!(a.pkce, c.pkce);
}

fn rng_with(seed: u64) -> rand_chacha::ChaCha20Rng {
    use rand_chacha::rand_core::SeedableRng;
    rand_chacha::ChaCha20Rng::seed_from_u64(seed)
}

#[test]
fn verifier_is_redacted_in_debug_and_left_out_of_json_unless_asked() {
    let r = request();
    let verifier = r.pkce.as_ref().unwrap().verifier.as_ref().unwrap().expose().to_string();
    assert!(!format!("{r:?}").contains(&verifier));
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains(&verifier));
    let back: AuthorizationRequest = serde_json::from_str(&json).unwrap();
    assert!(back.pkce.as_ref().unwrap().verifier.is_none());
    let full = r.to_json_including_secrets();
    assert!(full.contains(&verifier));
    let back: AuthorizationRequest = serde_json::from_str(&full).unwrap();
    assert_eq!(back, r, "the explicit form round-trips");
}

// --- request object -------------------------------------------------------------------------

#[test]
fn request_object_claims_keep_json_types_and_carry_jar_claims() {
    let (jwt, key) = signed_request_object(&RequestObjectOptions::default());
    let claims = payload(&jwt);
    assert_eq!(claims["max_age"], json!(600), "a number, not a string");
    assert!(claims["claims"].is_object());
    assert!(claims["authorization_details"].is_array());
    assert_eq!(claims["resource"], json!(["https://api.one", "https://api.two"]));
    assert_eq!(claims["iss"], CLIENT_ID);
    assert_eq!(claims["client_id"], CLIENT_ID);
    assert_eq!(claims["aud"], ISSUER);
    assert_eq!(claims["iat"], NOW);
    assert_eq!(claims["nbf"], NOW);
    assert_eq!(claims["exp"], NOW + 300);
    assert!(claims["jti"].as_str().unwrap().len() >= 16);
    assert!(claims.get("request").is_none() && claims.get("request_uri").is_none());
    assert_eq!(claims["code_challenge_method"], "S256");
    let h = header(&jwt);
    assert_eq!(h["typ"], "oauth-authz-req+jwt");
    assert_eq!(h["alg"], "ES256");
    assert_eq!(h["kid"].as_str(), key.kid.as_deref());
    assert!(jws::verify_compact(&jwt, &key.to_public().unwrap(), &[Algorithm::ES256]).is_ok());
}

#[test]
fn request_object_jti_is_unique_per_build() {
    let signing = RequestSigning::Unsigned;
    let mut r = rng();
    let opts = RequestObjectOptions::default();
    let a = RequestObject::build(&request(), &opts, &target(), &signing, NOW, &mut r).unwrap();
    let b = RequestObject::build(&request(), &opts, &target(), &signing, NOW, &mut r).unwrap();
    assert_ne!(a.claims["jti"], b.claims["jti"]);
}

#[test]
fn request_object_options_switch_aud_typ_and_lifetime() {
    let options = RequestObjectOptions {
        audience: Audience::AuthorizationEndpoint,
        typ: TypHeader::Jwt,
        lifetime: 60,
        include_nbf: false,
        ..RequestObjectOptions::default()
    };
    let (jwt, _) = signed_request_object(&options);
    assert_eq!(payload(&jwt)["aud"], AUTHORIZE);
    assert_eq!(payload(&jwt)["exp"], NOW + 60);
    assert!(payload(&jwt).get("nbf").is_none());
    assert_eq!(header(&jwt)["typ"], "JWT");
}

#[test]
fn unsigned_request_object_only_when_asked_and_uses_alg_none() {
    let ro = RequestObject::build(
        &request(),
        &RequestObjectOptions::default(),
        &target(),
        &RequestSigning::Unsigned,
        NOW,
        &mut rng(),
    )
    .unwrap();
    let jwt = run(ro.sign(&backend(), &RequestSigning::Unsigned, ShortHmacKeys::Refuse)).unwrap();
    assert!(jwt.ends_with('.'));
    assert_eq!(header(&jwt)["alg"], "none");
    // A signed configuration refuses a header edited to alg none.
    let signing = RequestSigning::Signed {
        alg: Algorithm::HS256,
        key: key(Algorithm::HS256, 3),
    };
    let b = backend();
    let edited = request_object::sign_text(&b, r#"{"alg":"none"}"#, "{}", &signing, ShortHmacKeys::Refuse);
    assert!(run(edited).is_err());
}

#[test]
fn caller_edited_header_and_payload_are_signed_byte_for_byte() {
    let key = key(Algorithm::HS256, 4);
    let signing = RequestSigning::Signed {
        alg: Algorithm::HS256,
        key: key.clone(),
    };
    let header_text = "{\"alg\":\"HS256\", \"typ\":\"JWT\"}";
    let payload_text = "{\"client_id\":\"tampered\"}";
    let jwt = run(request_object::sign_text(
        &backend(),
        header_text,
        payload_text,
        &signing,
        ShortHmacKeys::Refuse,
    ))
    .unwrap();
    let verified = jws::verify_compact(&jwt, &key, &[Algorithm::HS256]).unwrap();
    assert_eq!(verified.payload, payload_text.as_bytes());
    assert_eq!(
        base64url::decode(jwt.split('.').next().unwrap(), "h").unwrap(),
        header_text.as_bytes()
    );
}

// --- deliveries -----------------------------------------------------------------------------

#[test]
fn plain_delivery_puts_every_parameter_in_the_query() {
    let url = plain_authorization_url(AUTHORIZE, &request()).unwrap();
    let q = query(&url);
    assert!(url.starts_with("https://as.example/authorize?response_type=code&client_id=client-1"));
    for name in [
        "redirect_uri",
        "scope",
        "state",
        "nonce",
        "code_challenge",
        "max_age",
        "claims",
        "custom",
    ] {
        assert!(names(&q).contains(&name), "{name} missing");
    }
    assert_eq!(q.iter().filter(|(k, _)| k == "resource").count(), 2);
    assert!(q.contains(&("max_age".into(), "600".into())));
}

#[test]
fn jar_url_carries_only_client_id_request_and_oidc_params() {
    let (jwt, _) = signed_request_object(&RequestObjectOptions::default());
    let url = jar_authorization_url(AUTHORIZE, &request(), &jwt, OuterParams::WhenOpenId);
    assert_eq!(names(&query(&url)), ["client_id", "response_type", "scope", "request"]);
    let url = jar_authorization_url(AUTHORIZE, &request(), &jwt, OuterParams::Never);
    assert_eq!(names(&query(&url)), ["client_id", "request"]);
    assert_eq!(query(&url)[1].1, jwt);
}

#[test]
fn par_bodies_never_carry_request_uri_and_par_jar_sends_only_the_request() {
    let plain = par_parameters(&request(), None).unwrap();
    assert!(!names(&plain).contains(&"request_uri"));
    assert!(names(&plain).contains(&"code_challenge"));
    let with_jar = par_parameters(&request(), Some("h.p.s")).unwrap();
    assert_eq!(names(&with_jar), ["client_id", "request"]);
    let mut sneaky = request();
    sneaky.extra.push(("request_uri".into(), "urn:x".into()));
    assert_eq!(
        par_parameters(&sneaky, None).unwrap_err().code(),
        "request.reserved_parameter"
    );
    assert_eq!(
        PushedRequest::new(PAR, vec![("request_uri".into(), "urn:x".into())])
            .unwrap_err()
            .code(),
        "par.request_uri_in_body"
    );
}

#[test]
fn par_authorize_url_carries_only_client_id_and_request_uri() {
    let url = par_authorization_url(AUTHORIZE, CLIENT_ID, "urn:ietf:params:oauth:request_uri:abc");
    assert_eq!(
        query(&url),
        vec![
            ("client_id".to_string(), CLIENT_ID.to_string()),
            (
                "request_uri".to_string(),
                "urn:ietf:params:oauth:request_uri:abc".to_string()
            )
        ]
    );
}

// --- PAR and client authentication ----------------------------------------------------------

fn par_request(auth: &ClientAuth) -> oauth_playground::http::Request {
    let pushed = PushedRequest::new(PAR, par_parameters(&request(), None).unwrap()).unwrap();
    run(pushed.to_http(CLIENT_ID, auth, ISSUER, NOW, &mut rng(), &backend())).unwrap()
}

fn secret() -> SecretString {
    SecretString::new("a-secret-that-is-long-enough-for-hs256!!".into())
}

#[test]
fn auth_none_sends_client_id_in_the_body_only() {
    let req = par_request(&ClientAuth::None);
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.headers.get("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(req.headers.get("authorization").is_none());
    let body = form_decode(&req.body);
    assert_eq!(body.iter().filter(|(k, _)| k == "client_id").count(), 1);
    assert!(!names(&body).contains(&"client_secret"));
}

#[test]
fn client_secret_basic_sends_an_rfc6749_basic_header() {
    let req = par_request(&ClientAuth::ClientSecretBasic { secret: secret() });
    assert_eq!(
        req.headers.get("authorization").unwrap(),
        "Basic Y2xpZW50LTE6YS1zZWNyZXQtdGhhdC1pcy1sb25nLWVub3VnaC1mb3ItaHMyNTYlMjElMjE="
    );
    assert!(!names(&form_decode(&req.body)).contains(&"client_secret"));
    // RFC 6749 §2.3.1: id and secret are form-encoded before base64.
    let odd = basic_authorization("a:b", &SecretString::new("p w".into()));
    assert_eq!(odd, format!("Basic {}", base64_std("a%3Ab:p+w")));
}

fn base64_std(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[test]
fn client_secret_post_sends_the_secret_in_the_body() {
    let req = par_request(&ClientAuth::ClientSecretPost { secret: secret() });
    let body = form_decode(&req.body);
    assert!(body.contains(&("client_secret".into(), secret().expose().into())));
    assert!(req.headers.get("authorization").is_none());
}

fn assertion_of(req: &oauth_playground::http::Request) -> String {
    let body = form_decode(&req.body);
    assert!(body.contains(&(
        "client_assertion_type".into(),
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into()
    )));
    body.into_iter().find(|(k, _)| k == "client_assertion").unwrap().1
}

fn assert_rfc7523_claims(assertion: &str) {
    let claims = payload(assertion);
    assert_eq!(claims["iss"], CLIENT_ID);
    assert_eq!(claims["sub"], CLIENT_ID);
    assert_eq!(claims["aud"], ISSUER);
    assert_eq!(claims["iat"], NOW);
    assert_eq!(claims["exp"], NOW + 60);
    assert!(claims["jti"].is_string());
}

#[test]
fn client_secret_jwt_assertion_verifies_with_the_secret() {
    let auth = ClientAuth::ClientSecretJwt {
        secret: secret(),
        alg: Algorithm::HS256,
    };
    let assertion = assertion_of(&par_request(&auth));
    assert_rfc7523_claims(&assertion);
    assert!(jws::verify_compact(&assertion, &ClientAuth::secret_key(&secret()), &[Algorithm::HS256]).is_ok());
}

#[test]
fn private_key_jwt_assertion_verifies_with_the_public_key() {
    let key = key(Algorithm::RS256, 5);
    let auth = ClientAuth::PrivateKeyJwt {
        key: key.clone(),
        alg: Algorithm::RS256,
    };
    let req = par_request(&auth);
    let assertion = assertion_of(&req);
    assert_rfc7523_claims(&assertion);
    assert_eq!(header(&assertion)["kid"].as_str(), key.kid.as_deref());
    assert!(jws::verify_compact(&assertion, &key.to_public().unwrap(), &[Algorithm::RS256]).is_ok());
    assert!(!format!("{auth:?}").contains("\"d\""));
}

#[test]
fn par_response_201_yields_request_uri_and_expires_in() {
    let ok = json_response(
        201,
        r#"{"request_uri":"urn:ietf:params:oauth:request_uri:x","expires_in":60}"#,
    );
    let parsed = process_pushed_authorization_response(&ok).unwrap();
    assert_eq!(parsed.request_uri, "urn:ietf:params:oauth:request_uri:x");
    assert_eq!(parsed.expires_in, 60);
}

#[test]
fn par_response_errors_are_precise() {
    let ok_body = r#"{"request_uri":"urn:x","expires_in":60}"#;
    assert_eq!(
        process_pushed_authorization_response(&json_response(200, ok_body))
            .unwrap_err()
            .code(),
        "par.status"
    );
    let missing = process_pushed_authorization_response(&json_response(201, r#"{"expires_in":60}"#));
    assert_eq!(missing.unwrap_err().code(), "par.request_uri_missing");
    let no_exp = process_pushed_authorization_response(&json_response(201, r#"{"request_uri":"urn:x"}"#));
    assert_eq!(no_exp.unwrap_err().code(), "par.expires_in_missing");
    let garbage = process_pushed_authorization_response(&Response::new(201));
    assert_eq!(garbage.unwrap_err().code(), "par.response_invalid");
    let oauth = r#"{"error":"invalid_request_object","error_description":"bad sig"}"#;
    let ClientError::Status { status, body, raw, .. } =
        process_pushed_authorization_response(&json_response(400, oauth)).unwrap_err()
    else {
        panic!("not a status error")
    };
    assert_eq!(status, 400);
    assert_eq!(raw, oauth, "the body as sent");
    let ServerErrorBody::OAuth {
        error,
        error_description,
        ..
    } = *body
    else {
        panic!("{body:?}")
    };
    assert_eq!(error, "invalid_request_object");
    assert_eq!(error_description.as_deref(), Some("bad sig"));
    let pingone = r#"{"id":"1","code":"INVALID_DATA","message":"m","details":[{"code":"INVALID_VALUE","target":"request","message":"The \"request\" must be supplied when requireSignedRequestObject is on."}]}"#;
    let ClientError::Status { body, .. } =
        process_pushed_authorization_response(&json_response(400, pingone)).unwrap_err()
    else {
        panic!("not a status error")
    };
    let ServerErrorBody::PingOne { code, details, .. } = *body else {
        panic!("{body:?}")
    };
    assert_eq!(code, "INVALID_DATA");
    assert_eq!(details[0].target.as_deref(), Some("request"));
    assert_eq!(details[0].code.as_deref(), Some("INVALID_VALUE"));
}

#[test]
fn prepare_authorization_yields_each_deliverys_first_message() {
    let endpoints = Endpoints {
        issuer: ISSUER,
        authorization_endpoint: AUTHORIZE,
        pushed_authorization_request_endpoint: Some(PAR),
        jwks: None,
    };
    let mut config = Config::new(ISSUER, request());
    config.request_object_alg = Some(Algorithm::ES256);
    config.client_key = Some(key(Algorithm::ES256, 9));
    for delivery in Delivery::ALL {
        config.delivery = delivery;
        let b = backend();
        let prepared = run(prepare_authorization(&config, &endpoints, ISSUER, NOW, &mut rng(), &b)).unwrap();
        assert_eq!(
            prepared.request_object_jwt.is_some(),
            delivery.uses_request_object(),
            "{delivery:?}"
        );
        match (&prepared.first, delivery) {
            (FirstMessage::Redirect { authorize_url }, Delivery::Plain) => {
                assert!(names(&query(authorize_url)).contains(&"code_challenge"))
            }
            (FirstMessage::Redirect { authorize_url }, Delivery::Jar) => {
                assert_eq!(
                    names(&query(authorize_url)),
                    ["client_id", "response_type", "scope", "request"]
                )
            }
            (FirstMessage::Push { request }, Delivery::Par) => {
                assert_eq!(request.url, PAR);
                assert!(!names(&form_decode(&request.body)).contains(&"request"));
            }
            (FirstMessage::Push { request }, Delivery::ParJar) => {
                assert_eq!(names(&form_decode(&request.body)), ["client_id", "request"]);
            }
            (other, d) => panic!("{d:?} gave {other:?}"),
        }
    }
}

#[test]
fn an_edited_request_object_is_signed_as_typed_and_bad_json_is_located() {
    let endpoints = Endpoints {
        issuer: ISSUER,
        authorization_endpoint: AUTHORIZE,
        pushed_authorization_request_endpoint: Some(PAR),
        jwks: None,
    };
    let mut config = Config::new(ISSUER, request());
    config.delivery = Delivery::Jar;
    config.request_object_alg = Some(Algorithm::ES256);
    let signing_key = key(Algorithm::ES256, 9);
    config.client_key = Some(signing_key.clone());
    let header = r#"{"alg":"ES256","typ":"oauth-authz-req+jwt"}"#;
    let payload = r#"{"iss":"someone-else","aud":"https://elsewhere.example"}"#;
    config.request_object_edit = Some(oauth_playground::oauth::config::RequestObjectEdit {
        header: header.into(),
        payload: payload.into(),
    });
    let b = backend();
    let prepared = run(prepare_authorization(&config, &endpoints, ISSUER, NOW, &mut rng(), &b)).unwrap();
    let jwt = prepared.request_object_jwt.unwrap();
    let decoded = jws::decode_unverified(&jwt).unwrap();
    // Exactly the typed bytes: no claim added, none regenerated.
    assert_eq!(decoded.payload, payload.as_bytes());
    assert_eq!(prepared.request_object.unwrap().claims["iss"], "someone-else");

    config.request_object_edit = Some(oauth_playground::oauth::config::RequestObjectEdit {
        header: header.into(),
        payload: "{\n  \"iss\": \"x\",\n  oops\n}".into(),
    });
    let err = run(prepare_authorization(&config, &endpoints, ISSUER, NOW, &mut rng(), &b)).unwrap_err();
    assert_eq!(err.code(), "jar.edit_invalid_json");
    assert!(err.to_string().contains("line 3"), "{err}");

    config.request_object_edit = Some(oauth_playground::oauth::config::RequestObjectEdit {
        header: header.into(),
        payload: "[1, 2]".into(),
    });
    let err = run(prepare_authorization(&config, &endpoints, ISSUER, NOW, &mut rng(), &b)).unwrap_err();
    assert_eq!(err.code(), "jar.edit_not_object");
}
