//! The pushed authorization request endpoint (RFC 9126 §2).

use serde_json::json;

use super::checks::{Check, Failure};
use super::events::PROTOCOL;
use super::server::{
    duplicate_failure, duplicate_parameter, json_response, params_from_pairs, path, AuthorizationServer,
};
use super::settings::ParMode;
use super::tokens::PushedRequest;
use crate::http::{Method, Request, Response};
use crate::protocol::{form_decode, param, PAR_REQUEST_URI_PREFIX};

const ENDPOINT: &str = "par";

impl AuthorizationServer {
    pub(super) fn pushed_authorization_endpoint(&mut self, request: &Request) -> Response {
        let mut client_id = None;
        match self.push(request, &mut client_id) {
            Ok(mut response) => {
                self.attach_dpop_nonce(&mut response);
                response
            }
            Err(failure) => self.dpop_error_json(ENDPOINT, client_id.as_deref(), &failure),
        }
    }

    fn push(&mut self, request: &Request, client_id: &mut Option<String>) -> Result<Response, Failure> {
        if request.method != Method::Post {
            return Err(Failure::new(
                Check::ParMethodNotAllowed,
                "POST",
                request.method.as_str(),
            ));
        }
        // PingOne refuses bodies of 1 MB or more.
        if request.body.len() >= self.settings.par_body_max_bytes {
            return Err(Failure::new(
                Check::ParBodyTooLarge,
                format!("fewer than {} bytes", self.settings.par_body_max_bytes),
                format!("{} bytes", request.body.len()),
            ));
        }
        if self.settings.par_mode == ParMode::Disabled {
            return Err(Failure::new(
                Check::ParDisabled,
                "PAR enabled on the server",
                "disabled",
            ));
        }
        let pairs = form_decode(&request.body);
        let duplicate = duplicate_parameter(&pairs);
        let form = params_from_pairs(pairs);
        *client_id = form.get(param::CLIENT_ID).cloned();
        let url = self.endpoint(path::PAR);
        // RFC 9449 §10.1: a DPoP proof at PAR binds the code to its key. Checked before the
        // client authenticates, as at the token endpoint (a nonce retry resends the rest).
        let proof = self.check_dpop_proof(request, None)?;
        let client = self.authenticate_client(request, &form, &url)?;
        *client_id = Some(client.client_id.clone());
        if client.par_mode == ParMode::Disabled {
            return Err(Failure::new(
                Check::ParDisabled,
                "PAR enabled for the client",
                "disabled",
            ));
        }
        // RFC 9126 §2.1: "The request_uri authorization request parameter is one exception,
        // and it MUST NOT be provided."
        if form.contains_key(param::REQUEST_URI) {
            return Err(Failure::new(
                Check::ParRequestUriInBody,
                "no request_uri in the body",
                "request_uri present",
            ));
        }
        if let Some(name) = duplicate {
            return Err(duplicate_failure(name));
        }
        let params = self.resolve_request_parameter(&client, &form, true)?;
        let alg = form.get(param::REQUEST).and(self.details.get("alg").cloned());
        let validated = self
            .validate_authorization_params(&client, &params)
            .map_err(|(failure, _)| failure)?;
        let mut stored = params;
        for secret in [
            param::CLIENT_SECRET,
            param::CLIENT_ASSERTION,
            param::CLIENT_ASSERTION_TYPE,
            param::REQUEST,
        ] {
            stored.remove(secret);
        }
        stored.insert(param::REDIRECT_URI.into(), validated.target.redirect_uri.clone());
        if let Some(proof) = proof {
            match &validated.dpop_jkt {
                Some(jkt) if *jkt != proof.jkt => {
                    return Err(Failure::new(
                        Check::DpopJktProofMismatch,
                        format!("dpop_jkt = the proof key's thumbprint {}", proof.jkt),
                        jkt.clone(),
                    ))
                }
                Some(_) => {}
                None => {
                    stored.insert(param::DPOP_JKT.into(), proof.jkt);
                }
            }
        }
        let reference = format!("{PAR_REQUEST_URI_PREFIX}{}", self.random_token(24));
        let lifetime = self.settings.par_request_uri_lifetime;
        let now = self.clock.now();
        self.prune_expired(now);
        self.pushed.insert(
            reference.clone(),
            PushedRequest {
                client_id: client.client_id.clone(),
                params: stored,
                expires_at: now.saturating_add(lifetime),
                used: false,
                request_object_alg: alg,
            },
        );
        self.record("par.accepted", PROTOCOL, ENDPOINT, Some(&client.client_id), "success");
        // RFC 9126 §2.2: 201 Created with request_uri and expires_in.
        Ok(json_response(
            201,
            &json!({ "request_uri": reference, "expires_in": lifetime }),
        ))
    }
}
