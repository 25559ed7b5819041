//! The client credentials grant (RFC 6749 §4.4): no user, no browser — discovery (unless the
//! metadata was given) and one authenticated token request, recorded in a timeline like the
//! code flow's exchanges.

use rand_core::CryptoRngCore;

use super::config::Config;
use super::error::ClientError;
use super::flow::{assertion_audience, Driver, FlowError, FlowOptions, FlowRun};
use super::token::TokenRequest;
use crate::clock::Clock;
use crate::http::Transport;
use crate::jose::CryptoBackend;

/// Runs the grant for `config`'s client: `scope` and `resource` (RFC 8707 §2) come from the
/// request form, the client authentication from the client settings. A refused request
/// stops the run with the server's error (`token.status`), as in the code flow.
pub async fn run_client_credentials<T, B, C>(
    config: &Config,
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
        let metadata = d.metadata(config, options).await?;
        let endpoint = metadata.token_endpoint.clone().ok_or_else(|| {
            ClientError::invalid(
                "discovery.endpoint_missing",
                format!("the metadata of {} has no token_endpoint", metadata.issuer),
            )
        })?;
        let auth = config.client_auth()?;
        let audience = assertion_audience(options, &metadata, &endpoint);
        let request = TokenRequest::client_credentials(
            endpoint,
            config.request.scope.clone().filter(|s| !s.is_empty()),
            &config.request.resource,
        );
        let tokens = d
            .token(
                "client_credentials",
                request,
                &config.request.client_id,
                &auth,
                &audience,
                config.dpop.as_ref(),
                rng,
            )
            .await?;
        d.outcome.tokens = Some(tokens);
        Ok(())
    }
    .await;
    d.finish(result)
}
