//! JWT claim validation: `exp`/`nbf`/`iat` with leeway at an injected instant, `iss`, `aud`
//! (string or array), required claims, and errors that say what was expected and found.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use oauth_playground::jose::jwt::{self, parse_claims, Claims};
use oauth_playground::jose::{jws, Algorithm, JoseError, Jwk, ShortHmacKeys, Validation};
use serde_json::{json, Value};

const NOW: i64 = 1_700_000_000;

fn claims(value: Value) -> Claims {
    parse_claims(value.to_string().as_bytes()).unwrap()
}

fn strict() -> Validation {
    Validation::default().issuer("https://as.example").audience("client-1")
}

fn good() -> Value {
    json!({"iss":"https://as.example","aud":"client-1","exp":NOW + 300,"iat":NOW,"nbf":NOW})
}

#[test]
fn defaults_are_documented_values() {
    let v = Validation::default();
    assert_eq!(v.leeway, 60);
    assert_eq!(v.required, vec!["exp".to_string()]);
    assert!(v.check_exp && v.check_nbf && v.reject_future_iat);
    assert!(v.issuers.is_empty() && v.audiences.is_empty());
}

#[test]
fn valid_claims_pass() {
    strict().validate(&claims(good()), NOW).unwrap();
}

#[test]
fn expired_token_is_rejected_after_the_leeway_only() {
    let c = claims(json!({"exp": NOW - 30}));
    Validation::default().validate(&c, NOW).unwrap();
    let err = Validation::default().leeway(10).validate(&c, NOW).unwrap_err();
    assert_eq!(
        err,
        JoseError::Expired {
            exp: NOW - 30,
            now: NOW,
            leeway: 10
        }
    );
    assert_eq!(
        err.to_string(),
        "the token expired: exp 1699999970 is 30s before now 1700000000 (leeway 10s)"
    );
    // RFC 7519 §4.1.4: at exactly exp the token is no longer valid.
    let at_exp = claims(json!({"exp": NOW}));
    assert!(Validation::default().leeway(0).validate(&at_exp, NOW).is_err());
}

#[test]
fn token_not_yet_valid_is_rejected() {
    let c = claims(json!({"exp": NOW + 600, "nbf": NOW + 120}));
    assert_eq!(
        Validation::default().validate(&c, NOW),
        Err(JoseError::NotYetValid {
            nbf: NOW + 120,
            now: NOW,
            leeway: 60
        })
    );
    Validation::default().validate(&c, NOW + 60).unwrap();
}

#[test]
fn token_issued_in_the_future_is_rejected() {
    let c = claims(json!({"exp": NOW + 600, "iat": NOW + 61}));
    assert!(matches!(
        Validation::default().validate(&c, NOW),
        Err(JoseError::IssuedInFuture { .. })
    ));
    let lenient = Validation {
        reject_future_iat: false,
        ..Validation::default()
    };
    lenient.validate(&c, NOW).unwrap();
}

#[test]
fn wrong_issuer_says_expected_and_found() {
    let mut c = good();
    c["iss"] = json!("https://evil.example");
    let err = strict().validate(&claims(c), NOW).unwrap_err();
    assert_eq!(
        err.to_string(),
        "issuer \"https://evil.example\" is not the expected \"https://as.example\""
    );
}

#[test]
fn audience_may_be_a_string_or_an_array() {
    let mut c = good();
    c["aud"] = json!(["other", "client-1"]);
    strict().validate(&claims(c.clone()), NOW).unwrap();
    c["aud"] = json!(["other", "third"]);
    let err = strict().validate(&claims(c), NOW).unwrap_err();
    assert_eq!(
        err,
        JoseError::AudienceMismatch {
            expected: vec!["client-1".into()],
            found: vec!["other".into(), "third".into()]
        }
    );
    assert_eq!(
        err.to_string(),
        "audience [\"other\", \"third\"] does not contain the expected \"client-1\""
    );
}

#[test]
fn missing_claims_are_named() {
    let v = Validation::default().require(&["jti", "iat"]);
    assert_eq!(
        v.validate(&claims(json!({"exp": NOW + 1, "iat": NOW})), NOW),
        Err(JoseError::ClaimMissing { claim: "jti".into() })
    );
    assert_eq!(
        Validation::default().validate(&claims(json!({})), NOW),
        Err(JoseError::ClaimMissing { claim: "exp".into() })
    );
    let mut c = good();
    c.as_object_mut().unwrap().remove("aud");
    assert_eq!(
        strict().validate(&claims(c), NOW),
        Err(JoseError::ClaimMissing { claim: "aud".into() })
    );
}

#[test]
fn claims_of_the_wrong_type_say_what_they_are() {
    let err = Validation::default()
        .validate(&claims(json!({"exp": "1700000300"})), NOW)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "claim \"exp\" must be a NumericDate (a JSON number of seconds since 1970), found a string (\"1700000300\")"
    );
    assert!(matches!(
        Validation::default().validate(&claims(json!({"exp": NOW + 1, "aud": 5})), NOW),
        Err(JoseError::ClaimType { .. })
    ));
    assert!(matches!(
        Validation::default().validate(&claims(json!({"exp": NOW + 1, "iss": ["a"]})), NOW),
        Err(JoseError::ClaimType { .. })
    ));
}

#[test]
fn fractional_and_extreme_numeric_dates_never_overflow() {
    assert_eq!(jwt::numeric_date(&claims(json!({"exp": 1.9})), "exp"), Ok(Some(1)));
    assert!(jwt::numeric_date(&claims(json!({"exp": 1e300})), "exp").is_err());
    let v = Validation::default();
    assert!(v.validate(&claims(json!({"exp": i64::MIN})), NOW).is_err());
    v.validate(&claims(json!({"exp": i64::MAX, "nbf": i64::MIN, "iat": i64::MIN})), NOW)
        .unwrap();
    let wide = Validation::default().leeway(i64::MAX);
    wide.validate(&claims(json!({"exp": i64::MIN, "nbf": i64::MAX})), i64::MAX)
        .ok();
    // Displaying the extreme error computes a difference; it must not overflow either.
    let _ = JoseError::Expired {
        exp: i64::MIN,
        now: i64::MAX,
        leeway: 0,
    }
    .to_string();
}

#[test]
fn duplicate_claim_names_are_refused() {
    assert!(matches!(
        parse_claims(br#"{"sub":"alice","sub":"admin"}"#),
        Err(JoseError::DuplicateMember { name, .. }) if name == "sub"
    ));
}

#[test]
fn verify_checks_signature_then_claims() {
    let key = Jwk::from_json(
        r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#,
    )
    .unwrap();
    let token = jws::sign_compact(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        good().to_string().as_bytes(),
        &key,
        ShortHmacKeys::Refuse,
    )
    .unwrap();
    let verified = jwt::verify(&token, &key, &[Algorithm::HS256], &strict(), NOW).unwrap();
    assert_eq!(verified.claims["aud"], "client-1");
    assert!(matches!(
        jwt::verify(&token, &key, &[Algorithm::HS256], &strict(), NOW + 3600),
        Err(JoseError::Expired { .. })
    ));
    assert!(matches!(
        jwt::verify(&token, &key, &[Algorithm::RS256], &strict(), NOW),
        Err(JoseError::AlgorithmNotAllowed { .. })
    ));
}
