//! Delivering an authorization response (or error) to the client's redirect URI: query,
//! fragment, form_post, or JARM in any of them; and the error page for requests that must
//! not be redirected.

use serde_json::{Map, Value};

use super::checks::{Check, Failure};
use super::crypto;
use super::encryption::Output;
use super::events::SECURITY;
use super::server::{html_escape, plain, AuthorizationServer};
use super::settings::ClientMetadata;
use crate::http::Response;
use crate::protocol::{append_to_url, claim, param, response_mode as mode};

/// Where and how an authorization response goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseTarget {
    pub redirect_uri: String,
    /// A concrete mode: `query`, `fragment`, `form_post`, or one of the `.jwt` modes.
    pub mode: &'static str,
    pub state: Option<String>,
}

/// The HTML page of the Form Post Response Mode (§2): a form that submits itself.
pub fn form_post_page(action: &str, pairs: &[(String, String)]) -> String {
    let inputs: String = pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\"/>",
                html_escape(k),
                html_escape(v)
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Submit This Form</title></head>\
         <body onload=\"javascript:document.forms[0].submit()\"><form method=\"post\" action=\"{}\">{inputs}\
         <noscript><button type=\"submit\">Continue</button></noscript></form></body></html>",
        html_escape(action)
    )
}

fn deliver(redirect_uri: &str, base_mode: &str, pairs: &[(String, String)]) -> Response {
    if base_mode == mode::FORM_POST {
        let mut response = plain(200, "text/html; charset=utf-8", &form_post_page(redirect_uri, pairs));
        response.headers.append("Cache-Control", "no-store");
        return response;
    }
    let location = append_to_url(
        redirect_uri,
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        base_mode == mode::FRAGMENT,
    );
    let mut response = Response::new(302);
    response.headers.append("Location", location);
    response.headers.append("Cache-Control", "no-store");
    response
}

impl AuthorizationServer {
    /// Sends `pairs` (a success or an error) with `state` and, per RFC 9207, `iss`.
    pub(super) fn render_authorization_response(
        &mut self,
        client: &ClientMetadata,
        target: &ResponseTarget,
        mut pairs: Vec<(String, String)>,
    ) -> Response {
        if let Some(state) = &target.state {
            pairs.push((param::STATE.into(), state.clone()));
        }
        let Some(base_mode) = target.mode.strip_suffix(".jwt") else {
            if self.settings.authorization_response_iss_parameter {
                pairs.push((param::ISS.into(), self.settings.issuer.clone()));
            }
            return deliver(&target.redirect_uri, target.mode, &pairs);
        };
        match self.sign_jarm(client, &pairs) {
            Ok(jwt) => {
                self.log
                    .count("jarm_responses_total", &[("mode", target.mode), ("outcome", "success")]);
                self.detail("response_mode", target.mode);
                self.record("jarm.issued", SECURITY, "authorize", Some(&client.client_id), "success");
                deliver(&target.redirect_uri, base_mode, &[(param::RESPONSE.into(), jwt)])
            }
            Err(failure) => {
                self.log
                    .count("jarm_responses_total", &[("mode", target.mode), ("outcome", "failure")]);
                self.detail("response_mode", target.mode);
                self.details.insert("expected".into(), failure.expected.clone());
                self.details.insert("actual".into(), failure.actual.clone());
                self.record(
                    "jarm.failure",
                    SECURITY,
                    "authorize",
                    Some(&client.client_id),
                    "failure",
                );
                self.error_page("authorize", Some(&client.client_id), &failure)
            }
        }
    }

    /// JARM §2.1: `iss`, `aud`, `exp` (and `iat`) plus every response parameter; encrypted
    /// after signing when the client registered `authorization_encrypted_response_alg`.
    fn sign_jarm(&mut self, client: &ClientMetadata, pairs: &[(String, String)]) -> Result<String, Failure> {
        let now = self.clock.now();
        let mut claims = Map::new();
        claims.insert(claim::ISS.into(), Value::from(self.settings.issuer.clone()));
        claims.insert(claim::AUD.into(), Value::from(client.client_id.clone()));
        claims.insert(claim::IAT.into(), Value::from(now));
        claims.insert(
            claim::EXP.into(),
            Value::from(now.saturating_add(self.settings.jarm_lifetime)),
        );
        for (k, v) in pairs {
            claims.insert(k.clone(), Value::from(v.clone()));
        }
        let alg = client
            .authorization_signed_response_alg
            .clone()
            // JARM §3 authorization_signed_response_alg: "The default, if omitted, is RS256."
            .unwrap_or_else(|| "RS256".into());
        self.detail("alg", &alg);
        // JARM §2.3: with authorization_encrypted_response_alg registered, "the response is
        // signed and then encrypted" — a Nested JWT.
        let recipient = self.output_recipient(client, Output::Jarm)?;
        let jwt = crypto::prepare_jwt(&alg, &Value::Object(claims), client, self.signing_keys())
            .map_err(|problem| signing_failure(&alg, problem))?;
        self.issue_nested_jwt(jwt, recipient, Output::Jarm, "authorize", &client.client_id)
    }

    /// RFC 6749 §4.1.2.1: "MUST NOT automatically redirect the user-agent to the invalid
    /// redirection URI" — the error is shown here instead.
    pub(super) fn error_page(&mut self, endpoint: &str, client_id: Option<&str>, failure: &Failure) -> Response {
        self.record_failure(endpoint, client_id, failure);
        let info = failure.info();
        let status = if info.status >= 500 { info.status } else { 400 };
        let body = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Authorization error</title></head><body>\
             <h1>Authorization error</h1><p id=\"error\" data-error=\"{}\" data-check=\"{}\">{}</p>\
             <p id=\"error_description\">{}</p></body></html>",
            html_escape(info.error),
            html_escape(info.code),
            html_escape(info.error),
            html_escape(&failure.description())
        );
        plain(status, "text/html; charset=utf-8", &body)
    }
}

pub(super) fn signing_failure(alg: &str, problem: crypto::KeyProblem) -> Failure {
    let why = match problem {
        crypto::KeyProblem::Unsupported { capability, .. } => capability,
        crypto::KeyProblem::NoKey { why, .. } => why,
        crypto::KeyProblem::KidNotFound { kid, .. } => format!("no key {kid}"),
        crypto::KeyProblem::SignatureInvalid { detail } => detail,
    };
    Failure::new(Check::ServerSigningUnavailable, why, alg)
}
