//! Issuing codes and tokens: the authorize endpoint's response values, the token endpoint
//! (`authorization_code` with PKCE, `refresh_token`) and userinfo.

use serde_json::{json, Map, Value};

use super::authorize::ValidatedRequest;
use super::checks::{Check, Failure};
use super::crypto;
use super::events::PROTOCOL;
use super::response::signing_failure;
use super::server::{
    duplicate_failure, duplicate_parameter, json_response, params_from_pairs, AuthorizationServer, Params,
};
use super::settings::ClientMetadata;
use super::tokens::{AccessToken, AuthorizationCode, RefreshToken};
use crate::http::{Method, Request, Response};
use crate::protocol::{claim, form_decode, grant_type, param, pkce_method};

const TOKEN: &str = "token";
const USERINFO: &str = "userinfo";

impl AuthorizationServer {
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
                    expires_at: now.saturating_add(client.code_lifetime),
                    used: false,
                    issued: Vec::new(),
                },
            );
            pairs.push((param::CODE.to_string(), code.clone()));
            Some(code)
        } else {
            None
        };
        let access_token = if parts.contains(&"token") {
            let token = self.issue_access_token(client, &request.scope);
            pairs.push((param::ACCESS_TOKEN.into(), token.clone()));
            pairs.push((param::TOKEN_TYPE.into(), "Bearer".into()));
            pairs.push((param::EXPIRES_IN.into(), client.access_token_lifetime.to_string()));
            Some(token)
        } else {
            None
        };
        if parts.contains(&"id_token") {
            let id_token = self.issue_id_token(
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
        self.access_tokens
            .retain(|_, t| t.expires_at.saturating_add(300) >= now);
        self.refresh_tokens.retain(|_, t| t.expires_at >= now);
    }

    fn issue_access_token(&mut self, client: &ClientMetadata, scope: &str) -> String {
        let token = self.random_token(32);
        let expires_at = self.clock.now().saturating_add(client.access_token_lifetime);
        self.access_tokens.insert(
            token.clone(),
            AccessToken {
                client_id: client.client_id.clone(),
                scope: scope.to_string(),
                expires_at,
            },
        );
        token
    }

    /// OIDC Core §2 ID token; `c_hash` / `at_hash` whenever a code / access token is issued
    /// alongside (REQUIRED by §3.3.2.11 for hybrid, §3.2.2.10 for implicit).
    fn issue_id_token(
        &mut self,
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
            claims.insert(claim::AT_HASH.into(), Value::from(crypto::half_hash(&alg, token)));
        }
        crypto::prepare_jwt(&alg, &Value::Object(claims), client, self.signing_keys())
            .and_then(|jwt| self.issue_jwt(jwt))
            .map_err(|p| signing_failure(&alg, p))
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
        let (form, client) = match self.authenticated_form(request, TOKEN, super::server::path::TOKEN) {
            Ok(authenticated) => authenticated,
            Err(refusal) => return refusal,
        };
        let result = match form.get(param::GRANT_TYPE).map(String::as_str) {
            Some(grant_type::AUTHORIZATION_CODE) => self.authorization_code_grant(&client, &form),
            Some(grant_type::REFRESH_TOKEN) => self.refresh_token_grant(&client, &form),
            Some(grant_type::DEVICE_CODE) => self.device_code_grant(&client, &form),
            other => Err(Failure::new(
                Check::TokenUnsupportedGrantType,
                "authorization_code, refresh_token or urn:ietf:params:oauth:grant-type:device_code",
                other.unwrap_or("(absent)"),
            )),
        };
        match result {
            Ok(body) => {
                self.record("token.issued", PROTOCOL, TOKEN, Some(&client.client_id), "success");
                json_response(200, &body)
            }
            Err(failure) => self.error_json(TOKEN, Some(&client.client_id), &failure),
        }
    }

    fn authorization_code_grant(
        &mut self,
        client: &ClientMetadata,
        form: &super::server::Params,
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
            let issued = std::mem::take(&mut code.issued);
            for token in issued {
                self.access_tokens.remove(&token);
                self.refresh_tokens.remove(&token);
            }
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
        code.used = true;
        let (scope, nonce, auth_time) = (code.scope.clone(), code.nonce.clone(), code.auth_time);
        let code_value = code_value.clone();
        let body = self.token_response(client, &scope, nonce.as_deref(), auth_time)?;
        if let Some(code) = self.codes.get_mut(&code_value) {
            for name in [param::ACCESS_TOKEN, param::REFRESH_TOKEN] {
                if let Some(token) = body.get(name).and_then(Value::as_str) {
                    code.issued.push(token.to_string());
                }
            }
        }
        Ok(body)
    }

    fn refresh_token_grant(&mut self, client: &ClientMetadata, form: &super::server::Params) -> Result<Value, Failure> {
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
        // Rotation: the old refresh token is spent.
        self.refresh_tokens.remove(&presented);
        self.token_response(client, &token.scope, token.nonce.as_deref(), token.auth_time)
    }

    /// RFC 6749 §5.1 (and OIDC Core §3.1.3.3 with `id_token` when `openid` was asked for).
    pub(super) fn token_response(
        &mut self,
        client: &ClientMetadata,
        scope: &str,
        nonce: Option<&str>,
        auth_time: i64,
    ) -> Result<Value, Failure> {
        let now = self.clock.now();
        let access_token = self.issue_access_token(client, scope);
        let refresh = self.random_token(32);
        self.refresh_tokens.insert(
            refresh.clone(),
            RefreshToken {
                client_id: client.client_id.clone(),
                scope: scope.to_string(),
                nonce: nonce.map(str::to_string),
                auth_time,
                expires_at: now.saturating_add(client.refresh_token_lifetime),
            },
        );
        let mut body = json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": client.access_token_lifetime,
            "refresh_token": refresh,
            "scope": scope,
        });
        if scope.split(' ').any(|s| s == "openid") {
            let id_token = self.issue_id_token(client, nonce, auth_time, None, Some(&access_token))?;
            if let Value::Object(map) = &mut body {
                map.insert("id_token".into(), Value::from(id_token));
            }
        }
        Ok(body)
    }

    /// OIDC Core §5.3 userinfo with a Bearer token (RFC 6750 §2.1 header, or §2.2 form body).
    pub(super) fn userinfo_endpoint(&mut self, request: &Request) -> Response {
        let now = self.clock.now();
        let from_header = request
            .headers
            .get("Authorization")
            .and_then(|h| h.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Bearer"))
            .map(|(_, token)| token.trim().to_string());
        let from_body = if request.method == Method::Post {
            params_from_pairs(form_decode(&request.body)).remove(param::ACCESS_TOKEN)
        } else {
            None
        };
        let Some(token) = from_header.or(from_body) else {
            let failure = Failure::new(Check::UserinfoTokenMissing, "Authorization: Bearer <token>", "(absent)");
            return self.error_json(USERINFO, None, &failure);
        };
        let Some(access) = self.access_tokens.get(&token).cloned() else {
            let failure = Failure::new(
                Check::UserinfoTokenInvalid,
                "an access token issued by this server",
                "unknown token",
            );
            return self.error_json(USERINFO, None, &failure);
        };
        if access.expires_at < now {
            let failure = Failure::new(
                Check::UserinfoTokenExpired,
                format!("used before {}", access.expires_at),
                format!("now {now}"),
            );
            return self.error_json(USERINFO, Some(&access.client_id), &failure);
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
        json_response(200, &Value::Object(body))
    }
}
