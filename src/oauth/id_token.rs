//! ID token validation (OIDC Core §3.1.3.7 for the token endpoint, §3.2.2.11 implicit,
//! §3.3.2.12 hybrid): each numbered step a check with its own code, in order, stopping at
//! the first failure.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::check::{verify_server_jwt, CheckFailure, Checks, Report, ServerJwt};
use super::encryption::{decrypt_if_encrypted, EncryptedResponse, ResponseDecryption};
use super::jarm::expected_found;
use crate::clock::UnixTime;
use crate::jose::alg::Sha;
use crate::jose::jwt::numeric_date;
use crate::jose::{base64url, Algorithm, EncryptionBackend, Jwks, SecretString};

/// Where the ID token came from, which decides whether `at_hash`/`c_hash` are required.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdTokenSource {
    TokenEndpoint,
    /// From the authorization endpoint (implicit or hybrid), with the response type used.
    AuthorizationEndpoint {
        response_type: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdTokenExpectations {
    pub issuer: String,
    pub client_id: String,
    /// OIDC Core §3.1.3.7 step 7: the registered `id_token_signed_response_alg`, RS256 by
    /// default.
    pub algs: Vec<Algorithm>,
    /// The `nonce` sent in the authorization request.
    pub nonce: Option<String>,
    /// The `max_age` sent: `auth_time` is then required (step 13).
    pub max_age: Option<u64>,
    pub leeway: i64,
    pub source: IdTokenSource,
    /// The access token issued with the ID token, for `at_hash`.
    pub access_token: Option<String>,
    /// The code issued with the ID token, for `c_hash`.
    pub code: Option<String>,
    /// For HS* ID tokens: the client secret is the key (step 8).
    pub client_secret: Option<SecretString>,
    /// The registered `id_token_encrypted_response_alg`/`_enc` and the client's keys (step 1);
    /// `None`: ID tokens must not be encrypted.
    pub decryption: Option<ResponseDecryption>,
}

impl IdTokenExpectations {
    pub fn new(issuer: impl Into<String>, client_id: impl Into<String>) -> Self {
        Self {
            issuer: issuer.into(),
            client_id: client_id.into(),
            algs: vec![Algorithm::RS256],
            nonce: None,
            max_age: None,
            leeway: 60,
            source: IdTokenSource::TokenEndpoint,
            access_token: None,
            code: None,
            client_secret: None,
            decryption: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedIdToken {
    pub header: Value,
    pub claims: Map<String, Value>,
}

impl VerifiedIdToken {
    pub fn sub(&self) -> Option<&str> {
        self.claims.get("sub").and_then(Value::as_str)
    }
}

/// OIDC Core §3.1.3.6 / §3.3.2.11: `at_hash`/`c_hash` is the base64url of the left half of the
/// hash (the one the JWS alg uses; SHA-512 for EdDSA/Ed25519) of the ASCII value.
pub fn half_hash(alg: Algorithm, value: &str) -> String {
    let digest: Vec<u8> = match alg.sha() {
        Sha::Sha256 => Sha256::digest(value.as_bytes()).to_vec(),
        Sha::Sha384 => Sha384::digest(value.as_bytes()).to_vec(),
        Sha::Sha512 => Sha512::digest(value.as_bytes()).to_vec(),
    };
    base64url::encode(&digest[..digest.len() / 2])
}

pub async fn validate_id_token<B: EncryptionBackend + ?Sized>(
    jwt: &str,
    expect: &IdTokenExpectations,
    jwks: Option<&Jwks>,
    now: UnixTime,
    backend: &B,
) -> Report<VerifiedIdToken> {
    let mut checks = Checks::default();
    let result = run(&mut checks, jwt, expect, jwks, now, backend).await;
    checks.finish(result)
}

/// The decryption step's codes (OIDC Core §3.1.3.7 step 1).
const ID_TOKEN_JWE: EncryptedResponse = EncryptedResponse {
    what: "the ID token",
    step: "id_token.decrypt",
    clause: "OIDC Core §3.1.3.7 step 1; RFC 7516 §5.2",
    not_encrypted: "id_token.not_encrypted",
    malformed: "id_token.malformed",
    alg_unexpected: "id_token.encryption_alg_unexpected",
    key_not_found: "id_token.encryption_key_not_found",
    decryption_failed: "id_token.decryption_failed",
};

/// The ID token's steps, clauses and codes for [`verify_server_jwt`].
const ID_TOKEN: ServerJwt = ServerJwt {
    parse: "id_token.parse",
    parse_clause: "OIDC Core §2; RFC 7519 §7.2",
    malformed: "id_token.malformed",
    crit_unknown: "id_token.crit_unknown",
    alg: "id_token.alg",
    alg_clause: "OIDC Core §3.1.3.7 step 7",
    alg_none: "id_token.alg_none",
    alg_none_detail: "unsecured ID token (alg none) from a flow that requires a signature",
    alg_unexpected: "id_token.alg_unexpected",
    key: "id_token.key",
    key_clause: "OIDC Core §3.1.3.7 steps 6 and 8; §10.1",
    key_ambiguous: "id_token.key_ambiguous",
    key_not_found: "id_token.key_not_found",
    signature: "id_token.signature",
    signature_clause: "OIDC Core §3.1.3.7 step 6; RFC 7515 §5.2",
    signature_invalid: "id_token.signature_invalid",
};

async fn run<B: EncryptionBackend + ?Sized>(
    c: &mut Checks,
    jwt: &str,
    expect: &IdTokenExpectations,
    jwks: Option<&Jwks>,
    now: UnixTime,
    backend: &B,
) -> Result<VerifiedIdToken, CheckFailure> {
    // 1. "If the ID Token is encrypted, decrypt it using the keys and algorithms that the
    // Client specified during Registration": a nested JWT, whose inner JWS the steps below check.
    let decrypted = decrypt_if_encrypted(c, &ID_TOKEN_JWE, jwt, expect.decryption.as_ref(), backend).await?;
    let jwt = decrypted.as_deref().unwrap_or(jwt);

    // 6–8. Parse, alg (the expected one, RS256 unless registered otherwise; never none), the
    // key (the client secret for HS*, else the server's JWKS by kid/alg) and the signature.
    let verified = verify_server_jwt(
        c,
        &ID_TOKEN,
        jwt,
        &expect.algs,
        expect.client_secret.as_ref(),
        jwks,
        backend,
    )
    .await?;
    let (alg, claims) = (verified.alg, verified.claims);

    // OIDC Core §2: iss, sub, aud, exp, iat are REQUIRED.
    const REQUIRED: &str = "OIDC Core §2";
    let missing: Vec<&str> = ["iss", "sub", "aud", "exp", "iat"]
        .into_iter()
        .filter(|n| !claims.contains_key(*n))
        .collect();
    if !missing.is_empty() {
        return Err(c.fail(
            "id_token.required_claims",
            REQUIRED,
            "id_token.claim_missing",
            format!("missing required claims: {}", missing.join(", ")),
        ));
    }
    c.pass("id_token.required_claims", REQUIRED, "iss, sub, aud, exp, iat present");

    // 2. iss exactly matches the issuer.
    const ISS: &str = "OIDC Core §3.1.3.7 step 2";
    if claims.get("iss").and_then(Value::as_str) != Some(expect.issuer.as_str()) {
        return Err(c.fail_with(
            "id_token.iss",
            ISS,
            "id_token.iss_mismatch",
            "iss is not the issuer",
            expected_found(&expect.issuer, claims.get("iss")),
        ));
    }
    c.pass("id_token.iss", ISS, expect.issuer.clone());

    // 3. aud contains client_id.
    const AUD: &str = "OIDC Core §3.1.3.7 step 3";
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audiences.contains(&expect.client_id.as_str()) {
        return Err(c.fail_with(
            "id_token.aud",
            AUD,
            "id_token.aud_mismatch",
            "aud does not contain the client_id",
            expected_found(&expect.client_id, claims.get("aud")),
        ));
    }
    c.pass("id_token.aud", AUD, expect.client_id.clone());

    // 4–5. azp: present when there are several audiences; equal to client_id when present.
    const AZP: &str = "OIDC Core §3.1.3.7 steps 4 and 5";
    match claims.get("azp") {
        None if audiences.len() > 1 => {
            return Err(c.fail(
                "id_token.azp",
                AZP,
                "id_token.azp_missing",
                "several audiences and no azp",
            ))
        }
        None => c.skip("id_token.azp", AZP, "single audience, no azp"),
        Some(Value::String(azp)) if *azp == expect.client_id => c.pass("id_token.azp", AZP, azp.clone()),
        Some(other) => {
            return Err(c.fail_with(
                "id_token.azp",
                AZP,
                "id_token.azp_mismatch",
                "azp is not the client_id",
                expected_found(&expect.client_id, Some(other)),
            ))
        }
    }

    // 9. exp: now before exp (with leeway).
    const EXP: &str = "OIDC Core §3.1.3.7 step 9";
    let leeway = expect.leeway.max(0);
    match numeric_date(&claims, "exp") {
        Ok(Some(exp)) if now < exp.saturating_add(leeway) => c.pass("id_token.exp", EXP, format!("exp {exp}")),
        Ok(Some(exp)) => {
            return Err(c.fail_with(
                "id_token.exp",
                EXP,
                "id_token.expired",
                format!("expired: exp {exp}, now {now}, leeway {leeway}"),
                vec![("exp".into(), exp.to_string()), ("now".into(), now.to_string())],
            ))
        }
        Ok(None) | Err(_) => return Err(c.fail("id_token.exp", EXP, "id_token.expired", "exp is not a NumericDate")),
    }

    // 10. iat: not in the future (beyond leeway).
    const IAT: &str = "OIDC Core §3.1.3.7 step 10";
    match numeric_date(&claims, "iat") {
        Ok(Some(iat)) if iat <= now.saturating_add(leeway) => c.pass("id_token.iat", IAT, format!("iat {iat}")),
        Ok(Some(iat)) => {
            return Err(c.fail(
                "id_token.iat",
                IAT,
                "id_token.iat_future",
                format!("issued in the future: iat {iat}, now {now}, leeway {leeway}"),
            ))
        }
        Ok(None) | Err(_) => {
            return Err(c.fail("id_token.iat", IAT, "id_token.iat_future", "iat is not a NumericDate"))
        }
    }

    // 11. nonce equals the one sent.
    const NONCE: &str = "OIDC Core §3.1.3.7 step 11; §3.2.2.11";
    match &expect.nonce {
        Some(sent) => {
            if claims.get("nonce").and_then(Value::as_str) != Some(sent.as_str()) {
                return Err(c.fail_with(
                    "id_token.nonce",
                    NONCE,
                    "id_token.nonce_mismatch",
                    "nonce is not the one sent",
                    expected_found(sent, claims.get("nonce")),
                ));
            }
            c.pass("id_token.nonce", NONCE, "matches");
        }
        None => c.skip("id_token.nonce", NONCE, "no nonce was sent"),
    }

    // 13. auth_time when max_age was requested.
    const AUTH_TIME: &str = "OIDC Core §3.1.3.7 step 13";
    match (expect.max_age, numeric_date(&claims, "auth_time")) {
        (Some(max_age), Ok(Some(auth_time))) => {
            let limit = auth_time
                .saturating_add(i64::try_from(max_age).unwrap_or(i64::MAX))
                .saturating_add(leeway);
            if now > limit {
                return Err(c.fail(
                    "id_token.auth_time",
                    AUTH_TIME,
                    "id_token.auth_time_stale",
                    format!("auth_time {auth_time} is more than max_age {max_age} s ago"),
                ));
            }
            c.pass("id_token.auth_time", AUTH_TIME, format!("auth_time {auth_time}"));
        }
        (Some(_), _) => {
            return Err(c.fail(
                "id_token.auth_time",
                AUTH_TIME,
                "id_token.auth_time_missing",
                "max_age was requested, so auth_time is required",
            ))
        }
        (None, _) => c.skip("id_token.auth_time", AUTH_TIME, "no max_age was requested"),
    }

    // at_hash / c_hash: required from the authorization endpoint when issued alongside an
    // access token / a code (§3.2.2.10, §3.3.2.11); checked when present otherwise.
    let (at_required, c_required) = match &expect.source {
        IdTokenSource::TokenEndpoint => (false, false),
        IdTokenSource::AuthorizationEndpoint { response_type } => {
            let types: Vec<&str> = response_type.split_whitespace().collect();
            (
                types.contains(&"id_token") && types.contains(&"token"),
                types.contains(&"id_token") && types.contains(&"code"),
            )
        }
    };
    hash_check(
        c,
        &claims,
        alg,
        HashCheck {
            check: "id_token.at_hash",
            claim: "at_hash",
            clause: "OIDC Core §3.2.2.9, §3.2.2.10, §3.3.2.11",
            missing_code: "id_token.at_hash_missing",
            mismatch_code: "id_token.at_hash_mismatch",
            required: at_required,
            value: expect.access_token.as_deref(),
        },
    )?;
    hash_check(
        c,
        &claims,
        alg,
        HashCheck {
            check: "id_token.c_hash",
            claim: "c_hash",
            clause: "OIDC Core §3.3.2.10, §3.3.2.11",
            missing_code: "id_token.c_hash_missing",
            mismatch_code: "id_token.c_hash_mismatch",
            required: c_required,
            value: expect.code.as_deref(),
        },
    )?;
    Ok(VerifiedIdToken {
        header: verified.header,
        claims,
    })
}

struct HashCheck<'a> {
    check: &'static str,
    claim: &'static str,
    clause: &'static str,
    missing_code: &'static str,
    mismatch_code: &'static str,
    required: bool,
    value: Option<&'a str>,
}

fn hash_check(
    c: &mut Checks,
    claims: &Map<String, Value>,
    alg: Algorithm,
    h: HashCheck<'_>,
) -> Result<(), CheckFailure> {
    match (claims.get(h.claim), h.value) {
        (None, _) if h.required => Err(c.fail(
            h.check,
            h.clause,
            h.missing_code,
            format!("{} is required for this response type", h.claim),
        )),
        (None, _) => {
            c.skip(h.check, h.clause, format!("no {}", h.claim));
            Ok(())
        }
        (Some(_), None) => {
            c.skip(
                h.check,
                h.clause,
                format!("{} present, nothing issued to compare", h.claim),
            );
            Ok(())
        }
        (Some(found), Some(value)) => {
            let expected = half_hash(alg, value);
            if found.as_str() == Some(expected.as_str()) {
                c.pass(h.check, h.clause, "matches");
                Ok(())
            } else {
                Err(c.fail_with(
                    h.check,
                    h.clause,
                    h.mismatch_code,
                    format!("{} does not match", h.claim),
                    expected_found(&expected, Some(found)),
                ))
            }
        }
    }
}
