//! Issuing codes and tokens: the authorize endpoint's response values, the token endpoint
//! (`authorization_code` with PKCE, `refresh_token`, `client_credentials`) and userinfo.
//! Access tokens are minted in one place, [`AuthorizationServer::issue_access_token`]:
//! opaque, or RFC 9068 JWTs, with `aud` from the resource indicators (RFC 8707).

use serde_json::{json, Map, Value};

use super::authorize::ValidatedRequest;
use super::checks::{Check, Failure};
use super::crypto;
use super::encryption::Output;
use super::events::PROTOCOL;
use super::resource::{audience, audience_claim, check_resources};
use super::response::signing_failure;
use super::server::{
    duplicate_failure, duplicate_parameter, json_response, params_from_pairs, AuthorizationServer, Params,
};
use super::settings::{AccessTokenFormat, ClientMetadata};
use super::tokens::{AccessToken, AuthorizationCode, RefreshToken};
use crate::http::{Method, Request, Response};
use crate::protocol::{auth_method, claim, dpop, form_decode, grant_type, param, pkce_method};

/// What an access token is issued for.
pub(super) struct AccessGrant<'a> {
    pub scope: &'a str,
    /// The resource owner, or the client's id when no user is involved (RFC 9068 §2.2).
    pub sub: String,
    pub aud: Vec<String>,
    /// RFC 9068 §2.2.1: when the user authenticated, where known.
    pub auth_time: Option<i64>,
    pub grant: &'a str,
    /// RFC 9449 §6: the DPoP key thumbprint the token is bound to (`cnf.jkt`).
    pub jkt: Option<&'a str>,
}

const TOKEN: &str = "token";
const USERINFO: &str = "userinfo";

impl AuthorizationServer {
    /// The client's code lifetime, capped by the server's `authorization_code_max_lifetime`
    /// (FAPI 2.0 Security Profile §5.3.2.1: at most 60 seconds).
    fn code_lifetime(&self, client: &ClientMetadata) -> i64 {
        match self.settings.authorization_code_max_lifetime {
            0 => client.code_lifetime,
            cap => client.code_lifetime.min(cap),
        }
    }

    /// The values of a successful authorization response (RFC 6749 §4.1.2, OIDC Core §3.2.2.5,
    /// §3.3.2.5).
    pub(super) fn issue_authorization_values(
        &mut self,
        client: &ClientMetadata,
        request: &ValidatedRequest,
    ) -> Result<Vec<(String, String)>, Failure> {
        let now = self.clock.now();
        self.prune_expired(now);
        let mut pairs = Vec::new();
        let parts: Vec<&str> = request.response_type.split(' ').collect();
        let grant = self.next_grant();
        let code = if parts.contains(&"code") {
            let code = self.random_token(32);
            self.codes.insert(
                code.clone(),
                AuthorizationCode {
                    client_id: client.client_id.clone(),
                    redirect_uri: request.target.redirect_uri.clone(),
                    code_challenge: request.code_challenge.clone(),
                    nonce: request.nonce.clone(),
                    scope: request.scope.clone(),
                    auth_time: now,
                    expires_at: now.saturating_add(self.code_lifetime(client)),
                    used: false,
                    grant: grant.clone(),
                    resources: request.resources.clone(),
                    dpop_jkt: request.dpop_jkt.clone(),
                },
            );
            pairs.push((param::CODE.to_string(), code.clone()));
            Some(code)
        } else {
            None
        };
        let access_token = if parts.contains(&"token") {
            let access = AccessGrant {
                scope: &request.scope,
                sub: self.settings.test_user.sub.clone(),
                aud: audience(&self.settings, &request.resources),
                auth_time: Some(now),
                grant: &grant,
                // No proof travels through the front channel (RFC 9449 §1: DPoP binds tokens
                // issued by the token endpoint).
                jkt: None,
            };
            let token = self.issue_access_token(client, &access)?;
            pairs.push((param::ACCESS_TOKEN.into(), token.clone()));
            pairs.push((param::TOKEN_TYPE.into(), "Bearer".into()));
            pairs.push((param::EXPIRES_IN.into(), client.access_token_lifetime.to_string()));
            Some(token)
        } else {
            None
        };
        if parts.contains(&"id_token") {
            let id_token = self.issue_id_token(
                "authorize",
                client,
                request.nonce.as_deref(),
                now,
                code.as_deref(),
                access_token.as_deref(),
            )?;
            pairs.push((param::ID_TOKEN.into(), id_token));
        }
        Ok(pairs)
    }

    pub(super) fn prune_expired(&mut self, now: i64) {
        // Bounded by lifetimes: whatever expired is forgotten when something new is issued.
        // The sweep is O(stored items), so it runs at most once per second of the clock:
        // nothing can newly expire while the clock stands still (the benchmarks showed a
        // per-request sweep making PAR 14× slower after 100,000 requests).
        if now <= self.last_prune {
            return;
        }
        self.last_prune = now;
        self.codes.retain(|_, c| c.expires_at.saturating_add(300) >= now);
        self.pushed.retain(|_, p| p.expires_at.saturating_add(300) >= now);
        // Expired access tokens stay 300 s more, so userinfo can say "expired" rather than
        // "unknown"; introspection reads both as inactive.
        self.access_tokens.sweep(now.saturating_sub(300));
        self.refresh_tokens.sweep(now);
    }

    /// A new authorization grant's id: the tokens issued for it share it.
    pub(super) fn next_grant(&mut self) -> String {
        self.grants_issued = self.grants_issued.wrapping_add(1);
        format!("g{}", self.grants_issued)
    }

    /// Mints an access token — the one place that does, whatever the grant. Opaque: a random
    /// reference. JWT (RFC 9068): signed with the server's key for `access_token_signing_alg`
    /// (deferred like every server JWT, see `deferred.rs`), stored under its `jti`.
    pub(super) fn issue_access_token(
        &mut self,
        client: &ClientMetadata,
        access: &AccessGrant<'_>,
    ) -> Result<String, Failure> {
        let now = self.clock.now();
        let expires_at = now.saturating_add(client.access_token_lifetime);
        let jwt = self.settings.access_token_format == AccessTokenFormat::Jwt;
        let (value, handle, jti) = if jwt {
            let jti = self.random_token(16);
            let alg = self.settings.access_token_signing_alg.clone();
            // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat and jti are REQUIRED;
            // auth_time where the user authenticated (§2.2.1); scope when one was granted
            // (§2.2.3). This server has no authentication context classes, so no acr.
            let mut claims = Map::new();
            claims.insert(claim::ISS.into(), Value::from(self.settings.issuer.clone()));
            claims.insert(claim::EXP.into(), Value::from(expires_at));
            claims.insert(claim::AUD.into(), audience_claim(&access.aud));
            claims.insert(claim::SUB.into(), Value::from(access.sub.clone()));
            claims.insert(claim::CLIENT_ID.into(), Value::from(client.client_id.clone()));
            claims.insert(claim::IAT.into(), Value::from(now));
            claims.insert(claim::JTI.into(), Value::from(jti.clone()));
            if let Some(auth_time) = access.auth_time {
                claims.insert(claim::AUTH_TIME.into(), Value::from(auth_time));
            }
            if !access.scope.is_empty() {
                claims.insert(claim::SCOPE.into(), Value::from(access.scope));
            }
            // RFC 9449 §6.1: the key confirmation of a DPoP-bound JWT access token.
            if let Some(jkt) = access.jkt {
                claims.insert(dpop::CNF.into(), super::dpop::confirmation(jkt));
            }
            let value = crypto::prepare_access_token_jwt(&alg, &Value::Object(claims), self.signing_keys())
                .and_then(|unsigned| self.issue_jwt(unsigned))
                .map_err(|p| signing_failure(&alg, p))?;
            (value, jti.clone(), Some(jti))
        } else {
            let value = self.random_token(32);
            (value.clone(), value, None)
        };
        self.access_tokens.insert(
            handle,
            AccessToken {
                client_id: client.client_id.clone(),
                scope: access.scope.to_string(),
                expires_at,
                issued_at: now,
                sub: access.sub.clone(),
                aud: access.aud.clone(),
                jti,
                grant: access.grant.to_string(),
                jwt,
                jkt: access.jkt.map(str::to_string),
            },
            expires_at.saturating_add(300),
            now,
        );
        Ok(value)
    }

    /// Where an access token is stored: a JWT this server signed (`typ: at+jwt`) under its
    /// `jti`, anything else under its own text.
    pub(super) fn access_token_handle(&self, token: &str) -> String {
        if token.matches('.').count() == 2 {
            if let Some(claims) = crypto::verify_access_token_jwt(token, &self.verification_keys()) {
                let ours = claims.get(claim::ISS).and_then(Value::as_str) == Some(self.settings.issuer.as_str());
                if let (true, Some(jti)) = (ours, claims.get(claim::JTI).and_then(Value::as_str)) {
                    return jti.to_string();
                }
            }
        }
        token.to_string()
    }

    /// OIDC Core §2 ID token; `c_hash` / `at_hash` whenever a code / access token is issued
    /// alongside (REQUIRED by §3.3.2.11 for hybrid, §3.2.2.10 for implicit).
    #[allow(clippy::too_many_arguments)]
    fn issue_id_token(
        &mut self,
        endpoint: &str,
        client: &ClientMetadata,
        nonce: Option<&str>,
        auth_time: i64,
        code: Option<&str>,
        access_token: Option<&str>,
    ) -> Result<String, Failure> {
        let now = self.clock.now();
        let alg = client.id_token_signed_response_alg.clone();
        let mut claims = Map::new();
        claims.insert(claim::ISS.into(), Value::from(self.settings.issuer.clone()));
        claims.insert(claim::SUB.into(), Value::from(self.settings.test_user.sub.clone()));
        claims.insert(claim::AUD.into(), Value::from(client.client_id.clone()));
        claims.insert(
            claim::EXP.into(),
            Value::from(now.saturating_add(client.id_token_lifetime)),
        );
        claims.insert(claim::IAT.into(), Value::from(now));
        claims.insert(claim::AUTH_TIME.into(), Value::from(auth_time));
        if let Some(nonce) = nonce {
            claims.insert(claim::NONCE.into(), Value::from(nonce));
        }
        if let Some(code) = code {
            claims.insert(claim::C_HASH.into(), Value::from(crypto::half_hash(&alg, code)));
        }
        if let Some(token) = access_token {
            claims.insert(claim::AT_HASH.into(), Value::from(self.half_hash_of(&alg, token)));
        }
        // OIDC Core §10.2 / §16.14: with id_token_encrypted_response_alg registered the ID
        // token is signed, then encrypted (a Nested JWT, cty JWT).
        let recipient = self.output_recipient(client, Output::IdToken)?;
        let jwt = crypto::prepare_jwt(&alg, &Value::Object(claims), client, self.signing_keys())
            .map_err(|p| signing_failure(&alg, p))?;
        self.issue_nested_jwt(jwt, recipient, Output::IdToken, endpoint, &client.client_id)
    }

    /// The opening every client-authenticated form endpoint shares (token, device
    /// authorization): decode the form, authenticate the client against `path`'s URL (the
    /// assertion audience), then refuse a repeated parameter. A refusal is the JSON error
    /// answer, recorded under `endpoint`.
    pub(super) fn authenticated_form(
        &mut self,
        request: &Request,
        endpoint: &str,
        path: &str,
    ) -> Result<(Params, ClientMetadata), Response> {
        let pairs = form_decode(&request.body);
        let duplicate = duplicate_parameter(&pairs);
        let form = params_from_pairs(pairs);
        let url = self.endpoint(path);
        let client = match self.authenticate_client(request, &form, &url) {
            Ok(client) => client,
            Err(failure) => {
                let id = form.get(param::CLIENT_ID).cloned();
                return Err(self.error_json(endpoint, id.as_deref(), &failure));
            }
        };
        if let Some(name) = duplicate {
            return Err(self.error_json(endpoint, Some(&client.client_id), &duplicate_failure(name)));
        }
        Ok((form, client))
    }

    pub(super) fn token_endpoint(&mut self, request: &Request) -> Response {
        // RFC 9449 §5: the proof is checked before the client authenticates, so a nonce
        // retry (§8) resends the same client authentication without it having been spent.
        let proof = match self.check_dpop_proof(request, None) {
            Ok(proof) => proof,
            Err(failure) => {
                let id = params_from_pairs(form_decode(&request.body)).remove(param::CLIENT_ID);
                return self.dpop_error_json(TOKEN, id.as_deref(), &failure);
            }
        };
        let (form, client) = match self.authenticated_form(request, TOKEN, super::server::path::TOKEN) {
            Ok(authenticated) => authenticated,
            Err(refusal) => return refusal,
        };
        // RFC 9449 §5.2: "MUST reject token requests from this client that do not contain the
        // DPoP header"; FAPI 2.0 Security Profile §5.3.2.1: only sender-constrained tokens.
        if proof.is_none() && (client.dpop_bound_access_tokens || self.settings.require_dpop) {
            let why = if self.settings.require_dpop {
                "a DPoP header (the server issues sender-constrained tokens only)"
            } else {
                "a DPoP header (dpop_bound_access_tokens is true)"
            };
            let failure = Failure::new(Check::DpopProofRequired, why, "(absent)");
            return self.dpop_error_json(TOKEN, Some(&client.client_id), &failure);
        }
        let jkt = proof.map(|p| p.jkt);
        let jkt = jkt.as_deref();
        let result = match form.get(param::GRANT_TYPE).map(String::as_str) {
            Some(grant_type::AUTHORIZATION_CODE) => self.authorization_code_grant(&client, &form, jkt),
            Some(grant_type::REFRESH_TOKEN) => self.refresh_token_grant(&client, &form, jkt),
            Some(grant_type::CLIENT_CREDENTIALS) => self.client_credentials_grant(&client, &form, jkt),
            Some(grant_type::DEVICE_CODE) => self.device_code_grant(&client, &form, jkt),
            other => Err(Failure::new(
                Check::TokenUnsupportedGrantType,
                "authorization_code, refresh_token, client_credentials or urn:ietf:params:oauth:grant-type:device_code",
                other.unwrap_or("(absent)"),
            )),
        };
        match result {
            Ok(body) => {
                self.record("token.issued", PROTOCOL, TOKEN, Some(&client.client_id), "success");
                let mut response = json_response(200, &body);
                self.attach_dpop_nonce(&mut response);
                response
            }
            Err(failure) => self.dpop_error_json(TOKEN, Some(&client.client_id), &failure),
        }
    }

    fn authorization_code_grant(
        &mut self,
        client: &ClientMetadata,
        form: &super::server::Params,
        jkt: Option<&str>,
    ) -> Result<Value, Failure> {
        let now = self.clock.now();
        let Some(code_value) = form.get(param::CODE) else {
            return Err(Failure::new(Check::TokenCodeMissing, "a code", "(absent)"));
        };
        let Some(code) = self.codes.get_mut(code_value) else {
            return Err(Failure::new(
                Check::TokenCodeInvalid,
                "a code issued by this server",
                "unknown code",
            ));
        };
        if code.used {
            // RFC 6749 §4.1.2: "SHOULD revoke (when possible) all tokens previously issued
            // based on that authorization code".
            let grant = code.grant.clone();
            self.access_tokens.retain(|t| t.grant != grant);
            self.refresh_tokens.retain(|t| t.grant != grant);
            return Err(Failure::new(Check::TokenCodeReused, "a code used once", "second use"));
        }
        if code.expires_at < now {
            return Err(Failure::new(
                Check::TokenCodeExpired,
                format!("redeemed before {}", code.expires_at),
                format!("now {now}"),
            ));
        }
        if code.client_id != client.client_id {
            return Err(Failure::new(
                Check::TokenClientMismatch,
                code.client_id.clone(),
                client.client_id.clone(),
            ));
        }
        // RFC 6749 §4.1.3: redirect_uri "REQUIRED, if ... included in the authorization request"
        // — here: when sent it must match, and it must be sent if it was.
        if form.get(param::REDIRECT_URI) != Some(&code.redirect_uri) {
            return Err(Failure::new(
                Check::TokenRedirectUriMismatch,
                code.redirect_uri.clone(),
                form.get(param::REDIRECT_URI).map_or("(absent)", String::as_str),
            ));
        }
        if let Some((challenge, method)) = &code.code_challenge {
            let Some(verifier) = form.get(param::CODE_VERIFIER) else {
                return Err(Failure::new(Check::TokenPkceMissing, "a code_verifier", "(absent)"));
            };
            let computed = if method == pkce_method::S256 {
                crypto::pkce_s256(verifier)
            } else {
                verifier.clone()
            };
            if !crypto::secrets_equal(&computed, challenge) {
                return Err(Failure::new(
                    Check::TokenPkceMismatch,
                    format!("{method}(code_verifier) = code_challenge"),
                    "a different value",
                ));
            }
        }
        // RFC 8707 §2.2: the token request may name some of the resources the authorization
        // request indicated, and no others.
        let requested = check_resources(&self.settings, form.get(param::RESOURCE), Some(&code.resources))?;
        // RFC 9449 §10: a code bound with dpop_jkt is redeemed only with a proof of that key.
        if let Some(bound) = &code.dpop_jkt {
            if jkt != Some(bound.as_str()) {
                return Err(Failure::new(
                    Check::DpopCodeKeyMismatch,
                    format!("a proof of the key {bound}"),
                    jkt.map_or("no DPoP proof".to_string(), |j| format!("a proof of the key {j}")),
                ));
            }
        }
        code.used = true;
        let issued = Issued {
            scope: code.scope.clone(),
            nonce: code.nonce.clone(),
            auth_time: code.auth_time,
            grant: code.grant.clone(),
            granted: code.resources.clone(),
            jkt: jkt.map(str::to_string),
        };
        self.token_response(client, &issued, &requested)
    }

    /// RFC 6749 §4.4: the client asks on its own behalf, with no user and no refresh token
    /// (§4.4.3: "A refresh token SHOULD NOT be included").
    fn client_credentials_grant(
        &mut self,
        client: &ClientMetadata,
        form: &super::server::Params,
        jkt: Option<&str>,
    ) -> Result<Value, Failure> {
        // §4.4: "MUST only be used by confidential clients"; §4.4.2: "The client MUST
        // authenticate with the authorization server".
        if client.token_endpoint_auth_method == auth_method::NONE {
            return Err(Failure::new(
                Check::ClientCredentialsPublicClient,
                "a confidential client that authenticates",
                "token_endpoint_auth_method none",
            ));
        }
        if !client.grant_types.iter().any(|g| g == grant_type::CLIENT_CREDENTIALS) {
            return Err(Failure::new(
                Check::ClientCredentialsGrantNotRegistered,
                "grant_types including client_credentials",
                format!("[{}]", client.grant_types.join(", ")),
            ));
        }
        // RFC 6749 §3.3: a request without scope gets "a pre-defined default value": here the
        // client's registered scope, or none.
        let scope = match (form.get(param::SCOPE), &client.scope) {
            (Some(requested), Some(registered)) => {
                let allowed: Vec<&str> = registered.split(' ').filter(|s| !s.is_empty()).collect();
                if let Some(extra) = requested.split(' ').find(|s| !s.is_empty() && !allowed.contains(s)) {
                    return Err(Failure::new(
                        Check::ClientCredentialsScopeNotRegistered,
                        format!("values of the registered scope \"{registered}\""),
                        extra,
                    ));
                }
                requested.clone()
            }
            (Some(requested), None) => requested.clone(),
            (None, registered) => registered.clone().unwrap_or_default(),
        };
        let resources = check_resources(&self.settings, form.get(param::RESOURCE), None)?;
        let grant = self.next_grant();
        let access = AccessGrant {
            scope: &scope,
            // RFC 9068 §2.2: with no resource owner, sub names the client.
            sub: client.client_id.clone(),
            aud: audience(&self.settings, &resources),
            auth_time: None,
            grant: &grant,
            jkt,
        };
        let access_token = self.issue_access_token(client, &access)?;
        let mut body = json!({
            "access_token": access_token,
            "token_type": token_type(jkt),
            "expires_in": client.access_token_lifetime,
        });
        if let (Value::Object(map), false) = (&mut body, scope.is_empty()) {
            map.insert("scope".into(), Value::from(scope));
        }
        Ok(body)
    }

    fn refresh_token_grant(
        &mut self,
        client: &ClientMetadata,
        form: &super::server::Params,
        jkt: Option<&str>,
    ) -> Result<Value, Failure> {
        let now = self.clock.now();
        let presented = form.get(param::REFRESH_TOKEN).cloned().unwrap_or_default();
        let valid = self
            .refresh_tokens
            .get(&presented)
            .filter(|t| t.client_id == client.client_id && t.expires_at >= now)
            .cloned();
        let Some(token) = valid else {
            return Err(Failure::new(
                Check::TokenRefreshTokenInvalid,
                "a live refresh token of this client",
                if presented.is_empty() {
                    "(absent)"
                } else {
                    "unknown, expired or another client's"
                },
            ));
        };
        let requested = check_resources(&self.settings, form.get(param::RESOURCE), Some(&token.resources))?;
        // RFC 9449 §5: a refresh token bound to a key is used only with a proof of that key.
        if let Some(bound) = &token.jkt {
            if jkt != Some(bound.as_str()) {
                return Err(Failure::new(
                    Check::DpopRefreshKeyMismatch,
                    format!("a proof of the key {bound}"),
                    jkt.map_or("no DPoP proof".to_string(), |j| format!("a proof of the key {j}")),
                ));
            }
        }
        // Rotation: the old refresh token is spent.
        self.refresh_tokens.remove(&presented);
        let issued = Issued {
            scope: token.scope,
            nonce: token.nonce,
            auth_time: token.auth_time,
            grant: token.grant,
            granted: token.resources,
            jkt: jkt.map(str::to_string),
        };
        self.token_response(client, &issued, &requested)
    }

    /// RFC 6749 §5.1 (and OIDC Core §3.1.3.3 with `id_token` when `openid` was asked for).
    pub(super) fn token_response(
        &mut self,
        client: &ClientMetadata,
        issued: &Issued,
        requested: &[String],
    ) -> Result<Value, Failure> {
        let now = self.clock.now();
        let (scope, nonce, auth_time) = (issued.scope.as_str(), issued.nonce.as_deref(), issued.auth_time);
        let resources = if requested.is_empty() {
            &issued.granted
        } else {
            requested
        };
        let access = AccessGrant {
            scope,
            sub: self.settings.test_user.sub.clone(),
            aud: audience(&self.settings, resources),
            auth_time: Some(auth_time),
            grant: &issued.grant,
            jkt: issued.jkt.as_deref(),
        };
        let access_token = self.issue_access_token(client, &access)?;
        let refresh = self.random_token(32);
        let expires_at = now.saturating_add(client.refresh_token_lifetime);
        self.refresh_tokens.insert(
            refresh.clone(),
            RefreshToken {
                client_id: client.client_id.clone(),
                scope: scope.to_string(),
                nonce: nonce.map(str::to_string),
                auth_time,
                expires_at,
                issued_at: now,
                grant: issued.grant.clone(),
                resources: issued.granted.clone(),
                // RFC 9449 §5: "Refresh tokens issued to public clients are bound to the DPoP
                // key"; a confidential client's are bound to its authentication instead.
                jkt: issued
                    .jkt
                    .clone()
                    .filter(|_| client.token_endpoint_auth_method == auth_method::NONE),
            },
            expires_at,
            now,
        );
        let mut body = json!({
            "access_token": access_token,
            "token_type": token_type(issued.jkt.as_deref()),
            "expires_in": client.access_token_lifetime,
            "refresh_token": refresh,
            "scope": scope,
        });
        if scope.split(' ').any(|s| s == "openid") {
            let id_token = self.issue_id_token(TOKEN, client, nonce, auth_time, None, Some(&access_token))?;
            if let Value::Object(map) = &mut body {
                map.insert("id_token".into(), Value::from(id_token));
            }
        }
        Ok(body)
    }

    /// OIDC Core §5.3 userinfo with a Bearer token (RFC 6750 §2.1 header, or §2.2 form body).
    pub(super) fn userinfo_endpoint(&mut self, request: &Request) -> Response {
        let now = self.clock.now();
        // RFC 9449 §7.1: `Authorization: DPoP <token>` with a proof for this request and token.
        let dpop_token = super::server::authorization_token(request, dpop::SCHEME);
        let mut proof_jkt = None;
        if let Some(token) = &dpop_token {
            match self.check_dpop_proof(request, Some(token)) {
                Ok(Some(proof)) => proof_jkt = Some(proof.jkt),
                Ok(None) => {
                    let failure = Failure::new(Check::DpopProofMissing, "a DPoP header", "(absent)");
                    return self.dpop_resource_error(USERINFO, None, &failure);
                }
                Err(failure) => return self.dpop_resource_error(USERINFO, None, &failure),
            }
        }
        let from_header = dpop_token.or_else(|| super::server::bearer_token(request));
        let from_body = if request.method == Method::Post {
            params_from_pairs(form_decode(&request.body)).remove(param::ACCESS_TOKEN)
        } else {
            None
        };
        let Some(token) = from_header.or(from_body) else {
            let failure = Failure::new(Check::UserinfoTokenMissing, "Authorization: Bearer <token>", "(absent)");
            return self.error_json(USERINFO, None, &failure);
        };
        let handle = self.access_token_handle(&token);
        // RFC 9449 §7.1: a request made with the DPoP scheme is answered with a DPoP challenge
        // whatever is wrong with its token (RFC 6750 §3 would say Bearer, which tells a DPoP
        // client nothing about the scheme it has to use).
        let token_error = |server: &mut Self, client_id: Option<&str>, failure: &Failure| {
            if proof_jkt.is_some() {
                server.dpop_resource_error(USERINFO, client_id, failure)
            } else {
                server.error_json(USERINFO, client_id, failure)
            }
        };
        let Some(access) = self.access_tokens.get(&handle).cloned() else {
            let failure = Failure::new(
                Check::UserinfoTokenInvalid,
                "an access token issued by this server",
                "unknown token",
            );
            return token_error(self, None, &failure);
        };
        if access.expires_at < now {
            let failure = Failure::new(
                Check::UserinfoTokenExpired,
                format!("used before {}", access.expires_at),
                format!("now {now}"),
            );
            return token_error(self, Some(&access.client_id), &failure);
        }
        match (&access.jkt, &proof_jkt) {
            (Some(bound), Some(presented)) if bound != presented => {
                let failure = Failure::new(
                    Check::DpopTokenKeyMismatch,
                    format!("a proof of the key {bound} (cnf.jkt)"),
                    format!("a proof of the key {presented}"),
                );
                return self.dpop_resource_error(USERINFO, Some(&access.client_id), &failure);
            }
            (Some(_), None) => {
                let failure = Failure::new(
                    Check::DpopBoundTokenAsBearer,
                    "Authorization: DPoP with a proof",
                    "the Bearer scheme",
                );
                return self.dpop_resource_error(USERINFO, Some(&access.client_id), &failure);
            }
            (None, Some(_)) => {
                let failure = Failure::new(
                    Check::DpopTokenNotBound,
                    "a DPoP-bound access token",
                    "a Bearer token under the DPoP scheme",
                );
                return self.dpop_resource_error(USERINFO, Some(&access.client_id), &failure);
            }
            _ => {}
        }
        let user = &self.settings.test_user;
        let mut body = user.claims.clone();
        body.insert(claim::SUB.into(), Value::from(user.sub.clone()));
        self.record(
            "userinfo.served",
            PROTOCOL,
            USERINFO,
            Some(&access.client_id),
            "success",
        );
        let client = self.clients.get(&access.client_id).cloned();
        let mut response = match client {
            Some(client)
                if client.userinfo_signed_response_alg.is_some()
                    || client.userinfo_encrypted_response_alg.is_some() =>
            {
                self.userinfo_jwt(&client, body)
            }
            _ => json_response(200, &Value::Object(body)),
        };
        if proof_jkt.is_some() {
            self.attach_dpop_nonce(&mut response);
        }
        response
    }

    /// OIDC Core §5.3.2: with `userinfo_signed_response_alg` and/or
    /// `userinfo_encrypted_response_alg` registered (OIDC Registration §2), the claims come as
    /// a JWT (`application/jwt`) that "SHOULD contain the Claims iss (issuer) and aud
    /// (audience)": signed, signed then encrypted (a Nested JWT), or — encryption alone — the
    /// JSON claims encrypted directly.
    fn userinfo_jwt(&mut self, client: &ClientMetadata, mut claims: Map<String, Value>) -> Response {
        claims.insert(claim::ISS.into(), Value::from(self.settings.issuer.clone()));
        claims.insert(claim::AUD.into(), Value::from(client.client_id.clone()));
        let claims = Value::Object(claims);
        let jwt = self.output_recipient(client, Output::Userinfo).and_then(|recipient| {
            match (&client.userinfo_signed_response_alg, recipient) {
                (Some(alg), recipient) => {
                    let jwt = crypto::prepare_jwt(alg, &claims, client, self.signing_keys())
                        .map_err(|problem| signing_failure(alg, problem))?;
                    self.issue_nested_jwt(jwt, recipient, Output::Userinfo, USERINFO, &client.client_id)
                }
                (None, Some(recipient)) => self.encrypt_claims(&claims, recipient, USERINFO, &client.client_id),
                // Not called without one of the two members; plain JSON would be the answer.
                (None, None) => Ok(claims.to_string()),
            }
        });
        match jwt {
            Ok(jwt) => {
                let mut response = Response::new(200);
                response.headers.append("Content-Type", "application/jwt");
                response.headers.append("Cache-Control", "no-store");
                response.body = jwt.into_bytes();
                response
            }
            Err(failure) => self.error_json(USERINFO, Some(&client.client_id), &failure),
        }
    }
}

/// What a code, a refresh token or an approved device authorization carries into a token
/// response.
pub(super) struct Issued {
    pub scope: String,
    pub nonce: Option<String>,
    pub auth_time: i64,
    /// The grant the tokens belong to (revoking one revokes the grant's others).
    pub grant: String,
    /// The resources the grant covers (RFC 8707 §2.1).
    pub granted: Vec<String>,
    /// RFC 9449: the DPoP key the new tokens are bound to (the token request's proof).
    pub jkt: Option<String>,
}

/// RFC 9449 §5: `DPoP` for a token bound to a key, `Bearer` (RFC 6750 §4) otherwise.
fn token_type(jkt: Option<&str>) -> &'static str {
    if jkt.is_some() {
        dpop::SCHEME
    } else {
        "Bearer"
    }
}
