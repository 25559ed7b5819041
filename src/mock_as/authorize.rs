//! The authorize endpoint and the authorization-parameter checks it shares with PAR.

use super::checks::{Check, Failure};
use super::response::ResponseTarget;
use super::server::{
    duplicate_failure, duplicate_parameter, html_escape, params_from_pairs, plain, AuthorizationServer, Params,
};
use super::settings::{ClientMetadata, ErrorFormat, JarMode, JarmMode, ParMode};
use crate::http::{Method, Request, Response};
use crate::protocol::{
    param, pkce_method, response_mode as mode, response_type as rt, UrlParts, PAR_REQUEST_URI_PREFIX,
};

const ENDPOINT: &str = "authorize";

/// An authorization request that passed every check.
#[derive(Clone, Debug)]
pub(super) struct ValidatedRequest {
    pub target: ResponseTarget,
    pub response_type: String,
    pub nonce: Option<String>,
    pub scope: String,
    pub code_challenge: Option<(String, String)>,
    /// RFC 8707 §2.1: the resources the tokens of this grant may be for.
    pub resources: Vec<String>,
    /// RFC 9449 §10: the DPoP key thumbprint the code will be bound to.
    pub dpop_jkt: Option<String>,
}

/// A validated authorization request waiting for the user's decision on the consent page.
#[derive(Clone, Debug)]
pub(super) struct PendingConsent {
    client_id: String,
    request: ValidatedRequest,
    expires_at: i64,
    /// Arrival order: pages shown within the same second (or under reproducible mode's fixed
    /// clock) expire together, and the oldest must still be the one to give way.
    seq: u64,
}

/// How long a consent page stays answerable, and how many may wait at once.
const CONSENT_LIFETIME: i64 = 600;
const MAX_PENDING_CONSENTS: usize = 64;
const CONSENT_ENDPOINT: &str = "consent";

/// Space-separated response type values in a canonical order, so `id_token code` equals
/// `code id_token` (RFC 6749 §3.1.1: order does not matter).
fn canonical_response_type(value: &str) -> String {
    let mut parts: Vec<&str> = value.split(' ').filter(|s| !s.is_empty()).collect();
    parts.sort_by_key(|p| match *p {
        "code" => 0,
        "id_token" => 1,
        "token" => 2,
        _ => 3,
    });
    parts.join(" ")
}

fn has(response_type: &str, part: &str) -> bool {
    response_type.split(' ').any(|p| p == part)
}

/// Resolves the response mode: explicit, or the response type's default; `jwt` becomes
/// `query.jwt` for `code` and `fragment.jwt` otherwise (JARM §2.3.4).
fn resolve_mode(response_type: &str, requested: Option<&str>) -> Result<&'static str, String> {
    let code_only = response_type == rt::CODE;
    let chosen = match requested {
        None => {
            if code_only {
                mode::QUERY
            } else {
                mode::FRAGMENT
            }
        }
        Some(mode::JWT) => {
            if code_only {
                mode::QUERY_JWT
            } else {
                mode::FRAGMENT_JWT
            }
        }
        Some(other) => match mode::PLAIN.iter().chain(mode::JARM.iter()).find(|m| **m == other) {
            Some(m) => m,
            None => return Err(format!("unknown response_mode \"{other}\"")),
        },
    };
    // OAuth Multiple Response Types §5: tokens never travel in the query. JARM §2.3.1 would
    // allow `query.jwt` for them if the JWT were encrypted; this server does not encrypt its
    // JARM responses, so it refuses that combination too.
    if !code_only && (chosen == mode::QUERY || chosen == mode::QUERY_JWT) {
        return Err(format!("{chosen} cannot carry a \"{response_type}\" response"));
    }
    Ok(chosen)
}

impl AuthorizationServer {
    pub(super) fn authorization_endpoint(&mut self, request: &Request, url: &UrlParts<'_>) -> Response {
        let pairs = match request.method {
            Method::Get => url.query_pairs(),
            // OIDC Core §3.1.2.1: authorize also accepts a form POST.
            Method::Post => crate::protocol::form_decode(&request.body),
        };
        let duplicate = duplicate_parameter(&pairs);
        let outer = params_from_pairs(pairs);
        let client = match outer.get(param::CLIENT_ID).and_then(|id| self.clients.get(id)) {
            Some(client) => client.clone(),
            None => {
                let failure = Failure::new(
                    Check::ClientUnknown,
                    "a registered client_id",
                    outer.get(param::CLIENT_ID).map_or("(absent)", String::as_str),
                );
                return self.error_page(ENDPOINT, None, &failure);
            }
        };
        let fallback = self.fallback_target(&client, &outer);
        if let Some(name) = duplicate {
            return self.authorize_error(&client, fallback, &duplicate_failure(name));
        }
        let params = match self.resolve_authorization_request(&client, &outer) {
            Ok(params) => params,
            Err(failure) => return self.authorize_error(&client, fallback, &failure),
        };
        match self.validate_authorization_params(&client, &params) {
            Ok(validated) if self.settings.consent_step => self.consent_page(&client, validated),
            Ok(validated) => self.issue_authorization_response(&client, &validated),
            Err((failure, target)) => self.authorize_error(&client, target, &failure),
        }
    }

    /// The consent page: the validated request waits under a single-use ticket while the
    /// user decides. The page names the client, the scope and where the answer goes.
    fn consent_page(&mut self, client: &ClientMetadata, request: ValidatedRequest) -> Response {
        let now = self.clock.now();
        self.consents.retain(|_, pending| pending.expires_at > now);
        if self.consents.len() >= MAX_PENDING_CONSENTS {
            // Bounded: the oldest waiting request gives way.
            if let Some(oldest) = self
                .consents
                .iter()
                .min_by_key(|(_, p)| (p.expires_at, p.seq))
                .map(|(t, _)| t.clone())
            {
                self.consents.remove(&oldest);
            }
        }
        let seq = self.consents.values().map(|p| p.seq + 1).max().unwrap_or(0);
        let ticket = self.random_token(16);
        let action = self.endpoint(super::server::path::CONSENT);
        let page = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Consent</title></head><body>\
             <h1>Allow access?</h1><p id=\"consent\" data-client=\"{client}\" data-scope=\"{scope}\">\
             <strong>{shown}</strong> asks for <code>{scope}</code>; the answer goes to {redirect}.</p>\
             <form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"ticket\" value=\"{ticket}\">\
             <button name=\"decision\" value=\"approve\">Approve</button> \
             <button name=\"decision\" value=\"deny\">Deny</button></form></body></html>",
            client = html_escape(&client.client_id),
            // RFC 7591 §2 client_name: "Human-readable string name of the client to be
            // presented to the end-user during authorization".
            shown = html_escape(&match &client.client_name {
                Some(name) => format!("{name} ({})", client.client_id),
                None => client.client_id.clone(),
            }),
            scope = html_escape(&request.scope),
            redirect = html_escape(&request.target.redirect_uri),
            action = html_escape(&action),
            ticket = html_escape(&ticket),
        );
        self.consents.insert(
            ticket,
            PendingConsent {
                client_id: client.client_id.clone(),
                request,
                expires_at: now.saturating_add(CONSENT_LIFETIME),
                seq,
            },
        );
        self.record(
            "consent.requested",
            super::events::PROTOCOL,
            ENDPOINT,
            Some(&client.client_id),
            "pending",
        );
        plain(200, "text/html; charset=utf-8", &page)
    }

    /// The user's decision: `approve` answers the waiting request as if there had been no
    /// page; anything else is `access_denied` at the client's redirect URI.
    pub(super) fn consent_decision(&mut self, request: &Request) -> Response {
        let form = params_from_pairs(crate::protocol::form_decode(&request.body));
        let now = self.clock.now();
        let ticket = form.get("ticket").cloned().unwrap_or_default();
        let pending = self.consents.remove(&ticket).filter(|p| p.expires_at > now);
        let Some(pending) = pending else {
            let failure = Failure::new(Check::ConsentTicketUnknown, "a pending consent ticket", "none");
            return self.error_page(CONSENT_ENDPOINT, None, &failure);
        };
        let Some(client) = self.clients.get(&pending.client_id).cloned() else {
            let failure = Failure::new(
                Check::ClientUnknown,
                "a registered client_id",
                pending.client_id.as_str(),
            );
            return self.error_page(CONSENT_ENDPOINT, None, &failure);
        };
        match form.get("decision").map(String::as_str) {
            Some("approve") => self.issue_authorization_response(&client, &pending.request),
            other => {
                let failure = Failure::new(Check::ConsentDenied, "decision=approve", other.unwrap_or("(none)"));
                self.authorize_error(&client, Some(pending.request.target), &failure)
            }
        }
    }

    /// Where errors go before the request object is trusted: the query's `redirect_uri` if
    /// registered, else the client's only registered one, else nowhere (an error page).
    fn fallback_target(&self, client: &ClientMetadata, outer: &Params) -> Option<ResponseTarget> {
        // A request object's own redirect_uri/state/mode count here even before it verifies:
        // the URI must still be registered, so this can never become an open redirector.
        let mut outer = outer.clone();
        if let Some(decoded) = outer
            .get(param::REQUEST)
            .and_then(|jws| crate::mock_as::crypto::decode_unverified(jws).ok())
        {
            for name in [
                param::REDIRECT_URI,
                param::STATE,
                param::RESPONSE_TYPE,
                param::RESPONSE_MODE,
            ] {
                if let Some(serde_json::Value::String(value)) = decoded.claims.get(name) {
                    outer.entry(name.to_string()).or_insert_with(|| value.clone());
                }
            }
        }
        let outer = &outer;
        let redirect_uri = match outer.get(param::REDIRECT_URI) {
            Some(uri) if client.redirect_uris.contains(uri) => uri.clone(),
            Some(_) => return None,
            None if client.redirect_uris.len() == 1 => client.redirect_uris.first()?.clone(),
            None => return None,
        };
        let response_type = canonical_response_type(outer.get(param::RESPONSE_TYPE).map_or(rt::CODE, String::as_str));
        let requested = outer.get(param::RESPONSE_MODE).map(String::as_str);
        let mode = resolve_mode(&response_type, requested)
            .or_else(|_| resolve_mode(&response_type, None))
            .unwrap_or(mode::QUERY);
        Some(ResponseTarget {
            redirect_uri,
            mode,
            state: outer.get(param::STATE).cloned(),
        })
    }

    /// Resolves `request_uri` / `request` into the parameters to use (checks in table order).
    fn resolve_authorization_request(&mut self, client: &ClientMetadata, outer: &Params) -> Result<Params, Failure> {
        let request = outer.get(param::REQUEST);
        let request_uri = outer.get(param::REQUEST_URI);
        if request.is_some() && request_uri.is_some() {
            return Err(Failure::new(
                Check::RequestAndRequestUri,
                "request or request_uri",
                "both",
            ));
        }
        if let Some(uri) = request_uri {
            return self.redeem_request_uri(client, uri);
        }
        let par_required = self.settings.par_mode == ParMode::Required
            || client.par_mode == ParMode::Required
            || client.require_pushed_authorization_requests;
        if par_required {
            return Err(Failure::new(
                Check::ParRequired,
                "a request_uri from the PAR endpoint",
                "a direct request",
            ));
        }
        self.resolve_request_parameter(client, outer, false)
    }

    /// The `request` parameter, or its absence, at PAR (`via_par`) or authorize.
    pub(super) fn resolve_request_parameter(
        &mut self,
        client: &ClientMetadata,
        outer: &Params,
        via_par: bool,
    ) -> Result<Params, Failure> {
        match outer.get(param::REQUEST) {
            Some(jws) => {
                if client.jar_mode == JarMode::Disabled || !self.settings.request_parameter_supported {
                    return Err(Failure::new(
                        Check::JarNotSupported,
                        "no request parameter",
                        "a request object",
                    ));
                }
                if self.settings.jar_only_via_par && !via_par {
                    return Err(Failure::new(
                        Check::JarByValueNotAllowed,
                        "the request object inside a PAR body",
                        "by value",
                    ));
                }
                let jws = jws.clone();
                self.validate_request_object(client, &jws, outer, via_par)
            }
            None if self.request_object_required(client) => Err(Failure::new(
                Check::JarRequestRequired,
                "a request parameter",
                "(absent)",
            )),
            None => Ok(outer.clone()),
        }
    }

    fn redeem_request_uri(&mut self, client: &ClientMetadata, uri: &str) -> Result<Params, Failure> {
        let now = self.clock.now();
        let Some(pushed) = (uri.starts_with(PAR_REQUEST_URI_PREFIX))
            .then_some(())
            .and(self.pushed.get_mut(uri))
        else {
            return Err(Failure::new(
                Check::ParRequestUriUnknown,
                "a request_uri issued by the PAR endpoint",
                uri,
            ));
        };
        if pushed.expires_at < now {
            return Err(Failure::new(
                Check::ParRequestUriExpired,
                format!("use before {}", pushed.expires_at),
                format!("now {now}"),
            ));
        }
        if pushed.used {
            return Err(Failure::new(
                Check::ParRequestUriUsed,
                "a request_uri not used before",
                "used",
            ));
        }
        if pushed.client_id != client.client_id {
            return Err(Failure::new(
                Check::ParRequestUriOtherClient,
                pushed.client_id.clone(),
                client.client_id.clone(),
            ));
        }
        // RFC 9126 §4: one-time use, whatever happens next.
        pushed.used = true;
        let (alg, params) = (pushed.request_object_alg.clone(), pushed.params.clone());
        if let Some(alg) = alg {
            self.detail("alg", alg);
        }
        Ok(params)
    }

    /// The checks on the (merged) authorization parameters, in table order. The target comes
    /// back with the failure once the redirect URI is known good.
    pub(super) fn validate_authorization_params(
        &self,
        client: &ClientMetadata,
        params: &Params,
    ) -> Result<ValidatedRequest, (Failure, Option<ResponseTarget>)> {
        // RFC 6749 §3.1.2.3: exact match against a registered URI; may be omitted only when
        // exactly one is registered.
        let redirect_uri = match params.get(param::REDIRECT_URI) {
            Some(uri) if client.redirect_uris.contains(uri) => uri.clone(),
            None if client.redirect_uris.len() == 1 => client.redirect_uris.first().cloned().unwrap_or_default(),
            other => {
                let failure = Failure::new(
                    Check::AuthorizeRedirectUriNotRegistered,
                    format!("one of [{}]", client.redirect_uris.join(", ")),
                    other.map_or("(absent)", String::as_str),
                );
                return Err((failure, None));
            }
        };
        let state = params.get(param::STATE).cloned();
        let raw_type = params.get(param::RESPONSE_TYPE).map(|t| canonical_response_type(t));
        let requested_mode = params.get(param::RESPONSE_MODE).map(String::as_str);
        let best_mode = resolve_mode(raw_type.as_deref().unwrap_or(rt::CODE), requested_mode)
            .or_else(|_| resolve_mode(raw_type.as_deref().unwrap_or(rt::CODE), None))
            .unwrap_or(mode::QUERY);
        let target = ResponseTarget {
            redirect_uri,
            mode: best_mode,
            state,
        };
        let fail = |failure: Failure| Err((failure, Some(target.clone())));
        let Some(response_type) = raw_type else {
            return fail(Failure::new(
                Check::AuthorizeResponseTypeMissing,
                "a response_type",
                "(absent)",
            ));
        };
        if !rt::ALL.contains(&response_type.as_str()) {
            return fail(Failure::new(
                Check::AuthorizeUnsupportedResponseType,
                format!("one of [{}]", rt::ALL.join(", ")),
                response_type,
            ));
        }
        if !client
            .response_types
            .iter()
            .any(|t| canonical_response_type(t) == response_type)
        {
            return fail(Failure::new(
                Check::AuthorizeResponseTypeNotRegistered,
                format!("one of [{}]", client.response_types.join(", ")),
                response_type,
            ));
        }
        let mode = match resolve_mode(&response_type, requested_mode) {
            Ok(mode) => mode,
            Err(why) => {
                return fail(Failure::new(
                    Check::AuthorizeUnsupportedResponseMode,
                    "a supported response_mode",
                    why,
                ))
            }
        };
        let jarm = mode::JARM.contains(&mode);
        if jarm && (!self.settings.jarm_enabled || client.jarm_mode == JarmMode::Disabled) {
            return fail(Failure::new(
                Check::AuthorizeUnsupportedResponseMode,
                "query, fragment or form_post (JARM is disabled)",
                mode,
            ));
        }
        if !jarm && client.jarm_mode == JarmMode::Required {
            return fail(Failure::new(Check::JarmRequired, "a jwt response mode", mode));
        }
        let scope = params.get(param::SCOPE).cloned().unwrap_or_default();
        let wants_id_token = has(&response_type, rt::ID_TOKEN);
        if wants_id_token && !scope.split(' ').any(|s| s == "openid") {
            return fail(Failure::new(
                Check::AuthorizeOpenidScopeMissing,
                "scope with openid",
                scope,
            ));
        }
        // RFC 7591 §2 scope: the scope values the client registered "can use when requesting
        // access tokens"; anything else is invalid_scope (RFC 6749 §4.1.2.1).
        if let Some(registered) = &client.scope {
            let allowed: Vec<&str> = registered.split(' ').collect();
            let outside: Vec<&str> = scope
                .split(' ')
                .filter(|s| !s.is_empty() && !allowed.contains(s))
                .collect();
            if !outside.is_empty() {
                return fail(Failure::new(
                    Check::AuthorizeScopeNotRegistered,
                    format!("scope within the registered \"{registered}\""),
                    outside.join(" "),
                ));
            }
        }
        let nonce = params.get(param::NONCE).cloned();
        // OIDC Core §3.2.2.1 (implicit) and §3.3.2.11 (hybrid, `code token` included: its ID
        // token comes from the token endpoint but must still carry the nonce).
        let openid = scope.split(' ').any(|s| s == "openid");
        let hybrid_code_token = openid && has(&response_type, rt::CODE) && has(&response_type, rt::TOKEN);
        if (wants_id_token || hybrid_code_token) && nonce.is_none() {
            return fail(Failure::new(Check::AuthorizeNonceMissing, "a nonce", "(absent)"));
        }
        let mut code_challenge = None;
        if has(&response_type, rt::CODE) {
            match params.get(param::CODE_CHALLENGE) {
                None if self.settings.pkce_required => {
                    return fail(Failure::new(
                        Check::AuthorizePkceMissing,
                        "a code_challenge",
                        "(absent)",
                    ));
                }
                None => {}
                Some(challenge) => {
                    // RFC 7636 §4.3: the method defaults to plain.
                    let method = params
                        .get(param::CODE_CHALLENGE_METHOD)
                        .map_or(pkce_method::PLAIN, String::as_str);
                    let ok = method == pkce_method::S256
                        || (method == pkce_method::PLAIN && self.settings.pkce_plain_allowed);
                    if !ok {
                        return fail(Failure::new(
                            Check::AuthorizePkceMethodUnsupported,
                            if self.settings.pkce_plain_allowed {
                                "S256 or plain"
                            } else {
                                "S256"
                            },
                            method,
                        ));
                    }
                    code_challenge = Some((challenge.clone(), method.to_string()));
                }
            }
        }
        let resources = match super::resource::check_resources(&self.settings, params.get(param::RESOURCE), None) {
            Ok(resources) => resources,
            Err(failure) => return fail(failure),
        };
        // RFC 9449 §10: dpop_jkt binds the code to a key; it must be a SHA-256 thumbprint.
        let dpop_jkt = params.get(param::DPOP_JKT).cloned();
        if let Some(jkt) = dpop_jkt.as_deref().filter(|j| !super::dpop::is_thumbprint(j)) {
            return fail(Failure::new(
                Check::DpopJktInvalid,
                "43 base64url characters (RFC 7638 SHA-256 thumbprint)",
                jkt,
            ));
        }
        Ok(ValidatedRequest {
            target: ResponseTarget { mode, ..target },
            response_type,
            nonce,
            scope,
            code_challenge,
            resources,
            dpop_jkt,
        })
    }

    /// An error after the client is known: redirected when there is a trusted target, an
    /// error page otherwise. PingOne answers a missing required request object with its JSON
    /// envelope (the documented case).
    fn authorize_error(
        &mut self,
        client: &ClientMetadata,
        target: Option<ResponseTarget>,
        failure: &Failure,
    ) -> Response {
        if self.settings.error_format == ErrorFormat::PingOne && failure.check == Check::JarRequestRequired {
            return self.error_json(ENDPOINT, Some(&client.client_id), failure);
        }
        let Some(target) = target else {
            return self.error_page(ENDPOINT, Some(&client.client_id), failure);
        };
        self.record_failure(ENDPOINT, Some(&client.client_id), failure);
        let info = failure.info();
        let pairs = vec![
            (param::ERROR.to_string(), info.error.to_string()),
            (param::ERROR_DESCRIPTION.to_string(), failure.error_description()),
        ];
        self.render_authorization_response(client, &target, pairs)
    }

    fn issue_authorization_response(&mut self, client: &ClientMetadata, request: &ValidatedRequest) -> Response {
        match self.issue_authorization_values(client, request) {
            Ok(pairs) => {
                self.detail("response_type", &request.response_type);
                self.detail("response_mode", request.target.mode);
                self.record(
                    "authorization.issued",
                    super::events::PROTOCOL,
                    ENDPOINT,
                    Some(&client.client_id),
                    "success",
                );
                self.render_authorization_response(client, &request.target, pairs)
            }
            Err(failure) => self.error_page(ENDPOINT, Some(&client.client_id), &failure),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_mode_follows_the_response_type() {
        assert_eq!(resolve_mode("code", Some("jwt")), Ok("query.jwt"));
        assert_eq!(resolve_mode("code id_token token", Some("jwt")), Ok("fragment.jwt"));
        assert_eq!(resolve_mode("id_token", None), Ok("fragment"));
        assert!(resolve_mode("code token", Some("query")).is_err());
        assert!(resolve_mode("code", Some("bogus")).is_err());
    }

    #[test]
    fn response_type_order_does_not_matter() {
        assert_eq!(canonical_response_type("token id_token  code"), "code id_token token");
    }
}
