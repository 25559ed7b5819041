//! Token revocation (RFC 7009), as a request / response pair.

use rand_core::CryptoRngCore;

use super::client_auth::ClientAuth;
use super::config::Config;
use super::discovery::ServerMetadata;
use super::error::ClientError;
use super::flow::{assertion_audience, Driver, FlowError, FlowOptions, FlowRun};
use crate::clock::{Clock, UnixTime};
use crate::http::{Request, Response, Transport};
use crate::jose::{CryptoBackend, SecretString};
use crate::protocol::param;

/// RFC 7009 §2.1: `token` (REQUIRED) and `token_type_hint` (OPTIONAL). The token redacts in
/// `Debug`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevocationRequest {
    pub endpoint: String,
    pub token: SecretString,
    pub token_type_hint: Option<String>,
}

impl RevocationRequest {
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

    /// The form POST, authenticated as at the token endpoint (RFC 7009 §2.1).
    pub async fn to_http<B: CryptoBackend + ?Sized>(
        &self,
        client_id: &str,
        auth: &ClientAuth,
        audience: &str,
        now: UnixTime,
        rng: &mut impl CryptoRngCore,
        backend: &B,
    ) -> Result<Request, ClientError> {
        auth.form_post(&self.endpoint, self.params(), client_id, audience, now, rng, backend)
            .await
    }
}

/// RFC 7009 §2.2: 200 means revoked, or never valid — "the client cannot handle such an error
/// in a reasonable way", so an unknown token is a success too. Anything else is an error
/// (§2.2.1: `unsupported_token_type`, or RFC 6749 §5.2's).
pub fn process_revocation_response(response: &Response) -> Result<(), ClientError> {
    if response.status == 200 {
        Ok(())
    } else {
        Err(ClientError::status("revocation.status", 200, response))
    }
}

/// Revokes `token` at `metadata`'s revocation endpoint as `config`'s client: the run holds
/// the one exchange (step `revocation`) and fails when the server refused.
#[allow(clippy::too_many_arguments)]
pub async fn revoke<T, B, C>(
    config: &Config,
    metadata: &ServerMetadata,
    token: SecretString,
    token_type_hint: Option<&str>,
    transport: &T,
    backend: &B,
    clock: &C,
    rng: &mut impl CryptoRngCore,
    options: &FlowOptions,
) -> FlowRun
where
    T: Transport + ?Sized,
    B: CryptoBackend + ?Sized,
    C: Clock + ?Sized,
{
    let mut d = Driver::new(transport, backend, clock);
    let result: Result<(), FlowError> = async {
        let endpoint = metadata.revocation_endpoint.clone().ok_or_else(|| {
            ClientError::invalid(
                "discovery.endpoint_missing",
                format!("the metadata of {} has no revocation_endpoint", metadata.issuer),
            )
        })?;
        let auth = config.client_auth()?;
        let audience = assertion_audience(options, metadata, &endpoint);
        let request = RevocationRequest::new(endpoint, token, token_type_hint);
        let now = d.clock.now();
        let http = request
            .to_http(&config.request.client_id, &auth, &audience, now, rng, d.backend)
            .await?;
        let response = d.send("revocation", http).await?;
        process_revocation_response(&response)?;
        Ok(())
    }
    .await;
    d.finish(result)
}
