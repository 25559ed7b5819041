//! Client side, back channel: token requests with every client authentication method,
//! token/userinfo responses, and a negative test for every ID token check code.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod oauth_common;

use oauth_common::*;
use oauth_playground::http::Method;
use oauth_playground::jose::jws::{self, unsecured};
use oauth_playground::jose::{base64url, Algorithm, Jwk, Jwks, SecretString, ShortHmacKeys};
use oauth_playground::oauth::id_token::half_hash;
use oauth_playground::oauth::*;
use oauth_playground::protocol::form_decode;
use serde_json::{json, Value};

fn server_key() -> Jwk {
    // RSA generation is slow: once per test binary.
    static KEY: std::sync::OnceLock<Jwk> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        let mut k = key(Algorithm::RS256, 50);
        k.kid = Some("srv-rsa".into());
        k
    })
    .clone()
}

fn jwks() -> Jwks {
    Jwks::new(vec![server_key().to_public().unwrap()])
}

fn claims() -> Value {
    json!({"iss": ISSUER, "sub": "alice", "aud": CLIENT_ID, "exp": NOW + 300, "iat": NOW, "nonce": "n-1"})
}

fn sign(claims: &Value) -> String {
    jws::sign_compact(
        r#"{"alg":"RS256","kid":"srv-rsa"}"#,
        claims.to_string().as_bytes(),
        &server_key(),
        ShortHmacKeys::Refuse,
    )
    .unwrap()
}

fn expect() -> IdTokenExpectations {
    let mut e = IdTokenExpectations::new(ISSUER, CLIENT_ID);
    e.nonce = Some("n-1".into());
    e
}

fn check(jwt: &str, expect: &IdTokenExpectations) -> Report<VerifiedIdToken> {
    run(validate_id_token(jwt, expect, Some(&jwks()), NOW, &backend()))
}

fn code_of(claims: &Value) -> Option<&'static str> {
    check(&sign(claims), &expect()).failure_code()
}

fn with(mut claims: Value, name: &str, value: Value) -> Value {
    claims[name] = value;
    claims
}

// --- token endpoint -------------------------------------------------------------------------

fn token_request() -> TokenRequest {
    TokenRequest::authorization_code(
        TOKEN,
        "the-code",
        Some(REDIRECT.into()),
        Some(CodeVerifier::new("ver-1")),
    )
}

#[test]
fn authorization_code_request_carries_code_redirect_and_verifier() {
    let req = run(token_request().to_http(CLIENT_ID, &ClientAuth::None, TOKEN, NOW, &mut rng(), &backend())).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, TOKEN);
    let body = form_decode(&req.body);
    for pair in [
        ("grant_type", "authorization_code"),
        ("code", "the-code"),
        ("redirect_uri", REDIRECT),
        ("code_verifier", "ver-1"),
        ("client_id", CLIENT_ID),
    ] {
        assert!(body.contains(&(pair.0.into(), pair.1.into())), "{pair:?}");
    }
    assert!(!format!("{:?}", token_request()).contains("ver-1"), "verifier redacts");
    assert!(!format!("{:?}", token_request()).contains("the-code"), "code redacts");
}

#[test]
fn refresh_request_carries_the_refresh_token() {
    let refresh = TokenRequest::refresh(TOKEN, SecretString::new("rt-1".into()), Some("openid".into()));
    let auth = ClientAuth::ClientSecretBasic {
        secret: SecretString::new("s".into()),
    };
    let req = run(refresh.to_http(CLIENT_ID, &auth, TOKEN, NOW, &mut rng(), &backend())).unwrap();
    let body = form_decode(&req.body);
    assert_eq!(body[0], ("grant_type".into(), "refresh_token".into()));
    assert!(body.contains(&("refresh_token".into(), "rt-1".into())));
    assert!(req.headers.get("authorization").unwrap().starts_with("Basic "));
}

#[test]
fn token_request_authenticates_with_every_method() {
    let secret = SecretString::new("0123456789abcdef0123456789abcdef".into());
    let pk = key(Algorithm::ES256, 51);
    let methods = [
        ClientAuth::None,
        ClientAuth::ClientSecretBasic { secret: secret.clone() },
        ClientAuth::ClientSecretPost { secret: secret.clone() },
        ClientAuth::ClientSecretJwt {
            secret: secret.clone(),
            alg: Algorithm::HS256,
        },
        ClientAuth::PrivateKeyJwt {
            key: pk.clone(),
            alg: Algorithm::ES256,
        },
    ];
    for auth in &methods {
        let req = run(token_request().to_http(CLIENT_ID, auth, TOKEN, NOW, &mut rng(), &backend())).unwrap();
        let body = form_decode(&req.body);
        let has = |k: &str| body.iter().any(|(n, _)| n == k);
        match auth.method() {
            "none" => assert!(has("client_id") && !has("client_secret")),
            "client_secret_basic" => assert!(req.headers.get("authorization").is_some() && !has("client_secret")),
            "client_secret_post" => assert!(has("client_secret")),
            m => {
                let assertion = &body.iter().find(|(k, _)| k == "client_assertion").unwrap().1;
                let key = if m == "client_secret_jwt" {
                    ClientAuth::secret_key(&secret)
                } else {
                    pk.to_public().unwrap()
                };
                let alg = if m == "client_secret_jwt" {
                    Algorithm::HS256
                } else {
                    Algorithm::ES256
                };
                let verified = jws::verify_compact(assertion, &key, &[alg]).unwrap();
                let claims: Value = serde_json::from_slice(&verified.payload).unwrap();
                assert_eq!(claims["aud"], TOKEN);
                assert_eq!(claims["sub"], CLIENT_ID);
            }
        }
    }
}

#[test]
fn token_response_parses_and_errors_are_surfaced() {
    let ok = json_response(
        200,
        r#"{"access_token":"at","token_type":"Bearer","expires_in":3600,"refresh_token":"rt","id_token":"a.b.c","scope":"openid","x":1}"#,
    );
    let parsed = process_token_response(&ok).unwrap();
    assert_eq!(parsed.access_token.expose(), "at");
    assert_eq!(parsed.expires_in, Some(3600));
    assert_eq!(parsed.extra["x"], 1);
    assert!(!format!("{parsed:?}").contains("\"at\""));
    let err = process_token_response(&json_response(400, r#"{"error":"invalid_grant"}"#)).unwrap_err();
    assert_eq!(err.code(), "token.status");
    let missing = process_token_response(&json_response(200, r#"{"token_type":"Bearer"}"#)).unwrap_err();
    assert_eq!(missing.code(), "token.response_invalid");
}

#[test]
fn userinfo_is_a_bearer_get() {
    let req = userinfo_request("https://as.example/userinfo", &SecretString::new("at-1".into()));
    assert_eq!(req.method, Method::Get);
    assert_eq!(req.headers.get("authorization"), Some("Bearer at-1"));
    let info = process_userinfo_response(&json_response(200, r#"{"sub":"alice"}"#)).unwrap();
    assert_eq!(
        info,
        UserInfo::Claims(json!({"sub": "alice"}).as_object().unwrap().clone())
    );
    assert_eq!(
        process_userinfo_response(&json_response(401, "")).unwrap_err().code(),
        "userinfo.status"
    );
}

// --- ID token: one negative per code --------------------------------------------------------

#[test]
fn valid_id_token_passes_every_step() {
    let report = check(&sign(&claims()), &expect());
    assert_eq!(report.result.as_ref().unwrap().sub(), Some("alice"));
    assert!(report.steps.iter().all(|s| s.passed()));
}

#[test]
fn encrypted_id_token_without_registered_encryption_is_refused() {
    // {"alg":"RSA-OAEP","enc":"A256GCM"}: the client registered no ID token encryption.
    assert_eq!(
        check("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d", &expect()).failure_code(),
        Some("id_token.encryption_alg_unexpected")
    );
    assert_eq!(check("a.b.c.d.e", &expect()).failure_code(), Some("id_token.malformed"));
}

#[test]
fn malformed_id_token_is_rejected() {
    assert_eq!(check("nope", &expect()).failure_code(), Some("id_token.malformed"));
    let crit = format!(
        "{}.{}.",
        base64url::encode(r#"{"alg":"RS256","crit":["x"],"x":1}"#),
        base64url::encode(claims().to_string())
    );
    assert_eq!(check(&crit, &expect()).failure_code(), Some("id_token.crit_unknown"));
}

#[test]
fn unsigned_id_token_is_rejected() {
    let jwt = unsecured::encode(r#"{"alg":"none"}"#, claims().to_string().as_bytes()).unwrap();
    assert_eq!(check(&jwt, &expect()).failure_code(), Some("id_token.alg_none"));
}

#[test]
fn id_token_with_unexpected_alg_is_rejected() {
    let k = key(Algorithm::ES256, 52);
    let jwt = jws::sign_compact(
        r#"{"alg":"ES256"}"#,
        claims().to_string().as_bytes(),
        &k,
        ShortHmacKeys::Refuse,
    )
    .unwrap();
    assert_eq!(check(&jwt, &expect()).failure_code(), Some("id_token.alg_unexpected"));
}

#[test]
fn id_token_with_unknown_kid_or_two_candidates_has_no_single_key() {
    let jwt = jws::sign_compact(
        r#"{"alg":"RS256","kid":"nope"}"#,
        claims().to_string().as_bytes(),
        &server_key(),
        ShortHmacKeys::Refuse,
    )
    .unwrap();
    assert_eq!(check(&jwt, &expect()).failure_code(), Some("id_token.key_not_found"));
    let no_kid = jws::sign_compact(
        r#"{"alg":"RS256"}"#,
        claims().to_string().as_bytes(),
        &server_key(),
        ShortHmacKeys::Refuse,
    )
    .unwrap();
    let mut other = key(Algorithm::RS256, 53).to_public().unwrap();
    other.kid = Some("other".into());
    let two = Jwks::new(vec![server_key().to_public().unwrap(), other]);
    let report = run(validate_id_token(&no_kid, &expect(), Some(&two), NOW, &backend()));
    assert_eq!(report.failure_code(), Some("id_token.key_ambiguous"));
}

#[test]
fn id_token_with_forged_signature_is_rejected_before_its_claims() {
    let bad = with(claims(), "iss", json!("https://evil"));
    let jwt = format!(
        "{}.{}.{}",
        base64url::encode(r#"{"alg":"RS256","kid":"srv-rsa"}"#),
        base64url::encode(bad.to_string()),
        base64url::encode([1u8; 256])
    );
    assert_eq!(
        check(&jwt, &expect()).failure_code(),
        Some("id_token.signature_invalid")
    );
}

#[test]
fn id_token_without_sub_is_rejected() {
    let mut c = claims();
    c.as_object_mut().unwrap().remove("sub");
    assert_eq!(code_of(&c), Some("id_token.claim_missing"));
}

#[test]
fn id_token_with_wrong_iss_is_rejected() {
    assert_eq!(
        code_of(&with(claims(), "iss", json!("https://evil"))),
        Some("id_token.iss_mismatch")
    );
}

#[test]
fn id_token_for_another_client_is_rejected() {
    assert_eq!(
        code_of(&with(claims(), "aud", json!("other"))),
        Some("id_token.aud_mismatch")
    );
}

#[test]
fn id_token_with_several_audiences_needs_azp_naming_the_client() {
    let multi = with(claims(), "aud", json!([CLIENT_ID, "api"]));
    assert_eq!(code_of(&multi), Some("id_token.azp_missing"));
    assert_eq!(
        code_of(&with(multi.clone(), "azp", json!("api"))),
        Some("id_token.azp_mismatch")
    );
    assert_eq!(code_of(&with(multi, "azp", json!(CLIENT_ID))), None);
}

#[test]
fn expired_id_token_is_rejected() {
    assert_eq!(
        code_of(&with(claims(), "exp", json!(NOW - 61))),
        Some("id_token.expired")
    );
}

#[test]
fn id_token_issued_in_the_future_is_rejected() {
    assert_eq!(
        code_of(&with(claims(), "iat", json!(NOW + 120))),
        Some("id_token.iat_future")
    );
}

#[test]
fn id_token_with_wrong_or_missing_nonce_is_rejected() {
    assert_eq!(
        code_of(&with(claims(), "nonce", json!("other"))),
        Some("id_token.nonce_mismatch")
    );
    let mut c = claims();
    c.as_object_mut().unwrap().remove("nonce");
    assert_eq!(code_of(&c), Some("id_token.nonce_mismatch"));
}

#[test]
fn max_age_requires_a_recent_auth_time() {
    let mut e = expect();
    e.max_age = Some(600);
    assert_eq!(
        check(&sign(&claims()), &e).failure_code(),
        Some("id_token.auth_time_missing")
    );
    let stale = with(claims(), "auth_time", json!(NOW - 1000));
    assert_eq!(
        check(&sign(&stale), &e).failure_code(),
        Some("id_token.auth_time_stale")
    );
}

fn hybrid(response_type: &str) -> IdTokenExpectations {
    let mut e = expect();
    e.source = IdTokenSource::AuthorizationEndpoint {
        response_type: response_type.into(),
    };
    e.access_token = Some("at-1".into());
    e.code = Some("code-1".into());
    e
}

#[test]
fn at_hash_is_required_with_an_access_token_from_the_authorization_endpoint() {
    let report = check(&sign(&claims()), &hybrid("id_token token"));
    assert_eq!(report.failure_code(), Some("id_token.at_hash_missing"));
    let wrong = with(claims(), "at_hash", json!(half_hash(Algorithm::RS256, "other")));
    assert_eq!(
        check(&sign(&wrong), &hybrid("id_token token")).failure_code(),
        Some("id_token.at_hash_mismatch")
    );
    let right = with(claims(), "at_hash", json!(half_hash(Algorithm::RS256, "at-1")));
    assert_eq!(check(&sign(&right), &hybrid("id_token token")).failure_code(), None);
}

#[test]
fn c_hash_is_required_in_hybrid_flows() {
    assert_eq!(
        check(&sign(&claims()), &hybrid("code id_token")).failure_code(),
        Some("id_token.c_hash_missing")
    );
    let wrong = with(claims(), "c_hash", json!(half_hash(Algorithm::RS256, "other")));
    assert_eq!(
        check(&sign(&wrong), &hybrid("code id_token")).failure_code(),
        Some("id_token.c_hash_mismatch")
    );
    let right = with(claims(), "c_hash", json!(half_hash(Algorithm::RS256, "code-1")));
    assert_eq!(check(&sign(&right), &hybrid("code id_token")).failure_code(), None);
}

#[test]
fn half_hash_reproduces_the_oidc_core_a4_c_hash() {
    // OIDC Core Appendix A.4 (response_type=code id_token): the code and its c_hash.
    assert_eq!(
        half_hash(
            Algorithm::RS256,
            "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk"
        ),
        "LDktKdoQak3Pk0cnXxCltA"
    );
    assert_eq!(half_hash(Algorithm::ES384, "x").len(), 32, "left 24 of 48 bytes");
    assert_eq!(
        half_hash(Algorithm::EdDSA, "x").len(),
        43,
        "left 32 of SHA-512's 64 bytes"
    );
}

#[test]
fn hs256_id_token_verifies_with_the_client_secret() {
    let secret = SecretString::new("0123456789abcdef0123456789abcdef".into());
    let jwt = jws::sign_compact(
        r#"{"alg":"HS256"}"#,
        claims().to_string().as_bytes(),
        &ClientAuth::secret_key(&secret),
        ShortHmacKeys::Refuse,
    )
    .unwrap();
    let mut e = expect();
    e.algs = vec![Algorithm::HS256];
    assert_eq!(check(&jwt, &e).failure_code(), Some("id_token.key_not_found"));
    e.client_secret = Some(secret);
    assert_eq!(check(&jwt, &e).failure_code(), None);
}

#[test]
fn id_token_exp_or_iat_that_is_not_a_numeric_date_is_rejected() {
    assert_eq!(
        code_of(&with(claims(), "exp", json!("tomorrow"))),
        Some("id_token.expired")
    );
    let mut no_exp = claims();
    no_exp.as_object_mut().unwrap().remove("exp");
    assert_eq!(
        code_of(&no_exp),
        Some("id_token.claim_missing"),
        "OIDC Core §2: exp is required"
    );
    assert_eq!(
        code_of(&with(claims(), "iat", json!("now"))),
        Some("id_token.iat_future")
    );
}
