//! Token introspection (RFC 7662), as a request / response pair: the client asks the
//! authorization server whether a token is active and what it stands for.

use rand_core::CryptoRngCore;
use serde_json::{Map, Value};

use super::client_auth::ClientAuth;
use super::config::Config;
use super::discovery::ServerMetadata;
use super::error::ClientError;
use super::flow::{assertion_audience, Driver, FlowError, FlowOptions, FlowRun};
use crate::clock::{Clock, UnixTime};
use crate::http::{Request, Response, Transport};
use crate::jose::{CryptoBackend, SecretString};
use crate::protocol::param;

/// RFC 7662 §2.1: `token` (REQUIRED) and `token_type_hint` (OPTIONAL). The token redacts in
/// `Debug`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntrospectionRequest {
    pub endpoint: String,
    pub token: SecretString,
    pub token_type_hint: Option<String>,
}

impl IntrospectionRequest {
    pub fn new(endpoint: impl Into<String>, token: SecretString, token_type_hint: Option<&str>) -> Self {
        Self {
            endpoint: endpoint.into(),
            token,
            token_type_hint: token_type_hint.map(str::to_string),
        }
    }

    pub fn params(&self) -> Vec<(String, String)> {
        let mut out = vec![(param::TOKEN.to_string(), self.token.expose().to_string())];
        if let Some(hint) = &self.token_type_hint {
            out.push((param::TOKEN_TYPE_HINT.into(), hint.clone()));
        }
        out
    }

    /// The authenticated form POST (RFC 7662 §2.1: the endpoint requires authorization; here
    /// the client's token-endpoint authentication, as RFC 8414 §2's
    /// `introspection_endpoint_auth_methods_supported` describes).
    pub async fn to_http<B: CryptoBackend + ?Sized>(
        &self,
        client_id: &str,
        auth: &ClientAuth,
        audience: &str,
        now: UnixTime,
        rng: &mut impl CryptoRngCore,
        backend: &B,
    ) -> Result<Request, ClientError> {
        let mut request = auth
            .form_post(&self.endpoint, self.params(), client_id, audience, now, rng, backend)
            .await?;
        request.headers.append("Accept", "application/json");
        Ok(request)
    }
}

/// RFC 7662 §2.2: `active`, and for an active token whatever the server chose to say.
#[derive(Clone, Debug, PartialEq)]
pub struct IntrospectionResponse {
    pub active: bool,
    /// Every member but `active`, as sent (`scope`, `client_id`, `exp`, `sub`, `aud`, …).
    pub members: Map<String, Value>,
}

/// RFC 7662 §2.2: 200 with a JSON object whose `active` is a boolean (REQUIRED).
pub fn process_introspection_response(response: &Response) -> Result<IntrospectionResponse, ClientError> {
    if response.status != 200 {
        return Err(ClientError::status("introspection.status", 200, response));
    }
    let Ok(Value::Object(mut members)) = serde_json::from_slice::<Value>(&response.body) else {
        return Err(ClientError::invalid(
            "introspection.response_invalid",
            format!("the 200 body is not a JSON object: {}", response.body_text()),
        ));
    };
    let active = match members.remove("active") {
        Some(Value::Bool(active)) => active,
        other => {
            return Err(ClientError::invalid(
                "introspection.response_invalid",
                format!(
                    "RFC 7662 §2.2: \"active\" is REQUIRED and a boolean, found {}",
                    other.map_or("nothing".to_string(), |v| v.to_string())
                ),
            ))
        }
    };
    Ok(IntrospectionResponse { active, members })
}

/// Introspects `token` at `metadata`'s introspection endpoint as `config`'s client: the run
/// holds the one exchange (step `introspection`), the answer comes beside it.
#[allow(clippy::too_many_arguments)]
pub async fn introspect<T, B, C>(
    config: &Config,
    metadata: &ServerMetadata,
    token: SecretString,
    token_type_hint: Option<&str>,
    transport: &T,
    backend: &B,
    clock: &C,
    rng: &mut impl CryptoRngCore,
    options: &FlowOptions,
) -> (FlowRun, Option<IntrospectionResponse>)
where
    T: Transport + ?Sized,
    B: CryptoBackend + ?Sized,
    C: Clock + ?Sized,
{
    let mut d = Driver::new(transport, backend, clock);
    let mut answer = None;
    let result: Result<(), FlowError> = async {
        let endpoint = metadata.introspection_endpoint.clone().ok_or_else(|| {
            ClientError::invalid(
                "discovery.endpoint_missing",
                format!("the metadata of {} has no introspection_endpoint", metadata.issuer),
            )
        })?;
        let auth = config.client_auth()?;
        let audience = assertion_audience(options, metadata, &endpoint);
        let request = IntrospectionRequest::new(endpoint, token, token_type_hint);
        let now = d.clock.now();
        let http = request
            .to_http(&config.request.client_id, &auth, &audience, now, rng, d.backend)
            .await?;
        let response = d.send("introspection", http).await?;
        answer = Some(process_introspection_response(&response)?);
        Ok(())
    }
    .await;
    (d.finish(result), answer)
}
