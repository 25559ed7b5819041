//! JWT claim checks (RFC 7519 §4.1) with an explicit clock.
//!
//! Time comes in as a plain `now: i64` (seconds since the Unix epoch) on every call, not as
//! a clock object: the caller — the OAuth client, the mock server, a test — owns its `Clock`
//! and reads it once per check, so a whole validation sees one instant and tests pin it.

use serde_json::{Map, Value};

use super::alg::Algorithm;
use super::{json, jws, JoseError, Jwk};

/// Claims of a JWT: a JSON object with unique member names.
pub type Claims = Map<String, Value>;

/// Parses a JWS payload as JWT claims (RFC 7519 §7.2 step 10: a JSON object; duplicate
/// claim names are refused).
pub fn parse_claims(payload: &[u8]) -> Result<Claims, JoseError> {
    json::parse_object_bytes(payload, "JWT claims")
}

/// What to check in a JWT's claims. `Validation::default()`:
///
/// | field | default | meaning |
/// |---|---|---|
/// | `leeway` | 60 | seconds of clock skew tolerated for `exp`, `nbf`, `iat` |
/// | `required` | `["exp"]` | claims that must be present |
/// | `check_exp` | true | `exp` (if present) must be after `now − leeway` |
/// | `check_nbf` | true | `nbf` (if present) must be at most `now + leeway` |
/// | `reject_future_iat` | true | `iat` (if present) must be at most `now + leeway` |
/// | `issuers` | empty | if not empty, `iss` must be present and one of these |
/// | `audiences` | empty | if not empty, `aud` (string or array) must contain one of these |
///
/// Checks run in this order, the first failure is returned: required claims present; types
/// of `iss`, `aud`, `exp`, `nbf`, `iat`; `iss`; `aud`; `exp`; `nbf`; `iat`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validation {
    pub leeway: i64,
    pub required: Vec<String>,
    pub check_exp: bool,
    pub check_nbf: bool,
    pub reject_future_iat: bool,
    pub issuers: Vec<String>,
    pub audiences: Vec<String>,
}

impl Default for Validation {
    fn default() -> Self {
        Self {
            leeway: 60,
            required: vec!["exp".into()],
            check_exp: true,
            check_nbf: true,
            reject_future_iat: true,
            issuers: Vec::new(),
            audiences: Vec::new(),
        }
    }
}

impl Validation {
    /// `iss` must equal `issuer`.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuers = vec![issuer.into()];
        self
    }

    /// `aud` must contain `audience`.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences = vec![audience.into()];
        self
    }

    /// Adds claims that must be present.
    pub fn require(mut self, claims: &[&str]) -> Self {
        for claim in claims {
            if !self.required.iter().any(|c| c == claim) {
                self.required.push((*claim).to_string());
            }
        }
        self
    }

    pub fn leeway(mut self, seconds: i64) -> Self {
        self.leeway = seconds;
        self
    }

    /// Checks `claims` at time `now` (seconds since the Unix epoch).
    pub fn validate(&self, claims: &Claims, now: i64) -> Result<(), JoseError> {
        for claim in &self.required {
            if !claims.contains_key(claim) {
                return Err(JoseError::ClaimMissing { claim: claim.clone() });
            }
        }
        let iss = string_claim(claims, "iss")?;
        let aud = audience_claim(claims)?;
        let exp = numeric_date(claims, "exp")?;
        let nbf = numeric_date(claims, "nbf")?;
        let iat = numeric_date(claims, "iat")?;
        let leeway = self.leeway.max(0);

        if !self.issuers.is_empty() {
            match iss {
                None => return Err(JoseError::ClaimMissing { claim: "iss".into() }),
                Some(iss) if !self.issuers.iter().any(|i| i == iss) => {
                    return Err(JoseError::IssuerMismatch {
                        expected: self.issuers.clone(),
                        found: iss.to_string(),
                    })
                }
                Some(_) => {}
            }
        }
        if !self.audiences.is_empty() {
            match aud {
                None => return Err(JoseError::ClaimMissing { claim: "aud".into() }),
                Some(aud) if !aud.iter().any(|a| self.audiences.contains(a)) => {
                    return Err(JoseError::AudienceMismatch {
                        expected: self.audiences.clone(),
                        found: aud,
                    })
                }
                Some(_) => {}
            }
        }
        // RFC 7519 §4.1.4: "the current date/time MUST be before the expiration date/time".
        if let (true, Some(exp)) = (self.check_exp, exp) {
            if now >= exp.saturating_add(leeway) {
                return Err(JoseError::Expired { exp, now, leeway });
            }
        }
        // RFC 7519 §4.1.5: "the current date/time MUST be after or equal to the not-before".
        if let (true, Some(nbf)) = (self.check_nbf, nbf) {
            if now.saturating_add(leeway) < nbf {
                return Err(JoseError::NotYetValid { nbf, now, leeway });
            }
        }
        if let (true, Some(iat)) = (self.reject_future_iat, iat) {
            if iat > now.saturating_add(leeway) {
                return Err(JoseError::IssuedInFuture { iat, now, leeway });
            }
        }
        Ok(())
    }
}

/// A JWT whose signature verified and whose claims passed the validation.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedJwt {
    pub alg: Algorithm,
    pub header: Value,
    pub claims: Claims,
}

/// Verifies the JWS (allowing only `allowed`), parses its claims and validates them at `now`.
pub fn verify(
    jwt: &str,
    key: &Jwk,
    allowed: &[Algorithm],
    validation: &Validation,
    now: i64,
) -> Result<VerifiedJwt, JoseError> {
    let verified = jws::verify_compact(jwt, key, allowed)?;
    let claims = parse_claims(&verified.payload)?;
    validation.validate(&claims, now)?;
    Ok(VerifiedJwt {
        alg: verified.alg,
        header: verified.header,
        claims,
    })
}

/// A NumericDate claim (RFC 7519 §2): a JSON number of seconds, fractions allowed (rounded
/// down). `None` when absent.
pub fn numeric_date(claims: &Claims, claim: &str) -> Result<Option<i64>, JoseError> {
    let wrong = |found: &Value| JoseError::ClaimType {
        claim: claim.to_string(),
        expected: "a NumericDate (a JSON number of seconds since 1970)",
        found: json::describe(found),
    };
    match claims.get(claim) {
        None => Ok(None),
        Some(value @ Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                Ok(Some(i))
            } else {
                // Large u64 or a fraction: accept fractions within range, refuse the rest.
                match n.as_f64() {
                    Some(f) if f.is_finite() && f >= i64::MIN as f64 && f < i64::MAX as f64 => {
                        Ok(Some(f.floor() as i64))
                    }
                    _ => Err(wrong(value)),
                }
            }
        }
        Some(other) => Err(wrong(other)),
    }
}

fn string_claim<'c>(claims: &'c Claims, claim: &str) -> Result<Option<&'c str>, JoseError> {
    match claims.get(claim) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(JoseError::ClaimType {
            claim: claim.to_string(),
            expected: "a string",
            found: json::describe(other),
        }),
    }
}

/// RFC 7519 §4.1.3: `aud` is a string or an array of strings.
fn audience_claim(claims: &Claims) -> Result<Option<Vec<String>>, JoseError> {
    let wrong = |found: &Value| JoseError::ClaimType {
        claim: "aud".into(),
        expected: "a string or an array of strings",
        found: json::describe(found),
    };
    match claims.get("aud") {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(vec![s.clone()])),
        Some(value @ Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_string).ok_or_else(|| wrong(value)))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(other) => Err(wrong(other)),
    }
}
