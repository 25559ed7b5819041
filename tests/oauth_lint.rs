//! Client side, before sending: the pre-flight linter (each rule fires on a configuration
//! made for it and stays quiet on a clean one), discovery, and curl export.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod oauth_common;

use oauth_common::*;
use oauth_playground::http::{Request, Response};
use oauth_playground::jose::jwe::{ContentEncryption, KeyManagement};
use oauth_playground::jose::{Algorithm, Jwks, SecretString};
use oauth_playground::oauth::discovery::{discovery_url, process_discovery_response};
use oauth_playground::oauth::lint::is_pingone_issuer;
use oauth_playground::oauth::lint_fapi2::Fapi2Profile;
use oauth_playground::oauth::*;

fn metadata() -> ServerMetadata {
    ServerMetadata::parse(
        br#"{
        "issuer": "https://as.example",
        "authorization_endpoint": "https://as.example/authorize",
        "token_endpoint": "https://as.example/token",
        "jwks_uri": "https://as.example/jwks",
        "pushed_authorization_request_endpoint": "https://as.example/par",
        "request_parameter_supported": true,
        "request_object_signing_alg_values_supported": ["PS256", "ES256", "HS256"],
        "response_modes_supported": ["query", "fragment", "form_post", "jwt", "query.jwt"],
        "authorization_response_iss_parameter_supported": true,
        "x-vendor": 1
    }"#,
    )
    .unwrap()
}

/// A configuration that breaks no rule.
fn clean() -> Config {
    let mut request = AuthorizationRequest::new(CLIENT_ID, REDIRECT);
    request.regenerate(&mut rng());
    let mut config = Config::new(ISSUER, request);
    config.delivery = Delivery::ParJar;
    config.request_object_alg = Some(Algorithm::ES256);
    config
}

fn codes(config: &Config, md: Option<&ServerMetadata>, hints: &LintHints) -> Vec<&'static str> {
    lint(config, md, hints).into_iter().map(|f| f.code).collect()
}

/// The rule fires, its fix is offered, and applying the fix silences it.
fn fires_and_fix_silences(mut config: Config, md: Option<&ServerMetadata>, hints: &LintHints, code: &str) {
    let findings = lint(&config, md, hints);
    let finding = findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("{code} did not fire: {findings:?}"));
    assert!(!finding.message.is_empty() && !finding.reference.is_empty());
    if let Some(fix) = &finding.fix {
        fix.apply(&mut config);
        assert!(
            !codes(&config, md, hints).contains(&code),
            "{code} still fires after {fix:?}"
        );
    }
}

#[test]
fn clean_configuration_has_no_findings() {
    assert_eq!(lint(&clean(), Some(&metadata()), &LintHints::default()), vec![]);
}

#[test]
fn pingone_target_with_a_jwt_response_mode_is_flagged() {
    let mut c = clean();
    c.issuer = "https://auth.pingone.eu/env-1/as".into();
    c.request.response_mode = Some("query.jwt".into());
    fires_and_fix_silences(c.clone(), None, &LintHints::default(), "lint.pingone_jarm");
    c.issuer = ISSUER.into();
    assert!(!codes(&c, None, &LintHints::default()).contains(&"lint.pingone_jarm"));
    for host in ["com", "eu", "ca", "asia", "com.au"] {
        assert!(is_pingone_issuer(&format!("https://auth.pingone.{host}/e/as")));
    }
    assert!(!is_pingone_issuer("https://auth.pingone.com.evil.example/e/as"));
}

#[test]
fn alg_the_server_does_not_list_is_flagged() {
    let mut c = clean();
    c.request_object_alg = Some(Algorithm::RS256);
    fires_and_fix_silences(c, Some(&metadata()), &LintHints::default(), "lint.alg_not_supported");
}

#[test]
fn hmac_secret_shorter_than_the_hash_is_flagged() {
    let mut c = clean();
    c.request_object_alg = Some(Algorithm::HS512);
    c.client_secret = Some(SecretString::new("0123456789abcdef0123456789abcdef0123".into()));
    fires_and_fix_silences(c.clone(), None, &LintHints::default(), "lint.hmac_secret_short");
    c.client_secret = Some(SecretString::new("short".into()));
    fires_and_fix_silences(c, None, &LintHints::default(), "lint.hmac_secret_short");
}

#[test]
fn aud_other_than_the_issuer_is_flagged() {
    let mut c = clean();
    c.request_object.audience = Audience::AuthorizationEndpoint;
    fires_and_fix_silences(c, None, &LintHints::default(), "lint.aud_not_issuer");
}

#[test]
fn typ_other_than_oauth_authz_req_jwt_is_flagged() {
    let mut c = clean();
    c.request_object.typ = TypHeader::Jwt;
    fires_and_fix_silences(c, None, &LintHints::default(), "lint.typ_not_jar");
}

#[test]
fn missing_jti_and_nbf_are_flagged() {
    let mut c = clean();
    c.request_object.include_jti = false;
    fires_and_fix_silences(c.clone(), None, &LintHints::default(), "lint.jti_missing");
    c.request_object.include_nbf = false;
    fires_and_fix_silences(c, None, &LintHints::default(), "lint.nbf_missing");
}

#[test]
fn exp_further_than_the_server_accepts_is_flagged() {
    let mut c = clean();
    c.request_object.lifetime = 3600;
    fires_and_fix_silences(c.clone(), None, &LintHints::default(), "lint.exp_too_far");
    let strict = LintHints {
        max_request_object_lifetime: Some(3600),
        ..LintHints::default()
    };
    assert!(!codes(&c, None, &strict).contains(&"lint.exp_too_far"));
    c.request_object.include_exp = false;
    fires_and_fix_silences(c, None, &LintHints::default(), "lint.exp_missing");
}

#[test]
fn par_required_but_off_is_flagged() {
    let mut md = metadata();
    md.require_pushed_authorization_requests = Some(true);
    let mut c = clean();
    c.delivery = Delivery::Jar;
    fires_and_fix_silences(c, Some(&md), &LintHints::default(), "lint.par_required");
}

#[test]
fn par_without_an_endpoint_is_flagged() {
    let mut md = metadata();
    md.pushed_authorization_request_endpoint = None;
    fires_and_fix_silences(clean(), Some(&md), &LintHints::default(), "lint.par_unavailable");
}

#[test]
fn a_par_request_uri_is_not_held_against_request_uri_parameter_supported_false() {
    // RFC 9126 §5: the PAR endpoint's request_uri works whatever that metadata says.
    let mut md = metadata();
    md.request_uri_parameter_supported = Some(false);
    let findings = lint(&clean(), Some(&md), &LintHints::default());
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn jar_by_value_to_a_server_without_request_support_is_flagged() {
    let mut md = metadata();
    md.request_parameter_supported = None;
    let mut c = clean();
    c.delivery = Delivery::Jar;
    fires_and_fix_silences(c, Some(&md), &LintHints::default(), "lint.request_unsupported");
}

#[test]
fn signed_request_object_required_but_none_is_flagged() {
    let mut md = metadata();
    md.require_signed_request_object = Some(true);
    let mut c = clean();
    c.delivery = Delivery::Par;
    fires_and_fix_silences(
        c.clone(),
        Some(&md),
        &LintHints::default(),
        "lint.signed_request_required",
    );
    c.delivery = Delivery::ParJar;
    c.request_object_alg = None;
    fires_and_fix_silences(c, Some(&md), &LintHints::default(), "lint.signed_request_required");
}

#[test]
fn unsigned_request_object_is_a_warning_when_allowed() {
    let mut c = clean();
    c.request_object_alg = None;
    let findings = lint(&c, None, &LintHints::default());
    assert_eq!(findings[0].code, "lint.unsigned_request_object");
    assert_eq!(findings[0].severity, Severity::Warning);
}

#[test]
fn response_mode_the_server_does_not_list_is_flagged() {
    let mut c = clean();
    c.request.response_mode = Some("form_post.jwt".into());
    fires_and_fix_silences(
        c,
        Some(&metadata()),
        &LintHints::default(),
        "lint.response_mode_unsupported",
    );
}

#[test]
fn http_redirect_outside_loopback_is_flagged() {
    let mut c = clean();
    c.request.redirect_uri = Some("http://rp.example/cb".into());
    fires_and_fix_silences(c.clone(), None, &LintHints::default(), "lint.redirect_not_https");
    for loopback in ["http://127.0.0.1:8080/cb", "http://localhost/cb", "http://[::1]:9/cb"] {
        c.request.redirect_uri = Some(loopback.into());
        assert!(
            !codes(&c, None, &LintHints::default()).contains(&"lint.redirect_not_https"),
            "{loopback}"
        );
    }
}

#[test]
fn id_token_flow_without_openid_is_flagged() {
    let mut c = clean();
    c.request.response_type = "code id_token".into();
    c.request.scope = Some("profile".into());
    fires_and_fix_silences(c, None, &LintHints::default(), "lint.openid_missing");
}

#[test]
fn implicit_flow_is_a_warning_with_why() {
    let mut c = clean();
    c.request.response_type = "id_token token".into();
    let findings = lint(&c, None, &LintHints::default());
    let f = findings.iter().find(|f| f.code == "lint.implicit_flow").unwrap();
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.reference.contains("RFC 9700"));
    fires_and_fix_silences(c, None, &LintHints::default(), "lint.implicit_flow");
}

#[test]
fn pkce_plain_or_missing_is_flagged() {
    let mut c = clean();
    c.request.pkce.as_mut().unwrap().method = PkceMethod::Plain;
    fires_and_fix_silences(c.clone(), None, &LintHints::default(), "lint.pkce_plain");
    c.request.pkce = None;
    fires_and_fix_silences(c, None, &LintHints::default(), "lint.pkce_missing");
}

// --- discovery ------------------------------------------------------------------------------

#[test]
fn discovery_parses_metadata_and_derives_defaults() {
    let md = metadata();
    assert_eq!(md.extra["x-vendor"], 1);
    let d = md.defaults();
    assert_eq!(d.request_object_alg, Some(Algorithm::PS256));
    assert_eq!(d.delivery, Delivery::Par);
    assert!(d.iss_parameter_supported);
    assert!(d.response_modes.contains(&"query.jwt".to_string()));
    assert!(md.request_uri_supported(), "OIDC Discovery default");
    assert_eq!(
        discovery_url("https://as.example/"),
        "https://as.example/.well-known/openid-configuration"
    );
}

#[test]
fn discovery_through_a_transport_checks_the_issuer() {
    let body = r#"{"issuer":"https://as.example","authorization_endpoint":"https://as.example/authorize"}"#;
    let transport = CannedTransport::new(vec![json_response(200, body)]);
    let md = run(discover(&transport, ISSUER)).unwrap();
    assert_eq!(md.authorization_endpoint.as_deref(), Some(AUTHORIZE));
    assert_eq!(
        transport.sent.borrow()[0].url,
        "https://as.example/.well-known/openid-configuration"
    );
    let err = process_discovery_response("https://other.example", &json_response(200, body)).unwrap_err();
    assert_eq!(err.code(), "discovery.issuer_mismatch");
    assert_eq!(
        process_discovery_response(ISSUER, &json_response(200, r#"{"issuer": 5}"#))
            .unwrap_err()
            .code(),
        "discovery.invalid"
    );
    assert_eq!(
        process_discovery_response(ISSUER, &Response::new(404))
            .unwrap_err()
            .code(),
        "discovery.status"
    );
}

// --- curl -----------------------------------------------------------------------------------

#[test]
fn curl_quotes_values_containing_a_single_quote() {
    let mut req = Request::form_post(TOKEN, "grant_type=authorization_code&code=abc&state=it%27s");
    req.headers.append("X-Note", "it's");
    let shown = curl_command(&req, Secrets::Shown);
    assert_eq!(
        shown,
        "curl -X POST 'https://as.example/token' \\\n  -H 'Content-Type: application/x-www-form-urlencoded' \\\n  -H 'X-Note: it'\\''s' \\\n  --data-raw 'grant_type=authorization_code&code=abc&state=it%27s'"
    );
    let odd = Request::get("https://as.example/userinfo?q=a'b");
    assert_eq!(
        curl_command(&odd, Secrets::Shown),
        r"curl 'https://as.example/userinfo?q=a'\''b'"
    );
}

#[test]
fn curl_replaces_secrets_with_placeholders_when_asked() {
    let mut req = Request::form_post(
        TOKEN,
        "grant_type=authorization_code&code=abc&client_secret=s3cr3t&code_verifier=v",
    );
    req.headers.append("Authorization", "Basic Y2xpZW50OnNlY3JldA==");
    let hidden = curl_command(&req, Secrets::Placeholder);
    assert!(!hidden.contains("s3cr3t") && !hidden.contains("Y2xpZW50") && !hidden.contains("=abc"));
    assert!(hidden.contains("client_secret=<client_secret>"));
    assert!(hidden.contains("Basic <base64(client_id:client_secret)>"));
    assert!(curl_command(&req, Secrets::Shown).contains("s3cr3t"));
    let userinfo = userinfo_request("https://as.example/userinfo", &SecretString::new("at".into()));
    assert!(curl_command(&userinfo, Secrets::Placeholder).contains("'Authorization: Bearer <access_token>'"));
}

#[test]
fn curl_output_runs_in_a_posix_shell() {
    // The printed command, with curl replaced by printf, reproduces every argument exactly.
    let mut req = Request::form_post(PAR, "a=1&b=it%27s+%22q%22");
    req.headers.append("X-Weird", "it's \"$HOME\" `x` \\");
    let cmd = curl_command(&req, Secrets::Shown).replacen("curl", "printf '%s\\n'", 1);
    let out = std::process::Command::new("sh").arg("-c").arg(&cmd).output().unwrap();
    let lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines[6], "X-Weird: it's \"$HOME\" `x` \\");
    assert_eq!(lines[8], "a=1&b=it%27s+%22q%22");
}

#[test]
fn hybrid_or_implicit_flow_without_nonce_is_flagged() {
    let mut c = clean();
    c.request.response_type = "code id_token".into();
    c.request.nonce = None;
    assert!(codes(&c, None, &LintHints::default()).contains(&"lint.nonce_missing"));
    c.request.nonce = Some("n".into());
    assert!(!codes(&c, None, &LintHints::default()).contains(&"lint.nonce_missing"));
    // `code token` too (OIDC Core §3.3.2.11): its ID token, from the token endpoint, must
    // carry the nonce; plain `code` does not need one.
    c.request.response_type = "code token".into();
    c.request.nonce = None;
    assert!(codes(&c, None, &LintHints::default()).contains(&"lint.nonce_missing"));
    c.request.response_type = "code".into();
    assert!(!codes(&c, None, &LintHints::default()).contains(&"lint.nonce_missing"));
}

#[test]
fn a_signed_request_object_required_by_a_hint_alone_is_flagged() {
    // No metadata (PingOne does not publish require_signed_request_object): the user's hint
    // that the application requires signed request parameters is enough.
    let hints = LintHints {
        require_signed_request_object: true,
        ..LintHints::default()
    };
    for delivery in [Delivery::Plain, Delivery::Par] {
        let mut c = clean();
        c.delivery = delivery;
        fires_and_fix_silences(c, None, &hints, "lint.signed_request_required");
    }
    assert!(!codes(&clean(), None, &hints).contains(&"lint.signed_request_required"));
}

#[test]
fn a_client_secret_too_short_for_its_hmac_assertions_is_flagged() {
    let mut c = clean();
    c.auth_method = "client_secret_jwt".into();
    c.assertion_alg = Algorithm::HS384;
    c.client_secret = Some(SecretString::new("0123456789abcdef0123456789abcdef".into())); // 32 bytes
    let findings = lint(&c, None, &LintHints::default());
    let finding = findings
        .iter()
        .find(|f| f.code == "lint.hmac_secret_short")
        .unwrap_or_else(|| panic!("{findings:?}"));
    assert!(
        finding.message.contains("32 bytes") && finding.message.contains("HS384"),
        "{}",
        finding.message
    );
    assert!(finding.message.contains("at least 48"), "{}", finding.message);
    assert_eq!(finding.reference, "RFC 7518 §3.2");
    assert_eq!(finding.severity, Severity::Error);
    // A 48-byte secret is enough for HS384; another authentication method needs none.
    c.client_secret = Some(SecretString::new("x".repeat(48)));
    assert!(!codes(&c, None, &LintHints::default()).contains(&"lint.hmac_secret_short"));
    c.client_secret = Some(SecretString::new("short".into()));
    c.auth_method = "private_key_jwt".into();
    assert!(!codes(&c, None, &LintHints::default()).contains(&"lint.hmac_secret_short"));
}

/// A configuration FAPI 2.0 (both profiles) accepts: PAR + ES256 request object, S256 PKCE,
/// private_key_jwt with ES256, DPoP with an ES256 key, response_mode jwt.
fn fapi2_clean() -> Config {
    let mut c = clean();
    c.auth_method = "private_key_jwt".into();
    c.assertion_alg = Algorithm::ES256;
    c.client_key = Some(key(Algorithm::ES256, 1));
    c.dpop = Some(DpopKey::new(key(Algorithm::ES256, 2), Algorithm::ES256).unwrap());
    c.request.response_mode = Some("jwt".into());
    c
}

fn fapi2(profile: Fapi2Profile) -> LintHints {
    LintHints {
        fapi2: Some(profile),
        ..LintHints::default()
    }
}

fn fapi2_codes(config: &Config, hints: &LintHints) -> Vec<&'static str> {
    codes(config, None, hints)
        .into_iter()
        .filter(|c| c.starts_with("lint.fapi2_"))
        .collect()
}

#[test]
fn fapi2_rules_stay_quiet_on_a_compliant_configuration() {
    for profile in [Fapi2Profile::Security, Fapi2Profile::MessageSigning] {
        assert_eq!(
            fapi2_codes(&fapi2_clean(), &fapi2(profile)),
            Vec::<&str>::new(),
            "{profile:?}"
        );
    }
}

#[test]
fn fapi2_rules_apply_only_when_the_target_is_fapi2() {
    let mut c = clean();
    c.auth_method = "client_secret_basic".into();
    c.delivery = Delivery::Plain;
    assert!(fapi2_codes(&c, &LintHints::default()).is_empty());
    assert!(fapi2_codes(&c, &fapi2(Fapi2Profile::Security)).contains(&"lint.fapi2_client_auth"));
}

/// How a case breaks the compliant configuration.
type Breaks = Box<dyn Fn(&mut Config)>;

#[test]
fn each_fapi2_rule_fires_names_its_clause_and_its_fix_silences_it() {
    let security = fapi2(Fapi2Profile::Security);
    let signing = fapi2(Fapi2Profile::MessageSigning);
    let cases: Vec<(&str, &LintHints, Breaks)> = vec![
        (
            "lint.fapi2_par_required",
            &security,
            Box::new(|c| c.delivery = Delivery::Plain),
        ),
        // Message Signing wants the pushed request signed: plain PAR is not enough.
        (
            "lint.fapi2_par_required",
            &signing,
            Box::new(|c| c.delivery = Delivery::Par),
        ),
        (
            "lint.fapi2_response_type",
            &security,
            Box::new(|c| c.request.response_type = "code id_token".into()),
        ),
        ("lint.fapi2_pkce_s256", &security, Box::new(|c| c.request.pkce = None)),
        (
            "lint.fapi2_pkce_s256",
            &security,
            Box::new(|c| {
                c.request.pkce = Some(Pkce {
                    method: PkceMethod::Plain,
                    verifier: None,
                })
            }),
        ),
        (
            "lint.fapi2_client_auth",
            &security,
            Box::new(|c| c.auth_method = "client_secret_basic".into()),
        ),
        (
            "lint.fapi2_alg",
            &security,
            Box::new(|c| c.assertion_alg = Algorithm::RS256),
        ),
        (
            "lint.fapi2_request_object_alg",
            &security,
            Box::new(|c| c.request_object_alg = Some(Algorithm::HS256)),
        ),
        (
            "lint.fapi2_request_object_alg",
            &signing,
            Box::new(|c| c.request_object_alg = None),
        ),
        (
            "lint.fapi2_jarm_required",
            &signing,
            Box::new(|c| c.request.response_mode = None),
        ),
    ];
    for (code, hints, breaks) in cases {
        let mut config = fapi2_clean();
        breaks(&mut config);
        let findings = lint(&config, None, hints);
        let finding = findings
            .iter()
            .find(|f| f.code == code)
            .unwrap_or_else(|| panic!("{code} did not fire: {findings:?}"));
        assert!(
            finding.reference.contains("FAPI 2.0") && finding.reference.contains('§'),
            "{finding:?}"
        );
        assert_eq!(finding.severity, Severity::Error);
        assert!(finding.fix.is_some(), "{code} has a one-click fix");
        fires_and_fix_silences(config, None, hints, code);
    }
}

#[test]
fn fapi2_without_dpop_is_flagged_without_a_fix_and_a_dpop_key_silences_it() {
    let hints = fapi2(Fapi2Profile::Security);
    let mut c = fapi2_clean();
    c.dpop = None;
    let findings = lint(&c, None, &hints);
    let finding = findings.iter().find(|f| f.code == "lint.fapi2_dpop_off").unwrap();
    assert_eq!(
        finding.fix, None,
        "a DPoP key comes from the key manager, not a config switch"
    );
    c.dpop = Some(DpopKey::new(key(Algorithm::RS256, 3), Algorithm::RS256).unwrap());
    assert_eq!(fapi2_codes(&c, &hints), ["lint.fapi2_dpop_alg"]);
}

#[test]
fn the_fapi2_client_auth_fix_sets_private_key_jwt_with_a_fapi_alg() {
    let mut c = fapi2_clean();
    c.auth_method = "client_secret_post".into();
    c.assertion_alg = Algorithm::RS256;
    let finding = lint(&c, None, &fapi2(Fapi2Profile::Security))
        .into_iter()
        .find(|f| f.code == "lint.fapi2_client_auth")
        .unwrap();
    finding.fix.unwrap().apply(&mut c);
    assert_eq!(
        (c.auth_method.as_str(), c.assertion_alg),
        ("private_key_jwt", Algorithm::ES256)
    );
}

#[test]
fn fapi2_fixes_keep_request_objects_and_assertions_on_one_key_family() {
    // The key manager has one signing key: a PS256 request object and an ES256 assertion
    // would ask for two. The client-auth fix follows the request object's FAPI alg...
    let mut c = fapi2_clean();
    c.request_object_alg = Some(Algorithm::PS256);
    c.auth_method = "client_secret_basic".into();
    let fix = lint(&c, None, &fapi2(Fapi2Profile::Security))
        .into_iter()
        .find(|f| f.code == "lint.fapi2_client_auth")
        .and_then(|f| f.fix)
        .unwrap();
    fix.apply(&mut c);
    assert_eq!(c.assertion_alg, Algorithm::PS256);
    // ... and the request-object fix follows the assertion's.
    let mut c = fapi2_clean();
    c.assertion_alg = Algorithm::EdDSA;
    c.request_object_alg = Some(Algorithm::RS256);
    let fix = lint(&c, None, &fapi2(Fapi2Profile::Security))
        .into_iter()
        .find(|f| f.code == "lint.fapi2_request_object_alg")
        .and_then(|f| f.fix)
        .unwrap();
    fix.apply(&mut c);
    assert_eq!(c.request_object_alg, Some(Algorithm::EdDSA));
}

/// oidc-provider publishes `dpop_signing_alg_values_supported: ["ES256", "Ed25519", "EdDSA"]`:
/// a PS256 proof key is flagged before the run (the provider would answer invalid_dpop_proof
/// at PAR); an ES256 key is not, and neither is any key when the server lists no DPoP algs.
#[test]
fn a_dpop_key_whose_alg_the_server_does_not_list_is_flagged() {
    let mut md = metadata();
    md.dpop_signing_alg_values_supported = Some(vec!["ES256".into(), "Ed25519".into(), "EdDSA".into()]);
    let mut config = clean();
    config.dpop = Some(DpopKey::new(key(Algorithm::PS256, 3), Algorithm::PS256).unwrap());
    let findings = lint(&config, Some(&md), &LintHints::default());
    let finding = findings
        .iter()
        .find(|f| f.code == "lint.dpop_alg_not_supported")
        .expect("the rule fires");
    assert_eq!(finding.severity, Severity::Error);
    assert!(finding.message.contains("ES256, Ed25519, EdDSA") && finding.message.contains("PS256"));
    config.dpop = Some(DpopKey::new(key(Algorithm::ES256, 4), Algorithm::ES256).unwrap());
    assert_eq!(codes(&config, Some(&md), &LintHints::default()), Vec::<&str>::new());
    config.dpop = Some(DpopKey::new(key(Algorithm::PS256, 3), Algorithm::PS256).unwrap());
    assert_eq!(
        codes(&config, Some(&metadata()), &LintHints::default()),
        Vec::<&str>::new()
    );
}

#[test]
fn discovery_reads_dpop_signing_alg_values_supported() {
    let md =
        ServerMetadata::parse(br#"{"issuer": "https://as.example", "dpop_signing_alg_values_supported": ["ES256"]}"#)
            .unwrap();
    assert!(md.lists_dpop_alg("ES256") && !md.lists_dpop_alg("RS256"));
    assert!(!md.extra.contains_key("dpop_signing_alg_values_supported"));
}

// JWE: request-object encryption against the server's lists and keys, and what the client asks
// the server to encrypt.

fn jwe_metadata() -> ServerMetadata {
    let mut md = metadata();
    md.request_object_encryption_alg_values_supported = Some(vec!["RSA-OAEP-256".into(), "ECDH-ES".into()]);
    md.request_object_encryption_enc_values_supported = Some(vec!["A256GCM".into()]);
    md.id_token_encryption_alg_values_supported = Some(vec!["RSA-OAEP-256".into()]);
    md
}

fn encrypting(alg: KeyManagement, enc: ContentEncryption) -> Config {
    let mut c = clean();
    c.encryption.request_object = Some(JweChoice::new(alg, enc));
    c
}

#[test]
fn request_object_encryption_alg_and_enc_must_be_listed_and_the_fix_picks_a_listed_pair() {
    let md = jwe_metadata();
    let hints = LintHints::default();
    assert_eq!(
        codes(
            &encrypting(KeyManagement::RsaOaep256, ContentEncryption::A256Gcm),
            Some(&md),
            &hints
        ),
        Vec::<&str>::new()
    );
    let alg = encrypting(KeyManagement::EcdhEsA128Kw, ContentEncryption::A256Gcm);
    fires_and_fix_silences(alg, Some(&md), &hints, "lint.encryption_alg_not_supported");
    let enc = encrypting(KeyManagement::RsaOaep256, ContentEncryption::A128CbcHs256);
    fires_and_fix_silences(enc, Some(&md), &hints, "lint.encryption_enc_not_supported");
    // Off unless a request object is sent.
    let mut plain = encrypting(KeyManagement::EcdhEsA128Kw, ContentEncryption::A256Gcm);
    plain.delivery = Delivery::Par;
    assert!(!codes(&plain, Some(&md), &hints).contains(&"lint.encryption_alg_not_supported"));
}

#[test]
fn request_object_encryption_needs_a_server_enc_key_and_symmetric_needs_a_confidential_client() {
    let mut sig = key(Algorithm::RS256, 3).to_public().unwrap();
    sig.key_use = Some("sig".into());
    let hints = LintHints {
        server_jwks: Some(Jwks::new(vec![sig])),
        ..LintHints::default()
    };
    let c = encrypting(KeyManagement::RsaOaep256, ContentEncryption::A256Gcm);
    fires_and_fix_silences(c, None, &hints, "lint.encryption_key_missing");

    let c = encrypting(KeyManagement::A256Kw, ContentEncryption::A256Gcm);
    fires_and_fix_silences(
        c.clone(),
        None,
        &LintHints::default(),
        "lint.encryption_symmetric_public_client",
    );
    let mut confidential = c;
    confidential.auth_method = "client_secret_basic".into();
    confidential.client_secret = Some(SecretString::new("a-secret-of-some-length-0123456789".into()));
    assert!(!codes(&confidential, None, &LintHints::default()).contains(&"lint.encryption_symmetric_public_client"));
}

#[test]
fn encrypted_responses_need_a_client_enc_key_a_listed_alg_and_rsa1_5_is_called_out() {
    let mut md = jwe_metadata();
    let mut c = clean();
    c.encryption.id_token = Some(JweChoice::new(KeyManagement::EcdhEs, ContentEncryption::A128Gcm));
    let found = codes(&c, Some(&md), &LintHints::default());
    assert!(found.contains(&"lint.response_encryption_not_supported"), "{found:?}");
    assert!(found.contains(&"lint.encryption_client_key_missing"), "{found:?}");
    let mut enc_key = key(Algorithm::ES256, 4);
    enc_key.key_use = Some("enc".into());
    enc_key.alg = None; // generated for ES256; as an encryption key it serves ECDH-ES
    c.encryption.keys = vec![enc_key];
    let found = codes(&c, Some(&md), &LintHints::default());
    assert!(!found.contains(&"lint.encryption_client_key_missing"), "{found:?}");

    md.userinfo_encryption_alg_values_supported = Some(vec!["RSA1_5".into()]);
    assert!(codes(&clean(), Some(&md), &LintHints::default()).contains(&"lint.rsa1_5_offered"));
}
