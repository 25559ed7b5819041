//! Pushed authorization requests (RFC 9126): the request and the processing of its answer,
//! as a pair.

use rand_core::CryptoRngCore;
use serde_json::Value;

use super::client_auth::ClientAuth;
use super::error::ClientError;
use crate::clock::UnixTime;
use crate::http::{Request, Response};
use crate::jose::CryptoBackend;
use crate::protocol::param;

/// A PAR request before client authentication: the endpoint and the form parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushedRequest {
    pub endpoint: String,
    pub params: Vec<(String, String)>,
}

/// RFC 9126 §2.2: what a successful push returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushedAuthorizationResponse {
    pub request_uri: String,
    pub expires_in: u64,
}

impl PushedRequest {
    /// `params` from [`super::delivery::par_parameters`].
    pub fn new(endpoint: impl Into<String>, params: Vec<(String, String)>) -> Result<Self, ClientError> {
        // RFC 9126 §2.1: "The request_uri authorization request parameter MUST NOT be provided".
        if params.iter().any(|(k, _)| k == param::REQUEST_URI) {
            return Err(ClientError::config(
                "par.request_uri_in_body",
                "RFC 9126 §2.1: a PAR body must not contain request_uri",
            ));
        }
        Ok(Self {
            endpoint: endpoint.into(),
            params,
        })
    }

    /// The form POST, authenticated. `audience` is the client assertion's `aud` (RFC 9126 §2:
    /// the issuer identifier SHOULD be used).
    #[allow(clippy::too_many_arguments)]
    pub async fn to_http<B: CryptoBackend + ?Sized>(
        &self,
        client_id: &str,
        auth: &ClientAuth,
        audience: &str,
        now: UnixTime,
        rng: &mut impl CryptoRngCore,
        backend: &B,
    ) -> Result<Request, ClientError> {
        auth.form_post(
            &self.endpoint,
            self.params.clone(),
            client_id,
            audience,
            now,
            rng,
            backend,
        )
        .await
    }
}

/// RFC 9126 §2.2–2.3: 201 with `request_uri` and `expires_in`; anything else is an error
/// carrying the status and the body as the server sent it (OAuth error or PingOne envelope).
pub fn process_pushed_authorization_response(response: &Response) -> Result<PushedAuthorizationResponse, ClientError> {
    if response.status != 201 {
        return Err(ClientError::status("par.status", 201, response));
    }
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&response.body) else {
        return Err(ClientError::invalid(
            "par.response_invalid",
            format!("the 201 body is not a JSON object: {}", response.body_text()),
        ));
    };
    let request_uri = match body.get(param::REQUEST_URI) {
        Some(Value::String(uri)) if !uri.is_empty() => uri.clone(),
        other => {
            return Err(ClientError::invalid(
                "par.request_uri_missing",
                format!("RFC 9126 §2.2: request_uri must be a non-empty string, found {other:?}"),
            ))
        }
    };
    let expires_in = match body.get(param::EXPIRES_IN).and_then(Value::as_u64) {
        Some(n) if n > 0 => n,
        _ => {
            return Err(ClientError::invalid(
                "par.expires_in_missing",
                format!(
                    "RFC 9126 §2.2: expires_in must be a positive integer, found {:?}",
                    body.get(param::EXPIRES_IN)
                ),
            ))
        }
    };
    Ok(PushedAuthorizationResponse {
        request_uri,
        expires_in,
    })
}
