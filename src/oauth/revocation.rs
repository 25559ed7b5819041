//! Token revocation (RFC 7009), as a request / response pair.

use rand_core::CryptoRngCore;

use super::config::Config;
use super::discovery::ServerMetadata;
use super::error::ClientError;
use super::flow::{Driver, FlowError, FlowOptions, FlowRun};
use super::token_reference::{send, TokenCall, TokenReference};
use crate::clock::Clock;
use crate::http::{Response, Transport};
use crate::jose::{CryptoBackend, SecretString};

/// RFC 7009 §2.1: `token` and `token_type_hint`, as introspection sends them.
pub type RevocationRequest = TokenReference;

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
        let call = TokenCall {
            step: "revocation",
            member: "revocation_endpoint",
            endpoint: metadata.revocation_endpoint.as_ref(),
            token,
            token_type_hint,
        };
        let response = send(&mut d, call, config, metadata, rng, options).await?;
        process_revocation_response(&response)?;
        Ok(())
    }
    .await;
    d.finish(result)
}
