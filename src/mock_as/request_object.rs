//! Request object (RFC 9101) checks, in table order; shared by the PAR and authorize endpoints.

use serde_json::Value;

use super::checks::{Check, Failure};
use super::crypto::{self, DecodeError, KeyProblem};
use super::server::{path, AuthorizationServer, Params};
use super::settings::{ClientMetadata, JarMode};
use crate::protocol::{claim, param};

/// Parameters that authenticate the client and never take part in the mismatch comparison.
const AUTH_PARAMS: [&str; 4] = [
    param::CLIENT_SECRET,
    param::CLIENT_ASSERTION,
    param::CLIENT_ASSERTION_TYPE,
    param::REQUEST,
];

/// JWT claims of the request object that are not authorization parameters.
const JWT_CLAIMS: [&str; 6] = [claim::ISS, claim::AUD, claim::EXP, claim::NBF, claim::IAT, claim::JTI];

/// A claim as the parameter it stands for. RFC 8707 §2 lets `resource` repeat; in a request
/// object it is an array, joined with spaces as repeated query values are (`params_from_pairs`).
fn param_value(name: &str, value: &Value) -> String {
    match value {
        Value::Array(items) if name == crate::protocol::param::RESOURCE => {
            let texts: Vec<String> = items.iter().map(claim_as_param).collect();
            texts.join(" ")
        }
        other => claim_as_param(other),
    }
}

/// A request object's claim as a parameter string: strings as they are, numbers and objects
/// as JSON (`max_age`, `claims`).
fn claim_as_param(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn int_claim(claims: &serde_json::Map<String, Value>, name: &str) -> Result<Option<i64>, Failure> {
    match claims.get(name) {
        None => Ok(None),
        // RFC 7519 §2 NumericDate; fractions are truncated, absurd values saturate.
        Some(Value::Number(n)) => Ok(n.as_i64().or_else(|| n.as_f64().map(|f| f as i64))),
        Some(other) => Err(Failure::new(
            Check::JarMalformed,
            format!("{name} as a NumericDate"),
            other.to_string(),
        )),
    }
}

impl AuthorizationServer {
    /// Whether this client must send a (signed) request object.
    pub(super) fn request_object_required(&self, client: &ClientMetadata) -> bool {
        client.jar_mode == JarMode::Required || self.signed_request_object_required(client)
    }

    pub(super) fn signed_request_object_required(&self, client: &ClientMetadata) -> bool {
        self.settings.require_signed_request_object || client.require_signed_request_object
    }

    /// The algs both the server and the client allow.
    pub(super) fn allowed_request_object_algs(&self, client: &ClientMetadata) -> Vec<String> {
        let client_list: Option<Vec<String>> = match &client.request_object_signing_alg {
            Some(alg) => Some(vec![alg.clone()]),
            None if !client.request_object_algs.is_empty() => Some(client.request_object_algs.clone()),
            None => None,
        };
        self.settings
            .request_object_algs
            .iter()
            .filter(|a| client_list.as_ref().is_none_or(|list| list.contains(a)))
            .cloned()
            .collect()
    }

    /// Validates the request object `jws` sent with `outer` parameters and returns the
    /// parameters to use. `via_par` names the delivery for the counters.
    pub(super) fn validate_request_object(
        &mut self,
        client: &ClientMetadata,
        jws: &str,
        outer: &Params,
        via_par: bool,
    ) -> Result<Params, Failure> {
        let mode = if via_par { "par" } else { "by_value" };
        let endpoint = if via_par { "par" } else { "authorize" };
        let result = self.check_request_object(client, jws, outer, endpoint);
        let alg = self.details.get("alg").cloned().unwrap_or_else(|| "unknown".into());
        let (outcome, replay) = match &result {
            Ok(_) => ("success", "false"),
            Err(f) if f.check == Check::JarJtiReplayed => ("failure", "true"),
            Err(_) => ("failure", "false"),
        };
        self.log.count(
            "jar_requests_total",
            &[("mode", mode), ("outcome", outcome), ("alg", &alg), ("replay", replay)],
        );
        result
    }

    /// Whether an unsigned (`alg: none`) request object is acceptable from this client.
    fn unsigned_allowed(&self, client: &ClientMetadata) -> bool {
        self.settings.allow_unsigned_request_object
            && client.allow_unsigned_request_object
            && !self.signed_request_object_required(client)
    }

    fn check_request_object(
        &mut self,
        client: &ClientMetadata,
        request: &str,
        outer: &Params,
        endpoint: &str,
    ) -> Result<Params, Failure> {
        let settings = self.settings.clone();
        let now = self.clock.now();
        let skew = settings.clock_skew.max(0);
        // Size first: nothing else is parsed from an oversize object.
        if request.len() > settings.request_object_max_bytes {
            return Err(Failure::new(
                Check::JarTooLarge,
                format!("at most {} bytes", settings.request_object_max_bytes),
                format!("{} bytes", request.len()),
            ));
        }
        // RFC 7516 §7.1: five parts is a JWE (RFC 9101 §4: a signed request object, then
        // encrypted); decrypted here, the plaintext goes through every check below.
        let encrypted = request.split('.').count() == 5;
        let decrypted;
        let jws = if encrypted {
            decrypted = self.decrypt_request_object(client, request, endpoint)?;
            decrypted.as_str()
        } else if settings.require_encrypted_request_object {
            return Err(Failure::new(
                Check::JarEncryptionRequired,
                "a request object encrypted to the server's key (a JWE of five parts)",
                format!("{} parts", request.split('.').count()),
            ));
        } else {
            request
        };
        let decoded = crypto::decode_unverified(jws).map_err(|problem| match problem {
            DecodeError::Malformed(why) => {
                Failure::new(Check::JarMalformed, "a compact JWS with a JSON object payload", why)
            }
            DecodeError::DuplicateMember(why) => Failure::new(Check::JarDuplicateMember, "unique member names", why),
            DecodeError::Critical(why) => {
                Failure::new(Check::JarCritInvalid, "no crit, or only understood extensions", why)
            }
        })?;
        self.detail("alg", &decoded.alg);
        if let Some(kid) = decoded.kid() {
            self.detail("kid", kid);
        }
        // RFC 9101 §4 and §6.1: what decrypts is a signed request object. An unsigned one is
        // only as acceptable as it would be unencrypted (OIDC Core §6.1): encryption hides the
        // parameters, it does not say who wrote them.
        if encrypted && decoded.is_unsigned() && !self.unsigned_allowed(client) {
            return Err(Failure::new(
                Check::JarEncryptedNotSigned,
                "a signed request object inside the JWE (signed, then encrypted)",
                "an unsigned one (alg none or bare JSON claims)",
            ));
        }
        if settings.require_request_object_typ {
            let typ = decoded.header.get("typ").and_then(Value::as_str).unwrap_or("(absent)");
            // RFC 7515 §4.1.9: the "application/" prefix may be omitted.
            let typ_ok = typ
                .strip_prefix("application/")
                .unwrap_or(typ)
                .eq_ignore_ascii_case(crate::protocol::REQUEST_OBJECT_TYP);
            if !typ_ok {
                return Err(Failure::new(
                    Check::JarTypInvalid,
                    crate::protocol::REQUEST_OBJECT_TYP,
                    typ,
                ));
            }
        }
        for name in [claim::ISS, claim::AUD, claim::EXP, claim::NBF, claim::IAT, claim::JTI] {
            if let Some(value) = decoded.claims.get(name) {
                self.detail(name, claim_as_param(value));
            }
        }
        // RFC 9101 §4: "The Request Object MUST NOT include the request or request_uri parameters".
        for nested in [param::REQUEST, param::REQUEST_URI] {
            if decoded.claims.contains_key(nested) {
                return Err(Failure::new(
                    Check::JarNestedRequest,
                    "no nested request/request_uri",
                    nested,
                ));
            }
        }
        if decoded.is_unsigned() {
            if !self.unsigned_allowed(client) {
                return Err(Failure::new(
                    Check::JarUnsignedNotAllowed,
                    "a signed request object",
                    "alg none",
                ));
            }
        } else {
            let allowed = self.allowed_request_object_algs(client);
            if !allowed.contains(&decoded.alg) {
                return Err(Failure::new(
                    Check::JarAlgNotAllowed,
                    format!("one of [{}]", allowed.join(", ")),
                    decoded.alg.clone(),
                ));
            }
            crypto::verify_client_jws(jws, &decoded, client).map_err(|problem| match problem {
                KeyProblem::Unsupported { alg, capability } => Failure::new(Check::JarAlgUnsupported, capability, alg),
                KeyProblem::KidNotFound { kid, candidates } => Failure::new(
                    Check::JarKidNotFound,
                    format!("one of [{}]", candidates.join(", ")),
                    kid,
                ),
                KeyProblem::NoKey { alg, why } => Failure::new(Check::JarKeyUnavailable, why, alg),
                KeyProblem::SignatureInvalid { detail } => {
                    Failure::new(Check::JarSignatureInvalid, "a signature by the client's key", detail)
                }
            })?;
        }
        let claims = &decoded.claims;
        let signed = !decoded.is_unsigned();
        // OIDC Core §6.1: iss SHOULD be the client_id (required of signed objects here).
        match claims.get(claim::ISS) {
            Some(Value::String(iss)) if *iss == client.client_id => {}
            None if !signed => {}
            other => {
                return Err(Failure::new(
                    Check::JarIssMismatch,
                    client.client_id.clone(),
                    other.map_or("(absent)".into(), claim_as_param),
                ))
            }
        }
        // RFC 9101 §4: aud is (or contains) the issuer identifier.
        let mut audiences = vec![settings.issuer.clone()];
        if settings.accept_endpoint_as_audience {
            audiences.push(self.endpoint(path::AUTHORIZE));
            audiences.push(self.endpoint(path::PAR));
        }
        let aud_ok = match claims.get(claim::AUD) {
            Some(Value::String(aud)) => audiences.contains(aud),
            Some(Value::Array(list)) => list
                .iter()
                .any(|a| a.as_str().is_some_and(|a| audiences.iter().any(|x| x == a))),
            None => !signed,
            Some(_) => false,
        };
        if !aud_ok {
            return Err(Failure::new(
                Check::JarAudMissingIssuer,
                audiences.join(" or "),
                claims.get(claim::AUD).map_or("(absent)".into(), claim_as_param),
            ));
        }
        let exp = int_claim(claims, claim::EXP)?;
        let nbf = int_claim(claims, claim::NBF)?;
        let iat = int_claim(claims, claim::IAT)?;
        match exp {
            None if settings.require_exp => {
                return Err(Failure::new(Check::JarExpMissing, "an exp claim", "(absent)"));
            }
            Some(exp) if exp.saturating_add(skew) < now => {
                return Err(Failure::new(
                    Check::JarExpPassed,
                    format!("exp ≥ {} (now − {skew} s skew)", now.saturating_sub(skew)),
                    exp.to_string(),
                ));
            }
            Some(exp) => {
                let start = nbf.or(iat).unwrap_or(now);
                let lifetime = exp.saturating_sub(start);
                if lifetime > settings.request_object_max_lifetime {
                    return Err(Failure::new(
                        Check::JarExpTooFar,
                        format!(
                            "exp − {} ≤ {} s",
                            if nbf.is_some() {
                                "nbf"
                            } else if iat.is_some() {
                                "iat"
                            } else {
                                "now"
                            },
                            settings.request_object_max_lifetime
                        ),
                        format!("{lifetime} s"),
                    ));
                }
            }
            None => {}
        }
        match nbf {
            None if settings.require_nbf => {
                return Err(Failure::new(Check::JarNbfMissing, "an nbf claim", "(absent)"));
            }
            Some(nbf) if nbf > now.saturating_add(skew) => {
                return Err(Failure::new(
                    Check::JarNbfInFuture,
                    format!("nbf ≤ {} (now + {skew} s skew)", now.saturating_add(skew)),
                    nbf.to_string(),
                ));
            }
            _ => {}
        }
        if let Some(iat) = iat {
            if iat > now.saturating_add(skew) {
                return Err(Failure::new(
                    Check::JarIatInFuture,
                    format!("iat ≤ {} (now + {skew} s skew)", now.saturating_add(skew)),
                    iat.to_string(),
                ));
            }
        }
        let jti = match claims.get(claim::JTI) {
            Some(Value::String(jti)) if !jti.is_empty() => Some(jti.clone()),
            _ => None,
        };
        if jti.is_none() && settings.require_jti {
            return Err(Failure::new(Check::JarJtiMissing, "a jti claim", "(absent)"));
        }
        if let (Some(jti), true) = (&jti, settings.jti_replay_protection) {
            let remember_until = exp
                .unwrap_or_else(|| now.saturating_add(settings.request_object_max_lifetime))
                .saturating_add(skew);
            let key = format!("ro:{}:{jti}", client.client_id);
            if !self.replay.insert(&key, remember_until, now) {
                return Err(Failure::new(
                    Check::JarJtiReplayed,
                    "a jti not seen before",
                    jti.clone(),
                ));
            }
        }
        // RFC 9101 §5/§6.3: client_id must match; a hardened server refuses any other
        // contradicting duplicate, a lenient one lets the request object win.
        let mut merged = Params::new();
        for (name, value) in claims {
            if !JWT_CLAIMS.contains(&name.as_str()) {
                merged.insert(name.clone(), param_value(name, value));
            }
        }
        for (name, outer_value) in outer {
            if AUTH_PARAMS.contains(&name.as_str()) {
                continue;
            }
            match merged.get(name) {
                Some(inner) if inner != outer_value && (name == param::CLIENT_ID || settings.reject_param_mismatch) => {
                    self.detail("parameter", name);
                    return Err(Failure::new(
                        Check::JarParamMismatch,
                        format!("{name}={inner} (as in the request object)"),
                        format!("{name}={outer_value}"),
                    ));
                }
                Some(_) => {}
                // OIDC Core §6.3.3 merges; RFC 9101 §6.3 uses only the request object.
                None if !settings.reject_param_mismatch || name == param::CLIENT_ID => {
                    merged.insert(name.clone(), outer_value.clone());
                }
                None => {}
            }
        }
        merged.insert(param::CLIENT_ID.into(), client.client_id.clone());
        Ok(merged)
    }
}
