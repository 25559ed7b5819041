//! Userinfo responses checked before their claims are used (OIDC Core §5.3.2): a signed one is
//! verified with the server's keys (or the client secret for HS256) and its iss, aud and alg,
//! and in either form sub must be the ID token's. Signed responses come from the mock server's
//! own signer and keys; the full flow runs against the mock server with a client that
//! registered `userinfo_signed_response_alg`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod oauth_common;

use oauth_common::{backend, rng, run};
use oauth_playground::jose::{base64url, Algorithm, Jwks, SecretString};
use oauth_playground::mock_as::crypto::{server_jwks, sign_jwt};
use oauth_playground::mock_as::ClientMetadata;
use oauth_playground::oauth::userinfo::{validate_userinfo, UserinfoExpectations};
use oauth_playground::oauth::UserInfo;
use serde_json::{json, Map, Value};

const ISSUER: &str = "https://mock.as.example";
const SECRET: &str = "a-client-secret-of-32-bytes-or-more-0123456789";

fn expect() -> UserinfoExpectations {
    UserinfoExpectations {
        issuer: ISSUER.into(),
        client_id: "client-1".into(),
        algs: vec![Algorithm::RS256, Algorithm::ES256, Algorithm::HS256],
        id_token_sub: Some("alice".into()),
        client_secret: Some(SecretString::new(SECRET.to_string())),
        decryption: None,
    }
}

fn jwks() -> Jwks {
    Jwks::from_json(&server_jwks().to_string()).unwrap()
}

fn signed(alg: &str, claims: &Value) -> UserInfo {
    let client = ClientMetadata {
        client_id: "client-1".into(),
        client_secret: Some(oauth_playground::mock_as::Secret::new(SECRET)),
        ..ClientMetadata::default()
    };
    UserInfo::Jwt(sign_jwt(alg, claims, &client, &mut rng()).unwrap())
}

fn claims() -> Value {
    json!({ "iss": ISSUER, "aud": "client-1", "sub": "alice", "email": "alice@example.com" })
}

/// The first failed check's code, or "ok" with the checks that ran.
fn outcome(info: &UserInfo, expect: &UserinfoExpectations) -> (String, Vec<&'static str>) {
    let report = run(validate_userinfo(info, expect, Some(&jwks()), &backend()));
    let ran = report.steps.iter().map(|s| s.check).collect();
    (report.failure_code().unwrap_or("ok").to_string(), ran)
}

#[test]
fn signed_userinfo_verifies_with_the_servers_keys_and_the_client_secret() {
    for alg in ["RS256", "ES256", "HS256"] {
        let (code, ran) = outcome(&signed(alg, &claims()), &expect());
        assert_eq!(code, "ok", "{alg}");
        assert_eq!(
            ran,
            [
                "userinfo.parse",
                "userinfo.alg",
                "userinfo.key",
                "userinfo.signature",
                "userinfo.iss",
                "userinfo.aud",
                "userinfo.sub"
            ],
            "{alg}"
        );
    }
}

#[test]
fn each_fault_of_a_signed_response_is_named() {
    let UserInfo::Jwt(jwt) = signed("RS256", &claims()) else {
        unreachable!()
    };
    // The payload changed after signing: the signature no longer covers it.
    let mut parts: Vec<String> = jwt.split('.').map(str::to_string).collect();
    parts[1] = base64url::encode(json!({ "iss": ISSUER, "aud": "client-1", "sub": "mallory" }).to_string());
    let tampered = UserInfo::Jwt(parts.join("."));
    let unsigned = UserInfo::Jwt(format!(
        "{}.{}.",
        base64url::encode(r#"{"alg":"none"}"#),
        base64url::encode(claims().to_string())
    ));
    let cases: Vec<(&str, UserInfo, UserinfoExpectations)> = vec![
        ("userinfo.signature_invalid", tampered, expect()),
        ("userinfo.alg_none", unsigned, expect()),
        (
            "userinfo.alg_unexpected",
            signed("ES256", &claims()),
            UserinfoExpectations {
                algs: vec![Algorithm::RS256],
                ..expect()
            },
        ),
        (
            "userinfo.iss_mismatch",
            signed(
                "RS256",
                &json!({ "iss": "https://other.example", "aud": "client-1", "sub": "alice" }),
            ),
            expect(),
        ),
        (
            "userinfo.aud_mismatch",
            signed("RS256", &json!({ "iss": ISSUER, "aud": ["client-2"], "sub": "alice" })),
            expect(),
        ),
        (
            "userinfo.key_not_found",
            signed("HS256", &claims()),
            UserinfoExpectations {
                client_secret: None,
                ..expect()
            },
        ),
        ("userinfo.malformed", UserInfo::Jwt("not.a-jwt".into()), expect()),
        (
            // Encrypted, and the client registered no userinfo encryption.
            "userinfo.encryption_alg_unexpected",
            UserInfo::Jwt("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d".into()),
            expect(),
        ),
        (
            "userinfo.sub_mismatch",
            signed("RS256", &json!({ "iss": ISSUER, "aud": "client-1", "sub": "mallory" })),
            expect(),
        ),
    ];
    for (code, info, expect) in cases {
        assert_eq!(outcome(&info, &expect).0, code);
    }
}

#[test]
fn iss_and_aud_are_checked_when_present_and_sub_always() {
    // §5.3.2: iss and aud SHOULD be in a signed response; absent, the checks are skipped.
    let report = run(validate_userinfo(
        &signed("RS256", &json!({ "sub": "alice" })),
        &expect(),
        Some(&jwks()),
        &backend(),
    ));
    assert!(report.result.is_ok(), "{report:?}");
    let skipped: Vec<_> = report
        .steps
        .iter()
        .filter(|s| matches!(s.outcome, oauth_playground::oauth::check::Outcome::Skipped { .. }))
        .map(|s| s.check)
        .collect();
    assert_eq!(skipped, ["userinfo.iss", "userinfo.aud"]);

    // A plain JSON response: no signature to check, but sub must be there and the ID token's.
    let plain = |sub: Value| {
        let mut claims = Map::new();
        if !sub.is_null() {
            claims.insert("sub".into(), sub);
        }
        UserInfo::Claims(claims)
    };
    assert_eq!(outcome(&plain(json!("alice")), &expect()).0, "ok");
    assert_eq!(outcome(&plain(json!("bob")), &expect()).0, "userinfo.sub_mismatch");
    assert_eq!(outcome(&plain(Value::Null), &expect()).0, "userinfo.sub_missing");
    assert_eq!(outcome(&plain(json!(7)), &expect()).0, "userinfo.sub_missing");
    // Without an ID token (an OAuth-only flow) any sub is taken.
    let no_id_token = UserinfoExpectations {
        id_token_sub: None,
        ..expect()
    };
    assert_eq!(outcome(&plain(json!("bob")), &no_id_token).0, "ok");
}
