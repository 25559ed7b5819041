//! Client authentication at the PAR and token endpoints (RFC 6749 §2.3, RFC 7523 §3,
//! OIDC Core §9): `none`, `client_secret_basic`, `client_secret_post`, `client_secret_jwt`,
//! `private_key_jwt`.

use base64::Engine;
use serde_json::Value;

use super::checks::{Check, Failure};
use super::crypto::{self, KeyProblem};
use super::server::{AuthorizationServer, Params};
use super::settings::ClientMetadata;
use crate::http::Request;
use crate::protocol::{auth_method as am, claim, form_decode, param};

/// What the client presented.
enum Presented {
    None(String),
    Basic { client_id: String, secret: String },
    Post { client_id: String, secret: String },
    Jwt { assertion: String, assertion_type: String },
}

/// RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64.
fn parse_basic(header: &str) -> Option<(String, String)> {
    let (scheme, value) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Basic") {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(value.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (id, secret) = text.split_once(':')?;
    let decode = |s: &str| -> String {
        form_decode(format!("x={s}").as_bytes())
            .into_iter()
            .next()
            .map(|(_, v)| v)
            .unwrap_or_default()
    };
    Some((decode(id), decode(secret)))
}

impl AuthorizationServer {
    /// Authenticates the client calling `endpoint_url`; the client on success.
    pub(super) fn authenticate_client(
        &mut self,
        request: &Request,
        form: &Params,
        endpoint_url: &str,
    ) -> Result<ClientMetadata, Failure> {
        let basic = request.headers.get("Authorization").and_then(parse_basic);
        let post_secret = form.get(param::CLIENT_SECRET);
        let assertion = form.get(param::CLIENT_ASSERTION);
        let count =
            usize::from(basic.is_some()) + usize::from(post_secret.is_some()) + usize::from(assertion.is_some());
        // RFC 6749 §2.3: "MUST NOT use more than one authentication method in each request".
        if count > 1 {
            return Err(Failure::new(
                Check::ClientMultipleMethods,
                "one authentication method",
                format!("{count} methods"),
            ));
        }
        let form_id = form.get(param::CLIENT_ID).cloned();
        let presented = if let Some((client_id, secret)) = basic {
            Presented::Basic { client_id, secret }
        } else if let Some(secret) = post_secret {
            Presented::Post {
                client_id: form_id.clone().unwrap_or_default(),
                secret: secret.clone(),
            }
        } else if let Some(assertion) = assertion {
            Presented::Jwt {
                assertion: assertion.clone(),
                assertion_type: form.get(param::CLIENT_ASSERTION_TYPE).cloned().unwrap_or_default(),
            }
        } else {
            Presented::None(form_id.clone().unwrap_or_default())
        };
        let claimed_id = match &presented {
            Presented::None(id) | Presented::Basic { client_id: id, .. } | Presented::Post { client_id: id, .. } => {
                id.clone()
            }
            // RFC 7523 §3: the assertion's sub is the client_id (client_id in the form is optional).
            Presented::Jwt { assertion, .. } => crypto::decode_unverified(assertion)
                .ok()
                .and_then(|d| d.claims.get(claim::SUB).and_then(Value::as_str).map(str::to_string))
                .or(form_id.clone())
                .unwrap_or_default(),
        };
        let Some(client) = self.clients.get(&claimed_id).cloned() else {
            return Err(Failure::new(
                Check::ClientUnknown,
                "a registered client_id",
                if claimed_id.is_empty() {
                    "(absent)".to_string()
                } else {
                    claimed_id
                },
            ));
        };
        if let Some(id) = &form_id {
            if *id != client.client_id {
                return Err(Failure::new(
                    Check::ClientAuthFailed,
                    client.client_id.clone(),
                    format!("client_id={id}"),
                ));
            }
        }
        let registered = client.token_endpoint_auth_method.as_str();
        let used = match &presented {
            Presented::None(_) => am::NONE,
            Presented::Basic { .. } => am::CLIENT_SECRET_BASIC,
            Presented::Post { .. } => am::CLIENT_SECRET_POST,
            Presented::Jwt { .. } if registered == am::PRIVATE_KEY_JWT => am::PRIVATE_KEY_JWT,
            Presented::Jwt { .. } => am::CLIENT_SECRET_JWT,
        };
        if used != registered {
            return Err(Failure::new(Check::ClientAuthMethodMismatch, registered, used));
        }
        match presented {
            Presented::None(_) => Ok(client),
            Presented::Basic { secret, .. } | Presented::Post { secret, .. } => {
                let expected = client.client_secret.as_ref().map(|s| s.expose()).unwrap_or_default();
                if !expected.is_empty() && crypto::secrets_equal(expected, &secret) {
                    Ok(client)
                } else {
                    Err(Failure::new(
                        Check::ClientAuthFailed,
                        "the registered client_secret",
                        "a different secret",
                    ))
                }
            }
            Presented::Jwt {
                assertion,
                assertion_type,
            } => {
                self.check_client_assertion(&client, &assertion, &assertion_type, endpoint_url)?;
                Ok(client)
            }
        }
    }

    /// RFC 7523 §3 checks on a client assertion, in table order.
    fn check_client_assertion(
        &mut self,
        client: &ClientMetadata,
        assertion: &str,
        assertion_type: &str,
        endpoint_url: &str,
    ) -> Result<(), Failure> {
        let now = self.clock.now();
        let skew = self.settings.clock_skew.max(0);
        if assertion_type != am::JWT_BEARER_ASSERTION_TYPE {
            return Err(Failure::new(
                Check::ClientAssertionMalformed,
                format!("client_assertion_type={}", am::JWT_BEARER_ASSERTION_TYPE),
                assertion_type,
            ));
        }
        let decoded = crypto::decode_unverified(assertion)
            .map_err(|why| Failure::new(Check::ClientAssertionMalformed, "a compact JWS", why.to_string()))?;
        self.detail("assertion_alg", &decoded.alg);
        // client_secret_jwt is HMAC with the secret; private_key_jwt is asymmetric (OIDC Core §9).
        let hmac = decoded.alg.starts_with("HS");
        let fits_method = if client.token_endpoint_auth_method == am::CLIENT_SECRET_JWT {
            hmac
        } else {
            !hmac && !decoded.is_unsigned()
        };
        if !fits_method {
            return Err(Failure::new(
                Check::ClientAssertionAlgUnsupported,
                format!("an alg for {}", client.token_endpoint_auth_method),
                decoded.alg.clone(),
            ));
        }
        // OIDC Registration §2 token_endpoint_auth_signing_alg: "All Token Requests using
        // these authentication methods from this Client MUST be rejected, if the JWT is not
        // signed with this algorithm."
        if let Some(registered) = &client.token_endpoint_auth_signing_alg {
            if *registered != decoded.alg {
                return Err(Failure::new(
                    Check::ClientAssertionAlgUnsupported,
                    format!("{registered} (the registered token_endpoint_auth_signing_alg)"),
                    decoded.alg.clone(),
                ));
            }
        }
        crypto::verify_client_jws(assertion, &decoded, client).map_err(|problem| match problem {
            KeyProblem::Unsupported { alg, capability } => {
                Failure::new(Check::ClientAssertionAlgUnsupported, capability, alg)
            }
            KeyProblem::KidNotFound { kid, candidates } => Failure::new(
                Check::ClientAssertionSignatureInvalid,
                format!("a key among [{}]", candidates.join(", ")),
                format!("kid {kid}"),
            ),
            KeyProblem::NoKey { why, .. } => Failure::new(Check::ClientAssertionSignatureInvalid, why, "no key"),
            KeyProblem::SignatureInvalid { detail } => Failure::new(
                Check::ClientAssertionSignatureInvalid,
                "a signature by the client's key",
                detail,
            ),
        })?;
        let claims = &decoded.claims;
        let text = |name: &str| claims.get(name).and_then(Value::as_str);
        if text(claim::ISS) != Some(&client.client_id) || text(claim::SUB) != Some(&client.client_id) {
            return Err(Failure::new(
                Check::ClientAssertionIssSubMismatch,
                format!("iss = sub = {}", client.client_id),
                format!(
                    "iss={}, sub={}",
                    text(claim::ISS).unwrap_or("(absent)"),
                    text(claim::SUB).unwrap_or("(absent)")
                ),
            ));
        }
        // RFC 7523 §3 item 3: the issuer or the URL of the endpoint called (as PingOne does);
        // and at the PAR endpoint also the token endpoint's URL, which RFC 9126 §2 says the
        // server MUST accept there, since clients reuse their token-endpoint assertions.
        let mut audiences = vec![self.settings.issuer.clone(), endpoint_url.to_string()];
        let par = self.endpoint(super::server::path::PAR);
        if endpoint_url == par {
            audiences.push(self.endpoint(super::server::path::TOKEN));
        }
        let aud_ok = match claims.get(claim::AUD) {
            Some(Value::String(aud)) => audiences.contains(aud),
            Some(Value::Array(list)) => list
                .iter()
                .any(|a| a.as_str().is_some_and(|a| audiences.iter().any(|x| x == a))),
            _ => false,
        };
        if !aud_ok {
            return Err(Failure::new(
                Check::ClientAssertionAudInvalid,
                audiences.join(" or "),
                claims.get(claim::AUD).map_or("(absent)".into(), Value::to_string),
            ));
        }
        let number = |name: &str| {
            claims
                .get(name)
                .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
        };
        let Some(exp) = number(claim::EXP) else {
            return Err(Failure::new(
                Check::ClientAssertionExpMissing,
                "an exp claim",
                "(absent)",
            ));
        };
        if exp.saturating_add(skew) < now {
            return Err(Failure::new(
                Check::ClientAssertionExpired,
                format!("exp ≥ {}", now.saturating_sub(skew)),
                exp.to_string(),
            ));
        }
        let max = self.settings.client_assertion_max_lifetime;
        if max > 0 && exp.saturating_sub(now) > max {
            return Err(Failure::new(
                Check::ClientAssertionExpTooFar,
                format!("exp ≤ now + {max} s"),
                format!("now + {} s", exp.saturating_sub(now)),
            ));
        }
        if let Some(nbf) = number(claim::NBF) {
            if nbf > now.saturating_add(skew) {
                return Err(Failure::new(
                    Check::ClientAssertionNbfInFuture,
                    format!("nbf ≤ {}", now.saturating_add(skew)),
                    nbf.to_string(),
                ));
            }
        }
        let Some(jti) = text(claim::JTI).filter(|j| !j.is_empty()) else {
            return Err(Failure::new(
                Check::ClientAssertionJtiMissing,
                "a jti claim",
                "(absent)",
            ));
        };
        let key = format!("ca:{}:{jti}", client.client_id);
        if !self.replay.insert(&key, exp.saturating_add(skew), now) {
            return Err(Failure::new(
                Check::ClientAssertionJtiReplayed,
                "a jti not seen before",
                jti,
            ));
        }
        Ok(())
    }
}
