//! Client side, callback: parsing query / fragment / form_post responses, and a negative test
//! for every JARM and callback check code, proving the order of the checks.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod oauth_common;

use oauth_common::*;
use oauth_playground::jose::jws::{self, unsecured, JwsHeader};
use oauth_playground::jose::{base64url, Algorithm, Jwk, Jwks, ShortHmacKeys};
use oauth_playground::oauth::*;
use serde_json::{json, Value};

fn server_key() -> Jwk {
    let mut k = key(Algorithm::ES256, 40);
    k.kid = Some("srv-1".into());
    k
}

fn jwks() -> Jwks {
    Jwks::new(vec![server_key().to_public().unwrap()])
}

fn claims() -> Value {
    json!({
        "iss": ISSUER, "aud": CLIENT_ID, "exp": NOW + 120, "iat": NOW,
        "code": "the-code", "state": "st-1"
    })
}

fn sign(header: &str, claims: &Value, key: &Jwk) -> String {
    jws::sign_compact(header, claims.to_string().as_bytes(), key, ShortHmacKeys::Refuse).unwrap()
}

fn jarm(claims: &Value) -> String {
    sign(r#"{"alg":"ES256","kid":"srv-1"}"#, claims, &server_key())
}

fn expect() -> ResponseExpectations {
    let mut e = ResponseExpectations::new(ISSUER, CLIENT_ID, Some("st-1".into()));
    e.jarm = true;
    e.jarm_algs = vec![Algorithm::ES256];
    e
}

fn validate(params: Vec<(&str, &str)>, expect: &ResponseExpectations) -> Report<AuthorizationResponse> {
    let received = CallbackParams {
        location: ResponseLocation::Query,
        params: params
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    run(validate_authorization_response(
        &received,
        expect,
        Some(&jwks()),
        NOW,
        &backend(),
    ))
}

fn jarm_code(jwt: &str) -> Option<&'static str> {
    validate(vec![("response", jwt)], &expect()).failure_code()
}

fn hand_built(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}.{}",
        base64url::encode(header.to_string()),
        base64url::encode(claims.to_string()),
        base64url::encode([0u8; 64])
    )
}

// --- parsing --------------------------------------------------------------------------------

#[test]
fn query_and_fragment_responses_parse_from_the_redirect_url() {
    let url = "https://rp.example/cb?x=1&code=c%2B1&state=s#frag";
    let q = parse_redirect_url(url, ResponseLocation::Query).unwrap();
    assert_eq!(q.get("code"), Some("c+1"));
    let f = parse_redirect_url(
        "https://rp.example/cb#access_token=a&state=s",
        ResponseLocation::Fragment,
    )
    .unwrap();
    assert_eq!(f.get("access_token"), Some("a"));
    assert!(parse_redirect_url("not a url", ResponseLocation::Query).is_err());
}

#[test]
fn form_post_body_and_html_page_parse() {
    let body = parse_form_post_body(b"code=abc&state=s%201");
    assert_eq!(body.get("state"), Some("s 1"));
    let html = r#"<html><body onload="document.forms[0].submit()">
      <form method="post" action="https://rp.example/cb?a=1&amp;b=2">
        <input type="hidden" name="code" value="a&amp;b&#39;c"/>
        <input type='hidden' name='state' value='st-1'>
        <input type=hidden name=iss value=https://as.example>
        <noscript><input type="submit" value="Continue"></noscript>
      </form></body></html>"#;
    let page = parse_form_post_html(html).unwrap();
    assert_eq!(page.action, "https://rp.example/cb?a=1&b=2");
    assert_eq!(page.method, "POST");
    assert_eq!(page.fields.get("code"), Some("a&b'c"));
    assert_eq!(page.fields.get("state"), Some("st-1"));
    assert_eq!(page.fields.get("iss"), Some("https://as.example"));
    assert_eq!(page.fields.params.len(), 3, "the unnamed submit button is not a field");
}

#[test]
fn an_input_tag_inside_an_attribute_value_is_not_a_field() {
    let page = parse_form_post_html(r#"<form action="x"><input name="a" value="<input name=b>"></form>"#).unwrap();
    assert_eq!(
        page.fields.params,
        vec![("a".to_string(), "<input name=b>".to_string())]
    );
}

#[test]
fn unclosed_tags_and_bare_ampersands_are_read_in_one_pass() {
    // Both took time quadratic in the length (fuzz/regressions/callback/quadratic-*): a page
    // of unclosed `<input`s is one unclosed tag, and `&`s without `;` stay as written.
    let page = format!("<form action=\"x\">{}", "<input name=a ".repeat(100_000));
    let parsed = parse_form_post_html(&page).unwrap();
    assert_eq!(parsed.fields.params.len(), 1);
    let text = "&".repeat(1_000_000);
    assert_eq!(callback::decode_html_entities(&text), text);
    assert_eq!(callback::decode_html_entities("&amp;&&#x41;&#65&lt;"), "&&A&#65<");
}

#[test]
fn malformed_html_never_panics() {
    for html in [
        "",
        "<form",
        "<form action",
        "<form action='x'><input name='a' value='",
        "<form action=x><input =>",
        "&#xFFFFFFFF;<form action=\"&#1114112;\">",
    ] {
        let _ = parse_form_post_html(html);
    }
}

#[test]
fn response_modes_resolve_per_jarm_defaults() {
    let r = |m, t| resolve_response_mode(m, t).unwrap();
    assert_eq!(r(Some("jwt"), "code").location, ResponseLocation::Query);
    assert_eq!(r(Some("jwt"), "code id_token").location, ResponseLocation::Fragment);
    assert!(r(Some("form_post.jwt"), "code").jarm);
    assert_eq!(r(None, "id_token token").location, ResponseLocation::Fragment);
    assert!(resolve_response_mode(Some("pi.flow"), "code").is_err());
}

// --- JARM: one negative per code, in order --------------------------------------------------

#[test]
fn valid_jarm_passes_every_step_and_yields_its_parameters() {
    let report = validate(vec![("response", &jarm(&claims()))], &expect());
    let response = report.result.as_ref().unwrap();
    assert_eq!(response.code(), Some("the-code"));
    assert_eq!(response.jarm.as_ref().unwrap().kid.as_deref(), Some("srv-1"));
    let checks: Vec<&str> = report.steps.iter().map(|s| s.check).collect();
    assert_eq!(
        checks,
        [
            "jarm.decrypt",
            "jarm.parse",
            "jarm.crit",
            "jarm.alg",
            "jarm.iss",
            "jarm.aud",
            "jarm.exp",
            "jarm.key",
            "jarm.signature",
            "callback.state",
            "callback.error",
            "callback.iss"
        ]
    );
    assert!(report.steps.iter().all(|s| s.passed()));
    assert!(!format!("{response:?}").contains("the-code"), "codes redact in Debug");
}

#[test]
fn encrypted_jarm_without_registered_encryption_is_refused() {
    // {"alg":"RSA-OAEP","enc":"A256GCM"}: the client registered no JARM encryption.
    assert_eq!(
        jarm_code("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d"),
        Some("jarm.encryption_alg_unexpected")
    );
    assert_eq!(jarm_code("a.b.c.d.e"), Some("jarm.malformed"));
}

#[test]
fn jarm_that_is_not_a_jws_is_malformed() {
    assert_eq!(jarm_code("garbage"), Some("jarm.malformed"));
    assert_eq!(jarm_code("e30.bm90IGpzb24.c2ln"), Some("jarm.malformed"));
    let no_response = validate(vec![("error", "access_denied")], &expect());
    assert_eq!(no_response.failure_code(), Some("jarm.malformed"));
}

#[test]
fn jarm_with_unknown_crit_is_rejected_before_alg() {
    let header = json!({"alg": "none", "crit": ["x-ext"], "x-ext": 1});
    assert_eq!(jarm_code(&hand_built(&header, &claims())), Some("jarm.crit_unknown"));
}

#[test]
fn jarm_with_alg_none_is_rejected() {
    let jwt = unsecured::encode(r#"{"alg":"none"}"#, claims().to_string().as_bytes()).unwrap();
    assert_eq!(jarm_code(&jwt), Some("jarm.alg_none"));
}

#[test]
fn jarm_with_unexpected_alg_is_rejected_before_iss() {
    let mut bad = claims();
    bad["iss"] = json!("https://evil.example");
    let jwt = sign(
        &JwsHeader::new(Algorithm::HS256).to_json(),
        &bad,
        &key(Algorithm::HS256, 41),
    );
    assert_eq!(jarm_code(&jwt), Some("jarm.alg_unexpected"));
}

#[test]
fn jarm_with_wrong_iss_and_bad_signature_reports_iss() {
    let mut bad = claims();
    bad["iss"] = json!("https://evil.example");
    let jwt = hand_built(&json!({"alg": "ES256", "kid": "srv-1"}), &bad);
    let report = validate(vec![("response", &jwt)], &expect());
    assert_eq!(report.failure_code(), Some("jarm.iss_mismatch"));
    let failure = report.result.unwrap_err();
    assert!(failure.fields.contains(&("expected".into(), ISSUER.into())));
}

#[test]
fn jarm_with_wrong_aud_is_rejected_before_exp() {
    let mut bad = claims();
    bad["aud"] = json!(["someone-else"]);
    bad["exp"] = json!(NOW - 1000);
    assert_eq!(jarm_code(&jarm(&bad)), Some("jarm.aud_mismatch"));
}

#[test]
fn expired_jarm_is_rejected_before_the_signature() {
    let mut bad = claims();
    bad["exp"] = json!(NOW - 61);
    assert_eq!(
        jarm_code(&hand_built(&json!({"alg": "ES256", "kid": "srv-1"}), &bad)),
        Some("jarm.expired")
    );
    bad["exp"] = json!(NOW - 59);
    assert_eq!(jarm_code(&jarm(&bad)), None, "within the 60 s leeway");
}

#[test]
fn jarm_with_unknown_kid_has_no_key() {
    let jwt = sign(r#"{"alg":"ES256","kid":"other"}"#, &claims(), &server_key());
    assert_eq!(jarm_code(&jwt), Some("jarm.key_not_found"));
}

#[test]
fn jarm_without_kid_and_two_candidate_keys_is_ambiguous() {
    let jwt = sign(r#"{"alg":"ES256"}"#, &claims(), &server_key());
    let mut second = key(Algorithm::ES256, 42).to_public().unwrap();
    second.kid = Some("srv-2".into());
    let set = Jwks::new(vec![server_key().to_public().unwrap(), second]);
    let received = CallbackParams {
        location: ResponseLocation::Query,
        params: vec![("response".into(), jwt)],
    };
    let report = run(validate_authorization_response(
        &received,
        &expect(),
        Some(&set),
        NOW,
        &backend(),
    ));
    assert_eq!(report.failure_code(), Some("jarm.key_ambiguous"));
}

#[test]
fn jarm_with_a_forged_signature_is_rejected() {
    let jwt = hand_built(&json!({"alg": "ES256", "kid": "srv-1"}), &claims());
    assert_eq!(jarm_code(&jwt), Some("jarm.signature_invalid"));
}

#[test]
fn jarm_with_wrong_state_fails_after_the_signature() {
    let mut bad = claims();
    bad["state"] = json!("other");
    let report = validate(vec![("response", &jarm(&bad))], &expect());
    assert_eq!(report.failure_code(), Some("callback.state_mismatch"));
    assert!(report.steps.iter().any(|s| s.check == "jarm.signature" && s.passed()));
}

#[test]
fn jarm_error_response_is_surfaced_with_its_fields() {
    let err = json!({"iss": ISSUER, "aud": CLIENT_ID, "exp": NOW + 60, "state": "st-1",
        "error": "access_denied", "error_description": "no", "error_uri": "https://as.example/e"});
    let report = validate(vec![("response", &jarm(&err))], &expect());
    let failure = report.result.unwrap_err();
    assert_eq!(failure.code, "callback.error");
    assert!(failure.fields.contains(&("error".into(), "access_denied".into())));
    assert!(failure.fields.contains(&("error_description".into(), "no".into())));
    assert!(failure
        .fields
        .contains(&("error_uri".into(), "https://as.example/e".into())));
}

// --- plain responses ------------------------------------------------------------------------

fn plain() -> ResponseExpectations {
    ResponseExpectations::new(ISSUER, CLIENT_ID, Some("st-1".into()))
}

#[test]
fn plain_response_with_wrong_state_is_rejected() {
    let report = validate(vec![("code", "c"), ("state", "nope")], &plain());
    assert_eq!(report.failure_code(), Some("callback.state_mismatch"));
    let report = validate(vec![("code", "c")], &plain());
    assert_eq!(report.failure_code(), Some("callback.state_mismatch"), "missing state");
}

#[test]
fn plain_error_response_is_surfaced_as_an_error() {
    let report = validate(vec![("error", "invalid_request_object"), ("state", "st-1")], &plain());
    assert_eq!(report.failure_code(), Some("callback.error"));
}

#[test]
fn rfc9207_iss_mismatch_is_rejected() {
    let report = validate(
        vec![("code", "c"), ("state", "st-1"), ("iss", "https://evil")],
        &plain(),
    );
    assert_eq!(report.failure_code(), Some("callback.iss_mismatch"));
}

#[test]
fn rfc9207_iss_missing_is_rejected_only_when_advertised() {
    let ok = validate(vec![("code", "c"), ("state", "st-1")], &plain());
    assert!(ok.result.is_ok());
    let mut advertised = plain();
    advertised.iss_parameter_supported = true;
    let report = validate(vec![("code", "c"), ("state", "st-1")], &advertised);
    assert_eq!(report.failure_code(), Some("callback.iss_missing"));
}

#[test]
fn hs256_jarm_verifies_with_the_client_secret() {
    let secret = oauth_playground::jose::SecretString::new("0123456789abcdef0123456789abcdef".into());
    let jwt = sign(r#"{"alg":"HS256"}"#, &claims(), &ClientAuth::secret_key(&secret));
    let mut e = expect();
    e.jarm_algs = vec![Algorithm::HS256];
    assert_eq!(
        validate(vec![("response", &jwt)], &e).failure_code(),
        Some("jarm.key_not_found")
    );
    e.client_secret = Some(secret);
    assert_eq!(validate(vec![("response", &jwt)], &e).failure_code(), None);
}

#[test]
fn malformed_responses_never_panic() {
    let inputs = [
        "",
        ".",
        "..",
        "...",
        "....",
        "a.b.c.d.e.f",
        "é.é.é",
        "\u{0}",
        "eyJ.eyJ.",
        "e30.e30.",
        "e30.e30.e30",
        "eyJhbGciOiJFUzI1NiJ9..",
        "eyJhbGciOiJub25lIn0.bnVsbA.",
        "W10.W10.W10",
    ];
    for input in inputs {
        let _ = jarm_code(input);
        let _ = validate(vec![("response", input), ("state", input), ("iss", input)], &expect());
        let mut plain = expect();
        plain.jarm = false;
        let _ = validate(vec![("state", input), ("error", input), ("iss", input)], &plain);
        let id = oauth_playground::oauth::IdTokenExpectations::new(ISSUER, CLIENT_ID);
        let _ = run(validate_id_token(input, &id, Some(&jwks()), NOW, &backend()));
        let _ = parse_redirect_url(input, ResponseLocation::Fragment);
        let _ = parse_form_post_html(input);
        let _ = parse_form_post_body(input.as_bytes());
        let _ = oauth_playground::oauth::process_token_response(&json_response(200, input));
        let _ = oauth_playground::oauth::process_pushed_authorization_response(&json_response(201, input));
        let _ = oauth_playground::oauth::ServerMetadata::parse(input.as_bytes());
    }
}

#[test]
fn the_client_never_imports_the_mock_server() {
    let dir = format!("{}/src/oauth", env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("mock_as"), "{} mentions mock_as", path.display());
    }
}

#[test]
fn jarm_without_exp_or_with_a_non_numeric_exp_is_rejected() {
    let mut bad = claims();
    bad.as_object_mut().unwrap().remove("exp");
    assert_eq!(jarm_code(&jarm(&bad)), Some("jarm.expired"), "JARM §2.1 requires exp");
    bad["exp"] = json!("tomorrow");
    assert_eq!(
        jarm_code(&jarm(&bad)),
        Some("jarm.expired"),
        "exp must be a NumericDate"
    );
}

/// RFC 7515 Appendix A.2's token, the shape a pasted JWT has.
const A2: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.c2ln";

#[test]
fn a_pasted_jwt_is_found_bare_as_a_pair_or_inside_a_callback_url() {
    let bare = find_pasted_jwt(&format!("  {A2}\n"));
    assert_eq!((bare.jwt.as_str(), bare.parameter), (A2, None));

    let pair = find_pasted_jwt(&format!("response={A2}"));
    assert_eq!((pair.jwt.as_str(), pair.parameter.as_deref()), (A2, Some("response")));

    // A JARM callback in the query, state after the token: the JWT, not the last value.
    let query = find_pasted_jwt(&format!("https://app.example/cb?response={A2}&state=xyz"));
    assert_eq!((query.jwt.as_str(), query.parameter.as_deref()), (A2, Some("response")));

    // A hybrid callback in the fragment: the id_token, though the code comes first.
    let fragment = find_pasted_jwt(&format!("https://app.example/cb#code=abc&id_token={A2}&state=s"));
    assert_eq!(
        (fragment.jwt.as_str(), fragment.parameter.as_deref()),
        (A2, Some("id_token"))
    );

    // A form_post body with an unknown parameter name: any JWT-shaped value.
    let form = find_pasted_jwt(&format!("state=s&token_of_sorts={A2}"));
    assert_eq!(form.parameter.as_deref(), Some("token_of_sorts"));
}

#[test]
fn a_paste_without_a_jwt_comes_back_for_the_decoder_to_explain() {
    let text = find_pasted_jwt("https://app.example/cb?code=abc&state=xyz");
    assert_eq!(text.parameter, None);
    assert_eq!(text.jwt, "https://app.example/cb?code=abc&state=xyz");
    assert_eq!(find_pasted_jwt(" not.a jwt ").jwt, "not.a jwt");
    // A value that merely has two dots but other characters is not a JWT.
    assert_eq!(find_pasted_jwt("response=a.b c.d").parameter, None);
}
