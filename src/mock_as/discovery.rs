//! Discovery metadata (RFC 8414, OIDC Discovery), computed from the current settings on every
//! request so it can never go stale.

use serde_json::{json, Value};

use super::crypto::SUPPORTED_ALGS;
use super::server::{json_response, path, AuthorizationServer};
use super::settings::ParMode;
use crate::http::Response;
use crate::protocol::{auth_method, grant_type, metadata as m, response_mode};

impl AuthorizationServer {
    pub fn discovery(&self) -> Value {
        let s = &self.settings;
        let mut modes: Vec<&str> = response_mode::PLAIN.to_vec();
        if s.jarm_enabled {
            modes.extend(response_mode::JARM);
        }
        let mut pkce = vec!["S256"];
        if s.pkce_plain_allowed {
            pkce.push("plain");
        }
        let mut request_object_algs = s.request_object_algs.clone();
        if s.allow_unsigned_request_object && !s.require_signed_request_object {
            request_object_algs.push("none".into());
        }
        let par_enabled = s.par_mode != ParMode::Disabled;
        let mut doc = json!({
            m::ISSUER: s.issuer,
            m::AUTHORIZATION_ENDPOINT: self.endpoint(path::AUTHORIZE),
            m::TOKEN_ENDPOINT: self.endpoint(path::TOKEN),
            m::USERINFO_ENDPOINT: self.endpoint(path::USERINFO),
            m::JWKS_URI: self.endpoint(path::JWKS),
            m::RESPONSE_TYPES_SUPPORTED: s.response_types,
            m::RESPONSE_MODES_SUPPORTED: modes,
            m::GRANT_TYPES_SUPPORTED: [
                grant_type::AUTHORIZATION_CODE,
                grant_type::REFRESH_TOKEN,
                grant_type::IMPLICIT,
                grant_type::CLIENT_CREDENTIALS,
                grant_type::DEVICE_CODE,
            ],
            m::SUBJECT_TYPES_SUPPORTED: ["public"],
            m::SCOPES_SUPPORTED: ["openid", "profile", "email", "offline_access"],
            m::ID_TOKEN_SIGNING_ALG_VALUES_SUPPORTED: SUPPORTED_ALGS,
            m::REQUEST_PARAMETER_SUPPORTED: s.request_parameter_supported,
            // request_uri by reference is only the PAR one here.
            m::REQUEST_URI_PARAMETER_SUPPORTED: par_enabled,
            m::REQUIRE_SIGNED_REQUEST_OBJECT: s.require_signed_request_object,
            m::REQUEST_OBJECT_SIGNING_ALG_VALUES_SUPPORTED: request_object_algs,
            m::REQUIRE_PUSHED_AUTHORIZATION_REQUESTS: s.par_mode == ParMode::Required,
            m::AUTHORIZATION_RESPONSE_ISS_PARAMETER_SUPPORTED: s.authorization_response_iss_parameter,
            m::CODE_CHALLENGE_METHODS_SUPPORTED: pkce,
            m::TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED: s.token_endpoint_auth_methods,
            m::TOKEN_ENDPOINT_AUTH_SIGNING_ALG_VALUES_SUPPORTED: if s.client_assertion_algs.is_empty() {
                SUPPORTED_ALGS.iter().map(|a| a.to_string()).collect()
            } else {
                s.client_assertion_algs.clone()
            },
            m::CLAIMS_PARAMETER_SUPPORTED: false,
        });
        // The endpoints beyond the authorization code flow, in a second object (one json!
        // with every member exceeds serde_json's macro recursion limit).
        let services = json!({
            m::INTROSPECTION_ENDPOINT: self.endpoint(path::INTROSPECTION),
            // RFC 7662 §2.1 wants the caller authorized, so `none` is not offered.
            m::INTROSPECTION_ENDPOINT_AUTH_METHODS_SUPPORTED: s.token_endpoint_auth_methods
                .iter()
                .filter(|m| *m != auth_method::NONE)
                .collect::<Vec<_>>(),
            m::REVOCATION_ENDPOINT: self.endpoint(path::REVOCATION),
            // RFC 7009 §5: public clients revoke too, identified by client_id.
            m::REVOCATION_ENDPOINT_AUTH_METHODS_SUPPORTED: s.token_endpoint_auth_methods,
            m::REGISTRATION_ENDPOINT: self.endpoint(path::REGISTRATION),
            m::USERINFO_SIGNING_ALG_VALUES_SUPPORTED: SUPPORTED_ALGS,
            m::DEVICE_AUTHORIZATION_ENDPOINT: self.endpoint(path::DEVICE_AUTHORIZATION),
            m::DPOP_SIGNING_ALG_VALUES_SUPPORTED: s.dpop_signing_algs,
        });
        if let (Value::Object(map), Value::Object(more)) = (&mut doc, services) {
            map.extend(more);
        }
        if let Value::Object(map) = &mut doc {
            if par_enabled {
                map.insert(
                    m::PUSHED_AUTHORIZATION_REQUEST_ENDPOINT.into(),
                    Value::from(self.endpoint(path::PAR)),
                );
            }
            if s.jarm_enabled {
                map.insert(
                    m::AUTHORIZATION_SIGNING_ALG_VALUES_SUPPORTED.into(),
                    json!(SUPPORTED_ALGS),
                );
            }
            // OIDC Discovery §3 and JARM §4: the same JWE lists for every use, published only
            // when the server offers encryption (and JARM's only with JARM).
            if !s.encryption_algs.is_empty() {
                let mut uses = vec![
                    (
                        m::REQUEST_OBJECT_ENCRYPTION_ALG_VALUES_SUPPORTED,
                        m::REQUEST_OBJECT_ENCRYPTION_ENC_VALUES_SUPPORTED,
                    ),
                    (
                        m::ID_TOKEN_ENCRYPTION_ALG_VALUES_SUPPORTED,
                        m::ID_TOKEN_ENCRYPTION_ENC_VALUES_SUPPORTED,
                    ),
                    (
                        m::USERINFO_ENCRYPTION_ALG_VALUES_SUPPORTED,
                        m::USERINFO_ENCRYPTION_ENC_VALUES_SUPPORTED,
                    ),
                ];
                if s.jarm_enabled {
                    uses.push((
                        m::AUTHORIZATION_ENCRYPTION_ALG_VALUES_SUPPORTED,
                        m::AUTHORIZATION_ENCRYPTION_ENC_VALUES_SUPPORTED,
                    ));
                }
                for (algs, encs) in uses {
                    map.insert(algs.into(), json!(s.encryption_algs));
                    map.insert(encs.into(), json!(s.encryption_encs));
                }
            }
        }
        doc
    }

    pub(super) fn discovery_response(&mut self) -> Response {
        self.record(
            "discovery.served",
            super::events::PROTOCOL,
            "discovery",
            None,
            "success",
        );
        json_response(200, &self.discovery())
    }
}
