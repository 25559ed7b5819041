//! DPoP (RFC 9449): checking a proof (§4.3, each step a row of the check table), the server
//! nonces (§8: issued, rotated, expired), and the answers a resource gives (§7.1: 401 with
//! `WWW-Authenticate: DPoP`). Binding codes, tokens and refresh tokens to the proof key happens
//! where they are issued and redeemed (`authorize.rs`, `par.rs`, `token.rs`).

use serde_json::{Map, Value};

use super::checks::{Check, Failure};
use super::crypto;
use super::server::AuthorizationServer;
use crate::clock::UnixTime;
use crate::http::{Request, Response};
use crate::protocol::{dpop, error as e, UrlParts};

/// What a proof that passed every check says about its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct CheckedProof {
    /// RFC 7638 thumbprint of the proof's `jwk` (the `jkt` a token is bound with).
    pub jkt: String,
}

/// The private members of a JWK (RFC 7518 §6.2.2, §6.3.2, §6.4.1 `k`; RFC 8037 §2).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// A server nonce and when it was issued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ServerNonce {
    pub value: String,
    pub issued_at: UnixTime,
}

/// A base64url SHA-256 thumbprint is 43 characters (RFC 7638 §3, RFC 9449 §10).
pub(super) fn is_thumbprint(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// RFC 9449 §4.3 point 9: the URI without query and fragment, with scheme and host in lower
/// case and the scheme's default port left out (RFC 3986 §6.2.2.1, §6.2.3), and an empty path
/// as `/`.
pub(super) fn normalise_htu(uri: &str) -> Option<String> {
    let parts = UrlParts::split(uri)?;
    let scheme = parts.scheme.to_ascii_lowercase();
    let (userinfo, host_port) = match parts.authority.rsplit_once('@') {
        Some((user, rest)) => (Some(user), rest),
        None => (None, parts.authority),
    };
    let mut host = host_port.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => "",
    };
    if !default_port.is_empty() && host.ends_with(default_port) {
        host.truncate(host.len() - default_port.len());
    }
    let path = if parts.path.is_empty() { "/" } else { parts.path };
    let userinfo = userinfo.map(|u| format!("{u}@")).unwrap_or_default();
    Some(format!("{scheme}://{userinfo}{host}{path}"))
}

impl AuthorizationServer {
    /// RFC 9449 §4.3: checks the request's DPoP proof against the request's method and URI
    /// (the one it was received at, §4.3 point 9); with `access_token` (at a resource), its
    /// `ath` too. `Ok(None)` when the request carries no proof: whether one was needed is the
    /// caller's decision.
    pub(super) fn check_dpop_proof(
        &mut self,
        request: &Request,
        access_token: Option<&str>,
    ) -> Result<Option<CheckedProof>, Failure> {
        let htu = request.url.as_str();
        let proofs: Vec<&str> = request
            .headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case(dpop::HEADER))
            .map(|(_, value)| value)
            .collect();
        // 1. Exactly one proof.
        let proof = match proofs.as_slice() {
            [] => return Ok(None),
            [one] => one.trim(),
            many => {
                return Err(Failure::new(
                    Check::DpopMultipleProofs,
                    "one DPoP header",
                    format!("{} DPoP headers", many.len()),
                ))
            }
        };
        // 2–3. A well-formed JWT.
        let decoded = crypto::decode_unverified(proof)
            .map_err(|why| Failure::new(Check::DpopMalformed, "a compact JWS (dpop+jwt)", why.to_string()))?;
        self.detail("dpop_alg", &decoded.alg);
        // 4. Explicit typing.
        let typ = decoded.header.get("typ").and_then(Value::as_str);
        if typ != Some(dpop::TYP) {
            return Err(Failure::new(
                Check::DpopTypInvalid,
                dpop::TYP,
                typ.unwrap_or("(absent)"),
            ));
        }
        // 5. An asymmetric alg the server supports (never none, never a MAC).
        if !self.settings.dpop_signing_algs.contains(&decoded.alg) {
            return Err(Failure::new(
                Check::DpopAlgNotAllowed,
                format!("one of [{}]", self.settings.dpop_signing_algs.join(", ")),
                decoded.alg.clone(),
            ));
        }
        // 7 (before the key is read). The jwk is a public key.
        let Some(Value::Object(jwk)) = decoded.header.get("jwk") else {
            return Err(Failure::new(
                Check::DpopJwkInvalid,
                "a jwk header member holding a public key",
                "(absent or not an object)",
            ));
        };
        let private: Vec<&str> = PRIVATE_MEMBERS.into_iter().filter(|m| jwk.contains_key(*m)).collect();
        if !private.is_empty() {
            return Err(Failure::new(
                Check::DpopJwkPrivate,
                "a public key only",
                format!("private members [{}]", private.join(", ")),
            ));
        }
        // 6. The signature, with the key the proof carries.
        let jkt = crypto::verify_with_embedded_key(proof, jwk, &decoded.alg).map_err(|problem| match problem {
            crypto::EmbeddedKeyProblem::Key(why) => {
                Failure::new(Check::DpopJwkInvalid, "an asymmetric public JWK fitting the alg", why)
            }
            crypto::EmbeddedKeyProblem::Signature(why) => {
                Failure::new(Check::DpopSignatureInvalid, "a signature by the jwk header's key", why)
            }
        })?;
        self.detail("dpop_jkt", &jkt);
        let claims = &decoded.claims;
        let text = |name: &str| claims.get(name).and_then(Value::as_str);
        let (Some(jti), Some(htm), Some(proof_htu), Some(iat)) = (
            text("jti"),
            text("htm"),
            text("htu"),
            claims.get("iat").and_then(Value::as_i64),
        ) else {
            let missing: Vec<&str> = ["jti", "htm", "htu"]
                .into_iter()
                .filter(|c| text(c).is_none())
                .chain(claims.get("iat").and_then(Value::as_i64).is_none().then_some("iat"))
                .collect();
            return Err(Failure::new(
                Check::DpopClaimMissing,
                "jti, htm, htu (strings) and iat (a number)",
                format!("missing or mistyped: {}", missing.join(", ")),
            ));
        };
        // 8. The method.
        if htm != request.method.as_str() {
            return Err(Failure::new(Check::DpopHtmMismatch, request.method.as_str(), htm));
        }
        // 9. The URI, without query and fragment.
        let expected = normalise_htu(htu).unwrap_or_else(|| htu.to_string());
        if normalise_htu(proof_htu).as_deref() != Some(expected.as_str()) {
            return Err(Failure::new(Check::DpopHtuMismatch, expected, proof_htu));
        }
        // 11. Freshness: not older than the window, not from the future (both with clock skew).
        let now = self.clock.now();
        let skew = self.settings.clock_skew;
        let oldest = now
            .saturating_sub(self.settings.dpop_proof_max_age)
            .saturating_sub(skew);
        if iat < oldest || iat > now.saturating_add(skew) {
            return Err(Failure::new(
                Check::DpopIatOutOfWindow,
                format!("iat between {oldest} and {}", now.saturating_add(skew)),
                format!("iat {iat}"),
            ));
        }
        // 10. The server's nonce, when it asks for one.
        if self.settings.dpop_nonce_required {
            match text("nonce") {
                None => {
                    return Err(Failure::new(
                        Check::DpopNonceMissing,
                        "a nonce from the DPoP-Nonce header",
                        "(absent)",
                    ))
                }
                Some(nonce) if !self.dpop_nonce_is_valid(nonce, now) => {
                    return Err(Failure::new(
                        Check::DpopNonceInvalid,
                        "a current nonce of this server",
                        "unknown or expired nonce",
                    ))
                }
                Some(_) => {}
            }
        }
        // jti: one use within the window in which the proof is accepted at all.
        let expires = iat
            .saturating_add(self.settings.dpop_proof_max_age)
            .saturating_add(skew);
        if !self.replay.insert(&format!("dpop:{jti}"), expires, now) {
            return Err(Failure::new(Check::DpopJtiReplayed, "a jti used once", "second use"));
        }
        // 12. At a resource: the hash of the access token presented.
        if let Some(token) = access_token {
            let expected = crypto::access_token_hash(token);
            match text("ath") {
                None => {
                    return Err(Failure::new(
                        Check::DpopAthMissing,
                        "ath = base64url(SHA-256(access token))",
                        "(absent)",
                    ))
                }
                Some(ath) if ath != expected => {
                    return Err(Failure::new(Check::DpopAthMismatch, expected, ath));
                }
                Some(_) => {}
            }
        }
        Ok(Some(CheckedProof { jkt }))
    }

    /// The nonce to send now (§8.1). A new one is drawn when there is none or the current one
    /// is half its lifetime old; the previous stays valid until it expires, so a client that
    /// just received it is not refused.
    pub(super) fn current_dpop_nonce(&mut self) -> String {
        let now = self.clock.now();
        let lifetime = self.settings.dpop_nonce_lifetime;
        let fresh = self
            .dpop_nonces
            .last()
            .filter(|n| n.issued_at.saturating_add(lifetime / 2) > now && n.issued_at <= now)
            .map(|n| n.value.clone());
        match fresh {
            Some(value) => value,
            None => self.rotate_dpop_nonce(),
        }
    }

    /// Issues a new server nonce now (rotation); the one before stays valid until it expires.
    pub fn rotate_dpop_nonce(&mut self) -> String {
        let now = self.clock.now();
        let lifetime = self.settings.dpop_nonce_lifetime;
        let value = self.random_token(18);
        self.dpop_nonces.retain(|n| n.issued_at.saturating_add(lifetime) >= now);
        self.dpop_nonces.push(ServerNonce {
            value: value.clone(),
            issued_at: now,
        });
        // The current one and its predecessor.
        while self.dpop_nonces.len() > 2 {
            self.dpop_nonces.remove(0);
        }
        value
    }

    fn dpop_nonce_is_valid(&self, nonce: &str, now: UnixTime) -> bool {
        let lifetime = self.settings.dpop_nonce_lifetime;
        self.dpop_nonces.iter().any(|n| {
            crypto::secrets_equal(&n.value, nonce) && n.issued_at <= now && n.issued_at.saturating_add(lifetime) >= now
        })
    }

    /// §8.2: with nonces required, every answer of the endpoints that check proofs names the
    /// current nonce, so a client keeps up with rotation without a failed request.
    pub(super) fn attach_dpop_nonce(&mut self, response: &mut Response) {
        if self.settings.dpop_nonce_required && response.headers.get(dpop::NONCE_HEADER).is_none() {
            let nonce = self.current_dpop_nonce();
            response.headers.append(dpop::NONCE_HEADER, nonce);
        }
    }

    /// An error answer at the token or PAR endpoint, with a `DPoP-Nonce` header when the
    /// failure asks for one (§8: 400 `use_dpop_nonce`).
    pub(super) fn dpop_error_json(&mut self, endpoint: &str, client_id: Option<&str>, failure: &Failure) -> Response {
        let mut response = self.error_json(endpoint, client_id, failure);
        if failure.info().error == e::USE_DPOP_NONCE {
            let nonce = self.current_dpop_nonce();
            response.headers.append(dpop::NONCE_HEADER, nonce);
        }
        response
    }

    /// An error answer at a resource (userinfo) for a DPoP-related failure: 401 with
    /// `WWW-Authenticate: DPoP error="…", algs="…"` (RFC 9449 §7.1, §9), and a `DPoP-Nonce`
    /// header for `use_dpop_nonce`.
    pub(super) fn dpop_resource_error(
        &mut self,
        endpoint: &str,
        client_id: Option<&str>,
        failure: &Failure,
    ) -> Response {
        let mut response = self.error_json(endpoint, client_id, failure);
        let info = failure.info();
        response.status = 401;
        response.headers.remove("WWW-Authenticate");
        response.headers.append(
            "WWW-Authenticate",
            format!(
                "{} error=\"{}\", algs=\"{}\"",
                dpop::SCHEME,
                info.error,
                self.settings.dpop_signing_algs.join(" ")
            ),
        );
        if info.error == e::USE_DPOP_NONCE {
            let nonce = self.current_dpop_nonce();
            response.headers.append(dpop::NONCE_HEADER, nonce);
        }
        response
    }
}

/// RFC 7800 §3.1 / RFC 9449 §6.1: `{"jkt": thumbprint}`.
pub(super) fn confirmation(jkt: &str) -> Value {
    let mut cnf = Map::new();
    cnf.insert(dpop::JKT.into(), Value::from(jkt));
    Value::Object(cnf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn htu_ignores_query_fragment_case_and_default_port() {
        assert_eq!(
            normalise_htu("HTTPS://Server.Example.com:443/token?x=1#f").as_deref(),
            Some("https://server.example.com/token")
        );
        assert_eq!(
            normalise_htu("https://server.example.com").as_deref(),
            Some("https://server.example.com/")
        );
        // The path stays case-sensitive, and a non-default port is kept.
        assert_ne!(
            normalise_htu("https://a.example/Token"),
            normalise_htu("https://a.example/token")
        );
        assert_ne!(
            normalise_htu("https://a.example:8443/t"),
            normalise_htu("https://a.example/t")
        );
    }

    fn server(lifetime: i64) -> (AuthorizationServer, std::rc::Rc<crate::clock::FixedClock>) {
        use rand_core::SeedableRng;
        let clock = std::rc::Rc::new(crate::clock::FixedClock::at(1_000));
        let settings = super::super::settings::ServerSettings {
            dpop_nonce_required: true,
            dpop_nonce_lifetime: lifetime,
            ..super::super::settings::ServerSettings::default()
        };
        let server = AuthorizationServer::new(
            settings,
            Box::new(std::rc::Rc::clone(&clock)),
            Box::new(rand_chacha::ChaCha20Rng::seed_from_u64(3)),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        (server, clock)
    }

    #[test]
    fn nonces_rotate_at_half_their_lifetime_and_expire_at_the_end() {
        let (mut server, clock) = server(60);
        let first = server.current_dpop_nonce();
        clock.advance(29);
        assert_eq!(server.current_dpop_nonce(), first, "kept before half its lifetime");
        clock.advance(1);
        let second = server.current_dpop_nonce();
        assert_ne!(second, first, "rotated at half its lifetime");
        let now = server.clock.now();
        assert!(server.dpop_nonce_is_valid(&first, now), "the previous stays valid");
        assert!(server.dpop_nonce_is_valid(&second, now));
        clock.advance(31);
        let now = server.clock.now();
        assert!(!server.dpop_nonce_is_valid(&first, now), "expired after its lifetime");
        assert!(server.dpop_nonce_is_valid(&second, now));
        assert!(!server.dpop_nonce_is_valid("never-issued", now));
    }

    #[test]
    fn only_the_current_nonce_and_its_predecessor_are_kept() {
        let (mut server, _clock) = server(60);
        let oldest = server.rotate_dpop_nonce();
        server.rotate_dpop_nonce();
        server.rotate_dpop_nonce();
        assert_eq!(server.dpop_nonces.len(), 2);
        let now = server.clock.now();
        assert!(!server.dpop_nonce_is_valid(&oldest, now));
    }

    #[test]
    fn thumbprints_are_43_base64url_characters() {
        assert!(is_thumbprint("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"));
        assert!(!is_thumbprint("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4"));
        assert!(!is_thumbprint("0ZcOCORZNYy+DWpqq30jZyJGHTN0d2HglBV3uiguA4I"));
    }
}
