//! Token revocation (RFC 7009): an authenticated client withdraws one of its tokens.

use super::checks::{Check, Failure};
use super::events::PROTOCOL;
use super::server::{duplicate_failure, duplicate_parameter, params_from_pairs, path, AuthorizationServer};
use crate::http::{Request, Response};
use crate::protocol::{form_decode, param, token_type_hint};

const REVOCATION: &str = "revocation";

impl AuthorizationServer {
    /// RFC 7009 §2.1: a form POST with `token` and perhaps `token_type_hint`, authenticated as
    /// at the token endpoint (a public client identifies itself by `client_id`, §5).
    pub(super) fn revocation_endpoint(&mut self, request: &Request) -> Response {
        let pairs = form_decode(&request.body);
        let duplicate = duplicate_parameter(&pairs);
        let form = params_from_pairs(pairs);
        let url = self.endpoint(path::REVOCATION);
        let client = match self.authenticate_client(request, &form, &url) {
            Ok(client) => client,
            Err(failure) => {
                let id = form.get(param::CLIENT_ID).cloned();
                return self.error_json(REVOCATION, id.as_deref(), &failure);
            }
        };
        if let Some(name) = duplicate {
            return self.error_json(REVOCATION, Some(&client.client_id), &duplicate_failure(name));
        }
        let Some(token) = form.get(param::TOKEN).filter(|t| !t.is_empty()).cloned() else {
            let failure = Failure::new(Check::RevocationTokenMissing, "a token parameter", "(absent)");
            return self.error_json(REVOCATION, Some(&client.client_id), &failure);
        };
        // RFC 7009 §2.2.1: unsupported_token_type when "the authorization server does not
        // support the revocation of the presented token type"; the hint names a type, and
        // this server revokes the two it issues.
        if let Some(hint) = form.get(param::TOKEN_TYPE_HINT) {
            if hint != token_type_hint::ACCESS_TOKEN && hint != token_type_hint::REFRESH_TOKEN {
                let failure = Failure::new(
                    Check::RevocationUnsupportedTokenType,
                    "token_type_hint access_token or refresh_token",
                    hint.clone(),
                );
                return self.error_json(REVOCATION, Some(&client.client_id), &failure);
            }
        }
        let handle = self.access_token_handle(&token);
        let revoked = if let Some(owner) = self.access_tokens.get(&handle).map(|t| t.client_id.clone()) {
            if owner != client.client_id {
                return self.other_client(&client.client_id, owner);
            }
            // §2.1: for an access token the server "MAY revoke the respective refresh token as
            // well"; this one does not, so the client can still refresh.
            self.access_tokens.remove(&handle);
            "access_token".to_string()
        } else if let Some(found) = self
            .refresh_tokens
            .get(&token)
            .map(|t| (t.client_id.clone(), t.grant.clone()))
        {
            let (owner, grant) = found;
            if owner != client.client_id {
                return self.other_client(&client.client_id, owner);
            }
            // §2.1: "If the particular token is a refresh token and the authorization server
            // supports the revocation of access tokens, then the authorization server SHOULD
            // also invalidate all access tokens based on the same authorization grant" — done.
            self.refresh_tokens.remove(&token);
            let before = self.access_tokens.len();
            self.access_tokens.retain(|t| t.grant != grant);
            format!(
                "refresh_token and {} access token(s) of its grant",
                before - self.access_tokens.len()
            )
        } else {
            // §2.2: "invalid tokens do not cause an error response since the client cannot
            // handle such an error in a reasonable way"; the purpose is already achieved.
            "nothing (unknown, expired or already revoked)".to_string()
        };
        self.detail("revoked", revoked);
        self.record(
            "token.revoked",
            PROTOCOL,
            REVOCATION,
            Some(&client.client_id),
            "success",
        );
        // §2.2: "The content of the response body is ignored by the client".
        let mut response = Response::new(200);
        response.headers.append("Cache-Control", "no-store");
        response
    }

    /// §2.1: the server "verifies whether the token was issued to the client making the
    /// revocation request. If this validation fails, the request is refused".
    fn other_client(&mut self, client_id: &str, owner: String) -> Response {
        let failure = Failure::new(Check::RevocationOtherClient, owner, client_id);
        self.error_json(REVOCATION, Some(client_id), &failure)
    }
}
