//! A token named to the authorization server: the request of introspection (RFC 7662 §2.1)
//! and of revocation (RFC 7009 §2.1), which send the same two parameters — `token`
//! (REQUIRED) and `token_type_hint` (OPTIONAL) — authenticated as at the token endpoint.

use rand_core::CryptoRngCore;

use super::client_auth::ClientAuth;
use super::config::Config;
use super::discovery::ServerMetadata;
use super::error::ClientError;
use super::flow::{assertion_audience, Driver, FlowError, FlowOptions};
use crate::clock::{Clock, UnixTime};
use crate::http::{Request, Response, Transport};
use crate::jose::{CryptoBackend, SecretString};
use crate::protocol::param;

/// The token redacts in `Debug`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenReference {
    pub endpoint: String,
    pub token: SecretString,
    pub token_type_hint: Option<String>,
}

impl TokenReference {
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

    /// The authenticated form POST (RFC 7662 §2.1 and RFC 7009 §2.1 both use the client's
    /// token-endpoint authentication; RFC 8414 §2 lists the methods per endpoint).
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

/// What names the token and the endpoint of one call.
pub(super) struct TokenCall<'a> {
    /// The timeline step: `introspection` or `revocation`.
    pub step: &'static str,
    /// The metadata member naming the endpoint, for the error when it is missing.
    pub member: &'static str,
    pub endpoint: Option<&'a String>,
    pub token: SecretString,
    pub token_type_hint: Option<&'a str>,
}

/// Sends one [`TokenReference`] as `config`'s client and records the exchange.
pub(super) async fn send<T, B, C>(
    d: &mut Driver<'_, T, B, C>,
    call: TokenCall<'_>,
    config: &Config,
    metadata: &ServerMetadata,
    rng: &mut impl CryptoRngCore,
    options: &FlowOptions,
) -> Result<Response, FlowError>
where
    T: Transport + ?Sized,
    B: CryptoBackend + ?Sized,
    C: Clock + ?Sized,
{
    let endpoint = call.endpoint.cloned().ok_or_else(|| {
        ClientError::invalid(
            "discovery.endpoint_missing",
            format!("the metadata of {} has no {}", metadata.issuer, call.member),
        )
    })?;
    let auth = config.client_auth()?;
    let audience = assertion_audience(options, metadata, &endpoint);
    let request = TokenReference::new(endpoint, call.token, call.token_type_hint);
    let now = d.clock.now();
    let http = request
        .to_http(&config.request.client_id, &auth, &audience, now, rng, d.backend)
        .await?;
    Ok(d.send(call.step, http).await?)
}
