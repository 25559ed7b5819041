//! Checking a userinfo response before its claims are used (OpenID Connect Core §5.3.2): a
//! signed one (`application/jwt`, the client registered `userinfo_signed_response_alg`) is
//! verified like an ID token — an alg the server offers, never `none`, the server's key or the
//! client secret, `iss` and `aud` naming the server and the client when present — and in either
//! form `sub` must be the ID token's, since "if they do not match, the UserInfo Response
//! values MUST NOT be used" (token substitution).

use serde_json::{Map, Value};

use super::check::{verify_server_jwt, CheckFailure, Checks, Report, ServerJwt};
use super::encryption::{decrypt_if_encrypted, is_jwe, EncryptedResponse, ResponseDecryption};
use super::jarm::expected_found;
use super::token::UserInfo;
use crate::jose::{Algorithm, EncryptionBackend, Jwks, SecretString};

/// What the client knows before it looks at a userinfo response.
#[derive(Clone, Debug)]
pub struct UserinfoExpectations {
    pub issuer: String,
    pub client_id: String,
    /// The algs a signed response may use: the server's `userinfo_signing_alg_values_supported`,
    /// or every signature alg when it lists none (never `none`).
    pub algs: Vec<Algorithm>,
    /// The ID token's `sub`, when the flow validated one.
    pub id_token_sub: Option<String>,
    /// For an HS* signed response (keyed with the client secret, OIDC Core §10.1).
    pub client_secret: Option<SecretString>,
    /// The registered `userinfo_encrypted_response_alg`/`_enc` and the client's keys;
    /// `None`: the response must not be encrypted.
    pub decryption: Option<ResponseDecryption>,
}

/// The checks of a userinfo response, in order; the claims when all pass.
pub async fn validate_userinfo<B: EncryptionBackend + ?Sized>(
    info: &UserInfo,
    expect: &UserinfoExpectations,
    jwks: Option<&Jwks>,
    backend: &B,
) -> Report<Map<String, Value>> {
    let mut checks = Checks::default();
    let result = run(&mut checks, info, expect, jwks, backend).await;
    checks.finish(result)
}

const SIGNED: &str = "OIDC Core §5.3.2";

/// The decryption step's codes.
const USERINFO_JWE: EncryptedResponse = EncryptedResponse {
    what: "the userinfo response",
    step: "userinfo.decrypt",
    clause: "OIDC Core §5.3.2; OIDC Registration §2 userinfo_encrypted_response_alg",
    not_encrypted: "userinfo.not_encrypted",
    malformed: "userinfo.malformed",
    alg_unexpected: "userinfo.encryption_alg_unexpected",
    key_not_found: "userinfo.encryption_key_not_found",
    decryption_failed: "userinfo.decryption_failed",
};

/// A signed userinfo response's steps, clauses and codes for [`verify_server_jwt`].
const USERINFO: ServerJwt = ServerJwt {
    parse: "userinfo.parse",
    parse_clause: "OIDC Core §5.3.2; RFC 7519 §7.2",
    malformed: "userinfo.malformed",
    crit_unknown: "userinfo.crit_unknown",
    alg: "userinfo.alg",
    alg_clause: "OIDC Core §5.3.2; OIDC Discovery §3 userinfo_signing_alg_values_supported",
    alg_none: "userinfo.alg_none",
    alg_none_detail: "an unsecured (alg none) userinfo JWT: nothing says the server wrote it",
    alg_unexpected: "userinfo.alg_unexpected",
    key: "userinfo.key",
    key_clause: "OIDC Core §5.3.2; §10.1 (the server's JWKS, or the client secret for HS*)",
    key_ambiguous: "userinfo.key_ambiguous",
    key_not_found: "userinfo.key_not_found",
    signature: "userinfo.signature",
    signature_clause: "OIDC Core §5.3.2; RFC 7515 §5.2",
    signature_invalid: "userinfo.signature_invalid",
};

async fn run<B: EncryptionBackend + ?Sized>(
    c: &mut Checks,
    info: &UserInfo,
    expect: &UserinfoExpectations,
    jwks: Option<&Jwks>,
    backend: &B,
) -> Result<Map<String, Value>, CheckFailure> {
    let claims = match info {
        UserInfo::Claims(claims) => {
            if let Some(d) = &expect.decryption {
                return Err(c.fail_with(
                    USERINFO_JWE.step,
                    USERINFO_JWE.clause,
                    USERINFO_JWE.not_encrypted,
                    format!(
                        "the userinfo response is plain JSON, but this client registered {} encryption",
                        d.expected
                    ),
                    vec![
                        ("expected".into(), d.expected.to_string()),
                        ("found".into(), "not encrypted".into()),
                    ],
                ));
            }
            c.skip("userinfo.signature", SIGNED, "a JSON object, not signed");
            claims.clone()
        }
        UserInfo::Jwt(jwt) => {
            // OIDC Registration §2: "If both signing and encryption are requested, the response
            // will be signed then encrypted"; encrypted only, the plaintext is the JSON claims.
            let decrypted = if is_jwe(jwt) || expect.decryption.is_some() {
                decrypt_if_encrypted(c, &USERINFO_JWE, jwt, expect.decryption.as_ref(), backend).await?
            } else {
                None
            };
            match decrypted {
                // JSON claims begin with '{' (their values may hold dots, so the parts are no test).
                Some(inner) if !inner.trim_start().starts_with('{') => {
                    verify_signed(c, &inner, expect, jwks, backend).await?
                }
                Some(inner) => match serde_json::from_str::<Value>(&inner) {
                    Ok(Value::Object(claims)) => {
                        c.skip("userinfo.signature", SIGNED, "encrypted JSON claims, not signed");
                        claims
                    }
                    _ => {
                        return Err(c.fail(
                            "userinfo.parse",
                            USERINFO.parse_clause,
                            USERINFO.malformed,
                            "the decrypted content is neither a signed JWT nor a JSON object",
                        ))
                    }
                },
                None => verify_signed(c, jwt, expect, jwks, backend).await?,
            }
        }
    };

    // §5.3.2: "The sub (subject) Claim MUST always be returned in the UserInfo Response", and
    // must be the ID token's.
    const SUB: &str = "OIDC Core §5.3.2 (sub must match the ID token's)";
    let Some(sub) = claims.get("sub").and_then(Value::as_str) else {
        return Err(c.fail(
            "userinfo.sub",
            SUB,
            "userinfo.sub_missing",
            "no sub (a string) in the response",
        ));
    };
    match &expect.id_token_sub {
        Some(expected) if expected != sub => {
            return Err(c.fail_with(
                "userinfo.sub",
                SUB,
                "userinfo.sub_mismatch",
                "sub is not the ID token's: the response may be another user's (token substitution)",
                expected_found(expected, claims.get("sub")),
            ))
        }
        Some(_) => c.pass("userinfo.sub", SUB, format!("{sub}, as in the ID token")),
        None => c.pass("userinfo.sub", SUB, format!("{sub} (no ID token to compare with)")),
    }
    Ok(claims)
}

async fn verify_signed<B: EncryptionBackend + ?Sized>(
    c: &mut Checks,
    jwt: &str,
    expect: &UserinfoExpectations,
    jwks: Option<&Jwks>,
    backend: &B,
) -> Result<Map<String, Value>, CheckFailure> {
    let claims = verify_server_jwt(
        c,
        &USERINFO,
        jwt,
        &expect.algs,
        expect.client_secret.as_ref(),
        jwks,
        backend,
    )
    .await?
    .claims;

    // §5.3.2: a signed response "SHOULD contain the Claims iss (issuer) and aud (audience)";
    // when present they must name this server and this client.
    const ISS: &str = "OIDC Core §5.3.2 (iss is the issuer)";
    match claims.get("iss") {
        None => c.skip("userinfo.iss", ISS, "absent (SHOULD be present)"),
        Some(Value::String(iss)) if *iss == expect.issuer => c.pass("userinfo.iss", ISS, iss.clone()),
        other => {
            return Err(c.fail_with(
                "userinfo.iss",
                ISS,
                "userinfo.iss_mismatch",
                "iss is not the issuer",
                expected_found(&expect.issuer, other),
            ))
        }
    }
    const AUD: &str = "OIDC Core §5.3.2 (aud is or includes the client_id)";
    let audiences: Option<Vec<&str>> = match claims.get("aud") {
        None => None,
        Some(Value::String(aud)) => Some(vec![aud.as_str()]),
        Some(Value::Array(items)) => Some(items.iter().filter_map(Value::as_str).collect()),
        Some(_) => Some(Vec::new()),
    };
    match audiences {
        None => c.skip("userinfo.aud", AUD, "absent (SHOULD be present)"),
        Some(list) if list.contains(&expect.client_id.as_str()) => {
            c.pass("userinfo.aud", AUD, expect.client_id.clone())
        }
        Some(_) => {
            return Err(c.fail_with(
                "userinfo.aud",
                AUD,
                "userinfo.aud_mismatch",
                "aud does not contain the client_id",
                expected_found(&expect.client_id, claims.get("aud")),
            ))
        }
    }
    Ok(claims)
}
