//! Token introspection (RFC 7662), as a request / response pair: the client asks the
//! authorization server whether a token is active and what it stands for.

use rand_core::CryptoRngCore;
use serde_json::{Map, Value};

use super::config::Config;
use super::discovery::ServerMetadata;
use super::error::ClientError;
use super::flow::{Driver, FlowError, FlowOptions, FlowRun};
use super::token_reference::{send, TokenCall, TokenReference};
use crate::clock::Clock;
use crate::http::{Response, Transport};
use crate::jose::{CryptoBackend, SecretString};

/// RFC 7662 §2.1: `token` and `token_type_hint`, as revocation sends them.
pub type IntrospectionRequest = TokenReference;

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
        let call = TokenCall {
            step: "introspection",
            member: "introspection_endpoint",
            endpoint: metadata.introspection_endpoint.as_ref(),
            token,
            token_type_hint,
        };
        let response = send(&mut d, call, config, metadata, rng, options).await?;
        answer = Some(process_introspection_response(&response)?);
        Ok(())
    }
    .await;
    (d.finish(result), answer)
}
