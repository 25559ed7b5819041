//! One call from a [`Config`] to what goes on the wire first: the authorize URL (plain, JAR)
//! or the PAR request (PAR, PAR + JAR), with the request object made on the way. The UI
//! uses it to show the four deliveries side by side; the flow driver to run them.

use rand_core::CryptoRngCore;

use super::config::Config;
use super::delivery::{jar_authorization_url, par_parameters, plain_authorization_url};
use super::encryption::{encrypt_request_object, NestedRequestObject};
use super::error::ClientError;
use super::par::PushedRequest;
use super::request_object::{sign_text, RequestObject, RequestObjectTarget};
use crate::clock::UnixTime;
use crate::http::Request;
use crate::jose::{EncryptionBackend, Jwks};

/// Where the server's endpoints are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoints<'a> {
    pub issuer: &'a str,
    pub authorization_endpoint: &'a str,
    pub pushed_authorization_request_endpoint: Option<&'a str>,
    /// The server's JWKS: its `use: "enc"` key is what request objects are encrypted to.
    pub jwks: Option<&'a Jwks>,
}

/// The first message of the front or back channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FirstMessage {
    /// Send the browser here.
    Redirect { authorize_url: String },
    /// POST this to the PAR endpoint, then redirect with the `request_uri` it returns
    /// ([`super::delivery::par_authorization_url`]).
    Push { request: Request },
}

#[derive(Clone, Debug, PartialEq)]
pub struct PreparedAuthorization {
    /// The request object before signing (header and claims), when the delivery has one.
    pub request_object: Option<RequestObject>,
    /// The signed (or unsecured) request object: what is sent, unless it is encrypted.
    pub request_object_jwt: Option<String>,
    /// The request object signed then encrypted (`request_object_jwt` inside), when
    /// [`Config::encryption`] asks for it: this JWE is what is sent.
    pub request_object_jwe: Option<NestedRequestObject>,
    pub first: FirstMessage,
}

/// Builds the delivery `config.delivery` names. `assertion_audience` is the `aud` of a PAR
/// client assertion (the issuer, RFC 9126 §2).
pub async fn prepare_authorization<B: EncryptionBackend + ?Sized>(
    config: &Config,
    endpoints: &Endpoints<'_>,
    assertion_audience: &str,
    now: UnixTime,
    rng: &mut impl CryptoRngCore,
    backend: &B,
) -> Result<PreparedAuthorization, ClientError> {
    let request = &config.request;
    let (request_object, request_object_jwt) = if config.delivery.uses_request_object() {
        let signing = config.request_signing()?;
        let target = RequestObjectTarget {
            issuer: endpoints.issuer,
            authorization_endpoint: endpoints.authorization_endpoint,
        };
        let short_keys = config.request_object.short_hmac_keys.into();
        match &config.request_object_edit {
            // Signed as typed: the edit is the experiment, so nothing is regenerated or fixed.
            Some(edit) => {
                let object = RequestObject {
                    header: parse_edited(&edit.header, "header")?,
                    claims: parse_edited(&edit.payload, "payload")?,
                };
                let jwt = sign_text(backend, &edit.header, &edit.payload, &signing, short_keys).await?;
                (Some(object), Some(jwt))
            }
            None => {
                let object = RequestObject::build(request, &config.request_object, &target, &signing, now, rng)?;
                let jwt = object.sign(backend, &signing, short_keys).await?;
                (Some(object), Some(jwt))
            }
        }
    } else {
        (None, None)
    };
    // RFC 9101 §4 / OIDC Core §6.1: signed, then encrypted to the server.
    let request_object_jwe = match (&request_object_jwt, config.encryption.request_object) {
        (Some(jws), Some(choice)) => {
            Some(encrypt_request_object(backend, jws, choice, endpoints.jwks, config.confidential_secret()).await?)
        }
        _ => None,
    };
    let sent = request_object_jwe
        .as_ref()
        .map(|n| n.jwe.clone())
        .or_else(|| request_object_jwt.clone());
    let first = if config.delivery.uses_par() {
        let endpoint = endpoints.pushed_authorization_request_endpoint.ok_or_else(|| {
            ClientError::config(
                "par.endpoint_missing",
                "PAR delivery needs the server's pushed_authorization_request_endpoint",
            )
        })?;
        let pushed = PushedRequest::new(endpoint, par_parameters(request, sent.as_deref())?)?;
        let auth = config.client_auth()?;
        let http = pushed
            .to_http(&request.client_id, &auth, assertion_audience, now, rng, backend)
            .await?;
        FirstMessage::Push { request: http }
    } else if let Some(jwt) = &sent {
        FirstMessage::Redirect {
            authorize_url: jar_authorization_url(
                endpoints.authorization_endpoint,
                request,
                jwt,
                config.request_object.outer_params,
            ),
        }
    } else {
        FirstMessage::Redirect {
            authorize_url: plain_authorization_url(endpoints.authorization_endpoint, request)?,
        }
    };
    Ok(PreparedAuthorization {
        request_object,
        request_object_jwt,
        request_object_jwe,
        first,
    })
}

/// An edited header or payload must still be a JSON object (RFC 7519 §7.2 step 10 and
/// RFC 7515 §4): say where it is not, instead of signing something no server can read.
fn parse_edited(text: &str, part: &'static str) -> Result<serde_json::Map<String, serde_json::Value>, ClientError> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(other) => Err(ClientError::config(
            "jar.edit_not_object",
            format!(
                "the edited request object {part} is a JSON {}, not an object",
                match other {
                    serde_json::Value::Array(_) => "array",
                    serde_json::Value::String(_) => "string",
                    serde_json::Value::Number(_) => "number",
                    serde_json::Value::Bool(_) => "boolean",
                    _ => "null",
                }
            ),
        )),
        Err(e) => Err(ClientError::config(
            "jar.edit_invalid_json",
            format!(
                "the edited request object {part} is not JSON: {e} (line {}, column {})",
                e.line(),
                e.column()
            ),
        )),
    }
}
