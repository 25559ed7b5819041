//! Discovery (OIDC Discovery 1.0 §4, RFC 8414 §3): fetch the server's metadata through a
//! [`Transport`] and derive the client's defaults from it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::delivery::Delivery;
use super::error::ClientError;
use crate::http::{Request, Response, Transport};
use crate::jose::{Algorithm, Jwks};

/// Server metadata. Absent members stay `None`, so the UI can tell "not said" from "false";
/// the accessors apply the specifications' defaults.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerMetadata {
    pub issuer: String,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    pub registration_endpoint: Option<String>,
    pub end_session_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub introspection_endpoint: Option<String>,
    pub pushed_authorization_request_endpoint: Option<String>,
    pub require_pushed_authorization_requests: Option<bool>,
    pub request_parameter_supported: Option<bool>,
    pub request_uri_parameter_supported: Option<bool>,
    pub require_signed_request_object: Option<bool>,
    pub request_object_signing_alg_values_supported: Option<Vec<String>>,
    pub response_types_supported: Option<Vec<String>>,
    pub response_modes_supported: Option<Vec<String>>,
    pub grant_types_supported: Option<Vec<String>>,
    pub scopes_supported: Option<Vec<String>>,
    pub subject_types_supported: Option<Vec<String>>,
    pub id_token_signing_alg_values_supported: Option<Vec<String>>,
    pub userinfo_signing_alg_values_supported: Option<Vec<String>>,
    pub authorization_signing_alg_values_supported: Option<Vec<String>>,
    pub authorization_response_iss_parameter_supported: Option<bool>,
    pub code_challenge_methods_supported: Option<Vec<String>>,
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    pub token_endpoint_auth_signing_alg_values_supported: Option<Vec<String>>,
    pub claims_parameter_supported: Option<bool>,
    /// RFC 8628 §4.
    pub device_authorization_endpoint: Option<String>,
    /// RFC 9449 §5.1: the JWS algs the server accepts in DPoP proofs (present when it
    /// supports DPoP at all).
    pub dpop_signing_alg_values_supported: Option<Vec<String>>,
    /// OIDC Discovery §3 / RFC 9101 §10.1: JWE algs and encs for request objects.
    pub request_object_encryption_alg_values_supported: Option<Vec<String>>,
    pub request_object_encryption_enc_values_supported: Option<Vec<String>>,
    /// JARM §4: JWE algs and encs of encrypted authorization responses.
    pub authorization_encryption_alg_values_supported: Option<Vec<String>>,
    pub authorization_encryption_enc_values_supported: Option<Vec<String>>,
    /// OIDC Discovery §3: JWE algs and encs of encrypted ID tokens and userinfo.
    pub id_token_encryption_alg_values_supported: Option<Vec<String>>,
    pub id_token_encryption_enc_values_supported: Option<Vec<String>>,
    pub userinfo_encryption_alg_values_supported: Option<Vec<String>>,
    pub userinfo_encryption_enc_values_supported: Option<Vec<String>>,
    /// Members without a field here, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn algs(names: &Option<Vec<String>>) -> Vec<Algorithm> {
    names
        .iter()
        .flatten()
        .filter_map(|n| Algorithm::from_name(n).ok())
        .collect()
}

fn lists(values: &Option<Vec<String>>, wanted: &str) -> bool {
    values.iter().flatten().any(|v| v == wanted)
}

/// Preference order for a request-object algorithm: FAPI 2.0's PS256/ES256 first.
const REQUEST_OBJECT_PREFERENCE: [Algorithm; 8] = [
    Algorithm::PS256,
    Algorithm::ES256,
    Algorithm::RS256,
    Algorithm::EdDSA,
    Algorithm::ES384,
    Algorithm::PS384,
    Algorithm::RS384,
    Algorithm::HS256,
];

/// What the client would choose by default against this server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DerivedDefaults {
    /// The preferred request-object algorithm the server lists (None when it lists none).
    pub request_object_alg: Option<Algorithm>,
    pub delivery: Delivery,
    pub has_par_endpoint: bool,
    /// `response_modes_supported`, or the OIDC Discovery default `["query", "fragment"]`.
    pub response_modes: Vec<String>,
    pub jarm_algs: Vec<Algorithm>,
    pub id_token_algs: Vec<Algorithm>,
    /// `userinfo_signing_alg_values_supported`, or every signature alg when the server lists
    /// none (OIDC Discovery §3 makes the member optional); `none` is never among them.
    pub userinfo_algs: Vec<Algorithm>,
    pub iss_parameter_supported: bool,
}

impl ServerMetadata {
    pub fn parse(json: &[u8]) -> Result<Self, ClientError> {
        serde_json::from_slice(json).map_err(|e| ClientError::invalid("discovery.invalid", e.to_string()))
    }

    /// OIDC Discovery §3: `request_uri_parameter_supported` defaults to true.
    pub fn request_uri_supported(&self) -> bool {
        self.request_uri_parameter_supported.unwrap_or(true)
    }

    /// OIDC Discovery §3: `request_parameter_supported` defaults to false.
    pub fn request_supported(&self) -> bool {
        self.request_parameter_supported.unwrap_or(false)
    }

    pub fn par_required(&self) -> bool {
        self.require_pushed_authorization_requests.unwrap_or(false)
    }

    pub fn signed_request_required(&self) -> bool {
        self.require_signed_request_object.unwrap_or(false)
    }

    pub fn request_object_algs(&self) -> Vec<Algorithm> {
        algs(&self.request_object_signing_alg_values_supported)
    }

    pub fn lists_request_object_alg(&self, name: &str) -> bool {
        lists(&self.request_object_signing_alg_values_supported, name)
    }

    pub fn lists_dpop_alg(&self, name: &str) -> bool {
        lists(&self.dpop_signing_alg_values_supported, name)
    }

    pub fn response_modes(&self) -> Vec<String> {
        self.response_modes_supported
            .clone()
            .unwrap_or_else(|| vec!["query".into(), "fragment".into()])
    }

    pub fn defaults(&self) -> DerivedDefaults {
        let listed = self.request_object_algs();
        let request_object_alg = REQUEST_OBJECT_PREFERENCE
            .into_iter()
            .find(|a| listed.contains(a))
            .or_else(|| listed.first().copied());
        let has_par_endpoint = self.pushed_authorization_request_endpoint.is_some();
        let wants_signed = self.signed_request_required();
        let delivery = match (self.par_required() || has_par_endpoint, wants_signed) {
            (true, true) => Delivery::ParJar,
            (true, false) => Delivery::Par,
            (false, true) => Delivery::Jar,
            (false, false) => Delivery::Plain,
        };
        let id_token_algs = match algs(&self.id_token_signing_alg_values_supported) {
            v if v.is_empty() => vec![Algorithm::RS256],
            v => v,
        };
        let jarm_algs = match algs(&self.authorization_signing_alg_values_supported) {
            v if v.is_empty() => vec![Algorithm::RS256],
            v => v,
        };
        let userinfo_algs = match algs(&self.userinfo_signing_alg_values_supported) {
            v if v.is_empty() => Algorithm::ALL.to_vec(),
            v => v,
        };
        DerivedDefaults {
            userinfo_algs,
            request_object_alg,
            delivery,
            has_par_endpoint,
            response_modes: self.response_modes(),
            jarm_algs,
            id_token_algs,
            iss_parameter_supported: self.authorization_response_iss_parameter_supported.unwrap_or(false),
        }
    }
}

/// OIDC Discovery §4.1: `{issuer}/.well-known/openid-configuration` (a trailing `/` of the
/// issuer removed first).
pub fn discovery_url(issuer: &str) -> String {
    format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'))
}

pub fn discovery_request(issuer: &str) -> Request {
    let mut request = Request::get(discovery_url(issuer));
    request.headers.append("Accept", "application/json");
    request
}

/// 200 with a JSON object whose `issuer` is exactly the one asked about (OIDC Discovery §4.3).
pub fn process_discovery_response(issuer: &str, response: &Response) -> Result<ServerMetadata, ClientError> {
    if response.status != 200 {
        return Err(ClientError::status("discovery.status", 200, response));
    }
    let metadata = ServerMetadata::parse(&response.body)?;
    if metadata.issuer != issuer {
        return Err(ClientError::invalid(
            "discovery.issuer_mismatch",
            format!(
                "OIDC Discovery §4.3: the metadata's issuer {:?} is not {issuer:?}",
                metadata.issuer
            ),
        ));
    }
    Ok(metadata)
}

pub async fn discover<T: Transport + ?Sized>(transport: &T, issuer: &str) -> Result<ServerMetadata, ClientError> {
    let response = transport.send(discovery_request(issuer)).await?;
    process_discovery_response(issuer, &response)
}

pub fn process_jwks_response(response: &Response) -> Result<Jwks, ClientError> {
    if response.status != 200 {
        return Err(ClientError::status("jwks.status", 200, response));
    }
    Ok(Jwks::from_json(&response.body_text())?)
}
