//! The flow driver: discovery → JWKS → (request object) → (PAR) → authorize, following the
//! redirects as a browser would → callback validation → token → ID token validation →
//! userinfo, recording every exchange, decoded JWT and check in a timeline.
//!
//! It knows no concrete server: everything goes through a [`Transport`].

use rand_core::CryptoRngCore;
use serde_json::Value;

use super::authorize::{prepare_authorization, Endpoints, FirstMessage};
use super::callback::{
    parse_form_post_html, parse_redirect_url, resolve_response_mode, CallbackParams, ResponseLocation,
};
use super::check::{CheckFailure, Step};
use super::config::Config;
use super::delivery::par_authorization_url;
use super::discovery::{discovery_request, process_discovery_response, process_jwks_response, ServerMetadata};
use super::dpop::{requested_nonce, with_proof, DpopKey, DpopProof};
use super::error::ClientError;
use super::id_token::{validate_id_token, IdTokenExpectations, IdTokenSource, VerifiedIdToken};
use super::lint::{lint, Finding, LintHints};
use super::par::process_pushed_authorization_response;
use super::request::AuthorizationRequest;
use super::response::{validate_authorization_response, AuthorizationResponse, ResponseExpectations};
use super::token::{
    dpop_userinfo_request, process_token_response, process_userinfo_response, userinfo_request, TokenRequest,
    TokenResponse, UserInfo,
};
use crate::clock::Clock;
use crate::http::{Request, Response, Transport};
use crate::jose::jws::decode_unverified;
use crate::jose::{Algorithm, CryptoBackend, EncryptionBackend, Jwks, SecretString};
use crate::protocol::{dpop as protocol_dpop, without_query, UrlParts};

/// The `aud` of client assertions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AssertionAudience {
    /// The issuer identifier (RFC 9126 §2 recommends it for PAR; widely accepted).
    #[default]
    Issuer,
    /// The endpoint the assertion is sent to (RFC 7523 §3).
    Endpoint,
}

/// Knobs of a run. `Default`: regenerate state/nonce/verifier, issuer as assertion audience,
/// at most 10 redirects, fetch userinfo, 60 s leeway, algorithms from the metadata, discovery.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowOptions {
    pub regenerate: bool,
    pub assertion_audience: AssertionAudience,
    pub max_redirects: usize,
    pub userinfo: bool,
    pub leeway: i64,
    pub jarm_algs: Option<Vec<Algorithm>>,
    pub id_token_algs: Option<Vec<Algorithm>>,
    pub lint_hints: LintHints,
    /// After the code exchange, redeem the refresh token once (RFC 6749 §6) if one came.
    pub refresh: bool,
    /// The server's metadata given by hand (endpoints typed in, or a PingOne environment):
    /// discovery is skipped and this is used as if the server had sent it.
    pub metadata: Option<ServerMetadata>,
}

impl Default for FlowOptions {
    fn default() -> Self {
        Self {
            regenerate: true,
            assertion_audience: AssertionAudience::Issuer,
            max_redirects: 10,
            userinfo: true,
            leeway: 60,
            jarm_algs: None,
            id_token_algs: None,
            lint_hints: LintHints::default(),
            refresh: false,
            metadata: None,
        }
    }
}

/// One entry of the timeline. Its fields hold every byte (the UI shows them); `Debug` shows
/// only methods, URLs without query, statuses and sizes, since bodies carry secrets.
#[derive(Clone, PartialEq)]
pub enum TimelineEvent {
    /// A request sent through the transport and what came back.
    Exchange {
        step: &'static str,
        request: Request,
        response: Option<Response>,
        transport_error: Option<String>,
    },
    /// A JWT made or received, decoded for display (`verified` says whether checks passed).
    Jwt {
        step: &'static str,
        compact: String,
        header: Value,
        payload: Value,
    },
    /// The checks run on a received message.
    Checks { step: &'static str, steps: Vec<Step> },
    /// The pre-flight findings.
    Findings(Vec<Finding>),
    /// The browser reached the redirect URI (the client itself: nothing is sent).
    Callback { url: String, params: CallbackParams },
}

impl std::fmt::Debug for TimelineEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TimelineEvent::Exchange {
                step,
                request,
                response,
                transport_error,
            } => write!(
                f,
                "Exchange({step}: {} {} [{} bytes] -> {:?} [{} bytes]{})",
                request.method,
                without_query(&request.url),
                request.body.len(),
                response.as_ref().map(|r| r.status),
                response.as_ref().map_or(0, |r| r.body.len()),
                transport_error
                    .as_deref()
                    .map(|e| format!(", error: {e}"))
                    .unwrap_or_default()
            ),
            TimelineEvent::Jwt { step, header, .. } => write!(f, "Jwt({step}: header {header}, payload <redacted>)"),
            TimelineEvent::Checks { step, steps } => f
                .debug_struct("Checks")
                .field("step", step)
                .field("steps", steps)
                .finish(),
            TimelineEvent::Findings(findings) => f.debug_tuple("Findings").field(findings).finish(),
            TimelineEvent::Callback { url, params } => {
                write!(f, "Callback({}, {params:?})", without_query(url))
            }
        }
    }
}

/// Why a run stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum FlowError {
    Client(ClientError),
    Check(CheckFailure),
}

impl FlowError {
    pub fn code(&self) -> &'static str {
        match self {
            FlowError::Client(e) => e.code(),
            FlowError::Check(f) => f.code,
        }
    }
}

impl From<ClientError> for FlowError {
    fn from(e: ClientError) -> Self {
        FlowError::Client(e)
    }
}

impl From<CheckFailure> for FlowError {
    fn from(f: CheckFailure) -> Self {
        FlowError::Check(f)
    }
}

impl std::fmt::Display for FlowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FlowError::Client(e) => e.fmt(f),
            FlowError::Check(c) => c.fmt(f),
        }
    }
}

/// What a run produced, as far as it got.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FlowOutcome {
    pub metadata: Option<ServerMetadata>,
    pub authorization_response: Option<AuthorizationResponse>,
    pub tokens: Option<TokenResponse>,
    pub id_token: Option<VerifiedIdToken>,
    pub userinfo: Option<UserInfo>,
    /// The answer to the refresh request, when [`FlowOptions::refresh`] asked for one.
    pub refreshed: Option<TokenResponse>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FlowRun {
    pub timeline: Vec<TimelineEvent>,
    pub outcome: FlowOutcome,
    pub error: Option<FlowError>,
}

impl FlowRun {
    pub fn succeeded(&self) -> bool {
        self.error.is_none()
    }

    /// Every check step recorded, in order (JARM, callback, ID token).
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.timeline.iter().flat_map(|e| match e {
            TimelineEvent::Checks { steps, .. } => steps.as_slice(),
            _ => &[],
        })
    }

    /// Every exchange that got an answer, in order: its step, request and response.
    pub fn exchanges(&self) -> impl DoubleEndedIterator<Item = (&'static str, &Request, &Response)> {
        self.timeline.iter().filter_map(|e| match e {
            TimelineEvent::Exchange {
                step,
                request,
                response: Some(response),
                ..
            } => Some((*step, request, response)),
            _ => None,
        })
    }
}

/// Sends requests and records what happened; the code flow, the client credentials grant
/// (`client_credentials.rs`), introspection and revocation share it.
pub(super) struct Driver<'a, T: ?Sized, B: ?Sized, C: ?Sized> {
    pub(super) transport: &'a T,
    pub(super) backend: &'a B,
    pub(super) clock: &'a C,
    pub(super) timeline: Vec<TimelineEvent>,
    pub(super) outcome: FlowOutcome,
    /// The latest `DPoP-Nonce` the server sent (RFC 9449 §8), put in the next proof.
    pub(super) dpop_nonce: Option<String>,
}

impl<'a, T: ?Sized, B: ?Sized, C: ?Sized> Driver<'a, T, B, C> {
    pub(super) fn new(transport: &'a T, backend: &'a B, clock: &'a C) -> Self {
        Self {
            transport,
            backend,
            clock,
            timeline: Vec::new(),
            outcome: FlowOutcome::default(),
            dpop_nonce: None,
        }
    }

    pub(super) fn finish(self, result: Result<(), FlowError>) -> FlowRun {
        FlowRun {
            timeline: self.timeline,
            outcome: self.outcome,
            error: result.err(),
        }
    }
}

impl<T: Transport + ?Sized, B: CryptoBackend + ?Sized, C: Clock + ?Sized> Driver<'_, T, B, C> {
    /// One call to the token endpoint: the grant, authenticated as the client, and its answer.
    /// With a DPoP key the request carries a proof and the answer must be `token_type: DPoP`.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn token(
        &mut self,
        step: &'static str,
        grant: TokenRequest,
        client_id: &str,
        auth: &super::client_auth::ClientAuth,
        audience: &str,
        dpop: Option<&DpopKey>,
        rng: &mut impl CryptoRngCore,
    ) -> Result<TokenResponse, ClientError> {
        let now = self.clock.now();
        let http = grant.to_http(client_id, auth, audience, now, rng, self.backend).await?;
        let (mut response, wants_nonce) = self.send_proved(step, http, dpop, None, rng).await?;
        if wants_nonce {
            // RFC 9449 §8: once more with the nonce — and a fresh client assertion, since a
            // server that authenticated the client first has spent the first one's jti.
            let now = self.clock.now();
            let http = grant.to_http(client_id, auth, audience, now, rng, self.backend).await?;
            response = self.send_proved(retry_step(step), http, dpop, None, rng).await?.0;
        }
        let tokens = process_token_response(&response)?;
        // RFC 9449 §5: a token requested with a proof comes back as token_type DPoP; a Bearer
        // answer means the server ignored the proof and the token is not sender-constrained.
        if dpop.is_some() && !tokens.token_type.eq_ignore_ascii_case(protocol_dpop::SCHEME) {
            return Err(ClientError::invalid(
                "token.token_type_not_dpop",
                format!(
                    "RFC 9449 §5: a token request with a DPoP proof must be answered with token_type DPoP, got {}",
                    tokens.token_type
                ),
            ));
        }
        Ok(tokens)
    }

    /// Sends `request` with a DPoP proof of `key` (with `ath` for `access_token`) when there is
    /// a key, else as it is; the proof is shown decoded in the timeline. Returns the answer and
    /// whether it asks for a nonce (`use_dpop_nonce`, RFC 9449 §8, §9); the nonce is kept for
    /// the next proof either way.
    pub(super) async fn send_proved(
        &mut self,
        step: &'static str,
        request: Request,
        key: Option<&DpopKey>,
        access_token: Option<&str>,
        rng: &mut impl CryptoRngCore,
    ) -> Result<(Response, bool), ClientError> {
        let Some(key) = key else {
            return Ok((self.send(step, request).await?, false));
        };
        let jti = super::random::random_token(rng, 16);
        let mut proof = DpopProof::new(request.method.as_str(), &request.url, self.clock.now(), jti)
            .nonce(self.dpop_nonce.as_deref());
        if let Some(token) = access_token {
            proof = proof.access_token(token);
        }
        let signed = proof.sign(key, self.backend).await?;
        self.jwt(proof_step(step), &signed);
        let response = self.send(step, with_proof(&request, &signed)).await?;
        let requested = requested_nonce(&response);
        if let Some(nonce) = response.headers.get(protocol_dpop::NONCE_HEADER) {
            self.dpop_nonce = Some(nonce.trim().to_string());
        }
        Ok((response, requested.is_some()))
    }

    /// [`Self::send_proved`], retrying a `use_dpop_nonce` answer once with the nonce it
    /// carries; the retry is its own exchange in the timeline (`… (DPoP nonce retry)`). For a
    /// request that may be sent twice as it is (userinfo); requests carrying a client
    /// assertion are rebuilt for the retry instead (`token`, PAR in `begin`).
    pub(super) async fn send_with_dpop(
        &mut self,
        step: &'static str,
        request: Request,
        key: Option<&DpopKey>,
        access_token: Option<&str>,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Response, ClientError> {
        let (response, wants_nonce) = self.send_proved(step, request.clone(), key, access_token, rng).await?;
        if !wants_nonce {
            return Ok(response);
        }
        let (response, _) = self
            .send_proved(retry_step(step), request, key, access_token, rng)
            .await?;
        Ok(response)
    }

    pub(super) async fn send(&mut self, step: &'static str, request: Request) -> Result<Response, ClientError> {
        match self.transport.send(request.clone()).await {
            Ok(response) => {
                self.timeline.push(TimelineEvent::Exchange {
                    step,
                    request,
                    response: Some(response.clone()),
                    transport_error: None,
                });
                Ok(response)
            }
            Err(e) => {
                self.timeline.push(TimelineEvent::Exchange {
                    step,
                    request,
                    response: None,
                    transport_error: Some(e.message.clone()),
                });
                Err(e.into())
            }
        }
    }

    /// The server's metadata: discovery, unless [`FlowOptions::metadata`] gave it by hand.
    pub(super) async fn metadata(
        &mut self,
        config: &Config,
        options: &FlowOptions,
    ) -> Result<ServerMetadata, ClientError> {
        let metadata = match &options.metadata {
            Some(metadata) => metadata.clone(),
            None => {
                let response = self.send("discovery", discovery_request(&config.issuer)).await?;
                process_discovery_response(&config.issuer, &response)?
            }
        };
        self.outcome.metadata = Some(metadata.clone());
        Ok(metadata)
    }

    /// The nested JWT a decryption step of `steps` produced, decoded into the timeline like
    /// any other JWT (nothing when nothing was decrypted, or the plaintext is JSON claims).
    fn decrypted_jwt(&mut self, step: &'static str, steps: &[Step]) {
        if let Some(plaintext) = steps
            .iter()
            .find_map(|s| s.decrypted.as_ref())
            .map(|d| d.plaintext.clone())
        {
            self.jwt(step, &plaintext);
        }
    }

    fn jwt(&mut self, step: &'static str, compact: &str) {
        if let Ok(decoded) = decode_unverified(compact) {
            let payload = serde_json::from_slice(&decoded.payload)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&decoded.payload).into_owned()));
            self.timeline.push(TimelineEvent::Jwt {
                step,
                compact: compact.to_string(),
                header: decoded.header,
                payload,
            });
        }
    }
}

/// The timeline name of a retried exchange.
fn retry_step(step: &str) -> &'static str {
    match step {
        "par" => "par (DPoP nonce retry)",
        "token" => "token (DPoP nonce retry)",
        "refresh" => "refresh (DPoP nonce retry)",
        "userinfo" => "userinfo (DPoP nonce retry)",
        _ => "DPoP nonce retry",
    }
}

/// The timeline name of the proof sent with an exchange.
fn proof_step(step: &str) -> &'static str {
    match step {
        "par" => "dpop_proof (par)",
        "par (DPoP nonce retry)" => "dpop_proof (par, nonce retry)",
        "token" => "dpop_proof (token)",
        "token (DPoP nonce retry)" => "dpop_proof (token, nonce retry)",
        "refresh" => "dpop_proof (refresh)",
        "refresh (DPoP nonce retry)" => "dpop_proof (refresh, nonce retry)",
        "userinfo" => "dpop_proof (userinfo)",
        "userinfo (DPoP nonce retry)" => "dpop_proof (userinfo, nonce retry)",
        _ => "dpop_proof",
    }
}

fn endpoint<'m>(metadata: &'m ServerMetadata, value: &'m Option<String>, name: &str) -> Result<&'m str, ClientError> {
    value.as_deref().ok_or_else(|| {
        ClientError::invalid(
            "discovery.endpoint_missing",
            format!("the metadata of {} has no {name}", metadata.issuer),
        )
    })
}

/// Resolves a `Location` against the URL it came from (RFC 9110 §10.2.2, RFC 3986 §5.2, for
/// the forms servers send: absolute, scheme-relative, absolute-path, relative-path).
pub fn resolve_location(base: &str, location: &str) -> String {
    if UrlParts::split(location).is_some() {
        return location.to_string();
    }
    let Some(parts) = UrlParts::split(base) else {
        return location.to_string();
    };
    if let Some(rest) = location.strip_prefix("//") {
        return format!("{}://{rest}", parts.scheme);
    }
    if location.starts_with('/') {
        return format!("{}://{}{location}", parts.scheme, parts.authority);
    }
    if location.starts_with('?') {
        return format!("{}://{}{}{location}", parts.scheme, parts.authority, parts.path);
    }
    let dir = parts.path.rsplit_once('/').map_or("", |(d, _)| d);
    format!("{}://{}{dir}/{location}", parts.scheme, parts.authority)
}

/// Whether `url` is the redirect URI (scheme, authority and path equal; query and fragment
/// are the response's).
fn is_redirect_uri(url: &str, redirect_uri: &str) -> bool {
    match (UrlParts::split(url), UrlParts::split(redirect_uri)) {
        (Some(a), Some(b)) => {
            a.scheme.eq_ignore_ascii_case(b.scheme) && a.authority.eq_ignore_ascii_case(b.authority) && a.path == b.path
        }
        _ => false,
    }
}

/// What the client holds while the browser is at the authorization server: everything the
/// second half of the flow needs. It carries the PKCE verifier and the nonce, so the UI keeps
/// it in memory only (never in storage).
#[derive(Clone, PartialEq)]
pub struct PendingAuthorization {
    pub metadata: ServerMetadata,
    pub jwks: Jwks,
    /// The request as sent (its state, nonce and PKCE verifier are the ones to expect back).
    pub request: AuthorizationRequest,
    /// Where the browser goes: the authorize URL, or the PAR `request_uri` URL.
    pub authorize_url: String,
    /// The latest `DPoP-Nonce` the server gave (at PAR). RFC 9449 §8.2: the client uses it
    /// in its next token request, so the second half starts with it instead of being sent
    /// back for one.
    pub dpop_nonce: Option<String>,
}

impl std::fmt::Debug for PendingAuthorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingAuthorization")
            .field("issuer", &self.metadata.issuer)
            .field("request", &self.request)
            .field("authorize_url", &without_query(&self.authorize_url))
            .finish()
    }
}

/// The first half of a flow run against a server the browser must visit itself.
#[derive(Clone, Debug, PartialEq)]
pub struct StartedFlow {
    /// Discovery, JWKS, the request object and PAR, as far as they got.
    pub run: FlowRun,
    /// `Some` when the run got as far as an authorize URL.
    pub pending: Option<PendingAuthorization>,
}

/// Runs the whole flow `config` describes, following the front channel through `transport`
/// as a browser would (the in-page server answers it directly).
pub async fn run_flow<T, B, C>(
    config: &Config,
    transport: &T,
    backend: &B,
    clock: &C,
    rng: &mut impl CryptoRngCore,
    options: &FlowOptions,
) -> FlowRun
where
    T: Transport + ?Sized,
    B: EncryptionBackend + ?Sized,
    C: Clock + ?Sized,
{
    let mut driver = Driver::new(transport, backend, clock);
    let result = async {
        let pending = begin(&mut driver, config, rng, options).await?;
        let received = front_channel(&mut driver, &pending, options).await?;
        complete(&mut driver, config, &pending, received, rng, options).await
    }
    .await;
    driver.finish(result)
}

/// The first half of a flow for a real server: discovery (or the metadata given in
/// [`FlowOptions::metadata`]), the server's keys, the request object and PAR, ending with the
/// URL the browser must be sent to.
pub async fn start_flow<T, B, C>(
    config: &Config,
    transport: &T,
    backend: &B,
    clock: &C,
    rng: &mut impl CryptoRngCore,
    options: &FlowOptions,
) -> StartedFlow
where
    T: Transport + ?Sized,
    B: EncryptionBackend + ?Sized,
    C: Clock + ?Sized,
{
    let mut driver = Driver::new(transport, backend, clock);
    let result = begin(&mut driver, config, rng, options).await;
    match result {
        Ok(pending) => StartedFlow {
            run: driver.finish(Ok(())),
            pending: Some(pending),
        },
        Err(e) => StartedFlow {
            run: driver.finish(Err(e)),
            pending: None,
        },
    }
}

/// The second half: the URL the browser came back to (the redirect URI with the response in
/// its query or fragment), then the response checks, the token request, the ID token and
/// userinfo. The timeline starts at the callback; the UI puts it after [`start_flow`]'s.
#[allow(clippy::too_many_arguments)]
pub async fn finish_flow<T, B, C>(
    config: &Config,
    pending: &PendingAuthorization,
    callback_url: &str,
    transport: &T,
    backend: &B,
    clock: &C,
    rng: &mut impl CryptoRngCore,
    options: &FlowOptions,
) -> FlowRun
where
    T: Transport + ?Sized,
    B: EncryptionBackend + ?Sized,
    C: Clock + ?Sized,
{
    let mut driver = Driver::new(transport, backend, clock);
    driver.outcome.metadata = Some(pending.metadata.clone());
    driver.dpop_nonce = pending.dpop_nonce.clone();
    let result = async {
        let request = &pending.request;
        let mode = resolve_response_mode(request.response_mode.as_deref(), &request.response_type)?;
        if mode.location == ResponseLocation::FormPost {
            return Err(ClientError::invalid(
                "callback.form_post_unreadable",
                "OAuth 2.0 Form Post Response Mode §2: the response is POSTed to the redirect URI, and a page \
                 served as static files cannot read a POST body; use query, fragment or a JARM mode (jwt), \
                 or copy the fields from the server's auto-submitting page",
            )
            .into());
        }
        let redirect_uri = request.redirect_uri.clone().unwrap_or_default();
        if !is_redirect_uri(callback_url, &redirect_uri) {
            return Err(ClientError::invalid(
                "callback.not_redirect_uri",
                format!(
                    "RFC 6749 §3.1.2: the response came to {}, not to the redirect URI {redirect_uri}",
                    without_query(callback_url)
                ),
            )
            .into());
        }
        let received = read_callback(&mut driver, callback_url, mode.location)?;
        complete(&mut driver, config, pending, received, rng, options).await
    }
    .await;
    driver.finish(result)
}

/// Reads the response from the URL the browser reached, saying so when it is in the other
/// part of the URL than the response mode puts it.
fn read_callback<T: ?Sized, B: ?Sized, C: ?Sized>(
    d: &mut Driver<'_, T, B, C>,
    url: &str,
    location: ResponseLocation,
) -> Result<CallbackParams, ClientError> {
    let params = parse_redirect_url(url, location)?;
    if params.params.is_empty() {
        let other = match location {
            ResponseLocation::Query => ResponseLocation::Fragment,
            _ => ResponseLocation::Query,
        };
        if parse_redirect_url(url, other).is_ok_and(|p| !p.params.is_empty()) {
            return Err(ClientError::invalid(
                "callback.location_mismatch",
                format!("the response is in the {other:?}, but the response mode puts it in the {location:?}"),
            ));
        }
    }
    d.timeline.push(TimelineEvent::Callback {
        url: url.to_string(),
        params: params.clone(),
    });
    Ok(params)
}

/// 1–2: discovery, the server's keys, the pre-flight and the authorization request (PAR).
async fn begin<T, B, C>(
    d: &mut Driver<'_, T, B, C>,
    config: &Config,
    rng: &mut impl CryptoRngCore,
    options: &FlowOptions,
) -> Result<PendingAuthorization, FlowError>
where
    T: Transport + ?Sized,
    B: EncryptionBackend + ?Sized,
    C: Clock + ?Sized,
{
    // 1. Discovery (unless the endpoints were given by hand) and the server's keys.
    let metadata = d.metadata(config, options).await?;
    let jwks = match &metadata.jwks_uri {
        Some(uri) => {
            let response = d.send("jwks", Request::get(uri.as_str())).await?;
            process_jwks_response(&response)?
        }
        None => Jwks::default(),
    };
    let hints = LintHints {
        server_jwks: Some(jwks.clone()),
        ..options.lint_hints.clone()
    };
    d.timeline
        .push(TimelineEvent::Findings(lint(config, Some(&metadata), &hints)));

    // 2. The authorization request.
    let mut request = config.request.clone();
    if options.regenerate {
        request.regenerate(rng);
    }
    // RFC 9449 §10: dpop_jkt binds the authorization code to the DPoP key, whatever the
    // delivery (at PAR the proof binds it too, and the server checks both name one key).
    if let Some(key) = &config.dpop {
        request
            .extra
            .retain(|(name, _)| name != crate::protocol::param::DPOP_JKT);
        request
            .extra
            .push((crate::protocol::param::DPOP_JKT.into(), key.jkt().to_string()));
    }
    let authorization_endpoint = endpoint(&metadata, &metadata.authorization_endpoint, "authorization_endpoint")?;
    let endpoints = Endpoints {
        issuer: &metadata.issuer,
        authorization_endpoint,
        pushed_authorization_request_endpoint: metadata.pushed_authorization_request_endpoint.as_deref(),
        jwks: Some(&jwks),
    };
    let mut run_config = config.clone();
    run_config.request = request.clone();
    let par_audience = assertion_audience(
        options,
        &metadata,
        endpoints.pushed_authorization_request_endpoint.unwrap_or_default(),
    );
    let now = d.clock.now();
    let prepared = prepare_authorization(&run_config, &endpoints, &par_audience, now, rng, d.backend).await?;
    if let Some(jwt) = &prepared.request_object_jwt {
        d.jwt("request_object", jwt);
    }
    if let Some(nested) = &prepared.request_object_jwe {
        d.timeline.push(TimelineEvent::Checks {
            step: "request_object (encrypted)",
            steps: vec![Step {
                check: "jar.encrypt",
                clause: "RFC 9101 §4; OIDC Core §6.1 (signed, then encrypted)",
                outcome: super::check::Outcome::Passed {
                    detail: format!(
                        "encrypted to the server's key {} with {} / {}",
                        nested
                            .header
                            .get("kid")
                            .and_then(Value::as_str)
                            .unwrap_or("(derived from the client secret)"),
                        nested.header.get("alg").and_then(Value::as_str).unwrap_or_default(),
                        nested.header.get("enc").and_then(Value::as_str).unwrap_or_default()
                    ),
                },
                decrypted: Some(super::check::Decrypted {
                    header: Value::Object(nested.header.clone()),
                    plaintext: nested.jws.clone(),
                }),
            }],
        });
    }
    let authorize_url = match prepared.first {
        FirstMessage::Redirect { authorize_url } => authorize_url,
        FirstMessage::Push { request: http } => {
            let dpop = config.dpop.as_ref();
            let (mut response, wants_nonce) = d.send_proved("par", http, dpop, None, rng).await?;
            if wants_nonce {
                // RFC 9449 §8: push again with the nonce, the request (its request object and
                // client assertion, whose jtis a server may have spent) made anew.
                let now = d.clock.now();
                let again = prepare_authorization(&run_config, &endpoints, &par_audience, now, rng, d.backend).await?;
                if let FirstMessage::Push { request: http } = again.first {
                    response = d.send_proved(retry_step("par"), http, dpop, None, rng).await?.0;
                }
            }
            let pushed = process_pushed_authorization_response(&response)?;
            par_authorization_url(authorization_endpoint, &request.client_id, &pushed.request_uri)
        }
    };
    Ok(PendingAuthorization {
        jwks,
        request,
        authorize_url,
        metadata,
        dpop_nonce: d.dpop_nonce.clone(),
    })
}

pub(super) fn assertion_audience(options: &FlowOptions, metadata: &ServerMetadata, endpoint: &str) -> String {
    match options.assertion_audience {
        AssertionAudience::Issuer => metadata.issuer.clone(),
        AssertionAudience::Endpoint => endpoint.to_string(),
    }
}

/// 3: the front channel, as a browser: follow redirects until the redirect URI.
async fn front_channel<T, B, C>(
    d: &mut Driver<'_, T, B, C>,
    pending: &PendingAuthorization,
    options: &FlowOptions,
) -> Result<CallbackParams, FlowError>
where
    T: Transport + ?Sized,
    B: EncryptionBackend + ?Sized,
    C: Clock + ?Sized,
{
    let request = &pending.request;
    let redirect_uri = request.redirect_uri.clone().unwrap_or_default();
    let mode = resolve_response_mode(request.response_mode.as_deref(), &request.response_type)?;
    let mut url = pending.authorize_url.clone();
    for _ in 0..=options.max_redirects {
        if is_redirect_uri(&url, &redirect_uri) {
            return Ok(read_callback(d, &url, mode.location)?);
        }
        let response = d.send("authorize", Request::get(url.as_str())).await?;
        match response.status {
            301 | 302 | 303 | 307 | 308 => {
                let location = response.headers.get("location").ok_or_else(|| {
                    ClientError::invalid("authorize.location_missing", "a redirect without a Location header")
                })?;
                url = resolve_location(&url, location);
            }
            200 => {
                let page = parse_form_post_html(&response.body_text())
                    .map_err(|_| ClientError::status("authorize.status", 302, &response))?;
                let action = resolve_location(&url, &page.action);
                if !is_redirect_uri(&action, &redirect_uri) {
                    return Err(ClientError::invalid(
                        "authorize.form_post_target",
                        format!("the form posts to {action}, not to the redirect URI {redirect_uri}"),
                    )
                    .into());
                }
                d.timeline.push(TimelineEvent::Callback {
                    url: action,
                    params: page.fields.clone(),
                });
                return Ok(page.fields);
            }
            _ => return Err(ClientError::status("authorize.status", 302, &response).into()),
        }
    }
    Err(ClientError::invalid(
        "authorize.too_many_redirects",
        format!("more than {} redirects", options.max_redirects),
    )
    .into())
}

/// 4–8: the authorization response, front-channel ID token, token, refresh, userinfo.
async fn complete<T, B, C>(
    d: &mut Driver<'_, T, B, C>,
    config: &Config,
    pending: &PendingAuthorization,
    received: CallbackParams,
    rng: &mut impl CryptoRngCore,
    options: &FlowOptions,
) -> Result<(), FlowError>
where
    T: Transport + ?Sized,
    B: EncryptionBackend + ?Sized,
    C: Clock + ?Sized,
{
    let PendingAuthorization {
        metadata,
        jwks,
        request,
        ..
    } = pending;
    let defaults = metadata.defaults();
    let mode = resolve_response_mode(request.response_mode.as_deref(), &request.response_type)?;
    let auth = config.client_auth()?;
    let audience = |endpoint: &str| assertion_audience(options, metadata, endpoint);
    let (encryption, secret) = (&config.encryption, config.confidential_secret());

    // 4. The authorization response.
    let expectations = ResponseExpectations {
        issuer: metadata.issuer.clone(),
        client_id: request.client_id.clone(),
        state: request.state.clone(),
        jarm: mode.jarm,
        jarm_algs: options.jarm_algs.clone().unwrap_or(defaults.jarm_algs.clone()),
        iss_parameter_supported: defaults.iss_parameter_supported,
        leeway: options.leeway,
        client_secret: config.client_secret.clone(),
        decryption: encryption.decryption(encryption.authorization_response, secret),
    };
    if let Some(jwt) = received.get("response") {
        d.jwt("jarm", jwt);
    }
    let now = d.clock.now();
    let report = validate_authorization_response(&received, &expectations, Some(jwks), now, d.backend).await;
    d.decrypted_jwt("jarm (decrypted)", &report.steps);
    d.timeline.push(TimelineEvent::Checks {
        step: "authorization_response",
        steps: report.steps,
    });
    let response = report.result?;
    d.outcome.authorization_response = Some(response.clone());

    let id_token_algs = options.id_token_algs.clone().unwrap_or(defaults.id_token_algs.clone());
    let id_expectations = |source, access_token: Option<&str>, code: Option<&str>| IdTokenExpectations {
        issuer: metadata.issuer.clone(),
        client_id: request.client_id.clone(),
        algs: id_token_algs.clone(),
        nonce: request.nonce.clone(),
        max_age: request.max_age,
        leeway: options.leeway,
        source,
        access_token: access_token.map(str::to_string),
        code: code.map(str::to_string),
        client_secret: config.client_secret.clone(),
        decryption: encryption.decryption(encryption.id_token, secret),
    };

    // 5. A front-channel ID token (implicit, hybrid).
    if let Some(id_token) = response.id_token() {
        d.jwt("id_token (authorization response)", id_token);
        let expect = id_expectations(
            IdTokenSource::AuthorizationEndpoint {
                response_type: request.response_type.clone(),
            },
            response.access_token(),
            response.code(),
        );
        let now = d.clock.now();
        let report = validate_id_token(id_token, &expect, Some(jwks), now, d.backend).await;
        d.decrypted_jwt("id_token (authorization response, decrypted)", &report.steps);
        d.timeline.push(TimelineEvent::Checks {
            step: "id_token (authorization response)",
            steps: report.steps,
        });
        d.outcome.id_token = Some(report.result?);
    }

    // 6. The token endpoint.
    let mut access_token = response.access_token().map(|t| SecretString::new(t.to_string()));
    let mut access_token_type = String::from("Bearer");
    if let Some(code) = response.code() {
        let token_endpoint = endpoint(metadata, &metadata.token_endpoint, "token_endpoint")?;
        let verifier = request.pkce.as_ref().and_then(|p| p.verifier.clone());
        let grant = TokenRequest::authorization_code(token_endpoint, code, request.redirect_uri.clone(), verifier);
        let tokens = d
            .token(
                "token",
                grant,
                &request.client_id,
                &auth,
                &audience(token_endpoint),
                config.dpop.as_ref(),
                rng,
            )
            .await?;
        if let Some(id_token) = &tokens.id_token {
            d.jwt("id_token (token response)", id_token.expose());
            let expect = id_expectations(IdTokenSource::TokenEndpoint, Some(tokens.access_token.expose()), None);
            let now = d.clock.now();
            let report = validate_id_token(id_token.expose(), &expect, Some(jwks), now, d.backend).await;
            d.decrypted_jwt("id_token (token response, decrypted)", &report.steps);
            d.timeline.push(TimelineEvent::Checks {
                step: "id_token (token response)",
                steps: report.steps,
            });
            d.outcome.id_token = Some(report.result?);
        } else if request.is_openid() && d.outcome.id_token.is_none() {
            return Err(ClientError::invalid(
                "token.id_token_missing",
                "OIDC Core §3.1.3.3: an openid request's token response must contain an id_token",
            )
            .into());
        }
        access_token = Some(tokens.access_token.clone());
        access_token_type = tokens.token_type.clone();
        d.outcome.tokens = Some(tokens);
    }

    // 7. Refresh (RFC 6749 §6), when asked for and a refresh token came.
    let refresh_token = d.outcome.tokens.as_ref().and_then(|t| t.refresh_token.clone());
    if let (true, Some(refresh_token)) = (options.refresh, refresh_token) {
        let token_endpoint = endpoint(metadata, &metadata.token_endpoint, "token_endpoint")?;
        let grant = TokenRequest::refresh(token_endpoint, refresh_token, None);
        let refreshed = d
            .token(
                "refresh",
                grant,
                &request.client_id,
                &auth,
                &audience(token_endpoint),
                config.dpop.as_ref(),
                rng,
            )
            .await?;
        access_token_type = refreshed.token_type.clone();
        access_token = Some(refreshed.access_token.clone());
        d.outcome.refreshed = Some(refreshed);
    }

    // 8. Userinfo.
    if let (true, Some(token), Some(userinfo)) = (options.userinfo, &access_token, &metadata.userinfo_endpoint) {
        // RFC 9449 §7.1: a DPoP-bound token goes with the DPoP scheme and a proof with ath.
        let bound = access_token_type.eq_ignore_ascii_case(protocol_dpop::SCHEME);
        let http_response = match (bound, config.dpop.as_ref()) {
            (true, Some(key)) => {
                let request = dpop_userinfo_request(userinfo, token);
                d.send_with_dpop("userinfo", request, Some(key), Some(token.expose()), rng)
                    .await?
            }
            _ => d.send("userinfo", userinfo_request(userinfo, token)).await?,
        };
        let info = process_userinfo_response(&http_response)?;
        if let super::token::UserInfo::Jwt(jwt) = &info {
            d.jwt("userinfo (signed)", jwt);
        }
        // OIDC Core §5.3.2: signed userinfo is verified, and sub must be the ID token's,
        // before any claim is used.
        let expect = super::userinfo::UserinfoExpectations {
            issuer: metadata.issuer.clone(),
            client_id: request.client_id.clone(),
            algs: defaults.userinfo_algs.clone(),
            id_token_sub: d.outcome.id_token.as_ref().and_then(|t| t.sub().map(str::to_string)),
            client_secret: config.client_secret.clone(),
            decryption: encryption.decryption(encryption.userinfo, secret),
        };
        let report = super::userinfo::validate_userinfo(&info, &expect, Some(jwks), d.backend).await;
        d.decrypted_jwt("userinfo (decrypted)", &report.steps);
        d.timeline.push(TimelineEvent::Checks {
            step: "userinfo (checks)",
            steps: report.steps,
        });
        report.result?;
        d.outcome.userinfo = Some(info);
    }
    Ok(())
}
