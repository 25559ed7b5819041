//! Token introspection (RFC 7662): an authenticated client asks whether a token is active and
//! what it stands for. Opaque tokens are only readable this way; JWT access tokens (RFC 9068)
//! are checked against the store too, so a revoked one reads as inactive.

use serde_json::{json, Map, Value};

use super::checks::{Check, Failure};
use super::events::PROTOCOL;
use super::resource::{audience, audience_claim};
use super::server::{
    duplicate_failure, duplicate_parameter, json_response, params_from_pairs, path, AuthorizationServer,
};
use super::settings::ClientMetadata;
use crate::http::{Request, Response};
use crate::protocol::{auth_method, claim, form_decode, param};

const INTROSPECTION: &str = "introspection";

impl AuthorizationServer {
    /// RFC 7662 §2.1: a form POST carrying `token` (and perhaps `token_type_hint`), with the
    /// client's authentication; §2.2: always 200 once the caller is authorized.
    pub(super) fn introspection_endpoint(&mut self, request: &Request) -> Response {
        let pairs = form_decode(&request.body);
        let duplicate = duplicate_parameter(&pairs);
        let form = params_from_pairs(pairs);
        let url = self.endpoint(path::INTROSPECTION);
        let client = match self.authenticate_client(request, &form, &url) {
            Ok(client) => client,
            Err(failure) => {
                let id = form.get(param::CLIENT_ID).cloned();
                return self.error_json(INTROSPECTION, id.as_deref(), &failure);
            }
        };
        // RFC 7662 §2.1: "the endpoint MUST also require some form of authorization to access
        // this endpoint"; a public client proves nothing.
        if client.token_endpoint_auth_method == auth_method::NONE {
            let failure = Failure::new(
                Check::IntrospectionPublicClient,
                "a client that authenticates",
                "token_endpoint_auth_method none",
            );
            return self.error_json(INTROSPECTION, Some(&client.client_id), &failure);
        }
        if let Some(name) = duplicate {
            return self.error_json(INTROSPECTION, Some(&client.client_id), &duplicate_failure(name));
        }
        let Some(token) = form.get(param::TOKEN).filter(|t| !t.is_empty()) else {
            let failure = Failure::new(Check::IntrospectionTokenMissing, "a token parameter", "(absent)");
            return self.error_json(INTROSPECTION, Some(&client.client_id), &failure);
        };
        let answer = self.introspect(&client, token);
        match &answer {
            Ok(body) => {
                self.detail("active", "true");
                if let Some(kind) = body.get("token_type").and_then(Value::as_str) {
                    self.detail("token_type", kind);
                }
            }
            Err(why) => {
                self.detail("active", "false");
                self.detail("reason", why);
            }
        }
        self.record(
            "introspection.answered",
            PROTOCOL,
            INTROSPECTION,
            Some(&client.client_id),
            "success",
        );
        // RFC 7662 §2.2: "If the introspection call is properly authorized but the token is
        // not active, does not exist on this server, or the protected resource is not allowed
        // to introspect this particular token, then the authorization server MUST return an
        // introspection response with the "active" field set to "false"" — and nothing else,
        // so an inactive answer tells the caller nothing about a token it may not see.
        json_response(200, &answer.unwrap_or_else(|_| json!({ "active": false })))
    }

    /// The active token's members (RFC 7662 §2.2), or why it is not active. The hint is not
    /// needed: §2.1 has the server search every type it supports when the hint misses, and
    /// access tokens and refresh tokens cannot be mistaken for each other here.
    fn introspect(&self, client: &ClientMetadata, token: &str) -> Result<Value, &'static str> {
        let now = self.clock.now();
        let mut body = Map::new();
        body.insert("active".into(), Value::from(true));
        let (owner, scope, exp, iat, sub, aud) =
            if let Some(t) = self.access_tokens.get(&self.access_token_handle(token)) {
                // An access token may also be introspected by the resource it is for: a client
                // whose client_id is one of its audiences (RFC 7662 §1's protected resource).
                if t.client_id != client.client_id && !t.aud.contains(&client.client_id) {
                    return Err("issued to another client");
                }
                // RFC 9449 §6.2: a DPoP-bound token is introspected with its key confirmation.
                match &t.jkt {
                    Some(jkt) => {
                        body.insert("token_type".into(), Value::from(crate::protocol::dpop::SCHEME));
                        body.insert(crate::protocol::dpop::CNF.into(), super::dpop::confirmation(jkt));
                    }
                    None => {
                        body.insert("token_type".into(), Value::from("Bearer"));
                    }
                }
                if let Some(jti) = &t.jti {
                    body.insert(claim::JTI.into(), Value::from(jti.clone()));
                }
                (
                    &t.client_id,
                    &t.scope,
                    t.expires_at,
                    t.issued_at,
                    t.sub.clone(),
                    t.aud.clone(),
                )
            } else if let Some(t) = self.refresh_tokens.get(token) {
                if t.client_id != client.client_id {
                    return Err("issued to another client");
                }
                let sub = self.settings.test_user.sub.clone();
                (
                    &t.client_id,
                    &t.scope,
                    t.expires_at,
                    t.issued_at,
                    sub,
                    audience(&self.settings, &t.resources),
                )
            } else {
                return Err("unknown, revoked or forgotten");
            };
        if exp < now {
            return Err("expired");
        }
        if !scope.is_empty() {
            body.insert(claim::SCOPE.into(), Value::from(scope.clone()));
        }
        body.insert(claim::CLIENT_ID.into(), Value::from(owner.clone()));
        body.insert(claim::EXP.into(), Value::from(exp));
        body.insert(claim::IAT.into(), Value::from(iat));
        body.insert(claim::SUB.into(), Value::from(sub));
        body.insert(claim::AUD.into(), audience_claim(&aud));
        body.insert(claim::ISS.into(), Value::from(self.settings.issuer.clone()));
        Ok(Value::Object(body))
    }
}
