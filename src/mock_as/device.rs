//! The device authorization grant (RFC 8628): the device authorization endpoint (§3.1–3.2),
//! the verification page the user approves or denies on (§3.3), and the device access token
//! request at the token endpoint (§3.4–3.5) with its `authorization_pending`, `slow_down`,
//! `expired_token` and `access_denied` answers.

use serde_json::{json, Value};

use super::checks::{Check, Failure};
use super::events::PROTOCOL;
use super::server::{html_escape, json_response, params_from_pairs, path, plain, AuthorizationServer, Params};
use super::settings::ClientMetadata;
use super::tokens::{DeviceAuthorization, DeviceDecision};
use crate::http::{Method, Request, Response};
use crate::protocol::{form_decode, form_encode, grant_type, param, UrlParts};

const ENDPOINT: &str = "device_authorization";
const VERIFICATION: &str = "device_verification";

/// How many device authorizations may wait at once; the oldest gives way.
const MAX_PENDING_DEVICE_AUTHORIZATIONS: usize = 64;

/// RFC 8628 §6.1: a user code from 20 consonants — no vowels (so no words), no digits, no
/// look-alikes — "BCDFGHJKLMNPQRSTVWXZ" in the RFC's own example.
pub const USER_CODE_CHARSET: &[u8; 20] = b"BCDFGHJKLMNPQRSTVWXZ";
/// Eight characters shown as two groups of four (`WDJB-MJHT`): 20^8 ≈ 2^34.5 codes, the
/// RFC's example size, against the short lifetime and bounded store of §5.1.
const USER_CODE_LENGTH: usize = 8;

/// RFC 8628 §6.1: the server ignores characters outside the user-code set (dashes, spaces)
/// and compares without regard to case.
pub fn normalize_user_code(input: &str) -> String {
    input
        .chars()
        .map(|c| c.to_ascii_uppercase())
        .filter(|c| c.is_ascii() && USER_CODE_CHARSET.contains(&(*c as u8)))
        .collect()
}

fn grant_registered(client: &ClientMetadata) -> bool {
    client.grant_types.iter().any(|g| g == grant_type::DEVICE_CODE)
}

fn not_registered(client: &ClientMetadata) -> Failure {
    Failure::new(
        Check::DeviceGrantNotRegistered,
        format!("grant_types containing {}", grant_type::DEVICE_CODE),
        format!("[{}]", client.grant_types.join(", ")),
    )
}

impl AuthorizationServer {
    /// A user code of [`USER_CODE_LENGTH`] characters, formatted `XXXX-XXXX`, unique among the
    /// pending ones. Rejection sampling keeps every character equally likely (256 is not a
    /// multiple of 20).
    fn new_user_code(&mut self) -> String {
        loop {
            let mut chars = String::with_capacity(USER_CODE_LENGTH + 1);
            while chars.len() < USER_CODE_LENGTH + 1 {
                let mut byte = [0u8; 1];
                self.rng.fill_bytes(&mut byte);
                let [b] = byte;
                if usize::from(b) >= 240 {
                    continue;
                }
                if chars.len() == USER_CODE_LENGTH / 2 {
                    chars.push('-');
                }
                if let Some(c) = USER_CODE_CHARSET.get(usize::from(b) % USER_CODE_CHARSET.len()) {
                    chars.push(char::from(*c));
                }
            }
            let normalized = normalize_user_code(&chars);
            if !self
                .device_authorizations
                .values()
                .any(|d| normalize_user_code(&d.user_code) == normalized)
            {
                return chars;
            }
        }
    }

    /// Forgets device authorizations five minutes after they expire (their polls are answered
    /// `expired_token` until then), and makes room for one more.
    fn prune_device_authorizations(&mut self, now: i64) {
        self.device_authorizations
            .retain(|_, d| d.expires_at.saturating_add(300) >= now);
        while self.device_authorizations.len() >= MAX_PENDING_DEVICE_AUTHORIZATIONS {
            let oldest = self
                .device_authorizations
                .iter()
                .min_by_key(|(_, d)| d.seq)
                .map(|(code, _)| code.clone());
            match oldest {
                Some(code) => {
                    self.device_authorizations.remove(&code);
                }
                None => break,
            }
        }
    }

    /// RFC 8628 §3.1: a form POST with the client's authentication (or its `client_id` alone
    /// for a public client) and an optional `scope`; §3.2: the answer.
    pub(super) fn device_authorization_endpoint(&mut self, request: &Request) -> Response {
        if request.method != Method::Post {
            // §3.1: "the client makes an HTTP "POST" request".
            return plain(405, "text/plain", "method not allowed");
        }
        let (form, client) = match self.authenticated_form(request, ENDPOINT, path::DEVICE_AUTHORIZATION) {
            Ok(authenticated) => authenticated,
            Err(refusal) => return refusal,
        };
        if !grant_registered(&client) {
            return self.error_json(ENDPOINT, Some(&client.client_id), &not_registered(&client));
        }
        let now = self.clock.now();
        self.prune_device_authorizations(now);
        let device_code = self.random_token(32);
        let user_code = self.new_user_code();
        let scope = form.get(param::SCOPE).cloned().unwrap_or_default();
        let lifetime = self.settings.device_code_lifetime;
        let interval = self.settings.device_poll_interval;
        self.device_seq = self.device_seq.saturating_add(1);
        self.device_authorizations.insert(
            device_code.clone(),
            DeviceAuthorization {
                client_id: client.client_id.clone(),
                user_code: user_code.clone(),
                scope: scope.clone(),
                expires_at: now.saturating_add(lifetime),
                interval,
                last_poll: None,
                decision: DeviceDecision::Pending,
                redeemed: false,
                seq: self.device_seq,
            },
        );
        let verification_uri = self.endpoint(path::DEVICE_VERIFICATION);
        let complete = format!(
            "{verification_uri}?{}",
            form_encode([(param::USER_CODE, user_code.as_str())])
        );
        self.detail("user_code", &user_code);
        self.detail("scope", &scope);
        self.record(
            "device.authorization_issued",
            PROTOCOL,
            ENDPOINT,
            Some(&client.client_id),
            "success",
        );
        json_response(
            200,
            &json!({
                param::DEVICE_CODE: device_code,
                param::USER_CODE: user_code,
                param::VERIFICATION_URI: verification_uri,
                param::VERIFICATION_URI_COMPLETE: complete,
                param::EXPIRES_IN: lifetime,
                param::INTERVAL: interval,
            }),
        )
    }

    /// The pending, unexpired device authorization a user code names, by its device code.
    fn pending_by_user_code(&self, user_code: &str, now: i64) -> Option<String> {
        let wanted = normalize_user_code(user_code);
        if wanted.is_empty() {
            return None;
        }
        self.device_authorizations
            .iter()
            .find(|(_, d)| {
                normalize_user_code(&d.user_code) == wanted
                    && d.decision == DeviceDecision::Pending
                    && now < d.expires_at
            })
            .map(|(code, _)| code.clone())
    }

    /// RFC 8628 §3.3: the page at `verification_uri`. With a `user_code` in the query
    /// (`verification_uri_complete`) it is filled in, and the page names the client and the
    /// scope so the user can check what they approve (§5.4: remote phishing).
    pub(super) fn device_verification_page(&mut self, url: &UrlParts) -> Response {
        let now = self.clock.now();
        let user_code = params_from_pairs(url.query_pairs())
            .remove(param::USER_CODE)
            .unwrap_or_default();
        let about = self
            .pending_by_user_code(&user_code, now)
            .and_then(|code| self.device_authorizations.get(&code))
            .map(|d| {
                format!(
                    "<p id=\"device-request\" data-client=\"{client}\" data-scope=\"{scope}\"><strong>{client}</strong> \
                     asks for <code>{scope}</code>. Check that the code below is the one your device shows.</p>",
                    client = html_escape(&d.client_id),
                    scope = html_escape(if d.scope.is_empty() { "(no scope)" } else { &d.scope }),
                )
            })
            .unwrap_or_default();
        let action = self.endpoint(path::DEVICE_VERIFICATION);
        let page = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Device verification</title></head><body>\
             <h1>Connect a device</h1>{about}\
             <form method=\"post\" action=\"{action}\"><label for=\"user_code\">User code</label> \
             <input id=\"user_code\" name=\"user_code\" value=\"{code}\" autocomplete=\"off\" spellcheck=\"false\"> \
             <button name=\"decision\" value=\"approve\">Approve</button> \
             <button name=\"decision\" value=\"deny\">Deny</button></form></body></html>",
            action = html_escape(&action),
            code = html_escape(&user_code),
        );
        plain(200, "text/html; charset=utf-8", &page)
    }

    /// The user's decision, posted from the verification page: `approve` lets the device's
    /// next poll receive tokens; anything else makes it `access_denied`.
    pub(super) fn device_verification_decision(&mut self, request: &Request) -> Response {
        let now = self.clock.now();
        let form = params_from_pairs(form_decode(&request.body));
        let user_code = form.get(param::USER_CODE).cloned().unwrap_or_default();
        let Some(device_code) = self.pending_by_user_code(&user_code, now) else {
            let failure = Failure::new(
                Check::DeviceUserCodeUnknown,
                "the user code of a pending, unexpired device authorization",
                if user_code.is_empty() {
                    "(absent)".to_string()
                } else {
                    user_code
                },
            );
            return self.error_page(VERIFICATION, None, &failure);
        };
        let approve = form.get("decision").map(String::as_str) == Some("approve");
        let Some(authorization) = self.device_authorizations.get_mut(&device_code) else {
            return plain(500, "text/plain", "the device authorization vanished");
        };
        authorization.decision = if approve {
            DeviceDecision::Approved { at: now }
        } else {
            DeviceDecision::Denied
        };
        let client_id = authorization.client_id.clone();
        let user_code = authorization.user_code.clone();
        self.detail("user_code", &user_code);
        let (name, word) = if approve {
            ("device.approved", "approved")
        } else {
            ("device.denied", "denied")
        };
        self.record(name, PROTOCOL, VERIFICATION, Some(&client_id), "success");
        let page = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Device {word}</title></head><body>\
             <h1 id=\"device-result\" data-decision=\"{word}\">Device {word}</h1>\
             <p>The request of <strong>{client}</strong> (code {code}) was {word}. You may return to your device.</p>\
             </body></html>",
            client = html_escape(&client_id),
            code = html_escape(&user_code),
        );
        plain(200, "text/html; charset=utf-8", &page)
    }

    /// RFC 8628 §3.4–3.5: the device access token request, in this order: the grant is the
    /// client's, the code is known and its client's, not redeemed, not expired; then the
    /// user's decision, and while it is pending the polling rate.
    pub(super) fn device_code_grant(
        &mut self,
        client: &ClientMetadata,
        form: &Params,
        jkt: Option<&str>,
    ) -> Result<Value, Failure> {
        if !grant_registered(client) {
            return Err(not_registered(client));
        }
        let Some(device_code) = form.get(param::DEVICE_CODE) else {
            return Err(Failure::new(Check::DeviceCodeMissing, "a device_code", "(absent)"));
        };
        let now = self.clock.now();
        let Some(authorization) = self.device_authorizations.get_mut(device_code) else {
            return Err(Failure::new(
                Check::DeviceCodeInvalid,
                "a device_code issued by this server",
                "unknown device_code",
            ));
        };
        if authorization.client_id != client.client_id {
            return Err(Failure::new(
                Check::DeviceClientMismatch,
                authorization.client_id.clone(),
                client.client_id.clone(),
            ));
        }
        if authorization.redeemed {
            return Err(Failure::new(
                Check::DeviceCodeUsed,
                "a device_code used once",
                "second use",
            ));
        }
        if now >= authorization.expires_at {
            return Err(Failure::new(
                Check::DeviceExpiredToken,
                format!("polled before {}", authorization.expires_at),
                format!("now {now}"),
            ));
        }
        match authorization.decision {
            DeviceDecision::Denied => Err(Failure::new(
                Check::DeviceAccessDenied,
                "the user approves",
                "the user denied",
            )),
            DeviceDecision::Approved { at } => {
                authorization.redeemed = true;
                let scope = authorization.scope.clone();
                // Minted like every other grant's tokens (issue_access_token: opaque or RFC
                // 9068 JWT, the default audience); a grant of its own for revocation.
                let issued = super::token::Issued {
                    scope,
                    nonce: None,
                    auth_time: at,
                    grant: self.next_grant(),
                    granted: Vec::new(),
                    jkt: jkt.map(str::to_string),
                };
                self.token_response(client, &issued, &[])
            }
            DeviceDecision::Pending => {
                let since = authorization.last_poll.map(|last| now.saturating_sub(last));
                authorization.last_poll = Some(now);
                match since {
                    Some(elapsed) if elapsed < authorization.interval => {
                        let asked = authorization.interval;
                        // §3.5: "the interval MUST be increased by 5 seconds for this and all
                        // subsequent requests".
                        authorization.interval = authorization.interval.saturating_add(5);
                        Err(Failure::new(
                            Check::DeviceSlowDown,
                            format!("polls at least {asked} s apart (now {} s)", authorization.interval),
                            format!("{elapsed} s after the last"),
                        ))
                    }
                    _ => Err(Failure::new(
                        Check::DeviceAuthorizationPending,
                        "the user's decision on the verification page",
                        "none yet",
                    )),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_are_compared_without_case_or_punctuation() {
        assert_eq!(normalize_user_code("wdjb-mjht"), "WDJBMJHT");
        assert_eq!(normalize_user_code(" WDJB MJHT "), "WDJBMJHT");
        // Vowels and digits are not in the set, so they are not part of any code.
        assert_eq!(normalize_user_code("A1E-WDJB"), "WDJB");
    }
}
